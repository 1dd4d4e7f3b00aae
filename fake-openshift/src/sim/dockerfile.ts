/**
 * Docker builds in the model: a Dockerfile interpreted over the base image's profile, step by step as
 * buildah runs it. USER/ENV/ARG/LABEL/WORKDIR/EXPOSE/CMD/ENTRYPOINT change the image config; COPY/ADD
 * bring files of the build context (the Git checkout, repositories.ts) in, root-owned unless
 * `--chown`; RUN lines apply `chgrp`, `chown`, `chmod` (octal and symbolic, `-R`), `mkdir`, docker-stacks'
 * `fix-permissions` to the paths the profile declares, and `apt-get update`/`install` to the OS's package
 * table (packages.ts) — where a step fails, the build fails with what the step printed.
 */
import {expandVars} from './kube.js'
import {aptInstall, DISTROS} from './packages.js'
import type {ImageProfile} from './profiles.js'
import type {RepoFile} from './repositories.js'

/** Joins continuation lines and drops comments. */
export function dockerfileInstructions(text: string): Array<{op: string; args: string}> {
  const out: Array<{op: string; args: string}> = []
  let buf = ''
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd()
    if (!buf && (line.trim().startsWith('#') || line.trim() === '')) continue
    if (line.endsWith('\\')) {
      buf += line.slice(0, -1) + ' '
      continue
    }
    buf += line
    const m = /^\s*([A-Za-z]+)\s+(.*)$/s.exec(buf)
    if (m) out.push({op: m[1].toUpperCase(), args: m[2].trim()})
    buf = ''
  }
  return out
}

/** Shell-ish word splitting with single/double quotes. */
export function shellWords(text: string): string[] {
  const words: string[] = []
  let cur = ''
  let quote: string | undefined
  let has = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quote) {
      if (ch === quote) quote = undefined
      else if (ch === '\\' && quote === '"' && i + 1 < text.length) cur += text[++i]
      else cur += ch
      continue
    }
    if (ch === '"' || ch === "'") {
      quote = ch
      has = true
    } else if (ch === '\\' && i + 1 < text.length) {
      cur += text[++i]
      has = true
    } else if (/\s/.test(ch)) {
      if (has || cur) words.push(cur)
      cur = ''
      has = false
    } else {
      cur += ch
      has = true
    }
  }
  if (has || cur) words.push(cur)
  return words
}

/** Splits a shell command line on `&&`, `||`, `;` and `|` (outside quotes). */
export function splitCommands(text: string): string[] {
  const parts: string[] = []
  let cur = ''
  let quote: string | undefined
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quote) {
      if (ch === quote) quote = undefined
      cur += ch
      continue
    }
    if (ch === '"' || ch === "'") {
      quote = ch
      cur += ch
      continue
    }
    const two = text.slice(i, i + 2)
    if (two === '&&' || two === '||') {
      parts.push(cur)
      cur = ''
      i++
      continue
    }
    if (ch === ';' || ch === '|' || ch === '\n') {
      parts.push(cur)
      cur = ''
      continue
    }
    cur += ch
  }
  parts.push(cur)
  return parts.map(p => p.trim()).filter(Boolean)
}

function resolveGroup(p: ImageProfile, g: string): number | undefined {
  if (/^\d+$/.test(g)) return Number(g)
  return p.groups.find(x => x.name === g)?.gid
}

function resolveUser(p: ImageProfile, u: string): number | undefined {
  if (/^\d+$/.test(u)) return Number(u)
  return p.passwd.find(x => x.name === u)?.uid
}

/** Applies a symbolic (`g+w`, `g=u`, `u+rwX,o-w`) or octal chmod mode. */
export function chmodMode(current: number, spec: string, isDir: boolean): number {
  if (/^[0-7]{3,4}$/.test(spec)) return parseInt(spec, 8) | (spec.length === 3 ? current & 0o7000 : 0)
  let mode = current
  for (const clause of spec.split(',')) {
    const m = /^([ugoa]*)([+=-])([rwxXst]*|[ugo])$/.exec(clause)
    if (!m) continue
    const who = m[1] === '' || m[1].includes('a') ? 'ugo' : m[1]
    const op = m[2]
    let bits = 0
    if (/^[ugo]$/.test(m[3])) {
      const shift = m[3] === 'u' ? 6 : m[3] === 'g' ? 3 : 0
      const src = (current >> shift) & 7
      for (const w of who) bits |= src << (w === 'u' ? 6 : w === 'g' ? 3 : 0)
    } else {
      for (const w of who) {
        const shift = w === 'u' ? 6 : w === 'g' ? 3 : 0
        for (const b of m[3]) {
          if (b === 'r') bits |= 4 << shift
          if (b === 'w') bits |= 2 << shift
          if (b === 'x' || (b === 'X' && (isDir || (current & 0o111) !== 0))) bits |= 1 << shift
          if (b === 's' && w === 'u') bits |= 0o4000
          if (b === 's' && w === 'g') bits |= 0o2000
          if (b === 't') bits |= 0o1000
        }
      }
    }
    if (op === '+') mode |= bits
    else if (op === '-') mode &= ~bits
    else {
      let mask = 0
      for (const w of who) mask |= 7 << (w === 'u' ? 6 : w === 'g' ? 3 : 0)
      mode = (mode & ~mask) | bits
    }
  }
  return mode
}

function targets(p: ImageProfile, path: string, recursive: boolean): string[] {
  const clean = path.length > 1 ? path.replace(/\/+$/, '') : path
  return Object.keys(p.paths).filter(
    k => k === clean || (recursive && k.startsWith(clean === '/' ? '/' : `${clean}/`)),
  )
}

export type DockerfileResult =
  | {ok: true; profile: ImageProfile; steps: string[]; log: string[]; total: number}
  | {
      ok: false
      /** the number of instructions (buildah's N in `STEP n/N`) */
      total: number
      /** the steps up to and including the failing one */
      steps: string[]
      /** what the failing step printed */
      log: string[]
      /** buildah's error line */
      error: string
      exitCode: number
    }

export interface DockerfileOptions {
  /** the name of the resulting profile */
  name: string
  /** the build context: the checkout (below contextDir), paths relative to it */
  context?: Record<string, RepoFile>
  /** the image that replaces the final FROM (the BuildConfig's dockerStrategy.from) */
  from?: string
}

/** The instructions of the final stage (earlier stages only feed COPY --from, which the model skips). */
function finalStage(all: Array<{op: string; args: string}>): Array<{op: string; args: string}> {
  const last = all.map(i => i.op).lastIndexOf('FROM')
  return last < 0 ? all : all.slice(last)
}

/**
 * Interprets a Dockerfile over `base`. `steps` are the instructions as buildah logs them
 * (`STEP n/N: ...`), with FROM naming `opts.from` when the strategy replaced it.
 */
export function interpretDockerfile(
  base: ImageProfile,
  text: string,
  opts: DockerfileOptions,
): DockerfileResult {
  const p: ImageProfile = structuredClone(base)
  p.name = opts.name
  const instructions = finalStage(dockerfileInstructions(text))
  const steps = instructions.map(i =>
    i.op === 'FROM' && opts.from ? `FROM ${opts.from}` : `${i.op} ${i.args}`,
  )
  const vars: Record<string, string> = {...p.env}
  const x = (s: string) => expandVars(s, vars) ?? s
  // RUN steps run as the base image's USER until the Dockerfile changes it
  const build = buildUserOf(p, p.user)
  const log: string[] = []
  for (const [index, {op, args}] of instructions.entries()) {
    const fail = (stepLog: string[], error: string, exitCode: number): DockerfileResult => ({
      ok: false,
      steps: steps.slice(0, index + 1),
      total: steps.length,
      log: [...log, ...stepLog],
      error,
      exitCode,
    })
    switch (op) {
      case 'USER': {
        p.user = x(args.trim())
        Object.assign(build, buildUserOf(p, p.user))
        break
      }
      case 'ENV':
      case 'ARG': {
        const words = shellWords(args)
        if (words.length === 2 && !words[0].includes('=')) {
          vars[words[0]] = x(words[1])
          if (op === 'ENV') p.env[words[0]] = vars[words[0]]
          break
        }
        for (const w of words) {
          const i = w.indexOf('=')
          if (i < 0) continue
          const k = w.slice(0, i)
          if (op === 'ARG' && vars[k] !== undefined) continue
          vars[k] = x(w.slice(i + 1))
          if (op === 'ENV') p.env[k] = vars[k]
        }
        if (vars.HOME && op === 'ENV') p.home = vars.HOME
        break
      }
      case 'LABEL':
        for (const w of shellWords(args)) {
          const i = w.indexOf('=')
          if (i > 0) p.labels[w.slice(0, i)] = x(w.slice(i + 1))
        }
        break
      case 'WORKDIR':
        p.workingDir = x(args.trim())
        if (!p.paths[p.workingDir]) p.paths[p.workingDir] = {uid: build.user, gid: build.group, mode: 0o755}
        break
      case 'EXPOSE':
        p.exposedPorts = [
          ...new Set([...p.exposedPorts, ...args.split(/\s+/).map(s => (s.includes('/') ? s : `${s}/tcp`))]),
        ]
        break
      case 'CMD':
        p.cmd = commandForm(args)
        break
      case 'ENTRYPOINT':
        p.entrypoint = commandForm(args)
        // Docker: an ENTRYPOINT set in the Dockerfile resets a CMD inherited from the base image
        if (!instructions.slice(index + 1).some(i => i.op === 'CMD')) p.cmd = []
        break
      case 'COPY':
      case 'ADD': {
        const r = copyInto(p, shellWords(x(args)), opts.context ?? {})
        if (!r.ok) return fail([], `error: build error: building at STEP "${op} ${args}": ${r.error}`, 1)
        break
      }
      case 'RUN':
        for (const cmd of splitCommands(args)) {
          const words = shellWords(x(cmd))
          const r = runStep(p, words, build)
          log.push(...r.log)
          if (r.exitCode !== 0) {
            return fail(
              [],
              `error: build error: building at STEP "RUN ${args}": while running runtime: exit status ${r.exitCode}`,
              r.exitCode,
            )
          }
        }
        break
      default:
        break
    }
  }
  return {ok: true, profile: p, steps, log, total: steps.length}
}

/** The UID and GID `USER u[:g]` runs RUN steps as (root when unset or unknown). */
function buildUserOf(p: ImageProfile, spec: string): {user: number; group: number} {
  const [user, group] = spec.split(':')
  const uid = user ? (resolveUser(p, user) ?? 0) : 0
  const gid = group ? (resolveGroup(p, group) ?? 0) : (p.passwd.find(e => e.uid === uid)?.gid ?? 0)
  return {user: uid, group: gid}
}

/** `["a", "b"]` (exec form) or `a b` (shell form, run by /bin/sh -c). */
function commandForm(args: string): string[] {
  try {
    const parsed: unknown = JSON.parse(args)
    return Array.isArray(parsed) ? parsed.map(String) : [String(parsed)]
  } catch {
    return ['/bin/sh', '-c', args]
  }
}

/**
 * COPY/ADD SRC... DEST from the build context: a directory's files go below DEST keeping their relative
 * paths, root-owned unless `--chown`, with Git's modes unless `--chmod`; scripts keep their behaviour.
 */
function copyInto(
  p: ImageProfile,
  words: string[],
  context: Record<string, RepoFile>,
): {ok: true} | {ok: false; error: string} {
  const flags = words.filter(w => w.startsWith('--'))
  if (flags.some(f => f.startsWith('--from='))) return {ok: true} // another stage or image: not modelled
  const operands = words.filter(w => !w.startsWith('--'))
  const dest = operands.pop()
  if (!dest) return {ok: true}
  const chown = flags.find(f => f.startsWith('--chown='))?.slice(8)
  const chmod = flags.find(f => f.startsWith('--chmod='))?.slice(8)
  const [u, g] = (chown ?? '').split(':')
  const uid = chown ? (resolveUser(p, u) ?? 0) : 0
  const gid = chown ? (g ? (resolveGroup(p, g) ?? 0) : (p.passwd.find(e => e.uid === uid)?.gid ?? 0)) : 0
  for (const src of operands) {
    if (/^https?:\/\//.test(src)) continue
    const clean = src.replace(/^\.?\/+/, '').replace(/\/+$/, '')
    const isDir = clean === '.' || clean === '' || Object.keys(context).some(k => k.startsWith(`${clean}/`))
    const matches = Object.entries(context).filter(([k]) =>
      clean === '.' || clean === '' ? true : k === clean || k.startsWith(`${clean}/`),
    )
    if (matches.length === 0) {
      return {
        ok: false,
        error: `checking on sources under "/tmp/build/inputs": copier: stat: "/${clean}": no such file or directory`,
      }
    }
    const destDir = dest.replace(/\/+$/, '')
    if (isDir || dest.endsWith('/') || operands.length > 1) {
      if (!p.paths[destDir]) p.paths[destDir] = {uid, gid, mode: 0o755}
    }
    for (const [path, file] of matches) {
      const rel = isDir
        ? path.slice(clean === '.' || clean === '' ? 0 : clean.length + 1)
        : path.split('/').pop()
      const target = isDir || dest.endsWith('/') || operands.length > 1 ? `${destDir}/${rel}` : destDir
      // the directories between DEST and the file
      for (
        let d = target.slice(0, target.lastIndexOf('/'));
        d.length > destDir.length;
        d = d.slice(0, d.lastIndexOf('/'))
      ) {
        if (!p.paths[d]) p.paths[d] = {uid, gid, mode: 0o755}
      }
      const mode = chmod ? parseInt(chmod, 8) : (file.mode ?? 0o644)
      p.paths[target] = {uid, gid, mode, type: 'file'}
      if (file.script) p.files[target] = file.script
      else delete p.files[target]
    }
  }
  return {ok: true}
}

/** One command of a RUN line, as the build's user: its effect on the profile and what it printed. */
function runStep(
  p: ImageProfile,
  words: string[],
  build: {user: number; group: number},
): {exitCode: number; log: string[]} {
  const [cmd, ...rest] = words
  if (cmd === 'apt-get' || cmd === 'apt') {
    const sub = rest.find(w => !w.startsWith('-'))
    if (sub === 'update') {
      if (build.user !== 0) {
        return {
          exitCode: 100,
          log: ['E: List directory /var/lib/apt/lists/partial is missing. - Acquire (13: Permission denied)'],
        }
      }
      p.aptLists = true
      return {
        exitCode: 0,
        log: [
          `Get:1 http://archive.ubuntu.com/ubuntu ${DISTROS[p.os ?? '']?.codename ?? 'stable'} InRelease`,
          'Reading package lists...',
        ],
      }
    }
    if (sub === 'install') {
      const pkgs = rest.slice(rest.indexOf('install') + 1).filter(w => !w.startsWith('-'))
      const r = aptInstall(p.os, pkgs, {root: build.user === 0, listsFresh: p.aptLists === true})
      return {exitCode: r.exitCode, log: r.log}
    }
    return {exitCode: 0, log: []}
  }
  if (cmd === 'rm' && rest.some(w => w.startsWith('/var/lib/apt/lists'))) {
    p.aptLists = false
    return {exitCode: 0, log: []}
  }
  runBuildCommand(p, words, build.user, build.group)
  return {exitCode: 0, log: []}
}

function runBuildCommand(p: ImageProfile, words: string[], buildUser: number, buildGroup: number): void {
  const [cmd, ...rest] = words
  // Options are `-R`, `-Rf`, `--recursive`...; `chmod -w FILE` style modes are operands, not options.
  const isFlag = (w: string) => /^-{1,2}[A-Za-z-]+$/.test(w) && !(cmd === 'chmod' && /^-[rwxXst]+$/.test(w))
  const flags = rest.filter(isFlag)
  const operands = rest.filter(w => !isFlag(w))
  const recursive = flags.some(f => /^-[A-Za-z]*R/.test(f) || f === '--recursive')
  switch (cmd) {
    case 'chgrp': {
      const [group, ...paths] = operands
      const gid = group ? resolveGroup(p, group) : undefined
      if (gid === undefined) return
      for (const path of paths) for (const t of targets(p, path, recursive)) p.paths[t].gid = gid
      break
    }
    case 'chown': {
      const [owner, ...paths] = operands
      if (!owner) return
      const [u, g] = owner.split(':')
      const uid = u ? resolveUser(p, u) : undefined
      const gid = g ? resolveGroup(p, g) : undefined
      for (const path of paths) {
        for (const t of targets(p, path, recursive)) {
          if (uid !== undefined) p.paths[t].uid = uid
          if (gid !== undefined) p.paths[t].gid = gid
        }
      }
      break
    }
    case 'chmod': {
      const [mode, ...paths] = operands
      if (!mode) return
      for (const path of paths) {
        for (const t of targets(p, path, recursive))
          p.paths[t].mode = chmodMode(p.paths[t].mode, mode, p.paths[t].type !== 'file')
      }
      break
    }
    case 'fix-permissions': {
      // docker-stacks fix-permissions: chgrp $NB_GID, g+rwX, setgid on directories.
      const gid = Number(p.env.NB_GID ?? '100')
      for (const path of operands) {
        for (const t of targets(p, path, true)) {
          p.paths[t].gid = gid
          p.paths[t].mode =
            chmodMode(p.paths[t].mode, 'g+rwX', p.paths[t].type !== 'file') |
            (p.paths[t].type === 'file' ? 0 : 0o2000)
        }
      }
      break
    }
    case 'mkdir':
      for (const path of operands)
        if (!p.paths[path]) p.paths[path] = {uid: buildUser, gid: buildGroup, mode: 0o755}
      break
    default:
      break
  }
}

/**
 * The image a Dockerfile builds, as far as arbitrary-UID readiness goes: its stages with Docker's
 * ARG/ENV scoping, the USER and WORKDIR, the users it adds, the ports it exposes and a timeline of
 * what each instruction does to the owner, group and mode of paths. The state of any path at the
 * end (or at any point) is folded from that timeline over the base image's known state (bases.ts).
 * Only the final stage's chain (the final stage and the stages it is built FROM) makes the image;
 * other stages contribute only what `COPY --from` takes, with COPY's ownership (root unless
 * --chown). Pure.
 */
import {interpretCommands, interpretScript, joinPath, type Op, type Target} from './commands.js'
import {knownBase, type BaseUser, type KnownBase} from './bases.js'
import {
  SETGID,
  SETUID,
  UNKNOWN_MODE,
  applyMode,
  bit,
  groupWritable,
  knownMode,
  otherWritable,
  parseMode,
  type Mode,
  type ModeSpec,
} from './modes.js'
import {parseDockerfile, type Instruction, type ParsedDockerfile} from './parse.js'
import {dockerWords, src, type Lookup, type VarValue, type Word} from './shell.js'

/** Why the image's process must be able to write a path (the "must write" set). */
export type Intent = 'handed' | 'writable' | 'created-by-user'

export interface FsEvent {
  kind: 'create' | 'copy' | 'chmod' | 'chown' | 'remove' | 'fill'
  target: Target
  recursive: boolean
  line: number
  /** index of the instruction (one layer each) */
  layer: number
  /** the command or instruction, for evidence */
  text: string
  /** create/copy: the new entry's owner, group and mode */
  owner?: string
  /** chown: the new group; `null` = changed to a group that is not known */
  group?: string | null
  mode?: Mode
  /** create: nothing happens when the path exists (mkdir -p, WORKDIR) */
  ifAbsent?: boolean
  /** create by a RUN: a setgid parent directory passes its group on */
  inherit?: boolean
  /** chmod */
  spec?: ModeSpec
  filesOnly?: boolean
  via?: string
  /** create/fill: what made it (mkdir, COPY, conda install...) */
  what?: string
  /** copy: the source looks like a single file (`requirements.txt`), not a tree */
  file?: boolean
  /** copy: the contents of a directory (`COPY . /app`, `COPY root/ /`): what lands below is not known */
  partial?: boolean
  intent?: Intent
}

export interface UserRef {
  /** as written, after expansion: `1000`, `jovyan`, `1001:0`, `$NB_UID` */
  value: string
  unresolved: boolean
  /** line of the USER instruction; undefined when inherited from the base image */
  line?: number
}

export interface Stage {
  index: number
  name?: string
  /** the FROM image as resolved (global ARGs expanded) */
  image: string
  line: number
  /** first stage of the chain this stage is built on (FROM an earlier stage) */
  root: {image: string; base?: KnownBase; line: number}
  env: Map<string, string | undefined>
  args: Map<string, string | null>
  user?: UserRef
  cwd: string | undefined
  workdirLine?: number
  users: Record<string, BaseUser>
  groups: Record<string, string>
  events: FsEvent[]
  exposes: Array<{port: string; line: number; unresolved: boolean}>
}

export interface ImageModel {
  parsed: ParsedDockerfile
  stages: Stage[]
  /** the stage that makes the image (the last one) */
  final?: Stage
}

export interface PathState {
  exists: boolean | undefined
  owner?: string
  group?: string
  mode: Mode
  /** lines of the events that last set the group and the mode (the FROM line for the base's state) */
  groupLine: number
  modeLine: number
  groupText?: string
  modeText?: string
  fromBase: boolean
}

const OWNER_RWX: Mode = {known: 0o700, value: 0o700}

export function lookupIn(stage: Stage): Lookup {
  return (name: string): VarValue => {
    if (stage.env.has(name)) return stage.env.get(name)
    if (stage.args.has(name)) return stage.args.get(name)
    return undefined
  }
}

export const isUnder = (p: string, dir: string) => dir === '/' || p.startsWith(`${dir}/`)
const parentOf = (p: string) => (p === '/' ? '/' : p.slice(0, p.lastIndexOf('/')) || '/')

/** uid of a user name or number as the stage knows it (the name itself when unknown). */
export function uidOf(stage: Stage, user: string): string {
  if (/^\d+$/.test(user)) return user
  return stage.users[user]?.uid ?? user
}

export function gidOf(stage: Stage, group: string): string {
  if (/^\d+$/.test(group)) return group
  return stage.groups[group] ?? group
}

/** The primary group of a user (`1000`, `jovyan`, `1001:0`); a uid without a passwd entry runs with gid 0. */
export function primaryGroup(stage: Stage, user: string): string | undefined {
  const [u, g] = user.split(':')
  if (g !== undefined && g !== '') return gidOf(stage, g)
  if (u === '' || u === 'root' || u === '0') return '0'
  const entry = /^\d+$/.test(u) ? Object.values(stage.users).find(x => x.uid === u) : stage.users[u]
  if (entry) return entry.gid
  return /^\d+$/.test(u) ? '0' : undefined
}

const isRootUser = (stage: Stage, user: string | undefined) =>
  user === undefined || uidOf(stage, user.split(':')[0]) === '0' || user.split(':')[0] === ''

/** The base's state of a path: the longest matching entry of the known base, else unknown. */
function baseState(stage: Stage, path: string): PathState {
  const line = stage.root.line
  const entry = stage.root.base?.paths
    .filter(p => p.path === path || (p.recursive && isUnder(path, p.path)))
    .sort((a, b) => b.path.length - a.path.length)[0]
  if (entry)
    return {
      // below a recursive entry the mode is known, but not whether a given file is there
      exists: entry.path === path ? true : undefined,
      owner: entry.owner,
      group: entry.group,
      mode: entry.mode,
      groupLine: line,
      modeLine: line,
      fromBase: true,
    }
  // unknown: assume only that the owner may read, write and enter it (for g=u)
  return {exists: undefined, mode: OWNER_RWX, groupLine: line, modeLine: line, fromBase: true}
}

function touches(e: FsEvent, path: string): 'self' | 'below' | undefined {
  const t = e.target.path
  if (path === t) return e.target.contents ? undefined : 'self'
  if (!isUnder(path, t)) return undefined
  if (e.target.contents && !e.recursive && e.kind !== 'remove')
    return parentOf(path) === t ? 'self' : undefined
  return 'below'
}

/** The state of `path` after the first `upto` events of the stage's chain. */
export function stateAt(stage: Stage, path: string, upto = stage.events.length): PathState {
  let s = baseState(stage, path)
  for (let i = 0; i < upto; i++) {
    const e = stage.events[i]
    const how = touches(e, path)
    if (!how) continue
    switch (e.kind) {
      case 'remove':
        s = {...s, exists: false}
        break
      case 'create':
      case 'copy': {
        if (how === 'below' && (e.kind === 'create' || e.partial || s.exists === true)) break
        if (e.ifAbsent && s.exists === true) break
        let group = e.group ?? undefined
        let mode = e.mode ?? UNKNOWN_MODE
        if (e.inherit) {
          // a directory created inside a setgid directory takes its group (and setgid)
          const parent = stateAt(stage, parentOf(path), i)
          if (bit(parent.mode, SETGID) === true && parent.group !== undefined) {
            group = parent.group
            mode = {known: mode.known | SETGID, value: mode.value | SETGID}
          }
        }
        s = {
          exists: true,
          owner: e.owner,
          group,
          mode,
          groupLine: e.line,
          modeLine: e.line,
          groupText: e.text,
          modeText: e.text,
          fromBase: false,
        }
        break
      }
      case 'chmod':
        if (e.filesOnly || !e.spec || (how === 'below' && !e.recursive)) break
        s = {...s, mode: applyMode(s.mode, e.spec), modeLine: e.line, modeText: e.text, fromBase: false}
        break
      case 'chown':
        if (e.filesOnly || (how === 'below' && !e.recursive)) break
        s = {
          ...s,
          ...(e.owner !== undefined ? {owner: e.owner} : {}),
          ...(e.group !== undefined
            ? {group: e.group ?? undefined, groupLine: e.line, groupText: e.text}
            : {}),
          fromBase: false,
        }
        break
      default:
        break
    }
  }
  return s
}

/** Writable by the assigned UID through gid 0 (or by anyone). */
export function writableByGid0(s: PathState): boolean | undefined {
  if (otherWritable(s.mode) === true) return true
  if (s.group === '0') return groupWritable(s.mode)
  return s.group === undefined ? undefined : false
}

// ---------------------------------------------------------------------------------------------

function words(ins: Instruction, lookup: Lookup, escape: string): Word[] {
  if (ins.json) return ins.json.map(v => ({value: v, line: ins.line, unresolved: false}))
  return dockerWords(ins.args, lookup, escape)
}

function newStage(
  index: number,
  ins: Instruction,
  stages: Stage[],
  globalLookup: Lookup,
  escape: string,
): Stage {
  const ws = dockerWords(ins.args, globalLookup, escape)
  const image = ws[0]?.value ?? ''
  const name = ws[1]?.value.toLowerCase() === 'as' ? ws[2]?.value : undefined
  const parent = stages.find(s => s.name !== undefined && s.name.toLowerCase() === image.toLowerCase())
  if (parent) {
    return {
      ...parent,
      index,
      ...(name ? {name} : {name: undefined}),
      image,
      line: ins.line,
      env: new Map(parent.env),
      args: new Map(),
      users: {...parent.users},
      groups: {...parent.groups},
      events: [...parent.events],
      exposes: [...parent.exposes],
    }
  }
  const base = ws[0]?.unresolved ? undefined : knownBase(image)
  return {
    index,
    ...(name ? {name} : {}),
    image,
    line: ins.line,
    root: {image, ...(base ? {base} : {}), line: ins.line},
    env: new Map(Object.entries(base?.env ?? {})),
    args: new Map(),
    ...(base?.user !== undefined ? {user: {value: base.user, unresolved: false}} : {}),
    cwd: base?.workdir ?? '/',
    users: {root: {uid: '0', gid: '0', home: '/root'}, ...base?.users},
    groups: {root: '0', ...base?.groups},
    events: [],
    exposes: [],
  }
}

/** Splits `NAME=value` (value expanded) from the word; a name alone has no value. */
function assignment(w: Word): {name: string; value?: string; unresolved: boolean} {
  const eq = w.value.indexOf('=')
  if (eq < 0) return {name: w.value, unresolved: false}
  return {name: w.value.slice(0, eq), value: w.value.slice(eq + 1), unresolved: w.unresolved}
}

function currentUser(stage: Stage): string {
  return stage.user?.value ?? 'root'
}

/** The fresh owner, group and intent of something a RUN creates as the current USER. */
function creator(stage: Stage) {
  const user = currentUser(stage)
  const nonRoot = !stage.user?.unresolved && !isRootUser(stage, user)
  return {
    owner: uidOf(stage, user.split(':')[0]),
    group: primaryGroup(stage, user),
    nonRoot,
  }
}

const fixPermissionsFlavour = (stage: Stage): 'docker-stacks' | 'sclorg' | undefined =>
  stage.root.base?.fixPermissions ?? (stage.env.has('NB_GID') ? 'docker-stacks' : undefined)

/** Turns the operations of a RUN into timeline events. */
function runEvents(stage: Stage, ops: Op[], layer: number): FsEvent[] {
  const out: FsEvent[] = []
  const lookup = lookupIn(stage)
  const who = creator(stage)
  for (const op of ops) {
    const at = {line: op.line, layer, text: op.text}
    switch (op.kind) {
      case 'chmod': {
        const writable =
          groupWritable(applyMode(knownMode(0o755), op.mode)) === true ||
          otherWritable(applyMode(knownMode(0o755), op.mode)) === true
        for (const target of op.targets)
          out.push({
            kind: 'chmod',
            ...at,
            target,
            recursive: op.recursive,
            spec: op.mode,
            ...(op.filesOnly ? {filesOnly: true} : {}),
            ...(op.via ? {via: op.via} : {}),
            ...(writable ? {intent: 'writable' as const} : {}),
          })
        break
      }
      case 'chown': {
        const owner = op.owner === undefined ? undefined : uidOf(stage, op.owner)
        const group = op.loginGroup
          ? (primaryGroup(stage, op.owner ?? '') ?? null)
          : op.group === undefined
            ? undefined
            : gidOf(stage, op.group)
        const toRoot = (owner === undefined || owner === '0') && (group === undefined || group === '0')
        const handed = !toRoot || (op.group !== undefined && owner === undefined)
        for (const target of op.targets)
          out.push({
            kind: 'chown',
            ...at,
            target,
            recursive: op.recursive,
            ...(owner !== undefined ? {owner} : {}),
            ...(group !== undefined ? {group} : {}),
            ...(op.filesOnly ? {filesOnly: true} : {}),
            ...(op.via ? {via: op.via} : {}),
            ...(handed ? {intent: 'handed' as const} : {}),
          })
        break
      }
      case 'fix-permissions': {
        const flavour = fixPermissionsFlavour(stage)
        const nbGid = lookup('NB_GID')
        const group =
          flavour === 'docker-stacks'
            ? typeof nbGid === 'string' && nbGid
              ? nbGid
              : '100'
            : flavour
              ? '0'
              : null
        for (const target of op.targets) {
          const e = {...at, target, recursive: true, via: 'fix-permissions', intent: 'handed' as const}
          out.push({kind: 'chown', ...e, group})
          out.push({kind: 'chmod', ...e, spec: parseMode('g+rwX') as ModeSpec})
          if (flavour === 'docker-stacks')
            out.push({kind: 'chmod', ...e, spec: parseMode('+6000') as ModeSpec})
        }
        break
      }
      case 'mkdir': {
        const mode = op.mode ? applyMode(knownMode(0o777), op.mode, true, 0) : knownMode(0o755)
        const owner = op.owner !== undefined ? uidOf(stage, op.owner) : who.owner
        const group = op.group !== undefined ? gidOf(stage, op.group) : who.group
        const intent: Intent | undefined =
          op.owner !== undefined || op.group !== undefined
            ? 'handed'
            : groupWritable(mode) || otherWritable(mode)
              ? 'writable'
              : who.nonRoot
                ? 'created-by-user'
                : undefined
        for (const target of op.targets)
          out.push({
            kind: 'create',
            ...at,
            target,
            recursive: false,
            owner,
            ...(group !== undefined ? {group} : {}),
            mode,
            ifAbsent: op.parents,
            inherit: op.group === undefined,
            what: 'mkdir',
            ...(intent ? {intent} : {}),
          })
        break
      }
      case 'create':
        for (const target of op.targets)
          out.push({
            kind: 'create',
            ...at,
            target,
            recursive: false,
            owner: who.owner,
            ...(who.group !== undefined ? {group: who.group} : {}),
            mode: knownMode(0o755),
            ifAbsent: true,
            inherit: true,
            what: op.what,
            ...(who.nonRoot && op.what !== 'redirection' ? {intent: 'created-by-user' as const} : {}),
          })
        break
      case 'fill':
        for (const target of op.targets)
          out.push({kind: 'fill', ...at, target, recursive: true, what: op.what})
        break
      case 'remove':
        for (const target of op.targets) out.push({kind: 'remove', ...at, target, recursive: true})
        break
      case 'groupadd':
        stage.groups[op.name] = op.gid ?? stage.groups[op.name] ?? op.name
        break
      case 'useradd': {
        const uid = op.uid ?? op.name
        const gid = op.group !== undefined ? gidOf(stage, op.group) : uid
        const home = op.home ?? `/home/${op.name}`
        stage.users[op.name] = {uid, gid, home}
        if (op.createHome)
          out.push({
            kind: 'create',
            ...at,
            target: {path: home, contents: false},
            recursive: false,
            owner: uid,
            group: gid,
            mode: knownMode(0o755),
            ifAbsent: true,
            what: 'useradd',
            intent: 'handed',
          })
        break
      }
    }
  }
  return out
}

const SHELLS = /^(\/(usr\/)?bin\/)?(ba|da|z)?sh$/

/** The shell commands of a RUN: shell form, exec form of `sh -c`, or a heredoc script. */
function runOps(stage: Stage, ins: Instruction): Op[] {
  const ctx = {cwd: stage.cwd ?? '/', lookup: lookupIn(stage)}
  if (ins.json) {
    const [cmd, flag, script] = ins.json
    if (cmd && SHELLS.test(cmd) && flag?.startsWith('-') && flag.includes('c') && script !== undefined)
      return interpretScript(src(script, ins.line), ctx)
    const ws = ins.json.map(v => ({value: v, line: ins.line, unresolved: false}))
    return interpretCommands([{words: ws, line: ins.line, writes: []}], ctx)
  }
  const ops: Op[] = []
  const heredoc = ins.heredocs[0]
  if (heredoc) {
    // `RUN <<EOF` (or `RUN <<EOF bash -e`, `RUN bash <<EOF`): the heredoc is the script
    const command = ins.args.text.replaceAll(/<<-?(["']?)[A-Za-z_][\w.-]*\1/g, '').trim()
    const firstWord = command.split(/\s+/)[0] ?? ''
    const body = heredoc.body
    const shebang = /^#!\s*(\S+)/.exec(body.text)?.[1]
    if (
      (command === '' || SHELLS.test(firstWord)) &&
      (shebang === undefined || SHELLS.test(shebang.replace(/^\/usr\/bin\/env\s*/, '')))
    )
      ops.push(...interpretScript(body, ctx))
    if (command === '' || SHELLS.test(firstWord)) return ops
  }
  ops.push(...interpretScript(ins.args, ctx))
  return ops
}

/** The source stage's mode of a path copied with `COPY --from` (its ownership is COPY's). */
function copySourceMode(stages: Stage[], from: string | undefined, source: string): Mode {
  if (from === undefined) return knownMode(0o755) // build context: a checkout has no group/other write
  const stage = /^\d+$/.test(from)
    ? stages[Number(from)]
    : stages.find(s => s.name !== undefined && s.name.toLowerCase() === from.toLowerCase())
  if (!stage) return UNKNOWN_MODE // another image: not known
  const s = stateAt(stage, joinPath(stage.cwd ?? '/', source))
  return s.mode
}

function copyEvents(
  stage: Stage,
  stages: Stage[],
  ins: Instruction,
  layer: number,
  escape: string,
): FsEvent[] {
  const lookup = lookupIn(stage)
  const ws = words(ins, lookup, escape)
  if (ws.length < 2 && ins.heredocs.length === 0) return []
  const destWord = ws.at(-1)
  if (!destWord || destWord.unresolved) return []
  const sources = ws.slice(0, -1).filter(w => !/^<<-?/.test(w.value))
  const dest = joinPath(stage.cwd ?? '/', destWord.value)
  const destIsDir = destWord.value.endsWith('/') || sources.length + ins.heredocs.length > 1
  const expand = (v: string | null | undefined) =>
    v === null || v === undefined ? undefined : dockerWords(src(v, ins.line), lookup, escape)[0]
  const chown = expand(ins.flags.chown)
  const chmod = expand(ins.flags.chmod)
  const from = expand(ins.flags.from)?.value
  if (chown?.unresolved || chmod?.unresolved) return []
  let owner = '0'
  let group = '0'
  if (chown) {
    const [u, g] = chown.value.split(':')
    owner = uidOf(stage, u)
    // Docker: a user without a group uses the same numeric id as the group
    group = g !== undefined && g !== '' ? gidOf(stage, g) : owner
  }
  const spec = chmod ? parseMode(chmod.value) : undefined
  const targets: Array<{target: Target; source?: string; file?: boolean; partial?: boolean}> = []
  for (const h of ins.heredocs)
    targets.push({target: {path: destIsDir ? joinPath(dest, h.name) : dest, contents: false}})
  for (const s of sources) {
    if (s.unresolved) continue
    const name = s.value.replace(/\/+$/, '').split('/').at(-1) ?? ''
    const contents = s.value.endsWith('/') || name === '.' || name === '' || /[*?[]/.test(name)
    targets.push({
      target:
        destIsDir && !contents
          ? {path: joinPath(dest, name), contents: false}
          : {path: dest, contents: false},
      source: s.value,
      // `requirements.txt`, or one file copied to `/x/.condarc`
      file: !contents && (/\.\w+$/.test(name) || (!destIsDir && /\.\w+$/.test(dest))),
      partial: contents,
    })
  }
  return targets.map(({target, source, file, partial}) => {
    const fromMode = source !== undefined ? copySourceMode(stages, from, source) : knownMode(0o644)
    const mode = spec ? applyMode(spec.kind === 'octal' ? knownMode(0) : fromMode, spec, true, 0) : fromMode
    return {
      kind: 'copy' as const,
      target,
      recursive: true,
      line: ins.line,
      layer,
      text: `${ins.keyword} ${ins.args.text}`,
      owner,
      group,
      mode: {known: mode.known | SETUID | SETGID, value: mode.value & ~(SETUID | SETGID)},
      ifAbsent: true,
      what: ins.keyword,
      ...(file ? {file} : {}),
      ...(partial ? {partial} : {}),
    }
  })
}

export function buildModel(parsed: ParsedDockerfile): ImageModel {
  const stages: Stage[] = []
  const globalArgs = new Map<string, string | null>()
  const globalLookup: Lookup = name => (globalArgs.has(name) ? globalArgs.get(name) : undefined)
  const esc = parsed.escape
  let stage: Stage | undefined
  parsed.instructions.forEach((ins, layer) => {
    if (ins.keyword === 'FROM') {
      stage = newStage(stages.length, ins, stages, globalLookup, esc)
      stages.push(stage)
      return
    }
    if (!stage) {
      // before the first FROM only ARG is allowed: global ARGs, visible to FROM lines
      if (ins.keyword === 'ARG')
        for (const w of dockerWords(ins.args, globalLookup, esc)) {
          const a = assignment(w)
          globalArgs.set(a.name, a.value ?? null)
        }
      return
    }
    const s = stage
    const lookup = lookupIn(s)
    switch (ins.keyword) {
      case 'ARG':
        for (const w of dockerWords(ins.args, lookup, esc)) {
          const a = assignment(w)
          // a stage re-declares a global ARG to see it; its value is the global default
          s.args.set(a.name, a.value ?? (globalArgs.has(a.name) ? (globalArgs.get(a.name) ?? null) : null))
        }
        break
      case 'ENV': {
        const ws = dockerWords(ins.args, lookup, esc)
        // all values of one ENV see the variables as they were before it
        const pairs = ws[0]?.value.includes('=')
          ? ws.map(assignment)
          : [
              {
                name: ws[0]?.value ?? '',
                value: ws
                  .slice(1)
                  .map(w => w.value)
                  .join(' '),
                unresolved: ws.slice(1).some(w => w.unresolved),
              },
            ]
        for (const p of pairs) if (p.name) s.env.set(p.name, p.unresolved ? undefined : (p.value ?? ''))
        break
      }
      case 'USER': {
        const w = dockerWords(ins.args, lookup, esc)[0]
        if (w) s.user = {value: w.value, unresolved: w.unresolved, line: ins.line}
        break
      }
      case 'WORKDIR': {
        const w = dockerWords(ins.args, lookup, esc)[0]
        if (!w || w.unresolved) {
          s.cwd = undefined
          break
        }
        s.cwd = joinPath(s.cwd ?? '/', w.value)
        s.workdirLine = ins.line
        const who = creator(s)
        s.events.push({
          kind: 'create',
          target: {path: s.cwd, contents: false},
          recursive: false,
          line: ins.line,
          layer,
          text: `WORKDIR ${ins.args.text}`,
          owner: who.owner,
          ...(who.group !== undefined ? {group: who.group} : {}),
          mode: knownMode(0o755),
          ifAbsent: true,
          what: 'WORKDIR',
        })
        break
      }
      case 'COPY':
      case 'ADD':
        s.events.push(...copyEvents(s, stages, ins, layer, esc))
        break
      case 'RUN':
        s.events.push(...runEvents(s, runOps(s, ins), layer))
        break
      case 'EXPOSE':
        for (const w of dockerWords(ins.args, lookup, esc))
          s.exposes.push({port: w.value, line: ins.line, unresolved: w.unresolved})
        break
      default:
        break
    }
  })
  return {parsed, stages, ...(stages.length > 0 ? {final: stages.at(-1)} : {})}
}

export function analyseDockerfile(text: string): ImageModel {
  return buildModel(parseDockerfile(text))
}

/**
 * Offline Dockerfile lint for arbitrary-UID readiness (FACTS.md §Assigned user IDs): a numeric,
 * non-root final USER; directories the process writes group 0 and group-writable, changed in the same
 * layer that creates them; /etc/passwd left alone so CRI-O can add the running UID. A pure parser
 * plus pure checks — no Docker, no cluster.
 */
import type {Check, Finding} from './types.js'

export interface Instruction {
  /** upper-case keyword: FROM, RUN, USER... */
  keyword: string
  /** the arguments, continuation lines joined with a space */
  args: string
  /** 1-based line of the keyword */
  line: number
}

export interface Stage {
  from: string
  instructions: Instruction[]
}

export interface ParsedDockerfile {
  instructions: Instruction[]
  stages: Stage[]
  /** ARG/ENV defaults of the final stage and the global ARGs, for `USER $NB_UID` */
  vars: Record<string, string>
}

export function parseDockerfile(text: string): ParsedDockerfile {
  const raw = text.split('\n')
  // The escape character can be changed by a parser directive (`# escape=``) — Windows images.
  const escapeDirective = /^#\s*escape\s*=\s*(\S)\s*$/i.exec(raw[0] ?? '')
  const esc = escapeDirective ? escapeDirective[1] : '\\'
  const instructions: Instruction[] = []
  let current: Instruction | undefined
  for (let i = 0; i < raw.length; i++) {
    let line = raw[i].replace(/\r$/, '')
    const trimmed = line.trim()
    if (current === undefined) {
      if (trimmed === '' || trimmed.startsWith('#')) continue
      const m = /^(\w+)\s*(.*)$/.exec(trimmed)
      if (!m) continue
      current = {keyword: m[1].toUpperCase(), args: '', line: i + 1}
      line = m[2]
    } else if (trimmed.startsWith('#')) {
      continue // comment lines inside a continued instruction are dropped by Docker too
    }
    const continued = line.trimEnd().endsWith(esc)
    const part = continued ? line.trimEnd().slice(0, -1) : line
    current.args = `${current.args} ${part.trim()}`.trim()
    if (!continued) {
      instructions.push(current)
      current = undefined
    }
  }
  if (current) instructions.push(current)

  const stages: Stage[] = []
  const vars: Record<string, string> = {}
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      stages.push({from: ins.args.split(/\s+/)[0] ?? '', instructions: []})
      continue
    }
    stages.at(-1)?.instructions.push(ins)
  }
  const finalStart = instructions.findLastIndex(i => i.keyword === 'FROM')
  for (const [idx, ins] of instructions.entries()) {
    if (ins.keyword !== 'ARG' && ins.keyword !== 'ENV') continue
    if (
      idx > finalStart ||
      (ins.keyword === 'ARG' && idx < instructions.findIndex(i => i.keyword === 'FROM'))
    ) {
      for (const [k, v] of parseAssignments(ins.args)) vars[k] = v
    }
  }
  return {instructions, stages, vars}
}

/** `K=V K2="V 2"` or the legacy `K V` form of ENV. */
function parseAssignments(args: string): Array<[string, string]> {
  if (!args.includes('=') || /^\S+\s+[^=]*$/.test(args)) {
    const m = /^(\S+)\s+(.*)$/.exec(args)
    return m ? [[m[1], m[2]]] : []
  }
  const out: Array<[string, string]> = []
  const re = /([A-Za-z_][\w]*)=("([^"]*)"|'([^']*)'|(\S*))/g
  for (const m of args.matchAll(re)) out.push([m[1], m[3] ?? m[4] ?? m[5] ?? ''])
  return out
}

function expand(value: string, vars: Record<string, string>): string {
  return value.replace(
    /\$\{?(\w+)(?::-([^}]*))?\}?/g,
    (all, name: string, dflt?: string) => vars[name] ?? dflt ?? all,
  )
}

/** The shell commands of a RUN (shell form; exec form joined), split on && ; || and |. */
export function runCommands(args: string): string[] {
  let body = args.replace(/^(--\S+\s+)+/, '') // RUN --mount=... flags
  if (body.startsWith('[')) {
    try {
      body = (JSON.parse(body) as string[]).join(' ')
    } catch {
      // not valid JSON: Docker runs it through the shell
    }
  }
  return body
    .split(/&&|\|\||;|\|/)
    .map(s => s.trim())
    .filter(Boolean)
}

const PERMISSION_CMD = /^(sudo\s+)?(chmod|chgrp|chown|fix-permissions)\b/
const FIND_CHMOD = /^find\b.*-exec\s+(chmod|chgrp|chown)\b/

/** Path-looking arguments of a command (not options, not modes/owners). */
function pathsOf(cmd: string): string[] {
  const words = cmd
    .split(/\s+/)
    .slice(1)
    .filter(w => !w.startsWith('-'))
  const tool = cmd.split(/\s+/)[0]
  // chmod MODE paths, chgrp GROUP paths, chown OWNER paths; fix-permissions paths
  const skip = tool === 'fix-permissions' ? 0 : 1
  return words.slice(skip)
}

function finalStage(d: ParsedDockerfile): Stage | undefined {
  return d.stages.at(-1)
}

function f(
  checkId: string,
  severity: Finding['severity'],
  line: number,
  message: string,
  evidence: string[],
  remediation: string,
): Finding {
  return {
    checkId,
    severity,
    message,
    evidence,
    remediation,
    line,
    object: {kind: 'Dockerfile', name: `line ${line}`},
  }
}

export const userCheck: Check<ParsedDockerfile> = {
  id: 'dockerfile.user-not-numeric-non-root',
  area: 'dockerfile',
  title: 'Final USER is numeric and not root',
  severity: 'error',
  reads: 'the last USER of the final stage',
  fires: 'the final USER is root/0, a name (S2I: "must specify a user that is numeric"), or missing',
  fix: 'End the final stage with a numeric non-root USER, e.g. `USER 1001`.',
  run(d) {
    const stage = finalStage(d)
    if (!stage) return []
    const user = stage.instructions.filter(i => i.keyword === 'USER').at(-1)
    if (!user) {
      const from = d.instructions.findLast(i => i.keyword === 'FROM')
      return [
        f(
          this.id,
          'warning',
          from?.line ?? 1,
          `the final stage sets no USER: it inherits ${stage.from}'s, which may be root or a name`,
          [`FROM ${stage.from}`],
          'Add `USER 1001` (numeric, non-root) as the last USER.',
        ),
      ]
    }
    const value = expand(user.args.trim(), d.vars)
    const name = value.split(':')[0]
    if (/^\d+$/.test(name) && name !== '0') return []
    const unresolved = name.includes('$')
    const why =
      name === 'root' || name === '0'
        ? 'runs as root'
        : unresolved
          ? `is a variable (${user.args.trim()}) this Dockerfile does not define: it cannot be checked to be numeric`
          : `is the name "${name}": S2I rejects it ("must specify a user that is numeric") and runAsNonRoot cannot verify it`
    return [
      f(
        this.id,
        unresolved ? 'warning' : 'error',
        user.line,
        `the final USER ${why}`,
        [`line ${user.line}: USER ${user.args}`],
        `USER ${name === 'root' || name === '0' || unresolved ? '1001' : '1000   # the numeric id of ' + name}`,
      ),
    ]
  },
}

const GROUP0 = new Set(['0', 'root'])

export const groupZeroCheck: Check<ParsedDockerfile> = {
  id: 'dockerfile.writable-not-group-0',
  area: 'dockerfile',
  title: 'Writable directories belong to group 0',
  severity: 'error',
  reads: 'RUN chown/chgrp and COPY/ADD --chown',
  fires:
    'a path is given to a group other than 0 (e.g. chown 1000:100): the assigned UID runs with gid 0 and cannot write it',
  fix: 'Use group 0 and copy the owner bits to the group: `chgrp -R 0 DIR && chmod -R g=u DIR`.',
  run(d) {
    const out: Finding[] = []
    for (const ins of d.instructions) {
      if (ins.keyword === 'RUN') {
        for (const cmd of runCommands(ins.args)) {
          const c = cmd.replace(/^sudo\s+/, '')
          const chown = /^chown\s+(?:-\S+\s+)*([^\s:.]+)[:.]([^\s]+)\s+(.+)$/.exec(c)
          const chgrp = /^chgrp\s+(?:-\S+\s+)*(\S+)\s+(.+)$/.exec(c)
          const group = chown?.[2] ?? chgrp?.[1]
          const paths = chown?.[3] ?? chgrp?.[2]
          if (group === undefined || paths === undefined) continue
          const g = expand(group, d.vars)
          if (GROUP0.has(g)) continue
          out.push(
            f(
              this.id,
              this.severity,
              ins.line,
              `${paths} is given to group ${g}, not 0: under an assigned UID (gid 0) it is not writable`,
              [`line ${ins.line}: ${c}`],
              `chgrp -R 0 ${paths} && chmod -R g=u ${paths}   # in the RUN that creates them`,
            ),
          )
        }
      }
      if (ins.keyword === 'COPY' || ins.keyword === 'ADD') {
        const m = /--chown=([^\s:]+):(\S+)/.exec(ins.args)
        if (m && !GROUP0.has(expand(m[2], d.vars))) {
          out.push(
            f(
              this.id,
              'warning',
              ins.line,
              `${ins.keyword} --chown gives the files to group ${m[2]}, not 0: not writable under an assigned UID`,
              [`line ${ins.line}: ${ins.keyword} ${ins.args}`],
              `${ins.keyword} --chown=${m[1]}:0 --chmod=g=u ...`,
            ),
          )
        }
      }
    }
    return out
  },
}

export const groupWritableCheck: Check<ParsedDockerfile> = {
  id: 'dockerfile.group-0-not-writable',
  area: 'dockerfile',
  title: 'Group-0 directories are group-writable',
  severity: 'warning',
  reads: 'RUN chgrp 0/root and chown X:0 without a following chmod g=u / g+w in the same RUN',
  fires: 'a path is given to group 0 but not made group-writable',
  fix: 'Add `chmod -R g=u DIR` in the same RUN.',
  run(d) {
    const out: Finding[] = []
    for (const ins of d.instructions.filter(i => i.keyword === 'RUN')) {
      const cmds = runCommands(ins.args).map(c => c.replace(/^sudo\s+/, ''))
      const writable = cmds.filter(c =>
        /^(chmod\s+(?:-\S+\s+)*\S*(g=u|g\+\w*w|[0-7]?[0-7][67][0-7])\b|fix-permissions\b)/.test(c),
      )
      for (const c of cmds) {
        const m =
          /^chgrp\s+(?:-\S+\s+)*(\S+)\s+(.+)$/.exec(c) ??
          /^chown\s+(?:-\S+\s+)*[^\s:.]+[:.](\S+)\s+(.+)$/.exec(c)
        if (!m || !GROUP0.has(m[1])) continue
        const paths = m[2].split(/\s+/)
        if (paths.every(p => writable.some(w => w.includes(p)))) continue
        out.push(
          f(
            this.id,
            this.severity,
            ins.line,
            `${m[2]} is group 0 but not made group-writable in the same RUN`,
            [`line ${ins.line}: ${c}`],
            `&& chmod -R g=u ${m[2]}`,
          ),
        )
      }
    }
    return out
  },
}

/** Paths an instruction creates or fills: COPY/ADD destinations, mkdir and installers' prefixes. */
function createdPaths(ins: Instruction, vars: Record<string, string>): string[] {
  if (ins.keyword === 'COPY' || ins.keyword === 'ADD') {
    const words = ins.args.split(/\s+/).filter(w => !w.startsWith('--'))
    return words.length > 1 ? [expand(words.at(-1) ?? '', vars)] : []
  }
  if (ins.keyword !== 'RUN') return []
  const out: string[] = []
  for (const c of runCommands(ins.args)) {
    if (/^mkdir\b/.test(c)) out.push(...pathsOf(c).map(p => expand(p, vars)))
    // conda/mamba/pip install into the conda prefix (docker-stacks: /opt/conda)
    if (/^(conda|mamba|micromamba|pip3?)\s+install\b/.test(c))
      out.push(expand(vars.CONDA_DIR ?? '/opt/conda', vars), '/opt/conda')
    for (const w of c.split(/\s+/)) if (w.startsWith('/')) out.push(expand(w, vars))
  }
  return out
}

const under = (p: string, root: string) =>
  p === root || p.startsWith(root.endsWith('/') ? root : `${root}/`) || root.startsWith(`${p}/`)

export const separateLayerCheck: Check<ParsedDockerfile> = {
  id: 'dockerfile.permissions-separate-layer',
  area: 'dockerfile',
  title: 'Permission changes happen in the layer that creates the files',
  severity: 'warning',
  reads:
    'RUN instructions made only of recursive chmod/chgrp/chown/fix-permissions, and the earlier instructions that created those paths',
  fires:
    'a recursive permission change runs in its own RUN over files an earlier instruction created: every file is copied into a new layer (the recipe saw +414 MB for /opt/conda)',
  fix: 'Move the chgrp/chmod into the RUN (or COPY --chown/--chmod) that creates the files.',
  run(d) {
    const out: Finding[] = []
    for (const stage of d.stages) {
      stage.instructions.forEach((ins, idx) => {
        if (ins.keyword !== 'RUN') return
        const cmds = runCommands(ins.args).map(c => c.replace(/^sudo\s+/, ''))
        if (cmds.length === 0 || !cmds.every(c => PERMISSION_CMD.test(c) || FIND_CHMOD.test(c))) return
        const recursive = cmds.filter(c => /\s-\w*R|fix-permissions|^find\b/.test(c))
        if (recursive.length === 0) return
        const targets = recursive
          .flatMap(c => (FIND_CHMOD.test(c) ? [c.split(/\s+/)[1]] : pathsOf(c)))
          .map(p => expand(p, d.vars))
        const earlier = stage.instructions
          .slice(0, idx)
          .flatMap(i => createdPaths(i, d.vars).map(p => ({p, line: i.line})))
        const hit = targets.flatMap(t => earlier.filter(e => under(t, e.p)).map(e => ({t, line: e.line})))
        if (hit.length === 0) return
        out.push(
          f(
            this.id,
            this.severity,
            ins.line,
            `${[...new Set(hit.map(h => h.t))].join(', ')} changed in a separate layer from line ${hit[0].line}, which created it: the image carries every file twice`,
            [`line ${ins.line}: RUN ${ins.args}`, `line ${hit[0].line} created or filled ${hit[0].t}`],
            `move "${cmds.join(' && ')}" to the end of the RUN on line ${hit[0].line} (or use COPY --chown=UID:0 --chmod=g=u)`,
          ),
        )
      })
    }
    return out
  },
}

export const passwdCheck: Check<ParsedDockerfile> = {
  id: 'dockerfile.passwd-group-writable',
  area: 'dockerfile',
  title: '/etc/passwd is not made writable',
  severity: 'warning',
  reads: 'RUN chmod on /etc/passwd',
  fires:
    "/etc/passwd is made group- or world-writable: CRI-O then stops adding the running UID's passwd entry, and the image must do it itself",
  fix: 'Drop the chmod and let CRI-O inject the entry (OpenShift 4); keep it only if the start script writes the entry (nss_wrapper is the cleaner alternative).',
  run(d) {
    const out: Finding[] = []
    for (const ins of d.instructions.filter(i => i.keyword === 'RUN')) {
      for (const c of runCommands(ins.args)) {
        if (!/^(sudo\s+)?chmod\b/.test(c) || !/\s\/etc\/passwd\b/.test(c)) continue
        const mode = c.split(/\s+/).filter(w => !w.startsWith('-'))[1] ?? ''
        if (
          /(^|,)[ago]*[go][ago]*[+=][rx]*w|^[0-7]?[0-7][2367][0-7]$|^[0-7]?[0-7][0-7][2367]$|g=u/.test(mode)
        ) {
          out.push(
            f(
              this.id,
              this.severity,
              ins.line,
              `/etc/passwd is made writable (${mode}): CRI-O no longer adds the assigned UID to it`,
              [`line ${ins.line}: ${c}`],
              `remove "${c}" (CRI-O on OpenShift 4 adds the passwd entry), or keep it only with a start script that writes the entry`,
            ),
          )
        }
      }
    }
    return out
  },
}

export const DOCKERFILE_CHECKS: ReadonlyArray<Check<ParsedDockerfile>> = [
  userCheck,
  groupZeroCheck,
  groupWritableCheck,
  separateLayerCheck,
  passwdCheck,
]

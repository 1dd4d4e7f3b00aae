/**
 * The `dockerfile.*` checks: pure judges over the image model (model.ts). Only the final stage's
 * chain is judged. Findings point at the line of the command responsible — inside a multi-line RUN,
 * the line where that command is.
 */
import type {Check, Finding, Severity} from '../types.js'
import {formatMode, groupWritable, otherWritable} from './modes.js'
import {
  isUnder,
  lookupIn,
  stateAt,
  writableByGid0,
  type FsEvent,
  type ImageModel,
  type PathState,
  type Stage,
} from './model.js'
import {normalizePath} from './commands.js'

function f(
  checkId: string,
  severity: Severity,
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

/** `line N: <the line as written>` */
function source(d: ImageModel, line: number): string {
  return `line ${line}: ${(d.parsed.lines[line - 1] ?? '').trim()}`
}

export const noInstructionsCheck: Check<ImageModel> = {
  id: 'dockerfile.no-instructions',
  area: 'dockerfile',
  title: 'The Dockerfile has instructions and a FROM',
  severity: 'error',
  reads: 'the whole file',
  fires: 'the file is empty, holds only comments, or has no FROM: there is nothing to build or to judge',
  fix: 'Point --dockerfile at the Dockerfile the build uses (it starts with `FROM image`).',
  run(d) {
    if (d.parsed.instructions.length === 0)
      return [
        f(
          this.id,
          this.severity,
          1,
          'the file has no instructions: nothing to build, nothing was checked',
          [`${d.parsed.lines.filter(l => l.trim() !== '').length} non-empty lines, none an instruction`],
          'check the path given to --dockerfile',
        ),
      ]
    if (!d.final)
      return [
        f(
          this.id,
          this.severity,
          d.parsed.instructions[0].line,
          'the file has no FROM: Docker cannot build it, nothing was checked',
          [source(d, d.parsed.instructions[0].line)],
          'start the build stage with `FROM image`',
        ),
      ]
    return []
  },
}

export const userCheck: Check<ImageModel> = {
  id: 'dockerfile.user-not-numeric-non-root',
  area: 'dockerfile',
  title: 'Final USER is numeric and not root',
  severity: 'error',
  reads: "the last USER of the final stage (or the known base image's USER when the Dockerfile sets none)",
  fires:
    'the final USER is root/0, a name (S2I: "must specify a user that is numeric"), a variable that cannot be resolved, or missing on an unknown base',
  fix: 'End the final stage with a numeric non-root USER, e.g. `USER 1001`.',
  run(d) {
    const stage = d.final
    if (!stage) return []
    const user = stage.user
    const base = stage.root.base
    if (!user || user.line === undefined) {
      if (user && /^\d+$/.test(user.value.split(':')[0]) && user.value.split(':')[0] !== '0') return []
      const known = base !== undefined
      return [
        f(
          this.id,
          known ? 'error' : 'warning',
          stage.line,
          known
            ? `the final stage sets no USER: it inherits root from ${base.name} (${stage.root.image})`
            : `the final stage sets no USER: it inherits ${stage.root.image}'s, which may be root or a name`,
          [source(d, stage.line)],
          'add `USER 1001` (numeric, non-root) as the last USER',
        ),
      ]
    }
    const name = user.value.split(':')[0]
    if (!user.unresolved && /^\d+$/.test(name) && name !== '0') return []
    const root = !user.unresolved && (name === 'root' || name === '0' || stage.users[name]?.uid === '0')
    const uid = stage.users[name]?.uid
    const why = root
      ? 'runs as root'
      : user.unresolved
        ? `is a variable this Dockerfile does not define: it cannot be checked to be numeric`
        : `is the name "${name}": S2I rejects it ("must specify a user that is numeric") and runAsNonRoot cannot verify it`
    return [
      f(
        this.id,
        user.unresolved ? 'warning' : 'error',
        user.line,
        `the final USER ${why}`,
        [source(d, user.line)],
        root || user.unresolved || uid === undefined
          ? 'USER 1001'
          : `USER ${uid}   # the numeric id of ${name}`,
      ),
    ]
  },
}

// --- paths the image's process must write ---------------------------------------------------

interface MustWrite {
  path: string
  why: string
  /** line of the instruction that hands the path over, if one does */
  line?: number
}

const NOT_JUDGED = ['/etc/passwd', '/etc/group', '/etc/shadow', '/tmp', '/var/tmp', '/dev', '/proc', '/sys']

const INTENT_WHY: Record<string, string> = {
  handed: 'its owner or group is changed for the image user',
  writable: 'it is made writable',
  'created-by-user': 'it is created as the non-root USER',
}

/**
 * The final user's HOME (and what the Dockerfile puts under it), the final WORKDIR, and the paths
 * the Dockerfile creates for the user or hands to it (chown/chgrp, fix-permissions, chmod that adds
 * write, mkdir as the non-root USER).
 */
export function mustWrite(stage: Stage): MustWrite[] {
  const out = new Map<string, {why: string; line?: number}>()
  const add = (path: string, why: string, line?: number) => {
    if (NOT_JUDGED.some(p => path === p || isUnder(path, '/dev') || isUnder(path, '/proc'))) return
    if (!out.has(path)) out.set(path, {why, ...(line !== undefined ? {line} : {})})
  }
  const home = lookupIn(stage)('HOME')
  const homePath = typeof home === 'string' && home.startsWith('/') ? normalizePath(home) : undefined
  if (homePath && homePath !== '/') add(homePath, "the final user's HOME")
  if (stage.cwd && stage.cwd !== '/') add(stage.cwd, 'the final WORKDIR')
  // a recursive hand-over (chown -R, chgrp -R, fix-permissions, chmod -R ...+w) covers what is below
  const roots = stage.events
    .filter(e => e.intent && e.recursive && !e.target.contents)
    .map(e => e.target.path)
  for (const e of stage.events) {
    if (e.target.contents || e.kind === 'remove' || e.kind === 'fill') continue
    const p = e.target.path
    const root = roots.find(r => isUnder(p, r))
    if (e.intent) add(p, INTENT_WHY[e.intent], e.line)
    else if (root !== undefined) add(p, `it is below ${root}, which is handed to the user`)
    else if (homePath && homePath !== '/' && isUnder(p, homePath) && e.kind !== 'chmod')
      add(p, "it is under the final user's HOME")
  }
  return [...out].map(([path, w]) => ({path, ...w}))
}

interface Verdict {
  checkId: string
  path: string
  why: string
  state: PathState
  line: number
  text?: string
}

function describe(s: PathState): string {
  return `owner ${s.owner ?? '?'}, group ${s.group ?? '?'}, mode ${formatMode(s.mode)}`
}

function judgePaths(stage: Stage): Verdict[] {
  const out: Verdict[] = []
  for (const {path, why, line} of mustWrite(stage)) {
    const s = stateAt(stage, path)
    if (s.exists === false) continue // removed again: a build-time directory
    if (writableByGid0(s) !== false) continue
    if (s.group === '0') {
      if (groupWritable(s.mode) === false)
        out.push({
          checkId: GROUP0_NOT_WRITABLE,
          path,
          why,
          state: s,
          // where the path is handed over when that is after its mode was set (chown 1001 DIR)
          line: Math.max(s.modeLine, line ?? 0),
          ...(s.modeText ? {text: s.modeText} : {}),
        })
      continue
    }
    const id = s.group === '100' && groupWritable(s.mode) === true ? GROUP_100 : NOT_GROUP_0
    out.push({
      checkId: id,
      path,
      why,
      state: s,
      line: s.groupLine,
      ...(s.groupText ? {text: s.groupText} : {}),
    })
  }
  return out
}

const NOT_GROUP_0 = 'dockerfile.writable-not-group-0'
const GROUP_100 = 'dockerfile.writable-group-100'
const GROUP0_NOT_WRITABLE = 'dockerfile.group-0-not-writable'

/** One finding per check and line, naming every path judged there. */
function pathFindings(
  d: ImageModel,
  check: Check<ImageModel>,
  build: (
    paths: Verdict[],
  ) => Omit<Finding, 'checkId' | 'severity' | 'line' | 'object' | 'evidence'> & {evidence?: string[]},
): Finding[] {
  if (!d.final) return []
  const verdicts = judgePaths(d.final).filter(v => v.checkId === check.id)
  const byLine = new Map<number, Verdict[]>()
  for (const v of verdicts) byLine.set(v.line, [...(byLine.get(v.line) ?? []), v])
  return [...byLine].map(([line, vs]) => {
    const b = build(vs)
    return f(
      check.id,
      check.severity,
      line,
      b.message,
      [source(d, line), ...vs.map(v => `${v.path}: ${describe(v.state)} (${v.why})`), ...(b.evidence ?? [])],
      b.remediation,
    )
  })
}

const pathList = (vs: Verdict[]) => {
  const ps = vs.map(v => v.path)
  return ps.length > 3 ? `${ps.slice(0, 3).join(', ')} and ${ps.length - 3} more` : ps.join(', ')
}

const paths = (vs: Verdict[]) => [...new Set(vs.map(v => v.path))].join(' ')

/** Where the group-0 fix goes: the RUN of the finding's line, or a new RUN for the base's state. */
const fixCommand = (vs: Verdict[], stage: Stage) => {
  const ps = paths(vs)
  const copy = vs.find(v => /^(COPY|ADD) /.test(v.text ?? ''))
  if (copy)
    return `${copy.text?.split(' ')[0]} --chown=<uid>:0 --chmod=g=u ...   # or: chgrp -R 0 ${ps} && chmod -R g=u ${ps} in the RUN that uses them`
  const where =
    vs[0].line === stage.root.line ? 'as root, in a RUN after the FROM' : `in the RUN on line ${vs[0].line}`
  return `chgrp -R 0 ${ps} && chmod -R g=u ${ps}   # ${where}`
}

export const notGroup0Check: Check<ImageModel> = {
  id: NOT_GROUP_0,
  area: 'dockerfile',
  title: 'Writable directories belong to group 0',
  severity: 'error',
  reads:
    "the final user's HOME and WORKDIR and the paths the Dockerfile hands to the user (chown/chgrp, COPY --chown under HOME, fix-permissions, chmod adding write, mkdir as the non-root USER), with their owner, group and mode at the end of the final stage",
  fires:
    'such a path ends up in a group other than 0 and is not world-writable (e.g. chown 1000:1000): the assigned UID runs with gid 0 and cannot write it',
  fix: 'Use group 0 and copy the owner bits to the group: `chgrp -R 0 DIR && chmod -R g=u DIR` (COPY: `--chown=UID:0`).',
  run(d) {
    return pathFindings(d, this, vs => ({
      message: `${pathList(vs)} ${vs.length > 1 ? 'end' : 'ends'} up in group ${vs[0].state.group}, not 0: under an assigned UID (gid 0) ${vs.length > 1 ? 'they are' : 'it is'} not writable`,
      remediation: fixCommand(vs, d.final as Stage),
    }))
  },
}

export const group100Check: Check<ImageModel> = {
  id: GROUP_100,
  area: 'dockerfile',
  title: 'Writable directories do not rely on group 100',
  severity: 'warning',
  reads: 'the same paths as dockerfile.writable-not-group-0',
  fires:
    'such a path is writable only by group 100 (users), as docker-stacks and its fix-permissions leave it: the pod must add supplementalGroups: [100]',
  fix: 'Add `chgrp -R 0 DIR && chmod -R g=u DIR` to the Dockerfile, or run the pod with `securityContext.supplementalGroups: [100]` (oc jupyter deploy does).',
  run(d) {
    return pathFindings(d, this, vs => ({
      message: `${pathList(vs)} ${vs.length > 1 ? 'are' : 'is'} writable only by group 100 (users): pods need supplementalGroups: [100], or a group-0 fix in the Dockerfile`,
      remediation: `${fixCommand(vs, d.final as Stage)}\nor in the pod: securityContext.supplementalGroups: [100]   # oc jupyter deploy sets it`,
    }))
  },
}

export const group0WritableCheck: Check<ImageModel> = {
  id: GROUP0_NOT_WRITABLE,
  area: 'dockerfile',
  title: 'Group-0 directories are group-writable',
  severity: 'warning',
  reads: 'the same paths as dockerfile.writable-not-group-0',
  fires:
    'such a path is group 0 but not group-writable (e.g. created by root with mode 755, or chgrp 0 without chmod g=u)',
  fix: 'Add `chmod -R g=u DIR` in the RUN that creates it (COPY: `--chmod=g=u` or `--chmod=775`).',
  run(d) {
    return pathFindings(d, this, vs => ({
      message: `${pathList(vs)} ${vs.length > 1 ? 'are' : 'is'} group 0 but not group-writable: the assigned UID cannot write ${vs.length > 1 ? 'them' : 'it'}`,
      remediation: /^(COPY|ADD) /.test(vs[0].text ?? '')
        ? `${vs[0].text?.split(' ')[0]} --chown=<uid>:0 --chmod=g=u ...`
        : /^WORKDIR /.test(vs[0].text ?? '')
          ? `RUN mkdir -p ${paths(vs)} && chgrp -R 0 ${paths(vs)} && chmod -R g=u ${paths(vs)}   # before the WORKDIR`
          : `chmod -R g=u ${paths(vs)}   # in the same RUN`,
    }))
  },
}

// --- layers -----------------------------------------------------------------------------------

const NO_BULK = new Set(['WORKDIR', 'mkdir', 'useradd', 'redirection'])

const overlaps = (a: string, b: string) => a === b || isUnder(a, b) || isUnder(b, a)

export const separateLayerCheck: Check<ImageModel> = {
  id: 'dockerfile.permissions-separate-layer',
  area: 'dockerfile',
  title: 'Permission changes happen in the layer that creates the files',
  severity: 'warning',
  reads:
    'recursive chmod/chgrp/chown (also via find -exec or fix-permissions) and the earlier instructions of the final stage that put files under those paths (COPY/ADD of a directory, conda/pip install, git clone, venv, downloads, tar -C...)',
  fires:
    'a recursive permission change runs in a later instruction than the one that created the files: every file is copied into a new layer (the recipe saw +414 MB for /opt/conda). Files of the base image, empty directories (mkdir) and single copied files are not counted',
  fix: 'Move the chgrp/chmod into the RUN that creates the files (COPY: --chown=UID:0 --chmod=...).',
  run(d) {
    const stage = d.final
    if (!stage) return []
    const out = new Map<number, Finding>()
    stage.events.forEach((e, i) => {
      if ((e.kind !== 'chmod' && e.kind !== 'chown') || !e.recursive || out.has(e.line)) return
      const created = stage.events.slice(0, i).find(
        (c: FsEvent) =>
          (c.kind === 'create' || c.kind === 'copy' || c.kind === 'fill') &&
          // an empty directory (mkdir, WORKDIR, useradd's home) or a redirected file is no bulk
          !NO_BULK.has(c.what ?? '') &&
          c.layer < e.layer &&
          !c.target.contents &&
          // one copied file inside the tree is not the tree
          !(c.file && isUnder(c.target.path, e.target.path)) &&
          // a directory's contents copied to a parent (COPY root/ /) need not reach this path
          !(c.partial && isUnder(e.target.path, c.target.path)) &&
          overlaps(c.target.path, e.target.path) &&
          stateAt(stage, c.target.path, i).exists !== false,
      )
      if (!created) return
      out.set(
        e.line,
        f(
          this.id,
          this.severity,
          e.line,
          `${e.target.path} is changed in a separate layer from line ${created.line} (${created.what}), which created or filled it: the image carries those files twice`,
          [source(d, e.line), `${source(d, created.line)}   (${created.what} ${created.target.path})`],
          created.kind === 'copy'
            ? `${created.what} --chown=<uid>:0 --chmod=g=u ... on line ${created.line}, and drop "${e.text}"`
            : `move "${e.text}" to the end of the RUN on line ${created.line}`,
        ),
      )
    })
    return [...out.values()]
  },
}

// --- /etc/passwd --------------------------------------------------------------------------------

export const passwdCheck: Check<ImageModel> = {
  id: 'dockerfile.passwd-group-writable',
  area: 'dockerfile',
  title: '/etc/passwd is not made writable',
  severity: 'warning',
  reads: '/etc/passwd: its mode in the known base image and the chmods of the final stage',
  fires:
    "the Dockerfile makes /etc/passwd group- or world-writable: CRI-O then stops adding the running UID's passwd entry, and the image must do it itself (info only when the base already has it writable, as docker-stacks does)",
  fix: 'Drop the chmod and let CRI-O inject the entry (OpenShift 4); keep it only if the start script writes the entry (nss_wrapper is the cleaner alternative).',
  run(d) {
    const stage = d.final
    if (!stage) return []
    const path = '/etc/passwd'
    const writable = (s: PathState) => groupWritable(s.mode) === true || otherWritable(s.mode) === true
    const end = stateAt(stage, path)
    if (end.exists === false || !writable(end)) return []
    const idx = stage.events.findLastIndex(
      e => e.kind === 'chmod' && (e.target.path === path || (e.recursive && isUnder(path, e.target.path))),
    )
    if (idx < 0) return [] // the base made it so; not the Dockerfile's doing
    const e = stage.events[idx]
    const before = stateAt(stage, path, 0)
    if (writable(before))
      return [
        f(
          this.id,
          'info',
          e.line,
          `/etc/passwd is already group-writable in ${stage.root.base?.name ?? 'the base image'}: this chmod changes nothing (CRI-O's passwd injection is off either way; the base's start script adds the entry)`,
          [source(d, e.line), `base ${stage.root.image}: /etc/passwd ${describe(before)}`],
          `remove "${e.text}" (redundant)`,
        ),
      ]
    return [
      f(
        this.id,
        this.severity,
        e.line,
        `/etc/passwd is made writable (${e.spec?.source ?? 'chmod'}): CRI-O no longer adds the assigned UID to it`,
        [source(d, e.line)],
        `remove "${e.text}" (CRI-O on OpenShift 4 adds the passwd entry), or keep it only with a start script that writes the entry`,
      ),
    ]
  },
}

// --- ports ------------------------------------------------------------------------------------

export const privilegedPortCheck: Check<ImageModel> = {
  id: 'dockerfile.privileged-port',
  area: 'dockerfile',
  title: 'Exposed ports are unprivileged (>= 1024)',
  severity: 'warning',
  reads: 'EXPOSE of the final stage',
  fires:
    'a port below 1024 is exposed: under restricted-v2 the process runs as a non-root UID without NET_BIND_SERVICE and cannot bind it',
  fix: 'Listen on a port >= 1024 (e.g. 8080) and EXPOSE that; the Service can still map port 80 to it.',
  run(d) {
    const stage = d.final
    if (!stage) return []
    const out = new Map<number, Finding>()
    for (const p of stage.exposes) {
      if (p.unresolved || out.has(p.line)) continue
      const m = /^(\d+)(?:-(\d+))?(?:\/\w+)?$/.exec(p.port)
      if (!m || Number(m[1]) >= 1024) continue
      out.set(
        p.line,
        f(
          this.id,
          this.severity,
          p.line,
          `port ${p.port} is privileged (< 1024): the assigned non-root UID cannot bind it without NET_BIND_SERVICE, which restricted-v2 drops`,
          [source(d, p.line)],
          `EXPOSE ${8000 + Number(m[1])}   # and make the process listen there; the Service maps ${m[1]} → it`,
        ),
      )
    }
    return [...out.values()]
  },
}

export const DOCKERFILE_CHECKS: ReadonlyArray<Check<ImageModel>> = [
  noInstructionsCheck,
  userCheck,
  notGroup0Check,
  group100Check,
  group0WritableCheck,
  separateLayerCheck,
  passwdCheck,
  privilegedPortCheck,
]

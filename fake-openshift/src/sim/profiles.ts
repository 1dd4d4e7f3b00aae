/**
 * Image permission profiles: what an image declares about its user, home, the ownership and modes of
 * the paths that matter, and what its program does at start-up. The simulators decide pod outcomes
 * from these (see process.ts), so a profile is data, not a scripted outcome.
 *
 * Built-in profiles (FACTS.md §Assigned user IDs, §The upstream builder):
 * - `anyuid-era`: jupyter/minimal-notebook as the recipe's anyuid era knew it — USER 1000, home owned
 *   1000:100 mode 0755: under an assigned UID Jupyter cannot create ~/.jupyter.
 * - `s2i-assigned-uid`: the recipe's Dockerfile — home `chgrp root` + `g+w`, /etc/passwd `g+w`, USER 1000,
 *   a run script that adds a passwd entry when the UID is >= 10000.
 * - `docker-stacks`: today's jupyter/*-notebook images — dirs group 100 (users) with g+w (setgid),
 *   /etc/passwd g+w, start.sh fixing the passwd entry; writable only with supplemental group 100.
 * - `generic`: an image that writes nothing and needs no user name (USER unset = root).
 */
import {expandVars, globMatch} from './kube.js'

export interface PathPerm {
  uid: number
  gid: number
  /** numeric mode, e.g. 0o2775 (in YAML an octal string such as '2775' or '0775') */
  mode: number
  type?: 'dir' | 'file'
}

export interface PasswdEntry {
  name: string
  uid: number
  gid: number
  gecos?: string
  home: string
  shell?: string
}

export interface GroupEntry {
  name: string
  gid: number
}

export type WriteStyle = 'python' | 'mkdir' | 'touch' | 'conda'

export interface StartupWrite {
  /** may use `${VAR}` / `${VAR:-default}` from the container environment; skipped when a VAR is unset */
  path: string
  style?: WriteStyle
}

export interface ImageProfile {
  name: string
  /** the image's Config.User: '1000', '1000:100', 'jovyan', '0' or '' (root) */
  user: string
  home: string
  workingDir?: string
  paths: Record<string, PathPerm>
  writesAtStart: StartupWrite[]
  /**
   * What the image does about a missing passwd entry for the running UID:
   * `run-script` — the recipe's s2i run script, when /etc/passwd is writable and the UID >= 10000;
   * `start-sh` — docker-stacks start.sh, whenever /etc/passwd is writable; `none`.
   */
  passwdFix: 'none' | 'run-script' | 'start-sh'
  /** the program calls getpwuid()/whoami at start and dies without a passwd entry */
  needsUserName: boolean
  /** the image's own /etc/passwd and /etc/group */
  passwd: PasswdEntry[]
  groups: GroupEntry[]
  env: Record<string, string>
  labels: Record<string, string>
  exposedPorts: string[]
  cmd: string[]
  /** `docker-stacks` prints start.sh's warnings; `s2i-run` the recipe's run script; `none` */
  startScript: 'docker-stacks' | 's2i-run' | 'none'
  /** log lines of a healthy start; `${HOSTNAME}` and `${TIME}` are filled in */
  startupLog: string[]
}

/** A profile as scenarios write it: any subset, optionally extending another profile. */
export type ImageProfileInput = Partial<Omit<ImageProfile, 'paths' | 'writesAtStart'>> & {
  extends?: string
  paths?: Record<string, {uid: number; gid: number; mode: number | string; type?: 'dir' | 'file'}>
  writesAtStart?: Array<string | StartupWrite>
}

const BASE_PASSWD: PasswdEntry[] = [
  {name: 'root', uid: 0, gid: 0, home: '/root', shell: '/bin/bash'},
  {name: 'jovyan', uid: 1000, gid: 100, home: '/home/jovyan', shell: '/bin/bash'},
]
const BASE_GROUPS: GroupEntry[] = [
  {name: 'root', gid: 0},
  {name: 'users', gid: 100},
]
/** Directories every Linux image has; /tmp is world-writable with the sticky bit. */
const SYSTEM_PATHS: Record<string, PathPerm> = {
  '/': {uid: 0, gid: 0, mode: 0o755},
  '/tmp': {uid: 0, gid: 0, mode: 0o1777},
  '/etc': {uid: 0, gid: 0, mode: 0o755},
  '/home': {uid: 0, gid: 0, mode: 0o755},
  '/opt': {uid: 0, gid: 0, mode: 0o755},
  '/usr': {uid: 0, gid: 0, mode: 0o755},
  '/etc/group': {uid: 0, gid: 0, mode: 0o644, type: 'file'},
}

const NOTEBOOK_LOG = [
  '[I ${TIME} NotebookApp] Writing notebook server cookie secret to /home/jovyan/.local/share/jupyter/runtime/notebook_cookie_secret',
  '[I ${TIME} NotebookApp] Serving notebooks from local directory: /home/jovyan',
  '[I ${TIME} NotebookApp] The Jupyter Notebook is running at:',
  '[I ${TIME} NotebookApp] http://${HOSTNAME}:8888/',
  '[I ${TIME} NotebookApp] Use Control-C to stop this server and shut down all kernels (twice to skip confirmation).',
]
const SERVER_LOG = [
  '[I ${TIME} ServerApp] jupyterlab | extension was successfully linked.',
  '[I ${TIME} ServerApp] Writing Jupyter server cookie secret to /home/jovyan/.local/share/jupyter/runtime/jupyter_cookie_secret',
  '[I ${TIME} ServerApp] Serving notebooks from local directory: /home/jovyan',
  '[I ${TIME} ServerApp] Jupyter Server 2.8.0 is running at:',
  '[I ${TIME} ServerApp] http://${HOSTNAME}:8888/lab',
  '[I ${TIME} ServerApp] Use Control-C to stop this server and shut down all kernels (twice to skip confirmation).',
]

const JUPYTER_WRITES: StartupWrite[] = [
  {path: '/home/jovyan/.jupyter', style: 'python'},
  {path: '/home/jovyan/.local/share/jupyter/runtime', style: 'python'},
]

function jupyterPaths(uid: number, gid: number, mode: number): Record<string, PathPerm> {
  return {
    ...SYSTEM_PATHS,
    '/home/jovyan': {uid, gid, mode},
    '/home/jovyan/.jupyter': {uid, gid, mode},
    '/home/jovyan/.local': {uid, gid, mode},
    '/home/jovyan/.local/share': {uid, gid, mode},
    '/home/jovyan/.local/share/jupyter': {uid, gid, mode},
    '/opt/conda': {uid, gid, mode},
  }
}

const JUPYTER_ENV = {
  NB_USER: 'jovyan',
  NB_UID: '1000',
  NB_GID: '100',
  HOME: '/home/jovyan',
  CONDA_DIR: '/opt/conda',
  SHELL: '/bin/bash',
  PATH: '/opt/conda/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
}

export const BUILTIN_PROFILES: Record<string, ImageProfile> = {
  'anyuid-era': {
    name: 'anyuid-era',
    user: '1000',
    home: '/home/jovyan',
    workingDir: '/home/jovyan',
    paths: {
      ...jupyterPaths(1000, 100, 0o755),
      '/etc/passwd': {uid: 0, gid: 0, mode: 0o644, type: 'file'},
    },
    writesAtStart: JUPYTER_WRITES,
    passwdFix: 'none',
    needsUserName: false,
    passwd: BASE_PASSWD,
    groups: BASE_GROUPS,
    env: {...JUPYTER_ENV},
    labels: {maintainer: 'Jupyter Project <jupyter@googlegroups.com>'},
    exposedPorts: ['8888/tcp'],
    cmd: ['start-notebook.sh'],
    startScript: 'none',
    startupLog: NOTEBOOK_LOG,
  },
  's2i-assigned-uid': {
    name: 's2i-assigned-uid',
    user: '1000',
    home: '/home/jovyan',
    workingDir: '/home/jovyan',
    paths: {
      ...jupyterPaths(1000, 0, 0o775),
      '/opt/conda': {uid: 1000, gid: 100, mode: 0o755},
      '/etc/passwd': {uid: 0, gid: 0, mode: 0o664, type: 'file'},
    },
    writesAtStart: [
      ...JUPYTER_WRITES,
      {path: '${PERSISTENT_VOLUME_ROOTDIR}/${PERSISTENT_VOLUME_WORKSPACE:-work}', style: 'mkdir'},
    ],
    passwdFix: 'run-script',
    needsUserName: true,
    passwd: BASE_PASSWD,
    groups: BASE_GROUPS,
    env: {...JUPYTER_ENV},
    labels: {
      'io.k8s.description': 'S2I builder for Jupyter (minimal-notebook).',
      'io.openshift.expose-services': '8888:http',
      'io.openshift.s2i.scripts-url': 'image:///opt/app-root/s2i/bin',
      'io.openshift.tags': 'builder,python,jupyter',
    },
    exposedPorts: ['8888/tcp'],
    cmd: ['/opt/app-root/s2i/bin/run'],
    startScript: 's2i-run',
    startupLog: NOTEBOOK_LOG,
  },
  'docker-stacks': {
    name: 'docker-stacks',
    user: '1000',
    home: '/home/jovyan',
    workingDir: '/home/jovyan',
    paths: {
      ...jupyterPaths(1000, 100, 0o2775),
      '/etc/passwd': {uid: 0, gid: 0, mode: 0o664, type: 'file'},
    },
    writesAtStart: JUPYTER_WRITES,
    passwdFix: 'start-sh',
    needsUserName: false,
    passwd: BASE_PASSWD,
    groups: BASE_GROUPS,
    env: {...JUPYTER_ENV},
    labels: {maintainer: 'Jupyter Project <jupyter@googlegroups.com>'},
    exposedPorts: ['8888/tcp'],
    cmd: ['start-notebook.py'],
    startScript: 'docker-stacks',
    startupLog: SERVER_LOG,
  },
  generic: {
    name: 'generic',
    user: '',
    home: '/root',
    paths: {...SYSTEM_PATHS, '/etc/passwd': {uid: 0, gid: 0, mode: 0o644, type: 'file'}},
    writesAtStart: [],
    passwdFix: 'none',
    needsUserName: false,
    passwd: [BASE_PASSWD[0]],
    groups: [BASE_GROUPS[0]],
    env: {PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'},
    labels: {},
    exposedPorts: [],
    cmd: ['/bin/sh'],
    startScript: 'none',
    startupLog: ['started'],
  },
}

/** Octal strings ('0775', '2775') or numbers. */
export function parseMode(v: number | string): number {
  if (typeof v === 'number') return v
  const t = v.trim().replace(/^0o/, '')
  if (!/^[0-7]{1,5}$/.test(t)) throw new Error(`invalid file mode ${JSON.stringify(v)}`)
  return parseInt(t, 8)
}

/** Builds a full profile from an input, resolving `extends` against the known profiles. */
export function resolveProfile(
  name: string,
  input: ImageProfileInput,
  known: Record<string, ImageProfile>,
): ImageProfile {
  const baseName = input.extends ?? 'generic'
  const base = known[baseName]
  if (!base) throw new Error(`image profile ${name}: unknown base profile ${baseName}`)
  const paths: Record<string, PathPerm> = {...base.paths}
  for (const [p, perm] of Object.entries(input.paths ?? {})) {
    paths[p] = {
      uid: perm.uid,
      gid: perm.gid,
      mode: parseMode(perm.mode),
      ...(perm.type ? {type: perm.type} : {}),
    }
  }
  return {
    ...structuredClone(base),
    ...Object.fromEntries(
      Object.entries(input).filter(
        ([k, v]) => v !== undefined && k !== 'extends' && k !== 'paths' && k !== 'writesAtStart',
      ),
    ),
    name,
    paths,
    writesAtStart: input.writesAtStart
      ? input.writesAtStart.map(w => (typeof w === 'string' ? {path: w} : w))
      : [...base.writesAtStart],
    env: {...base.env, ...(input.env ?? {})},
    labels: {...base.labels, ...(input.labels ?? {})},
  } as ImageProfile
}

export interface ImageRule {
  /** glob over the image reference as written or resolved (`docker.io/jupyter/minimal-notebook:*`) */
  image?: string
  /** glob over `namespace/imagestream:tag` */
  imageStreamTag?: string
  profile: string
}

/** Image references the built-in rules know (docker-stacks images on Docker Hub and quay.io). */
export const BUILTIN_IMAGE_RULES: ImageRule[] = [
  {image: '*jupyter/*-notebook*', profile: 'docker-stacks'},
  {image: '*jupyter/*-notebook', profile: 'docker-stacks'},
]

/** Normalises `jupyter/minimal-notebook` to `docker.io/jupyter/minimal-notebook:latest` (docker's rules). */
export function normalizeImage(ref: string): string {
  let name = ref
  const first = name.split('/')[0]
  const hasRegistry =
    name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')
  if (!hasRegistry) name = `docker.io/${name.includes('/') ? '' : 'library/'}${name}`
  const last = name.split('/').pop() ?? ''
  if (!last.includes(':') && !last.includes('@')) name = `${name}:latest`
  return name
}

export function matchImageRule(
  rules: ImageRule[],
  image: string,
  imageStreamTag?: string,
): string | undefined {
  const forms = [image, normalizeImage(image)]
  for (const r of rules) {
    if (r.image && forms.some(f => globMatch(r.image as string, f))) return r.profile
    if (r.imageStreamTag && imageStreamTag && globMatch(r.imageStreamTag, imageStreamTag)) return r.profile
  }
  return undefined
}

// --- Dockerfile interpretation ---------------------------------------------------------------------

/** Joins continuation lines and drops comments. */
function dockerfileInstructions(text: string): Array<{op: string; args: string}> {
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

/**
 * Derives the profile a Docker build produces from its base image's profile and the Dockerfile:
 * USER/ENV/ARG/LABEL/WORKDIR/EXPOSE/CMD, and in RUN lines `chgrp`, `chown`, `chmod` (octal and symbolic,
 * `-R`), `mkdir` and docker-stacks' `fix-permissions`. Permission changes apply to the paths the profile
 * declares (and, with -R, everything declared below them).
 */
export function applyDockerfile(base: ImageProfile, text: string, name: string): ImageProfile {
  const p: ImageProfile = structuredClone(base)
  p.name = name
  const vars: Record<string, string> = {...p.env}
  let buildUser = 0
  let buildGroup = 0
  const x = (s: string) => expandVars(s, vars) ?? s
  for (const {op, args} of dockerfileInstructions(text)) {
    switch (op) {
      case 'USER': {
        const u = x(args.trim())
        p.user = u
        const [user, group] = u.split(':')
        buildUser = resolveUser(p, user) ?? 0
        buildGroup = group
          ? (resolveGroup(p, group) ?? 0)
          : (p.passwd.find(e => e.uid === buildUser)?.gid ?? 0)
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
        if (!p.paths[p.workingDir]) p.paths[p.workingDir] = {uid: buildUser, gid: buildGroup, mode: 0o755}
        break
      case 'EXPOSE':
        p.exposedPorts = [
          ...new Set([...p.exposedPorts, ...args.split(/\s+/).map(s => (s.includes('/') ? s : `${s}/tcp`))]),
        ]
        break
      case 'CMD':
      case 'ENTRYPOINT':
        try {
          const parsed: unknown = JSON.parse(args)
          p.cmd = Array.isArray(parsed) ? parsed.map(String) : [String(parsed)]
        } catch {
          p.cmd = ['/bin/sh', '-c', args]
        }
        break
      case 'RUN':
        for (const cmd of splitCommands(args)) runBuildCommand(p, shellWords(x(cmd)), buildUser, buildGroup)
        break
      default:
        break
    }
  }
  return p
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

/**
 * The recipe's Dockerfile (getwarped/s2i-minimal-notebook, branch s2i-assigned-uid) as FACTS.md
 * describes it; interpreting it over the base image gives the `s2i-assigned-uid` permissions.
 */
export const S2I_ASSIGNED_UID_DOCKERFILE = `FROM jupyter/minimal-notebook:latest
USER root
RUN apt-get update && apt-get install -y --no-install-recommends libav-tools rsync && apt-get clean && rm -rf /var/lib/apt/lists/*
LABEL io.k8s.description="S2I builder for Jupyter (minimal-notebook)." \\
      io.openshift.expose-services="8888:http" \\
      io.openshift.s2i.scripts-url="image:///opt/app-root/s2i/bin" \\
      io.openshift.tags="builder,python,jupyter"
COPY s2i /opt/app-root/s2i
RUN chgrp -Rf root /home/$NB_USER && chmod -Rf g+w /home/$NB_USER && chmod g+w /etc/passwd
USER 1000
CMD [ "/opt/app-root/s2i/bin/run" ]
`

export interface BuildProfileRule {
  /** glob over the BuildConfig's source.git.uri */
  gitUri?: string
  /** glob over source.git.ref (empty ref matches '') */
  ref?: string
  buildConfig?: string
  profile: string
}

/** Known repositories: the recipe's branch produces the assigned-UID builder, its older branches the anyuid-era one. */
export const BUILTIN_BUILD_RULES: BuildProfileRule[] = [
  {gitUri: '*getwarped/s2i-minimal-notebook*', ref: 's2i-assigned-uid', profile: 's2i-assigned-uid'},
  {gitUri: '*getwarped/s2i-minimal-notebook*', profile: 'anyuid-era'},
]

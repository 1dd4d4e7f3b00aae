/**
 * Image permission profiles: what an image declares about its user, home, the ownership and modes of
 * the paths that matter, its OS (for apt, packages.ts), its Jupyter versions, and the programs it runs
 * at start (scripts.ts). The simulators decide build and pod outcomes from these (dockerfile.ts,
 * process.ts), so a profile is data, not a scripted outcome.
 *
 * Built-in profiles (FACTS.md §Assigned user IDs, §The upstream builder; jupyter/docker-stacks history):
 * - `docker-stacks`: today's quay.io/jupyter/*-notebook images — Ubuntu 24.04 since 2024-08-30 (commit
 *   e51895bc, #2131), Notebook 7 / jupyter_server 2 since 2023-07-25 (b8d617dc, #1944); home and
 *   /opt/conda group 100 (users) with g+w and setgid (fix-permissions), /etc/passwd g+w, ENTRYPOINT
 *   `tini -g -- start.sh`, CMD start-notebook.py; writable only with supplemental group 100.
 * - `docker-stacks-2023`: the same on Ubuntu 22.04 — Docker Hub's `jupyter/*` (frozen 2023-10-20) and
 *   quay.io tags before 2024-08-30.
 * - `docker-stacks-notebook6`: Ubuntu 22.04, Notebook 6 — date tags before 2023-07-25 (Ubuntu 22.04
 *   since 2022-05-01, d11cb67a; earlier tags were 20.04: the same for what the model checks).
 * - `anyuid-era`: jupyter/minimal-notebook as the recipe knew it in 2017 — Ubuntu 16.04 (libav-tools
 *   still packaged), Notebook 5.0 (no JUPYTER_TOKEN: added in 5.2, jupyter/notebook#2921), USER 1000,
 *   home owned 1000:100 mode 0755, no passwd fix in its start script.
 * - `s2i-assigned-uid`: the recipe's branch built on that 2017 image — derived below by interpreting the
 *   branch's Dockerfile over `anyuid-era` (home `chgrp root` + `g+w`, /etc/passwd `g+w`, the run script).
 * - `generic`: an image that writes nothing and needs no user name (USER unset = root).
 */
import {interpretDockerfile} from './dockerfile.js'
import {globMatch} from './kube.js'
import {BUILTIN_REPOSITORIES} from './repositories.js'
import type {ScriptBehaviour, ScriptKind} from './scripts.js'

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
  /** what the Jupyter server writes when it starts (its config and runtime dirs) */
  writesAtStart: StartupWrite[]
  /** the program calls getpwuid()/whoami at start and dies without a passwd entry */
  needsUserName: boolean
  /** the image's own /etc/passwd and /etc/group */
  passwd: PasswdEntry[]
  groups: GroupEntry[]
  env: Record<string, string>
  labels: Record<string, string>
  exposedPorts: string[]
  entrypoint: string[]
  cmd: string[]
  /** programs in the image that the model knows by behaviour, by absolute path */
  files: Record<string, ScriptBehaviour>
  /** the OS, for apt (packages.ts): `ubuntu-24.04` */
  os?: string
  /** apt package lists present (`apt-get update` ran after the last `rm -rf /var/lib/apt/lists/*`) */
  aptLists?: boolean
  /** installed Jupyter versions as major.minor: notebook 7.2, jupyter_server 2.14; absent = not installed */
  jupyter?: {notebook?: number; server?: number}
  /** log lines of a non-Jupyter program's healthy start; `${HOSTNAME}` and `${TIME}` are filled in */
  startupLog: string[]
}

/** A profile as scenarios write it: any subset, optionally extending another profile. */
export type ImageProfileInput = Partial<Omit<ImageProfile, 'paths' | 'writesAtStart' | 'files'>> & {
  extends?: string
  paths?: Record<string, {uid: number; gid: number; mode: number | string; type?: 'dir' | 'file'}>
  writesAtStart?: Array<string | StartupWrite>
  files?: Record<string, ScriptBehaviour | ScriptKind>
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

const JUPYTER_WRITES: StartupWrite[] = [
  {path: '/home/jovyan/.jupyter', style: 'python'},
  {path: '/home/jovyan/.local/share/jupyter/runtime', style: 'python'},
]

function jupyterPaths(uid: number, gid: number, mode: number): Record<string, PathPerm> {
  return {
    ...SYSTEM_PATHS,
    '/home/jovyan': {uid, gid, mode},
    '/home/jovyan/work': {uid, gid, mode},
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

const DOCKER_STACKS_FILES: Record<string, ScriptBehaviour> = {
  '/usr/local/bin/start.sh': {script: 'docker-stacks-start'},
  '/usr/local/bin/start-notebook.py': {script: 'jupyter-start'},
  '/usr/local/bin/start-notebook.sh': {script: 'jupyter-start'},
}

const dockerStacks = (name: string, os: string, notebook: number, server: number): ImageProfile => ({
  name,
  user: '1000',
  home: '/home/jovyan',
  workingDir: '/home/jovyan',
  paths: {
    ...jupyterPaths(1000, 100, 0o2775),
    '/etc/passwd': {uid: 0, gid: 0, mode: 0o664, type: 'file'},
  },
  writesAtStart: JUPYTER_WRITES,
  needsUserName: false,
  passwd: BASE_PASSWD,
  groups: BASE_GROUPS,
  env: {...JUPYTER_ENV},
  labels: {maintainer: 'Jupyter Project <jupyter@googlegroups.com>'},
  exposedPorts: ['8888/tcp'],
  entrypoint: ['tini', '-g', '--', 'start.sh'],
  cmd: [notebook >= 7 ? 'start-notebook.py' : 'start-notebook.sh'],
  // start-notebook.py came with Notebook 7; before, CMD was start-notebook.sh
  files: Object.fromEntries(
    Object.entries(DOCKER_STACKS_FILES).filter(([p]) => notebook >= 7 || !p.endsWith('.py')),
  ),
  os,
  aptLists: false,
  jupyter: {notebook, server},
  startupLog: [],
})

const ANYUID_ERA: ImageProfile = {
  name: 'anyuid-era',
  user: '1000',
  home: '/home/jovyan',
  workingDir: '/home/jovyan',
  paths: {
    ...jupyterPaths(1000, 100, 0o755),
    '/etc/passwd': {uid: 0, gid: 0, mode: 0o644, type: 'file'},
  },
  writesAtStart: JUPYTER_WRITES,
  needsUserName: false,
  passwd: BASE_PASSWD,
  groups: BASE_GROUPS,
  env: {...JUPYTER_ENV},
  labels: {maintainer: 'Jupyter Project <jupyter@googlegroups.com>'},
  exposedPorts: ['8888/tcp'],
  entrypoint: ['tini', '--'],
  cmd: ['start-notebook.sh'],
  files: {'/usr/local/bin/start-notebook.sh': {script: 'jupyter-start'}},
  os: 'ubuntu-16.04',
  aptLists: false,
  jupyter: {notebook: 5.0},
  startupLog: [],
}

const GENERIC: ImageProfile = {
  name: 'generic',
  user: '',
  home: '/root',
  paths: {...SYSTEM_PATHS, '/etc/passwd': {uid: 0, gid: 0, mode: 0o644, type: 'file'}},
  writesAtStart: [],
  needsUserName: false,
  passwd: [BASE_PASSWD[0]],
  groups: [BASE_GROUPS[0]],
  env: {PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'},
  labels: {},
  exposedPorts: [],
  entrypoint: [],
  cmd: ['/bin/sh'],
  files: {},
  startupLog: ['started'],
}

/** The recipe's branch as built in 2017: its Dockerfile over that year's image (it built then). */
function builtFromBranch(name: string, base: ImageProfile, ref: string): ImageProfile {
  const files = BUILTIN_REPOSITORIES[0].refs[ref]
  const result = interpretDockerfile(base, files.Dockerfile.text ?? '', {name, context: files})
  if (!result.ok) throw new Error(`built-in profile ${name}: ${result.log.join(' / ')}`)
  return result.profile
}

/** openshift/oauth-proxy's image: a static binary, USER 65534 (nobody). */
const OAUTH_PROXY: ImageProfile = {
  ...GENERIC,
  name: 'oauth-proxy',
  user: '65534',
  home: '/',
  entrypoint: ['/usr/bin/oauth-proxy'],
  cmd: [],
  files: {'/usr/bin/oauth-proxy': {script: 'oauth-proxy'}},
  startupLog: [],
}

export const BUILTIN_PROFILES: Record<string, ImageProfile> = {
  'oauth-proxy': OAUTH_PROXY,
  'docker-stacks': dockerStacks('docker-stacks', 'ubuntu-24.04', 7.5, 2.17),
  'docker-stacks-2023': dockerStacks('docker-stacks-2023', 'ubuntu-22.04', 7.0, 2.8),
  'docker-stacks-notebook6': dockerStacks('docker-stacks-notebook6', 'ubuntu-22.04', 6.5, 2.5),
  'anyuid-era': ANYUID_ERA,
  's2i-assigned-uid': builtFromBranch('s2i-assigned-uid', ANYUID_ERA, 's2i-assigned-uid'),
  generic: GENERIC,
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
  const files: Record<string, ScriptBehaviour> = {...base.files}
  for (const [p, f] of Object.entries(input.files ?? {})) files[p] = typeof f === 'string' ? {script: f} : f
  return {
    ...structuredClone(base),
    ...Object.fromEntries(
      Object.entries(input).filter(
        ([k, v]) => v !== undefined && !['extends', 'paths', 'writesAtStart', 'files'].includes(k),
      ),
    ),
    name,
    paths,
    files,
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
  /** for a `YYYY-MM-DD` tag: only tags before this date (docker-stacks tags images by build date) */
  tagBefore?: string
  profile: string
}

/**
 * Image references the built-in rules know: the docker-stacks images by registry and date tag (their
 * OS and Notebook version changed over time; see the profiles above). First match wins.
 */
export const BUILTIN_IMAGE_RULES: ImageRule[] = [
  {image: '*oauth-proxy*', profile: 'oauth-proxy'},
  {image: 'docker.io/jupyter/*:latest', profile: 'docker-stacks-2023'},
  {image: '*jupyter/*-notebook:*', tagBefore: '2023-07-25', profile: 'docker-stacks-notebook6'},
  {image: 'docker.io/jupyter/*-notebook*', profile: 'docker-stacks-2023'},
  {image: '*jupyter/*-notebook:*', tagBefore: '2024-08-30', profile: 'docker-stacks-2023'},
  {image: '*jupyter/*-notebook*', profile: 'docker-stacks'},
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

/** The tag of a normalized reference, when it is a docker-stacks date tag. */
function dateTag(normalized: string): string | undefined {
  const tag = /:([^/@]+)(@.*)?$/.exec(normalized)?.[1]
  return tag && /^\d{4}-\d{2}-\d{2}$/.test(tag) ? tag : undefined
}

export function matchImageRule(
  rules: ImageRule[],
  image: string,
  imageStreamTag?: string,
): string | undefined {
  const forms = [image, normalizeImage(image)]
  const date = dateTag(normalizeImage(image))
  for (const r of rules) {
    if (r.tagBefore !== undefined && !(date !== undefined && date < r.tagBefore)) continue
    if (r.image && forms.some(f => globMatch(r.image as string, f))) return r.profile
    if (r.imageStreamTag && imageStreamTag && globMatch(r.imageStreamTag, imageStreamTag)) return r.profile
  }
  return undefined
}

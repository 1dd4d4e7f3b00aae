/**
 * What the lint knows about common base images, as data (FACTS.md §Assigned user IDs, §The upstream
 * builder): their USER, ENV, WORKDIR, users, the owner/group/mode of the paths that matter and which
 * `fix-permissions` script they ship. A base not listed here is unknown: its paths have no known state,
 * so they never produce findings by themselves.
 */
import {knownMode, type Mode} from './modes.js'

export interface BasePath {
  path: string
  owner: string
  group: string
  mode: Mode
  /** applies to everything below the path too */
  recursive: boolean
}

export interface BaseUser {
  uid: string
  gid: string
  home: string
}

/**
 * `docker-stacks`: group NB_GID (default 100) and g+rwX, setgid directories;
 * `sclorg`: group 0 and g+rw(X) (sclorg/s2i-base-container's script).
 */
export type FixPermissions = 'docker-stacks' | 'sclorg'

export interface KnownBase {
  name: string
  /** globs over the FROM image reference (`*` matches anything) */
  images: string[]
  /** USER as the image config has it; undefined = root (no USER) */
  user?: string
  env: Record<string, string>
  workdir?: string
  users: Record<string, BaseUser>
  groups: Record<string, string>
  paths: BasePath[]
  fixPermissions?: FixPermissions
}

const ROOT: BaseUser = {uid: '0', gid: '0', home: '/root'}

export const KNOWN_BASES: readonly KnownBase[] = [
  {
    // jupyter/docker-stacks (Docker Hub jupyter/* until 2023-10, quay.io/jupyter/* since)
    name: 'jupyter/docker-stacks',
    images: ['*jupyter/*-notebook*', '*jupyter/docker-stacks-foundation*'],
    user: '1000',
    env: {
      NB_USER: 'jovyan',
      NB_UID: '1000',
      NB_GID: '100',
      HOME: '/home/jovyan',
      CONDA_DIR: '/opt/conda',
      SHELL: '/bin/bash',
    },
    workdir: '/home/jovyan',
    users: {root: ROOT, jovyan: {uid: '1000', gid: '100', home: '/home/jovyan'}},
    groups: {root: '0', users: '100'},
    paths: [
      // fix-permissions: group NB_GID, g+rwX, setuid+setgid on directories
      {path: '/home/jovyan', owner: '1000', group: '100', mode: knownMode(0o6775), recursive: true},
      {path: '/opt/conda', owner: '1000', group: '100', mode: knownMode(0o6775), recursive: true},
      // docker-stacks-foundation: `chmod g+w /etc/passwd` (its start.sh adds the unknown UID itself)
      {path: '/etc/passwd', owner: '0', group: '0', mode: knownMode(0o664), recursive: false},
    ],
    fixPermissions: 'docker-stacks',
  },
  {
    // plain UBI: no /opt/app-root, no USER (root)
    name: 'UBI',
    images: [
      'registry.access.redhat.com/ubi[0-9]*',
      'registry.access.redhat.com/ubi[0-9]*/ubi',
      'registry.access.redhat.com/ubi[0-9]*/ubi-minimal',
      'registry.access.redhat.com/ubi[0-9]*/ubi-micro',
      'registry.access.redhat.com/ubi[0-9]*/ubi-init',
    ],
    env: {},
    users: {root: ROOT},
    groups: {root: '0'},
    paths: [{path: '/etc/passwd', owner: '0', group: '0', mode: knownMode(0o644), recursive: false}],
  },
  {
    // sclorg s2i images (UBI language images, s2i-base): APP_ROOT group 0 and g=u, USER 1001
    name: 'sclorg s2i',
    images: ['registry.access.redhat.com/ubi*/*', 'quay.io/sclorg/*', '*/s2i-base*', '*/s2i-core*'],
    user: '1001',
    env: {APP_ROOT: '/opt/app-root', HOME: '/opt/app-root/src'},
    workdir: '/opt/app-root/src',
    users: {root: ROOT, default: {uid: '1001', gid: '0', home: '/opt/app-root/src'}},
    groups: {root: '0'},
    paths: [
      {path: '/opt/app-root', owner: '1001', group: '0', mode: knownMode(0o775), recursive: true},
      {path: '/etc/passwd', owner: '0', group: '0', mode: knownMode(0o644), recursive: false},
    ],
    fixPermissions: 'sclorg',
  },
]

/** `*` matches within one path segment, except a leading `*`, which also matches the registry and owner. */
function globToRegExp(glob: string): RegExp {
  const body = glob
    .split(/(\*|\[[^\]]*\])/)
    .map((part, i) =>
      part === '*'
        ? i === 1 && glob.startsWith('*')
          ? '.*'
          : '[^/]*'
        : part.startsWith('[')
          ? part
          : part.replaceAll(/[.+?^${}()|\\/]/g, '\\$&'),
    )
    .join('')
  // a reference may carry a tag or digest after the name
  return new RegExp(`^(docker\\.io/)?(library/)?${body}([:@].*)?$`)
}

/** The known base an image reference names (first match in table order), if any. */
export function knownBase(image: string): KnownBase | undefined {
  return KNOWN_BASES.find(b => b.images.some(g => globToRegExp(g).test(image)))
}

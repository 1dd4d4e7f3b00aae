/**
 * Distribution package tables: what `apt-get install` finds on an image's OS, and what apt prints when
 * it does not. A Docker build's RUN lines are checked against the base image's table (profiles.ts), so
 * "the branch's Dockerfile fails on today's images" follows from the package, not from the repository.
 *
 * Sources: Ubuntu's archive (packages.ubuntu.com) — `libav-tools` is in xenial (16.04) and gone from
 * bionic (18.04) on, where `ffmpeg` declares `Replaces: libav-tools`, which is why apt says the package
 * "is referred to by another package" and names ffmpeg as its replacement; apt-get's messages and exit
 * code 100 are apt's (apt-private/private-install.cc, apt-pkg/cacheset.cc).
 */

export interface Removed {
  /** the release that dropped it */
  since: string
  /** packages that declare `Replaces:` on it (apt names them) */
  replacedBy?: string[]
}

export interface Distro {
  /** `ubuntu-24.04` */
  id: string
  /** what `/etc/os-release` PRETTY_NAME says, for log lines */
  pretty: string
  /** the codename apt's sources use */
  codename: string
  /** packages known to exist (the ones the images here install) */
  present: string[]
  removed: Record<string, Removed>
}

const COMMON = [
  'ca-certificates',
  'curl',
  'ffmpeg',
  'fonts-liberation',
  'git',
  'less',
  'locales',
  'nano-tiny',
  'netbase',
  'openssh-client',
  'pandoc',
  'rsync',
  'run-one',
  'sudo',
  'tini',
  'tzdata',
  'unzip',
  'vim-tiny',
  'wget',
  'xclip',
]

const NO_LIBAV: Record<string, Removed> = {'libav-tools': {since: 'ubuntu-18.04', replacedBy: ['ffmpeg']}}

export const DISTROS: Record<string, Distro> = {
  'ubuntu-16.04': {
    id: 'ubuntu-16.04',
    pretty: 'Ubuntu 16.04 LTS',
    codename: 'xenial',
    present: [...COMMON, 'libav-tools'],
    removed: {},
  },
  'ubuntu-20.04': {
    id: 'ubuntu-20.04',
    pretty: 'Ubuntu 20.04 LTS',
    codename: 'focal',
    present: COMMON,
    removed: NO_LIBAV,
  },
  'ubuntu-22.04': {
    id: 'ubuntu-22.04',
    pretty: 'Ubuntu 22.04 LTS',
    codename: 'jammy',
    present: COMMON,
    removed: NO_LIBAV,
  },
  'ubuntu-24.04': {
    id: 'ubuntu-24.04',
    pretty: 'Ubuntu 24.04 LTS',
    codename: 'noble',
    present: COMMON,
    removed: NO_LIBAV,
  },
}

export interface AptResult {
  ok: boolean
  /** what apt-get printed */
  log: string[]
  exitCode: number
}

/**
 * `apt-get install PKG...` on `distroId`: as root, with package lists that `apt-get update` fetched.
 * Packages the table does not list are taken as present (the table covers what the images here
 * install; an unknown name is not evidence of absence).
 */
export function aptInstall(
  distroId: string | undefined,
  packages: string[],
  opts: {root: boolean; listsFresh: boolean},
): AptResult {
  if (!opts.root) {
    return {
      ok: false,
      exitCode: 100,
      log: [
        'E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)',
        'E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?',
      ],
    }
  }
  const distro = distroId === undefined ? undefined : DISTROS[distroId]
  const log = ['Reading package lists...', 'Building dependency tree...', 'Reading state information...']
  const errors: string[] = []
  for (const pkg of packages) {
    // Without `apt-get update` the lists are empty (docker-stacks images delete them): nothing is found.
    if (!opts.listsFresh) {
      errors.push(`E: Unable to locate package ${pkg}`)
      continue
    }
    const removed = distro?.removed[pkg]
    if (removed) {
      log.push(
        `Package ${pkg} is not available, but is referred to by another package.`,
        'This may mean that the package is missing, has been obsoleted, or',
        'is only available from another source',
        ...(removed.replacedBy?.length
          ? ['However the following packages replace it:', `  ${removed.replacedBy.join(' ')}`]
          : []),
        '',
      )
      errors.push(`E: Package '${pkg}' has no installation candidate`)
    }
  }
  if (errors.length > 0) return {ok: false, exitCode: 100, log: [...log, ...errors]}
  return {
    ok: true,
    exitCode: 0,
    log: [...log, ...packages.map(p => `Setting up ${p} ...`)],
  }
}

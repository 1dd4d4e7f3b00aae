/**
 * Git hosting: the repositories a build can clone, as content — files with their text, or, for the
 * scripts a container runs, what they do (scripts.ts). A build's outcome follows from this content
 * interpreted over the base image (profiles.ts, packages.ts), never from which repository it is.
 *
 * Built in: getwarped/s2i-minimal-notebook, the recipe's builder. Its Dockerfiles below are written
 * for this model to reproduce what each branch's Dockerfile does (read from the repository:
 * https://github.com/getwarped/s2i-minimal-notebook, branches s2i-assigned-uid @ 2017-03-12, master @
 * 2018-12-28, s2i-anyuid-pvc-venv; FACTS.md §The upstream builder); they are not copies of its files.
 * Scenarios add repositories under `simulator.repositories`.
 */
import type {ScriptBehaviour} from './scripts.js'

export interface RepoFile {
  /** file content (Dockerfiles, requirements.txt) */
  text?: string
  /** what the file does when run (scripts) */
  script?: ScriptBehaviour
  /** Git's file mode: 0o755 for executables (default 0o644) */
  mode?: number
}

export interface Repository {
  url: string
  defaultBranch: string
  /** ref (branch or tag) → path → file */
  refs: Record<string, Record<string, RepoFile>>
}

/** The branch's Dockerfile, instruction for instruction (comments omitted). */
const dockerfile = (packages: string, passwdFixes: boolean): string =>
  [
    'FROM jupyter/minimal-notebook:latest',
    'USER root',
    `RUN apt-get update && apt-get install -y --no-install-recommends ${packages} && apt-get clean && rm -rf /var/lib/apt/lists/*`,
    'LABEL io.k8s.description="S2I builder for Jupyter (minimal-notebook)." \\',
    '      io.k8s.display-name="Jupyter (minimal-notebook)" \\',
    '      io.openshift.expose-services="8888:http" \\',
    '      io.openshift.tags="builder,python,jupyter" \\',
    '      io.openshift.s2i.scripts-url="image:///opt/app-root/s2i/bin"',
    'COPY s2i /opt/app-root/s2i',
    ...(passwdFixes
      ? ['RUN chgrp -Rf root /home/$NB_USER && chmod -Rf g+w /home/$NB_USER', 'RUN chmod g+w /etc/passwd']
      : []),
    'USER 1000',
    'CMD [ "/opt/app-root/s2i/bin/run" ]',
    '',
  ].join('\n')

/** master's run script prints a banner against using the image (added Dec 2018). */
const OBSOLETE_BANNER = [
  'WARNING:',
  'WARNING: THIS IMAGE IS NOT SUPPORTED OR MAINTAINED. IT WAS ONLY',
  'WARNING: CREATED FOR THE PURPOSES OF ILLUSTRATING CONCEPTS AS',
  'WARNING: PART OF A SERIES OF BLOG POSTS. DO NOT USE THIS IMAGE.',
  'WARNING:',
]

const branch = (packages: string, passwdFixes: boolean, banner: string[] = []): Record<string, RepoFile> => ({
  Dockerfile: {text: dockerfile(packages, passwdFixes)},
  'README.md': {text: '# S2I Enabled Jupyter Notebook (minimal)\n'},
  's2i/bin/run': {script: {script: 's2i-run', passwdFix: passwdFixes, banner}, mode: 0o755},
  's2i/bin/assemble': {script: {script: 's2i-assemble'}, mode: 0o755},
})

export const BUILTIN_REPOSITORIES: Repository[] = [
  {
    url: 'https://github.com/getwarped/s2i-minimal-notebook',
    defaultBranch: 'master',
    refs: {
      's2i-assigned-uid': branch('libav-tools rsync', true),
      master: branch('ffmpeg rsync', true, OBSOLETE_BANNER),
      's2i-anyuid-pvc-venv': branch('libav-tools rsync', false),
    },
  },
]

/** `https://github.com/o/r.git`, `http://GitHub.com/o/r/` and `git@github.com:o/r` name the same repository. */
export function repositoryKey(url: string): string {
  const scp = /^[^\s/@]+@([^:/]+):(.*)$/.exec(url)
  const m = scp
    ? [url, scp[1], `/${scp[2]}`]
    : /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]+@)?([^/]+)(\/.*)?$/i.exec(url)
  if (!m) return url
  const host = (m[1] ?? '').toLowerCase()
  const path = (m[2] ?? '').replace(/\/+$/, '').replace(/\.git$/, '')
  return `${host}${path}`
}

export type Checkout =
  | {ok: true; files: Record<string, RepoFile>; commit: string}
  | {ok: false; log: string[]; reason: 'FetchSourceFailed'; message: string}

/**
 * `git clone URL` then `git checkout REF` as the build's git-clone step does it (openshift/builder):
 * an unknown repository cannot be fetched, an unknown ref cannot be checked out.
 */
export function checkout(repos: Repository[], url: string, ref: string | undefined): Checkout {
  const key = repositoryKey(url)
  const repo = repos.find(r => repositoryKey(r.url) === key)
  if (!repo) {
    return {
      ok: false,
      reason: 'FetchSourceFailed',
      message: 'Failed to fetch the input source.',
      log: [`error: failed to fetch requested repository "${url}" with provided credentials`],
    }
  }
  const wanted = ref ?? repo.defaultBranch
  const files = repo.refs[wanted]
  if (!files) {
    return {
      ok: false,
      reason: 'FetchSourceFailed',
      message: 'Failed to fetch the input source.',
      log: [`error: pathspec '${wanted}' did not match any file(s) known to git`],
    }
  }
  return {ok: true, files, commit: commitOf(`${key}#${wanted}`)}
}

/** A stable 40-hex commit id for a ref's content. */
function commitOf(seed: string): string {
  let h = 0x811c9dc5
  let out = ''
  for (let round = 0; out.length < 40; round++) {
    for (const ch of `${seed}/${round}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0
    out += h.toString(16).padStart(8, '0')
  }
  return out.slice(0, 40)
}

/** The files below `dir` of a checkout (`contextDir`), with paths relative to it. */
export function underDir(files: Record<string, RepoFile>, dir: string | undefined): Record<string, RepoFile> {
  const prefix = (dir ?? '').replace(/^\/+|\/+$/g, '')
  if (!prefix) return files
  return Object.fromEntries(
    Object.entries(files)
      .filter(([p]) => p.startsWith(`${prefix}/`))
      .map(([p, f]) => [p.slice(prefix.length + 1), f]),
  )
}

import {invalid} from './invalid.js'
import {toDnsLabel} from './name.js'

/**
 * A Git source as `oc new-build` takes it: a URL with an optional `#ref` (branch, tag or commit).
 * Accepted: https://, http://, ssh://, git:// and the scp-like `git@host:org/repo.git`. Local paths
 * and file:// cannot be fetched by a build pod, so they are refused. The URI is stored without the
 * fragment (BuildConfig `source.git.uri`) and the ref separately (`source.git.ref`).
 */
export interface GitSource {
  uri: string
  ref?: string
}

const SCP_LIKE = /^(?:[A-Za-z0-9._~-]+@)?([A-Za-z0-9.-]+):(?!\/\/)(.+)$/
const SCHEMES = new Set(['https:', 'http:', 'ssh:', 'git:'])

export function parseGitUrl(text: string, label: string): GitSource {
  const hash = text.indexOf('#')
  const uri = hash === -1 ? text : text.slice(0, hash)
  const ref = hash === -1 ? undefined : text.slice(hash + 1)
  const rule =
    'not a Git URL (use https://host/org/repo.git, git@host:org/repo.git or git://host/repo, with an optional #ref)'
  if (uri === '' || /\s/.test(uri)) throw invalid(label, text, rule)
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
    let url: URL
    try {
      url = new URL(uri)
    } catch {
      throw invalid(label, text, rule)
    }
    if (!SCHEMES.has(url.protocol))
      throw invalid(
        label,
        text,
        `unsupported scheme ${url.protocol} (a build pod can fetch https, http, ssh and git URLs)`,
      )
    if (url.hostname === '' || url.pathname.replace(/\//g, '') === '') throw invalid(label, text, rule)
    if (url.password !== '') {
      throw invalid(
        label,
        text,
        'credentials in the URL would be stored in the BuildConfig; use a source secret instead',
        'oc create secret generic NAME --from-literal=password=TOKEN && oc set build-secret --source bc/NAME NAME',
      )
    }
  } else {
    const m = SCP_LIKE.exec(uri)
    // `host:path` only counts as scp-like with a user or a dotted host, else `C:path` or `x:y` would pass.
    if (!m || (!uri.includes('@') && !m[1].includes('.'))) throw invalid(label, text, rule)
  }
  if (ref !== undefined) parseGitRef(ref, label, text)
  return ref === undefined ? {uri} : {uri, ref}
}

/** A branch, tag or commit as git check-ref-format allows it (the subset that matters here). */
export function parseGitRef(ref: string, label: string, shown = ref): string {
  if (ref === '') throw invalid(label, shown, 'the ref after # is empty')
  if (
    ref.startsWith('-') ||
    ref.includes('..') ||
    ref.endsWith('.lock') ||
    ref.endsWith('/') ||
    ref.endsWith('.') ||
    /[\s~^:?*[\\]|@\{|\p{Cc}/u.test(ref)
  ) {
    throw invalid(label, shown, 'not a valid Git branch, tag or commit')
  }
  return ref
}

/** `https://github.com/org/My_Notebooks.git` → `my-notebooks`, for a default image stream name. */
export function repoName(uri: string): string | undefined {
  const path = uri.replace(/[?#].*$/, '').replace(/\/+$/, '')
  const last = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf(':')) + 1)
  return toDnsLabel(last.replace(/\.git$/, ''))
}

/**
 * Whether two Git URLs name the same repository, as a person would read them: scheme `https`/`http`
 * alike, host case-insensitive, a trailing `.git` or `/` ignored.
 */
export function sameRepository(a: string, b: string): boolean {
  const norm = (u: string) => {
    const m = /^[a-z][a-z0-9+.-]*:\/\/([^/]+)(\/.*)?$/i.exec(u.replace(/^http:/i, 'https:'))
    const host = m ? m[1].toLowerCase() : ''
    const path = (m ? (m[2] ?? '') : u).replace(/\/+$/, '').replace(/\.git$/, '')
    return `${host}${path}`
  }
  return norm(a) === norm(b)
}

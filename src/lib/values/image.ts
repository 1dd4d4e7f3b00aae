import {invalid} from './invalid.js'
import {isName, toDnsLabel} from './name.js'

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/

/**
 * An image stream tag in the current project, `STREAM:TAG` (`STREAM` alone means `:latest`). This
 * is what a Deployment names when the stream has `lookupPolicy.local: true`, and what the
 * `image.openshift.io/triggers` annotation watches.
 */
export interface ImageStreamTag {
  stream: string
  tag: string
}

export const formatStreamTag = (ist: ImageStreamTag): string => `${ist.stream}:${ist.tag}`

export function parseImageStreamTag(text: string, label: string): ImageStreamTag {
  const rule = 'not an image stream tag (use STREAM:TAG, e.g. s2i-minimal-notebook:latest)'
  if (text.includes('/')) {
    throw invalid(
      label,
      text,
      'name an image stream tag in this project (STREAM:TAG), not a registry image or another namespace',
    )
  }
  if (text.includes('@'))
    throw invalid(label, text, 'digests are not supported here; name a tag (STREAM:TAG)')
  const colon = text.indexOf(':')
  const stream = colon === -1 ? text : text.slice(0, colon)
  const tag = colon === -1 ? 'latest' : text.slice(colon + 1)
  if (!isName(stream, 'dns1123-subdomain') || !TAG.test(tag)) throw invalid(label, text, rule)
  return {stream, tag}
}

/**
 * A container image reference in the distribution/reference grammar:
 * `[DOMAIN[:PORT]/]PATH[:TAG][@ALGO:HEX]`. Normalised like Docker does: no domain means
 * `docker.io`, a one-part Docker Hub path gets `library/`, and no tag or digest means `:latest`.
 */
export interface ImageRef {
  domain: string
  path: string
  tag?: string
  digest?: string
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/
const DOMAIN =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\d+)?$|^\[[0-9a-fA-F:]+\](?::\d+)?$/
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/

export function parseImageRef(text: string, label: string): ImageRef {
  const rule =
    'not an image reference (use e.g. quay.io/jupyter/minimal-notebook:2024-01-01 or jupyter/minimal-notebook)'
  let rest = text
  let digest: string | undefined
  const at = rest.indexOf('@')
  if (at !== -1) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
    if (!DIGEST.test(digest)) throw invalid(label, text, 'invalid digest (use @sha256:<64 hex digits>)')
  }
  let tag: string | undefined
  const lastColon = rest.lastIndexOf(':')
  if (lastColon > rest.lastIndexOf('/')) {
    tag = rest.slice(lastColon + 1)
    rest = rest.slice(0, lastColon)
    if (!TAG.test(tag))
      throw invalid(label, text, `invalid tag "${tag}" (letters, digits, '_', '.' and '-', at most 128)`)
  }
  const parts = rest.split('/')
  let domain = 'docker.io'
  // Docker's rule: the first part is a registry when it has a dot or a port, or is localhost.
  if (parts.length > 1 && (/[.:]/.test(parts[0]) || parts[0] === 'localhost' || /[A-Z]/.test(parts[0]))) {
    domain = parts.shift() as string
    if (!DOMAIN.test(domain)) throw invalid(label, text, rule)
  }
  if (parts.length === 0 || parts.some(p => !COMPONENT.test(p))) throw invalid(label, text, rule)
  if (domain === 'docker.io' && parts.length === 1) parts.unshift('library')
  if (tag === undefined && digest === undefined) tag = 'latest'
  const ref: ImageRef = {domain, path: parts.join('/')}
  if (tag !== undefined) ref.tag = tag
  if (digest !== undefined) ref.digest = digest
  return ref
}

export const formatImageRef = (ref: ImageRef): string =>
  `${ref.domain}/${ref.path}${ref.tag === undefined ? '' : `:${ref.tag}`}${ref.digest === undefined ? '' : `@${ref.digest}`}`

/**
 * The image stream that imports a base image: named after the last path part
 * (`docker.io/jupyter/minimal-notebook:latest` → `minimal-notebook:latest`), the tag kept; a digest
 * without a tag is imported as `latest`.
 */
export function baseStreamTagFor(ref: ImageRef): ImageStreamTag {
  const last = ref.path.slice(ref.path.lastIndexOf('/') + 1)
  return {stream: toDnsLabel(last) ?? 'base', tag: ref.tag ?? 'latest'}
}

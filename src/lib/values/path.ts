import {posix} from 'node:path'

import {invalid} from './invalid.js'

/**
 * A container mount path: absolute, no `..` segment (Kubernetes refuses it), no `:` (the old
 * `SRC:DST` volume syntax, refused by the API too), not `/` itself. Returned normalised
 * (`/home/jovyan//volume/` → `/home/jovyan/volume`).
 */
export function parseMountPath(text: string, label = '--mount-path'): string {
  if (!text.startsWith('/')) throw invalid(label, text, 'must be an absolute path (e.g. /home/jovyan/volume)')
  if (text.split('/').includes('..')) throw invalid(label, text, "must not contain '..'")
  if (text.includes(':')) throw invalid(label, text, "must not contain ':'")
  if (/\p{Cc}/u.test(text)) throw invalid(label, text, 'must not contain control characters')
  const path = posix.normalize(text).replace(/\/+$/, '')
  if (path === '') throw invalid(label, text, 'must not be / (mount the volume on a directory)')
  return path
}

/** A BuildConfig `source.contextDir`: a relative directory inside the repository. */
export function parseContextDir(text: string, label = '--context-dir'): string {
  const dir = text.replace(/^\.\/+/, '').replace(/\/+$/, '')
  if (dir === '' || dir === '.')
    throw invalid(label, text, 'must name a directory inside the repository (e.g. notebooks)')
  if (text.startsWith('/')) throw invalid(label, text, 'must be relative to the repository root')
  if (dir.split('/').includes('..')) throw invalid(label, text, "must not contain '..'")
  if (/\p{Cc}/u.test(text)) throw invalid(label, text, 'must not contain control characters')
  return posix.normalize(dir)
}

/**
 * RFC 7386 JSON merge patch as evanphx/json-patch's MergePatch applies it for kube-apiserver:
 * null deletes a key, objects merge recursively, anything else (arrays included) replaces.
 * Nulls inside a value that is added whole are pruned, but nulls that are array elements stay.
 */
import {badRequest} from './errors.js'
import {clone, isObject, type JsonObject} from './json.js'

function pruneNulls(v: unknown): void {
  if (isObject(v)) {
    for (const k of Object.keys(v)) {
      if (v[k] === null) delete v[k]
      else pruneNulls(v[k])
    }
  } else if (Array.isArray(v)) {
    for (const item of v) if (item !== null) pruneNulls(item)
  }
}

function mergeDocs(doc: JsonObject, patch: JsonObject): void {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      delete doc[k]
      continue
    }
    const cur = doc[k]
    if (isObject(cur) && isObject(v)) {
      mergeDocs(cur, v)
    } else {
      const value = clone(v)
      pruneNulls(value)
      doc[k] = value
    }
  }
}

/** Returns `doc` merged with `patch`; `doc` is not modified. A non-object patch → 400 "Invalid JSON Patch". */
export function applyMergePatch(doc: unknown, patch: unknown): unknown {
  // MergePatch answers ErrBadJSONPatch, which the apiserver turns into a 400, for these
  if (!isObject(patch)) throw badRequest('Invalid JSON Patch')
  if (!isObject(doc)) {
    const value = clone(patch)
    pruneNulls(value)
    return value
  }
  const out = clone(doc)
  mergeDocs(out, patch)
  return out
}

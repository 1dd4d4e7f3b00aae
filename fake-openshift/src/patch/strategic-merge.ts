/**
 * Strategic merge patch as k8s.io/apimachinery/pkg/util/strategicpatch applies it on the server
 * (MergeParallelList and IgnoreUnmatchedNulls on), driven by the per-kind rules in schema.ts.
 *
 * Lists with a merge key merge item by item, primitive lists with `patchStrategy: merge` merge as
 * sets, every other list is replaced. Directives: `$patch: replace|delete` (in objects and as list
 * items), `$retainKeys`, `$deleteFromPrimitiveList/<field>`, `$setElementOrder/<field>`.
 * Ordering follows the library too: items only in the patch come before items only on the server
 * unless `$setElementOrder` says otherwise (kubectl apply always sends it).
 */
import {ApiError} from '../types.js'
import {PatchApplyError, badRequest, plainServerError} from './errors.js'
import {clone, goString, isObject, type JsonObject} from './json.js'
import {childPath, itemPath, rulesFor, strategicMergeSupported, type FieldRule, type Rules} from './schema.js'

const DIRECTIVE = '$patch'
const RETAIN_KEYS = '$retainKeys'
const SET_ORDER = '$setElementOrder'
const DELETE_PRIMITIVES = '$deleteFromPrimitiveList'

// mergepatch's sentinel errors, by how the apiserver reports them (interpretStrategicMergePatchError)
const BAD_PRIMITIVE_LIST = 'invalid patch format of primitive list'
const BAD_RETAIN_KEYS = 'invalid patch format of retainKeys'
const BAD_SET_ORDER = 'invalid patch format of setElementOrder list'
const NO_LIST_OF_LISTS = 'lists of lists are not supported'

type GoKind = 'map' | 'slice' | 'string' | 'number' | 'bool' | 'nil'

function goKind(v: unknown): GoKind {
  if (v === null || v === undefined) return 'nil'
  if (Array.isArray(v)) return 'slice'
  if (isObject(v)) return 'map'
  if (typeof v === 'boolean') return 'bool'
  return typeof v === 'number' ? 'number' : 'string'
}

/** reflect.TypeOf names, for ErrBadArgType texts. */
function goTypeName(v: unknown): string {
  const names: Record<GoKind, string> = {
    map: 'map[string]interface {}',
    slice: '[]interface {}',
    string: 'string',
    number: 'float64',
    bool: 'bool',
    nil: '%!s(<nil>)',
  }
  return names[goKind(v)]
}

function badArgType(expected: GoKind, actual: unknown): ApiError {
  const want = expected === 'map' ? 'map[string]interface {}' : '[]interface {}'
  return plainServerError(`expected a ${want}, but received a ${goTypeName(actual)}`)
}

function noMergeKey(m: unknown, key: string): ApiError {
  return plainServerError(`map: ${goString(m)} does not contain declared merge key: ${key}`)
}

function isDirectiveKey(k: string): boolean {
  return (
    k === DIRECTIVE ||
    k === RETAIN_KEYS ||
    k.startsWith(`${SET_ORDER}/`) ||
    k.startsWith(`${DELETE_PRIMITIVES}/`)
  )
}

/**
 * A patch value stored as is (its field was absent on the server). The library stores it raw and
 * the typed decode then drops `$` keys; we drop them (and the nulls the library discards) here.
 */
function sanitize(v: unknown): unknown {
  if (Array.isArray(v)) {
    return v.filter(item => !(isObject(item) && DIRECTIVE in item)).map(sanitize)
  }
  if (!isObject(v)) return v
  const out: JsonObject = {}
  for (const [k, val] of Object.entries(v)) {
    if (val === null || isDirectiveKey(k)) continue
    out[k] = sanitize(val)
  }
  return out
}

/** Path element after the directive prefix (`$setElementOrder/containers` → `containers`). */
function extractKey(key: string, prefix: string, error: string): string {
  const slash = key.indexOf('/')
  if (slash < 0 || key.slice(0, slash) !== prefix) throw badRequest(error)
  return key.slice(slash + 1)
}

class Merger {
  constructor(private readonly rules: Rules) {}

  private rule(path: string): FieldRule | undefined {
    return this.rules[path]
  }

  mergeMap(original: JsonObject, patch: JsonObject, path: string): JsonObject {
    if (DIRECTIVE in patch) {
      const directive = patch[DIRECTIVE]
      if (directive === 'replace') {
        delete patch[DIRECTIVE]
        return sanitize(patch) as JsonObject
      }
      if (directive === 'delete') return {}
      // the library rejects `$patch: merge` in an object; merging is what it would mean, so we allow it
      if (directive !== 'merge') {
        throw plainServerError(`unknown patch type: ${goString(directive)} in map: ${goString(patch)}`)
      }
      delete patch[DIRECTIVE]
    }
    this.applyRetainKeys(original, patch)
    this.mergeOrderedLists(original, patch, path)

    for (const [patchKey, patchV] of Object.entries(patch)) {
      let k = patchKey
      let isDeleteList = false
      if (patchKey.startsWith(DELETE_PRIMITIVES)) {
        k = extractKey(patchKey, DELETE_PRIMITIVES, BAD_PRIMITIVE_LIST)
        isDeleteList = true
      }
      if (patchV === null) {
        delete original[k]
        continue
      }
      if (!Object.prototype.hasOwnProperty.call(original, k) || goKind(original[k]) !== goKind(patchV)) {
        if (!isDeleteList) original[k] = sanitize(patchV)
        continue
      }
      const fieldPath = childPath(path, k)
      const current = original[k]
      if (isObject(current)) {
        original[k] = this.mergeMap(current, patchV as JsonObject, fieldPath)
      } else if (Array.isArray(current)) {
        original[k] = this.mergeSliceHandler(current, patchV as unknown[], fieldPath, isDeleteList)
      } else {
        original[k] = patchV
      }
    }
    return original
  }

  private applyRetainKeys(original: JsonObject, patch: JsonObject): void {
    if (!(RETAIN_KEYS in patch)) return
    const list = patch[RETAIN_KEYS]
    delete patch[RETAIN_KEYS]
    if (!Array.isArray(list)) throw badRequest(BAD_RETAIN_KEYS)
    const keep = new Set(list)
    for (const [k, v] of Object.entries(patch)) {
      if (v === null || k.startsWith(DELETE_PRIMITIVES) || k.startsWith(SET_ORDER)) continue
      if (!keep.has(k)) throw badRequest(BAD_RETAIN_KEYS)
    }
    for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k]
  }

  private mergeSliceHandler(
    original: unknown[],
    patch: unknown[],
    path: string,
    isDeleteList: boolean,
  ): unknown[] {
    const smp = this.rule(path)?.smp
    // deletion lists are honoured whatever the field's strategy
    if (smp || isDeleteList) return this.mergeSlice(original, patch, path, smp?.key ?? '', isDeleteList)
    return sanitize(patch) as unknown[]
  }

  private mergeSlice(
    original: unknown[],
    patch: unknown[],
    path: string,
    mergeKey: string,
    isDeleteList: boolean,
  ): unknown[] {
    if (original.length === 0 && patch.length === 0) return original
    const kind = sliceElementKind(original, patch)
    let merged: unknown[]
    let orig = original
    let items = patch
    if (kind !== 'map') {
      if (isDeleteList) return original.filter(v => !patch.includes(v))
      merged = [...new Set([...original, ...patch])]
    } else {
      if (!mergeKey) throw plainServerError(`cannot merge lists without merge key for ${path}`)
      ;[orig, items] = this.withSpecialElements(original, patch, mergeKey)
      merged = this.withoutSpecialElements(orig, items, mergeKey, itemPath(path))
    }
    const [patchItems, serverOnly] = mergeKey
      ? partitionMaps(merged, items, mergeKey)
      : partitionPrimitives(merged, items)
    return normalizeElementOrder(patchItems, serverOnly, items, orig, mergeKey, kind)
  }

  /** Handles `{$patch: delete, key: v}` and `{$patch: replace}` items; returns [original, rest of patch]. */
  private withSpecialElements(
    original: unknown[],
    patch: unknown[],
    mergeKey: string,
  ): [unknown[], unknown[]] {
    let orig = original
    const rest: unknown[] = []
    let replace = false
    for (const v of patch) {
      const item = v as JsonObject
      if (!(DIRECTIVE in item)) {
        rest.push(v)
        continue
      }
      switch (item[DIRECTIVE]) {
        case 'delete':
          if (!(mergeKey in item)) throw noMergeKey(item, mergeKey)
          orig = orig.filter(o => {
            if (!isObject(o)) throw plainServerError('value for key is not a map.')
            return !(mergeKey in o && o[mergeKey] === item[mergeKey])
          })
          break
        case 'replace':
          replace = true
          break
        case 'merge':
          // rejected by the library ("merging lists cannot yet be specified"); merging is the default anyway
          break
        default:
          throw plainServerError(`unknown patch type: ${goString(item[DIRECTIVE])} in map: ${goString(item)}`)
      }
    }
    return replace ? [rest.map(sanitize), []] : [orig, rest]
  }

  private withoutSpecialElements(
    original: unknown[],
    patch: unknown[],
    mergeKey: string,
    path: string,
  ): unknown[] {
    const out = [...original]
    for (const v of patch) {
      const item = v as JsonObject
      if (!(mergeKey in item)) throw noMergeKey(item, mergeKey)
      const idx = findByKey(out, mergeKey, item[mergeKey])
      if (idx >= 0) out[idx] = this.mergeMap(out[idx] as JsonObject, item, path)
      else out.push(sanitize(item))
    }
    return out
  }

  /** `$setElementOrder/<field>`: merges that list now and orders it as the directive says. */
  private mergeOrderedLists(original: JsonObject, patch: JsonObject, path: string): void {
    for (const key of Object.keys(patch)) {
      if (!key.startsWith(SET_ORDER)) continue
      const order = patch[key]
      delete patch[key]
      if (!Array.isArray(order)) throw badArgType('slice', order)
      const field = extractKey(key, SET_ORDER, BAD_SET_ORDER)
      const foundOriginal = Object.prototype.hasOwnProperty.call(original, field)
      const foundPatch = Object.prototype.hasOwnProperty.call(patch, field)
      const originalList = foundOriginal ? original[field] : []
      const patchList = foundPatch ? patch[field] : []
      if (!Array.isArray(originalList)) throw badArgType('slice', originalList)
      if (!Array.isArray(patchList)) throw badArgType('slice', patchList)
      const fieldPath = childPath(path, field)
      const mergeKey = this.rule(fieldPath)?.smp?.key ?? ''
      validateAgainstOrder(patchList, order, mergeKey)

      let merged: unknown[]
      if (foundOriginal && foundPatch)
        merged = this.mergeSliceHandler(originalList, patchList, fieldPath, false)
      else if (foundPatch) merged = sanitize(patchList) as unknown[]
      else if (foundOriginal) merged = originalList
      else return // as the library does: the remaining directives of this object are skipped

      const [patchItems, serverOnly] = mergeKey
        ? partitionMaps(merged, order, mergeKey)
        : partitionPrimitives(merged, order)
      const kind = sliceElementKind(originalList, patchList)
      original[field] = normalizeElementOrder(patchItems, serverOnly, order, originalList, mergeKey, kind)
      delete patch[field]
    }
  }
}

function sliceElementKind(...lists: unknown[][]): GoKind {
  let prev: GoKind | undefined
  for (const list of lists) {
    for (const v of list) {
      const k = goKind(v)
      if (prev === undefined) {
        if (k === 'slice') throw new PatchApplyError(NO_LIST_OF_LISTS)
        prev = k
      } else if (prev !== k) {
        throw plainServerError(`list element types are not identical: ${lists.map(goString).join(' ')}`)
      }
    }
  }
  if (prev === undefined) throw plainServerError('no elements in any of the given slices')
  return prev
}

function findByKey(list: unknown[], mergeKey: string, value: unknown): number {
  return list.findIndex((item, i) => {
    if (!isObject(item)) throw plainServerError(`value for key ${i} is not a map.`)
    return mergeKey in item && item[mergeKey] === value
  })
}

function partitionPrimitives(list: unknown[], by: unknown[]): [unknown[], unknown[]] {
  const inPatch = new Set(by)
  return [list.filter(v => inPatch.has(v)), list.filter(v => !inPatch.has(v))]
}

function partitionMaps(list: unknown[], by: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const inPatch: unknown[] = []
  const serverOnly: unknown[] = []
  for (const v of list) {
    if (!isObject(v)) throw badArgType('map', v)
    if (!(mergeKey in v)) throw noMergeKey(v, mergeKey)
    if (findByKey(by, mergeKey, v[mergeKey]) >= 0) inPatch.push(v)
    else serverOnly.push(v)
  }
  return [inPatch, serverOnly]
}

/** validatePatchWithSetOrderList: patch items must appear in the `$setElementOrder` list, in its order. */
function validateAgainstOrder(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return
  const items = mergeKey ? patchList.filter(v => !(isObject(v) && v[DIRECTIVE] === 'delete')) : patchList
  let p = 0
  let o = 0
  while (p < items.length && o < order.length) {
    const item = items[p]
    if (isObject(item) && DIRECTIVE in item) {
      p++
      continue
    }
    if (keyOf(item, mergeKey) === keyOf(order[o], mergeKey)) p++
    o++
  }
  if (p < items.length) {
    throw plainServerError(
      `The order in patch list:\n${goString(patchList)}\n doesn't match ${SET_ORDER} list:\n${goString(order)}\n`,
    )
  }
}

function keyOf(item: unknown, mergeKey: string): unknown {
  if (!mergeKey) return item
  if (!isObject(item)) throw badArgType('map', item)
  if (!(mergeKey in item)) throw noMergeKey(item, mergeKey)
  return item[mergeKey]
}

function indexIn(list: unknown[], item: unknown, mergeKey: string, kind: GoKind): number {
  const val = (v: unknown): unknown => (kind === 'map' ? (isObject(v) ? v[mergeKey] : null) : v)
  const wanted = val(item)
  return list.findIndex(v => val(v) === wanted)
}

/** Sorts `items` by their position in `order`; `$patch: delete` items go last (normalizeSliceOrder). */
function sortByOrder(items: unknown[], order: unknown[], mergeKey: string, kind: GoKind): unknown[] {
  let keep = items
  let deletes: unknown[] = []
  if (kind === 'map') {
    for (const v of [...items, ...order]) keyOf(v, mergeKey)
    keep = items.filter(v => !(isObject(v) && v[DIRECTIVE] === 'delete'))
    deletes = items.filter(v => isObject(v) && v[DIRECTIVE] === 'delete')
  }
  const ranked = keep.map((v, i) => ({v, i, at: indexIn(order, v, mergeKey, kind)}))
  ranked.sort((a, b) => (a.at >= 0 && b.at >= 0 ? a.at - b.at : a.i - b.i))
  return [...ranked.map(r => r.v), ...deletes]
}

/**
 * normalizeElementOrder + mergeSortedSlice: patch items in patch order, server-only items in
 * server order, interleaved by server order where both are known (otherwise the patch item first).
 */
function normalizeElementOrder(
  patchItems: unknown[],
  serverOnly: unknown[],
  patchOrder: unknown[],
  serverOrder: unknown[],
  mergeKey: string,
  kind: GoKind,
): unknown[] {
  const right = sortByOrder(patchItems, patchOrder, mergeKey, kind)
  const left = sortByOrder(serverOnly, serverOrder, mergeKey, kind)
  const out: unknown[] = []
  let i = 0
  let j = 0
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++])
    else if (j >= right.length) out.push(left[i++])
    else {
      const li = indexIn(serverOrder, left[i], mergeKey, kind)
      const ri = indexIn(serverOrder, right[j], mergeKey, kind)
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++])
      else out.push(right[j++])
    }
  }
  return out
}

/**
 * Applies a strategic merge patch to `doc` (an object of `kind`) and returns the result; `doc` is
 * not modified. Kinds without Go types (CRDs such as SecurityContextConstraints) → 415, as on a
 * real cluster.
 */
export function applyStrategicMergePatch(doc: unknown, patch: unknown, kind: string): unknown {
  if (!strategicMergeSupported(kind)) {
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      'the body of the request was in an unknown format - accepted media types include: ' +
        'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    )
  }
  // json.Unmarshal of `null` into a map leaves it empty: nothing to do
  if (patch === null) return clone(doc)
  if (!isObject(patch)) {
    const t = Array.isArray(patch) ? 'array' : typeof patch === 'boolean' ? 'bool' : typeof patch
    throw badRequest(`json: cannot unmarshal ${t} into Go value of type map[string]interface {}`)
  }
  const original = isObject(doc) ? clone(doc) : {}
  return new Merger(rulesFor(kind)).mergeMap(original, clone(patch), '')
}

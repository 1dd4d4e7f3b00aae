/**
 * RFC 6902 JSON patch with the behaviour (and error texts) of gopkg.in/evanphx/json-patch.v4, the
 * library kube-apiserver uses. Its quirks are kept on purpose because clients see them:
 * - `replace` of a missing object key adds it; `add`/`copy` without `value` write null;
 * - negative array indices count from the end;
 * - a path not starting with `/` addresses a top-level key (`a/b` means key `b` of the root);
 * - `test` treats null and a missing key alike.
 */
import {ApiError} from '../types.js'
import {PatchApplyError, badRequest} from './errors.js'
import {clone, deepEqual, isObject, type JsonObject} from './json.js'

/** kube-apiserver's limit (maxJSONPatchOperations). */
const MAX_OPERATIONS = 10000

type Container = {kind: 'doc'; obj: JsonObject} | {kind: 'ary'; arr: unknown[]}

class OpError extends Error {}

/** Go's json type names, as in `json: cannot unmarshal <type> into Go value of type ...`. */
function goJsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array'
  if (isObject(v)) return 'object'
  if (typeof v === 'boolean') return 'bool'
  return typeof v === 'number' ? 'number' : 'string'
}

function decodeKey(k: string): string {
  return k.replace(/~[01]/g, m => (m === '~1' ? '/' : '~'))
}

/** strconv.Atoi, with its error texts. */
function atoi(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new OpError(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`)
  const big = BigInt(s)
  if (big > 9223372036854775807n || big < -9223372036854775808n) {
    throw new OpError(`strconv.Atoi: parsing ${JSON.stringify(s)}: value out of range`)
  }
  return Number(big)
}

function invalidIndex(idx: number): OpError {
  return new OpError(`Unable to access invalid index: ${idx}: invalid index referenced`)
}

function get(con: Container, key: string): unknown {
  if (con.kind === 'doc') return con.obj[key]
  let idx = atoi(key)
  if (idx < 0) {
    if (idx < -con.arr.length) throw invalidIndex(idx)
    idx += con.arr.length
  }
  if (idx >= con.arr.length) throw invalidIndex(idx)
  return con.arr[idx]
}

function add(con: Container, key: string, val: unknown): void {
  if (con.kind === 'doc') {
    con.obj[key] = val
    return
  }
  if (key === '-') {
    con.arr.push(val)
    return
  }
  let idx: number
  try {
    idx = atoi(key)
  } catch (e) {
    throw new OpError(`value was not a proper array index: '${key}': ${(e as Error).message}`)
  }
  const size = con.arr.length + 1
  if (idx >= size) throw invalidIndex(idx)
  if (idx < 0) {
    if (idx < -size) throw invalidIndex(idx)
    idx += size
  }
  con.arr.splice(idx, 0, val)
}

function set(con: Container, key: string, val: unknown): void {
  if (con.kind === 'doc') {
    con.obj[key] = val
    return
  }
  let idx = atoi(key)
  if (idx < 0) {
    if (idx < -con.arr.length) throw invalidIndex(idx)
    idx += con.arr.length
  }
  con.arr[idx] = val
}

function remove(con: Container, key: string): void {
  if (con.kind === 'doc') {
    if (!Object.prototype.hasOwnProperty.call(con.obj, key)) {
      throw new OpError(`Unable to remove nonexistent key: ${key}: missing value`)
    }
    delete con.obj[key]
    return
  }
  let idx = atoi(key)
  if (idx >= con.arr.length) throw invalidIndex(idx)
  if (idx < 0) {
    if (idx < -con.arr.length) throw invalidIndex(idx)
    idx += con.arr.length
  }
  con.arr.splice(idx, 1)
}

function asContainer(v: unknown): Container | undefined {
  if (Array.isArray(v)) return {kind: 'ary', arr: v}
  if (isObject(v)) return {kind: 'doc', obj: v}
  return undefined
}

/** The container holding the last path segment, or undefined when an intermediate is missing. */
function findObject(root: Container, path: string): [Container, string] | undefined {
  const split = path.split('/')
  if (split.length < 2) return undefined
  let con = root
  for (const part of split.slice(1, -1)) {
    let next: unknown
    try {
      next = get(con, decodeKey(part))
    } catch {
      return undefined
    }
    // a null value is a nil node in the library, exactly like a missing one
    const c = next === null || next === undefined ? undefined : asContainer(next)
    if (!c) return undefined
    con = c
  }
  return [con, decodeKey(split[split.length - 1])]
}

/** Runs `fn`, prefixing a library error like pkg/errors.Wrapf does. */
function wrap<T>(prefix: string, fn: () => T): T {
  try {
    return fn()
  } catch (e) {
    if (e instanceof OpError) throw new OpError(`${prefix}: ${e.message}`)
    throw e
  }
}

type Operation = Record<string, unknown>

function opString(op: Operation, field: 'path' | 'from'): string {
  const v = op[field]
  if (v === undefined || v === null) {
    throw new OpError(
      field === 'path'
        ? 'operation missing path field: missing value'
        : 'operation, missing from field: missing value',
    )
  }
  if (typeof v !== 'string')
    throw new OpError(`json: cannot unmarshal ${goJsonType(v)} into Go value of type string`)
  return v
}

/** Path decoding for add/remove/copy, which report only ErrMissing whatever went wrong. */
function pathOrMissing(op: Operation, what: string): string {
  try {
    return opString(op, 'path')
  } catch {
    throw new OpError(`${what} operation failed to decode path: missing value`)
  }
}

function missing(msg: string): OpError {
  return new OpError(`${msg}: missing value`)
}

function applyOne(box: {root: Container}, op: Operation): void {
  const kind = typeof op.op === 'string' ? op.op : 'unknown'
  // a JSON null value and an absent one both end up as null in the document
  const value = op.value === undefined ? null : op.value
  switch (kind) {
    case 'add': {
      const path = pathOrMissing(op, 'add')
      const found = findObject(box.root, path)
      if (!found) throw missing(`add operation does not apply: doc is missing path: "${path}"`)
      wrap(`error in add for path: '${path}'`, () => add(found[0], found[1], clone(value)))
      return
    }
    case 'remove': {
      const path = pathOrMissing(op, 'remove')
      const found = findObject(box.root, path)
      if (!found) throw missing(`remove operation does not apply: doc is missing path: "${path}"`)
      wrap(`error in remove for path: '${path}'`, () => remove(found[0], found[1]))
      return
    }
    case 'replace': {
      const path = wrap('replace operation failed to decode path', () => opString(op, 'path'))
      if (path === '') {
        // the library silently ignores a scalar replacement of the whole document
        const c = asContainer(clone(value))
        if (c) box.root = c
        return
      }
      const found = findObject(box.root, path)
      if (!found) throw missing(`replace operation does not apply: doc is missing path: ${path}`)
      try {
        get(found[0], found[1])
      } catch {
        throw missing(`replace operation does not apply: doc is missing key: ${path}`)
      }
      wrap(`error in remove for path: '${path}'`, () => set(found[0], found[1], clone(value)))
      return
    }
    case 'move': {
      const from = wrap('move operation failed to decode from', () => opString(op, 'from'))
      const src = findObject(box.root, from)
      if (!src) throw missing(`move operation does not apply: doc is missing from path: ${from}`)
      const val = wrap(`error in move for path: '${src[1]}'`, () => get(src[0], src[1]))
      wrap(`error in move for path: '${src[1]}'`, () => remove(src[0], src[1]))
      const path = wrap('move operation failed to decode path', () => opString(op, 'path'))
      const dst = findObject(box.root, path)
      if (!dst) throw missing(`move operation does not apply: doc is missing destination path: ${path}`)
      wrap(`error in move for path: '${path}'`, () => add(dst[0], dst[1], val === undefined ? null : val))
      return
    }
    case 'test': {
      const path = wrap('test operation failed to decode path', () => opString(op, 'path'))
      const failed = new OpError(`testing value ${path} failed: test failed`)
      if (path === '') {
        const self = box.root.kind === 'doc' ? box.root.obj : box.root.arr
        if (!deepEqual(self, op.value)) throw failed
        return
      }
      const found = findObject(box.root, path)
      if (!found) throw missing(`test operation does not apply: is missing path: ${path}`)
      const val = wrap(`error in test for path: '${path}'`, () => get(found[0], found[1]))
      if (val === undefined || val === null) {
        if (op.value === undefined || op.value === null) return
        throw failed
      }
      if (op.value === undefined || !deepEqual(val, op.value)) throw failed
      return
    }
    case 'copy': {
      const from = wrap('copy operation failed to decode from', () => opString(op, 'from'))
      const src = findObject(box.root, from)
      if (!src) throw missing(`copy operation does not apply: doc is missing from path: ${from}`)
      const val = wrap(`error in copy for from: '${from}'`, () => get(src[0], src[1]))
      const path = pathOrMissing(op, 'copy')
      const dst = findObject(box.root, path)
      if (!dst) throw missing(`copy operation does not apply: doc is missing destination path: ${path}`)
      wrap('error while adding value during copy', () =>
        add(dst[0], dst[1], val === undefined ? null : clone(val)),
      )
      return
    }
    default:
      throw new OpError(`Unexpected kind: ${kind}`)
  }
}

/**
 * Applies an RFC 6902 patch (`ops` as decoded from the request body) to `doc` and returns the new
 * document; `doc` is not modified. Malformed operation lists → 400, too many → 413, an operation
 * that does not apply (including a failed `test`) → 422 PatchApplyError.
 */
export function applyJsonPatch(doc: unknown, ops: unknown): unknown {
  // json.Unmarshal of `null` into a slice is no error: an empty patch
  const list = ops === null ? [] : ops
  if (!Array.isArray(list)) {
    throw badRequest(`json: cannot unmarshal ${goJsonType(list)} into Go value of type jsonpatch.Patch`)
  }
  for (const op of list) {
    if (op !== null && !isObject(op)) {
      throw badRequest(`json: cannot unmarshal ${goJsonType(op)} into Go value of type jsonpatch.Operation`)
    }
  }
  if (list.length > MAX_OPERATIONS) {
    throw new ApiError(
      413,
      'RequestEntityTooLarge',
      `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_OPERATIONS}, got ${list.length}`,
    )
  }
  const root = asContainer(clone(doc))
  if (!root) throw badRequest('the document to patch is not a JSON object or array')
  const box = {root}
  for (const op of list as Array<Operation | null>) {
    try {
      applyOne(box, op ?? {})
    } catch (e) {
      if (e instanceof OpError) throw new PatchApplyError(e.message)
      throw e
    }
  }
  return box.root.kind === 'doc' ? box.root.obj : box.root.arr
}

/**
 * Schema-aware walks over objects for server-side apply, after structured-merge-diff's typed
 * package: the field set an applied configuration specifies (ToFieldSet), the difference between
 * two objects (Compare) and the merge of an applied configuration into a live object (Merge).
 */
import {clone, deepEqual, isObject, type JsonObject} from './json.js'
import {
  FieldSet,
  field,
  keyElement,
  pathString,
  valueElement,
  type FieldPath,
  type PathElement,
} from './fieldpath.js'
import {childPath, itemPath, type FieldRule, type Rules} from './schema.js'

/** A configuration structured-merge-diff would refuse (missing or duplicate list keys). */
export class SchemaError extends Error {}

function listType(rule: FieldRule | undefined): 'map' | 'set' | 'atomic' {
  return rule?.list ?? 'atomic'
}

/** The path element of a list item, or an error text (element 0: ...). */
export function itemElement(item: unknown, rule: FieldRule | undefined): PathElement | string {
  if (listType(rule) === 'set') {
    if (isObject(item) || Array.isArray(item))
      return "associative list without keys has an element that's a map type"
    return valueElement(item)
  }
  if (!isObject(item)) return 'associative list with keys has an element that is not a map'
  const key: JsonObject = {}
  for (const name of rule?.keys ?? []) {
    const v = item[name] ?? rule?.keyDefaults?.[name]
    if (v === undefined || v === null) {
      return `associative list with keys has an element that omits key field ${JSON.stringify(name)} (and doesn't have default value)`
    }
    key[name] = v
  }
  return keyElement(key)
}

/** Item path elements of a keyed list; undefined when an item has no usable key (then it is atomic). */
function itemElements(list: unknown[], rule: FieldRule | undefined): PathElement[] | undefined {
  const out: PathElement[] = []
  for (const item of list) {
    const pe = itemElement(item, rule)
    if (!/^[kv]:/.test(pe)) return undefined
    out.push(pe)
  }
  return out
}

/** Checks what ObjectToTyped checks on an applied configuration: list keys present and unique. */
export function validateConfig(value: unknown, rules: Rules, sp = '', path: FieldPath = []): string[] {
  const errors: string[] = []
  const at = pathString(path)
  if (isObject(value)) {
    if (rules[sp]?.atomic) return errors
    for (const [k, v] of Object.entries(value))
      errors.push(...validateConfig(v, rules, childPath(sp, k), [...path, field(k)]))
  } else if (Array.isArray(value)) {
    const rule = rules[sp]
    if (listType(rule) === 'atomic') return errors
    const seen = new Set<string>()
    value.forEach((item, i) => {
      const pe = itemElement(item, rule)
      if (!/^[kv]:/.test(pe)) {
        errors.push(`${at}: element ${i}: ${pe}`)
        return
      }
      if (seen.has(pe)) {
        errors.push(`${at}: duplicate entries for key ${pathString([pe])}`)
        return
      }
      seen.add(pe)
      errors.push(...validateConfig(item, rules, itemPath(sp), [...path, pe]))
    })
  }
  return errors
}

/**
 * The fields a configuration specifies (ToFieldSet): leaves, empty or null objects, atomic lists
 * and objects as a whole, and every item of a keyed or set list (the `.` of an item).
 */
export function configFields(value: unknown, rules: Rules): FieldSet {
  const set = new FieldSet()
  const walk = (v: unknown, sp: string, path: FieldPath): void => {
    if (isObject(v)) {
      if (rules[sp]?.atomic) {
        set.add(path)
        return
      }
      for (const [k, child] of Object.entries(v)) {
        const cp = [...path, field(k)]
        if (child === null || (isObject(child) && Object.keys(child).length === 0)) set.add(cp)
        walk(child, childPath(sp, k), cp)
      }
    } else if (Array.isArray(v)) {
      const rule = rules[sp]
      const pes = listType(rule) === 'atomic' ? undefined : itemElements(v, rule)
      if (!pes) {
        set.add(path)
        return
      }
      v.forEach((item, i) => {
        const ip = [...path, pes[i]]
        set.add(ip)
        walk(item, itemPath(sp), ip)
      })
    } else {
      set.add(path)
    }
  }
  walk(value, '', [])
  return set
}

export interface Comparison {
  /** present only in the new object (non-leaf fields included: they become `.` in Update entries) */
  added: FieldSet
  /** present only in the old object */
  removed: FieldSet
  /** leaves present in both with different values */
  modified: FieldSet
}

const isEmptyObject = (v: unknown): boolean =>
  v === undefined || v === null || (isObject(v) && Object.keys(v).length === 0)
const isEmptyList = (v: unknown): boolean =>
  v === undefined || v === null || (Array.isArray(v) && v.length === 0)

/** typed.Compare: what changed from `lhs` to `rhs` (undefined = absent). */
export function compareObjects(lhs: unknown, rhs: unknown, rules: Rules): Comparison {
  const out: Comparison = {added: new FieldSet(), removed: new FieldSet(), modified: new FieldSet()}
  const walk = (l: unknown, r: unknown, sp: string, path: FieldPath): void => {
    const rule = rules[sp]
    let leaf = true
    const maps = (isObject(l) || isObject(r)) && (isObject(l) || l == null) && (isObject(r) || r == null)
    const lists =
      (Array.isArray(l) || Array.isArray(r)) &&
      (Array.isArray(l) || l == null) &&
      (Array.isArray(r) || r == null)
    if (maps && !rule?.atomic && !(isEmptyObject(l) && isEmptyObject(r))) {
      leaf = false
      const lo = isObject(l) ? l : {}
      const ro = isObject(r) ? r : {}
      for (const k of new Set([...Object.keys(lo), ...Object.keys(ro)])) {
        walk(lo[k], ro[k], childPath(sp, k), [...path, field(k)])
      }
    } else if (lists && listType(rule) !== 'atomic' && !(isEmptyList(l) && isEmptyList(r))) {
      const la = Array.isArray(l) ? l : []
      const ra = Array.isArray(r) ? r : []
      const lp = itemElements(la, rule)
      const rp = itemElements(ra, rule)
      if (lp && rp) {
        leaf = false
        // live objects may hold duplicates: the first item with a key stands for it
        const lm = new Map<PathElement, unknown>()
        const rm = new Map<PathElement, unknown>()
        lp.forEach((pe, i) => lm.has(pe) || lm.set(pe, la[i]))
        rp.forEach((pe, i) => rm.has(pe) || rm.set(pe, ra[i]))
        for (const pe of new Set([...lm.keys(), ...rm.keys()]))
          walk(lm.get(pe), rm.get(pe), itemPath(sp), [...path, pe])
      }
    }
    if (path.length === 0) return
    if (l === undefined && r !== undefined) out.added.add(path)
    else if (r === undefined && l !== undefined) out.removed.add(path)
    else if (leaf && l !== undefined && !deepEqual(l, r)) out.modified.add(path)
  }
  walk(lhs, rhs, '', [])
  return out
}

/** Drops nulls an applied configuration carries inside objects it adds: Go decoding omits them. */
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls)
  if (!isObject(v)) return v
  const out: JsonObject = {}
  for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = withoutNulls(x)
  return out
}

/**
 * typed.Merge: the applied configuration `rhs` merged into the live `lhs`. Objects merge field by
 * field, keyed and set lists item by item (keeping live-only items where they were), anything
 * atomic is replaced. Returns undefined when the field should be absent.
 */
export function mergeApplied(lhs: unknown, rhs: unknown, rules: Rules, sp = ''): unknown {
  if (rhs === undefined) return lhs
  const rule = rules[sp]
  if (rhs === null) {
    // a null config value of a non-empty mergeable field leaves it alone (visitMapItems/visitListItems)
    const keepsLive =
      !rule?.atomic &&
      ((isObject(lhs) && Object.keys(lhs).length > 0) ||
        (Array.isArray(lhs) && lhs.length > 0 && listType(rule) !== 'atomic'))
    return keepsLive ? lhs : undefined
  }
  if (lhs === undefined || lhs === null) return withoutNulls(clone(rhs))
  if (isObject(lhs) && isObject(rhs) && !rule?.atomic) {
    const out: JsonObject = {...lhs}
    for (const [k, v] of Object.entries(rhs)) {
      const merged = mergeApplied(lhs[k], v, rules, childPath(sp, k))
      if (merged === undefined) delete out[k]
      else out[k] = merged
    }
    return out
  }
  if (Array.isArray(lhs) && Array.isArray(rhs) && listType(rule) !== 'atomic') {
    const merged = mergeList(lhs, rhs, rules, sp)
    if (merged) return merged
  }
  return withoutNulls(clone(rhs))
}

/** The list merge of structured-merge-diff's mergingWalker.visitListItems (order-preserving interleave). */
function mergeList(lhs: unknown[], rhs: unknown[], rules: Rules, sp: string): unknown[] | undefined {
  const rule = rules[sp]
  const rPEs = itemElements(rhs, rule)
  const lPEs = itemElements(lhs, rule)
  if (!rPEs || !lPEs) return undefined
  const observedR = new Map<PathElement, unknown>()
  rPEs.forEach((pe, i) => observedR.set(pe, rhs[i]))
  // a key the live list holds twice is not merged with the config item (it becomes null)
  const observedL = new Map<PathElement, unknown>()
  lPEs.forEach((pe, i) => observedL.set(pe, observedL.has(pe) ? null : lhs[i]))

  const itemSp = itemPath(sp)
  const mergeItem = (l: unknown, r: unknown): unknown =>
    mergeApplied(l === null ? undefined : l, r, rules, itemSp)
  const sharedOrder = rPEs.filter(pe => observedL.has(pe))
  let nextShared = sharedOrder.shift()
  const mergedR = new Set<PathElement>()
  const out: unknown[] = []
  const push = (v: unknown): void => {
    if (v !== undefined) out.push(v)
  }
  let lI = 0
  let rI = 0
  while (lI < lPEs.length || rI < rPEs.length) {
    if (lI < lPEs.length && rI < rPEs.length) {
      const pe = lPEs[lI]
      if (pe === rPEs[rI]) {
        mergedR.add(pe)
        push(mergeItem(observedL.get(pe), observedR.get(pe)))
        lI++
        rI++
        nextShared = sharedOrder.shift()
        continue
      }
      if (observedR.has(pe) && nextShared !== undefined && nextShared !== pe) {
        // a shared item, but not the one the config wants next
        lI++
        continue
      }
    }
    if (lI < lPEs.length) {
      const pe = lPEs[lI]
      if (!observedR.has(pe)) {
        push(lhs[lI])
        lI++
        continue
      }
      if (mergedR.has(pe)) {
        lI++
        continue
      }
    }
    if (rI < rPEs.length) {
      const pe = rPEs[rI]
      mergedR.add(pe)
      push(mergeItem(observedL.get(pe), observedR.get(pe)))
      rI++
      if (nextShared === pe) nextShared = sharedOrder.shift()
    }
  }
  return out
}

/** Finds the list item a `k:`/`v:` element names. */
function findItem(list: unknown[], pe: PathElement, rule: FieldRule | undefined): number {
  return list.findIndex(item => itemElement(item, rule) === pe)
}

/** Schema path of a field path (for rule lookups). */
function schemaPathOf(path: FieldPath): string {
  let sp = ''
  for (const pe of path) sp = pe.startsWith('f:') ? childPath(sp, pe.slice(2)) : itemPath(sp)
  return sp
}

/** The value at `path`, or undefined. */
export function valueAt(obj: unknown, path: FieldPath, rules: Rules): unknown {
  let cur: unknown = obj
  let sp = ''
  for (const pe of path) {
    if (pe.startsWith('f:')) {
      if (!isObject(cur)) return undefined
      cur = cur[pe.slice(2)]
      sp = childPath(sp, pe.slice(2))
    } else {
      if (!Array.isArray(cur)) return undefined
      const idx = pe.startsWith('i:') ? Number(pe.slice(2)) : findItem(cur, pe, rules[sp])
      cur = idx >= 0 ? cur[idx] : undefined
      sp = itemPath(sp)
    }
    if (cur === undefined) return undefined
  }
  return cur
}

/** Removes the field or list item at `path` from `obj` (in place); true when something was removed. */
export function removeAt(obj: unknown, path: FieldPath, rules: Rules): boolean {
  if (path.length === 0) return false
  const parent = valueAt(obj, path.slice(0, -1), rules)
  const last = path[path.length - 1]
  if (last.startsWith('f:')) {
    if (!isObject(parent) || !(last.slice(2) in parent)) return false
    delete parent[last.slice(2)]
    return true
  }
  if (!Array.isArray(parent)) return false
  const rule = rules[schemaPathOf(path.slice(0, -1))]
  let removed = false
  for (let i = parent.length - 1; i >= 0; i--) {
    const match = last.startsWith('i:') ? i === Number(last.slice(2)) : itemElement(parent[i], rule) === last
    if (match) {
      parent.splice(i, 1)
      removed = true
    }
  }
  return removed
}

/**
 * Removes `paths` from `obj` (in place) unless `keep` holds them or something below them, then
 * drops objects and lists the removal left empty (Go's omitempty would drop them on the way out).
 */
export function prune(obj: JsonObject, paths: FieldPath[], keep: FieldSet, rules: Rules): void {
  const removed: FieldPath[] = []
  const sorted = [...paths].sort((a, b) => a.length - b.length)
  for (const p of sorted) {
    if (removed.some(r => r.length < p.length && r.every((pe, i) => p[i] === pe))) continue
    if (keep.has(p) || keep.hasDescendant(p)) continue
    if (!removeAt(obj, p, rules)) continue
    removed.push(p)
    for (let n = p.length - 1; n >= 1; n--) {
      const ancestor = p.slice(0, n)
      if (n === 1 && ancestor[0] === 'f:metadata') break
      const v = valueAt(obj, ancestor, rules)
      const empty = (isObject(v) && Object.keys(v).length === 0) || (Array.isArray(v) && v.length === 0)
      if (!empty || keep.has(ancestor) || keep.hasDescendant(ancestor)) break
      removeAt(obj, ancestor, rules)
    }
  }
}

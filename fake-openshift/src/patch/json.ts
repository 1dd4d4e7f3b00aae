/** Small JSON helpers shared by the patch engine. Values are plain parsed JSON (no Dates, no undefined). */

export type JsonObject = {[key: string]: unknown}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    return a.every((x, i) => deepEqual(x, b[i]))
  }
  if (isObject(a)) {
    if (!isObject(b)) return false
    const ak = Object.keys(a)
    if (ak.length !== Object.keys(b).length) return false
    return ak.every(k => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]))
  }
  return false
}

export function clone<T>(v: T): T {
  return v === undefined ? v : structuredClone(v)
}

/** Go's `%v` rendering of a decoded JSON value, used where the apiserver formats values into messages. */
export function goString(v: unknown): string {
  if (v === null || v === undefined) return '<nil>'
  if (Array.isArray(v)) return `[${v.map(goString).join(' ')}]`
  if (isObject(v)) {
    const keys = Object.keys(v).sort()
    return `map[${keys.map(k => `${k}:${goString(v[k])}`).join(' ')}]`
  }
  return String(v)
}

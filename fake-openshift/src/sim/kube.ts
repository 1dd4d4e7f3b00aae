/**
 * Small helpers shared by the simulators: resource-type lookup on the Store, JSON access, conditions,
 * deterministic hashes and glob matching. Everything here is pure or a thin adapter over the Store.
 */
import {createHash} from 'node:crypto'

import type {KObject, ResourceType, Store} from '../types.js'

/** A JSON object as the simulators read it (objects come from YAML/JSON; fields are checked on use). */
export type Obj = Record<string, unknown>

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export function obj(v: unknown): Obj {
  return isObj(v) ? v : {}
}

export function arr(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter(isObj) : []
}

export function strs(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined
}

export function bool(v: unknown): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined
}

export function clone<T>(v: T): T {
  return structuredClone(v)
}

/** Splits `apps/v1` into its group (`apps`); `v1` is the core group (''). */
export function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/')
  return i < 0 ? '' : apiVersion.slice(0, i)
}

/**
 * The ResourceType for a plural, or undefined when the server does not serve it (the simulators then
 * skip that feature instead of failing: a registry without deploymentconfigs still runs builds).
 */
export function rtOf(store: Store, apiVersion: string, plural: string): ResourceType | undefined {
  return store.resourceType(apiVersion, plural) ?? store.resourceType(groupOf(apiVersion), plural)
}

export function mustRt(store: Store, apiVersion: string, plural: string): ResourceType {
  const rt = rtOf(store, apiVersion, plural)
  if (!rt) throw new Error(`fake-openshift simulators: resource ${plural} (${apiVersion}) is not registered`)
  return rt
}

export function nameOf(o: KObject): string {
  return o.metadata.name ?? ''
}

export function nsOf(o: KObject): string {
  return o.metadata.namespace ?? ''
}

export function spec(o: KObject): Obj {
  return obj(o.spec)
}

export function status(o: KObject): Obj {
  return obj(o.status)
}

/** Sorted-key JSON, so hashes of equal objects are equal. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`
  if (isObj(v)) {
    const keys = Object.keys(v)
      .filter(k => v[k] !== undefined)
      .sort()
    return `{${keys.map(k => `${JSON.stringify(k)}:${stableJson(v[k])}`).join(',')}}`
  }
  return JSON.stringify(v) ?? 'null'
}

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex')
}

/** FNV-1a 32-bit, as Kubernetes' ComputeHash uses for pod-template-hash. */
export function fnv32a(s: string): number {
  let h = 0x811c9dc5
  for (const b of Buffer.from(s, 'utf8')) {
    h ^= b
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h >>> 0
}

/** k8s.io/apimachinery/pkg/util/rand.SafeEncodeString: maps bytes onto consonants and digits. */
const SAFE_ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789'
export function safeEncode(s: string): string {
  let out = ''
  for (const b of Buffer.from(s, 'utf8')) out += SAFE_ALPHANUMS[b % SAFE_ALPHANUMS.length]
  return out
}

/** pod-template-hash of a Deployment's template (controller.ComputeHash: FNV of the template, safe-encoded). */
export function templateHash(template: unknown, collisionCount = 0): string {
  const extra = collisionCount ? `#${collisionCount}` : ''
  return safeEncode(String(fnv32a(stableJson(template) + extra)))
}

/** Glob with `*` (any run of characters) and `?`; a pattern without wildcards matches exactly. */
export function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(
    '^' +
      pattern
        .split('')
        .map(c => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join('') +
      '$',
  )
  return re.test(value)
}

export interface Condition {
  type: string
  status: 'True' | 'False' | 'Unknown'
  reason?: string
  message?: string
  lastTransitionTime?: string
  lastUpdateTime?: string
  lastProbeTime?: string | null
}

/**
 * Sets a condition in place. lastTransitionTime changes only when the status flips (API convention);
 * `withUpdateTime` adds lastUpdateTime like Deployment/DeploymentConfig conditions carry.
 * Returns true when anything visible changed.
 */
export function setCondition(
  holder: Obj,
  cond: Omit<Condition, 'lastTransitionTime' | 'lastUpdateTime'>,
  now: string,
  withUpdateTime = false,
): boolean {
  const list = arr(holder.conditions) as unknown as Condition[]
  const existing = list.find(c => c.type === cond.type)
  if (existing) {
    if (
      existing.status === cond.status &&
      existing.reason === cond.reason &&
      existing.message === cond.message
    ) {
      return false
    }
    if (existing.status !== cond.status) existing.lastTransitionTime = now
    existing.status = cond.status
    existing.reason = cond.reason
    existing.message = cond.message
    if (withUpdateTime) existing.lastUpdateTime = now
  } else {
    const c: Condition = {...cond, lastTransitionTime: now}
    if (withUpdateTime) c.lastUpdateTime = now
    list.push(c)
  }
  holder.conditions = list
  return true
}

export function removeCondition(holder: Obj, type: string): boolean {
  const list = arr(holder.conditions)
  const next = list.filter(c => c.type !== type)
  if (next.length === list.length) return false
  holder.conditions = next
  return true
}

export function getCondition(holder: Obj, type: string): Condition | undefined {
  return (arr(holder.conditions) as unknown as Condition[]).find(c => c.type === type)
}

/** Expands `$VAR`, `${VAR}` and `${VAR:-default}`; returns undefined when a variable without default is unset. */
export function expandVars(text: string, env: Record<string, string>): string | undefined {
  let missing = false
  const out = text.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_m, a, def, b) => {
      const key = (a ?? b) as string
      const v = env[key]
      if (v !== undefined && v !== '') return v
      if (def !== undefined) return def as string
      missing = true
      return ''
    },
  )
  return missing ? undefined : out
}

/** Go's `%v` of an []int64 inside field errors (`[]int64{1000}`), as SCC admission prints it. */
export function goInt64Slice(values: number[]): string {
  return `[]int64{${values.join(', ')}}`
}

/** Go `%#v`-ish rendering of a field.Invalid value: strings quoted, numbers and booleans bare. */
export function goValue(v: unknown): string {
  if (v === undefined || v === null) return 'null'
  if (typeof v === 'string') return JSON.stringify(v)
  if (Array.isArray(v) && v.every(x => typeof x === 'number')) return goInt64Slice(v as number[])
  if (Array.isArray(v) && v.every(x => typeof x === 'string'))
    return `[]core.Capability{${(v as string[]).map(x => JSON.stringify(x)).join(', ')}}`
  return String(v)
}

/**
 * k8s.io/apimachinery utilerrors.NewAggregate(...).Error(): one error prints bare, several print as
 * `[a, b]` with duplicate messages removed.
 */
export function aggregate(messages: string[]): string {
  const seen: string[] = []
  for (const m of messages) if (!seen.includes(m)) seen.push(m)
  if (messages.length === 1 || seen.length === 1) return seen[0] ?? ''
  return `[${seen.join(', ')}]`
}

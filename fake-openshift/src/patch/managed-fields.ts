/**
 * Field ownership (metadata.managedFields) for server-side apply and for every other write, after
 * k8s.io/apiserver/pkg/endpoints/handlers/fieldmanager and sigs.k8s.io/structured-merge-diff.
 *
 * Managers are identified as the apiserver does (BuildManagerIdentifier): manager + operation +
 * subresource, plus apiVersion for Update entries only, so one applier keeps one entry across
 * versions while updates through two versions make two.
 */
import {ApiError, type KObject, type ManagedFieldsEntry} from '../types.js'
import {badRequest, plainServerError} from './errors.js'
import {FieldSet, pathString, type FieldPath} from './fieldpath.js'
import {compareObjects, configFields, mergeApplied, prune, validateConfig, type Comparison} from './fields.js'
import {clone, deepEqual, isObject, type JsonObject} from './json.js'
import {rulesFor, zeroObject, type Rules} from './schema.js'

/** kubectl's client-side apply annotation; server-side apply by "kubectl" keeps it in sync. */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration'

/** Paths the apiserver never records in managedFields (stripmeta.go), plus the deletion markers it sets itself. */
const STRIPPED: readonly FieldPath[] = [
  ['f:apiVersion'],
  ['f:kind'],
  ['f:metadata'],
  ...[
    'name',
    'namespace',
    'creationTimestamp',
    'selfLink',
    'uid',
    'clusterName',
    'generation',
    'managedFields',
    'resourceVersion',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
  ].map(f => ['f:metadata', `f:${f}`]),
]

/** Server-owned metadata an applied configuration cannot set. */
const SERVER_METADATA = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'selfLink',
  'managedFields',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
]

const startsWith = (p: FieldPath, prefix: FieldPath): boolean =>
  p.length >= prefix.length && prefix.every((pe, i) => p[i] === pe)

/**
 * The part of a field set a write through `subresource` may own: status only through the status
 * subresource, everything but status through the main resource (the strategies' reset fields).
 */
export function ownableFields(set: FieldSet, subresource?: string): FieldSet {
  return set.filter(p => {
    if (STRIPPED.some(s => s.length === p.length && startsWith(p, s))) return false
    if (startsWith(p, ['f:metadata', 'f:managedFields'])) return false
    if (subresource === 'status') return startsWith(p, ['f:status'])
    if (subresource === undefined) return !startsWith(p, ['f:status'])
    return true
  })
}

/** The fields an object (an applied configuration) specifies, as FieldsV1 would record them for its manager. */
export function fieldsOf(obj: KObject, opts: {subresource?: string} = {}): FieldSet {
  return ownableFields(configFields(withoutManagedFields(obj), rulesFor(obj.kind)), opts.subresource)
}

interface Manager {
  manager: string
  operation: 'Apply' | 'Update'
  apiVersion: string
  time?: string
  subresource?: string
  set: FieldSet
  /** the entry this came from, reused verbatim when nothing about it changed */
  original?: ManagedFieldsEntry
}

/** BuildManagerIdentifier: the JSON of the entry without time and fields (and apiVersion for appliers). */
function managerId(m: Pick<Manager, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  return JSON.stringify({
    manager: m.manager,
    operation: m.operation,
    ...(m.operation === 'Update' && m.apiVersion ? {apiVersion: m.apiVersion} : {}),
    ...(m.subresource ? {subresource: m.subresource} : {}),
  })
}

function decodeManagedFields(entries: unknown): Map<string, Manager> {
  const out = new Map<string, Manager>()
  if (entries === undefined || entries === null) return out
  if (!Array.isArray(entries)) throw new Error('metadata.managedFields is not a list')
  for (const e of entries) {
    if (!isObject(e)) throw new Error('a managedFields entry is not an object')
    const operation = e.operation
    if (operation !== 'Apply' && operation !== 'Update')
      throw new Error(`invalid managedFields operation ${String(operation)}`)
    if (e.fieldsType !== undefined && e.fieldsType !== 'FieldsV1')
      throw new Error(`invalid fieldsType ${String(e.fieldsType)}`)
    const m: Manager = {
      manager: typeof e.manager === 'string' ? e.manager : '',
      operation,
      apiVersion: typeof e.apiVersion === 'string' ? e.apiVersion : '',
      ...(typeof e.time === 'string' ? {time: e.time} : {}),
      ...(typeof e.subresource === 'string' && e.subresource ? {subresource: e.subresource} : {}),
      set: FieldSet.fromFieldsV1(e.fieldsV1),
      original: e as unknown as ManagedFieldsEntry,
    }
    const id = managerId(m)
    const prev = out.get(id)
    out.set(id, prev ? {...m, set: prev.set.union(m.set), original: undefined} : m)
  }
  return out
}

function encode(m: Manager): ManagedFieldsEntry {
  const o = m.original
  if (
    o &&
    o.manager === m.manager &&
    o.operation === m.operation &&
    o.apiVersion === m.apiVersion &&
    o.time === m.time &&
    (o.subresource || undefined) === m.subresource &&
    FieldSet.fromFieldsV1(o.fieldsV1).equals(m.set)
  ) {
    return o
  }
  return {
    manager: m.manager,
    operation: m.operation,
    apiVersion: m.apiVersion,
    ...(m.time !== undefined ? {time: m.time} : {}),
    fieldsType: 'FieldsV1',
    fieldsV1: m.set.toFieldsV1(),
    ...(m.subresource ? {subresource: m.subresource} : {}),
  }
}

const seconds = (t?: string): number => {
  const ms = t ? Date.parse(t) : NaN
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000)
}

/** sortEncodedManagedFields: Apply before Update, then oldest first, then manager, apiVersion, subresource. */
export function sortManagedFields(entries: ManagedFieldsEntry[]): ManagedFieldsEntry[] {
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
  return [...entries].sort(
    (p, q) =>
      cmp(p.operation, q.operation) ||
      seconds(p.time) - seconds(q.time) ||
      cmp(p.manager, q.manager) ||
      cmp(p.apiVersion, q.apiVersion) ||
      cmp(p.subresource ?? '', q.subresource ?? ''),
  )
}

function withoutManagedFields<T extends KObject>(obj: T): T {
  const copy = clone(obj)
  if (isObject(copy.metadata)) delete copy.metadata.managedFields
  return copy
}

/** Writes `managers` into `obj.metadata.managedFields` (removing the field when none are left). */
function attach(obj: KObject, managers: Iterable<Manager>): KObject {
  const entries = sortManagedFields([...managers].filter(m => !m.set.isEmpty()).map(encode))
  if (!isObject(obj.metadata)) obj.metadata = {}
  if (entries.length > 0) obj.metadata.managedFields = entries
  else delete obj.metadata.managedFields
  return obj
}

function changes(cmp: Comparison, subresource?: string): {changed: FieldSet; removed: FieldSet} {
  return {
    changed: ownableFields(cmp.added.union(cmp.modified), subresource),
    removed: ownableFields(cmp.removed, subresource),
  }
}

/** printManager: `"name"`, `"name" with subresource "status"`, `"name" using apps/v1` for updaters. */
function printManager(m: Manager): string {
  let s = JSON.stringify(m.manager)
  if (m.subresource) s += ` with subresource ${JSON.stringify(m.subresource)}`
  return m.operation === 'Update' ? `${s} using ${m.apiVersion}` : s
}

interface Conflict {
  manager: Manager
  path: FieldPath
}

/** The apiserver's 409 for apply conflicts (fieldmanager/internal/conflict.go). */
export function conflictError(conflicts: Conflict[]): ApiError {
  const causes = conflicts.map(c => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${printManager(c.manager)}`,
    field: pathString(c.path),
  }))
  let message: string
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0].manager)}: ${pathString(conflicts[0].path)}`
  } else {
    const lines: string[] = []
    let last: Manager | undefined
    for (const c of conflicts) {
      if (c.manager !== last) lines.push(`conflicts with ${printManager(c.manager)}:`)
      last = c.manager
      lines.push(`- ${pathString(c.path)}`)
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`
  }
  return new ApiError(409, 'Conflict', message, {causes})
}

function splitApiVersion(apiVersion: string): [string, string] {
  const slash = apiVersion.indexOf('/')
  return slash < 0 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)]
}

/** schema.GroupVersionKind.String(): `apps/v1, Kind=Deployment`, `/v1, Kind=Pod`. */
function gvkString(apiVersion: string, kind: string): string {
  const [group, version] = splitApiVersion(apiVersion)
  return `${group}/${version}, Kind=${kind}`
}

/** Go's json.Marshal of an unstructured object: map keys sorted. */
function sortedJson(v: unknown): string {
  const sortKeys = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sortKeys)
    if (!isObject(x)) return x
    const out: JsonObject = {}
    for (const k of Object.keys(x).sort()) out[k] = sortKeys(x[k])
    return out
  }
  return JSON.stringify(sortKeys(v))
}

function annotationsOf(obj: KObject): Record<string, string> | undefined {
  const a = obj.metadata?.annotations
  return isObject(a) ? (a as Record<string, string>) : undefined
}

/**
 * lastAppliedManager.allowedConflictsFromLastApplied: fields kubectl's client-side apply
 * annotation declares with the value they still have live. "kubectl" may take these over without
 * --force-conflicts, so moving from `kubectl apply` to `kubectl apply --server-side` just works.
 */
function allowedFromLastApplied(live: KObject, rules: Rules): FieldSet {
  const raw = annotationsOf(live)?.[LAST_APPLIED_ANNOTATION]
  if (!raw) return new FieldSet()
  let lastApplied: unknown
  try {
    lastApplied = JSON.parse(raw)
  } catch {
    return new FieldSet()
  }
  const cmp = compareObjects(lastApplied, live, rules)
  return configFields(lastApplied, rules)
    .difference(cmp.modified)
    .difference(cmp.added)
    .difference(cmp.removed)
}

export interface ServerSideApplyOptions {
  /** the stored object; absent when the apply creates it */
  live?: KObject
  /** the applied configuration as sent (YAML or JSON, decoded) */
  applied: KObject
  /** the fieldManager query parameter */
  manager: string
  /** the force query parameter (--force-conflicts) */
  force: boolean
  /** group/version of the request URL */
  apiVersion: string
  /** kind served at the URL; defaults to the live object's, else the applied one's */
  kind?: string
  /** RFC 3339 time for managedFields entries */
  now: string
  subresource?: string
}

/**
 * Server-side apply: merges the manager's applied configuration into the live object, removes
 * what the manager applied before and no longer does (unless another manager owns it), and moves
 * ownership; a field another manager owns with a different value is a 409 unless `force`.
 *
 * An apply that changes nothing returns an object deep-equal to `live`, managedFields included
 * (no time bump), so the store can keep the resourceVersion and kubectl can print "unchanged".
 */
export function serverSideApply(opts: ServerSideApplyOptions): {object: KObject} {
  const {live, applied, manager, force, apiVersion, now, subresource} = opts
  if (!manager) {
    throw new ApiError(
      422,
      'Invalid',
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      {
        group: 'meta.k8s.io',
        kind: 'PatchOptions',
        causes: [
          {
            reason: 'FieldValueRequired',
            message: 'Required value: is required for apply patch',
            field: 'fieldManager',
          },
        ],
      },
    )
  }
  if (!isObject(applied)) throw badRequest('error decoding YAML: the applied configuration is not an object')
  const kind = opts.kind ?? live?.kind ?? applied.kind
  if (applied.apiVersion !== apiVersion || applied.kind !== kind) {
    throw badRequest(
      `invalid object type: ${gvkString(String(applied.apiVersion ?? ''), String(applied.kind ?? ''))}`,
    )
  }
  if (isObject(applied.metadata) && applied.metadata.managedFields != null) {
    throw badRequest('metadata.managedFields must be nil')
  }
  const rules = rulesFor(kind)
  const meta = isObject(applied.metadata) ? applied.metadata : {}
  const gvknn = `${meta.namespace ?? ''}/${meta.name ?? ''}; ${gvkString(apiVersion, kind)}`

  // the configuration as the manager may state it: no server-owned metadata, status only via /status
  let config: KObject = clone(applied)
  config.metadata = isObject(config.metadata) ? config.metadata : {}
  for (const f of SERVER_METADATA) delete config.metadata[f]
  if (subresource === 'status') {
    const {name, namespace} = config.metadata
    config = {
      apiVersion: config.apiVersion,
      kind: config.kind,
      metadata: {...(name !== undefined ? {name} : {}), ...(namespace !== undefined ? {namespace} : {})},
      ...(config.status !== undefined ? {status: config.status} : {}),
    }
  } else if (subresource === undefined) {
    delete config.status
  }
  const invalid = validateConfig(config, rules)
  if (invalid.length > 0) {
    const detail = invalid.length === 1 ? invalid[0] : `errors:\n  ${invalid.join('\n  ')}`
    throw plainServerError(`failed to create typed patch object (${gvknn}): ${detail}`)
  }

  const base: KObject = live
    ? withoutManagedFields(live)
    : {
        apiVersion,
        kind,
        metadata: {
          ...(meta.name !== undefined ? {name: meta.name as string} : {}),
          ...(meta.namespace !== undefined ? {namespace: meta.namespace as string} : {}),
        },
      }
  let managers: Map<string, Manager>
  try {
    managers = decodeManagedFields(live?.metadata?.managedFields)
  } catch (e) {
    throw plainServerError(`failed to decode managed fields: ${(e as Error).message}`)
  }

  const merged = mergeApplied(base, config, rules) as KObject
  const id = managerId({manager, operation: 'Apply', apiVersion, subresource})
  const previous = managers.get(id)
  const newSet = ownableFields(configFields(config, rules), subresource)
  const others = [...managers.entries()].filter(([k]) => k !== id).map(([, m]) => m)
  const keep = others.reduce((acc, m) => acc.union(m.set), newSet)
  if (previous) prune(merged, previous.set.difference(newSet).paths(), keep, rules)

  const {changed, removed} = changes(compareObjects(base, merged, rules), subresource)
  let conflicts: Conflict[] = others
    .sort((a, b) => (managerId(a) < managerId(b) ? -1 : 1))
    .flatMap(m =>
      m.set
        .intersection(changed)
        .sorted()
        .map(path => ({manager: m, path})),
    )
  let forced = force
  if (conflicts.length > 0 && !force && manager === 'kubectl' && live) {
    const allowed = allowedFromLastApplied(base, rules)
    conflicts = conflicts.filter(c => !allowed.has(c.path))
    forced = conflicts.length === 0
  }
  if (conflicts.length > 0 && !forced) throw conflictError(conflicts)

  const objectChanged = !deepEqual(base, merged)
  for (const m of others) m.set = m.set.difference(changed).difference(removed)
  managers.set(id, {
    manager,
    operation: 'Apply',
    apiVersion,
    // the apiserver stamps the time only when the object changed (managedFieldsUpdater.Apply)
    ...(objectChanged ? {time: now} : previous?.time !== undefined ? {time: previous.time} : {}),
    ...(subresource ? {subresource} : {}),
    set: newSet,
    original: previous?.original,
  })

  const result = objectChanged ? merged : clone(base)
  // lastAppliedUpdater: server-side apply by kubectl refreshes an existing client-side apply annotation
  const annotations = annotationsOf(result)
  if (manager === 'kubectl' && annotations?.[LAST_APPLIED_ANNOTATION] !== undefined) {
    const lastApplied = clone(applied)
    const a = annotationsOf(lastApplied)
    if (a) delete a[LAST_APPLIED_ANNOTATION]
    annotations[LAST_APPLIED_ANNOTATION] = sortedJson(lastApplied)
  }
  return {object: attach(result, managers.values())}
}

/**
 * decodeLiveOrNew: a write may set managedFields itself (kubectl does when it moves client-side
 * apply ownership to server-side apply); `[{}]` clears them; absent, empty or undecodable ones
 * mean "keep the live ones". Subresource writes can never set them.
 */
function baseManagers(
  live: KObject | undefined,
  updated: KObject,
  subresource?: string,
): Map<string, Manager> {
  const fromLive = (): Map<string, Manager> => {
    try {
      return decodeManagedFields(live?.metadata?.managedFields)
    } catch {
      return new Map()
    }
  }
  if (subresource) return fromLive()
  const sent = updated.metadata?.managedFields as unknown
  if (Array.isArray(sent) && sent.length === 1 && isObject(sent[0]) && Object.keys(sent[0]).length === 0) {
    return new Map()
  }
  if (!Array.isArray(sent) || sent.length === 0) return fromLive()
  try {
    return decodeManagedFields(sent)
  } catch {
    return fromLive()
  }
}

/**
 * Records a create, update or (non-apply) patch: the fields that changed from `live` (absent on
 * create) to `updated` become `manager`'s, under an Update entry stamped `now`, and leave every
 * other manager's set; removed fields leave all sets. Returns a copy of `updated` carrying the
 * resulting managedFields (sorted as the apiserver sorts them, empty entries dropped).
 */
export function recordUpdate(
  live: KObject | undefined,
  updated: KObject,
  manager: string,
  operation: 'Update',
  apiVersion: string,
  now: string,
  subresource?: string,
): KObject {
  const kind = updated.kind ?? live?.kind
  const rules = rulesFor(kind)
  const managers = baseManagers(live, updated, subresource)
  const before = live ? withoutManagedFields(live) : zeroObject(kind)
  const result = withoutManagedFields(updated)
  const {changed, removed} = changes(compareObjects(before, result, rules), subresource)

  const id = managerId({manager, operation, apiVersion, subresource})
  for (const m of managers.values()) m.set = m.set.difference(changed).difference(removed)
  if (!changed.isEmpty()) {
    const previous = managers.get(id)
    managers.set(id, {
      manager,
      operation,
      apiVersion,
      time: now,
      ...(subresource ? {subresource} : {}),
      set: (previous?.set ?? new FieldSet()).union(changed),
      original: previous?.original,
    })
  }
  return attach(result, managers.values())
}

/**
 * The field manager the apiserver assumes when a write names none: the user agent up to its first
 * "/", printable characters only, at most 128 (kubectl itself always sends one, e.g. kubectl-create).
 */
export function defaultFieldManager(userAgent: string): string {
  return [...userAgent.split('/')[0]]
    .filter(ch => /\P{C}/u.test(ch))
    .join('')
    .slice(0, 128)
}

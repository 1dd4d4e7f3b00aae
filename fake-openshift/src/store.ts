/**
 * In-memory object store with the apiserver's registry semantics (k8s.io/apiserver
 * pkg/registry/generic/registry/store.go): one global resourceVersion counter, uid and
 * creationTimestamp on create, metadata.generation bumped on spec changes, generateName,
 * AlreadyExists / NotFound / Conflict as Status errors, finalizers + deletionTimestamp, namespace
 * cascade, owner-reference garbage collection, admission hooks, and an event history that watches
 * replay from (with a compaction point for `410 Gone`).
 *
 * REST-strategy rules that only apply to API requests (status reset on create, status kept on a
 * main-resource update, defaulting) live in strategy.ts, so simulators can write full objects.
 */
import {randomUUID} from 'node:crypto'

import {apiVersionOf, Registry} from './registry.js'
import {
  ApiError,
  type AdmissionHook,
  type KObject,
  type ResourceType,
  type Store,
  type StoreEvent,
  type UserInfo,
  type WriteOptions,
} from './types.js'
import {validateObject} from './validation.js'

export type ManagedFieldsRecorder = (
  live: KObject | undefined,
  updated: KObject,
  manager: string,
  operation: 'Update',
  apiVersion: string,
  now: string,
  subresource?: string,
) => KObject

export interface DeleteOptions extends WriteOptions {
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground'
  preconditions?: {uid?: string; resourceVersion?: string}
}

export interface UpdateOptions extends WriteOptions {
  subresource?: string
  /** set by server-side apply, which computes managedFields itself */
  keepManagedFields?: boolean
}

export interface HistoryEntry {
  rv: number
  event: StoreEvent
}

export interface MemoryStoreOptions {
  registry?: Registry
  /** events kept for watch replay; older resourceVersions answer 410 Gone */
  historyLimit?: number
  now?: () => Date
  recordManagedFields?: ManagedFieldsRecorder
  /** the served Kubernetes minor: validation messages print bad values the way that version does */
  kubernetesMinor?: number
}

/** Kinds that have no metadata.generation on a real cluster. */
const NO_GENERATION = new Set([
  'Namespace',
  'ConfigMap',
  'Secret',
  'ServiceAccount',
  'Event',
  'Service',
  'PersistentVolumeClaim',
  'Pod',
  'LimitRange',
  'ResourceQuota',
  'Image',
  'User',
  'Group',
])

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789' // apimachinery's utilrand alphabet (no vowels, no look-alikes)

export function timestamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** `pods`, or `routes.route.openshift.io` — the qualified resource used in Status messages. */
export function qualifiedResource(rt: ResourceType): string {
  return rt.group ? `${rt.plural}.${rt.group}` : rt.plural
}

export function notFound(rt: ResourceType, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualifiedResource(rt)} "${name}" not found`, {
    name,
    ...(rt.group ? {group: rt.group} : {}),
    kind: rt.plural,
  })
}

export function conflict(rt: ResourceType, name: string, why: string): ApiError {
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(rt)} "${name}": ${why}`,
    {
      name,
      ...(rt.group ? {group: rt.group} : {}),
      kind: rt.plural,
    },
  )
}

const STALE = 'the object has been modified; please apply your changes to the latest version and try again'

function rtKey(rt: ResourceType): string {
  return `${rt.group}/${rt.plural}`
}

function objKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`
}

function clone<T>(v: T): T {
  return structuredClone(v)
}

/** JSON equality that ignores managedFields timestamps (the apiserver drops timestamp-only updates). */
function sameContent(a: KObject, b: KObject): boolean {
  const strip = (o: KObject) => ({
    ...o,
    metadata: {
      ...o.metadata,
      resourceVersion: undefined,
      managedFields: o.metadata.managedFields?.map(m => ({...m, time: undefined})),
    },
  })
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b))
}

function specPart(o: KObject): unknown {
  if ('spec' in o) return o.spec
  // kinds without spec (SCC, RBAC, ConfigMap): everything but metadata and status counts
  const {metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest} = o
  return rest
}

export class MemoryStore implements Store {
  readonly registry: Registry
  private readonly objects = new Map<string, Map<string, KObject>>()
  private readonly uids = new Set<string>()
  /** objects per namespace, so the namespace cascade knows when it is done without scanning */
  private readonly perNamespace = new Map<string, number>()
  /** owner uid → dependents, so garbage collection does not scan the whole store */
  private readonly dependents = new Map<
    string,
    Map<string, {rt: ResourceType; namespace?: string; name: string}>
  >()
  private readonly listeners = new Set<(e: StoreEvent) => void>()
  private readonly hooks: AdmissionHook[] = []
  private readonly history: HistoryEntry[] = []
  private readonly historyLimit: number
  private readonly now: () => Date
  private rv = 1000
  /** events with rv <= compactedRv are gone: a watch from an older resourceVersion gets 410 */
  private compactedRv = 1000
  recordManagedFields?: ManagedFieldsRecorder
  readonly kubernetesMinor: number

  constructor(opts: MemoryStoreOptions = {}) {
    this.registry = opts.registry ?? new Registry()
    this.historyLimit = opts.historyLimit ?? 10_000
    this.now = opts.now ?? (() => new Date())
    this.recordManagedFields = opts.recordManagedFields
    this.kubernetesMinor = opts.kubernetesMinor ?? 31
  }

  // -- lookups ---------------------------------------------------------------------------------

  resourceType(groupOrApiVersion: string, plural: string): ResourceType | undefined {
    return this.registry.byPlural(groupOrApiVersion, plural)
  }

  resourceTypeForKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.registry.byKind(apiVersion, kind)
  }

  private bucket(rt: ResourceType): Map<string, KObject> {
    let b = this.objects.get(rtKey(rt))
    if (!b) this.objects.set(rtKey(rt), (b = new Map()))
    return b
  }

  /** The stored object itself — callers must not mutate it. */
  getRaw(rt: ResourceType, namespace: string | undefined, name: string): KObject | undefined {
    return this.bucket(rt).get(objKey(rt.namespaced ? namespace : undefined, name))
  }

  get(rt: ResourceType, namespace: string | undefined, name: string): KObject | undefined {
    const o = this.getRaw(rt, namespace, name)
    return o && clone(o)
  }

  /** Stored objects in key order (namespace, name) — callers must not mutate them. */
  listRaw(rt: ResourceType, namespace?: string): KObject[] {
    const out: KObject[] = []
    for (const o of this.bucket(rt).values())
      if (!namespace || o.metadata.namespace === namespace) out.push(o)
    return out.sort((a, b) => {
      const ka = objKey(a.metadata.namespace, a.metadata.name!)
      const kb = objKey(b.metadata.namespace, b.metadata.name!)
      return ka < kb ? -1 : ka > kb ? 1 : 0
    })
  }

  list(rt: ResourceType, namespace?: string): KObject[] {
    return this.listRaw(rt, namespace).map(clone)
  }

  currentResourceVersion(): number {
    return this.rv
  }

  // -- events ----------------------------------------------------------------------------------

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  addAdmission(hook: AdmissionHook): void {
    this.hooks.push(hook)
  }

  /** Events after `rv`, or 'expired' when `rv` is older than the compaction point. */
  eventsSince(rv: number): HistoryEntry[] | 'expired' {
    if (rv < this.compactedRv) return 'expired'
    // binary search: history is sorted by rv
    let lo = 0
    let hi = this.history.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.history[mid].rv <= rv) lo = mid + 1
      else hi = mid
    }
    return this.history.slice(lo)
  }

  /** Forgets history up to `rv` (default: now), as etcd compaction does. */
  compact(rv: number = this.rv): void {
    while (this.history.length && this.history[0].rv <= rv) this.history.shift()
    this.compactedRv = Math.max(this.compactedRv, rv)
  }

  compactedResourceVersion(): number {
    return this.compactedRv
  }

  private emit(event: StoreEvent): void {
    const rv = Number(event.object.metadata.resourceVersion)
    this.history.push({rv, event})
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.shift()!
      this.compactedRv = Math.max(this.compactedRv, dropped.rv)
    }
    for (const l of [...this.listeners]) {
      try {
        l(event)
      } catch (err) {
        // a broken listener (a test's watch) must not corrupt the store
        console.error('fake-openshift: store listener failed:', err)
      }
    }
  }

  private admit(
    operation: 'CREATE' | 'UPDATE' | 'DELETE',
    rt: ResourceType,
    object: KObject,
    old: KObject | undefined,
    user: UserInfo | undefined,
    dryRun: boolean,
    onWarning?: (text: string) => void,
  ): KObject {
    let obj = object
    const warn = (text: string) => onWarning?.(text)
    for (const hook of this.hooks)
      obj = hook({operation, rt, object: obj, old, user, dryRun, warn}, this) ?? obj
    return obj
  }

  private put(rt: ResourceType, obj: KObject, old?: KObject): void {
    const key = objKey(obj.metadata.namespace, obj.metadata.name!)
    if (old) this.unindex(rt, old)
    else if (obj.metadata.namespace)
      this.perNamespace.set(obj.metadata.namespace, (this.perNamespace.get(obj.metadata.namespace) ?? 0) + 1)
    this.bucket(rt).set(key, obj)
    this.uids.add(obj.metadata.uid!)
    for (const ref of obj.metadata.ownerReferences ?? []) {
      let deps = this.dependents.get(ref.uid)
      if (!deps) this.dependents.set(ref.uid, (deps = new Map()))
      deps.set(`${rtKey(rt)}|${key}`, {rt, namespace: obj.metadata.namespace, name: obj.metadata.name!})
    }
  }

  private remove(rt: ResourceType, obj: KObject): void {
    this.unindex(rt, obj)
    this.bucket(rt).delete(objKey(obj.metadata.namespace, obj.metadata.name!))
    this.uids.delete(obj.metadata.uid!)
    const ns = obj.metadata.namespace
    if (ns) {
      const n = (this.perNamespace.get(ns) ?? 1) - 1
      if (n > 0) this.perNamespace.set(ns, n)
      else this.perNamespace.delete(ns)
    }
  }

  private unindex(rt: ResourceType, obj: KObject): void {
    const key = `${rtKey(rt)}|${objKey(obj.metadata.namespace, obj.metadata.name!)}`
    for (const ref of obj.metadata.ownerReferences ?? []) {
      const deps = this.dependents.get(ref.uid)
      deps?.delete(key)
      if (deps && !deps.size) this.dependents.delete(ref.uid)
    }
  }

  private nextRv(): string {
    this.rv += 1
    return String(this.rv)
  }

  private stamp(): string {
    return timestamp(this.now())
  }

  // -- writes ----------------------------------------------------------------------------------

  create(rt: ResourceType, input: KObject, opts: WriteOptions = {}): KObject {
    let obj = clone(input)
    obj.apiVersion = apiVersionOf(rt)
    obj.kind = rt.kind
    obj.metadata = obj.metadata ?? {}
    const meta = obj.metadata
    if (!rt.namespaced) delete meta.namespace
    else {
      const ns = meta.namespace
      if (!ns)
        throw new ApiError(
          400,
          'BadRequest',
          'the server could not find the requested resource: namespace is required',
        )
      const nsObj = this.getRaw(this.namespaceType(), undefined, ns)
      if (!nsObj)
        throw new ApiError(404, 'NotFound', `namespaces "${ns}" not found`, {name: ns, kind: 'namespaces'})
      if (nsObj.metadata.deletionTimestamp) {
        const what = meta.name ? `${qualifiedResource(rt)} "${meta.name}"` : qualifiedResource(rt)
        throw new ApiError(
          403,
          'Forbidden',
          `${what} is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
          {
            name: meta.name ?? '',
            ...(rt.group ? {group: rt.group} : {}),
            kind: rt.plural,
            causes: [
              {
                reason: 'NamespaceTerminating',
                message: `namespace ${ns} is being terminated`,
                field: 'metadata.namespace',
              },
            ],
          },
        )
      }
    }
    if (!meta.name && meta.generateName) {
      // the apiserver retries on a name collision; 5 random characters make one unlikely
      do {
        let suffix = ''
        for (let i = 0; i < 5; i++) suffix += NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)]
        meta.name = meta.generateName + suffix
      } while (this.getRaw(rt, meta.namespace, meta.name))
    }
    validateObject(rt, obj, this.kubernetesMinor)
    const name = meta.name!
    if (this.getRaw(rt, meta.namespace, name))
      throw new ApiError(409, 'AlreadyExists', `${qualifiedResource(rt)} "${name}" already exists`, {
        name,
        ...(rt.group ? {group: rt.group} : {}),
        kind: rt.plural,
      })
    meta.uid = randomUUID()
    meta.creationTimestamp = this.stamp()
    delete meta.deletionTimestamp
    delete meta.deletionGracePeriodSeconds
    delete meta.resourceVersion
    if (NO_GENERATION.has(rt.kind)) delete meta.generation
    else meta.generation = 1
    if (opts.fieldManager && this.recordManagedFields)
      obj = this.recordManagedFields(
        undefined,
        obj,
        opts.fieldManager,
        'Update',
        apiVersionOf(rt),
        meta.creationTimestamp,
      )
    obj = this.admit('CREATE', rt, obj, undefined, opts.user, !!opts.dryRun, opts.onWarning)
    if (opts.dryRun) return clone(obj)
    obj.metadata.resourceVersion = this.nextRv()
    this.put(rt, obj)
    this.emit({type: 'ADDED', rt, object: obj})
    return clone(obj)
  }

  update(rt: ResourceType, input: KObject, opts: UpdateOptions = {}): KObject {
    const ns = rt.namespaced ? input.metadata?.namespace : undefined
    const name = input.metadata?.name
    if (!name)
      throw new ApiError(
        422,
        'Invalid',
        `${rt.kind} "" is invalid: metadata.name: Required value: name is required`,
      )
    const old = this.getRaw(rt, ns, name)
    if (!old) throw notFound(rt, name)
    const wantRv = input.metadata.resourceVersion
    if (wantRv && wantRv !== old.metadata.resourceVersion) throw conflict(rt, name, STALE)

    let obj: KObject
    if (opts.subresource === 'status') {
      // the status subresource changes status only (and never metadata.generation)
      obj = clone(old)
      if (input.status === undefined) delete obj.status
      else obj.status = clone(input.status)
    } else {
      obj = clone(input)
      obj.apiVersion = apiVersionOf(rt)
      obj.kind = rt.kind
      const m = obj.metadata
      // immutable or server-owned metadata
      m.uid = old.metadata.uid
      m.creationTimestamp = old.metadata.creationTimestamp
      m.name = old.metadata.name
      if (rt.namespaced) m.namespace = old.metadata.namespace
      else delete m.namespace
      if (old.metadata.deletionTimestamp) {
        m.deletionTimestamp = old.metadata.deletionTimestamp
        m.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds
      } else {
        delete m.deletionTimestamp
        delete m.deletionGracePeriodSeconds
      }
      if (m.managedFields === undefined && old.metadata.managedFields)
        m.managedFields = clone(old.metadata.managedFields)
      if (old.metadata.generation !== undefined) {
        m.generation = old.metadata.generation
        if (JSON.stringify(specPart(old)) !== JSON.stringify(specPart(obj))) m.generation += 1
      } else delete m.generation
      validateObject(rt, obj, this.kubernetesMinor)
    }
    obj.metadata.resourceVersion = old.metadata.resourceVersion
    if (opts.fieldManager && this.recordManagedFields && !opts.keepManagedFields)
      obj = this.recordManagedFields(
        old,
        obj,
        opts.fieldManager,
        'Update',
        apiVersionOf(rt),
        this.stamp(),
        opts.subresource,
      )
    obj = this.admit('UPDATE', rt, obj, clone(old), opts.user, !!opts.dryRun, opts.onWarning)
    // an update that changes nothing is not written: no new resourceVersion, no watch event
    if (sameContent(obj, old)) return clone(old)
    if (opts.dryRun) return clone(obj)
    obj.metadata.resourceVersion = this.nextRv()
    if (obj.metadata.deletionTimestamp && !obj.metadata.finalizers?.length) {
      // removing the last finalizer of a terminating object deletes it
      this.remove(rt, old)
      this.emit({type: 'DELETED', rt, object: obj, old})
      this.afterRemoval(rt, obj, 'Background')
      return clone(obj)
    }
    this.put(rt, obj, old)
    this.emit({type: 'MODIFIED', rt, object: obj, old})
    return clone(obj)
  }

  delete(rt: ResourceType, namespace: string | undefined, name: string, opts: DeleteOptions = {}): KObject {
    const ns = rt.namespaced ? namespace : undefined
    const old = this.getRaw(rt, ns, name)
    if (!old) throw notFound(rt, name)
    const pre = opts.preconditions
    if (pre?.uid && pre.uid !== old.metadata.uid)
      throw conflict(
        rt,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`,
      )
    if (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion)
      throw conflict(
        rt,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`,
      )
    const admitted = this.admit('DELETE', rt, clone(old), clone(old), opts.user, !!opts.dryRun)
    const policy = opts.propagationPolicy ?? 'Background'
    const isNamespace = rt.kind === 'Namespace' && !rt.group

    if (old.metadata.finalizers?.length || isNamespace) {
      if (old.metadata.deletionTimestamp) return clone(old) // already terminating
      const obj = clone(admitted)
      obj.metadata.deletionTimestamp = this.stamp()
      obj.metadata.deletionGracePeriodSeconds = 0
      if (obj.metadata.generation !== undefined) obj.metadata.generation += 1
      if (isNamespace) obj.status = {...((obj.status as object) ?? {}), phase: 'Terminating'}
      if (opts.dryRun) return obj
      obj.metadata.resourceVersion = this.nextRv()
      this.put(rt, obj, old)
      this.emit({type: 'MODIFIED', rt, object: obj, old})
      if (isNamespace) {
        this.emptyNamespace(name)
        this.finishNamespace(name)
        return clone(this.getRaw(rt, undefined, name) ?? obj)
      }
      return clone(obj)
    }
    if (opts.dryRun) return clone(old)
    const obj = clone(old)
    obj.metadata.resourceVersion = this.nextRv()
    this.remove(rt, old)
    this.emit({type: 'DELETED', rt, object: obj, old})
    this.afterRemoval(rt, obj, policy)
    return clone(obj)
  }

  // -- garbage collection and namespace cascade ------------------------------------------------

  private namespaceType(): ResourceType {
    return this.registry.byPlural('v1', 'namespaces')!
  }

  /** Background/Foreground: dependents whose owners are all gone are deleted; Orphan: unlinked. */
  private afterRemoval(rt: ResourceType, removed: KObject, policy: string): void {
    const uid = removed.metadata.uid!
    for (const {rt: drt, namespace, name} of [...(this.dependents.get(uid)?.values() ?? [])]) {
      const dep = this.getRaw(drt, namespace, name)
      const refs = dep?.metadata.ownerReferences
      if (!dep || !refs) continue
      if (policy === 'Orphan') {
        const copy = clone(dep)
        copy.metadata.ownerReferences = refs.filter(r => r.uid !== uid)
        if (!copy.metadata.ownerReferences.length) delete copy.metadata.ownerReferences
        this.update(drt, copy)
        continue
      }
      const remaining = refs.filter(r => r.uid !== uid && this.ownerExists(r, namespace))
      if (remaining.length === 0 && !dep.metadata.deletionTimestamp)
        this.delete(drt, namespace, name, {propagationPolicy: 'Background'})
    }
    const ns = removed.metadata.namespace
    if (ns && rt.kind !== 'Namespace') {
      const nsObj = this.getRaw(this.namespaceType(), undefined, ns)
      if (nsObj?.metadata.deletionTimestamp) this.finishNamespace(ns)
    }
  }

  private ownerExists(ref: {uid: string}, _ns: string | undefined): boolean {
    return this.uids.has(ref.uid)
  }

  private emptyNamespace(ns: string): void {
    for (const rt of this.registry.resources) {
      if (!rt.namespaced) continue
      for (const o of this.listRaw(rt, ns))
        if (!o.metadata.deletionTimestamp && this.getRaw(rt, ns, o.metadata.name!))
          this.delete(rt, ns, o.metadata.name!, {propagationPolicy: 'Background'})
    }
  }

  /** Removes a terminating namespace once nothing is left in it (the namespace controller's job). */
  private finishNamespace(ns: string): void {
    const nsRt = this.namespaceType()
    const nsObj = this.getRaw(nsRt, undefined, ns)
    if (!nsObj?.metadata.deletionTimestamp || nsObj.metadata.finalizers?.length) return
    if (this.perNamespace.get(ns)) return
    const obj = clone(nsObj)
    obj.spec = {...((obj.spec as object) ?? {}), finalizers: []}
    obj.metadata.resourceVersion = this.nextRv()
    this.remove(nsRt, nsObj)
    this.emit({type: 'DELETED', rt: nsRt, object: obj, old: nsObj})
  }
}

/**
 * Update validation the apiserver runs on the kinds this project writes — the fields that may not change,
 * and who may change a Route's host — as data per kind, each with the upstream function it follows.
 * A rule's `update` answers field errors (422 Invalid, together with the object's create-time validation,
 * as a strategy's ValidateUpdate does); `admit` is validating admission after it (403 Forbidden).
 * Applied to API writes only (handlers/update.ts commitUpdate, handlers/create.ts), never to simulators.
 */
import {type FieldError, labelSelector, str, stringSlice, toCause} from './field-errors.js'
import {ApiError, type KObject, type ResourceType, type Store, type UserInfo} from './types.js'
import {invalid, objectCauses} from './validation.js'
import type {AuthorizationAttributes} from './rbac.js'

type Obj = Record<string, any>

export interface WriteCheck {
  store: Store
  user: UserInfo
  /** the served Kubernetes minor (messages changed over versions) */
  minor: number
  /** a SubjectAccessReview for the writer (always true with authorization off) */
  can(attrs: AuthorizationAttributes): boolean
}

interface KindRules {
  group: string
  kind: string
  /** the upstream code the rules follow */
  source: string
  create?(obj: Obj, c: WriteCheck): FieldError[]
  update?(obj: Obj, old: Obj, c: WriteCheck): FieldError[]
  /** validating admission on update: the reason of a 403, or undefined */
  admitUpdate?(obj: Obj, old: Obj, c: WriteCheck): string | undefined
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null)

/** apimachinery ValidateImmutableField: Invalid, the new value, "field is immutable" */
function immutable(field: string, value: FieldError['value'], changed: boolean): FieldError[] {
  return changed ? [{type: 'Invalid', field, value, detail: 'field is immutable'}] : []
}

// -- quantities (resource.Quantity), enough to compare storage sizes -----------------------------------

const SUFFIX: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
}

export function quantity(q: unknown): number | undefined {
  if (typeof q === 'number') return q
  if (typeof q !== 'string') return undefined
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?)$/.exec(q.trim())
  if (!m) return undefined
  return Number(m[1]) * (m[2] ? 10 ** Number(m[2].slice(1)) : SUFFIX[m[3] ?? ''])
}

// -- PersistentVolumeClaim ---------------------------------------------------------------------------

/** the beta annotation that preceded spec.storageClassName (GetPersistentVolumeClaimClass) */
const BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class'

function claimClass(pvc: Obj): string {
  return pvc.metadata?.annotations?.[BETA_STORAGE_CLASS] ?? pvc.spec?.storageClassName ?? ''
}

/** the changed top-level spec fields, one `-`/`+` pair each (the real message appends a go-cmp diff) */
function specDiff(before: Obj, after: Obj): string {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()
  return keys
    .filter(k => !same(before[k], after[k]))
    .flatMap(k => [
      `-\t${k}: ${JSON.stringify(before[k] ?? null)}`,
      `+\t${k}: ${JSON.stringify(after[k] ?? null)}`,
    ])
    .join('\n')
}

/**
 * core validation ValidatePersistentVolumeClaimUpdate (kubernetes pkg/apis/core/validation/validation.go):
 * a claim's spec is immutable, except volumeName once (the binder sets it), a storageClassName set where
 * there was none (retroactive default class), and — for bound claims — resources.requests and
 * volumeAttributesClassName; the requested storage may not shrink (from 1.32, RecoverVolumeExpansionFailure:
 * not below status.capacity); volumeMode is immutable (reported at the path "volumeMode", as upstream).
 */
function pvcUpdate(obj: Obj, old: Obj, c: WriteCheck): FieldError[] {
  const errs: FieldError[] = []
  const next = structuredClone(obj.spec ?? {})
  const prev = structuredClone(old.spec ?? {})
  if (!prev.volumeName) prev.volumeName = next.volumeName
  if (prev.storageClassName === undefined || prev.storageClassName === null) {
    if (!old.metadata?.annotations?.[BETA_STORAGE_CLASS]) prev.storageClassName = next.storageClassName
  }
  const bound = obj.status?.phase === 'Bound'
  if (bound) {
    if (next.resources?.requests) {
      next.resources = {...next.resources, requests: {...next.resources.requests}}
      if (prev.resources?.requests?.storage === undefined) delete next.resources.requests.storage
      else next.resources.requests.storage = prev.resources.requests.storage
    }
    next.volumeAttributesClassName = prev.volumeAttributesClassName
  }
  if (!same(prev, next)) {
    const except =
      c.minor >= 29
        ? 'resources.requests and volumeAttributesClassName for bound claims'
        : 'resources.requests for bound claims'
    errs.push({
      type: 'Forbidden',
      field: 'spec',
      detail: `spec is immutable after creation except ${except}\n${specDiff(prev, next)}`,
    })
  }
  const oldSize = quantity(old.spec?.resources?.requests?.storage) ?? 0
  const newSize = quantity(obj.spec?.resources?.requests?.storage) ?? 0
  if (newSize < oldSize) {
    const field = 'spec.resources.requests.storage'
    if (c.minor < 32)
      errs.push({type: 'Forbidden', field, detail: 'field can not be less than previous value'})
    else if (newSize <= (quantity(old.status?.capacity?.storage) ?? 0))
      errs.push({type: 'Forbidden', field, detail: 'field can not be less than status.capacity'})
  }
  errs.push(
    ...immutable(
      'volumeMode',
      str(String(obj.spec?.volumeMode ?? '')),
      !same(obj.spec?.volumeMode, old.spec?.volumeMode),
    ),
  )
  return errs
}

/**
 * The PersistentVolumeClaimResize admission plugin (kubernetes plugin/pkg/admission/storage/persistentvolume/resize):
 * growing a claim needs it bound, and its (unchanged) StorageClass to have `allowVolumeExpansion: true`.
 */
function pvcResize(obj: Obj, old: Obj, c: WriteCheck): string | undefined {
  const oldSize = quantity(old.spec?.resources?.requests?.storage) ?? 0
  const newSize = quantity(obj.spec?.resources?.requests?.storage) ?? 0
  if (newSize <= oldSize) return undefined
  if (old.status?.phase !== 'Bound') return 'Only bound persistent volume claims can be expanded'
  const cls = claimClass(obj)
  const rt = c.store.resourceType('storage.k8s.io/v1', 'storageclasses')
  const sc =
    cls && cls === claimClass(old) && rt ? (c.store.get(rt, undefined, cls) as Obj | undefined) : undefined
  if (sc?.allowVolumeExpansion === true) return undefined
  return 'only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize'
}

// -- Service -----------------------------------------------------------------------------------------

/**
 * A Service's cluster IPs may not change once allocated (core validation validateUpgradeDowngradeClusterIPs,
 * same number of IPs): `spec.clusterIPs[i]: Invalid value: <clusterIPs>: may not change once set`.
 * Changing `clusterIP` alone moves `clusterIPs[0]` with it first (service REST normalizeClusterIPs).
 * ExternalName services and headless-to-headless updates are exempt.
 */
function serviceUpdate(obj: Obj, old: Obj): FieldError[] {
  const s = obj.spec ?? {}
  const o = old.spec ?? {}
  if (s.type === 'ExternalName' || o.type === 'ExternalName') return []
  if (s.clusterIP === 'None' && o.clusterIP === 'None') return []
  const before: string[] = o.clusterIPs ?? (o.clusterIP ? [o.clusterIP] : [])
  const after: string[] = s.clusterIPs ?? (s.clusterIP ? [s.clusterIP] : [])
  if (s.clusterIP && s.clusterIP !== o.clusterIP && same(after, before) && after.length)
    after[0] = s.clusterIP
  if (after.length !== before.length) return []
  return before.flatMap((ip, i) =>
    ip === after[i]
      ? []
      : [
          {
            type: 'Invalid' as const,
            field: `spec.clusterIPs[${i}]`,
            value: stringSlice(after),
            detail: 'may not change once set',
          },
        ],
  )
}

// -- Secret, ConfigMap -------------------------------------------------------------------------------

const IMMUTABLE_WHEN_SET = 'field is immutable when `immutable` is set'

/** core validation ValidateSecretUpdate / ValidateConfigMapUpdate: data frozen by `immutable: true` */
function frozenData(fields: string[]) {
  return (obj: Obj, old: Obj): FieldError[] => {
    const errs: FieldError[] = []
    if (fields.includes('type'))
      errs.push(
        ...immutable('type', str(String(obj.type ?? '')), (obj.type ?? 'Opaque') !== (old.type ?? 'Opaque')),
      )
    if (old.immutable !== true) return errs
    if (obj.immutable !== true) errs.push({type: 'Forbidden', field: 'immutable', detail: IMMUTABLE_WHEN_SET})
    for (const f of fields.filter(f => f !== 'type'))
      if (!same(obj[f], old[f])) errs.push({type: 'Forbidden', field: f, detail: IMMUTABLE_WHEN_SET})
    return errs
  }
}

// -- Route -------------------------------------------------------------------------------------------

const HOST_MSG = 'you do not have permission to set the host field of the route'
const SUBDOMAIN_MSG = 'you do not have permission to set the subdomain field of the route'

function customHost(c: WriteCheck, verb: 'create' | 'update', namespace: string): boolean {
  return c.can({verb, group: 'route.openshift.io', resource: 'routes', subresource: 'custom-host', namespace})
}

/** hostassignment.AllocateHost: a host set on create needs `create routes/custom-host` */
function routeCreate(obj: Obj, c: WriteCheck): FieldError[] {
  if (!obj.spec?.host || customHost(c, 'create', obj.metadata.namespace)) return []
  return [{type: 'Forbidden', field: 'spec.host', detail: HOST_MSG}]
}

/**
 * hostassignment.ValidateHostUpdate: changing spec.host or spec.subdomain needs `update routes/custom-host`,
 * which admin and edit do not have (they may only `create` it); the route strategy first keeps the old
 * host when the update leaves it empty (strategy.ts).
 */
function routeUpdate(obj: Obj, old: Obj, c: WriteCheck): FieldError[] {
  const hostChanged = (obj.spec?.host ?? '') !== (old.spec?.host ?? '')
  const subdomainChanged = (obj.spec?.subdomain ?? '') !== (old.spec?.subdomain ?? '')
  if (!hostChanged && !subdomainChanged) return []
  if (customHost(c, 'update', obj.metadata.namespace)) return []
  if (hostChanged)
    return [{type: 'Invalid', field: 'spec.host', value: str(obj.spec?.host ?? ''), detail: HOST_MSG}]
  return [
    {type: 'Invalid', field: 'spec.subdomain', value: str(obj.spec?.subdomain ?? ''), detail: SUBDOMAIN_MSG},
  ]
}

export const KIND_RULES: KindRules[] = [
  {
    group: 'apps',
    kind: 'Deployment',
    source:
      'kubernetes pkg/registry/apps/deployment/strategy.go ValidateUpdate (apps/v1: selector immutable)',
    update: (obj, old) =>
      immutable(
        'spec.selector',
        labelSelector(obj.spec?.selector),
        !same(obj.spec?.selector, old.spec?.selector),
      ),
  },
  {
    group: 'apps',
    kind: 'ReplicaSet',
    source: 'kubernetes pkg/registry/apps/replicaset/strategy.go ValidateUpdate',
    update: (obj, old) =>
      immutable(
        'spec.selector',
        labelSelector(obj.spec?.selector),
        !same(obj.spec?.selector, old.spec?.selector),
      ),
  },
  {
    group: '',
    kind: 'PersistentVolumeClaim',
    source:
      'kubernetes pkg/apis/core/validation ValidatePersistentVolumeClaimUpdate; plugin/pkg/admission/storage/persistentvolume/resize',
    update: pvcUpdate,
    admitUpdate: pvcResize,
  },
  {
    group: '',
    kind: 'Service',
    source:
      'kubernetes pkg/apis/core/validation validateUpgradeDowngradeClusterIPs; pkg/registry/core/service/storage',
    update: serviceUpdate,
  },
  {
    group: '',
    kind: 'Secret',
    source: 'kubernetes pkg/apis/core/validation ValidateSecretUpdate',
    update: frozenData(['type', 'data']),
  },
  {
    group: '',
    kind: 'ConfigMap',
    source: 'kubernetes pkg/apis/core/validation ValidateConfigMapUpdate',
    update: frozenData(['data', 'binaryData']),
  },
  {
    group: 'route.openshift.io',
    kind: 'Route',
    source:
      'openshift/library-go pkg/route/hostassignment (AllocateHost, ValidateHostUpdate), via openshift-apiserver',
    create: routeCreate,
    update: routeUpdate,
  },
]

function rulesFor(rt: ResourceType): KindRules | undefined {
  return KIND_RULES.find(r => r.group === rt.group && r.kind === rt.kind)
}

/** A create's strategy validation beyond the object's own (route hosts). Throws 422. */
export function validateCreate(rt: ResourceType, obj: KObject, c: WriteCheck): void {
  const errs = rulesFor(rt)?.create?.(obj as Obj, c) ?? []
  if (errs.length)
    throw invalid(
      rt.kind,
      rt.group,
      obj.metadata.name ?? '',
      errs.map(e => toCause(e, c.minor)),
    )
}

/**
 * An update's strategy validation — the object's own causes first, then the update rules, in one 422 —
 * and then validating admission (403).
 */
export function validateUpdate(rt: ResourceType, obj: KObject, old: KObject, c: WriteCheck): void {
  const rules = rulesFor(rt)
  if (!rules) return
  const errs = rules.update?.(obj as Obj, old as Obj, c) ?? []
  if (errs.length) {
    const causes = [...objectCauses(rt, obj, c.minor), ...errs.map(e => toCause(e, c.minor))]
    throw invalid(rt.kind, rt.group, obj.metadata.name ?? '', causes)
  }
  const denied = rules.admitUpdate?.(obj as Obj, old as Obj, c)
  if (denied) {
    const what = `${rt.group ? `${rt.plural}.${rt.group}` : rt.plural} "${obj.metadata.name}"`
    throw new ApiError(403, 'Forbidden', `${what} is forbidden: ${denied}`, {
      name: obj.metadata.name ?? '',
      ...(rt.group ? {group: rt.group} : {}),
      kind: rt.plural,
    })
  }
}

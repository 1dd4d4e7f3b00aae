/**
 * What the patch engine knows about the shape of the kinds we serve, as data: for each kind a
 * table from field path pattern to rule. A pattern is a dot-joined field path from the object
 * root, with `[]` after a list field standing for its items, e.g.
 * `spec.template.spec.containers[].env`. Paths not in a table are plain: objects merge field by
 * field, lists are atomic (replaced whole), exactly what kube-apiserver does for an untyped field.
 *
 * The rules mirror the Go struct tags of k8s.io/api and openshift/api:
 * `patchStrategy`/`patchMergeKey` drive strategic merge patch, while `listType`/`listMapKey`/
 * `structType`/`mapType` drive server-side apply (structured-merge-diff). They differ in places
 * (container ports are merged by `containerPort` in a strategic patch but keyed by
 * `containerPort`+`protocol` for apply), so each rule carries both.
 */

export interface FieldRule {
  /** server-side apply list type; lists without a rule are atomic */
  list?: 'map' | 'set' | 'atomic'
  /** server-side apply key fields of a `map` list */
  keys?: readonly string[]
  /** key fields the apiserver defaults before comparing keys (a port's protocol is TCP) */
  keyDefaults?: Readonly<Record<string, unknown>>
  /** the object is atomic for apply (structType/mapType=atomic): owned and replaced whole */
  atomic?: boolean
  /** strategic merge patch: `patchStrategy: merge`, with `key` as patchMergeKey for lists of objects */
  smp?: {key?: string}
}

export type Rules = Readonly<Record<string, FieldRule>>

/** A list merged by one key, for apply and for strategic merge alike. */
function byKey(key: string): FieldRule {
  return {list: 'map', keys: [key], smp: {key}}
}

const atomic: FieldRule = {atomic: true}

function objectMeta(at: string): Rules {
  return {
    [`${at}.finalizers`]: {list: 'set', smp: {}},
    [`${at}.ownerReferences`]: byKey('uid'),
    [`${at}.ownerReferences[]`]: atomic,
  }
}

function container(at: string): Rules {
  return {
    [at]: byKey('name'),
    [`${at}[].env`]: byKey('name'),
    [`${at}[].env[].valueFrom.configMapKeyRef`]: atomic,
    [`${at}[].env[].valueFrom.secretKeyRef`]: atomic,
    [`${at}[].env[].valueFrom.fieldRef`]: atomic,
    [`${at}[].env[].valueFrom.resourceFieldRef`]: atomic,
    [`${at}[].ports`]: {
      list: 'map',
      keys: ['containerPort', 'protocol'],
      keyDefaults: {protocol: 'TCP'},
      smp: {key: 'containerPort'},
    },
    [`${at}[].volumeMounts`]: byKey('mountPath'),
    [`${at}[].volumeDevices`]: byKey('devicePath'),
  }
}

function podSpec(at: string): Rules {
  return {
    ...container(`${at}.containers`),
    ...container(`${at}.initContainers`),
    ...container(`${at}.ephemeralContainers`),
    [`${at}.volumes`]: byKey('name'),
    [`${at}.imagePullSecrets`]: byKey('name'),
    [`${at}.imagePullSecrets[]`]: atomic,
    [`${at}.hostAliases`]: byKey('ip'),
    [`${at}.schedulingGates`]: byKey('name'),
    [`${at}.resourceClaims`]: byKey('name'),
    [`${at}.topologySpreadConstraints`]: {
      list: 'map',
      keys: ['topologyKey', 'whenUnsatisfiable'],
      smp: {key: 'topologyKey'},
    },
    [`${at}.nodeSelector`]: atomic,
    // tolerations, readinessGates, securityContext.supplementalGroups: atomic lists (the default)
  }
}

function podTemplate(at: string): Rules {
  return {...objectMeta(`${at}.metadata`), ...podSpec(`${at}.spec`)}
}

const conditions = (at: string): Rules => ({[`${at}.conditions`]: byKey('type')})

/** Workloads that nest a pod template at spec.template, with a LabelSelector (structType=atomic). */
function workload(): Rules {
  return {
    ...objectMeta('metadata'),
    ...podTemplate('spec.template'),
    'spec.selector': atomic,
    ...conditions('status'),
  }
}

const meta = objectMeta('metadata')

/** Kinds served by kube-apiserver or openshift-apiserver from Go types: strategic merge is allowed. */
const BUILTIN: Readonly<Record<string, Rules>> = {
  Pod: {
    ...meta,
    ...podSpec('spec'),
    ...conditions('status'),
    'status.podIPs': byKey('ip'),
  },
  PodTemplate: {...meta, ...podTemplate('template')},
  Deployment: workload(),
  ReplicaSet: workload(),
  StatefulSet: workload(),
  DaemonSet: workload(),
  // Job conditions merge by type in a strategic patch but are an atomic list for apply
  Job: {...workload(), 'status.conditions': {list: 'atomic', smp: {key: 'type'}}},
  CronJob: {
    ...meta,
    ...podTemplate('spec.jobTemplate.spec.template'),
    'spec.jobTemplate.spec.selector': atomic,
  },
  // ReplicationController and DeploymentConfig use a plain map selector, not a LabelSelector
  ReplicationController: {...meta, ...podTemplate('spec.template'), ...conditions('status')},
  DeploymentConfig: {...meta, ...podTemplate('spec.template'), ...conditions('status')},
  Service: {
    ...meta,
    'spec.ports': {
      list: 'map',
      keys: ['port', 'protocol'],
      keyDefaults: {protocol: 'TCP'},
      smp: {key: 'port'},
    },
    'spec.selector': atomic,
    ...conditions('status'),
  },
  Namespace: {...meta, ...conditions('status')},
  ServiceAccount: {...meta, secrets: byKey('name')},
  PersistentVolumeClaim: {...meta, 'spec.selector': atomic, ...conditions('status')},
  Secret: meta,
  ConfigMap: meta,
  Event: meta,
  ResourceQuota: meta,
  Role: meta,
  RoleBinding: meta,
  ClusterRole: meta,
  ClusterRoleBinding: meta,
  StorageClass: meta,
  SelfSubjectAccessReview: meta,
  Project: meta,
  ProjectRequest: meta,
  ImageStream: meta,
  ImageStreamTag: meta,
  BuildConfig: meta,
  Build: meta,
  Route: meta,
}

/**
 * The shape of an object right after Go decodes `{}` into its type: struct fields without
 * `omitempty` already exist. An Update entry marks a non-leaf field it created with "."; fields in
 * this skeleton are not created by the first write, so they get no "." (as on a real cluster).
 */
const POD_SPEC_ZERO = {containers: null}
const TEMPLATE_ZERO = {metadata: {}, spec: POD_SPEC_ZERO}
const ZERO: Readonly<Record<string, Record<string, unknown>>> = {
  Pod: {metadata: {}, spec: POD_SPEC_ZERO, status: {}},
  PodTemplate: {metadata: {}, template: TEMPLATE_ZERO},
  Deployment: {metadata: {}, spec: {selector: null, template: TEMPLATE_ZERO, strategy: {}}, status: {}},
  ReplicaSet: {metadata: {}, spec: {selector: null, template: TEMPLATE_ZERO}, status: {}},
  StatefulSet: {
    metadata: {},
    spec: {selector: null, template: TEMPLATE_ZERO, updateStrategy: {}},
    status: {},
  },
  DaemonSet: {metadata: {}, spec: {selector: null, template: TEMPLATE_ZERO, updateStrategy: {}}, status: {}},
  Job: {metadata: {}, spec: {template: TEMPLATE_ZERO}, status: {}},
  ReplicationController: {metadata: {}, spec: {}, status: {}},
  DeploymentConfig: {metadata: {}, spec: {strategy: {}, triggers: null, template: TEMPLATE_ZERO}, status: {}},
  Service: {metadata: {}, spec: {}, status: {loadBalancer: {}}},
  Namespace: {metadata: {}, spec: {}, status: {}},
  PersistentVolumeClaim: {metadata: {}, spec: {resources: {}}, status: {}},
  ResourceQuota: {metadata: {}, spec: {}, status: {}},
  Route: {metadata: {}, spec: {to: {}}, status: {}},
  BuildConfig: {metadata: {}, spec: {triggers: null, strategy: {}, source: {}, output: {}}, status: {}},
  Build: {metadata: {}, spec: {strategy: {}, source: {}, output: {}}, status: {}},
  ImageStream: {metadata: {}, spec: {}, status: {}},
}

/** True for kinds served from Go types, where a strategic merge patch is accepted (false → 415). */
export function strategicMergeSupported(kind: string): boolean {
  return Object.prototype.hasOwnProperty.call(BUILTIN, kind)
}

/**
 * The rule table for `kind`. Unknown kinds (CRDs such as SecurityContextConstraints) still have
 * ObjectMeta, so finalizers and ownerReferences keep their list types for apply.
 */
export function rulesFor(kind: string): Rules {
  return strategicMergeSupported(kind) ? BUILTIN[kind] : meta
}

/** The decoded zero value of `kind` (see ZERO); a fresh copy. */
export function zeroObject(kind: string): Record<string, unknown> {
  return structuredClone(ZERO[kind] ?? {metadata: {}})
}

/** Schema path of a field below `parent` ('' is the root). */
export function childPath(parent: string, field: string): string {
  return parent === '' ? field : `${parent}.${field}`
}

/** Schema path of the items of the list at `parent`. */
export function itemPath(parent: string): string {
  return `${parent}[]`
}

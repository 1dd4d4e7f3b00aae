/**
 * Kind → group/version/plural/scope as data (the kubernetes-fluent-client idea): the HTTP code never
 * guesses a plural or a URL. Only the kinds oc-jupyter reads or writes are listed.
 */

export interface KindInfo {
  readonly kind: string
  /** '' for the core group */
  readonly group: string
  readonly version: string
  readonly plural: string
  readonly namespaced: boolean
}

const core = (kind: string, plural: string, namespaced = true): KindInfo => ({
  kind,
  group: '',
  version: 'v1',
  plural,
  namespaced,
})
const grouped = (group: string, kind: string, plural: string, namespaced = true): KindInfo => ({
  kind,
  group,
  version: 'v1',
  plural,
  namespaced,
})

export const KINDS = {
  Namespace: core('Namespace', 'namespaces', false),
  Secret: core('Secret', 'secrets'),
  ConfigMap: core('ConfigMap', 'configmaps'),
  PersistentVolumeClaim: core('PersistentVolumeClaim', 'persistentvolumeclaims'),
  Service: core('Service', 'services'),
  Pod: core('Pod', 'pods'),
  // core/v1 Event: the one `oc describe` and `oc get events` read; events.k8s.io is not needed.
  Event: core('Event', 'events'),
  ServiceAccount: core('ServiceAccount', 'serviceaccounts'),
  Deployment: grouped('apps', 'Deployment', 'deployments'),
  ReplicaSet: grouped('apps', 'ReplicaSet', 'replicasets'),
  Project: grouped('project.openshift.io', 'Project', 'projects', false),
  Route: grouped('route.openshift.io', 'Route', 'routes'),
  ImageStream: grouped('image.openshift.io', 'ImageStream', 'imagestreams'),
  // ImageStreamTag supports get/list/create/update/delete but NOT watch: wait on the ImageStream instead.
  ImageStreamTag: grouped('image.openshift.io', 'ImageStreamTag', 'imagestreamtags'),
  BuildConfig: grouped('build.openshift.io', 'BuildConfig', 'buildconfigs'),
  Build: grouped('build.openshift.io', 'Build', 'builds'),
  DeploymentConfig: grouped('apps.openshift.io', 'DeploymentConfig', 'deploymentconfigs'),
  // A cluster-scoped CRD on OpenShift 4: strategic merge patch is rejected with 415 (FACTS §SCC grants).
  SecurityContextConstraints: grouped(
    'security.openshift.io',
    'SecurityContextConstraints',
    'securitycontextconstraints',
    false,
  ),
  Role: grouped('rbac.authorization.k8s.io', 'Role', 'roles'),
  RoleBinding: grouped('rbac.authorization.k8s.io', 'RoleBinding', 'rolebindings'),
  ClusterRole: grouped('rbac.authorization.k8s.io', 'ClusterRole', 'clusterroles', false),
  ClusterRoleBinding: grouped(
    'rbac.authorization.k8s.io',
    'ClusterRoleBinding',
    'clusterrolebindings',
    false,
  ),
  StorageClass: grouped('storage.k8s.io', 'StorageClass', 'storageclasses', false),
  SelfSubjectAccessReview: grouped(
    'authorization.k8s.io',
    'SelfSubjectAccessReview',
    'selfsubjectaccessreviews',
    false,
  ),
  // The SCC review APIs are namespaced and create-only (FACTS §SCC grants).
  PodSecurityPolicySubjectReview: grouped(
    'security.openshift.io',
    'PodSecurityPolicySubjectReview',
    'podsecuritypolicysubjectreviews',
  ),
  PodSecurityPolicySelfSubjectReview: grouped(
    'security.openshift.io',
    'PodSecurityPolicySelfSubjectReview',
    'podsecuritypolicyselfsubjectreviews',
  ),
  PodSecurityPolicyReview: grouped(
    'security.openshift.io',
    'PodSecurityPolicyReview',
    'podsecuritypolicyreviews',
  ),
} as const satisfies Record<string, KindInfo>

export type KindName = keyof typeof KINDS

export function isKnownKind(kind: string): kind is KindName {
  return Object.prototype.hasOwnProperty.call(KINDS, kind)
}

/** `apps/v1`, or `v1` for the core group. */
export function apiVersionOf(info: KindInfo): string {
  return info.group === '' ? info.version : `${info.group}/${info.version}`
}

/** Splits `apps/v1` → {group: 'apps', version: 'v1'}; `v1` → {group: '', version: 'v1'}. */
export function splitApiVersion(apiVersion: string): {group: string; version: string} {
  const slash = apiVersion.indexOf('/')
  return slash < 0
    ? {group: '', version: apiVersion}
    : {group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1)}
}

/**
 * Looks a kind up. With an apiVersion the group must match (a `Route` of another group is not ours);
 * a different version of a known group/kind is accepted, the plural does not change between versions.
 */
export function kindInfo(kind: string, apiVersion?: string): KindInfo {
  if (!isKnownKind(kind)) {
    // A programming error (render emitted a kind this table lacks), not a user error.
    throw new Error(`unknown kind ${kind}: add it to src/lib/cluster/kinds.ts`)
  }
  const info: KindInfo = KINDS[kind]
  if (apiVersion === undefined) return info
  const {group, version} = splitApiVersion(apiVersion)
  if (group !== info.group) throw new Error(`unknown kind ${kind} in ${apiVersion}`)
  return version === info.version ? info : {...info, version}
}

/** The API path prefix of a group/version: `/api/v1` or `/apis/apps/v1`. */
export function groupVersionPath(groupVersion: string): string {
  return groupVersion === 'v1' || groupVersion === '' ? '/api/v1' : `/apis/${groupVersion}`
}

// Names are DNS subdomains, but RBAC names such as `system:openshift:scc:anyuid` contain ':'.
// Keep ':' literal (kubectl does) and encode anything else that would change the path.
function segment(s: string): string {
  return encodeURIComponent(s).replace(/%3A/gi, ':')
}

export interface PathOptions {
  namespace?: string
  name?: string
  subresource?: string
}

/**
 * The REST path of a collection (no name) or an object, optionally a subresource:
 * `resourcePath('BuildConfig', {namespace: 'p', name: 'nb', subresource: 'instantiate'})`
 *   → `/apis/build.openshift.io/v1/namespaces/p/buildconfigs/nb/instantiate`.
 * A namespaced kind without a namespace gives the all-namespaces collection.
 */
export function resourcePath(kind: KindName | KindInfo, opts: PathOptions = {}): string {
  const info = typeof kind === 'string' ? KINDS[kind] : kind
  let p = groupVersionPath(apiVersionOf(info))
  if (info.namespaced && opts.namespace) p += `/namespaces/${segment(opts.namespace)}`
  p += `/${info.plural}`
  if (opts.name !== undefined) {
    p += `/${segment(opts.name)}`
    if (opts.subresource) p += `/${opts.subresource}`
  }
  return p
}

/** Where an object lives: its kind info, name and effective namespace (object's, else the default). */
export interface ObjectLocation {
  info: KindInfo
  name: string
  namespace?: string
  path: string
  collectionPath: string
}

export function locate(
  obj: {apiVersion?: string; kind?: string; metadata?: {name?: string; namespace?: string}},
  defaultNamespace?: string,
): ObjectLocation {
  if (!obj.kind) throw new Error('object without kind')
  const info = kindInfo(obj.kind, obj.apiVersion)
  const name = obj.metadata?.name
  if (!name) throw new Error(`${obj.kind} without metadata.name`)
  const namespace = info.namespaced ? (obj.metadata?.namespace ?? defaultNamespace) : undefined
  if (info.namespaced && !namespace) throw new Error(`${obj.kind}/${name}: no namespace`)
  return {
    info,
    name,
    namespace,
    path: resourcePath(info, {namespace, name}),
    collectionPath: resourcePath(info, {namespace}),
  }
}

/** What an API path addresses; used to word errors ("cannot patch deployments.apps in namespace p"). */
export interface ParsedApiPath {
  group: string
  version: string
  namespace?: string
  resource?: string
  name?: string
  subresource?: string
}

export function parseApiPath(path: string): ParsedApiPath | undefined {
  const clean = path.split('?')[0] ?? ''
  const parts = clean.split('/').filter(Boolean).map(decodeURIComponent)
  let group: string
  let version: string
  let rest: string[]
  if (parts[0] === 'api' && parts.length >= 2) {
    group = ''
    version = parts[1]
    rest = parts.slice(2)
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    group = parts[1]
    version = parts[2]
    rest = parts.slice(3)
  } else {
    return undefined
  }
  let namespace: string | undefined
  // `/api/v1/namespaces/x` addresses the Namespace x; `/api/v1/namespaces/x/pods` a collection in x.
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1]
    rest = rest.slice(2)
  }
  const [resource, name, ...sub] = rest
  return {
    group,
    version,
    namespace,
    resource,
    name,
    subresource: sub.length > 0 ? sub.join('/') : undefined,
  }
}

/** `deployments.apps`, `secrets`, `buildconfigs.build.openshift.io/instantiate` — kubectl's wording. */
export function qualifiedResource(resource: string, group: string, subresource?: string): string {
  const base = group ? `${resource}.${group}` : resource
  return subresource ? `${base}/${subresource}` : base
}

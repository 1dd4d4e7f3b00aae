/**
 * The resource registry of the fake OpenShift API server, as data. Discovery (legacy and
 * aggregated), /openapi/v3, routing, RBAC attributes and patch dispatch all derive from it.
 * Verbs, short names and categories follow a real OpenShift 4.14 cluster (`oc api-resources -o wide`).
 */
import type {ResourceType} from './types.js'

const CRUD = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']
const CREATE_ONLY = ['create']

function rt(
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  extra: Partial<ResourceType> = {},
): ResourceType {
  return {
    group,
    version,
    kind,
    listKind: `${kind}List`,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    verbs: CRUD,
    subresources: [],
    strategicMerge: true,
    ...extra,
  }
}

export const RESOURCES: readonly ResourceType[] = [
  // core/v1
  rt('', 'v1', 'Namespace', 'namespaces', false, {
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: ['status', 'finalize'],
    shortNames: ['ns'],
  }),
  rt('', 'v1', 'Pod', 'pods', true, {
    subresources: ['status', 'log', 'exec'],
    shortNames: ['po'],
    categories: ['all'],
  }),
  rt('', 'v1', 'Service', 'services', true, {
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: ['status'],
    shortNames: ['svc'],
    categories: ['all'],
  }),
  rt('', 'v1', 'Secret', 'secrets', true),
  rt('', 'v1', 'ConfigMap', 'configmaps', true, {shortNames: ['cm']}),
  rt('', 'v1', 'ServiceAccount', 'serviceaccounts', true, {shortNames: ['sa']}),
  rt('', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, {
    subresources: ['status'],
    shortNames: ['pvc'],
  }),
  rt('', 'v1', 'Event', 'events', true, {shortNames: ['ev']}),
  rt('', 'v1', 'ResourceQuota', 'resourcequotas', true, {subresources: ['status'], shortNames: ['quota']}),
  rt('', 'v1', 'LimitRange', 'limitranges', true, {shortNames: ['limits']}),
  // apps/v1
  rt('apps', 'v1', 'Deployment', 'deployments', true, {
    subresources: ['status', 'scale'],
    shortNames: ['deploy'],
    categories: ['all'],
  }),
  rt('apps', 'v1', 'ReplicaSet', 'replicasets', true, {
    subresources: ['status', 'scale'],
    shortNames: ['rs'],
    categories: ['all'],
  }),
  // rbac.authorization.k8s.io/v1
  rt('rbac.authorization.k8s.io', 'v1', 'Role', 'roles', true),
  rt('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', true),
  rt('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false),
  rt('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
  // storage.k8s.io/v1
  rt('storage.k8s.io', 'v1', 'StorageClass', 'storageclasses', false, {shortNames: ['sc']}),
  // authorization.k8s.io/v1: create-only virtual resources answered by the authorizer
  rt('authorization.k8s.io', 'v1', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', false, {
    verbs: CREATE_ONLY,
  }),
  rt('authorization.k8s.io', 'v1', 'SelfSubjectRulesReview', 'selfsubjectrulesreviews', false, {
    verbs: CREATE_ONLY,
  }),
  rt('authorization.k8s.io', 'v1', 'SubjectAccessReview', 'subjectaccessreviews', false, {
    verbs: CREATE_ONLY,
  }),
  rt('authorization.k8s.io', 'v1', 'LocalSubjectAccessReview', 'localsubjectaccessreviews', true, {
    verbs: CREATE_ONLY,
  }),
  // authentication.k8s.io: `kubectl auth whoami` (v1 since 1.28; kubectl 1.27 asks for v1beta1)
  rt('authentication.k8s.io', 'v1', 'SelfSubjectReview', 'selfsubjectreviews', false, {verbs: CREATE_ONLY}),
  rt('authentication.k8s.io', 'v1beta1', 'SelfSubjectReview', 'selfsubjectreviews', false, {
    verbs: CREATE_ONLY,
  }),
  // project.openshift.io/v1: projects mirror namespaces; projectrequests create them
  rt('project.openshift.io', 'v1', 'Project', 'projects', false, {
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    strategicMerge: true,
  }),
  rt('project.openshift.io', 'v1', 'ProjectRequest', 'projectrequests', false, {verbs: ['create', 'list']}),
  // image.openshift.io/v1
  rt('image.openshift.io', 'v1', 'ImageStream', 'imagestreams', true, {
    subresources: ['status'],
    shortNames: ['is'],
    categories: ['all'],
  }),
  // ImageStreamTag is virtual on a real cluster: computed from its ImageStream and Image (see imagestreamtags.ts)
  rt('image.openshift.io', 'v1', 'ImageStreamTag', 'imagestreamtags', true, {
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update'],
    shortNames: ['istag'],
  }),
  rt('image.openshift.io', 'v1', 'Image', 'images', false),
  // build.openshift.io/v1
  rt('build.openshift.io', 'v1', 'BuildConfig', 'buildconfigs', true, {
    subresources: ['instantiate', 'status'],
    shortNames: ['bc'],
    categories: ['all'],
  }),
  rt('build.openshift.io', 'v1', 'Build', 'builds', true, {
    subresources: ['log', 'details'],
    categories: ['all'],
  }),
  // apps.openshift.io/v1: deprecated since OpenShift 4.14, the API answers with a Warning header
  rt('apps.openshift.io', 'v1', 'DeploymentConfig', 'deploymentconfigs', true, {
    subresources: ['status', 'scale', 'log', 'instantiate'],
    shortNames: ['dc'],
    categories: ['all'],
    deprecationWarning:
      'apps.openshift.io/v1 DeploymentConfig is deprecated in v4.14+, unavailable in v4.10000+',
    deprecatedSince: 'deploymentConfigDeprecated',
  }),
  // route.openshift.io/v1
  rt('route.openshift.io', 'v1', 'Route', 'routes', true, {subresources: ['status'], categories: ['all']}),
  // security.openshift.io/v1: SCC is CRD-backed on OpenShift 4, so strategic merge patch is rejected (415)
  rt('security.openshift.io', 'v1', 'SecurityContextConstraints', 'securitycontextconstraints', false, {
    shortNames: ['scc'],
    strategicMerge: false,
  }),
  rt('security.openshift.io', 'v1', 'PodSecurityPolicyReview', 'podsecuritypolicyreviews', true, {
    verbs: CREATE_ONLY,
  }),
  rt(
    'security.openshift.io',
    'v1',
    'PodSecurityPolicySelfSubjectReview',
    'podsecuritypolicyselfsubjectreviews',
    true,
    {
      verbs: CREATE_ONLY,
    },
  ),
  rt(
    'security.openshift.io',
    'v1',
    'PodSecurityPolicySubjectReview',
    'podsecuritypolicysubjectreviews',
    true,
    {
      verbs: CREATE_ONLY,
    },
  ),
  // user.openshift.io/v1: `oc whoami` reads users/~
  rt('user.openshift.io', 'v1', 'User', 'users', false, {
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  }),
  rt('user.openshift.io', 'v1', 'Group', 'groups', false),
  // template.openshift.io/v1: stored only (processing templates is out of scope)
  rt('template.openshift.io', 'v1', 'Template', 'templates', true),
]

/** Kinds whose review/access objects are answered, never stored. */
export const VIRTUAL_CREATE_ONLY = new Set([
  'selfsubjectaccessreviews',
  'selfsubjectrulesreviews',
  'selfsubjectreviews',
  'subjectaccessreviews',
  'localsubjectaccessreviews',
  'podsecuritypolicyreviews',
  'podsecuritypolicyselfsubjectreviews',
  'podsecuritypolicysubjectreviews',
  'projectrequests',
])

export function apiVersionOf(rt: ResourceType): string {
  return rt.group ? `${rt.group}/${rt.version}` : rt.version
}

/** Splits `apps/v1` → ['apps', 'v1'] and `v1` → ['', 'v1']. */
export function splitApiVersion(apiVersion: string): [string, string] {
  const i = apiVersion.indexOf('/')
  return i < 0 ? ['', apiVersion] : [apiVersion.slice(0, i), apiVersion.slice(i + 1)]
}

export class Registry {
  readonly resources: readonly ResourceType[]

  constructor(resources: readonly ResourceType[] = RESOURCES) {
    this.resources = resources
  }

  /** `groupOrApiVersion` may be a group ('apps', '' for core) or an apiVersion ('apps/v1', 'v1'). */
  byPlural(groupOrApiVersion: string, plural: string): ResourceType | undefined {
    const [group, version] = groupOrApiVersion.includes('/')
      ? splitApiVersion(groupOrApiVersion)
      : groupOrApiVersion === 'v1'
        ? ['', 'v1']
        : [groupOrApiVersion, undefined]
    return this.resources.find(
      r => r.group === group && r.plural === plural && (version === undefined || r.version === version),
    )
  }

  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    const [group, version] = splitApiVersion(apiVersion)
    return this.resources.find(r => r.group === group && r.version === version && r.kind === kind)
  }

  /** Group names in discovery order: core first, then as listed. */
  groups(): string[] {
    const out: string[] = []
    for (const r of this.resources) if (r.group && !out.includes(r.group)) out.push(r.group)
    return out
  }

  versions(group: string): string[] {
    const out: string[] = []
    for (const r of this.resources) if (r.group === group && !out.includes(r.version)) out.push(r.version)
    return out
  }

  inGroupVersion(group: string, version: string): ResourceType[] {
    return this.resources.filter(r => r.group === group && r.version === version)
  }
}

/**
 * The Kubernetes half of the default policy: the roles and bindings of
 * kubernetes plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go (v1.34.1, as vendored by
 * openshift/openshift-apiserver at 56aa2d9, Feb 2026) that project users meet — `cluster-admin`, the
 * aggregated `admin`/`edit`/`view` with their `system:aggregate-to-*` parts (viewRules(),
 * editRules()), `system:basic-user`, `system:discovery`, `system:public-info-viewer` — and their
 * ClusterRoleBindings (ClusterRoleBindings()). Controller and node roles are left out: no user of
 * this fake holds them. Rules for API groups the fake does not serve are kept, so that escalation
 * checks (escalation.ts) compare the same rule sets a cluster does.
 */
import {
  clusterRoleBinding,
  group,
  type PolicyRule,
  READ,
  READ_WRITE,
  type RoleInput,
  rule,
  urls,
  WRITE,
} from './rules.js'

const CORE = ''
const APPS = 'apps'
const AUTHN = 'authentication.k8s.io'
const AUTHZ = 'authorization.k8s.io'
const AUTOSCALING = 'autoscaling'
const BATCH = 'batch'
const COORDINATION = 'coordination.k8s.io'
const DISCOVERY = 'discovery.k8s.io'
const EXTENSIONS = 'extensions'
const NETWORKING = 'networking.k8s.io'
const POLICY = 'policy'
const RBAC = 'rbac.authorization.k8s.io'
const RESOURCE = 'resource.k8s.io'

export const AGGREGATE_TO_ADMIN = 'rbac.authorization.k8s.io/aggregate-to-admin'
export const AGGREGATE_TO_EDIT = 'rbac.authorization.k8s.io/aggregate-to-edit'
export const AGGREGATE_TO_VIEW = 'rbac.authorization.k8s.io/aggregate-to-view'

/** policy.go viewRules() (DynamicResourceAllocation is on by default since 1.34) */
const VIEW_RULES: PolicyRule[] = [
  rule(
    READ,
    [CORE],
    [
      'pods',
      'replicationcontrollers',
      'replicationcontrollers/scale',
      'serviceaccounts',
      'services',
      'services/status',
      'endpoints',
      'persistentvolumeclaims',
      'persistentvolumeclaims/status',
      'configmaps',
    ],
  ),
  rule(
    READ,
    [CORE],
    [
      'limitranges',
      'resourcequotas',
      'bindings',
      'events',
      'pods/status',
      'resourcequotas/status',
      'namespaces/status',
      'replicationcontrollers/status',
      'pods/log',
    ],
  ),
  // "read access to namespaces at the namespace scope means you can read *this* namespace"
  rule(READ, [CORE], ['namespaces']),
  rule(READ, [DISCOVERY], ['endpointslices']),
  rule(
    READ,
    [APPS],
    [
      'controllerrevisions',
      'statefulsets',
      'statefulsets/status',
      'statefulsets/scale',
      'daemonsets',
      'daemonsets/status',
      'deployments',
      'deployments/status',
      'deployments/scale',
      'replicasets',
      'replicasets/status',
      'replicasets/scale',
    ],
  ),
  rule(READ, [AUTOSCALING], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
  rule(READ, [BATCH], ['jobs', 'cronjobs', 'cronjobs/status', 'jobs/status']),
  rule(
    READ,
    [EXTENSIONS],
    [
      'daemonsets',
      'daemonsets/status',
      'deployments',
      'deployments/scale',
      'deployments/status',
      'ingresses',
      'ingresses/status',
      'replicasets',
      'replicasets/scale',
      'replicasets/status',
      'replicationcontrollers/scale',
      'networkpolicies',
    ],
  ),
  rule(READ, [POLICY], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
  rule(READ, [NETWORKING], ['networkpolicies', 'ingresses', 'ingresses/status']),
  rule(READ, [RESOURCE], ['resourceclaims', 'resourceclaims/status', 'resourceclaimtemplates']),
]

/** policy.go editRules() */
const EDIT_RULES: PolicyRule[] = [
  // "Allow read on escalating resources"
  rule(
    READ,
    [CORE],
    ['pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward', 'secrets', 'services/proxy'],
  ),
  rule(['impersonate'], [CORE], ['serviceaccounts']),
  rule(WRITE, [CORE], ['pods', 'pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward']),
  rule(['create'], [CORE], ['pods/eviction']),
  rule(
    WRITE,
    [CORE],
    [
      'replicationcontrollers',
      'replicationcontrollers/scale',
      'serviceaccounts',
      'services',
      'services/proxy',
      'persistentvolumeclaims',
      'configmaps',
      'secrets',
      'events',
    ],
  ),
  rule(['create'], [CORE], ['serviceaccounts/token']),
  rule(
    WRITE,
    [APPS],
    [
      'statefulsets',
      'statefulsets/scale',
      'daemonsets',
      'deployments',
      'deployments/scale',
      'deployments/rollback',
      'replicasets',
      'replicasets/scale',
    ],
  ),
  rule(WRITE, [AUTOSCALING], ['horizontalpodautoscalers']),
  rule(WRITE, [BATCH], ['jobs', 'cronjobs']),
  rule(
    WRITE,
    [EXTENSIONS],
    [
      'daemonsets',
      'deployments',
      'deployments/scale',
      'deployments/rollback',
      'ingresses',
      'replicasets',
      'replicasets/scale',
      'replicationcontrollers/scale',
      'networkpolicies',
    ],
  ),
  rule(WRITE, [POLICY], ['poddisruptionbudgets']),
  rule(WRITE, [NETWORKING], ['networkpolicies', 'ingresses']),
  rule(READ_WRITE, [COORDINATION], ['leases']),
  rule(WRITE, [RESOURCE], ['resourceclaims', 'resourceclaimtemplates']),
]

export const KUBERNETES_CLUSTER_ROLES: RoleInput[] = [
  {
    name: 'cluster-admin',
    rules: [rule(['*'], ['*'], ['*']), urls(['*'], ['*'])],
  },
  {
    name: 'system:discovery',
    rules: [
      urls(
        ['get'],
        [
          '/livez',
          '/readyz',
          '/healthz',
          '/version',
          '/version/',
          '/openapi',
          '/openapi/*',
          '/api',
          '/api/*',
          '/apis',
          '/apis/*',
        ],
      ),
    ],
  },
  {
    name: 'system:basic-user',
    rules: [
      rule(['create'], [AUTHZ], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
      // SelfSubjectReview (`kubectl auth whoami`), KEP-3325
      rule(['create'], [AUTHN], ['selfsubjectreviews']),
    ],
  },
  {
    name: 'system:public-info-viewer',
    rules: [urls(['get'], ['/livez', '/readyz', '/healthz', '/version', '/version/'])],
  },
  {name: 'admin', aggregateFrom: [{[AGGREGATE_TO_ADMIN]: 'true'}]},
  {name: 'edit', labels: {[AGGREGATE_TO_ADMIN]: 'true'}, aggregateFrom: [{[AGGREGATE_TO_EDIT]: 'true'}]},
  {name: 'view', labels: {[AGGREGATE_TO_EDIT]: 'true'}, aggregateFrom: [{[AGGREGATE_TO_VIEW]: 'true'}]},
  {
    name: 'system:aggregate-to-admin',
    labels: {[AGGREGATE_TO_ADMIN]: 'true'},
    rules: [
      rule(['create'], [AUTHZ], ['localsubjectaccessreviews']),
      rule(READ_WRITE, [RBAC], ['roles', 'rolebindings']),
    ],
  },
  {name: 'system:aggregate-to-edit', labels: {[AGGREGATE_TO_EDIT]: 'true'}, rules: EDIT_RULES},
  {name: 'system:aggregate-to-view', labels: {[AGGREGATE_TO_VIEW]: 'true'}, rules: VIEW_RULES},
]

/** policy.go ClusterRoleBindings(), the ones whose subjects are users rather than components */
export function kubernetesClusterRoleBindings() {
  return [
    clusterRoleBinding('cluster-admin', 'cluster-admin', [group('system:masters')]),
    clusterRoleBinding('system:discovery', 'system:discovery', [group('system:authenticated')]),
    clusterRoleBinding('system:basic-user', 'system:basic-user', [group('system:authenticated')]),
    clusterRoleBinding('system:public-info-viewer', 'system:public-info-viewer', [
      group('system:authenticated'),
      group('system:unauthenticated'),
    ]),
  ]
}

/**
 * The default RBAC policy of an OpenShift 4 cluster, as the objects a fresh cluster holds: the
 * Kubernetes roles (kubernetes.ts), the OpenShift roles (openshift.ts), one `system:openshift:scc:*`
 * ClusterRole per default SCC, the ClusterRoleBindings, and the Roles in `openshift` and
 * `openshift-config-managed` — with the aggregated roles' rules filled in (aggregate.ts).
 */
import type {KObject} from '../types.js'
import {aggregateClusterRoles} from './aggregate.js'
import {KUBERNETES_CLUSTER_ROLES, kubernetesClusterRoleBindings} from './kubernetes.js'
import {
  OPENSHIFT_CLUSTER_ROLES,
  openshiftClusterRoleBindings,
  openshiftNamespacedPolicy,
  sccClusterRole,
} from './openshift.js'
import {clusterRoleObject} from './rules.js'

export {
  clusterRoleBinding,
  clusterRoleObject,
  roleBinding,
  type PolicyRule,
  type SubjectInput,
} from './rules.js'

/** ClusterRoles and bindings of a default cluster; `sccNames`: the default SCCs (bootstrap.ts). */
export function defaultPolicy(sccNames: string[]): KObject[] {
  const clusterRoles = [
    ...KUBERNETES_CLUSTER_ROLES,
    ...OPENSHIFT_CLUSTER_ROLES,
    ...sccNames.map(sccClusterRole),
  ].map(clusterRoleObject)
  aggregateClusterRoles(clusterRoles)
  return [
    ...clusterRoles,
    ...kubernetesClusterRoleBindings(),
    ...openshiftClusterRoleBindings(),
    ...openshiftNamespacedPolicy(),
  ]
}

/**
 * The RBAC rules that decide whether a binding lets a service account `use` an SCC, as the Kubernetes
 * authorizer evaluates them (kubernetes pkg/apis/rbac/v1/evaluation_helpers.go `RuleAllows`,
 * plugin/pkg/auth/authorizer/rbac/rbac.go `appliesTo`) and as OpenShift's SCC admission asks
 * (`use` on `securitycontextconstraints/NAME` in group security.openshift.io, in the pod's namespace —
 * so a RoleBinding there grants it as well as a ClusterRoleBinding). Pure functions.
 */
import {arr, rec, str, strs} from '../cluster/obj.js'

export const SCC_GROUP = 'security.openshift.io'
export const SCC_RESOURCE = 'securitycontextconstraints'
/** The SCCs every authenticated user (so every service account) may use on OpenShift 4. */
export const DEFAULT_SCCS: ReadonlySet<string> = new Set(['restricted-v2', 'restricted'])

export interface Subject {
  kind?: string
  name?: string
  namespace?: string
  apiGroup?: string
}

/** A service account as the authorizer sees it: its user name and groups (k8s serviceaccount.UserInfo). */
export interface ServiceAccountIdentity {
  namespace: string
  name: string
}

export const serviceAccountUser = (sa: ServiceAccountIdentity): string =>
  `system:serviceaccount:${sa.namespace}:${sa.name}`

export const serviceAccountGroups = (sa: ServiceAccountIdentity): string[] => [
  'system:serviceaccounts',
  `system:serviceaccounts:${sa.namespace}`,
  'system:authenticated',
]

const has = (list: readonly string[], value: string): boolean => list.includes('*') || list.includes(value)

/** RuleAllows for verb `use` on `securitycontextconstraints/<scc>` (wildcards and empty resourceNames included). */
export function ruleGrantsSccUse(rule: unknown, scc: string): boolean {
  const r = rec(rule)
  const names = strs(r.resourceNames)
  return (
    has(strs(r.verbs), 'use') &&
    has(strs(r.apiGroups), SCC_GROUP) &&
    has(strs(r.resources), SCC_RESOURCE) &&
    (names.length === 0 || names.includes(scc))
  )
}

/** Whether a Role or ClusterRole (with its aggregated rules, as the API returns them) grants `use` on the SCC. */
export function roleGrantsSccUse(role: unknown, scc: string): boolean {
  return arr(rec(role).rules).some(r => ruleGrantsSccUse(r, scc))
}

/**
 * Whether a role grants anything besides `use` of SCCs: removing the binding from the service account
 * then takes those permissions too. Only rules of `use` on securitycontextconstraints in
 * security.openshift.io count as SCC grants (the `system:openshift:scc:*` roles are one such rule).
 */
export function roleGrantsMoreThanSccUse(role: unknown): boolean {
  return arr(rec(role).rules).some(rule => {
    const r = rec(rule)
    const only = (list: unknown, ...values: string[]) => {
      const l = strs(list)
      return l.length > 0 && l.every(x => values.includes(x))
    }
    // `use` is a verb of SCCs alone in security.openshift.io: a wildcard resource there grants nothing else
    return (
      !only(r.verbs, 'use') ||
      !only(r.apiGroups, SCC_GROUP) ||
      !only(r.resources, SCC_RESOURCE, '*') ||
      strs(r.nonResourceURLs).length > 0
    )
  })
}

/**
 * How a binding subject reaches the service account, or undefined. A ServiceAccount subject without a
 * namespace means the namespace of the request (the binding's for a RoleBinding, the pod's for SCC use).
 */
export function subjectReaches(
  subject: unknown,
  sa: ServiceAccountIdentity,
  defaultNamespace: string,
): 'ServiceAccount' | 'User' | 'Group' | undefined {
  const s = rec(subject)
  const name = str(s.name)
  switch (str(s.kind)) {
    case 'ServiceAccount':
      return name === sa.name && (str(s.namespace) || defaultNamespace) === sa.namespace
        ? 'ServiceAccount'
        : undefined
    case 'User':
      // Older `oc adm policy` wrote the service account as a User subject.
      return name === serviceAccountUser(sa) ? 'User' : undefined
    case 'Group':
      return name !== undefined && serviceAccountGroups(sa).includes(name) ? 'Group' : undefined
    default:
      return undefined
  }
}

/** SCC `users` / `groups` entries that name the service account (ConstraintAppliesTo without RBAC). */
export function sccEntryReaches(
  field: 'users' | 'groups',
  entry: string,
  sa: ServiceAccountIdentity,
): boolean {
  return field === 'users' ? entry === serviceAccountUser(sa) : serviceAccountGroups(sa).includes(entry)
}

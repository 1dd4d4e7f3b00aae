/**
 * Where an SCC is granted to a service account (FACTS.md §SCC grants — three places to look):
 *   - the SCC's own `users` and `groups` (OpenShift <= 4.4 `oc adm policy`, or an edited SCC), where the
 *     groups `system:serviceaccounts`, `system:serviceaccounts:NS` and `system:authenticated` count too;
 *   - any RoleBinding in the service account's namespace and any ClusterRoleBinding, whatever its name,
 *     whose role (Role or ClusterRole, with aggregated and wildcard rules) grants `use` on the SCC and
 *     one of whose subjects is the service account, its `system:serviceaccount:...` user, or one of its
 *     groups.
 * `oc adm policy remove-scc-from-user/-group` only edits the bindings named `system:openshift:scc:NAME`
 * (openshift/oc pkg/cli/admin/policy/modify_scc.go), so a grant anywhere else is removed by editing or
 * deleting the object found here (remove.ts). Pure: the caller reads the objects (a project admin may
 * read RoleBindings, Roles and ClusterRoles, not SCCs or ClusterRoleBindings) and passes what it could.
 */
import type {KubeObject} from '../cluster/index.js'
import {arr, rec, str, strs} from '../cluster/obj.js'
import {
  roleGrantsMoreThanSccUse,
  roleGrantsSccUse,
  sccEntryReaches,
  serviceAccountUser,
  subjectReaches,
  type ServiceAccountIdentity,
} from './rules.js'

export type GrantPlace = 'scc-users' | 'scc-groups' | 'rolebinding' | 'clusterrolebinding'

export interface GrantTarget {
  kind: 'SecurityContextConstraints' | 'RoleBinding' | 'ClusterRoleBinding'
  name: string
  namespace?: string
  resourceVersion?: string
}

export interface GrantMatch {
  /** index in `subjects` (bindings) or in `users` / `groups` (SCC) */
  index: number
  /** the subject or entry as stored (for a JSON patch `test` operation) */
  value: unknown
  via: 'ServiceAccount' | 'User' | 'Group'
  /** the subject's or entry's name */
  name: string
}

export interface SccGrant {
  scc: string
  place: GrantPlace
  target: GrantTarget
  /** the role a binding refers to */
  role?: {kind: 'Role' | 'ClusterRole'; name: string}
  /** the binding's role grants more than `use` of SCCs: removing the binding takes that from the service account too */
  broaderRole?: boolean
  /** the entries of the list that reach the service account */
  matches: GrantMatch[]
  /** entries of the same list that stay once ours are removed */
  remaining: number
  /** a group carries the grant: removing it takes the SCC from every other member of the group too */
  shared: boolean
  /** one line for the evidence: where and how */
  description: string
}

export interface UnreadPlace {
  /** what could hold a grant but was not readable */
  what: string
  /** the permission that would let the reader see it, as `oc auth can-i` words */
  permission: string
}

export interface GrantLocation {
  scc: string
  serviceAccount: ServiceAccountIdentity
  grants: SccGrant[]
  unread: UnreadPlace[]
}

export interface GrantSources {
  scc: string
  serviceAccount: ServiceAccountIdentity
  /** the SCC; null: it does not exist; undefined: not readable */
  sccObject?: KubeObject | null
  /** RoleBindings of the service account's namespace; undefined: not readable */
  roleBindings?: readonly KubeObject[]
  /** ClusterRoleBindings; undefined: not readable */
  clusterRoleBindings?: readonly KubeObject[]
  /** roles by `roleKey()`: null = does not exist; absent = not read */
  roles: Readonly<Record<string, KubeObject | null>>
}

/** `Role/NS/NAME` or `ClusterRole/NAME`: how roles are keyed in GrantSources.roles. */
export function roleKey(kind: string, name: string, namespace?: string): string {
  return kind === 'Role' ? `Role/${namespace ?? ''}/${name}` : `ClusterRole/${name}`
}

/** The role a binding refers to (a RoleBinding may name a Role of its namespace or a ClusterRole). */
export function roleRefOf(binding: KubeObject): {kind: 'Role' | 'ClusterRole'; name: string; key: string} {
  const ref = rec(binding.roleRef)
  const kind = str(ref.kind) === 'Role' ? 'Role' : 'ClusterRole'
  const name = str(ref.name) ?? ''
  return {kind, name, key: roleKey(kind, name, binding.metadata?.namespace)}
}

/** Bindings with a subject that reaches the service account (what a reader keeps while paging). */
export function bindingReaches(binding: KubeObject, sa: ServiceAccountIdentity): boolean {
  const ns = binding.metadata?.namespace ?? sa.namespace
  return arr(binding.subjects).some(s => subjectReaches(s, sa, ns) !== undefined)
}

const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`

function bindingGrant(
  binding: KubeObject,
  kind: 'RoleBinding' | 'ClusterRoleBinding',
  src: GrantSources,
  unread: UnreadPlace[],
): SccGrant | undefined {
  const sa = src.serviceAccount
  const ns = kind === 'RoleBinding' ? (binding.metadata?.namespace ?? sa.namespace) : sa.namespace
  const subjects = Array.isArray(binding.subjects) ? (binding.subjects as unknown[]) : []
  const matches: GrantMatch[] = []
  subjects.forEach((s, index) => {
    const via = subjectReaches(s, sa, ns)
    if (via) matches.push({index, value: s, via, name: str(rec(s).name) ?? ''})
  })
  if (matches.length === 0) return undefined
  const name = binding.metadata?.name ?? '?'
  const where = kind === 'RoleBinding' ? `RoleBinding ${name} in ${ns}` : `ClusterRoleBinding ${name}`
  const ref = roleRefOf(binding)
  const role = src.roles[ref.key]
  if (role === undefined) {
    unread.push({
      what: `${ref.kind} ${ref.name} (the role of ${where})`,
      permission: ref.kind === 'Role' ? `get roles/${ref.name} -n ${ns}` : `get clusterroles/${ref.name}`,
    })
    return undefined
  }
  if (role === null || !roleGrantsSccUse(role, src.scc)) return undefined
  const how = matches
    .map(m =>
      m.via === 'Group'
        ? `group ${m.name} (which includes service account ${sa.name})`
        : m.via === 'User'
          ? `user ${m.name}`
          : `ServiceAccount ${sa.name}`,
    )
    .join(' and ')
  return {
    scc: src.scc,
    place: kind === 'RoleBinding' ? 'rolebinding' : 'clusterrolebinding',
    target: {
      kind,
      name,
      ...(kind === 'RoleBinding' ? {namespace: ns} : {}),
      ...(binding.metadata?.resourceVersion ? {resourceVersion: binding.metadata.resourceVersion} : {}),
    },
    role: {kind: ref.kind, name: ref.name},
    ...(roleGrantsMoreThanSccUse(role) ? {broaderRole: true} : {}),
    matches,
    remaining: subjects.length - matches.length,
    shared: matches.some(m => m.via === 'Group'),
    description: `${where} binds ${how} to ${ref.kind} ${ref.name}, which grants use of SCC ${src.scc}${
      subjects.length > matches.length
        ? ` (${plural(subjects.length - matches.length, 'other subject')})`
        : ''
    }`,
  }
}

function sccFieldGrant(
  sccObject: KubeObject,
  field: 'users' | 'groups',
  src: GrantSources,
): SccGrant | undefined {
  const entries = strs((sccObject as Record<string, unknown>)[field])
  const matches: GrantMatch[] = []
  entries.forEach((e, index) => {
    if (sccEntryReaches(field, e, src.serviceAccount))
      matches.push({index, value: e, via: field === 'users' ? 'User' : 'Group', name: e})
  })
  if (matches.length === 0) return undefined
  const sa = src.serviceAccount
  const name = sccObject.metadata?.name ?? src.scc
  return {
    scc: src.scc,
    place: field === 'users' ? 'scc-users' : 'scc-groups',
    target: {
      kind: 'SecurityContextConstraints',
      name,
      ...(sccObject.metadata?.resourceVersion ? {resourceVersion: sccObject.metadata.resourceVersion} : {}),
    },
    matches,
    remaining: entries.length - matches.length,
    shared: field === 'groups',
    description:
      field === 'users'
        ? `SecurityContextConstraints ${name} lists user ${serviceAccountUser(sa)} in its users`
        : `SecurityContextConstraints ${name} lists group ${matches.map(m => m.name).join(', ')} in its groups, which includes service account ${sa.name}`,
  }
}

/** Every grant of `src.scc` to the service account that the given objects show, and what could not be read. */
export function locateSccGrants(src: GrantSources): GrantLocation {
  const grants: SccGrant[] = []
  const unread: UnreadPlace[] = []
  const sa = src.serviceAccount
  if (src.sccObject === undefined)
    unread.push({
      what: `SecurityContextConstraints ${src.scc} (its users and groups)`,
      permission: `get securitycontextconstraints/${src.scc}`,
    })
  else if (src.sccObject !== null) {
    for (const field of ['users', 'groups'] as const) {
      const g = sccFieldGrant(src.sccObject, field, src)
      if (g) grants.push(g)
    }
  }
  if (src.roleBindings === undefined)
    unread.push({what: `RoleBindings in ${sa.namespace}`, permission: `list rolebindings -n ${sa.namespace}`})
  else
    for (const rb of src.roleBindings) {
      if ((rb.metadata?.namespace ?? sa.namespace) !== sa.namespace) continue
      const g = bindingGrant(rb, 'RoleBinding', src, unread)
      if (g) grants.push(g)
    }
  if (src.clusterRoleBindings === undefined)
    unread.push({what: 'ClusterRoleBindings', permission: 'list clusterrolebindings'})
  else
    for (const crb of src.clusterRoleBindings) {
      const g = bindingGrant(crb, 'ClusterRoleBinding', src, unread)
      if (g) grants.push(g)
    }
  return {scc: src.scc, serviceAccount: sa, grants, unread}
}

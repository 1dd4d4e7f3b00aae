/**
 * RBAC authorizer over the Roles/ClusterRoles/RoleBindings/ClusterRoleBindings in the Store, with the
 * matching rules of kubernetes/plugin/pkg/auth/authorizer/rbac (rbac.go, subject_locator.go and
 * pkg/apis/rbac/v1/evaluation_helpers.go). The server core calls `authorize` for every request; the
 * SCC simulator calls it for the `use` verb on securitycontextconstraints.
 */
import {ApiError, type KObject, type ResourceType, type Store, type UserInfo} from './types.js'

export interface AuthorizationAttributes {
  verb: string
  group: string
  resource: string
  subresource?: string
  namespace?: string
  name?: string
  /** non-resource requests (`/version`, `/apis`, ...): set `path` and leave `resource` empty */
  path?: string
}

export interface Decision {
  allowed: boolean
  reason: string
}

interface PolicyRule {
  verbs?: string[]
  apiGroups?: string[]
  resources?: string[]
  resourceNames?: string[]
  nonResourceURLs?: string[]
}

interface Subject {
  kind: string
  name: string
  namespace?: string
  apiGroup?: string
}

interface RoleRef {
  apiGroup?: string
  kind: string
  name: string
}

/** The user a pod's service account authenticates as (k8s.io/apiserver/pkg/authentication/serviceaccount). */
export function serviceAccountUser(namespace: string, name: string): UserInfo {
  return {
    username: `system:serviceaccount:${namespace}:${name}`,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
  }
}

/** `system:serviceaccount:NS:NAME` → {namespace, name} */
export function parseServiceAccountUsername(username: string): {namespace: string; name: string} | undefined {
  const parts = username.split(':')
  if (parts.length !== 4 || parts[0] !== 'system' || parts[1] !== 'serviceaccount') return undefined
  return {namespace: parts[2], name: parts[3]}
}

function rt(store: Store, plural: string): ResourceType | undefined {
  return (
    store.resourceType('rbac.authorization.k8s.io/v1', plural) ??
    store.resourceType('rbac.authorization.k8s.io', plural)
  )
}

function verbMatches(rule: PolicyRule, verb: string): boolean {
  return (rule.verbs ?? []).some(v => v === '*' || v === verb)
}

function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some(g => g === '*' || g === group)
}

/** evaluation_helpers.go ResourceMatches: `*`, exact `resource/subresource`, or `*\/subresource`. */
function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  for (const r of rule.resources ?? []) {
    if (r === '*' || r === combined) return true
    if (subresource && r === `*/${subresource}`) return true
  }
  return false
}

/** An empty resourceNames list allows every name; otherwise the request must name one of them. */
function resourceNameMatches(rule: PolicyRule, name: string | undefined): boolean {
  const names = rule.resourceNames ?? []
  if (names.length === 0) return true
  return name !== undefined && name !== '' && names.includes(name)
}

/** NonResourceURLMatches: exact, `*`, or a prefix ending in `*`. */
function nonResourceUrlMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs ?? []) {
    if (u === '*' || u === path) return true
    if (u.endsWith('*') && path.startsWith(u.slice(0, -1))) return true
  }
  return false
}

export function ruleAllows(rule: PolicyRule, attrs: AuthorizationAttributes): boolean {
  if (!attrs.resource) {
    return verbMatches(rule, attrs.verb) && nonResourceUrlMatches(rule, attrs.path ?? '')
  }
  const combined = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource
  return (
    verbMatches(rule, attrs.verb) &&
    apiGroupMatches(rule, attrs.group) &&
    resourceMatches(rule, combined, attrs.subresource ?? '') &&
    resourceNameMatches(rule, attrs.name)
  )
}

/** rbac.go appliesToUser; a ServiceAccount subject without namespace means the binding's namespace. */
export function subjectMatches(subject: Subject, user: UserInfo, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return subject.name === user.username
    case 'Group':
      return user.groups.includes(subject.name)
    case 'ServiceAccount': {
      const ns = subject.namespace || bindingNamespace
      return user.username === `system:serviceaccount:${ns}:${subject.name}`
    }
    default:
      return false
  }
}

function rulesOf(role: KObject | undefined): PolicyRule[] {
  const rules = role?.rules
  return Array.isArray(rules) ? (rules as PolicyRule[]) : []
}

function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount') return `ServiceAccount "${s.namespace || bindingNamespace}/${s.name}"`
  return `${s.kind} "${s.name}"`
}

/**
 * Decides one request. `system:masters` may do everything (as the kube-apiserver's privileged group
 * authorizer allows). Otherwise ClusterRoleBindings apply everywhere and RoleBindings in their namespace;
 * the reason of an allow names the binding like the RBAC authorizer's reason string.
 */
export function authorize(store: Store, user: UserInfo, attrs: AuthorizationAttributes): Decision {
  if (user.groups.includes('system:masters')) return {allowed: true, reason: 'member of system:masters'}
  const crbRt = rt(store, 'clusterrolebindings')
  const rbRt = rt(store, 'rolebindings')
  const crRt = rt(store, 'clusterroles')
  const roleRt = rt(store, 'roles')
  // Read-only: no copies (every request and every SCC admission check runs this over all bindings).
  const get = (r: ResourceType, ns: string | undefined, name: string) =>
    store.getRaw ? store.getRaw(r, ns, name) : store.get(r, ns, name)
  const list = (r: ResourceType, ns?: string) => (store.listRaw ? store.listRaw(r, ns) : store.list(r, ns))
  const clusterRole = (name: string) => (crRt ? get(crRt, undefined, name) : undefined)

  if (crbRt) {
    for (const b of list(crbRt)) {
      const ref = b.roleRef as RoleRef | undefined
      if (!ref || ref.kind !== 'ClusterRole') continue
      const subject = ((b.subjects as Subject[] | undefined) ?? []).find(s => subjectMatches(s, user, ''))
      if (!subject) continue
      if (rulesOf(clusterRole(ref.name)).some(r => ruleAllows(r, attrs))) {
        return {
          allowed: true,
          reason: `RBAC: allowed by ClusterRoleBinding "${b.metadata.name}" of ClusterRole "${ref.name}" to ${describeSubject(subject, '')}`,
        }
      }
    }
  }
  if (rbRt && attrs.namespace) {
    for (const b of list(rbRt, attrs.namespace)) {
      const ref = b.roleRef as RoleRef | undefined
      if (!ref) continue
      const ns = b.metadata.namespace ?? attrs.namespace
      const subject = ((b.subjects as Subject[] | undefined) ?? []).find(s => subjectMatches(s, user, ns))
      if (!subject) continue
      const role =
        ref.kind === 'ClusterRole' ? clusterRole(ref.name) : roleRt ? get(roleRt, ns, ref.name) : undefined
      if (rulesOf(role).some(r => ruleAllows(r, attrs))) {
        return {
          allowed: true,
          reason: `RBAC: allowed by RoleBinding "${b.metadata.name}/${ns}" of ${ref.kind} "${ref.name}" to ${describeSubject(subject, ns)}`,
        }
      }
    }
  }
  return {allowed: false, reason: ''}
}

/**
 * The 403 the API server returns for a denied request (apiserver/pkg/endpoints/handlers/responsewriters
 * forbiddenMessage + apierrors.NewForbidden), e.g.
 * `pods "x" is forbidden: User "developer" cannot get resource "pods" in API group "" in the namespace "p"`.
 */
export function forbidden(user: UserInfo, attrs: AuthorizationAttributes, reason = ''): ApiError {
  let msg: string
  if (!attrs.resource) {
    msg = `User "${user.username}" cannot ${attrs.verb} path "${attrs.path ?? ''}"`
  } else {
    const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource
    msg = attrs.namespace
      ? `User "${user.username}" cannot ${attrs.verb} resource "${resource}" in API group "${attrs.group}" in the namespace "${attrs.namespace}"`
      : `User "${user.username}" cannot ${attrs.verb} resource "${resource}" in API group "${attrs.group}" at the cluster scope`
  }
  if (reason) msg = `${msg}: ${reason}`
  const qualified = attrs.group ? `${attrs.resource}.${attrs.group}` : attrs.resource
  let full: string
  if (!attrs.resource && !attrs.name) full = `forbidden: ${msg}`
  else if (!attrs.name) full = `${qualified} is forbidden: ${msg}`
  else full = `${qualified} "${attrs.name}" is forbidden: ${msg}`
  return new ApiError(403, 'Forbidden', full, {
    ...(attrs.name ? {name: attrs.name} : {}),
    ...(attrs.group ? {group: attrs.group} : {}),
    ...(attrs.resource ? {kind: attrs.resource} : {}),
  })
}

/**
 * RBAC escalation prevention: the checks the apiserver's RBAC storage makes before it stores a Role,
 * ClusterRole, RoleBinding or ClusterRoleBinding that a request creates or updates (patch and apply are
 * updates). Deleting is never checked. From kubernetes pkg/registry/rbac:
 *
 * - `{role,clusterrole}/policybased/storage.go`: a Role/ClusterRole may only carry rules its writer already
 *   holds — unless the writer is in system:masters or may `escalate` that roles/clusterroles resource;
 *   a ClusterRole with an aggregationRule needs `*` on everything ("must have cluster-admin privileges to
 *   use the aggregationRule");
 * - `{rolebinding,clusterrolebinding}/policybased/storage.go`: a binding may only reference a role whose
 *   rules its writer already holds (in the binding's namespace) — unless the writer is in system:masters
 *   or may `bind` that role (escalation_check.go BindingAuthorized);
 * - an update that changes only ownerReferences/finalizers is let through (helpers.go IsOnlyMutatingGCFields);
 * - "holds" is validation/policy_comparator.go Covers over the writer's rules from every ClusterRoleBinding
 *   and the RoleBindings of the namespace (validation/rule.go RulesFor), each rule broken down to one
 *   verb/group/resource/name; the missing ones are compacted (policy_compact.go) and printed with
 *   CompactString (pkg/apis/rbac/v1/evaluation_helpers.go) in ConfirmNoEscalation's message.
 */
import {subjectMatches, type AuthorizationAttributes} from './rbac.js'
import type {PolicyRule} from './policy/rules.js'
import {ApiError, type KObject, type ResourceType, type Store, type UserInfo} from './types.js'

export type AuthorizeFn = (user: UserInfo, attrs: AuthorizationAttributes) => boolean

interface RoleRef {
  apiGroup?: string
  kind?: string
  name?: string
}

const RBAC_GROUP = 'rbac.authorization.k8s.io'
/** user.SystemPrivilegedGroup: the apiserver's loopback identity may do anything (escalation_check.go) */
const PRIVILEGED_GROUP = 'system:masters'

function rbacRt(store: Store, plural: string): ResourceType {
  return store.resourceType(`${RBAC_GROUP}/v1`, plural)!
}

function rulesOf(o: KObject | undefined): PolicyRule[] {
  return Array.isArray(o?.rules) ? (o.rules as PolicyRule[]) : []
}

/** GetRoleReferenceRules; a missing role is the getter's NotFound. */
export function roleRefRules(store: Store, ref: RoleRef, bindingNamespace: string): PolicyRule[] {
  const plural = ref.kind === 'Role' ? 'roles' : ref.kind === 'ClusterRole' ? 'clusterroles' : undefined
  if (!plural)
    throw new ApiError(500, 'InternalError', `unsupported role reference kind: "${ref.kind ?? ''}"`)
  const rt = rbacRt(store, plural)
  const role = store.get(rt, plural === 'roles' ? bindingNamespace : undefined, ref.name ?? '')
  if (!role)
    throw new ApiError(404, 'NotFound', `${plural}.${RBAC_GROUP} "${ref.name ?? ''}" not found`, {
      name: ref.name ?? '',
      group: RBAC_GROUP,
      kind: plural,
    })
  return rulesOf(role)
}

/** RulesFor: the rules of every binding that applies to the user (cluster-wide, then in `namespace`). */
export function rulesFor(store: Store, user: UserInfo, namespace: string): PolicyRule[] {
  const out: PolicyRule[] = []
  for (const b of store.list(rbacRt(store, 'clusterrolebindings'))) {
    const subjects = (b.subjects as Array<{kind: string; name: string; namespace?: string}> | undefined) ?? []
    if (!subjects.some(s => subjectMatches(s, user, ''))) continue
    try {
      out.push(...roleRefRules(store, b.roleRef as RoleRef, ''))
    } catch {
      // an unresolvable reference grants nothing (RulesFor reports it as a non-fatal error)
    }
  }
  if (namespace)
    for (const b of store.list(rbacRt(store, 'rolebindings'), namespace)) {
      const subjects =
        (b.subjects as Array<{kind: string; name: string; namespace?: string}> | undefined) ?? []
      if (!subjects.some(s => subjectMatches(s, user, namespace))) continue
      try {
        out.push(...roleRefRules(store, b.roleRef as RoleRef, namespace))
      } catch {
        // as above
      }
    }
  return out
}

/** BreakdownRule: one rule per group × resource × verb (× resourceName), and per URL × verb. */
export function breakdownRule(r: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = []
  for (const g of r.apiGroups ?? [])
    for (const res of r.resources ?? [])
      for (const v of r.verbs ?? []) {
        if (r.resourceNames?.length)
          for (const n of r.resourceNames)
            out.push({apiGroups: [g], resources: [res], verbs: [v], resourceNames: [n]})
        else out.push({apiGroups: [g], resources: [res], verbs: [v]})
      }
  for (const u of r.nonResourceURLs ?? [])
    for (const v of r.verbs ?? []) out.push({nonResourceURLs: [u], verbs: [v]})
  return out
}

const has = (set: string[] | undefined, x: string) => (set ?? []).includes(x)
const hasAll = (set: string[] | undefined, xs: string[] | undefined) => (xs ?? []).every(x => has(set, x))

/** resourceCoversAll: `*`, exact, or `*\/subresource` for a subresource */
function resourceCoversAll(owner: string[] | undefined, wanted: string[] | undefined): boolean {
  if (has(owner, '*') || hasAll(owner, wanted)) return true
  return (wanted ?? []).every(path => {
    if (has(owner, path)) return true
    const slash = path.indexOf('/')
    return slash >= 0 && has(owner, `*/${path.slice(slash + 1)}`)
  })
}

function nonResourceUrlsCoverAll(owner: string[] | undefined, wanted: string[] | undefined): boolean {
  return (wanted ?? []).every(path =>
    (owner ?? []).some(o => o === path || (o.endsWith('*') && path.startsWith(o.replace(/\*+$/, '')))),
  )
}

function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const verbs = has(owner.verbs, '*') || hasAll(owner.verbs, sub.verbs)
  const groups = has(owner.apiGroups, '*') || hasAll(owner.apiGroups, sub.apiGroups)
  const resources = resourceCoversAll(owner.resources, sub.resources)
  const urls = nonResourceUrlsCoverAll(owner.nonResourceURLs, sub.nonResourceURLs)
  const names = sub.resourceNames?.length
    ? !owner.resourceNames?.length || hasAll(owner.resourceNames, sub.resourceNames)
    : !owner.resourceNames?.length
  return verbs && groups && resources && names && urls
}

/** Covers: whether `owner` holds every broken-down rule of `servant`, and the ones it does not. */
export function covers(
  owner: PolicyRule[],
  servant: PolicyRule[],
): {covered: boolean; missing: PolicyRule[]} {
  const missing = servant.flatMap(breakdownRule).filter(sub => !owner.some(o => ruleCovers(o, sub)))
  return {covered: missing.length === 0, missing}
}

/** CompactRules: single group/resource(/name) rules that differ only by verb become one. */
export function compactRules(rules: PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = []
  const simple = new Map<string, PolicyRule>()
  for (const r of rules) {
    const isSimple =
      (r.resourceNames?.length ?? 0) <= 1 &&
      !r.nonResourceURLs?.length &&
      r.apiGroups?.length === 1 &&
      r.resources?.length === 1
    if (!isSimple) {
      out.push(r)
      continue
    }
    const key = JSON.stringify([r.apiGroups![0], r.resources![0], r.resourceNames?.[0] ?? null])
    const existing = simple.get(key)
    if (existing) existing.verbs = [...existing.verbs, ...r.verbs]
    else simple.set(key, structuredClone(r))
  }
  return [...out, ...simple.values()]
}

/** Go's %q of a []string: ["a" "b"] */
export function goQuoteList(xs: string[]): string {
  return `[${xs.map(x => JSON.stringify(x)).join(' ')}]`
}

/** CompactString, for escalation messages: {APIGroups:[..], Resources:[..], NonResourceURLs:[..], ResourceNames:[..], Verbs:[..]} */
export function compactString(r: PolicyRule): string {
  const parts: string[] = []
  if (r.apiGroups?.length) parts.push(`APIGroups:${goQuoteList(r.apiGroups)}`)
  if (r.resources?.length) parts.push(`Resources:${goQuoteList(r.resources)}`)
  if (r.nonResourceURLs?.length) parts.push(`NonResourceURLs:${goQuoteList(r.nonResourceURLs)}`)
  if (r.resourceNames?.length) parts.push(`ResourceNames:${goQuoteList(r.resourceNames)}`)
  if (r.verbs?.length) parts.push(`Verbs:${goQuoteList(r.verbs)}`)
  return `{${parts.join(', ')}}`
}

/** ConfirmNoEscalation: undefined when the user holds every rule, else the apiserver's message. */
export function escalationMessage(
  store: Store,
  user: UserInfo,
  namespace: string,
  rules: PolicyRule[],
): string | undefined {
  const {covered, missing} = covers(rulesFor(store, user, namespace), rules)
  if (covered) return undefined
  const described = [...new Set(compactRules(missing).map(compactString))].sort()
  return `user ${JSON.stringify(user.username)} (groups=${goQuoteList(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${described.join('\n')}`
}

/** apierrors.NewForbidden(rbac.Resource(plural), name, err) */
function forbidden(plural: string, name: string, message: string): ApiError {
  return new ApiError(403, 'Forbidden', `${plural}.${RBAC_GROUP} "${name}" is forbidden: ${message}`, {
    name,
    group: RBAC_GROUP,
    kind: plural,
  })
}

/** IsOnlyMutatingGCFields: the update changes nothing but ownerReferences, finalizers and managedFields. */
export function onlyGcFields(obj: KObject, old: KObject): boolean {
  const strip = (o: KObject) => {
    const {ownerReferences: _o, finalizers: _f, managedFields: _m, resourceVersion: _r, ...meta} = o.metadata
    return JSON.stringify({...o, metadata: meta})
  }
  return strip(obj) === strip(old)
}

const FULL_AUTHORITY: PolicyRule[] = [
  {apiGroups: ['*'], resources: ['*'], verbs: ['*']},
  {nonResourceURLs: ['*'], verbs: ['*']},
]

export interface EscalationRequest {
  store: Store
  user: UserInfo
  rt: ResourceType
  /** the request's namespace ('' for cluster-scoped kinds) */
  namespace: string
  /** the name in the URL (empty on create: the `escalate` check then matches no resourceNames) */
  urlName: string
  object: KObject
  /** the stored object, on update */
  old?: KObject
  authorize: AuthorizeFn
}

/**
 * Throws the apiserver's 403 when a write of an RBAC object would grant what its writer does not hold.
 * Other kinds pass.
 */
export function checkEscalation(req: EscalationRequest): void {
  const {store, user, rt, namespace, object, old, authorize} = req
  if (rt.group !== RBAC_GROUP) return
  if (user.groups.includes(PRIVILEGED_GROUP)) return
  const name = object.metadata.name ?? req.urlName
  if (old && onlyGcFields(object, old)) return
  switch (rt.plural) {
    case 'roles':
    case 'clusterroles': {
      const escalate = authorize(user, {
        verb: 'escalate',
        group: RBAC_GROUP,
        resource: rt.plural,
        name: req.urlName || undefined,
        namespace: namespace || undefined,
      })
      if (escalate) return
      const message = escalationMessage(store, user, namespace, rulesOf(object))
      if (message) throw forbidden(rt.plural, name, message)
      const aggregates = (o?: KObject) =>
        ((o?.aggregationRule as {clusterRoleSelectors?: unknown[]} | undefined)?.clusterRoleSelectors
          ?.length ?? 0) > 0
      if (
        rt.plural === 'clusterroles' &&
        (aggregates(object) || aggregates(old)) &&
        escalationMessage(store, user, namespace, FULL_AUTHORITY)
      )
        throw forbidden(rt.plural, name, 'must have cluster-admin privileges to use the aggregationRule')
      return
    }
    case 'rolebindings':
    case 'clusterrolebindings': {
      const ref = (object.roleRef ?? {}) as RoleRef
      const bind =
        (ref.kind === 'ClusterRole' || ref.kind === 'Role') &&
        authorize(user, {
          verb: 'bind',
          group: ref.apiGroup ?? '',
          resource: ref.kind === 'Role' ? 'roles' : 'clusterroles',
          name: ref.name,
          namespace: namespace || undefined,
        })
      if (bind) return
      const message = escalationMessage(store, user, namespace, roleRefRules(store, ref, namespace))
      if (message) throw forbidden(rt.plural, name, message)
    }
  }
}

/**
 * The vocabulary of the default policy: PolicyRule builders in the shape of kubernetes'
 * `rbacv1helpers.NewRule(verbs...).Groups(...).Resources(...).Names(...)` and the Role, ClusterRole and
 * binding objects a fresh cluster holds. The rules themselves live in kubernetes.ts and openshift.ts,
 * each with the file it was taken from.
 */
import type {KObject} from '../types.js'

export const RBAC_API = 'rbac.authorization.k8s.io/v1'
export const RBAC_GROUP = 'rbac.authorization.k8s.io'

/** kubernetes bootstrappolicy/policy.go: Read, Write, ReadWrite */
export const READ = ['get', 'list', 'watch']
export const WRITE = ['create', 'update', 'patch', 'delete', 'deletecollection']
export const READ_WRITE = [...READ, ...WRITE]

export interface PolicyRule {
  verbs: string[]
  apiGroups?: string[]
  resources?: string[]
  resourceNames?: string[]
  nonResourceURLs?: string[]
}

const sorted = (xs: string[]) => [...xs].sort()

/**
 * NewRule(verbs).Groups(groups).Resources(resources)[.Names(names)]: every list sorted, as
 * PolicyRuleBuilder.Rule() leaves it (kubernetes pkg/apis/rbac/v1/helpers.go).
 */
export function rule(verbs: string[], groups: string[], resources: string[], names?: string[]): PolicyRule {
  return {
    verbs: sorted(verbs),
    apiGroups: sorted(groups),
    resources: sorted(resources),
    ...(names ? {resourceNames: sorted(names)} : {}),
  }
}

/** NewRule(verbs).URLs(paths) */
export function urls(verbs: string[], paths: string[]): PolicyRule {
  return {verbs: sorted(verbs), nonResourceURLs: sorted(paths)}
}

export interface RoleInput {
  name: string
  rules?: PolicyRule[]
  /** ClusterRoles whose labels match one of these selectors lend their rules (aggregate.ts) */
  aggregateFrom?: Array<Record<string, string>>
  labels?: Record<string, string>
  annotations?: Record<string, string>
}

/** bootstrap roles carry `rbac.authorization.kubernetes.io/autoupdate: "true"` (addDefaultMetadata) */
const AUTOUPDATE = {'rbac.authorization.kubernetes.io/autoupdate': 'true'}

export function clusterRoleObject(r: RoleInput): KObject {
  const o: KObject = {
    apiVersion: RBAC_API,
    kind: 'ClusterRole',
    metadata: {
      name: r.name,
      annotations: {...AUTOUPDATE, ...(r.annotations ?? {})},
      ...(r.labels ? {labels: {...r.labels}} : {}),
    },
    rules: r.rules ?? [],
  }
  if (r.aggregateFrom)
    o.aggregationRule = {clusterRoleSelectors: r.aggregateFrom.map(matchLabels => ({matchLabels}))}
  return o
}

export function roleObject(namespace: string, r: RoleInput): KObject {
  return {
    apiVersion: RBAC_API,
    kind: 'Role',
    metadata: {name: r.name, namespace, annotations: {...AUTOUPDATE, ...(r.annotations ?? {})}},
    rules: r.rules ?? [],
  }
}

export type SubjectInput =
  {kind: 'User' | 'Group'; name: string} | {kind: 'ServiceAccount'; name: string; namespace: string}

export const group = (name: string): SubjectInput => ({kind: 'Group', name})
export const user = (name: string): SubjectInput => ({kind: 'User', name})

function subject(s: SubjectInput): Record<string, string> {
  return s.kind === 'ServiceAccount'
    ? {kind: s.kind, name: s.name, namespace: s.namespace}
    : {apiGroup: RBAC_GROUP, kind: s.kind, name: s.name}
}

export function clusterRoleBinding(name: string, role: string, subjects: SubjectInput[]): KObject {
  return {
    apiVersion: RBAC_API,
    kind: 'ClusterRoleBinding',
    metadata: {name},
    roleRef: {apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: role},
    subjects: subjects.map(subject),
  }
}

export function roleBinding(
  namespace: string,
  name: string,
  role: string,
  subjects: SubjectInput[],
  roleKind: 'ClusterRole' | 'Role' = 'ClusterRole',
): KObject {
  return {
    apiVersion: RBAC_API,
    kind: 'RoleBinding',
    metadata: {name, namespace},
    roleRef: {apiGroup: RBAC_GROUP, kind: roleKind, name: role},
    subjects: subjects.map(subject),
  }
}

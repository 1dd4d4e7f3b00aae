/**
 * How to take a located grant away (locate.ts), as data for a client (deploy sends it through the
 * API) and as the command a person runs (doctor prints it):
 *   - a binding whose every subject reaches the service account is deleted (what `oc adm policy
 *     remove-scc-from-user` does to an emptied binding); deleting is also what a project admin may do
 *     to a binding of a role it does not hold — RBAC escalation prevention checks creates and updates
 *     of bindings, not deletes (FACTS.md §RBAC, storage and immutability);
 *   - otherwise our subjects (or the SCC's `users` / `groups` entries) are removed with a JSON patch
 *     whose `test` operations make it fail, instead of removing someone else's entry, when the list
 *     changed meanwhile (SCCs are CRDs: no strategic merge, FACTS.md §SCC grants).
 * `requiredAccess` lists what the writer needs, so a caller can ask SelfSubjectAccessReviews and say
 * up front that a cluster administrator must do it.
 */
import type {JsonPatchOperation} from '../cluster/apply.js'
import type {GrantTarget, SccGrant} from './locate.js'
import {SCC_GROUP, SCC_RESOURCE} from './rules.js'

export type GrantRemoval =
  | {action: 'delete'; grant: SccGrant; target: GrantTarget; command: string; description: string}
  | {
      action: 'patch'
      grant: SccGrant
      target: GrantTarget
      patch: JsonPatchOperation[]
      command: string
      description: string
    }

/** One SelfSubjectAccessReview question (resourceAttributes). */
export interface AccessQuestion {
  verb: string
  group: string
  resource: string
  name?: string
  namespace?: string
}

/** `delete rolebindings.rbac.authorization.k8s.io/x -n ns`: a stable key and the wording of a permission. */
export function accessKey(q: AccessQuestion): string {
  const res = q.group ? `${q.resource}.${q.group}` : q.resource
  return `${q.verb} ${res}${q.name ? `/${q.name}` : ''}${q.namespace ? ` -n ${q.namespace}` : ''}`
}

const RBAC = 'rbac.authorization.k8s.io'

function resourceOf(t: GrantTarget): {group: string; resource: string; cli: string} {
  switch (t.kind) {
    case 'RoleBinding':
      return {group: RBAC, resource: 'rolebindings', cli: 'rolebinding'}
    case 'ClusterRoleBinding':
      return {group: RBAC, resource: 'clusterrolebindings', cli: 'clusterrolebinding'}
    default:
      return {group: SCC_GROUP, resource: SCC_RESOURCE, cli: 'scc'}
  }
}

const nsFlag = (t: GrantTarget) => (t.namespace ? ` -n ${t.namespace}` : '')

/** How a removal names the entries it takes away. */
function entryWords(grant: SccGrant): string {
  return grant.matches
    .map(m =>
      grant.place === 'scc-users'
        ? m.name
        : m.via === 'ServiceAccount'
          ? `service account ${m.name}`
          : `${m.via === 'Group' ? 'group' : 'user'} ${m.name}`,
    )
    .join(', ')
}

/** The change that removes this grant from the service account (and only what the grant's entries carry). */
export function planGrantRemoval(grant: SccGrant): GrantRemoval {
  const t = grant.target
  const {cli} = resourceOf(t)
  const where = t.namespace ? `${t.kind} ${t.name} in ${t.namespace}` : `${t.kind} ${t.name}`
  const isBinding = t.kind !== 'SecurityContextConstraints'
  if (isBinding && grant.remaining === 0) {
    return {
      action: 'delete',
      grant,
      target: t,
      command: `oc delete ${cli} ${t.name}${nsFlag(t)}`,
      description: `deleted ${where} (${
        grant.matches.length === 1
          ? `its only subject was ${entryWords(grant)}`
          : `each of its subjects reached the service account: ${entryWords(grant)}`
      })`,
    }
  }
  const list = grant.place === 'scc-users' ? 'users' : grant.place === 'scc-groups' ? 'groups' : 'subjects'
  // Highest index first, so earlier indexes stay valid within the one patch.
  const patch = [...grant.matches]
    .sort((a, b) => b.index - a.index)
    .flatMap((m): JsonPatchOperation[] => [
      {op: 'test', path: `/${list}/${m.index}`, value: m.value},
      {op: 'remove', path: `/${list}/${m.index}`},
    ])
  return {
    action: 'patch',
    grant,
    target: t,
    patch,
    command: `oc patch ${cli} ${t.name}${nsFlag(t)} --type=json -p '${JSON.stringify(patch)}'`,
    description: `removed ${entryWords(grant)} from the ${list} of ${where}`,
  }
}

/**
 * What the writer needs: `all` of them, and for a patched binding also one of `anyOf` — updating a
 * binding is refused unless the writer holds the role's permissions or may `bind` it (escalation
 * prevention); holding `use` on the SCC is that permission for the `system:openshift:scc:*` roles and
 * custom roles that grant only it.
 */
export function requiredAccess(removal: GrantRemoval): {all: AccessQuestion[]; anyOf: AccessQuestion[]} {
  const t = removal.target
  const {group, resource} = resourceOf(t)
  const all: AccessQuestion[] = [
    {verb: removal.action, group, resource, name: t.name, ...(t.namespace ? {namespace: t.namespace} : {})},
  ]
  const role = removal.grant.role
  if (removal.action === 'delete' || !role) return {all, anyOf: []}
  const ns = removal.grant.target.namespace
  return {
    all,
    anyOf: [
      {
        verb: 'use',
        group: SCC_GROUP,
        resource: SCC_RESOURCE,
        name: removal.grant.scc,
        ...(ns ? {namespace: ns} : {}),
      },
      {
        verb: 'bind',
        group: RBAC,
        resource: role.kind === 'Role' ? 'roles' : 'clusterroles',
        name: role.name,
        ...(role.kind === 'Role' && ns ? {namespace: ns} : {}),
      },
    ],
  }
}

/**
 * Whether the answers allow the removal: true/false, or undefined when a needed answer is missing.
 * `answers` maps `accessKey(question)` to the SelfSubjectAccessReview's `allowed`.
 */
export function mayRemove(
  removal: GrantRemoval,
  answers: Readonly<Record<string, boolean>>,
): boolean | undefined {
  const {all, anyOf} = requiredAccess(removal)
  const get = (q: AccessQuestion): boolean | undefined => answers[accessKey(q)]
  const needs = all.map(get)
  if (needs.includes(false)) return false
  const alt = anyOf.map(get)
  if (anyOf.length > 0 && !alt.includes(true)) return alt.includes(undefined) ? undefined : false
  return needs.includes(undefined) ? undefined : true
}

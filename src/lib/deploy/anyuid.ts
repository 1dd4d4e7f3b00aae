/**
 * anyuid removal, planned as data. OpenShift records a grant of an SCC to a service account in one
 * of three places (FACTS.md §SCC grants):
 *   1. the SCC's own `users` list (`system:serviceaccount:NS:SA`) — OpenShift <= 4.4 / 3.x,
 *   2. a RoleBinding `system:openshift:scc:anyuid` in the namespace (`oc adm policy ... -n NS`),
 *   3. a ClusterRoleBinding of the same name (`oc adm policy ... -z SA` without an explicit -n).
 * This module only decides what to change; the caller sends the patches (with a `test` operation
 * so a concurrent edit makes the patch fail instead of clobbering someone else's change).
 */

import type {JsonPatchOperation} from '../cluster/apply.js'

export const ANYUID_SCC = 'anyuid'
export const ANYUID_BINDING = 'system:openshift:scc:anyuid'

interface Subject {
  kind?: string
  name?: string
  namespace?: string
  apiGroup?: string
}

interface BindingLike {
  metadata: {
    name?: string
    namespace?: string
    annotations?: Record<string, string>
    resourceVersion?: string
  }
  subjects?: Subject[]
  roleRef?: {kind?: string; name?: string}
}

interface SccLike {
  metadata: {name?: string; resourceVersion?: string}
  users?: string[] | null
  groups?: string[] | null
}

export type AnyuidChange =
  | {
      place: 'scc-users'
      action: 'remove-user'
      target: {kind: 'SecurityContextConstraints'; name: string}
      patch: JsonPatchOperation[]
      description: string
    }
  | {
      place: 'rolebinding' | 'clusterrolebinding'
      action: 'remove-subject'
      target: {kind: 'RoleBinding' | 'ClusterRoleBinding'; name: string; namespace?: string}
      patch: JsonPatchOperation[]
      description: string
      /**
       * When ours is the binding's only subject: deleting it removes the same grant. Updating a binding
       * needs every permission of its role (RBAC escalation prevention) — a project admin lacks `use` on
       * anyuid — but deleting one does not, so the caller deletes when the patch is forbidden.
       */
      deleteInstead?: {resourceVersion?: string; description: string}
    }
  | {
      place: 'rolebinding' | 'clusterrolebinding'
      action: 'delete-binding'
      target: {kind: 'RoleBinding' | 'ClusterRoleBinding'; name: string; namespace?: string}
      /** precondition: delete only the version we inspected */
      resourceVersion?: string
      description: string
    }

/** A grant this tool will not remove because it would affect others (a group), reported instead. */
export interface AnyuidNotice {
  place: 'scc-groups' | 'rolebinding' | 'clusterrolebinding'
  message: string
}

export interface AnyuidPlan {
  changes: AnyuidChange[]
  notices: AnyuidNotice[]
}

export interface AnyuidInput {
  namespace: string
  serviceAccount: string
  /** the `anyuid` SCC, or undefined when absent / not readable */
  scc?: SccLike
  roleBinding?: BindingLike
  clusterRoleBinding?: BindingLike
}

export function serviceAccountUser(namespace: string, sa: string): string {
  return `system:serviceaccount:${namespace}:${sa}`
}

export type GrantPlace = 'scc-users' | 'rolebinding' | 'clusterrolebinding'

/**
 * The exact command an administrator runs to remove a grant we were not allowed to remove. Since
 * OpenShift 4.5, `oc adm policy remove-scc-from-user` edits the binding system:openshift:scc:anyuid:
 * the RoleBinding in NS when `-n` is given explicitly, else the ClusterRoleBinding (openshift/oc
 * pkg/cli/admin/policy/modify_scc.go) — so a cluster-wide grant is removed by naming the service account
 * as a user, without `-n`. A grant in the SCC's own `users` list (OpenShift <= 4.4) is not touched by
 * today's oc: it takes a JSON patch of the SCC (`patch` from the plan, test operation included).
 */
export function adminRemovalCommand(
  namespace: string,
  sa: string,
  place: GrantPlace = 'rolebinding',
  patch?: readonly JsonPatchOperation[],
): string {
  return sccRemovalCommand(ANYUID_SCC, namespace, sa, place, patch)
}

/** `adminRemovalCommand` for any SCC (doctor reports privileged grants the same way). */
export function sccRemovalCommand(
  scc: string,
  namespace: string,
  sa: string,
  place: GrantPlace = 'rolebinding',
  patch?: readonly JsonPatchOperation[],
): string {
  switch (place) {
    case 'clusterrolebinding':
      return `oc adm policy remove-scc-from-user ${scc} ${serviceAccountUser(namespace, sa)}`
    case 'scc-users':
      return patch
        ? `oc patch scc ${scc} --type=json -p '${JSON.stringify(patch)}'`
        : `oc edit scc ${scc}   # remove ${serviceAccountUser(namespace, sa)} from users`
    default:
      return `oc adm policy remove-scc-from-user ${scc} -z ${sa} -n ${namespace}`
  }
}

function subjectIsServiceAccount(
  s: Subject,
  namespace: string,
  sa: string,
  bindingNamespace?: string,
): boolean {
  if (s.kind === 'ServiceAccount') {
    // A RoleBinding subject without a namespace means the binding's own namespace.
    return s.name === sa && (s.namespace ?? bindingNamespace) === namespace
  }
  // Older `oc adm policy` wrote the service account as a User subject.
  return s.kind === 'User' && s.name === serviceAccountUser(namespace, sa)
}

function planBinding(
  binding: BindingLike,
  kind: 'RoleBinding' | 'ClusterRoleBinding',
  namespace: string,
  sa: string,
  notices: AnyuidNotice[],
): AnyuidChange[] {
  const place = kind === 'RoleBinding' ? 'rolebinding' : 'clusterrolebinding'
  const name = binding.metadata.name ?? ANYUID_BINDING
  const bindingNs = kind === 'RoleBinding' ? binding.metadata.namespace : undefined
  const subjects = binding.subjects ?? []
  const keep = subjects.filter(s => !subjectIsServiceAccount(s, namespace, sa, bindingNs))
  const target = {kind, name, ...(bindingNs ? {namespace: bindingNs} : {})}
  const where = kind === 'RoleBinding' ? `RoleBinding ${name} in ${bindingNs}` : `ClusterRoleBinding ${name}`
  for (const s of keep) {
    if (
      s.kind === 'Group' &&
      (s.name === 'system:serviceaccounts' || s.name === `system:serviceaccounts:${namespace}`)
    ) {
      notices.push({
        place,
        message: `${where} grants anyuid to group ${s.name}, which includes service account ${sa}; not removed because it affects other service accounts`,
      })
    }
  }
  if (keep.length === subjects.length) return []
  const autoupdateOff =
    binding.metadata.annotations?.['rbac.authorization.kubernetes.io/autoupdate'] === 'false'
  if (keep.length === 0 && !autoupdateOff) {
    // Same rule as `oc adm policy remove-scc-from-user`: an emptied binding is deleted.
    return [
      {
        place,
        action: 'delete-binding',
        target,
        resourceVersion: binding.metadata.resourceVersion,
        description: `deleted ${where} (its only subject was service account ${sa})`,
      },
    ]
  }
  return [
    {
      place,
      action: 'remove-subject',
      target,
      patch: [
        {op: 'test', path: '/subjects', value: subjects},
        {op: 'replace', path: '/subjects', value: keep},
      ],
      description: `removed service account ${sa} from ${where}`,
      ...(keep.length === 0
        ? {
            deleteInstead: {
              resourceVersion: binding.metadata.resourceVersion,
              description: `deleted ${where} (its only subject was service account ${sa}; emptying it was not allowed)`,
            },
          }
        : {}),
    },
  ]
}

export function planAnyuidRemoval(input: AnyuidInput): AnyuidPlan {
  const {namespace, serviceAccount: sa} = input
  const changes: AnyuidChange[] = []
  const notices: AnyuidNotice[] = []

  if (input.scc) {
    const user = serviceAccountUser(namespace, sa)
    const users = input.scc.users ?? []
    // Remove from the highest index down so earlier indexes stay valid within one patch.
    const indexes = users.flatMap((u, i) => (u === user ? [i] : [])).reverse()
    if (indexes.length > 0) {
      changes.push({
        place: 'scc-users',
        action: 'remove-user',
        target: {kind: 'SecurityContextConstraints', name: input.scc.metadata.name ?? ANYUID_SCC},
        patch: indexes.flatMap((i): JsonPatchOperation[] => [
          {op: 'test', path: `/users/${i}`, value: user},
          {op: 'remove', path: `/users/${i}`},
        ]),
        description: `removed ${user} from the users of SecurityContextConstraints ${ANYUID_SCC}`,
      })
    }
    for (const g of input.scc.groups ?? []) {
      if (
        g === 'system:serviceaccounts' ||
        g === `system:serviceaccounts:${namespace}` ||
        g === 'system:authenticated'
      ) {
        notices.push({
          place: 'scc-groups',
          message: `SecurityContextConstraints ${ANYUID_SCC} lists group ${g}, which includes service account ${sa}; not removed because it affects others`,
        })
      }
    }
  }
  if (input.roleBinding)
    changes.push(...planBinding(input.roleBinding, 'RoleBinding', namespace, sa, notices))
  if (input.clusterRoleBinding) {
    changes.push(...planBinding(input.clusterRoleBinding, 'ClusterRoleBinding', namespace, sa, notices))
  }
  return {changes, notices}
}

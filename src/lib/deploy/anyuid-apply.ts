/**
 * anyuid removal before a deploy. Every grant of the `anyuid` SCC to the pod's service account is
 * located with the grants locator (src/lib/grants: the SCC's users and groups, and any RoleBinding or
 * ClusterRoleBinding, whatever its name, whose role grants `use` on anyuid — `oc adm policy
 * remove-scc-from-user` only edits the bindings named system:openshift:scc:anyuid) and removed as the
 * locator plans it: a binding whose every subject is the service account is deleted (what a project
 * admin may do even to a binding of a role it does not hold: RBAC escalation prevention checks
 * updates, not deletes), otherwise our entries go with a JSON patch guarded by `test` operations.
 *
 * Not removed, but reported with the command that would: a grant through a group (it would take
 * anyuid from every other member) and a binding whose role grants more than SCC use (the service
 * account would lose that too). A 403 never fails the deploy: it becomes a warning and the exact
 * command an administrator must run. Grants this user cannot read are asked of the SCC subject review.
 */
import {
  isForbidden,
  isNotFound,
  jsonPatch,
  resourcePath,
  type KubeClient,
  type KubeObject,
} from '../cluster/index.js'
import {
  grantSourcePaths,
  locateSccGrants,
  planGrantRemoval,
  readGrantSources,
  serviceAccountGroups,
  serviceAccountUser,
  type GrantRemoval,
  type SccGrant,
} from '../grants/index.js'

export const ANYUID_SCC = 'anyuid'

export interface AnyuidOutcome {
  /** what was removed (or, in a dry run, would be) */
  removed: string[]
  /** grants we could not see or change: each with the reason */
  warnings: string[]
  /** the exact commands an administrator must run; empty when nothing is left to do */
  adminCommands: string[]
}

export interface AnyuidOptions {
  namespace: string
  serviceAccount: string
  /** the notebook, for the `oc jupyter doctor` an administrator runs to find a grant we cannot read */
  name: string
  dryRun: boolean
}

const where = (g: SccGrant) =>
  g.target.namespace
    ? `${g.target.kind} ${g.target.name} in ${g.target.namespace}`
    : `${g.target.kind} ${g.target.name}`

/** Why deploy leaves a grant alone although it could remove it; undefined when it removes it. */
function sideEffect(g: SccGrant, sa: string): string | undefined {
  if (g.shared) {
    const groups = g.matches.filter(m => m.via === 'Group').map(m => m.name)
    return `also takes anyuid from every other member of ${groups.join(', ')}`
  }
  if (g.broaderRole && g.role)
    return `also takes the other permissions of ${g.role.kind} ${g.role.name} from service account ${sa}`
  return undefined
}

/**
 * What removeAnyuid reads first, as plain GETs a caller may send ahead (KubeClient.prefetch): the
 * SCC, the RoleBindings of the namespace and the ClusterRoleBindings (grants/read.ts).
 */
export function anyuidGrantPaths(
  namespace: string,
): Record<'scc' | 'roleBindings' | 'clusterRoleBindings', string> {
  return grantSourcePaths(ANYUID_SCC, namespace)
}

export async function removeAnyuid(client: KubeClient, opts: AnyuidOptions): Promise<AnyuidOutcome> {
  const {namespace, serviceAccount: sa, dryRun} = opts
  const located = locateSccGrants(await readGrantSources(client, ANYUID_SCC, {namespace, name: sa}))
  const outcome: AnyuidOutcome = {removed: [], warnings: [], adminCommands: []}
  const addCommand = (command: string) => {
    if (!outcome.adminCommands.includes(command)) outcome.adminCommands.push(command)
  }
  for (const grant of located.grants) {
    const removal = planGrantRemoval(grant)
    const effect = sideEffect(grant, sa)
    if (effect) {
      outcome.warnings.push(`${grant.description}; not removed: that ${effect}`)
      addCommand(`${removal.command}   # ${effect}`)
      continue
    }
    try {
      await send(client, removal, dryRun)
      outcome.removed.push(dryRun ? `would have ${removal.description}` : removal.description)
    } catch (error) {
      if (!isForbidden(error)) throw error
      outcome.warnings.push(
        `${grant.description}; this user may not ${removal.action} ${where(grant)}: service account ${sa} keeps anyuid`,
      )
      addCommand(removal.command)
    }
  }
  // A project admin reads neither SCCs nor ClusterRoleBindings: ask the server whether the service
  // account may still use anyuid. Not when a grant we saw stays: that one already explains a "yes".
  if (located.unread.length > 0 && outcome.adminCommands.length === 0 && !dryRun) {
    const review = await reviewScc(client, namespace, sa)
    const notRead = located.unread.map(u => u.what).join(', ')
    if (review.allowedBy === ANYUID_SCC) {
      outcome.warnings.push(
        `service account ${sa} can still use anyuid (SCC subject review), through a grant this user may not read: ${notRead}`,
      )
      addCommand(
        `oc jupyter doctor ${opts.name} -n ${namespace}   # as a cluster administrator: names the grant and prints the command that removes it`,
      )
    } else if (!review.answered) {
      // e.g. the `edit` role: no RBAC reads and no SCC review (only `admin` may create those)
      outcome.warnings.push(
        `could not check whether service account ${sa} may use anyuid: this user may not read ${notRead}, nor run an SCC subject review (podsecuritypolicysubjectreviews)`,
      )
    }
  }
  return outcome
}

/**
 * PodSecurityPolicySubjectReview of a probe pod that only a RunAsAny SCC admits (a fixed UID outside
 * every project range, no seccomp profile — anyuid allows none): allowedBy names the SCC the service
 * account could use to run as the image's USER, or is null when it has only restricted(-v2).
 */
async function reviewScc(
  client: KubeClient,
  namespace: string,
  sa: string,
): Promise<{answered: boolean; allowedBy?: string}> {
  const identity = {namespace, name: sa}
  try {
    const res = await client.create<KubeObject>(
      resourcePath('PodSecurityPolicySubjectReview', {namespace}),
      {
        apiVersion: 'security.openshift.io/v1',
        kind: 'PodSecurityPolicySubjectReview',
        spec: {
          template: {
            metadata: {},
            spec: {
              serviceAccountName: sa,
              containers: [{name: 'probe', image: 'probe', securityContext: {runAsUser: 1000}}],
            },
          },
          user: serviceAccountUser(identity),
          groups: serviceAccountGroups(identity),
        },
      },
      {idempotent: true},
    ) // a review persists nothing: safe to retry
    const allowedBy = (res.body.status as {allowedBy?: {name?: string} | null} | undefined)?.allowedBy?.name
    return {answered: true, ...(allowedBy ? {allowedBy} : {})}
  } catch (error) {
    // forbidden (below `admin`), or not served (not OpenShift)
    if (isForbidden(error) || isNotFound(error)) return {answered: false}
    throw error
  }
}

async function send(client: KubeClient, removal: GrantRemoval, dryRun: boolean): Promise<void> {
  const t = removal.target
  if (removal.action === 'delete') {
    try {
      await client.request({
        method: 'DELETE',
        path: resourcePath(t.kind, {namespace: t.namespace, name: t.name}),
        query: dryRun ? {dryRun: 'All'} : {},
        // Delete only the version we inspected: a subject added meanwhile must not be lost.
        body: {
          apiVersion: 'v1',
          kind: 'DeleteOptions',
          ...(t.resourceVersion ? {preconditions: {resourceVersion: t.resourceVersion}} : {}),
        },
      })
    } catch (error) {
      if (!isNotFound(error)) throw error
    }
    return
  }
  await jsonPatch(
    client,
    {kind: t.kind, name: t.name, ...(t.namespace ? {namespace: t.namespace} : {})},
    removal.patch,
    {dryRun},
  )
}

/**
 * Carries out an anyuid removal plan (anyuid.ts) against the cluster. A 403 never fails the deploy:
 * it becomes a warning with the exact command an administrator must run — except where deleting
 * a binding does what the forbidden update would have done (RBAC checks updates of a binding against
 * its role's permissions, not deletes).
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
  ANYUID_BINDING,
  ANYUID_SCC,
  adminRemovalCommand,
  planAnyuidRemoval,
  serviceAccountUser,
  type AnyuidChange,
  type GrantPlace,
} from './anyuid.js'

export interface AnyuidOutcome {
  /** what was removed (or, in a dry run, would be) */
  removed: string[]
  /** grants we could not see or change: each with the reason */
  warnings: string[]
  /** the exact commands an administrator must run; empty when nothing is left to do */
  adminCommands: string[]
}

interface Unreadable {
  place: GrantPlace
  what: string
}

async function readOptional(
  client: KubeClient,
  path: string,
  place: GrantPlace,
  what: string,
  unreadable: Unreadable[],
): Promise<KubeObject | undefined> {
  try {
    return await client.getIfExists<KubeObject>(path)
  } catch (error) {
    if (isForbidden(error)) {
      unreadable.push({place, what})
      return undefined
    }
    throw error
  }
}

const VERB: Record<AnyuidChange['action'], string> = {
  'remove-user': 'patch',
  'remove-subject': 'patch',
  'delete-binding': 'delete',
}

/** Where anyuid can be granted to a project's service account: what removeAnyuid reads first. */
export function anyuidGrantPaths(namespace: string): {
  scc: string
  roleBinding: string
  clusterRoleBinding: string
} {
  return {
    scc: resourcePath('SecurityContextConstraints', {name: ANYUID_SCC}),
    roleBinding: resourcePath('RoleBinding', {namespace, name: ANYUID_BINDING}),
    clusterRoleBinding: resourcePath('ClusterRoleBinding', {name: ANYUID_BINDING}),
  }
}

export async function removeAnyuid(
  client: KubeClient,
  opts: {namespace: string; serviceAccount: string; dryRun: boolean},
): Promise<AnyuidOutcome> {
  const {namespace, serviceAccount} = opts
  const unreadable: Unreadable[] = []
  const paths = anyuidGrantPaths(namespace)
  const [scc, roleBinding, clusterRoleBinding] = await Promise.all([
    readOptional(client, paths.scc, 'scc-users', `SecurityContextConstraints ${ANYUID_SCC}`, unreadable),
    readOptional(client, paths.roleBinding, 'rolebinding', `RoleBinding ${ANYUID_BINDING}`, unreadable),
    readOptional(
      client,
      paths.clusterRoleBinding,
      'clusterrolebinding',
      `ClusterRoleBinding ${ANYUID_BINDING}`,
      unreadable,
    ),
  ])
  // named in this order, whichever answer came first
  const order: GrantPlace[] = ['scc-users', 'rolebinding', 'clusterrolebinding']
  unreadable.sort((a, b) => order.indexOf(a.place) - order.indexOf(b.place))
  type PlanInput = Parameters<typeof planAnyuidRemoval>[0]
  const plan = planAnyuidRemoval({
    namespace,
    serviceAccount,
    scc: scc as PlanInput['scc'],
    roleBinding: roleBinding as PlanInput['roleBinding'],
    clusterRoleBinding: clusterRoleBinding as PlanInput['clusterRoleBinding'],
  })
  const outcome: AnyuidOutcome = {removed: [], warnings: plan.notices.map(n => n.message), adminCommands: []}
  const addCommand = (command: string) => {
    if (!outcome.adminCommands.includes(command)) outcome.adminCommands.push(command)
  }
  for (const change of plan.changes) {
    try {
      await apply(client, change, opts.dryRun)
      outcome.removed.push(opts.dryRun ? `would have ${change.description}` : change.description)
    } catch (error) {
      if (!isForbidden(error)) throw error
      // Updating a binding is checked against the permissions of its role; deleting it is not.
      const instead = change.action === 'remove-subject' ? change.deleteInstead : undefined
      if (instead && (await deleteInsteadAllowed(client, change, instead.resourceVersion, opts.dryRun))) {
        outcome.removed.push(opts.dryRun ? `would have ${instead.description}` : instead.description)
        continue
      }
      const t = change.target
      const where =
        'namespace' in t && t.namespace ? `${t.kind} ${t.name} in ${t.namespace}` : `${t.kind} ${t.name}`
      outcome.warnings.push(
        `not allowed to ${VERB[change.action]} ${where}: service account ${serviceAccount} keeps anyuid`,
      )
      addCommand(
        adminRemovalCommand(
          namespace,
          serviceAccount,
          change.place,
          'patch' in change ? change.patch : undefined,
        ),
      )
    }
  }
  // A project admin cannot read cluster-scoped grants (the ClusterRoleBinding, sometimes the SCC). Ask
  // the server instead: the subject review answers whether the service account may use anyuid. Not
  // when a grant we saw could not be removed: that one already explains a "yes".
  if (unreadable.length > 0 && outcome.adminCommands.length === 0 && !opts.dryRun) {
    const review = await reviewScc(client, namespace, serviceAccount)
    const notRead = unreadable.map(u => u.what).join(', ')
    if (review.allowedBy === ANYUID_SCC) {
      outcome.warnings.push(
        `service account ${serviceAccount} can still use anyuid (SCC subject review), through a grant this user may not read: ${notRead}`,
      )
      for (const u of unreadable) addCommand(adminRemovalCommand(namespace, serviceAccount, u.place))
    } else if (!review.answered) {
      // e.g. the `edit` role: no RBAC reads and no SCC review (only `admin` may create those)
      outcome.warnings.push(
        `could not check whether service account ${serviceAccount} may use anyuid: this user may not read ${notRead}, nor run an SCC subject review (podsecuritypolicysubjectreviews)`,
      )
    }
  }
  return outcome
}

/** Deletes a binding whose only subject is ours, once emptying it was forbidden; false when that is forbidden too. */
async function deleteInsteadAllowed(
  client: KubeClient,
  change: AnyuidChange,
  resourceVersion: string | undefined,
  dryRun: boolean,
): Promise<boolean> {
  const t = change.target
  try {
    await apply(
      client,
      {
        place: change.place as 'rolebinding' | 'clusterrolebinding',
        action: 'delete-binding',
        target: t as Extract<AnyuidChange, {action: 'delete-binding'}>['target'],
        resourceVersion,
        description: '',
      },
      dryRun,
    )
    return true
  } catch (error) {
    if (isForbidden(error)) return false
    throw error
  }
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
  const template = {
    metadata: {},
    spec: {
      serviceAccountName: sa,
      containers: [{name: 'probe', image: 'probe', securityContext: {runAsUser: 1000}}],
    },
  }
  try {
    const res = await client.create<KubeObject>(
      resourcePath('PodSecurityPolicySubjectReview', {namespace}),
      {
        apiVersion: 'security.openshift.io/v1',
        kind: 'PodSecurityPolicySubjectReview',
        spec: {
          template,
          user: serviceAccountUser(namespace, sa),
          groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
        },
      },
      {idempotent: true},
    ) // a review persists nothing
    const allowedBy = (res.body.status as {allowedBy?: {name?: string} | null} | undefined)?.allowedBy?.name
    return {answered: true, ...(allowedBy ? {allowedBy} : {})}
  } catch (error) {
    // forbidden (below `admin`), or not served (not OpenShift)
    if (isForbidden(error) || isNotFound(error)) return {answered: false}
    throw error
  }
}

async function apply(client: KubeClient, change: AnyuidChange, dryRun: boolean): Promise<void> {
  const t = change.target
  const kind = t.kind
  if (change.action === 'delete-binding') {
    try {
      const path = resourcePath(kind, {namespace: 'namespace' in t ? t.namespace : undefined, name: t.name})
      await client.request({
        method: 'DELETE',
        path,
        query: dryRun ? {dryRun: 'All'} : {},
        // Delete only the version we inspected: a subject added meanwhile must not be lost.
        body: {
          apiVersion: 'v1',
          kind: 'DeleteOptions',
          ...(change.resourceVersion ? {preconditions: {resourceVersion: change.resourceVersion}} : {}),
        },
      })
    } catch (error) {
      if (!isNotFound(error)) throw error
    }
    return
  }
  await jsonPatch(
    client,
    {kind, name: t.name, ...('namespace' in t && t.namespace ? {namespace: t.namespace} : {})},
    change.patch,
    {dryRun},
  )
}

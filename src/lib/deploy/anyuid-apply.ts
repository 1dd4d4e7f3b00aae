/**
 * Carries out an anyuid removal plan (anyuid.ts) against the cluster. A 403 never fails the deploy:
 * it becomes a warning with the exact command an administrator must run.
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
  type AnyuidChange,
} from './anyuid.js'

export interface AnyuidOutcome {
  /** what was removed (or, in a dry run, would be) */
  removed: string[]
  /** grants we could not see or change: each with the reason */
  warnings: string[]
  /** set when an administrator must act */
  adminCommand?: string
}

async function readOptional(
  client: KubeClient,
  path: string,
  what: string,
  warnings: string[],
): Promise<KubeObject | undefined> {
  try {
    return await client.getIfExists<KubeObject>(path)
  } catch (error) {
    if (isForbidden(error)) {
      warnings.push(`cannot read ${what} (forbidden), so a grant of anyuid there cannot be checked`)
      return undefined
    }
    throw error
  }
}

export async function removeAnyuid(
  client: KubeClient,
  opts: {namespace: string; serviceAccount: string; dryRun: boolean},
): Promise<AnyuidOutcome> {
  const {namespace, serviceAccount} = opts
  const warnings: string[] = []
  const [scc, roleBinding, clusterRoleBinding] = await Promise.all([
    readOptional(
      client,
      resourcePath('SecurityContextConstraints', {name: ANYUID_SCC}),
      `SecurityContextConstraints ${ANYUID_SCC}`,
      warnings,
    ),
    readOptional(
      client,
      resourcePath('RoleBinding', {namespace, name: ANYUID_BINDING}),
      `RoleBinding ${ANYUID_BINDING}`,
      warnings,
    ),
    readOptional(
      client,
      resourcePath('ClusterRoleBinding', {name: ANYUID_BINDING}),
      `ClusterRoleBinding ${ANYUID_BINDING}`,
      warnings,
    ),
  ])
  const plan = planAnyuidRemoval({
    namespace,
    serviceAccount,
    scc: scc as Parameters<typeof planAnyuidRemoval>[0]['scc'],
    roleBinding: roleBinding as Parameters<typeof planAnyuidRemoval>[0]['roleBinding'],
    clusterRoleBinding: clusterRoleBinding as Parameters<typeof planAnyuidRemoval>[0]['clusterRoleBinding'],
  })
  const outcome: AnyuidOutcome = {removed: [], warnings: [...warnings, ...plan.notices.map(n => n.message)]}
  for (const change of plan.changes) {
    try {
      await apply(client, change, opts.dryRun)
      outcome.removed.push(opts.dryRun ? `would have ${change.description}` : change.description)
    } catch (error) {
      if (!isForbidden(error)) throw error
      outcome.warnings.push(
        `not allowed to change ${change.target.kind} ${change.target.name}: ${change.description.replace(/^\w+/, 'cannot remove')}`,
      )
      outcome.adminCommand = adminRemovalCommand(namespace, serviceAccount)
    }
  }
  if (warnings.length > 0 && outcome.adminCommand === undefined) {
    // We could not look everywhere: tell the user how an administrator makes sure.
    outcome.adminCommand = adminRemovalCommand(namespace, serviceAccount)
  }
  return outcome
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

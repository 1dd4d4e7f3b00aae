/**
 * Reads, as far as the user may, what locateSccGrants needs to find every grant of one SCC to a
 * service account: the SCC, the RoleBindings of the service account's namespace and the
 * ClusterRoleBindings that reach it, and the roles those bindings name. A 403 leaves a source out (so
 * locate.ts lists it among the places it could not read, with the permission that would show it); a
 * 404 is "does not exist". A project admin reads RoleBindings and roles, not SCCs nor
 * ClusterRoleBindings (FACTS.md §RBAC, storage and immutability). doctor gathers the same objects in
 * its own pass (doctor/gather.ts), with its read bookkeeping.
 */
import {isForbidden, resourcePath, type KindName, type KubeClient, type KubeObject} from '../cluster/index.js'
import {bindingReaches, roleRefOf, type GrantSources} from './locate.js'
import type {ServiceAccountIdentity} from './rules.js'

/** The value, undefined when forbidden. */
async function unlessForbidden<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read()
  } catch (error) {
    if (isForbidden(error)) return undefined
    throw error
  }
}

/** The first reads, as plain GET paths (unpaged lists, so a caller's prefetch of them is taken). */
export function grantSourcePaths(
  scc: string,
  namespace: string,
): Record<'scc' | 'roleBindings' | 'clusterRoleBindings', string> {
  return {
    scc: resourcePath('SecurityContextConstraints', {name: scc}),
    roleBindings: resourcePath('RoleBinding', {namespace}),
    clusterRoleBindings: resourcePath('ClusterRoleBinding'),
  }
}

export async function readGrantSources(
  client: KubeClient,
  scc: string,
  serviceAccount: ServiceAccountIdentity,
  opts: {signal?: AbortSignal} = {},
): Promise<GrantSources> {
  const {signal} = opts
  // one unpaged LIST each: bindings are few, and a caller's prefetch of the same path is taken
  const list = (path: string) =>
    unlessForbidden(async () =>
      (await client.list<KubeObject>(path, undefined, signal ? {signal} : {})).items.filter(b =>
        bindingReaches(b, serviceAccount),
      ),
    )
  const get = (kind: KindName, name: string, namespace?: string) =>
    unlessForbidden(
      async () =>
        (await client.getIfExists<KubeObject>(resourcePath(kind, {namespace, name}), undefined, {signal})) ??
        null,
    )
  const paths = grantSourcePaths(scc, serviceAccount.namespace)
  const [sccObject, roleBindings, clusterRoleBindings] = await Promise.all([
    unlessForbidden(
      async () =>
        (await client.getIfExists<KubeObject>(paths.scc, undefined, signal ? {signal} : {})) ?? null,
    ),
    list(paths.roleBindings),
    list(paths.clusterRoleBindings),
  ])
  const refs = new Map(
    [...(roleBindings ?? []), ...(clusterRoleBindings ?? [])].map(b => [roleRefOf(b).key, roleRefOf(b)]),
  )
  const roles: Record<string, KubeObject | null> = {}
  await Promise.all(
    [...refs.entries()].map(async ([key, ref]) => {
      const role =
        ref.kind === 'Role'
          ? await get('Role', ref.name, serviceAccount.namespace)
          : await get('ClusterRole', ref.name)
      if (role !== undefined) roles[key] = role
    }),
  )
  return {
    scc,
    serviceAccount,
    ...(sccObject === undefined ? {} : {sccObject}),
    ...(roleBindings === undefined ? {} : {roleBindings}),
    ...(clusterRoleBindings === undefined ? {} : {clusterRoleBindings}),
    roles,
  }
}

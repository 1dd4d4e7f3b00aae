/**
 * SCC grants of a service account: where they are (locate.ts) and how to take them away (remove.ts),
 * as pure functions over objects the caller read (read.ts reads them for deploy; doctor gathers its own). doctor prints the removals; deploy can send them
 * (`removal.action === 'delete'` → DELETE `target`; `'patch'` → JSON patch `removal.patch`).
 *
 * ```ts
 * const where = locateSccGrants({scc: 'anyuid', serviceAccount: {namespace, name: 'default'},
 *   sccObject, roleBindings, clusterRoleBindings, roles})
 * for (const g of where.grants) send(planGrantRemoval(g))
 * if (where.unread.length) warn(where.unread.map(u => u.what))   // a grant may hide there
 * ```
 */
export {
  bindingReaches,
  locateSccGrants,
  roleKey,
  roleRefOf,
  type GrantLocation,
  type GrantMatch,
  type GrantPlace,
  type GrantSources,
  type GrantTarget,
  type SccGrant,
  type UnreadPlace,
} from './locate.js'
export {grantSourcePaths, readGrantSources} from './read.js'
export {
  accessKey,
  mayRemove,
  planGrantRemoval,
  requiredAccess,
  type AccessQuestion,
  type GrantRemoval,
} from './remove.js'
export {
  DEFAULT_SCCS,
  SCC_GROUP,
  SCC_RESOURCE,
  roleGrantsMoreThanSccUse,
  roleGrantsSccUse,
  ruleGrantsSccUse,
  serviceAccountGroups,
  serviceAccountUser,
  subjectReaches,
  type ServiceAccountIdentity,
} from './rules.js'

/**
 * What the apiserver's REST storage checks on a write beyond authorizing the verb, applied by the
 * create/update/patch/apply handlers before an object reaches the store:
 * RBAC escalation prevention on Roles, ClusterRoles and their bindings (escalation.ts). Deletes are not
 * guarded. With authorization off (`authorization: 'none'`) nothing is checked.
 */
import {checkEscalation} from '../escalation.js'
import type {KObject, ResourceType, UserInfo} from '../types.js'
import type {Deps} from './context.js'

export interface WriteTarget {
  rt: ResourceType
  user: UserInfo
  /** the request's namespace, undefined for cluster-scoped kinds */
  namespace?: string
  /** the name in the URL ('' on create) */
  urlName: string
}

/** Before a create or an update (old set) of the main resource. */
export function guardWrite(d: Deps, t: WriteTarget, object: KObject, old?: KObject): void {
  const authorize = d.authz.authorize
  if (!authorize) return
  checkEscalation({
    store: d.store,
    user: t.user,
    rt: t.rt,
    namespace: t.rt.namespaced ? (t.namespace ?? object.metadata.namespace ?? '') : '',
    urlName: t.urlName,
    object,
    old,
    authorize: (user, attrs) => authorize(d.store, user, attrs).allowed,
  })
}

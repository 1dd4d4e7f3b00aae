/**
 * What the apiserver's REST storage checks on a write beyond authorizing the verb, applied by the
 * create/update/patch/apply handlers before an object reaches the store: RBAC escalation prevention on
 * Roles, ClusterRoles and their bindings (escalation.ts, skipped with authorization off), and the
 * strategies' create/update validation and validating admission of the kinds in update-validation.ts.
 * Deletes are not guarded.
 */
import {checkEscalation} from '../escalation.js'
import type {KObject, ResourceType, UserInfo} from '../types.js'
import {validateCreate, validateUpdate, type WriteCheck} from '../update-validation.js'
import type {Deps} from './context.js'

export interface WriteTarget {
  rt: ResourceType
  user: UserInfo
  /** the request's namespace, undefined for cluster-scoped kinds */
  namespace?: string
  /** the name in the URL ('' on create) */
  urlName: string
}

function writeCheck(d: Deps, user: UserInfo): WriteCheck {
  return {store: d.store, user, minor: d.kubernetesMinor, can: attrs => d.authz.can(user, attrs)}
}

/** A create's strategy validation (after defaulting, before the store). */
export function validateCreateWrite(d: Deps, t: WriteTarget, object: KObject): void {
  validateCreate(t.rt, object, writeCheck(d, t.user))
}

/** An update's strategy validation and validating admission (after PrepareForUpdate, before the store). */
export function validateUpdateWrite(d: Deps, t: WriteTarget, object: KObject, old: KObject): void {
  validateUpdate(t.rt, object, old, writeCheck(d, t.user))
}

/** RBAC escalation prevention, before a create or an update (old set) of the main resource. */
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

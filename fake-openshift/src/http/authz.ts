/**
 * Authorization of a request: the attributes the apiserver hands its authorizer, and the 403
 * `Forbidden` Status it answers with. The decision itself is rbac.ts (wired in index.ts), or
 * "allow everything" when the server runs with authorization off.
 */
import type {MemoryStore} from '../store.js'
import {ApiError, type UserInfo} from '../types.js'

export interface AuthzAttributes {
  verb: string
  group: string
  resource: string
  subresource?: string
  namespace?: string
  name?: string
  path?: string
}

export type AuthorizeFn = (
  store: MemoryStore,
  user: UserInfo,
  attrs: AuthzAttributes,
) => {allowed: boolean; reason?: string}

export class Authz {
  /** authorize undefined: every authenticated request is allowed */
  constructor(
    private readonly store: MemoryStore,
    readonly authorize?: AuthorizeFn,
  ) {}

  can(user: UserInfo, attrs: AuthzAttributes): boolean {
    return !this.authorize || this.authorize(this.store, user, attrs).allowed
  }

  authorizeOrThrow(user: UserInfo, attrs: AuthzAttributes): void {
    if (!this.authorize) return
    const d = this.authorize(this.store, user, attrs)
    if (d.allowed) return
    const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource
    const where = attrs.namespace ? `in the namespace "${attrs.namespace}"` : 'at the cluster scope'
    const qualified = attrs.group ? `${attrs.resource}.${attrs.group}` : attrs.resource
    const msg = `User "${user.username}" cannot ${attrs.verb} resource "${resource}" in API group "${attrs.group}" ${where}`
    throw new ApiError(
      403,
      'Forbidden',
      `${qualified}${attrs.name ? ` "${attrs.name}"` : ''} is forbidden: ${msg}`,
      {
        ...(attrs.name ? {name: attrs.name} : {}),
        ...(attrs.group ? {group: attrs.group} : {}),
        kind: attrs.resource,
      },
    )
  }
}

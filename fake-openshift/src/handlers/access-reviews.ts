/**
 * The authorization.k8s.io review APIs (`kubectl auth can-i`, `oc policy can-i`): the answer of
 * the server's own authorizer for the requesting user (self) or the user in the spec; and
 * authentication.k8s.io SelfSubjectReview (`kubectl auth whoami`): who the request authenticated as.
 */
import type {AuthzAttributes} from '../http/authz.js'
import {send} from '../http/respond.js'
import {apiVersionOf} from '../registry.js'
import {timestamp} from '../store.js'
import type {KObject, UserInfo} from '../types.js'
import type {Ctx, Deps} from './context.js'

export function accessReview(d: Deps, ctx: Ctx, body: KObject): void {
  const {rt, namespace, user} = ctx
  const store = d.store
  const spec = (body.spec ?? {}) as Record<string, any>
  const respond = (status: unknown) =>
    send(ctx.res, 201, {
      kind: rt.kind,
      apiVersion: apiVersionOf(rt),
      metadata: {...body.metadata, creationTimestamp: null},
      spec,
      status,
    })
  const review = (who: UserInfo): {allowed: boolean; reason?: string; denied?: boolean} => {
    const ra = spec.resourceAttributes as Record<string, string> | undefined
    const nra = spec.nonResourceAttributes as Record<string, string> | undefined
    if (!d.authz.authorize) return {allowed: true, reason: 'the fake server has authorization off'}
    const attrs: AuthzAttributes = ra
      ? {
          verb: ra.verb ?? '',
          group: ra.group ?? '',
          resource: ra.resource ?? '',
          subresource: ra.subresource || undefined,
          namespace: (rt.plural === 'localsubjectaccessreviews' ? namespace : ra.namespace) || undefined,
          name: ra.name || undefined,
        }
      : {verb: nra?.verb ?? '', group: '', resource: '', path: nra?.path ?? ''}
    const dec = d.authz.authorize(store, who, attrs)
    return dec.allowed
      ? {allowed: true, ...(dec.reason ? {reason: dec.reason} : {})}
      : {allowed: false, ...(dec.reason ? {reason: dec.reason} : {})}
  }
  switch (rt.plural) {
    case 'selfsubjectaccessreviews':
      return respond(review(user))
    case 'subjectaccessreviews':
    case 'localsubjectaccessreviews': {
      const who: UserInfo = {username: String(spec.user ?? ''), groups: (spec.groups as string[]) ?? []}
      return respond(review(who))
    }
    case 'selfsubjectrulesreviews':
      // rule enumeration is not simulated; `kubectl auth can-i --list` shows it as incomplete
      return respond({
        resourceRules: [],
        nonResourceRules: [],
        incomplete: true,
        evaluationError: 'rule listing is not supported by the fake OpenShift API server',
      })
  }
}

/**
 * pkg/registry/authentication/selfsubjectreview/rest.go: the request's user as the authenticator saw
 * it, stamped now. The fake's bearer tokens carry no uid and no extra (no OAuth scopes).
 */
export function selfSubjectReview(ctx: Ctx, body: KObject): void {
  send(ctx.res, 201, {
    kind: ctx.rt.kind,
    apiVersion: apiVersionOf(ctx.rt),
    metadata: {...body.metadata, creationTimestamp: timestamp(new Date())},
    status: {userInfo: {username: ctx.user.username, groups: [...ctx.user.groups]}},
  })
}

/**
 * The remaining small controllers: the router admitting routes (oldest claim of a host wins, as
 * openshift/router's host admitter decides) and the service-account controller filling new namespaces.
 * (The PV controller is in volumes.ts.)
 */
import type {KObject} from '../types.js'
import type {SimContext} from './context.js'
import {arr, clone, globMatch, nsOf, obj, spec, str} from './kube.js'

const ROUTE_API = 'route.openshift.io/v1'

/** status.ingress for every route: Admitted True, or False with HostAlreadyClaimed / a scenario's reason. */
export function routeStep(ctx: SimContext): boolean {
  const routes = ctx.list(ROUTE_API, 'routes')
  for (const r of routes) {
    const uid = r.metadata.uid ?? ''
    if (!ctx.routeOrder.has(uid)) ctx.routeOrder.set(uid, ctx.routeOrder.size)
  }
  const age = (r: KObject) => ctx.routeOrder.get(r.metadata.uid ?? '') ?? 0
  let changed = false
  for (const r of routes) {
    if (r.metadata.deletionTimestamp) continue
    const host = str(spec(r).host) ?? ''
    const path = str(spec(r).path) ?? ''
    const behaviour = ctx.opts.routes.find(
      b =>
        (!b.match.namespace || globMatch(b.match.namespace, nsOf(r))) &&
        (!b.match.name || globMatch(b.match.name, r.metadata.name ?? '')),
    )
    if (!behaviour && !ctx.opts.autoAdmitRoutes) continue
    const older = routes.find(
      o =>
        o !== r &&
        !o.metadata.deletionTimestamp &&
        str(spec(o).host) === host &&
        age(o) < age(r) &&
        (nsOf(o) !== nsOf(r) || (str(spec(o).path) ?? '') === path),
    )
    let condition: Record<string, unknown>
    if (behaviour && !behaviour.admitted) {
      condition = {
        type: 'Admitted',
        status: 'False',
        reason: behaviour.reason ?? 'ExtendedValidationFailed',
        message: behaviour.message ?? 'route rejected',
      }
    } else if (older) {
      condition = {
        type: 'Admitted',
        status: 'False',
        reason: 'HostAlreadyClaimed',
        message: `route ${older.metadata.name} already exposes ${host} and is older`,
      }
    } else condition = {type: 'Admitted', status: 'True'}
    const previous = arr(arr(obj(r.status).ingress).find(i => i.routerName === 'default')?.conditions)[0]
    const same =
      previous &&
      previous.status === condition.status &&
      previous.reason === condition.reason &&
      previous.message === condition.message
    const ingress = {
      host,
      routerName: 'default',
      wildcardPolicy: str(spec(r).wildcardPolicy) ?? 'None',
      routerCanonicalHostname: `router-default.${ctx.opts.appsDomain}`,
      conditions: [{...condition, lastTransitionTime: same ? previous.lastTransitionTime : ctx.ts()}],
    }
    const after = clone(r)
    after.status = {...obj(after.status), ingress: [ingress]}
    if (ctx.save(ROUTE_API, 'routes', r, after)) changed = true
  }
  return changed
}

/** The default, builder and deployer ServiceAccounts every namespace gets. */
export function serviceAccountStep(ctx: SimContext): boolean {
  if (!ctx.opts.serviceAccounts) return false
  const saRt = ctx.rt('v1', 'serviceaccounts')
  if (!saRt) return false
  let changed = false
  for (const ns of ctx.list('v1', 'namespaces')) {
    if (ns.metadata.deletionTimestamp) continue
    const name = ns.metadata.name ?? ''
    for (const sa of ['default', 'builder', 'deployer']) {
      if (ctx.store.get(saRt, name, sa)) continue
      ctx.store.create(saRt, {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: {name: sa, namespace: name},
      })
      changed = true
    }
  }
  return changed
}

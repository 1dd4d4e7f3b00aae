/** WATCH: the request's rules (named watches, projects seen through RBAC); the stream is streams/watch.ts. */
import {methodNotAllowed} from '../http/respond.js'
import {namespaceRt, namespaceToProject, visibleProject} from '../openshift/projects.js'
import {serveWatch} from '../streams/watch.js'
import {rtFor, selection, shape, type Ctx, type Deps} from './context.js'

export function doWatch(d: Deps, ctx: Ctx): void {
  const {rt, q, name, user} = ctx
  const store = d.store
  if (rt.kind === 'ImageStreamTag' || rt.kind === 'ProjectRequest') throw methodNotAllowed()
  // a watch on a named object (legacy /watch/.../NAME or /NAME?watch=1) is a metadata.name field selector
  if (name)
    q.set('fieldSelector', [q.get('fieldSelector'), `metadata.name=${name}`].filter(Boolean).join(','))
  const sel = selection(ctx)
  const {shape: s, include} = shape(ctx)
  const isProject = rt.kind === 'Project'
  serveWatch(ctx.req, ctx.res, {
    store,
    rt,
    namespace: ctx.namespace,
    selection: sel,
    query: q,
    table: s === 'Table' ? {includeObject: include} : undefined,
    sourceRt: isProject ? namespaceRt(store) : undefined,
    transform: isProject
      ? ns => (visibleProject(d.authz, user, ns.metadata.name!) ? namespaceToProject(ns) : undefined)
      : undefined,
    // a project appears to its requester once the admin RoleBinding exists (the project cache)
    visibilityTriggers: isProject
      ? ['rolebindings', 'clusterrolebindings', 'roles', 'clusterroles'].map(p =>
          rtFor(store, 'rbac.authorization.k8s.io/v1', p),
        )
      : undefined,
    closeAfterEvents: ctx.closeWatchAfter,
    bookmarkIntervalMs: d.bookmarkIntervalMs,
  })
}

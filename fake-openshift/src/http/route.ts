/**
 * From an authenticated request to a handler: the paths that are not resources, then the URL
 * parsed into group/version/resource, namespace, name and subresource (404 for anything not
 * served), the method mapped to a verb (405 when the resource does not allow it), authorization
 * of that verb, deprecation warnings, and the handler of the verb:
 *
 *   get → handlers/get.ts     list → handlers/list.ts       watch → handlers/watch.ts
 *   create → handlers/create.ts   update → handlers/update.ts   patch → handlers/patch.ts
 *   delete, deletecollection → handlers/delete.ts
 *
 * (pods/exec arrives as a WebSocket upgrade: streams/exec.ts.)
 */
import type {Ctx, Deps} from '../handlers/context.js'
import {doCreate} from '../handlers/create.js'
import {doDelete, doDeleteCollection} from '../handlers/delete.js'
import {doGet} from '../handlers/get.js'
import {doList} from '../handlers/list.js'
import {serveGroup, serveNonResource, serveResourceList} from '../handlers/non-resource.js'
import {doPatch} from '../handlers/patch.js'
import {doUpdate} from '../handlers/update.js'
import {doWatch} from '../handlers/watch.js'
import {openshiftHas, type OpenShiftRule} from '../profiles/versions.js'
import type {Registry} from '../registry.js'
import type {ResourceType} from '../types.js'
import type {Incoming} from './request.js'
import {addWarning, methodNotAllowed, status404} from './respond.js'

/** What a path names: an API group, a group version, or a resource (maybe one object, maybe a subresource). */
export type PathTarget =
  | {kind: 'group'; group: string}
  | {kind: 'version'; group: string; version: string}
  | {kind: 'resource'; rt: ResourceType; namespace?: string; name?: string; subresource?: string}

/** /api/VERSION/..., /apis/GROUP/VERSION/... (with an optional legacy watch/ segment); 404 when not served. */
export function parseResourcePath(reg: Registry, path: string): PathTarget {
  const segs = path.split('/').filter(Boolean)
  let group: string
  let version: string
  let rest: string[]
  if (segs[0] === 'api' && segs.length >= 2) {
    group = ''
    version = segs[1]
    rest = segs.slice(2)
  } else if (segs[0] === 'apis' && segs.length >= 2) {
    group = segs[1]
    if (segs.length === 2) return {kind: 'group', group}
    version = segs[2]
    rest = segs.slice(3)
  } else throw status404()
  if (rest.length === 0) return {kind: 'version', group, version}
  if (rest[0] === 'watch') rest = rest.slice(1)
  let namespace: string | undefined
  let resource: string
  let name: string | undefined
  let subresource: string | undefined
  if (
    rest[0] === 'namespaces' &&
    rest.length > 1 &&
    !(rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize')) &&
    rest.length > 2
  ) {
    namespace = rest[1]
    resource = rest[2]
    name = rest[3]
    subresource = rest[4]
    if (rest.length > 5) throw status404()
  } else {
    resource = rest[0]
    name = rest[1]
    subresource = rest[2]
    if (rest.length > 3) throw status404()
  }
  const rt = reg.byPlural(group ? `${group}/${version}` : version, resource)
  if (!rt || (namespace && !rt.namespaced)) throw status404()
  if (subresource && !rt.subresources.includes(subresource)) throw status404()
  return {kind: 'resource', rt, namespace, name, subresource}
}

/** The verb of a request on a resource, as the apiserver's RequestInfoFactory names it. */
export function verbFor(method: string, watch: boolean, name: string | undefined): string {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return watch ? 'watch' : name ? 'get' : 'list'
    case 'POST':
      return 'create'
    case 'PUT':
      return 'update'
    case 'PATCH':
      return 'patch'
    case 'DELETE':
      return name ? 'delete' : 'deletecollection'
    default:
      throw methodNotAllowed()
  }
}

function subresourceVerbs(rt: ResourceType, sub: string): string[] {
  switch (sub) {
    case 'status':
    case 'scale':
      return ['get', 'update', 'patch']
    case 'log':
      return ['get']
    case 'exec':
      return ['create']
    case 'instantiate':
      return ['create']
    case 'finalize':
      return ['update']
    case 'details':
      return ['update']
    default:
      return rt.verbs
  }
}

export async function route(d: Deps, r: Incoming): Promise<void> {
  const {req, res, path, q, method, user, rawBody, entry, closeWatchAfter, watch} = r
  if (serveNonResource(d, req, res, path)) return
  const target = parseResourcePath(d.store.registry, path)
  if (target.kind === 'group') return serveGroup(d, res, target.group)
  if (target.kind === 'version') return serveResourceList(d, res, target.group, target.version)
  const {rt, namespace, name, subresource} = target

  let verb = verbFor(method, watch, name)
  if (subresource === 'exec') verb = 'create'
  const allowedVerbs = subresource ? subresourceVerbs(rt, subresource) : rt.verbs
  if (!allowedVerbs.includes(verb) || (verb === 'create' && name && !subresource)) throw methodNotAllowed()
  // cluster-wide lists are allowed for namespaced kinds; single objects need their namespace
  if (rt.namespaced && !namespace && (name || verb === 'create' || verb === 'deletecollection'))
    throw status404()

  // `/api/v1/namespaces/X` carries namespace X in its request attributes (k8s.io/apiserver
  // endpoints/request/requestinfo.go), so a RoleBinding in X that grants `get namespaces` lets its
  // subjects read their own Namespace; projects are authorized the same way by openshift-apiserver
  const ownNamespace = (rt.kind === 'Project' && rt.group) || (rt.kind === 'Namespace' && !rt.group)
  const authzNamespace = ownNamespace && name ? name : namespace
  const publicCreate = rt.plural === 'selfsubjectaccessreviews' || rt.plural === 'selfsubjectrulesreviews'
  if (!publicCreate && !(rt.kind === 'Project' && verb === 'list') && !(rt.kind === 'User' && name === '~'))
    d.authz.authorizeOrThrow(user, {
      verb,
      group: rt.group,
      resource: rt.plural,
      subresource,
      namespace: authzNamespace,
      name,
    })

  const ctx: Ctx = {
    req,
    res,
    q,
    user,
    rt,
    namespace,
    name,
    subresource,
    verb,
    rawBody,
    entry,
    closeWatchAfter,
  }
  if (rt.deprecationWarning && deprecatedOn(rt, d.kubernetesMinor)) addWarning(res, rt.deprecationWarning)
  switch (verb) {
    case 'get':
      return doGet(d, ctx)
    case 'list':
      return doList(d, ctx)
    case 'watch':
      return doWatch(d, ctx)
    case 'create':
      return doCreate(d, ctx)
    case 'update':
      return doUpdate(d, ctx)
    case 'patch':
      return doPatch(d, ctx)
    case 'delete':
      return doDelete(d, ctx)
    case 'deletecollection':
      return doDeleteCollection(d, ctx)
  }
}

/** Whether the server's release deprecates the API (DeploymentConfig: OpenShift 4.14+). */
function deprecatedOn(rt: ResourceType, kubernetesMinor: number): boolean {
  return !rt.deprecatedSince || openshiftHas(rt.deprecatedSince as OpenShiftRule, kubernetesMinor)
}

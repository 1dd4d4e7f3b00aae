/**
 * PATCH by Content-Type: JSON patch, merge patch, strategic merge patch (built-in kinds only:
 * CRD-backed kinds have no patch strategy) and server-side apply (`application/apply-patch+yaml`,
 * managedFields and conflicts in patch/). The patched object then goes the way of an update.
 */
import {mediaType} from '../http/body.js'
import {badRequest, send} from '../http/respond.js'
import {getImageStreamTag, writeImageStreamTag} from '../openshift/imagestreamtags.js'
import {ensureServiceAccounts, getProject, updateProject} from '../openshift/projects.js'
import {apiVersionOf} from '../registry.js'
import {conflict, notFound, timestamp} from '../store.js'
import {prepareForCreate} from '../strategy.js'
import {ApiError, type KObject} from '../types.js'
import {body as requestBody, writeOpts, type Ctx, type Deps, type WriteOpts} from './context.js'
import {scaleOf, writeScale} from './scale.js'
import {guardWrite, validateCreateWrite} from './guards.js'
import {commitUpdate} from './update.js'

export function doPatch(d: Deps, ctx: Ctx): void {
  const {rt, namespace, name, subresource} = ctx
  const store = d.store
  const patch = d.patch
  const ct = mediaType(ctx.req.headers['content-type'])
  const accepted = [
    'application/json-patch+json',
    'application/merge-patch+json',
    'application/apply-patch+yaml',
  ]
  if (rt.strategicMerge) accepted.splice(2, 0, 'application/strategic-merge-patch+json')
  if (!accepted.includes(ct))
    // CRD-backed kinds (SCC) reject strategic merge: apiextensions has no patch strategy metadata
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
    )
  const opts = writeOpts(ctx)
  const body = requestBody(ctx, 'patch')
  if (ct === 'application/apply-patch+yaml') return doApply(d, ctx, body, opts)

  let live: KObject
  if (rt.kind === 'ImageStreamTag') live = getImageStreamTag(store, rt, namespace!, name!)
  else if (rt.kind === 'Project') live = getProject(store, rt, name!)
  else {
    const raw = store.getRaw(rt, namespace, name!)
    if (!raw) throw notFound(rt, name!)
    live = subresource === 'scale' ? scaleOf(rt, raw) : structuredClone(raw)
  }
  let patched: KObject
  try {
    if (ct === 'application/json-patch+json') {
      if (!Array.isArray(body)) throw badRequest('the json patch must be an array of operations')
      patched = patch.applyJsonPatch(live, body) as KObject
    } else if (ct === 'application/merge-patch+json') patched = patch.applyMergePatch(live, body) as KObject
    else
      patched = patch.applyStrategicMergePatch(
        live,
        body,
        subresource === 'scale' ? 'Scale' : rt.kind,
      ) as KObject
  } catch (e) {
    if (e instanceof ApiError) throw e
    // the apiserver answers a patch that cannot be applied with 422 (json patch test failed, bad path)
    throw new ApiError(
      422,
      'Invalid',
      `the server rejected our request due to an error in our request: ${(e as Error).message}`,
    )
  }
  if (!patched || typeof patched !== 'object' || !patched.metadata)
    throw badRequest('the patch produced no object')
  if (patched.metadata.name !== live.metadata.name)
    throw badRequest(
      `the name of the object (${patched.metadata.name}) does not match the name on the URL (${name})`,
    )
  // a patch that leaves resourceVersion as it was carries no precondition
  if (patched.metadata.resourceVersion === live.metadata.resourceVersion)
    delete patched.metadata.resourceVersion
  if (rt.kind === 'ImageStreamTag')
    return send(ctx.res, 200, writeImageStreamTag(store, rt, namespace!, patched, false, opts))
  if (rt.kind === 'Project') return send(ctx.res, 200, updateProject(store, patched, opts))
  const old = store.getRaw(rt, namespace, name!)!
  if (subresource === 'scale') return send(ctx.res, 200, writeScale(store, rt, old, patched, opts))
  send(ctx.res, 200, commitUpdate(d, rt, patched, old, subresource, opts))
}

/** Server-side apply: create when absent, else merge with field ownership (patch engine). */
function doApply(d: Deps, ctx: Ctx, body: unknown, opts: WriteOpts): void {
  const {rt, namespace, name, subresource, q} = ctx
  const store = d.store
  if (!q.get('fieldManager'))
    throw new ApiError(
      422,
      'Invalid',
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    )
  const force = q.get('force') === 'true'
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw badRequest('apply patch must be an object')
  const applied = body as KObject
  if (!applied.apiVersion || !applied.kind)
    throw badRequest(`${!applied.apiVersion ? 'apiVersion' : 'kind'} must be set in an apply patch`)
  if (applied.apiVersion !== apiVersionOf(rt) || applied.kind !== rt.kind)
    throw badRequest(
      `the API version/kind in the data (${applied.apiVersion}, ${applied.kind}) does not match the expected (${apiVersionOf(rt)}, ${rt.kind})`,
    )
  applied.metadata = applied.metadata ?? {}
  if (applied.metadata.name && applied.metadata.name !== name)
    throw badRequest(
      `the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`,
    )
  if (namespace && applied.metadata.namespace && applied.metadata.namespace !== namespace)
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request')
  if (rt.kind === 'Project' || rt.kind === 'ImageStreamTag')
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `server-side apply is not supported for ${rt.plural} by the fake server`,
    )
  const raw = store.getRaw(rt, namespace, name!)
  const now = timestamp(new Date())
  const {object} = d.patch.serverSideApply({
    live: raw && structuredClone(raw),
    applied: structuredClone(applied),
    manager: opts.fieldManager,
    force,
    apiVersion: apiVersionOf(rt),
    now,
    subresource,
  })
  object.metadata.name = name
  if (rt.namespaced) object.metadata.namespace = namespace
  if (!raw) {
    if (subresource) throw notFound(rt, name!)
    guardWrite(d, {rt, user: opts.user, namespace, urlName: ''}, object)
    prepareForCreate(rt, object)
    validateCreateWrite(d, {rt, user: opts.user, namespace, urlName: ''}, object)
    // managedFields come from the apply engine: no fieldManager, so the store does not add an Update entry
    const created = store.create(rt, object, {dryRun: opts.dryRun, user: opts.user})
    if (rt.kind === 'Namespace' && !opts.dryRun) ensureServiceAccounts(store, created.metadata.name!)
    return send(ctx.res, 201, created)
  }
  if (applied.metadata.resourceVersion && applied.metadata.resourceVersion !== raw.metadata.resourceVersion)
    throw conflict(
      rt,
      name!,
      'the object has been modified; please apply your changes to the latest version and try again',
    )
  delete object.metadata.resourceVersion
  send(
    ctx.res,
    200,
    commitUpdate(d, rt, object, raw, subresource, {dryRun: opts.dryRun, user: opts.user}, true),
  )
}

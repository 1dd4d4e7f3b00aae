/**
 * PUT: the whole object, or its status / finalize / scale subresource. commitUpdate is the one
 * way every update, patch and apply reaches the store (strategy.ts: what a subresource may change).
 */
import {badRequest, send} from '../http/respond.js'
import {writeImageStreamTag} from '../openshift/imagestreamtags.js'
import {updateProject} from '../openshift/projects.js'
import {notFound} from '../store.js'
import {prepareForStatusUpdate, prepareForUpdate} from '../strategy.js'
import type {KObject, ResourceType, UserInfo} from '../types.js'
import {objectBody, writeOpts, type Ctx, type Deps} from './context.js'
import {guardWrite, validateUpdateWrite} from './guards.js'
import {writeScale} from './scale.js'

export function doUpdate(d: Deps, ctx: Ctx): void {
  const {rt, namespace, name, subresource} = ctx
  const store = d.store
  const obj = objectBody(ctx)
  if (obj.metadata.name && obj.metadata.name !== name)
    throw badRequest(
      `the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`,
    )
  obj.metadata.name = name
  const opts = writeOpts(ctx)
  if (rt.kind === 'ImageStreamTag')
    return send(ctx.res, 200, writeImageStreamTag(store, rt, namespace!, obj, false, opts))
  if (rt.kind === 'Project') return send(ctx.res, 200, updateProject(store, obj, opts))
  const old = store.getRaw(rt, namespace, name!)
  if (!old) throw notFound(rt, name!)
  if (subresource === 'scale') return send(ctx.res, 200, writeScale(store, rt, old, obj, opts))
  const updated = commitUpdate(d, rt, obj, old, subresource, opts)
  send(ctx.res, 200, updated)
}

export function commitUpdate(
  d: Deps,
  rt: ResourceType,
  obj: KObject,
  old: KObject,
  subresource: string | undefined,
  opts: {dryRun: boolean; fieldManager?: string; user: UserInfo; onWarning?: (text: string) => void},
  keepManagedFields = false,
): KObject {
  const store = d.store
  if (subresource === 'status') {
    const next = prepareForStatusUpdate(obj, old)
    return store.update(rt, next, {...opts, subresource: 'status'})
  }
  if (subresource === 'finalize') {
    const next = structuredClone(old)
    next.spec = {
      ...((old.spec as object) ?? {}),
      finalizers: (obj.spec as {finalizers?: string[]})?.finalizers ?? [],
    }
    next.metadata.resourceVersion = obj.metadata.resourceVersion
    return store.update(rt, next, opts)
  }
  const target = {rt, user: opts.user, namespace: old.metadata.namespace, urlName: old.metadata.name!}
  guardWrite(d, target, obj, old)
  prepareForUpdate(rt, obj, old)
  validateUpdateWrite(d, target, obj, old)
  return store.update(rt, obj, {...opts, keepManagedFields})
}

/**
 * DELETE and DELETECOLLECTION: DeleteOptions from the query or the body (propagationPolicy,
 * orphanDependents, preconditions, dryRun); 202 while finalizers hold the object.
 */
import {badRequest, send} from '../http/respond.js'
import {deleteImageStreamTag} from '../openshift/imagestreamtags.js'
import {deleteProject} from '../openshift/projects.js'
import {apiVersionOf} from '../registry.js'
import {matches} from '../selectors.js'
import type {DeleteOptions} from '../store.js'
import type {KObject} from '../types.js'
import {body, selection, writeOpts, type Ctx, type Deps} from './context.js'

function deleteOptions(ctx: Ctx): DeleteOptions & {dryRun: boolean} {
  const b = (body(ctx) ?? {}) as {
    propagationPolicy?: string
    preconditions?: {uid?: string; resourceVersion?: string}
    dryRun?: string[]
    orphanDependents?: boolean
  }
  const w = writeOpts(ctx, b.dryRun)
  let policy = (ctx.q.get('propagationPolicy') ?? b.propagationPolicy) as DeleteOptions['propagationPolicy']
  if (!policy && (ctx.q.get('orphanDependents') === 'true' || b.orphanDependents === true)) policy = 'Orphan'
  if (policy && !['Orphan', 'Background', 'Foreground'].includes(policy))
    throw badRequest(
      `DeletionPropagation: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`,
    )
  return {dryRun: w.dryRun, user: w.user, propagationPolicy: policy, preconditions: b.preconditions}
}

export function doDelete(d: Deps, ctx: Ctx): void {
  const {rt, namespace, name} = ctx
  const store = d.store
  const opts = deleteOptions(ctx)
  if (rt.kind === 'ImageStreamTag')
    return send(ctx.res, 200, deleteImageStreamTag(store, rt, namespace!, name!, opts))
  if (rt.kind === 'Project') return send(ctx.res, 200, deleteProject(store, rt, name!, opts))
  const result = store.delete(rt, namespace, name!, opts)
  // 202 while finalizers hold the object, 200 once it is gone (as the apiserver's delete handler)
  const stillThere = !opts.dryRun && !!store.getRaw(rt, namespace, name!)
  send(ctx.res, stillThere ? 202 : 200, result)
}

export function doDeleteCollection(d: Deps, ctx: Ctx): void {
  const {rt, namespace} = ctx
  const store = d.store
  const opts = deleteOptions(ctx)
  const sel = selection(ctx)
  const deleted: KObject[] = []
  for (const o of store.listRaw(rt, namespace).filter(x => matches(sel, x)))
    if (store.getRaw(rt, o.metadata.namespace, o.metadata.name!))
      deleted.push(store.delete(rt, o.metadata.namespace, o.metadata.name!, opts))
  send(ctx.res, 200, {
    kind: rt.listKind,
    apiVersion: apiVersionOf(rt),
    metadata: {resourceVersion: String(store.currentResourceVersion())},
    items: deleted,
  })
}

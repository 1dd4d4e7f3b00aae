/**
 * POST: objects through the store's admission, projects as namespaces, imagestreamtags as stream
 * tags, buildconfigs/instantiate, and the create-only virtual resources (access reviews, SCC
 * reviews, projectrequests) that answer without storing anything.
 */
import {badRequest, send, status404} from '../http/respond.js'
import {writeImageStreamTag} from '../openshift/imagestreamtags.js'
import {instantiate} from '../openshift/instantiate.js'
import {createProject, createProjectRequest, ensureServiceAccounts} from '../openshift/projects.js'
import {VIRTUAL_CREATE_ONLY} from '../registry.js'
import {prepareForCreate} from '../strategy.js'
import {accessReview, selfSubjectReview} from './access-reviews.js'
import {objectBody, writeOpts, type Ctx, type Deps} from './context.js'
import {guardWrite, validateCreateWrite} from './guards.js'

export function doCreate(d: Deps, ctx: Ctx): void {
  const {rt, namespace, name, subresource, user} = ctx
  const store = d.store
  if (subresource === 'instantiate')
    return send(ctx.res, 201, instantiate(store, d.sims, rt, namespace!, name!, objectBody(ctx), user))
  if (subresource === 'exec') throw badRequest('Upgrade request required')
  if (subresource) throw status404()
  if (VIRTUAL_CREATE_ONLY.has(rt.plural)) return doVirtualCreate(d, ctx)
  const obj = objectBody(ctx)
  const opts = writeOpts(ctx)
  if (rt.kind === 'Project') return send(ctx.res, 201, createProject(store, obj, opts))
  if (rt.kind === 'ImageStreamTag')
    return send(ctx.res, 201, writeImageStreamTag(store, rt, namespace!, obj, true, opts))
  guardWrite(d, {rt, user, namespace, urlName: ''}, obj)
  prepareForCreate(rt, obj)
  validateCreateWrite(d, {rt, user, namespace, urlName: ''}, obj)
  const created = store.create(rt, obj, opts)
  if (rt.kind === 'Namespace' && !rt.group && !opts.dryRun)
    ensureServiceAccounts(store, created.metadata.name!)
  send(ctx.res, 201, created)
}

function doVirtualCreate(d: Deps, ctx: Ctx): void {
  const {rt, namespace, user} = ctx
  const body = objectBody(ctx)
  switch (rt.plural) {
    case 'selfsubjectaccessreviews':
    case 'subjectaccessreviews':
    case 'localsubjectaccessreviews':
    case 'selfsubjectrulesreviews':
      return accessReview(d, ctx, body)
    case 'selfsubjectreviews':
      return selfSubjectReview(ctx, body)
    case 'projectrequests': {
      const opts = writeOpts(ctx)
      return send(ctx.res, 201, createProjectRequest(d.store, body, user, opts))
    }
    default: {
      // the pod security policy review APIs of security.openshift.io (sim/review.ts)
      const reviewed = d.sims.review(rt.plural, namespace!, body, user)
      return send(ctx.res, 201, reviewed)
    }
  }
}

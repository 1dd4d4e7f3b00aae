/** GET of one object, with the kinds served from elsewhere (projects, imagestreamtags, users/~, scale, log). */
import {send} from '../http/respond.js'
import {getImageStreamTag} from '../openshift/imagestreamtags.js'
import {getProject} from '../openshift/projects.js'
import {currentUser} from '../openshift/users.js'
import {notFound} from '../store.js'
import {serveLogSubresource} from '../streams/logs.js'
import {present, type Ctx, type Deps} from './context.js'
import {scaleOf} from './scale.js'

export function doGet(d: Deps, ctx: Ctx): void {
  const {rt, namespace, name, subresource} = ctx
  const store = d.store
  if (subresource === 'log') return serveLogSubresource(d, ctx)
  if (rt.kind === 'User' && name === '~') return present(ctx, currentUser(ctx.user))
  if (rt.kind === 'Project') return present(ctx, getProject(store, rt, name!))
  if (rt.kind === 'ImageStreamTag') return present(ctx, getImageStreamTag(store, rt, namespace!, name!))
  const obj = store.getRaw(rt, namespace, name!)
  if (!obj) throw notFound(rt, name!)
  if (subresource === 'scale') return send(ctx.res, 200, scaleOf(rt, obj))
  present(ctx, obj)
}

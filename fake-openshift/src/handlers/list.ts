/**
 * LIST: selectors, then paging with `limit`/`continue` over a snapshot taken by the first page
 * (a paged list sees one consistent state; a token older than the store's compaction is 410
 * Expired), answered as a list, a Table or PartialObjectMetadataList.
 */
import {badRequest, send} from '../http/respond.js'
import {listImageStreamTags} from '../openshift/imagestreamtags.js'
import {listProjects} from '../openshift/projects.js'
import {apiVersionOf} from '../registry.js'
import {matches} from '../selectors.js'
import {partialMetadata, toTable} from '../tables.js'
import {ApiError, type KObject} from '../types.js'
import {selection, shape, type Ctx, type Deps} from './context.js'

/** list snapshots for continue tokens: a paged list sees one consistent state */
export class ListSnapshots {
  private readonly snapshots = new Map<string, {items: KObject[]; rv: number}>()
  private snapshotSeq = 0

  get(id: string): {items: KObject[]; rv: number} | undefined {
    return this.snapshots.get(id)
  }

  add(items: KObject[], rv: number): string {
    const id = String(++this.snapshotSeq)
    this.snapshots.set(id, {items, rv})
    // bounded: the oldest snapshots go first (their tokens then answer 410 Expired)
    while (this.snapshots.size > 64) this.snapshots.delete(this.snapshots.keys().next().value as string)
    return id
  }
}

function listItems(d: Deps, ctx: Ctx): KObject[] {
  const {rt, namespace, user} = ctx
  const store = d.store
  if (rt.kind === 'Project') return listProjects(store, d.authz, user)
  if (rt.kind === 'ImageStreamTag') return listImageStreamTags(store, namespace)
  if (rt.kind === 'ProjectRequest') return []
  return store.listRaw(rt, namespace)
}

export function doList(d: Deps, ctx: Ctx): void {
  const {q, rt} = ctx
  const store = d.store
  const sel = selection(ctx)
  const limit = q.has('limit') ? Number(q.get('limit')) : 0
  if (Number.isNaN(limit) || limit < 0) throw badRequest(`invalid limit "${q.get('limit')}"`)
  const cont = q.get('continue')
  if (rt.kind === 'ProjectRequest')
    // `oc new-project` probes this to learn whether self-provisioning is allowed
    return send(ctx.res, 200, {kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success'})
  let items: KObject[]
  let rv: number
  let start = 0
  if (cont) {
    let token: {rv: number; snap: string; offset: number}
    try {
      token = JSON.parse(Buffer.from(cont, 'base64url').toString())
    } catch {
      throw badRequest('continue key is not valid: illegal base64 data')
    }
    const snap = d.lists.get(token.snap)
    if (!snap || token.rv < store.compactedResourceVersion())
      throw new ApiError(
        410,
        'Expired',
        'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
      )
    items = snap.items
    rv = snap.rv
    start = token.offset
  } else {
    items = listItems(d, ctx).filter(o => matches(sel, o))
    rv = store.currentResourceVersion()
  }
  let page = items.slice(start)
  const listMeta: Record<string, unknown> = {resourceVersion: String(rv)}
  if (limit > 0 && page.length > limit) {
    page = page.slice(0, limit)
    let snapId = cont ? (JSON.parse(Buffer.from(cont, 'base64url').toString()) as {snap: string}).snap : ''
    if (!snapId) snapId = d.lists.add(items, rv)
    listMeta.continue = Buffer.from(JSON.stringify({rv, snap: snapId, offset: start + limit})).toString(
      'base64url',
    )
    listMeta.remainingItemCount = items.length - start - limit
  }
  const {shape: s, include} = shape(ctx)
  if (s === 'Table') return send(ctx.res, 200, toTable(rt.kind, page, {includeObject: include, listMeta}))
  if (s === 'PartialObjectMetadata')
    return send(ctx.res, 200, {
      kind: 'PartialObjectMetadataList',
      apiVersion: 'meta.k8s.io/v1',
      metadata: listMeta,
      items: page.map(partialMetadata),
    })
  // items are written straight from the store (no per-item copy): JSON.stringify does not mutate
  send(ctx.res, 200, {
    kind: rt.listKind,
    apiVersion: apiVersionOf(rt),
    metadata: listMeta,
    items: page,
  })
}

/**
 * `?watch=true` streams, as the apiserver's watch cache serves them:
 * - headers are flushed at once (client-go waits for them before it reports the watch as open);
 * - without resourceVersion (or "0") the current objects come first as ADDED; with a
 *   resourceVersion the history after it is replayed; one older than the compaction point gets an
 *   ERROR event carrying a 410 Expired Status (client-go's reflector then re-lists);
 * - a label/field selector turns an object that stops matching into DELETED and one that starts
 *   matching into ADDED;
 * - BOOKMARK events when allowWatchBookmarks=true (one after the initial events, one before a
 *   timeout, and then periodically); sendInitialEvents=true ends the initial events with a
 *   bookmark annotated `k8s.io/initial-events-end`;
 * - timeoutSeconds ends the stream; a departed client is noticed through res.on('close').
 */
import type {IncomingMessage, ServerResponse} from 'node:http'

import {matches, type Selection} from '../selectors.js'
import type {MemoryStore} from '../store.js'
import {toTable, type IncludeObject} from '../tables.js'
import type {KObject, ResourceType, StoreEvent, WatchEventType} from '../types.js'

export interface WatchOptions {
  store: MemoryStore
  rt: ResourceType
  namespace?: string
  selection: Selection
  query: URLSearchParams
  /** answer with Table rows (kubectl get -w) */
  table?: {includeObject: IncludeObject}
  /** maps a stored event to what this watch shows (projects from namespaces), or drops it */
  transform?: (obj: KObject) => KObject | undefined
  /** the store type to follow when it differs from rt (projects follow namespaces) */
  sourceRt?: ResourceType
  /**
   * store types whose changes can change what this watch may show (RBAC bindings for projects):
   * on such a change the objects in scope are re-checked and appear (ADDED) or vanish (DELETED)
   */
  visibilityTriggers?: ResourceType[]
  /** fault injection: end the stream after this many events */
  closeAfterEvents?: number
  bookmarkIntervalMs?: number
  onEnd?: () => void
}

type Outgoing = {type: WatchEventType | 'BOOKMARK' | 'ERROR'; object: KObject}

export function serveWatch(req: IncomingMessage, res: ServerResponse, o: WatchOptions): void {
  const {store, rt, query} = o
  const src = o.sourceRt ?? rt
  const rvParam = query.get('resourceVersion') ?? ''
  const bookmarks = query.get('allowWatchBookmarks') === 'true'
  const sendInitial = query.get('sendInitialEvents') === 'true'
  const timeoutSeconds = Number(query.get('timeoutSeconds') ?? 0)
  const view = (obj: KObject): KObject | undefined => {
    if (o.namespace && obj.metadata.namespace !== o.namespace) return undefined
    const shown = o.transform ? o.transform(obj) : obj
    return shown && matches(o.selection, shown) ? shown : undefined
  }

  res.writeHead(200, {'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private'})
  res.flushHeaders()

  let sent = 0
  let ended = false
  let headersSent = false
  const timers: NodeJS.Timeout[] = []
  let unsubscribe: () => void = () => {}

  const end = () => {
    if (ended) return
    ended = true
    unsubscribe()
    for (const t of timers) clearTimeout(t)
    res.end()
    o.onEnd?.()
  }

  // what the client currently holds, so visibility re-checks send only real transitions
  const shown = new Set<string>()
  const keyOf = (obj: KObject) => `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`

  const write = (ev: Outgoing) => {
    if (ended) return
    if (ev.type === 'ADDED' || ev.type === 'MODIFIED') shown.add(keyOf(ev.object))
    if (ev.type === 'DELETED') shown.delete(keyOf(ev.object))
    let object = structuredClone(ev.object)
    if (o.table && ev.type !== 'BOOKMARK' && ev.type !== 'ERROR') {
      // the apiserver sends column definitions with the first table only
      object = toTable(rt.kind, [object], {includeObject: o.table.includeObject, headers: !headersSent})
      headersSent = true
    }
    res.write(JSON.stringify({type: ev.type, object}) + '\n')
    if (ev.type !== 'BOOKMARK') sent++
    if (o.closeAfterEvents !== undefined && sent >= o.closeAfterEvents) end()
  }

  const bookmark = (initialEnd = false) => {
    write({
      type: 'BOOKMARK',
      object: {
        kind: rt.kind,
        apiVersion: rt.group ? `${rt.group}/${rt.version}` : rt.version,
        metadata: {
          resourceVersion: String(store.currentResourceVersion()),
          ...(initialEnd ? {annotations: {'k8s.io/initial-events-end': 'true'}} : {}),
        },
      },
    })
  }

  const translate = (ev: StoreEvent): Outgoing | undefined => {
    const now = view(ev.object)
    const before = ev.old ? view(ev.old) : undefined
    if (ev.type === 'ADDED') return now && {type: 'ADDED', object: now}
    if (ev.type === 'DELETED') {
      const shown = now ?? before
      return shown && {type: 'DELETED', object: shown}
    }
    if (now && before) return {type: 'MODIFIED', object: now}
    if (now) return {type: 'ADDED', object: now}
    // stopped matching the selector: the watcher sees it go away, with its latest state
    if (before && o.transform) {
      const latest = o.transform(ev.object)
      return latest && {type: 'DELETED', object: latest}
    }
    if (before) return {type: 'DELETED', object: ev.object}
    return undefined
  }

  res.on('close', end)
  // ...and subscribe before reading history/state: both are synchronous, so nothing falls between
  const live: StoreEvent[] = []
  let replaying = true
  const recheck = (ev: StoreEvent) => {
    const scope = ev.rt.namespaced ? ev.object.metadata.namespace : undefined
    for (const obj of store.listRaw(src, o.namespace)) {
      if (scope && (src.namespaced ? obj.metadata.namespace : obj.metadata.name) !== scope) continue
      const now = view(obj)
      const key = keyOf(now ?? obj)
      if (now && !shown.has(key)) write({type: 'ADDED', object: now})
      else if (!now && shown.has(key)) write({type: 'DELETED', object: o.transform?.(obj) ?? obj})
    }
  }
  unsubscribe = store.subscribe(ev => {
    if (o.visibilityTriggers?.includes(ev.rt)) {
      if (!replaying) recheck(ev)
      return
    }
    if (ev.rt !== src) return
    if (replaying) live.push(ev)
    else {
      const out = translate(ev)
      if (out) write(out)
    }
  })

  if (!rvParam || rvParam === '0' || sendInitial) {
    for (const obj of store.listRaw(src, o.namespace)) {
      const shown = view(obj)
      if (shown) write({type: 'ADDED', object: shown})
    }
    if (sendInitial && bookmarks) bookmark(true)
  } else {
    const since = store.eventsSince(Number(rvParam))
    if (since === 'expired' || !/^\d+$/.test(rvParam)) {
      write({
        type: 'ERROR',
        object: {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `too old resource version: ${rvParam} (${store.compactedResourceVersion()})`,
          reason: 'Expired',
          code: 410,
        },
      })
      end()
      return
    }
    for (const h of since) {
      if (h.event.rt !== src) continue
      const out = translate(h.event)
      if (out) write(out)
    }
  }
  replaying = false
  for (const ev of live) {
    const out = translate(ev)
    if (out) write(out)
  }
  if (ended) return
  if (bookmarks && !sendInitial) bookmark()
  if (bookmarks) {
    const every = o.bookmarkIntervalMs ?? 30_000
    const tick = () => {
      if (ended) return
      bookmark()
      timers.push(setTimeout(tick, every).unref())
    }
    timers.push(setTimeout(tick, every).unref())
  }
  if (timeoutSeconds > 0)
    timers.push(
      setTimeout(() => {
        if (bookmarks) bookmark()
        end()
      }, timeoutSeconds * 1000).unref(),
    )
  void req
}

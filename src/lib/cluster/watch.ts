/**
 * A resilient LIST+WATCH of one named object (client-go's reflector, reduced to one object):
 * - LIST with `fieldSelector=metadata.name=NAME`, then WATCH from the list's resourceVersion with
 *   bookmarks;
 * - a watch the server ends (timeoutSeconds) or a connection that drops is resumed from the last
 *   resourceVersion seen (events or bookmarks), so nothing is missed or replayed;
 * - `410 Gone` (as an HTTP status or an ERROR event: the RV was compacted away) → LIST again;
 * - failures to (re-)establish the watch are retried by the client's policy and then thrown.
 */
import type {KubeClient} from './client.js'
import {ApiError, NetworkError, isGone} from './errors.js'
import {realClock, backoffDelay, DEFAULT_RETRY_POLICY} from './retry.js'
import type {RetryClock} from './retry.js'
import type {KubeObject, KubeStatus} from './types.js'

export type ObjectEvent =
  /** The state from a (re-)LIST; object undefined when it does not exist. */
  | {type: 'SYNC'; object: KubeObject | undefined}
  | {type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject}

export interface WatchObjectOptions {
  /** Collection path, e.g. resourcePath('Deployment', {namespace}). */
  path: string
  name: string
  signal?: AbortSignal
  /** Server-side duration of one watch request; default 300 s. */
  watchTimeoutSeconds?: number
  /** Consecutive drops (without a single event) tolerated before giving up; default 10. */
  maxDrops?: number
  clock?: RetryClock
  /** Told about each reconnect (for --verbose). */
  onReconnect?: (reason: string) => void
}

export async function* watchObject(
  client: KubeClient,
  opts: WatchObjectOptions,
): AsyncGenerator<ObjectEvent> {
  const clock = opts.clock ?? realClock
  const fieldSelector = `metadata.name=${opts.name}`
  const maxDrops = opts.maxDrops ?? 10
  let drops = 0
  let rv: string | undefined

  const list = async (): Promise<KubeObject | undefined> => {
    const l = await client.list(opts.path, {fieldSelector}, {signal: opts.signal})
    rv = l.metadata?.resourceVersion
    return l.items.find(o => o.metadata?.name === opts.name)
  }

  yield {type: 'SYNC', object: await list()}
  for (;;) {
    let opened = false
    let sawEvent = false
    let relist = false
    const startedAt = clock.now()
    try {
      const events = client.watch(
        opts.path,
        {
          fieldSelector,
          resourceVersion: rv,
          allowWatchBookmarks: true,
          timeoutSeconds: opts.watchTimeoutSeconds ?? 300,
        },
        {signal: opts.signal, onOpen: () => (opened = true)},
      )
      for await (const ev of events) {
        if (ev.type === 'ERROR') {
          const status = ev.object as KubeStatus
          if (status.code === 410) {
            relist = true
            break
          }
          throw new ApiError({
            code: status.code ?? 500,
            body: JSON.stringify(status),
            method: 'GET',
            path: opts.path + '?watch=true',
            server: client.server,
          })
        }
        const evRv = ev.object.metadata?.resourceVersion
        if (evRv) rv = evRv
        sawEvent = true
        drops = 0
        if (ev.type === 'BOOKMARK') continue
        if (ev.object.metadata?.name !== opts.name) continue
        yield {type: ev.type, object: ev.object}
      }
    } catch (error) {
      if (opts.signal?.aborted) throw error
      if (isGone(error)) {
        relist = true
      } else if (!(opened && error instanceof NetworkError)) {
        // Not a drop of an established stream: the client already retried what could be retried.
        throw error
      } else {
        opts.onReconnect?.(`watch dropped (${error.code})`)
      }
    }
    if (relist) {
      opts.onReconnect?.('resourceVersion expired (410 Gone): listing again')
      yield {type: 'SYNC', object: await list()}
      continue
    }
    // Ended cleanly (server timeout) or dropped: resume from rv at once, unless watches keep ending
    // immediately without news (a proxy cutting streams): then back off, and give up eventually.
    if (sawEvent || clock.now() - startedAt >= 1000) {
      drops = 0
    } else {
      drops++
      if (drops > maxDrops) {
        throw new NetworkError({code: 'ECONNRESET', server: client.server, method: 'GET', path: opts.path})
      }
      await clock.sleep(backoffDelay(drops, DEFAULT_RETRY_POLICY, clock.random), opts.signal)
    }
  }
}

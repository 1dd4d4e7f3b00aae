/**
 * Best-effort LIST+WATCH of a collection (pods of an instance, Warning events of a project) for the
 * progress shown while a rollout is awaited. The rollout judge (cluster/wait.ts) is authoritative;
 * this only explains, so it never fails the deploy: a watch that cannot be (re-)established ends the
 * observation quietly. A watch the server ends or a stream that drops is resumed from the last
 * resourceVersion; `410 Gone` lists again.
 */
import {isGone, NetworkError, type KubeClient, type KubeObject, type Query} from '../cluster/index.js'

export type CollectionEvent =
  /** an item of the initial (or a repeated) LIST */
  {type: 'LISTED'; object: KubeObject} | {type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject}

export interface ObserveOptions {
  path: string
  query?: Query
  signal: AbortSignal
  onEvent: (ev: CollectionEvent) => void
  /** server-side duration of one watch request (default 300 s) */
  watchTimeoutSeconds?: number
  /** told why the observation ended early (for --verbose) */
  onGiveUp?: (error: unknown) => void
  /** called once the first LIST is done (or failed): later changes reach onEvent as watch events */
  onListed?: () => void
}

/** Resolves when the signal aborts or the observation gives up; never rejects. */
export async function observeCollection(client: KubeClient, opts: ObserveOptions): Promise<void> {
  let rv: string | undefined
  const list = async () => {
    const l = await client.list<KubeObject>(opts.path, opts.query, {signal: opts.signal})
    rv = l.metadata?.resourceVersion
    for (const object of l.items) opts.onEvent({type: 'LISTED', object})
  }
  let quickEnds = 0
  try {
    await list().finally(() => opts.onListed?.())
    while (!opts.signal.aborted) {
      const started = Date.now()
      let sawEvent = false
      try {
        for await (const ev of client.watch(
          opts.path,
          {
            ...opts.query,
            resourceVersion: rv,
            allowWatchBookmarks: true,
            timeoutSeconds: opts.watchTimeoutSeconds ?? 300,
          },
          {signal: opts.signal},
        )) {
          if (ev.type === 'ERROR') {
            if ((ev.object as {code?: number}).code === 410) {
              rv = undefined
              break
            }
            return
          }
          sawEvent = true
          rv = ev.object.metadata?.resourceVersion ?? rv
          if (ev.type === 'BOOKMARK') continue
          opts.onEvent({type: ev.type, object: ev.object})
        }
      } catch (error) {
        if (opts.signal.aborted) return
        if (isGone(error)) rv = undefined
        else if (!(error instanceof NetworkError)) throw error
      }
      if (rv === undefined) await list()
      // A watch that keeps ending at once without news (a proxy cutting streams): stop explaining.
      quickEnds = sawEvent || Date.now() - started > 1000 ? 0 : quickEnds + 1
      if (quickEnds > 5) return
    }
  } catch (error) {
    if (!opts.signal.aborted) opts.onGiveUp?.(error)
  }
}

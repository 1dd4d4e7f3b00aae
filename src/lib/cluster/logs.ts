/**
 * Build and pod logs: `builds/NAME/log`, `pods/NAME/log` (optionally `?container=`, `?previous=true`).
 *
 * Reconnecting a dropped follow stream without duplicates: the log endpoints can only restart from
 * the beginning (or a timestamp, which the fake and some proxies do not honour), so the stream is
 * re-requested from the start and the lines already written are skipped by count. A line cut by the
 * drop is held back until its newline arrives, so it is written once. This assumes the log is
 * append-only for the life of the container (true for builds and for one pod container; a container
 * restart starts a new log, which the caller handles by following the new container).
 */
import type {Writable} from 'node:stream'
import type {KubeClient, Query} from './client.js'
import {NetworkError} from './errors.js'
import {backoffDelay, DEFAULT_RETRY_POLICY, realClock} from './retry.js'
import type {RetryClock} from './retry.js'

export interface StreamLogOptions {
  follow?: boolean
  /** Extra query: container, previous, tailLines (tailLines disables reconnect: counts shift). */
  query?: Query
  signal?: AbortSignal
  /**
   * Asked when a follow stream ends cleanly: false → the source is still running (a proxy cut the
   * stream), reconnect. Without it a clean end is the end (the server closes when the build ends).
   */
  isFinished?: () => Promise<boolean>
  /** Reconnects allowed; default 5. */
  maxReconnects?: number
  clock?: RetryClock
  onReconnect?: (reason: string) => void
}

/** Copies a log to `out` line by line (respecting back-pressure); returns the number of lines written. */
export async function streamLog(
  client: KubeClient,
  path: string,
  out: Writable,
  opts: StreamLogOptions = {},
): Promise<{lines: number; reconnects: number}> {
  const clock = opts.clock ?? realClock
  const follow = opts.follow ?? false
  const canResume = follow && opts.query?.tailLines === undefined && opts.query?.sinceSeconds === undefined
  const maxReconnects = canResume ? (opts.maxReconnects ?? 5) : 0
  let written = 0
  let reconnects = 0
  for (;;) {
    let seen = 0
    let dropped: NetworkError | undefined
    try {
      for await (const line of client.lines({
        path,
        query: {...opts.query, follow: follow || undefined},
        accept: 'text/plain, */*',
        // A follow stream is silent as long as the build is; --request-timeout only bounds the connect.
        signal: opts.signal,
      })) {
        seen++
        if (seen <= written) continue
        await writeLine(out, line)
        written++
      }
    } catch (error) {
      if (!(error instanceof NetworkError) || opts.signal?.aborted) throw error
      dropped = error
    }
    if (!dropped) {
      if (!follow || !opts.isFinished || (await opts.isFinished())) return {lines: written, reconnects}
    }
    if (reconnects >= maxReconnects) {
      if (dropped) throw dropped
      return {lines: written, reconnects}
    }
    reconnects++
    opts.onReconnect?.(dropped ? `log stream dropped (${dropped.code})` : 'log stream ended early')
    await clock.sleep(backoffDelay(reconnects, DEFAULT_RETRY_POLICY, clock.random), opts.signal)
  }
}

/** The last `lines` lines of a log (for "build failed" reports). */
export async function tailLog(
  client: KubeClient,
  path: string,
  lines: number,
  opts: {query?: Query; signal?: AbortSignal} = {},
): Promise<string[]> {
  const res = await client.request<string>({
    path,
    query: {...opts.query, tailLines: lines},
    accept: 'text/plain, */*',
    responseType: 'text',
    signal: opts.signal,
  })
  const all = res.body.split('\n')
  if (all.at(-1) === '') all.pop()
  return all.slice(-lines)
}

function writeLine(out: Writable, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = out.write(line + '\n', err => {
      if (err) reject(err)
    })
    if (ok) resolve()
    else out.once('drain', resolve)
  })
}

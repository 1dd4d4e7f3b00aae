/**
 * Records every request the fake server receives, for assertions such as "deploy made no more
 * than one write per object" or "no request was sent before validation failed".
 */

export interface RecordedRequest {
  seq: number
  time: number
  method: string
  path: string
  query: Record<string, string | string[]>
  contentType?: string
  accept?: string
  userAgent?: string
  /** parsed JSON (or YAML for apply patches) when it parses, else the raw text */
  body?: unknown
  /** authenticated user name, when authentication succeeded */
  user?: string
  /** HTTP status; 0 for a connection reset; 101 for an upgraded (exec) request */
  status: number
  watch: boolean
  /** the injected fault that answered this request, if any */
  fault?: string
  /** with a fault after handling: the status the handler answered before the fault replaced it */
  handledStatus?: number
}

export interface RequestFilter {
  method?: string | string[]
  path?: string | RegExp
  user?: string
  status?: number
  watch?: boolean
  /** only requests with seq > since (see mark()) */
  since?: number
  /** predicate on the whole entry */
  where?: (r: RecordedRequest) => boolean
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

function matchesFilter(r: RecordedRequest, f: RequestFilter): boolean {
  const methods = f.method && (Array.isArray(f.method) ? f.method : [f.method]).map(m => m.toUpperCase())
  return (
    (!methods || methods.includes(r.method)) &&
    (f.path === undefined || (typeof f.path === 'string' ? r.path === f.path : f.path.test(r.path))) &&
    (f.user === undefined || r.user === f.user) &&
    (f.status === undefined || r.status === f.status) &&
    (f.watch === undefined || r.watch === f.watch) &&
    (f.since === undefined || r.seq > f.since) &&
    (!f.where || f.where(r))
  )
}

function describe(f: RequestFilter): string {
  const {where, ...rest} = f
  return JSON.stringify({...rest, path: rest.path?.toString()}) + (where ? ' (+predicate)' : '')
}

export class Recorder {
  private readonly log: RecordedRequest[] = []
  private readonly listeners = new Set<(r: RecordedRequest) => void>()
  private seq = 0
  /** bounded so a long sandbox session does not grow without limit */
  limit = 50_000

  start(entry: Omit<RecordedRequest, 'seq' | 'time' | 'status'>): RecordedRequest {
    const r: RecordedRequest = {seq: ++this.seq, time: Date.now(), status: 0, ...entry}
    this.log.push(r)
    if (this.log.length > this.limit) this.log.shift()
    this.touch(r)
    return r
  }

  /** Called by the server when an entry changes (its status is known): wakes waitFor(). */
  touch(r: RecordedRequest): void {
    for (const l of [...this.listeners]) l(r)
  }

  /**
   * Resolves with the first request matching the filter — already recorded or still to come; with
   * `status` in the filter it resolves once the response headers went out (e.g. a watch is open).
   */
  waitFor(f: RequestFilter, timeoutMs = 15_000): Promise<RecordedRequest> {
    const found = this.filter(f)[0]
    if (found) return Promise.resolve(found)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(check)
        reject(new Error(`recorder: no request matching ${describe(f)} within ${timeoutMs} ms`))
      }, timeoutMs)
      const check = (r: RecordedRequest) => {
        if (!matchesFilter(r, f)) return
        clearTimeout(timer)
        this.listeners.delete(check)
        resolve(r)
      }
      this.listeners.add(check)
    })
  }

  entries(): RecordedRequest[] {
    return [...this.log]
  }

  /** A sequence number to pass as `since` to look only at later requests. */
  mark(): number {
    return this.seq
  }

  filter(f: RequestFilter = {}): RecordedRequest[] {
    return this.log.filter(r => matchesFilter(r, f))
  }

  count(f: RequestFilter = {}): number {
    return this.filter(f).length
  }

  /** POST/PUT/PATCH/DELETE requests (optionally filtered further). */
  writes(f: RequestFilter = {}): RecordedRequest[] {
    return this.filter(f).filter(r => WRITES.has(r.method))
  }

  clear(): void {
    this.log.length = 0
  }
}

/**
 * Fault injection, controlled from tests: a rule matches requests by method and path (exact
 * string, glob with `*` for one segment and `**` for any, or RegExp) and, for a count or with a
 * seeded probability, answers with a status (429/5xx, optionally with Retry-After), delays the
 * request, resets the connection, closes a watch after N events, or fails the k-th write with 409.
 */

export type FaultAction =
  /**
   * answer with this status and a Status body instead of handling the request; with `after` (writes
   * only), the request is handled first and its answer replaced: the write happened, the client
   * cannot know (a 500 or 504 from a proxy or a timed-out apiserver handler)
   */
  | {
      type: 'status'
      status: number
      retryAfterSeconds?: number
      reason?: string
      message?: string
      after?: boolean
    }
  /** wait, then handle the request normally (combine with another rule to delay a failure) */
  | {type: 'delay'; ms: number}
  /**
   * destroy the socket without answering (ECONNRESET / "socket hang up" at the client); with `after`
   * (writes only), once the request is handled: the write happened, the answer is lost
   */
  | {type: 'reset'; after?: boolean}
  /** watch requests only: end the stream cleanly after this many events */
  | {type: 'closeWatch'; afterEvents: number}

export interface FaultRule {
  /** HTTP method(s); default: any */
  method?: string | string[]
  /** exact path, glob (`/api/v1/namespaces/*\/pods/**`), or RegExp tested against the path */
  path?: string | RegExp
  /** true: only watch requests; false: only non-watch requests; default: both */
  watch?: boolean
  action: FaultAction
  /** fire at most this many times (default: unlimited) */
  times?: number
  /** let the first N matching requests through: `skip: k-1, times: 1` fails exactly the k-th */
  skip?: number
  /** chance 0..1 that a matching request is hit (seeded, so a run is reproducible) */
  probability?: number
}

export interface FaultHandle {
  readonly id: number
  /** how many requests this rule has hit */
  hits(): number
  remove(): void
}

export interface FaultRequest {
  method: string
  path: string
  watch: boolean
}

interface ActiveRule {
  id: number
  rule: FaultRule
  seen: number
  fired: number
}

const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE']

function globToRegExp(glob: string): RegExp {
  let re = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*'
      i++
    } else if (c === '*') re += '[^/]*'
    else re += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${re}$`)
}

/** mulberry32: tiny seeded PRNG so probabilistic faults repeat run to run */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export class Faults {
  private rules: ActiveRule[] = []
  private nextId = 1
  private random: () => number

  constructor(seed = 1) {
    this.random = prng(seed)
  }

  seed(seed: number): void {
    this.random = prng(seed)
  }

  add(rule: FaultRule): FaultHandle {
    const active: ActiveRule = {id: this.nextId++, rule, seen: 0, fired: 0}
    this.rules.push(active)
    return {
      id: active.id,
      hits: () => active.fired,
      remove: () => {
        this.rules = this.rules.filter(r => r !== active)
      },
    }
  }

  clear(): void {
    this.rules = []
  }

  // -- shorthands ------------------------------------------------------------------------------

  /** e.g. `status('GET', '/api/v1/namespaces/p/pods', 429, {retryAfterSeconds: 1, times: 2})` */
  status(
    method: string | string[] | undefined,
    path: string | RegExp,
    status: number,
    opts: {
      retryAfterSeconds?: number
      times?: number
      skip?: number
      probability?: number
      message?: string
    } = {},
  ): FaultHandle {
    const {retryAfterSeconds, message, ...count} = opts
    return this.add({method, path, action: {type: 'status', status, retryAfterSeconds, message}, ...count})
  }

  delay(
    method: string | string[] | undefined,
    path: string | RegExp,
    ms: number,
    times?: number,
  ): FaultHandle {
    return this.add({method, path, action: {type: 'delay', ms}, times})
  }

  reset(method: string | string[] | undefined, path: string | RegExp, times = 1): FaultHandle {
    return this.add({method, path, action: {type: 'reset'}, times})
  }

  closeWatchAfter(path: string | RegExp, afterEvents: number, times = 1): FaultHandle {
    return this.add({path, watch: true, action: {type: 'closeWatch', afterEvents}, times})
  }

  /** 409 Conflict on the k-th write (POST/PUT/PATCH/DELETE) matching `path` (default: any). */
  conflictOnWrite(k: number, path: string | RegExp = '**'): FaultHandle {
    return this.add({
      method: WRITE_METHODS,
      path,
      skip: k - 1,
      times: 1,
      action: {type: 'status', status: 409, reason: 'Conflict'},
    })
  }

  /**
   * Seeded chaos for a whole run: each request has `rate` chance of one fault, drawn from the mix a
   * flaky API server or load balancer produces — 429 and 503 with Retry-After (rejected before
   * handling), 500 without it, connection resets before handling, and for writes the same after
   * handling (the write happened, the answer is lost). Watches are dropped after a few events.
   */
  chaos(rate: number): FaultHandle[] {
    const p = rate / 6
    const writes = WRITE_METHODS
    return [
      this.add({probability: p, watch: false, action: {type: 'status', status: 429, retryAfterSeconds: 1}}),
      this.add({probability: p, watch: false, action: {type: 'status', status: 503, retryAfterSeconds: 1}}),
      this.add({probability: p, watch: false, action: {type: 'status', status: 500}}),
      this.add({probability: p, watch: false, action: {type: 'reset'}}),
      this.add({method: writes, probability: p, action: {type: 'status', status: 504, after: true}}),
      this.add({method: writes, probability: p, action: {type: 'reset', after: true}}),
      this.add({probability: rate, watch: true, action: {type: 'closeWatch', afterEvents: 2}}),
    ]
  }

  // -- matching (server side) ------------------------------------------------------------------

  /** The actions that apply to this request, in rule order; counts are consumed. */
  match(req: FaultRequest): FaultAction[] {
    const out: FaultAction[] = []
    for (const r of this.rules) {
      const {rule} = r
      if (rule.method) {
        const methods = (Array.isArray(rule.method) ? rule.method : [rule.method]).map(m => m.toUpperCase())
        if (!methods.includes(req.method)) continue
      }
      if (rule.watch !== undefined && rule.watch !== req.watch) continue
      if (rule.action.type === 'closeWatch' && !req.watch) continue
      if (rule.path !== undefined) {
        const re = typeof rule.path === 'string' ? globToRegExp(rule.path) : rule.path
        if (!re.test(req.path)) continue
      }
      r.seen++
      if (r.seen <= (rule.skip ?? 0)) continue
      if (rule.times !== undefined && r.fired >= rule.times) continue
      if (rule.probability !== undefined && this.random() >= rule.probability) continue
      r.fired++
      out.push(rule.action)
    }
    return out
  }
}

export function defaultReason(status: number): string {
  switch (status) {
    case 409:
      return 'Conflict'
    case 429:
      return 'TooManyRequests'
    case 500:
      return 'InternalError'
    case 503:
      return 'ServiceUnavailable'
    case 504:
      return 'Timeout'
    default:
      return ''
  }
}

export function defaultMessage(status: number): string {
  switch (status) {
    case 429:
      return 'Too many requests, please try again later.'
    case 500:
      return 'Internal error occurred: injected fault'
    case 503:
      return 'the server is currently unable to handle the request'
    case 504:
      return 'the server was unable to return a response in the time allotted, but may still be processing the request'
    default:
      return `injected fault (${status})`
  }
}

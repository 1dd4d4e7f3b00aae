/**
 * The retry policy of the cluster layer, in one place: RETRY_RULES below is the table (first matching
 * row wins; nothing else is retried), decideRetry applies it, withRetry runs it.
 *
 * Verbs, by what a repeat can do:
 * - `read`: GET, LIST, establishing a WATCH, and POSTs that persist nothing (SCC reviews) — repeating
 *   cannot change anything;
 * - `write`: idempotent writes — PUT, DELETE, server-side apply and merge PATCH: sending the same
 *   request twice converges to the same object;
 * - `post`: POST create and `buildconfigs/X/instantiate` (and JSON patches): a repeat may create a
 *   second object or start a second build.
 *
 * A POST whose outcome is unknown — the connection dropped after it was sent, or a 5xx that may come
 * from a proxy or the apiserver's own timeout after the write happened — is never sent again blindly:
 * the caller's `reread` looks for what the first attempt would have made (the named object, the
 * BuildConfig's next build); found, that is the answer; not found, the POST is sent again. Without a
 * reread, such a POST is not retried.
 *
 * Server-side apply is idempotent, so a 500 on it is retried — with fewer attempts than a read (a 500
 * that repeats is more likely a webhook or validation bug than a blip) and each retry said in
 * --verbose (`onRetry`). Timeouts set by the user (--request-timeout), TLS and DNS-not-found errors
 * are never retried. Retry-After (seconds or an HTTP date, or the Status's retryAfterSeconds) is
 * honoured up to `maxRetryAfterMs`.
 */

export interface RetryPolicy {
  /** Attempts including the first one; 1 disables retries. */
  maxAttempts: number
  /** Attempts of an idempotent write answered 5xx without Retry-After (server-side apply). */
  maxWriteAttempts: number
  baseDelayMs: number
  maxDelayMs: number
  /** Upper bound for a server-requested Retry-After, so a hostile or confused server cannot stall us. */
  maxRetryAfterMs: number
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = {
  maxAttempts: 5,
  maxWriteAttempts: 3,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 30_000,
}

/** Time and randomness, injectable so tests are deterministic and instant. */
export interface RetryClock {
  now(): number
  sleep(ms: number, signal?: AbortSignal): Promise<void>
  random(): number
}

export const realClock: RetryClock = {
  now: () => Date.now(),
  random: () => Math.random(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal))
        return
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }, ms)
      const onAbort = () => {
        clearTimeout(timer)
        reject(abortReason(signal))
      }
      signal?.addEventListener('abort', onAbort, {once: true})
    }),
}

export function abortReason(signal?: AbortSignal): Error {
  const r: unknown = signal?.reason
  if (r instanceof Error) return r
  const err = new Error('aborted')
  err.name = 'AbortError'
  return err
}

export type Verb = 'read' | 'write' | 'post'

/** What went wrong, as the table distinguishes it. */
export type Failure =
  /** 429 Too Many Requests (API Priority and Fairness, max-in-flight): rejected before executing */
  | '429'
  /** 500, 502, 503, 504 with Retry-After (header or Status details) */
  | '5xx with Retry-After'
  /** 500, 502, 503, 504 without it */
  | '5xx'
  /** 409 Conflict (not AlreadyExists): a storage race; only for requests that ask (SSA) */
  | '409 Conflict'
  /** ECONNREFUSED, EAI_AGAIN: the request never left this machine */
  | 'not sent'
  /** ECONNRESET, EPIPE, ...: the request may have reached the server */
  | 'dropped'

export type RetryAction = 'retry' | 'reread, then retry'

export interface RetryRule {
  failure: Failure
  verbs: readonly Verb[]
  action: RetryAction
  /** which policy bound applies */
  attempts: 'maxAttempts' | 'maxWriteAttempts'
  why: string
}

const ALL: readonly Verb[] = ['read', 'write', 'post']

/** The table. A failure/verb pair not listed is not retried. */
export const RETRY_RULES: readonly RetryRule[] = [
  {
    failure: '429',
    verbs: ALL,
    action: 'retry',
    attempts: 'maxAttempts',
    why: 'rejected before anything was executed: a repeat cannot duplicate (client-go retries any verb)',
  },
  {
    failure: 'not sent',
    verbs: ALL,
    action: 'retry',
    attempts: 'maxAttempts',
    why: 'the request never reached the server',
  },
  {
    failure: '5xx with Retry-After',
    verbs: ['read', 'write'],
    action: 'retry',
    attempts: 'maxAttempts',
    why: 'the server asks to come back later; a repeat converges',
  },
  {
    failure: '5xx',
    verbs: ['read'],
    action: 'retry',
    attempts: 'maxAttempts',
    why: 'a read changes nothing',
  },
  {
    failure: '5xx',
    verbs: ['write'],
    action: 'retry',
    attempts: 'maxWriteAttempts',
    why: 'server-side apply, PUT and DELETE are idempotent; bounded lower, a repeating 500 is rarely a blip',
  },
  {
    failure: '409 Conflict',
    verbs: ['write'],
    action: 'retry',
    attempts: 'maxAttempts',
    why: 'only where the request asks (server-side apply with force: a storage race, not a field conflict)',
  },
  {
    failure: 'dropped',
    verbs: ['read', 'write'],
    action: 'retry',
    attempts: 'maxAttempts',
    why: 'a repeat converges',
  },
  {
    failure: '5xx with Retry-After',
    verbs: ['post'],
    action: 'reread, then retry',
    attempts: 'maxAttempts',
    why: 'a 503 may come after the create was done (a proxy, an aggregated API): look before sending it again',
  },
  {
    failure: '5xx',
    verbs: ['post'],
    action: 'reread, then retry',
    attempts: 'maxAttempts',
    why: 'a 500/504 may come after the create or instantiate happened: look before sending it again',
  },
  {
    failure: 'dropped',
    verbs: ['post'],
    action: 'reread, then retry',
    attempts: 'maxAttempts',
    why: 'the POST may have been executed: look before sending it again',
  },
]

export interface RetryContext {
  verb: Verb
  /** Also retry 409 Conflict (not AlreadyExists). */
  retryConflicts?: boolean
  /** The caller can look for a POST's result (see withRetry's `reread`). */
  canReread?: boolean
}

export type RetryDecision =
  {retry: false} | {retry: true; delayMs: number; reason: string; reread: boolean; rule: RetryRule}

/** Connection failures that happen before a single byte of the request is sent. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'EAI_AGAIN'])
/** Connection failures after (possibly) sending. */
const DROPPED_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
])
const RETRYABLE_5XX = new Set([500, 502, 503, 504])

/** Duck-typed so the policy can be tested without a transport: HTTP errors carry a numeric code. */
interface ErrorShape {
  code?: unknown
  reason?: unknown
  retryAfter?: unknown
  status?: {details?: {retryAfterSeconds?: unknown}}
}

/** The table's name for a failure, and the server's Retry-After in ms if it sent one. */
export function classifyFailure(
  err: unknown,
  now: number,
): {failure: Failure; label: string; retryAfterMs?: number} | undefined {
  if (typeof err !== 'object' || err === null) return undefined
  const e = err as ErrorShape
  if (typeof e.code === 'number') {
    const status = e.code
    const retryAfterMs =
      parseRetryAfter(typeof e.retryAfter === 'string' ? e.retryAfter : undefined, now) ??
      secondsToMs(e.status?.details?.retryAfterSeconds)
    const ra = retryAfterMs === undefined ? {} : {retryAfterMs}
    if (status === 429) return {failure: '429', label: '429 Too Many Requests', ...ra}
    if (RETRYABLE_5XX.has(status))
      return {
        failure: retryAfterMs === undefined ? '5xx' : '5xx with Retry-After',
        label: `${status} from the server`,
        ...ra,
      }
    if (status === 409 && e.reason !== 'AlreadyExists')
      return {failure: '409 Conflict', label: '409 Conflict'}
    return undefined
  }
  if (typeof e.code === 'string') {
    if (NOT_SENT_CODES.has(e.code)) return {failure: 'not sent', label: e.code}
    if (DROPPED_CODES.has(e.code)) return {failure: 'dropped', label: e.code}
  }
  return undefined
}

/** The first row of RETRY_RULES for this failure and verb, if any. */
export function ruleFor(failure: Failure, verb: Verb): RetryRule | undefined {
  return RETRY_RULES.find(r => r.failure === failure && r.verbs.includes(verb))
}

export function decideRetry(
  err: unknown,
  ctx: RetryContext,
  attempt: number,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  clock: Pick<RetryClock, 'now' | 'random'> = realClock,
): RetryDecision {
  const c = classifyFailure(err, clock.now())
  if (!c) return {retry: false}
  if (c.failure === '409 Conflict' && !ctx.retryConflicts) return {retry: false}
  const rule = ruleFor(c.failure, ctx.verb)
  if (!rule) return {retry: false}
  const reread = rule.action === 'reread, then retry'
  if (reread && !ctx.canReread) return {retry: false}
  if (attempt >= policy[rule.attempts]) return {retry: false}
  const delayMs =
    c.retryAfterMs === undefined
      ? backoffDelay(attempt, policy, clock.random)
      : Math.min(c.retryAfterMs, policy.maxRetryAfterMs)
  return {retry: true, delayMs, reason: c.label, reread, rule}
}

/**
 * Delay before attempt `attempt + 1`: base·2^(attempt-1), capped, with "equal jitter" (half fixed,
 * half random) so concurrent clients spread out but a retry never fires immediately.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(exp / 2 + (random() * exp) / 2)
}

/** Retry-After: delta-seconds or an HTTP date (RFC 9110 §10.2.3). Returns ms, or undefined. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined
  const v = value.trim()
  if (/^\d+$/.test(v)) return Number(v) * 1000
  const at = Date.parse(v)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - now)
}

function secondsToMs(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v * 1000 : undefined
}

export interface RetryInfo {
  attempt: number
  delayMs: number
  reason: string
  error: unknown
  rule: RetryRule
  /** after a reread: whether the first attempt's result was found */
  found?: boolean
}

export interface WithRetryOptions<T> extends RetryContext {
  policy?: Partial<RetryPolicy>
  clock?: RetryClock
  signal?: AbortSignal
  onRetry?: (info: RetryInfo) => void
  /**
   * For a POST: looks for what an attempt whose outcome is unknown would have made. A value is taken
   * as the answer; undefined means it did not happen and the POST is sent again.
   */
  reread?: () => Promise<T | undefined>
}

/** Runs `fn(attempt)` (1-based) until it succeeds, a failure is not retryable, or attempts run out. */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  opts: WithRetryOptions<T>,
): Promise<T> {
  const policy = {...DEFAULT_RETRY_POLICY, ...opts.policy}
  const clock = opts.clock ?? realClock
  const ctx = {...opts, canReread: opts.reread !== undefined}
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt)
    } catch (error) {
      if (opts.signal?.aborted) throw error
      const decision = decideRetry(error, ctx, attempt, policy, clock)
      if (!decision.retry) throw error
      const info: RetryInfo = {
        attempt,
        delayMs: decision.delayMs,
        reason: decision.reason,
        error,
        rule: decision.rule,
      }
      await clock.sleep(decision.delayMs, opts.signal)
      if (decision.reread && opts.reread) {
        const found = await opts.reread()
        opts.onRetry?.({...info, found: found !== undefined})
        if (found !== undefined) return found
      } else {
        opts.onRetry?.(info)
      }
    }
  }
}

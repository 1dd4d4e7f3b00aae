/**
 * Bounded exponential backoff with jitter, honouring Retry-After.
 *
 * What is retried (client-go's rules, made stricter for writes):
 * - 429 Too Many Requests, any method: API Priority and Fairness rejects before executing anything, so
 *   a retry cannot duplicate a write. Retry-After (seconds or HTTP date) is honoured, capped.
 * - 5xx and dropped connections (ECONNRESET, EPIPE, socket hang up): only idempotent requests
 *   (GET/LIST/WATCH, PUT, DELETE, server-side apply and merge PATCH). A POST such as `create` or
 *   `buildconfigs/X/instantiate` may have been executed before the failure: never re-sent.
 * - Failures before the request left the machine (ECONNREFUSED, EAI_AGAIN): any method.
 * - 409 Conflict: only when the caller says so (server-side apply with force has no field conflicts,
 *   a 409 there is a transient storage conflict and the same patch is simply re-sent).
 * Timeouts set by the user (--request-timeout), TLS and DNS-not-found errors are never retried.
 */

export interface RetryPolicy {
  /** Attempts including the first one; 1 disables retries. */
  maxAttempts: number
  baseDelayMs: number
  maxDelayMs: number
  /** Upper bound for a server-requested Retry-After, so a hostile or confused server cannot stall us. */
  maxRetryAfterMs: number
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = {
  maxAttempts: 5,
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

export interface RetryContext {
  /** The request may be sent twice without changing the outcome. */
  idempotent: boolean
  /** Also retry 409 Conflict (not AlreadyExists). */
  retryConflicts?: boolean
}

export type RetryDecision = {retry: false} | {retry: true; delayMs: number; reason: string}

/** Connection failures that happen before a single byte of the request is sent. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'EAI_AGAIN'])
/** Connection failures after (possibly) sending: safe to repeat only idempotent requests. */
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

export function decideRetry(
  err: unknown,
  ctx: RetryContext,
  attempt: number,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  clock: Pick<RetryClock, 'now' | 'random'> = realClock,
): RetryDecision {
  if (attempt >= policy.maxAttempts) return {retry: false}
  if (typeof err !== 'object' || err === null) return {retry: false}
  const e = err as ErrorShape
  if (typeof e.code === 'number') {
    const status = e.code
    let reason: string | undefined
    if (status === 429) reason = '429 Too Many Requests'
    else if (RETRYABLE_5XX.has(status) && ctx.idempotent) reason = `${status} from the server`
    else if (status === 409 && ctx.retryConflicts && e.reason !== 'AlreadyExists') reason = '409 Conflict'
    if (!reason) return {retry: false}
    const retryAfter =
      parseRetryAfter(typeof e.retryAfter === 'string' ? e.retryAfter : undefined, clock.now()) ??
      secondsToMs(e.status?.details?.retryAfterSeconds)
    const delayMs =
      retryAfter === undefined
        ? backoffDelay(attempt, policy, clock.random)
        : Math.min(retryAfter, policy.maxRetryAfterMs)
    return {retry: true, delayMs, reason}
  }
  if (typeof e.code === 'string') {
    const code = e.code
    const retry = NOT_SENT_CODES.has(code) || (ctx.idempotent && DROPPED_CODES.has(code))
    return retry
      ? {retry: true, delayMs: backoffDelay(attempt, policy, clock.random), reason: code}
      : {retry: false}
  }
  return {retry: false}
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
}

export interface WithRetryOptions extends RetryContext {
  policy?: Partial<RetryPolicy>
  clock?: RetryClock
  signal?: AbortSignal
  onRetry?: (info: RetryInfo) => void
}

/** Runs `fn(attempt)` (1-based) until it succeeds, a failure is not retryable, or attempts run out. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: WithRetryOptions): Promise<T> {
  const policy = {...DEFAULT_RETRY_POLICY, ...opts.policy}
  const clock = opts.clock ?? realClock
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt)
    } catch (error) {
      if (opts.signal?.aborted) throw error
      const decision = decideRetry(error, opts, attempt, policy, clock)
      if (!decision.retry) throw error
      opts.onRetry?.({attempt, delayMs: decision.delayMs, reason: decision.reason, error})
      await clock.sleep(decision.delayMs, opts.signal)
    }
  }
}

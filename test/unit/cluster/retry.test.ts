import {describe, expect, it} from 'vitest'
import {ApiError, NetworkError} from '../../../src/lib/cluster/errors.js'
import {
  backoffDelay,
  decideRetry,
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
  withRetry,
} from '../../../src/lib/cluster/retry.js'
import {fakeClock} from './helpers/server.js'

const server = 'https://api.example:6443'
const http = (code: number, headers: Record<string, string> = {}, reason = '') =>
  new ApiError({
    code,
    body: JSON.stringify({kind: 'Status', code, reason, message: 'x'}),
    method: 'GET',
    path: '/api/v1/pods',
    server,
    headers,
  })
const net = (code: string) => new NetworkError({code, server, method: 'GET', path: '/api/v1/pods'})

/** A fake transport: answers from a script, one entry per attempt. */
function transport<T>(script: Array<T | Error>) {
  let calls = 0
  return {
    get calls() {
      return calls
    },
    send: async (): Promise<T> => {
      const next = script[Math.min(calls, script.length - 1)]
      calls++
      if (next instanceof Error) throw next
      return next
    },
  }
}

describe('decideRetry', () => {
  it('retries 429 for any request, honouring Retry-After', () => {
    const d = decideRetry(http(429, {'retry-after': '3'}), {idempotent: false}, 1)
    expect(d).toEqual({retry: true, delayMs: 3000, reason: '429 Too Many Requests'})
  })

  it('retries 5xx only for idempotent requests', () => {
    expect(decideRetry(http(503), {idempotent: true}, 1).retry).toBe(true)
    expect(decideRetry(http(500), {idempotent: true}, 1).retry).toBe(true)
    expect(decideRetry(http(503), {idempotent: false}, 1).retry).toBe(false)
    expect(decideRetry(http(501), {idempotent: true}, 1).retry).toBe(false)
  })

  it('never retries client errors other than 429 (and 409 when asked)', () => {
    for (const code of [400, 401, 403, 404, 410, 415, 422]) {
      expect(decideRetry(http(code), {idempotent: true, retryConflicts: true}, 1).retry, String(code)).toBe(
        false,
      )
    }
    expect(decideRetry(http(409, {}, 'Conflict'), {idempotent: true}, 1).retry).toBe(false)
    expect(decideRetry(http(409, {}, 'Conflict'), {idempotent: true, retryConflicts: true}, 1).retry).toBe(
      true,
    )
    expect(
      decideRetry(http(409, {}, 'AlreadyExists'), {idempotent: true, retryConflicts: true}, 1).retry,
    ).toBe(false)
  })

  it('connection refused is retried even for POST (nothing was sent); resets only for idempotent', () => {
    expect(decideRetry(net('ECONNREFUSED'), {idempotent: false}, 1).retry).toBe(true)
    expect(decideRetry(net('ECONNRESET'), {idempotent: false}, 1).retry).toBe(false)
    expect(decideRetry(net('ECONNRESET'), {idempotent: true}, 1).retry).toBe(true)
    expect(decideRetry(net('EPIPE'), {idempotent: true}, 1).retry).toBe(true)
  })

  it('never retries TLS failures, DNS not-found or the user request timeout', () => {
    for (const code of [
      'SELF_SIGNED_CERT_IN_CHAIN',
      'ENOTFOUND',
      'OCJ_REQUEST_TIMEOUT',
      'ERR_TLS_CERT_ALTNAME_INVALID',
    ]) {
      expect(decideRetry(net(code), {idempotent: true}, 1).retry, code).toBe(false)
    }
  })

  it('is bounded by maxAttempts', () => {
    expect(decideRetry(http(503), {idempotent: true}, DEFAULT_RETRY_POLICY.maxAttempts).retry).toBe(false)
  })

  it('caps Retry-After and reads the Status retryAfterSeconds when the header is absent', () => {
    const d = decideRetry(http(429, {'retry-after': '3600'}), {idempotent: true}, 1)
    expect(d).toMatchObject({delayMs: DEFAULT_RETRY_POLICY.maxRetryAfterMs})
    const withDetails = new ApiError({
      code: 429,
      body: JSON.stringify({
        kind: 'Status',
        code: 429,
        reason: 'TooManyRequests',
        details: {retryAfterSeconds: 2},
      }),
      method: 'GET',
      path: '/',
      server,
    })
    expect(decideRetry(withDetails, {idempotent: true}, 1)).toMatchObject({delayMs: 2000})
  })

  it('ignores what is not an error it knows', () => {
    expect(decideRetry(new Error('boom'), {idempotent: true}, 1).retry).toBe(false)
    expect(decideRetry('x', {idempotent: true}, 1).retry).toBe(false)
  })
})

describe('parseRetryAfter / backoffDelay', () => {
  it('parses seconds and HTTP dates', () => {
    const now = Date.parse('2025-01-01T00:00:00Z')
    expect(parseRetryAfter('5', now)).toBe(5000)
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', now)).toBe(10_000)
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:10 GMT', now)).toBe(0)
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter(undefined, now)).toBeUndefined()
  })

  it('grows exponentially with equal jitter, capped', () => {
    const p = {...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000}
    expect(backoffDelay(1, p, () => 0)).toBe(50)
    expect(backoffDelay(1, p, () => 1)).toBe(100)
    expect(backoffDelay(3, p, () => 0.5)).toBe(300) // 400/2 + 0.5*400/2
    expect(backoffDelay(10, p, () => 1)).toBe(1000)
  })
})

describe('withRetry with a fake transport', () => {
  it('retries a GET through 503, 429 and a reset, then succeeds', async () => {
    const clock = fakeClock()
    const t = transport([http(503), http(429, {'retry-after': '1'}), net('ECONNRESET'), 'ok'])
    const retries: string[] = []
    const out = await withRetry(t.send, {idempotent: true, clock, onRetry: i => retries.push(i.reason)})
    expect(out).toBe('ok')
    expect(t.calls).toBe(4)
    expect(retries).toEqual(['503 from the server', '429 Too Many Requests', 'ECONNRESET'])
    expect(clock.sleeps).toEqual([188, 1000, 750]) // 250·(0.5+0.25), Retry-After, 1000·0.75
  })

  it('never re-sends a POST after a 503 or a reset: writes are not duplicated', async () => {
    for (const err of [http(503), http(500), net('ECONNRESET'), net('EPIPE')]) {
      const t = transport([err, 'created'])
      await expect(withRetry(t.send, {idempotent: false, clock: fakeClock()})).rejects.toBe(err)
      expect(t.calls).toBe(1)
    }
  })

  it('re-sends a POST that was refused before connecting, or throttled', async () => {
    const t = transport([net('ECONNREFUSED'), http(429), 'created'])
    await expect(withRetry(t.send, {idempotent: false, clock: fakeClock()})).resolves.toBe('created')
    expect(t.calls).toBe(3)
  })

  it('gives up after maxAttempts with the last error', async () => {
    const last = http(503)
    const t = transport([http(503), http(503), last])
    await expect(
      withRetry(t.send, {idempotent: true, clock: fakeClock(), policy: {maxAttempts: 3}}),
    ).rejects.toBe(last)
    expect(t.calls).toBe(3)
  })

  it('stops at once when aborted', async () => {
    const ctl = new AbortController()
    const t = transport<string>([http(503)])
    const clock = {...fakeClock(), sleep: async () => ctl.abort()}
    ctl.signal.addEventListener('abort', () => undefined)
    await expect(
      withRetry(
        async () => {
          if (ctl.signal.aborted) throw new Error('aborted')
          return t.send()
        },
        {idempotent: true, clock, signal: ctl.signal},
      ),
    ).rejects.toThrow()
    expect(t.calls).toBe(1)
  })
})

import {describe, expect, it} from 'vitest'
import {ApiError, NetworkError} from '../../../src/lib/cluster/errors.js'
import {
  backoffDelay,
  decideRetry,
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
  RETRY_RULES,
  type Verb,
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

describe('RETRY_RULES, row by row', () => {
  const half = {now: () => 0, random: () => 0.5}
  const ra = {'retry-after': '2'}
  /** One case per row of the table: the failure, the verb, and what the row decides. */
  const ROWS: Array<[string, unknown, Verb, string, number | 'backoff']> = [
    ['429, any verb', http(429, ra), 'post', 'retry', 2000],
    ['429 without Retry-After: backoff', http(429), 'write', 'retry', 'backoff'],
    ['not sent (ECONNREFUSED), even a POST', net('ECONNREFUSED'), 'post', 'retry', 'backoff'],
    ['not sent (EAI_AGAIN)', net('EAI_AGAIN'), 'read', 'retry', 'backoff'],
    ['503 + Retry-After on a read', http(503, ra), 'read', 'retry', 2000],
    ['503 + Retry-After on server-side apply', http(503, ra), 'write', 'retry', 2000],
    ['500 on a GET', http(500), 'read', 'retry', 'backoff'],
    ['502 on a GET', http(502), 'read', 'retry', 'backoff'],
    ['500 on server-side apply: bounded lower', http(500), 'write', 'retry', 'backoff'],
    ['409 Conflict on SSA (asked)', http(409, {}, 'Conflict'), 'write', 'retry', 'backoff'],
    ['reset on a GET', net('ECONNRESET'), 'read', 'retry', 'backoff'],
    ['EPIPE on a PUT', net('EPIPE'), 'write', 'retry', 'backoff'],
    ['503 + Retry-After on a create', http(503, ra), 'post', 'reread, then retry', 2000],
    ['500 on a create', http(500), 'post', 'reread, then retry', 'backoff'],
    ['504 on an instantiate', http(504), 'post', 'reread, then retry', 'backoff'],
    ['reset after sending a create', net('ECONNRESET'), 'post', 'reread, then retry', 'backoff'],
  ]

  it.each(ROWS)('%s', (_what, err, verb, action, delay) => {
    const d = decideRetry(err, {verb, retryConflicts: true, canReread: true}, 1, DEFAULT_RETRY_POLICY, half)
    expect(d.retry).toBe(true)
    if (!d.retry) return
    expect(d.rule.action).toBe(action)
    expect(d.reread).toBe(action === 'reread, then retry')
    expect(d.delayMs).toBe(delay === 'backoff' ? backoffDelay(1, DEFAULT_RETRY_POLICY, half.random) : delay)
  })

  it('every row of the table is exercised above', () => {
    const used = new Set(
      ROWS.map(([, err, verb]) => {
        const d = decideRetry(err, {verb, retryConflicts: true, canReread: true}, 1)
        return d.retry ? d.rule : undefined
      }),
    )
    for (const rule of RETRY_RULES)
      expect(used.has(rule), `${rule.failure} / ${rule.verbs.join(',')}`).toBe(true)
  })

  it('a POST with an unknown outcome is not retried without a way to re-read', () => {
    for (const err of [http(500), http(504), http(503, ra), net('ECONNRESET')])
      expect(decideRetry(err, {verb: 'post'}, 1).retry).toBe(false)
  })

  it('never retries client errors other than 429 (and 409 when asked)', () => {
    for (const code of [400, 401, 403, 404, 410, 415, 422]) {
      expect(decideRetry(http(code), {verb: 'read', retryConflicts: true}, 1).retry, String(code)).toBe(false)
    }
    expect(decideRetry(http(409, {}, 'Conflict'), {verb: 'write'}, 1).retry).toBe(false)
    expect(decideRetry(http(409, {}, 'AlreadyExists'), {verb: 'write', retryConflicts: true}, 1).retry).toBe(
      false,
    )
    expect(decideRetry(http(501), {verb: 'read'}, 1).retry).toBe(false)
  })

  it('never retries TLS failures, DNS not-found or the user request timeout', () => {
    for (const code of [
      'SELF_SIGNED_CERT_IN_CHAIN',
      'ENOTFOUND',
      'OCJ_REQUEST_TIMEOUT',
      'ERR_TLS_CERT_ALTNAME_INVALID',
    ]) {
      expect(decideRetry(net(code), {verb: 'read'}, 1).retry, code).toBe(false)
    }
  })

  it('is bounded: maxAttempts for reads, maxWriteAttempts for a 5xx on an idempotent write', () => {
    const p = DEFAULT_RETRY_POLICY
    expect(decideRetry(http(503), {verb: 'read'}, p.maxAttempts - 1).retry).toBe(true)
    expect(decideRetry(http(503), {verb: 'read'}, p.maxAttempts).retry).toBe(false)
    expect(p.maxWriteAttempts).toBeLessThan(p.maxAttempts)
    expect(decideRetry(http(500), {verb: 'write'}, p.maxWriteAttempts - 1).retry).toBe(true)
    expect(decideRetry(http(500), {verb: 'write'}, p.maxWriteAttempts).retry).toBe(false)
    // with Retry-After the server asked for it: the read bound
    expect(decideRetry(http(500, ra), {verb: 'write'}, p.maxWriteAttempts).retry).toBe(true)
  })

  it('caps Retry-After and reads the Status retryAfterSeconds when the header is absent', () => {
    const d = decideRetry(http(429, {'retry-after': '3600'}), {verb: 'read'}, 1)
    expect(d).toMatchObject({delayMs: DEFAULT_RETRY_POLICY.maxRetryAfterMs})
    const withDetails = new ApiError({
      code: 503,
      body: JSON.stringify({
        kind: 'Status',
        code: 503,
        reason: 'ServiceUnavailable',
        details: {retryAfterSeconds: 2},
      }),
      method: 'GET',
      path: '/',
      server,
    })
    expect(decideRetry(withDetails, {verb: 'write'}, 1)).toMatchObject({
      delayMs: 2000,
      reason: '503 from the server',
    })
  })

  it('ignores what is not an error it knows', () => {
    expect(decideRetry(new Error('boom'), {verb: 'read'}, 1).retry).toBe(false)
    expect(decideRetry('x', {verb: 'read'}, 1).retry).toBe(false)
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
    const out = await withRetry(t.send, {verb: 'read', clock, onRetry: i => retries.push(i.reason)})
    expect(out).toBe('ok')
    expect(t.calls).toBe(4)
    expect(retries).toEqual(['503 from the server', '429 Too Many Requests', 'ECONNRESET'])
    expect(clock.sleeps).toEqual([188, 1000, 750]) // 250·(0.5+0.25), Retry-After, 1000·0.75
  })

  it('a POST with an unknown outcome: re-read finds it — not sent again, the found object is the answer', async () => {
    for (const err of [http(503, {'retry-after': '1'}), http(500), http(504), net('ECONNRESET')]) {
      const t = transport([err, 'created twice'])
      const seen: Array<boolean | undefined> = []
      const out = await withRetry(t.send, {
        verb: 'post',
        clock: fakeClock(),
        reread: async () => 'found',
        onRetry: i => seen.push(i.found),
      })
      expect(out).toBe('found')
      expect(t.calls).toBe(1)
      expect(seen).toEqual([true])
    }
  })

  it('a POST with an unknown outcome: re-read finds nothing — sent again', async () => {
    const t = transport([net('ECONNRESET'), http(500), 'created'])
    let rereads = 0
    const out = await withRetry(t.send, {
      verb: 'post',
      clock: fakeClock(),
      reread: async () => {
        rereads++
        return undefined
      },
    })
    expect(out).toBe('created')
    expect(t.calls).toBe(3)
    expect(rereads).toBe(2)
  })

  it('never re-sends a POST it cannot re-read after a 5xx or a reset', async () => {
    for (const err of [http(503), http(500), net('ECONNRESET'), net('EPIPE')]) {
      const t = transport([err, 'created'])
      await expect(withRetry(t.send, {verb: 'post', clock: fakeClock()})).rejects.toBe(err)
      expect(t.calls).toBe(1)
    }
  })

  it('re-sends a POST that was refused before connecting, or throttled, without re-reading', async () => {
    const t = transport([net('ECONNREFUSED'), http(429), 'created'])
    const reread = async () => {
      throw new Error('not called')
    }
    await expect(withRetry(t.send, {verb: 'post', clock: fakeClock(), reread})).resolves.toBe('created')
    expect(t.calls).toBe(3)
  })

  it('server-side apply answered 500: 3 attempts, each retry reported with its rule', async () => {
    const last = http(500)
    const t = transport([http(500), http(500), last, 'applied'])
    const why: string[] = []
    await expect(
      withRetry(t.send, {verb: 'write', clock: fakeClock(), onRetry: i => why.push(i.rule.why)}),
    ).rejects.toBe(last)
    expect(t.calls).toBe(DEFAULT_RETRY_POLICY.maxWriteAttempts)
    expect(why).toHaveLength(2)
    expect(why[0]).toMatch(/idempotent/)
  })

  it('gives up after maxAttempts with the last error', async () => {
    const last = http(503)
    const t = transport([http(503), http(503), last])
    await expect(
      withRetry(t.send, {verb: 'read', clock: fakeClock(), policy: {maxAttempts: 3}}),
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
        {verb: 'read', clock, signal: ctl.signal},
      ),
    ).rejects.toThrow()
    expect(t.calls).toBe(1)
  })
})

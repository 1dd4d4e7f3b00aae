import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'

import {request, watch, type Target} from './client.js'
import {startFakeOpenShift, type FakeOpenShift} from './index.js'
import {noopSimulators} from './testkit.js'

let fake: FakeOpenShift
let dev: Target
const CMS = '/api/v1/namespaces/myproject/configmaps'

beforeAll(async () => {
  fake = await startFakeOpenShift({sims: noopSimulators(), simulators: 'manual'})
  dev = {url: fake.url, caPem: fake.caPem, token: fake.token}
})
afterAll(() => fake?.stop())
afterEach(() => fake.faults.clear())

describe('fault injection', () => {
  it('answers 429 with Retry-After for the configured count, then lets requests through', async () => {
    const h = fake.faults.status('GET', CMS, 429, {retryAfterSeconds: 2, times: 2})
    for (let i = 0; i < 2; i++) {
      const r = await request(dev, CMS)
      expect(r.status).toBe(429)
      expect(r.headers['retry-after']).toBe('2')
      expect(r.json).toMatchObject({
        kind: 'Status',
        reason: 'TooManyRequests',
        code: 429,
        details: {retryAfterSeconds: 2},
      })
    }
    expect((await request(dev, CMS)).status).toBe(200)
    expect(h.hits()).toBe(2)
  })

  it('answers 5xx without Retry-After, only for matching methods and paths (glob)', async () => {
    fake.faults.status(['POST'], '/api/v1/namespaces/*/configmaps', 503)
    expect((await request(dev, CMS)).status).toBe(200)
    const r = await request(dev, CMS, {body: {metadata: {name: 'x503'}}})
    expect(r.status).toBe(503)
    expect(r.headers['retry-after']).toBeUndefined()
    expect(r.json.reason).toBe('ServiceUnavailable')
    expect((await request(dev, `${CMS}/x503`)).status).toBe(404) // nothing was written
  })

  it('hits a reproducible share of requests with a probability', async () => {
    const run = async () => {
      fake.faults.clear()
      fake.faults.seed(42)
      fake.faults.status('GET', /\/configmaps$/, 500, {probability: 0.5})
      const codes: number[] = []
      for (let i = 0; i < 20; i++) codes.push((await request(dev, CMS)).status)
      return codes
    }
    const a = await run()
    expect(a.filter(c => c === 500).length).toBeGreaterThan(3)
    expect(a.filter(c => c === 200).length).toBeGreaterThan(3)
    expect(await run()).toEqual(a)
  })

  it('delays a request', async () => {
    fake.faults.delay('GET', CMS, 150, 1)
    const t = Date.now()
    expect((await request(dev, CMS)).status).toBe(200)
    expect(Date.now() - t).toBeGreaterThanOrEqual(140)
  })

  it('resets the connection', async () => {
    fake.faults.reset('GET', CMS, 1)
    await expect(request(dev, CMS)).rejects.toMatchObject({
      code: expect.stringMatching(/ECONNRESET|socket hang up/),
    })
    expect((await request(dev, CMS)).status).toBe(200)
    expect(fake.recorder.filter({path: CMS}).some(r => r.fault === 'reset' && r.status === 0)).toBe(true)
  })

  it('after handling: the write is stored, the answer is a 504 or a reset connection', async () => {
    fake.faults.add({method: 'POST', path: CMS, times: 1, action: {type: 'status', status: 504, after: true}})
    const r = await request(dev, CMS, {body: {metadata: {name: 'after-504'}}})
    expect(r.status).toBe(504)
    expect(r.json).toMatchObject({kind: 'Status', reason: 'Timeout', code: 504})
    expect((await request(dev, `${CMS}/after-504`)).status).toBe(200)

    fake.faults.add({method: 'POST', path: CMS, times: 1, action: {type: 'reset', after: true}})
    await expect(request(dev, CMS, {body: {metadata: {name: 'after-reset'}}})).rejects.toMatchObject({
      code: expect.stringMatching(/ECONNRESET|socket hang up/),
    })
    expect((await request(dev, `${CMS}/after-reset`)).status).toBe(200)
    const faults = fake.recorder.filter({method: 'POST', path: CMS}).map(e => e.fault)
    expect(faults).toContain('status 504 after handling')
    expect(faults).toContain('reset after handling')
  })

  it('after handling applies to writes only: a GET is answered normally', async () => {
    fake.faults.add({path: CMS, times: 1, action: {type: 'status', status: 500, after: true}})
    expect((await request(dev, CMS)).status).toBe(200)
  })

  it('closes a watch after N events', async () => {
    for (const n of ['wa', 'wb', 'wc']) await request(dev, CMS, {body: {metadata: {name: n}}})
    fake.faults.closeWatchAfter(CMS, 2)
    const w = await watch(dev, `${CMS}?watch=1`)
    expect(await w.rest()).toHaveLength(2)
    const again = await watch(dev, `${CMS}?watch=1&timeoutSeconds=1`)
    expect((await again.rest()).length).toBeGreaterThanOrEqual(3) // the rule was for one watch
  })

  it('fails the k-th write with 409 Conflict', async () => {
    fake.faults.conflictOnWrite(2, `${CMS}/**`)
    await request(dev, CMS, {body: {metadata: {name: 'k'}, data: {v: '0'}}})
    const patch = (v: string) =>
      request(dev, `${CMS}/k`, {
        method: 'PATCH',
        body: {data: {v}},
        contentType: 'application/merge-patch+json',
      })
    expect((await patch('1')).status).toBe(200) // first write under the path
    const second = await patch('2')
    expect(second.status).toBe(409)
    expect(second.json).toMatchObject({
      reason: 'Conflict',
      message: expect.stringContaining('configmaps "k"'),
    })
    expect((await patch('3')).status).toBe(200)
    expect((await request(dev, `${CMS}/k`)).json.data.v).toBe('3')
  })
})

describe('request recorder', () => {
  it('records method, path, query, content type, body, user and status', async () => {
    const mark = fake.recorder.mark()
    await request(dev, `${CMS}?fieldManager=rec-test`, {body: {metadata: {name: 'rec'}}})
    await request(dev, `${CMS}/rec`, {
      method: 'PATCH',
      body: {data: {a: 'b'}},
      contentType: 'application/merge-patch+json',
    })
    await request({...dev, token: 'wrong'}, CMS)
    const mine = fake.recorder.filter({since: mark})
    expect(mine.map(r => `${r.method} ${r.status}`)).toEqual(['POST 201', 'PATCH 200', 'GET 401'])
    expect(mine[0]).toMatchObject({
      path: CMS,
      query: {fieldManager: 'rec-test'},
      contentType: 'application/json',
      body: {metadata: {name: 'rec'}},
      user: 'developer',
    })
    expect(mine[1].contentType).toBe('application/merge-patch+json')
    expect(mine[2].user).toBeUndefined()
    expect(fake.recorder.writes({since: mark})).toHaveLength(2)
    expect(fake.recorder.count({since: mark, method: 'PATCH', path: /\/rec$/})).toBe(1)
  })
})

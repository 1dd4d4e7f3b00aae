import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest'

import {request, watch, type Target} from './client.js'
import {startFakeOpenShift, type FakeOpenShift} from './index.js'
import {noopSimulators} from './testkit.js'

let fake: FakeOpenShift
let dev: Target
const CMS = '/api/v1/namespaces/myproject/configmaps'

beforeAll(async () => {
  fake = await startFakeOpenShift({sims: noopSimulators(), simulators: 'manual', bookmarkIntervalMs: 50})
  dev = {url: fake.url, caPem: fake.caPem, token: fake.token}
})
afterAll(() => fake?.stop())

const cm = (name: string, labels?: Record<string, string>) => ({
  metadata: {name, ...(labels ? {labels} : {})},
  data: {a: '1'},
})

describe('watch', () => {
  it('flushes headers at once, then sends the current objects as ADDED and later changes', async () => {
    await request(dev, CMS, {body: cm('w-initial')})
    const w = await watch(dev, `${CMS}?watch=true`)
    expect(w.status).toBe(200) // resolved before any event was written
    const first = await w.next()
    expect(first).toMatchObject({type: 'ADDED', object: {metadata: {name: 'w-initial'}}})
    await request(dev, CMS, {body: cm('w-live')})
    expect(await w.next()).toMatchObject({type: 'ADDED', object: {metadata: {name: 'w-live'}}})
    await request(dev, `${CMS}/w-live`, {
      method: 'PATCH',
      body: {data: {a: '2'}},
      contentType: 'application/merge-patch+json',
    })
    expect(await w.next()).toMatchObject({type: 'MODIFIED', object: {data: {a: '2'}}})
    await request(dev, `${CMS}/w-live`, {method: 'DELETE'})
    expect(await w.next()).toMatchObject({type: 'DELETED', object: {metadata: {name: 'w-live'}}})
    w.close()
  })

  it('replays history after a resourceVersion and stops after timeoutSeconds', async () => {
    const list = (await request(dev, CMS)).json
    await request(dev, CMS, {body: cm('r-1')})
    await request(dev, `${CMS}/r-1`, {method: 'DELETE'})
    const w = await watch(
      dev,
      `${CMS}?watch=1&resourceVersion=${list.metadata.resourceVersion}&timeoutSeconds=1`,
    )
    const events = await w.rest()
    expect(events.map(e => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED r-1', 'DELETED r-1'])
  })

  it('sends BOOKMARK events when allowed, and the initial-events-end bookmark', async () => {
    const list = (await request(dev, CMS)).json
    const w = await watch(
      dev,
      `${CMS}?watch=1&allowWatchBookmarks=true&resourceVersion=${list.metadata.resourceVersion}`,
    )
    const bm = await w.next()
    expect(bm).toMatchObject({type: 'BOOKMARK', object: {kind: 'ConfigMap', apiVersion: 'v1'}})
    expect(Number(bm!.object.metadata.resourceVersion)).toBeGreaterThanOrEqual(
      Number(list.metadata.resourceVersion),
    )
    expect((await w.next())?.type).toBe('BOOKMARK') // periodic (50 ms here)
    w.close()
    const init = await watch(
      dev,
      `${CMS}?watch=1&allowWatchBookmarks=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan`,
    )
    let ev = await init.next()
    while (ev?.type === 'ADDED') ev = await init.next()
    expect(ev).toMatchObject({
      type: 'BOOKMARK',
      object: {metadata: {annotations: {'k8s.io/initial-events-end': 'true'}}},
    })
    init.close()
  })

  it('answers a compacted resourceVersion with an ERROR event carrying 410 Expired', async () => {
    const old = (await request(dev, CMS)).json.metadata.resourceVersion
    await request(dev, CMS, {body: cm('c-1')})
    fake.store.compact()
    const w = await watch(dev, `${CMS}?watch=1&resourceVersion=${old}`)
    const events = await w.rest()
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({type: 'ERROR', object: {kind: 'Status', code: 410, reason: 'Expired'}})
    expect(events[0].object.message).toMatch(/^too old resource version: \d+ \(\d+\)$/)
  })

  it('turns selector transitions into ADDED/DELETED', async () => {
    const w = await watch(dev, `${CMS}?watch=1&labelSelector=team%3Dred`)
    await request(dev, CMS, {body: cm('t-1')})
    await request(dev, `${CMS}/t-1`, {
      method: 'PATCH',
      body: {metadata: {labels: {team: 'red'}}},
      contentType: 'application/merge-patch+json',
    })
    expect(await w.next()).toMatchObject({type: 'ADDED', object: {metadata: {name: 't-1'}}})
    await request(dev, `${CMS}/t-1`, {
      method: 'PATCH',
      body: {metadata: {labels: {team: 'blue'}}},
      contentType: 'application/merge-patch+json',
    })
    expect(await w.next()).toMatchObject({
      type: 'DELETED',
      object: {metadata: {name: 't-1', labels: {team: 'blue'}}},
    })
    w.close()
  })

  it('watches one object through a metadata.name field selector and serves Tables', async () => {
    await request(dev, CMS, {body: cm('one')})
    const w = await watch(dev, `${CMS}?watch=1&fieldSelector=metadata.name%3Done`, {
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
    })
    const ev = await w.next()
    expect(ev?.object.kind).toBe('Table')
    expect(ev?.object.rows[0].cells[0]).toBe('one')
    expect(ev?.object.columnDefinitions).toBeDefined()
    await request(dev, `${CMS}/one`, {method: 'DELETE'})
    const del = await w.next()
    expect(del?.type).toBe('DELETED')
    expect(del?.object.columnDefinitions).toBeUndefined() // headers only with the first table
    w.close()
  })

  it('notices a departed client and unsubscribes', async () => {
    const store = fake.store as unknown as {listeners: Set<unknown>}
    // earlier tests' closed watches may not have been noticed yet
    await new Promise(r => setTimeout(r, 50))
    const before = store.listeners.size
    const w = await watch(dev, `${CMS}?watch=1`)
    expect(store.listeners.size).toBe(before + 1)
    w.close()
    await vi.waitFor(() => expect(store.listeners.size).toBe(before))
  })

  it('shows projects from namespace events, filtered by visibility', async () => {
    const w = await watch(dev, '/apis/project.openshift.io/v1/projects?watch=1')
    expect(await w.next()).toMatchObject({
      type: 'ADDED',
      object: {kind: 'Project', metadata: {name: 'myproject'}},
    })
    await request({...dev, token: fake.tokenFor('admin')}, '/api/v1/namespaces', {
      body: {metadata: {name: 'invisible'}},
    })
    await request(dev, '/apis/project.openshift.io/v1/projectrequests', {body: {metadata: {name: 'visible'}}})
    const next = await w.next()
    expect(next).toMatchObject({type: 'ADDED', object: {kind: 'Project', metadata: {name: 'visible'}}})
    w.close()
  })
})

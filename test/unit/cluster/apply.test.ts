import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'
import {
  applyObjects,
  createIfAbsent,
  deleteIfExists,
  jsonPatch,
  jsonPointerSegment,
  mapLimit,
  mergePatch,
  sameObject,
} from '../../../src/lib/cluster/apply.js'
import {KubeClient} from '../../../src/lib/cluster/client.js'
import {ApiError} from '../../../src/lib/cluster/errors.js'
import {MiniStore} from './helpers/store.js'
import {fakeClock, startTestServer, type TestServer} from './helpers/server.js'

let srv: TestServer
let store: MiniStore
beforeAll(async () => {
  srv = await startTestServer()
})
afterAll(() => srv.close())
beforeEach(() => {
  store = new MiniStore()
  srv.handle(store.handler)
  srv.requests.length = 0
})
const client = () => new KubeClient(srv.context({namespace: 'proj'}), {clock: fakeClock()})

const cm = (name: string, data: Record<string, string> = {a: '1'}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {name},
  data,
})
const svc = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: {name: 'nb', labels: {app: 'nb'}},
  spec: {ports: [{port: 8888}]},
}

describe('applyObjects', () => {
  it('created, then unchanged on a re-run, then configured after a change', async () => {
    const c = client()
    const first = await applyObjects(c, [cm('a'), svc])
    expect(first.map(r => [r.kind, r.name, r.namespace, r.action])).toEqual([
      ['ConfigMap', 'a', 'proj', 'created'],
      ['Service', 'nb', 'proj', 'created'],
    ])
    expect(first[0].object?.metadata?.resourceVersion).toBe(
      store.objects.get('/api/v1/namespaces/proj/configmaps/a')?.metadata.resourceVersion,
    )
    const again = await applyObjects(c, [cm('a'), svc])
    expect(again.map(r => r.action)).toEqual(['unchanged', 'unchanged'])
    const changed = await applyObjects(c, [cm('a', {a: '2'}), svc])
    expect(changed.map(r => r.action)).toEqual(['configured', 'unchanged'])
  })

  it('a no-op apply is unchanged even if the server bumps the resourceVersion', async () => {
    store.bumpOnNoop = true
    const c = client()
    await applyObjects(c, [cm('a')])
    expect((await applyObjects(c, [cm('a')]))[0].action).toBe('unchanged')
    expect((await applyObjects(c, [cm('a', {a: '2'})]))[0].action).toBe('configured')
  })

  it('sends GET then one SSA PATCH per object, with namespace filled in and server fields stripped', async () => {
    await applyObjects(client(), [
      {...cm('a'), metadata: {name: 'a', resourceVersion: '3', managedFields: []}},
    ])
    expect(srv.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      'GET /api/v1/namespaces/proj/configmaps/a',
      'PATCH /api/v1/namespaces/proj/configmaps/a',
    ])
    const patch = srv.requests[1]
    expect(patch.headers['content-type']).toBe('application/apply-patch+yaml')
    expect(Object.fromEntries(patch.url.searchParams)).toEqual({fieldManager: 'oc-jupyter', force: 'true'})
    expect(JSON.parse(patch.body).metadata).toEqual({name: 'a', namespace: 'proj'})
  })

  it('dry run: dryRun=All, nothing persisted, action is what would happen', async () => {
    const c = client()
    const dry = await applyObjects(c, [cm('a')], {dryRun: true})
    expect(dry[0]).toMatchObject({action: 'created', dryRun: true})
    expect(store.objects.size).toBe(0)
    expect(srv.requests[1].url.searchParams.get('dryRun')).toBe('All')
    await applyObjects(c, [cm('a')])
    expect((await applyObjects(c, [cm('a')], {dryRun: true}))[0].action).toBe('unchanged')
    expect((await applyObjects(c, [cm('a', {a: 'x'})], {dryRun: true}))[0].action).toBe('configured')
    expect(store.objects.get('/api/v1/namespaces/proj/configmaps/a')?.data).toEqual({a: '1'})
  })

  it('runs independent objects concurrently, within the limit, results in input order', async () => {
    store.delayMs = 30
    const objs = Array.from({length: 6}, (_, i) => cm(`c${i}`))
    const results = await applyObjects(client(), objs, {concurrency: 3})
    expect(results.map(r => r.name)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5'])
    expect(store.maxInFlight).toBe(3)
  })

  it('stops starting new objects after a failure and throws the first error', async () => {
    store.failures.push({
      match: (m, p) => m === 'PATCH' && p.endsWith('/b'),
      code: 422,
      reason: 'Invalid',
      message: 'ConfigMap "b" is invalid',
    })
    const seen: string[] = []
    const err = await applyObjects(client(), [cm('a'), cm('b'), cm('c')], {
      concurrency: 1,
      onResult: r => seen.push(r.name),
    }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect((err as ApiError).exitCode).toBe(1)
    expect(seen).toEqual(['a'])
    expect(srv.requests.some(r => r.path.endsWith('/c'))).toBe(false)
  })

  it('cluster-scoped kinds get no namespace', async () => {
    await applyObjects(client(), [
      {apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: {name: 'x'}},
    ])
    expect(srv.requests[1].path).toBe('/apis/rbac.authorization.k8s.io/v1/clusterroles/x')
    expect(JSON.parse(srv.requests[1].body).metadata.namespace).toBeUndefined()
  })
})

describe('createIfAbsent / deleteIfExists / patches', () => {
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {name: 'nb-password'},
    stringData: {password: 'generated-pass-123'},
  }

  it('creates the password Secret once; a re-run is unchanged and never overwrites it', async () => {
    const c = client()
    expect((await createIfAbsent(c, secret)).action).toBe('created')
    const again = await createIfAbsent(c, {...secret, stringData: {password: 'other-pass-456'}})
    expect(again).toMatchObject({action: 'unchanged', object: undefined})
    expect(store.objects.get('/api/v1/namespaces/proj/secrets/nb-password')?.stringData.password).toBe(
      'generated-pass-123',
    )
    expect(srv.requests.filter(r => r.method === 'POST')).toHaveLength(2)
  })

  it('createIfAbsent passes dryRun and surfaces other errors', async () => {
    await createIfAbsent(client(), secret, {dryRun: true})
    expect(srv.requests[0].url.searchParams.get('dryRun')).toBe('All')
    expect(store.objects.size).toBe(0)
    store.failures.push({match: m => m === 'POST', code: 403, reason: 'Forbidden', message: 'no'})
    await expect(createIfAbsent(client(), secret)).rejects.toMatchObject({exitCode: 4})
  })

  it('a 409 Conflict on the create (not AlreadyExists) is retried, never taken for "unchanged"', async () => {
    const conflict = {
      match: (m: string) => m === 'POST',
      code: 409,
      reason: 'Conflict',
      message: 'Operation cannot be fulfilled on resourcequotas "quota": the object has been modified',
    }
    store.failures.push({...conflict}, {...conflict})
    const r = await createIfAbsent(client(), secret)
    expect(r.action).toBe('created')
    expect(store.objects.get('/api/v1/namespaces/proj/secrets/nb-password')).toBeDefined()
    expect(srv.requests.filter(x => x.method === 'POST')).toHaveLength(3)
    // a conflict that does not go away is reported, not swallowed
    for (let i = 0; i < 4; i++) store.failures.push({...conflict})
    store.objects.clear()
    const err = await createIfAbsent(client(), secret).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect((err as ApiError).reason).toBe('Conflict')
    expect(store.objects.size).toBe(0)
  })

  it('deleteIfExists: deleted, then absent (404 = done)', async () => {
    const c = client()
    await applyObjects(c, [svc])
    expect(await deleteIfExists(c, {kind: 'Service', name: 'nb'})).toBe('deleted')
    expect(await deleteIfExists(c, {kind: 'Service', name: 'nb'})).toBe('absent')
    const del = srv.requests.filter(r => r.method === 'DELETE')
    expect(del[0].url.searchParams.get('propagationPolicy')).toBe('Background')
  })

  it('mergePatch and jsonPatch send their own Content-Types', async () => {
    const c = client()
    await applyObjects(c, [cm('a')])
    srv.requests.length = 0
    await mergePatch(c, {kind: 'ConfigMap', name: 'a'}, {data: {b: '2'}}).catch(() => undefined)
    await jsonPatch(c, '/apis/security.openshift.io/v1/securitycontextconstraints/anyuid', [
      {op: 'test', path: '/users/0', value: 'system:serviceaccount:proj:default'},
      {op: 'remove', path: '/users/0'},
    ]).catch(() => undefined)
    expect(srv.requests.map(r => [r.path, r.headers['content-type']])).toEqual([
      ['/api/v1/namespaces/proj/configmaps/a', 'application/merge-patch+json'],
      ['/apis/security.openshift.io/v1/securitycontextconstraints/anyuid', 'application/json-patch+json'],
    ])
    expect(JSON.parse(srv.requests[1].body)[1]).toEqual({op: 'remove', path: '/users/0'})
    expect(jsonPointerSegment('image.openshift.io/triggers')).toBe('image.openshift.io~1triggers')
  })
})

describe('helpers', () => {
  it('sameObject ignores server-maintained metadata only', () => {
    const a = {
      kind: 'X',
      metadata: {name: 'a', resourceVersion: '1', managedFields: [{time: '1'}], generation: 1},
      spec: {a: 1, b: 2},
    }
    const b = {
      kind: 'X',
      metadata: {name: 'a', resourceVersion: '2', managedFields: [{time: '2'}], generation: 2},
      spec: {b: 2, a: 1},
    }
    expect(sameObject(a, b)).toBe(true)
    expect(sameObject(a, {...b, spec: {a: 2, b: 2}})).toBe(false)
    // status is the controllers' (a trigger bumping lastVersion between GET and apply)
    expect(sameObject({...a, status: {lastVersion: 1}}, {...b, status: {lastVersion: 2}})).toBe(true)
  })

  it('mapLimit keeps order and respects the limit', async () => {
    let inFlight = 0
    let max = 0
    const out = await mapLimit([5, 1, 3, 2], 2, async n => {
      max = Math.max(max, ++inFlight)
      await new Promise(r => setTimeout(r, n))
      inFlight--
      return n * 10
    })
    expect(out).toEqual([50, 10, 30, 20])
    expect(max).toBe(2)
    expect(await mapLimit([], 3, async () => 1)).toEqual([])
  })
})

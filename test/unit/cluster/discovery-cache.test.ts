import {existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {KubeClient} from '../../../src/lib/cluster/client.js'
import {
  DISCOVERY_TTL_MS,
  DiscoveryCache,
  defaultDiscoveryCacheDir,
  serverCacheKey,
} from '../../../src/lib/cluster/discovery-cache.js'
import {fakeClock, json, startTestServer, status, type TestServer} from './helpers/server.js'

let srv: TestServer
let version = 'v1.31.0'
let routeResources = [{name: 'routes'}, {name: 'routes/status'}]
beforeAll(async () => {
  srv = await startTestServer((req, res) => {
    const p = req.url.split('?')[0]
    if (p === '/version') json(res, 200, {major: '1', minor: version.split('.')[1], gitVersion: version})
    else if (p === '/apis/route.openshift.io/v1')
      json(res, 200, {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: 'route.openshift.io/v1',
        resources: routeResources,
      })
    else if (p === '/apis/image.openshift.io/v1')
      json(res, 200, {
        kind: 'APIResourceList',
        groupVersion: 'image.openshift.io/v1',
        resources: [{name: 'imagestreams'}],
      })
    else if (p === '/apis/route.openshift.io/v1/namespaces/proj/routes/nb')
      json(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'))
    else if (p === '/api/v1/namespaces/proj/secrets/gone')
      json(res, 404, status(404, 'NotFound', 'secrets "gone" not found', {name: 'gone', kind: 'secrets'}))
    else json(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'))
  })
})
afterAll(() => srv.close())

let cacheDir: string
beforeEach(() => {
  srv.requests.length = 0
  version = 'v1.31.0'
  routeResources = [{name: 'routes'}, {name: 'routes/status'}]
  cacheDir = mkdtempSync(path.join(tmpdir(), 'ocj-discovery-'))
})

/** A new client is a new CLI invocation: only the disk cache carries over. */
const client = () => new KubeClient(srv.context(), {clock: fakeClock(), discoveryCacheDir: cacheDir})
const paths = () => srv.requests.map(r => r.path)
const hostDir = () => path.join(cacheDir, serverCacheKey(srv.url))

describe('discovery cache: where and how', () => {
  it("names the server's directory as kubectl does", () => {
    expect(serverCacheKey('https://127.0.0.1:37377')).toBe('127.0.0.1_37377')
    expect(serverCacheKey('https://api.example.com:6443')).toBe('api.example.com_6443')
    expect(serverCacheKey('https://rancher.example/k8s/clusters/c-x1')).toBe(
      'rancher.example/k8s/clusters/c_x1',
    )
  })

  it("lives in kubectl's cache: $KUBECACHEDIR, else ~/.kube/cache", () => {
    expect(defaultDiscoveryCacheDir({}, '/home/u')).toBe('/home/u/.kube/cache/discovery')
    expect(defaultDiscoveryCacheDir({KUBECACHEDIR: '/tmp/kc'}, '/home/u')).toBe('/tmp/kc/discovery')
  })

  it("stores the APIResourceList as served, in kubectl's file layout", async () => {
    expect(await client().isServed('route.openshift.io/v1', 'routes')).toBe(true)
    const file = path.join(hostDir(), 'route.openshift.io', 'v1', 'serverresources.json')
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: 'route.openshift.io/v1',
      resources: [{name: 'routes'}, {name: 'routes/status'}],
    })
    expect(JSON.parse(readFileSync(path.join(hostDir(), 'version.json'), 'utf8')).gitVersion).toBe('v1.31.0')
  })

  it('an entry older than 6 hours (by mtime, as kubectl) is not used', () => {
    const cache = new DiscoveryCache(cacheDir, srv.url)
    cache.write('apps/v1', {resources: [{name: 'deployments'}]})
    expect(cache.read('apps/v1')?.resources).toEqual([{name: 'deployments'}])
    const file = path.join(hostDir(), 'apps', 'v1', 'serverresources.json')
    const old = (Date.now() - DISCOVERY_TTL_MS - 60_000) / 1000
    utimesSync(file, old, old)
    expect(cache.read('apps/v1')).toBeUndefined()
  })

  it('a corrupt file is a miss, an unwritable directory runs without a cache', async () => {
    const cache = new DiscoveryCache(cacheDir, srv.url)
    cache.write('apps/v1', {resources: []})
    writeFileSync(path.join(hostDir(), 'apps', 'v1', 'serverresources.json'), '{not json')
    expect(cache.read('apps/v1')).toBeUndefined()

    const file = path.join(cacheDir, 'a-file')
    writeFileSync(file, '')
    const c = new KubeClient(srv.context(), {clock: fakeClock(), discoveryCacheDir: file})
    expect(await c.isServed('route.openshift.io/v1', 'routes')).toBe(true)
  })
})

describe('discovery cache: requests', () => {
  it('the first command asks the server (with /version), the second sends no discovery request', async () => {
    expect(await client().isServed('route.openshift.io/v1', 'routes')).toBe(true)
    expect(paths().sort()).toEqual(['/apis/route.openshift.io/v1', '/version'])
    srv.requests.length = 0
    const second = client()
    expect(await second.isServed('route.openshift.io/v1', 'routes')).toBe(true)
    expect(await second.isServed('route.openshift.io/v1', 'routes')).toBe(true)
    expect(paths()).toEqual([])
  })

  it('a group/version the server does not serve is not cached', async () => {
    expect(await client().isServed('apps.openshift.io/v1', 'deploymentconfigs')).toBe(false)
    expect(await client().isServed('apps.openshift.io/v1', 'deploymentconfigs')).toBe(false)
    expect(paths().filter(p => p === '/apis/apps.openshift.io/v1')).toHaveLength(2)
  })

  it('a resource missing from a cached list is asked of the server again (it may be new)', async () => {
    await client().isServed('route.openshift.io/v1', 'routes')
    routeResources = [...routeResources, {name: 'widgets'}]
    srv.requests.length = 0
    const c = client()
    expect(await c.isServed('route.openshift.io/v1', 'widgets')).toBe(true)
    expect(paths().sort()).toEqual(['/apis/route.openshift.io/v1', '/version'])
    // and the fresh list replaces the cached one
    srv.requests.length = 0
    expect(await client().isServed('route.openshift.io/v1', 'widgets')).toBe(true)
    expect(paths()).toEqual([])
  })

  it('a 404 for a resource the cache said was served drops the cache', async () => {
    await client().isServed('route.openshift.io/v1', 'routes')
    const c = client()
    expect(await c.isServed('route.openshift.io/v1', 'routes')).toBe(true)
    await expect(c.get('/apis/route.openshift.io/v1/namespaces/proj/routes/nb')).rejects.toMatchObject({
      code: 404,
    })
    expect(existsSync(hostDir())).toBe(false)
    srv.requests.length = 0
    await client().isServed('route.openshift.io/v1', 'routes')
    expect(paths()).toContain('/apis/route.openshift.io/v1')
  })

  it('a 404 for a missing object (details.name) keeps the cache', async () => {
    await client().isServed('route.openshift.io/v1', 'routes')
    const c = client()
    await c.isServed('route.openshift.io/v1', 'routes')
    expect(await c.getIfExists('/api/v1/namespaces/proj/secrets/gone')).toBeUndefined()
    expect(existsSync(path.join(hostDir(), 'route.openshift.io', 'v1', 'serverresources.json'))).toBe(true)
  })

  it('another server version drops what was cached before it', async () => {
    await client().isServed('route.openshift.io/v1', 'routes')
    version = 'v1.32.1'
    srv.requests.length = 0
    // a miss (image.openshift.io) reads /version: the upgrade shows, the route entry goes
    expect(await client().isServed('image.openshift.io/v1', 'imagestreams')).toBe(true)
    expect(existsSync(path.join(hostDir(), 'route.openshift.io', 'v1', 'serverresources.json'))).toBe(false)
    expect(existsSync(path.join(hostDir(), 'image.openshift.io', 'v1', 'serverresources.json'))).toBe(true)
    expect(JSON.parse(readFileSync(path.join(hostDir(), 'version.json'), 'utf8')).gitVersion).toBe('v1.32.1')
  })

  it('without a cache directory nothing is written (the library default)', async () => {
    const c = new KubeClient(srv.context(), {clock: fakeClock()})
    expect(await c.isServed('route.openshift.io/v1', 'routes')).toBe(true)
    expect(paths()).toEqual(['/apis/route.openshift.io/v1'])
    expect(existsSync(hostDir())).toBe(false)
  })
})

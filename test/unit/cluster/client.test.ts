import {mkdtempSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import path from 'node:path'
import https from 'node:https'
import {afterAll, beforeAll, beforeEach, describe, expect, it, vi} from 'vitest'
import {KubeClient, PATCH_CONTENT_TYPES, parseWarningHeader} from '../../../src/lib/cluster/client.js'
import {ApiError, NetworkError} from '../../../src/lib/cluster/errors.js'
import {loadKubeContext} from '../../../src/lib/cluster/kubeconfig.js'
import {
  fakeClock,
  json,
  kubeconfigYaml,
  startTestServer,
  status,
  testTls,
  type TestServer,
} from './helpers/server.js'

let srv: TestServer
beforeAll(async () => {
  srv = await startTestServer()
})
afterAll(() => srv.close())
beforeEach(() => {
  srv.requests.length = 0
})

const client = (opts: ConstructorParameters<typeof KubeClient>[1] = {}) =>
  new KubeClient(srv.context(), {clock: fakeClock(), ...opts})

describe('KubeClient requests', () => {
  it('GETs JSON over TLS with the kubeconfig CA and bearer token', async () => {
    srv.handle((_req, res) => json(res, 200, {kind: 'Pod', metadata: {name: 'p'}}))
    const pod = await client().get('/api/v1/namespaces/proj/pods/p')
    expect(pod).toEqual({kind: 'Pod', metadata: {name: 'p'}})
    expect(srv.requests[0].headers.authorization).toBe(`Bearer ${srv.token}`)
    expect(srv.requests[0].headers['user-agent']).toBe('oc-jupyter')
    expect(srv.requests[0].path).toBe('/api/v1/namespaces/proj/pods/p')
  })

  it('encodes query values: arrays repeated, undefined skipped, booleans as text', async () => {
    srv.handle((_req, res) => json(res, 200, {items: []}))
    await client().list('/api/v1/namespaces/proj/pods', {
      labelSelector: 'app=nb',
      skip: undefined,
      watch: false,
      x: ['a', 'b'],
    })
    const q = srv.requests[0].url.searchParams
    expect(q.get('labelSelector')).toBe('app=nb')
    expect(q.has('skip')).toBe(false)
    expect(q.get('watch')).toBe('false')
    expect(q.getAll('x')).toEqual(['a', 'b'])
  })

  it('server-side apply: apply-patch+yaml, fieldManager, force, dryRun=All', async () => {
    srv.handle((req, res) => json(res, 200, JSON.parse(req.body)))
    const obj = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {name: 'c', namespace: 'proj'},
      data: {a: 'b'},
    }
    const res = await client().apply('/api/v1/namespaces/proj/configmaps/c', obj, {dryRun: true})
    expect(res.body).toEqual(obj)
    const r = srv.requests[0]
    expect(r.method).toBe('PATCH')
    expect(r.headers['content-type']).toBe('application/apply-patch+yaml')
    expect(Object.fromEntries(r.url.searchParams)).toEqual({
      dryRun: 'All',
      fieldManager: 'oc-jupyter',
      force: 'true',
    })
  })

  it('every patch type has its explicit Content-Type; force only for apply', async () => {
    srv.handle((_req, res) => json(res, 200, {}))
    const c = client()
    await c.patch('/x', {a: 1}, 'merge')
    await c.patch('/x', [{op: 'remove', path: '/a'}], 'json')
    await c.patch('/x', {a: 1}, 'strategic')
    expect(srv.requests.map(r => r.headers['content-type'])).toEqual([
      PATCH_CONTENT_TYPES.merge,
      PATCH_CONTENT_TYPES.json,
      PATCH_CONTENT_TYPES.strategic,
    ])
    expect(srv.requests.every(r => !r.url.searchParams.has('force'))).toBe(true)
    await expect(c.request({method: 'PATCH', path: '/x', body: {}})).rejects.toThrow(/explicit Content-Type/)
  })

  it('POST to a subresource (instantiate) returns the created object and status', async () => {
    srv.handle((req, res) =>
      json(res, 201, {kind: 'Build', metadata: {name: 'nb-2'}, echo: JSON.parse(req.body)}),
    )
    const res = await client().create(
      '/apis/build.openshift.io/v1/namespaces/proj/buildconfigs/nb/instantiate',
      {
        kind: 'BuildRequest',
        apiVersion: 'build.openshift.io/v1',
        metadata: {name: 'nb'},
      },
    )
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({kind: 'Build', echo: {kind: 'BuildRequest'}})
    expect(srv.requests[0].headers['content-type']).toBe('application/json')
  })

  it('maps HTTP errors to ApiError with the Status', async () => {
    srv.handle((_req, res) =>
      json(res, 404, status(404, 'NotFound', 'pods "x" not found', {name: 'x', kind: 'pods'})),
    )
    const err = await client()
      .get('/api/v1/namespaces/proj/pods/x')
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({code: 404, reason: 'NotFound', exitCode: 1})
    expect(await client().getIfExists('/api/v1/namespaces/proj/pods/x')).toBeUndefined()
  })

  it('getIfExists still throws when the namespace is missing... or the API is not served', async () => {
    srv.handle((_req, res) =>
      json(res, 404, status(404, 'NotFound', 'the server could not find the requested resource', {})),
    )
    await expect(
      client().getIfExists('/apis/route.openshift.io/v1/namespaces/proj/routes/x'),
    ).rejects.toBeInstanceOf(ApiError)
  })

  it('a wrong token → 401 → exit 3, token not in the message', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ocj-401-'))
    const file = path.join(dir, 'kc')
    writeFileSync(
      file,
      kubeconfigYaml({server: srv.url, caPem: testTls().caPem, token: 'sha256~wrongwrongwrongwrong'}),
    )
    const c = new KubeClient(loadKubeContext({kubeconfig: file}), {clock: fakeClock()})
    const err = (await c.get('/api/v1/namespaces').catch((e: unknown) => e)) as ApiError
    expect(err.exitCode).toBe(3)
    expect(err.hint).toBe(`oc login ${srv.url}`)
    expect(err.message).not.toContain('wrongwrong')
  })

  it('redacts a Secret value the server echoes in an error', async () => {
    srv.handle((_req, res) =>
      json(res, 422, status(422, 'Invalid', 'Secret "s" is invalid: stringData: "my-notebook-pass" bad')),
    )
    const err = (await client()
      .create('/api/v1/namespaces/proj/secrets', {
        kind: 'Secret',
        metadata: {name: 's'},
        stringData: {password: 'my-notebook-pass'},
      })
      .catch((e: unknown) => e)) as ApiError
    expect(err.message).toContain('<redacted>')
    expect(err.message).not.toContain('my-notebook-pass')
  })

  it('reports each distinct Warning header once', async () => {
    srv.handle((_req, res) =>
      json(
        res,
        200,
        {},
        {
          Warning:
            '299 - "apps.openshift.io/v1 DeploymentConfig is deprecated in v4.14+, unavailable in v4.10000+"',
        },
      ),
    )
    const warnings: string[] = []
    const c = client({onWarning: w => warnings.push(w)})
    await c.get('/apis/apps.openshift.io/v1/namespaces/proj/deploymentconfigs')
    await c.get('/apis/apps.openshift.io/v1/namespaces/proj/deploymentconfigs')
    expect(warnings).toEqual([
      'apps.openshift.io/v1 DeploymentConfig is deprecated in v4.14+, unavailable in v4.10000+',
    ])
    expect(parseWarningHeader('299 - "a \\"b\\"", 299 - "c"')).toEqual(['a "b"', 'c'])
  })

  it('records every attempt for --verbose / request counting', async () => {
    srv.handle((_req, res) => json(res, 200, {}))
    const records: Array<{method: string; path: string; status?: number}> = []
    await client({onRequest: r => records.push(r)}).get('/api/v1/namespaces/proj/pods', {limit: 5})
    expect(records).toMatchObject([
      {method: 'GET', path: '/api/v1/namespaces/proj/pods?limit=5', status: 200, attempt: 1},
    ])
  })
})

describe('KubeClient prefetch', () => {
  it('sends the GETs at once; each first plain get of a path takes its answer, object or error, without a second request', async () => {
    srv.handle((req, res) => {
      if (req.url.endsWith('/missing'))
        return json(res, 404, status(404, 'NotFound', 'gone', {name: 'missing'}))
      if (req.url.endsWith('/secret-thing'))
        return json(res, 403, status(403, 'Forbidden', 'secrets "secret-thing" is forbidden'))
      return json(res, 200, {kind: 'ConfigMap', metadata: {name: req.url.split('?')[0].split('/').pop()}})
    })
    const c = client()
    const base = '/api/v1/namespaces/proj/configmaps'
    c.prefetch([`${base}/a`, `${base}/missing`, `${base}/secret-thing`, `${base}/a`])
    await vi.waitFor(() => expect(srv.requests).toHaveLength(3))
    expect(await c.get(`${base}/a`)).toEqual({kind: 'ConfigMap', metadata: {name: 'a'}})
    expect(await c.getIfExists(`${base}/missing`)).toBeUndefined()
    const forbidden = await c.get(`${base}/secret-thing`).catch((e: unknown) => e)
    expect(forbidden).toBeInstanceOf(ApiError)
    expect((forbidden as ApiError).code).toBe(403)
    expect(srv.requests).toHaveLength(3)
    // taken once: a second read, or one with a query, asks the server again
    await c.get(`${base}/a`)
    expect(srv.requests).toHaveLength(4)
    c.prefetch([`${base}/b`])
    await c.get(`${base}/b`, {resourceVersion: '0'})
    expect(srv.requests.filter(r => r.path === `${base}/b`)).toHaveLength(2)
  })
})

describe('KubeClient retries and failures', () => {
  it('retries a GET through 503 and 429 (Retry-After) then succeeds', async () => {
    let n = 0
    srv.handle((_req, res) => {
      n++
      if (n === 1) json(res, 503, status(503, 'ServiceUnavailable', 'etcd leader changed'))
      else if (n === 2) json(res, 429, status(429, 'TooManyRequests', 'slow'), {'Retry-After': '2'})
      else json(res, 200, {ok: true})
    })
    const clock = fakeClock()
    expect(await client({clock}).get('/api/v1/pods')).toEqual({ok: true})
    expect(srv.requests).toHaveLength(3)
    expect(clock.sleeps[1]).toBe(2000)
  })

  it('retries a GET after a connection reset', async () => {
    let n = 0
    srv.handle((req, res) => {
      if (++n === 1) req.socket.destroy()
      else json(res, 200, {ok: true})
    })
    expect(await client().get('/api/v1/pods')).toEqual({ok: true})
    expect(n).toBe(2)
  })

  it('a named create whose answer is lost: GET finds it — no second POST; GET finds nothing — sent once more', async () => {
    const stored = new Map<string, unknown>()
    let posts = 0
    srv.handle((req, res) => {
      if (req.method === 'POST') {
        posts++
        const obj = JSON.parse(req.body) as {metadata: {name: string}}
        if (posts === 1 && obj.metadata.name === 'lost-after') {
          stored.set(obj.metadata.name, obj) // done, then the connection drops
          req.socket.destroy()
        } else if (posts === 1) json(res, 500, status(500, 'InternalError', 'before anything was stored'))
        else {
          stored.set(obj.metadata.name, obj)
          json(res, 201, obj)
        }
        return
      }
      const name = req.url?.split('/').pop()?.split('?')[0] ?? ''
      if (stored.has(name)) json(res, 200, stored.get(name))
      else json(res, 404, status(404, 'NotFound', `secrets "${name}" not found`, {name, kind: 'secrets'}))
    })
    const secret = (name: string) => ({kind: 'Secret', metadata: {name}, data: {}})
    const a = await client().create('/api/v1/namespaces/proj/secrets', secret('lost-after'))
    expect(a.body).toMatchObject({metadata: {name: 'lost-after'}})
    expect(posts).toBe(1)
    expect(srv.requests.map(r => r.method)).toEqual(['POST', 'GET'])
    posts = 0
    srv.requests.length = 0
    const b = await client().create('/api/v1/namespaces/proj/secrets', secret('lost-before'))
    expect(b.status).toBe(201)
    expect(srv.requests.map(r => r.method)).toEqual(['POST', 'GET', 'POST'])
  })

  it('never re-sends a POST it cannot re-read (no name) after a 503 or a reset', async () => {
    srv.handle((_req, res) => json(res, 503, status(503, 'ServiceUnavailable', 'x')))
    await expect(client().create('/api/v1/namespaces/proj/secrets', {kind: 'Secret'})).rejects.toMatchObject({
      code: 503,
    })
    expect(srv.requests).toHaveLength(1)
    srv.requests.length = 0
    srv.handle(req => {
      req.socket.destroy()
    })
    const err = await client()
      .create('/apis/build.openshift.io/v1/namespaces/proj/buildconfigs/nb/instantiate', {
        kind: 'BuildRequest',
      })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(NetworkError)
    expect((err as NetworkError).exitCode).toBe(3)
    expect(srv.requests).toHaveLength(1)
  })

  it('retries SSA on 409 Conflict', async () => {
    let n = 0
    srv.handle((_req, res) => {
      if (++n === 1) json(res, 409, status(409, 'Conflict', 'the object has been modified'))
      else json(res, 200, {metadata: {resourceVersion: '2'}})
    })
    await client().apply('/api/v1/namespaces/proj/configmaps/c', {
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: {name: 'c'},
    })
    expect(n).toBe(2)
  })

  it('--request-timeout: gives up after the limit, exit 3, not retried', async () => {
    srv.handle(() => undefined) // never answers
    const err = (await client({requestTimeoutMs: 150})
      .get('/api/v1/pods')
      .catch((e: unknown) => e)) as NetworkError
    expect(err).toBeInstanceOf(NetworkError)
    expect(err.code).toBe('OCJ_REQUEST_TIMEOUT')
    expect(err.message).toContain('within 150ms')
    expect(srv.requests).toHaveLength(1)
  })

  it('connection refused: retried, then exit 3 naming the server', async () => {
    const port = await new Promise<number>(resolve => {
      const s = createServer()
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as {port: number}).port
        s.close(() => resolve(p))
      })
    })
    const dir = mkdtempSync(path.join(tmpdir(), 'ocj-refused-'))
    const file = path.join(dir, 'kc')
    writeFileSync(
      file,
      kubeconfigYaml({server: `https://127.0.0.1:${port}`, caPem: testTls().caPem, token: 't'}),
    )
    const clock = fakeClock()
    const c = new KubeClient(loadKubeContext({kubeconfig: file}), {clock})
    const err = (await c.create('/api/v1/namespaces/p/secrets', {}).catch((e: unknown) => e)) as NetworkError
    expect(err).toBeInstanceOf(NetworkError)
    expect(err.exitCode).toBe(3)
    expect(err.message).toBe(`cannot connect to https://127.0.0.1:${port}: connection refused`)
    expect(clock.sleeps).toHaveLength(4) // 5 attempts
  })

  it('a failing exec credential plugin: its exit status and last stderr line, exit 3', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ocj-exec-'))
    const file = path.join(dir, 'kubeconfig')
    const script =
      "process.stderr.write('fetching a token\\nerror: the refresh token has expired\\n'); process.exit(3)"
    writeFileSync(
      file,
      kubeconfigYaml({server: srv.url, caPem: testTls().caPem}).replace(
        /^ {4}token: .*$/m,
        [
          '    exec:',
          '      apiVersion: client.authentication.k8s.io/v1',
          '      interactiveMode: Never',
          `      command: ${JSON.stringify(process.execPath)}`,
          `      args: ["-e", ${JSON.stringify(script)}]`,
        ].join('\n'),
      ),
    )
    const c = new KubeClient(loadKubeContext({kubeconfig: file}), {clock: fakeClock()})
    const err = await c.get('/api/v1/namespaces/proj/pods').catch((e: unknown) => e)
    expect(err).toMatchObject({exitCode: 3})
    expect((err as Error).message).toBe(
      `cannot load credentials of context "test": the exec credential plugin ${path.basename(process.execPath)} exited with status 3: error: the refresh token has expired`,
    )
    expect(srv.requests).toHaveLength(0)
  })

  it('an unknown CA → TLS error, exit 3, not retried', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ocj-tls-'))
    const file = path.join(dir, 'kc')
    writeFileSync(file, kubeconfigYaml({server: srv.url, token: srv.token}))
    const clock = fakeClock()
    const err = (await new KubeClient(loadKubeContext({kubeconfig: file}), {clock})
      .get('/version')
      .catch((e: unknown) => e)) as NetworkError
    expect(err).toBeInstanceOf(NetworkError)
    expect(err.message).toContain('cannot verify the TLS certificate')
    expect(clock.sleeps).toHaveLength(0)
  })

  it('an abort signal cancels a request in flight', async () => {
    srv.handle(() => undefined)
    const ctl = new AbortController()
    setTimeout(() => ctl.abort(), 50)
    const err = await client()
      .get('/api/v1/pods', undefined, {signal: ctl.signal})
      .catch((e: unknown) => e)
    expect((err as Error).name).toBe('AbortError')
  })

  it('an already-aborted signal creates no request (a stray one crashed the CLI when its socket closed)', async () => {
    const spy = vi.spyOn(https, 'request')
    try {
      const ctl = new AbortController()
      ctl.abort()
      srv.handle((_req, res) => json(res, 200, {items: []}))
      const c = client()
      await c.get('/version') // connected: the next call reaches the transport
      spy.mockClear()
      const err = await c.list('/api/v1/pods', undefined, {signal: ctl.signal}).catch((e: unknown) => e)
      expect((err as Error).name).toBe('AbortError')
      expect(spy).not.toHaveBeenCalled()
    } finally {
      spy.mockRestore()
    }
  })
})

describe('KubeClient connections', () => {
  it('requests started together share one full TLS handshake; the others resume its session', async () => {
    srv.handle((_req, res) => {
      setTimeout(() => json(res, 200, {kind: 'List', items: []}), 20)
    })
    const before = {...srv.handshakes}
    const c = client()
    const paths = ['pods', 'services', 'secrets', 'configmaps', 'persistentvolumeclaims']
    await Promise.all(paths.map(p => c.get(`/api/v1/namespaces/proj/${p}`)))
    expect(srv.handshakes.full - before.full).toBe(1)
    // the rest reused the first connection once it was free, or resumed its session on their own
    expect(srv.handshakes.resumed - before.resumed).toBeLessThanOrEqual(paths.length - 1)
    expect(srv.requests.map(r => r.path.split('/').pop()).sort()).toEqual([...paths].sort())
  })
})

describe('KubeClient streams, discovery, paging', () => {
  it('streams lines as they arrive; a trailing partial line is kept', async () => {
    srv.handle((_req, res) => {
      res.writeHead(200, {'Content-Type': 'text/plain'})
      res.flushHeaders()
      res.write('step 1\nstep ')
      setTimeout(() => {
        res.write('2\r\n')
        setTimeout(() => res.end('done'), 10)
      }, 20)
    })
    const lines: string[] = []
    for await (const l of client().lines({
      path: '/apis/build.openshift.io/v1/namespaces/proj/builds/nb-1/log',
      query: {follow: true},
    }))
      lines.push(l)
    expect(lines).toEqual(['step 1', 'step 2', 'done'])
    expect(srv.requests[0].url.searchParams.get('follow')).toBe('true')
  })

  it('a stream that fails before starting throws the ApiError', async () => {
    srv.handle((_req, res) =>
      json(
        res,
        400,
        status(400, 'BadRequest', 'container "notebook" in pod "p" is waiting to start: ContainerCreating'),
      ),
    )
    const iter = client().lines({path: '/api/v1/namespaces/proj/pods/p/log'})
    await expect(iter.next()).rejects.toMatchObject({code: 400, exitCode: 1})
  })

  it('a stream dropped mid-way throws a NetworkError', async () => {
    srv.handle((req, res) => {
      res.writeHead(200, {'Content-Type': 'text/plain'})
      res.write('one\n')
      setTimeout(() => req.socket.destroy(), 20)
    })
    const lines: string[] = []
    const err = await (async () => {
      for await (const l of client().lines({path: '/log'})) lines.push(l)
    })().catch((e: unknown) => e)
    expect(lines).toEqual(['one'])
    expect(err).toBeInstanceOf(NetworkError)
  })

  it('watch parses events and passes watch=true', async () => {
    srv.handle((_req, res) => {
      res.writeHead(200, {'Content-Type': 'application/json'})
      res.write(JSON.stringify({type: 'ADDED', object: {metadata: {name: 'a', resourceVersion: '5'}}}) + '\n')
      res.end(JSON.stringify({type: 'BOOKMARK', object: {metadata: {resourceVersion: '7'}}}) + '\n')
    })
    const events = []
    for await (const ev of client().watch('/api/v1/namespaces/proj/pods', {resourceVersion: '4'}))
      events.push(ev.type)
    expect(events).toEqual(['ADDED', 'BOOKMARK'])
    expect(srv.requests[0].url.searchParams.get('watch')).toBe('true')
  })

  it('isServed: one discovery request per group/version, 404 = not served', async () => {
    srv.handle((req, res) => {
      if (req.url.startsWith('/apis/route.openshift.io/v1'))
        json(res, 200, {kind: 'APIResourceList', resources: [{name: 'routes'}, {name: 'routes/status'}]})
      else json(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'))
    })
    const c = client()
    expect(await c.isServed('route.openshift.io/v1', 'routes')).toBe(true)
    expect(await c.isServed('route.openshift.io/v1', 'widgets')).toBe(false)
    expect(await c.isServed('apps.openshift.io/v1', 'deploymentconfigs')).toBe(false)
    expect(srv.requests.map(r => r.path)).toEqual([
      '/apis/route.openshift.io/v1',
      '/apis/apps.openshift.io/v1',
    ])
  })

  it('listPages / listAll follow continue tokens', async () => {
    srv.handle((req, res) => {
      const cont = new URL(req.url, 'https://x').searchParams.get('continue')
      if (!cont) json(res, 200, {metadata: {continue: 'p2', resourceVersion: '10'}, items: [{n: 1}, {n: 2}]})
      else json(res, 200, {metadata: {resourceVersion: '10'}, items: [{n: 3}]})
    })
    const all = await client().listAll('/api/v1/namespaces/proj/events', {}, {pageSize: 2})
    expect(all).toEqual({items: [{n: 1}, {n: 2}, {n: 3}], resourceVersion: '10'})
    expect(srv.requests.map(r => r.url.searchParams.get('limit'))).toEqual(['2', '2'])
    expect(srv.requests[1].url.searchParams.get('continue')).toBe('p2')
  })
})

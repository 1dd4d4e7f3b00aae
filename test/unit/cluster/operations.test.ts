import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'
import {KubeClient} from '../../../src/lib/cluster/client.js'
import {canI, instantiateBuild, requireApis} from '../../../src/lib/cluster/operations.js'
import {fakeClock, json, startTestServer, status, type TestServer} from './helpers/server.js'

let srv: TestServer
beforeAll(async () => {
  srv = await startTestServer()
})
afterAll(() => srv.close())
beforeEach(() => {
  srv.requests.length = 0
})
const client = () => new KubeClient(srv.context({namespace: 'proj'}), {clock: fakeClock()})

describe('instantiateBuild', () => {
  const BC = '/apis/build.openshift.io/v1/namespaces/proj/buildconfigs/nb'
  const bc = (lastVersion: number) => ({kind: 'BuildConfig', metadata: {name: 'nb'}, status: {lastVersion}})

  it('POSTs a BuildRequest to buildconfigs/NAME/instantiate and returns the Build', async () => {
    srv.handle((_req, res) => json(res, 201, {kind: 'Build', metadata: {name: 'nb-2'}}))
    const build = await instantiateBuild(client(), {name: 'nb', message: 'rebuild', lastVersion: 1})
    expect(build.metadata?.name).toBe('nb-2')
    expect(srv.requests).toHaveLength(1)
    const r = srv.requests[0]
    expect(`${r.method} ${r.path}`).toBe(`POST ${BC}/instantiate`)
    expect(JSON.parse(r.body)).toEqual({
      kind: 'BuildRequest',
      apiVersion: 'build.openshift.io/v1',
      metadata: {name: 'nb'},
      triggeredBy: [{message: 'rebuild'}],
    })
  })

  it('a 500 after the build was started: the BuildConfig is read again and that build returned, no second POST', async () => {
    let started = false
    srv.handle((req, res) => {
      if (req.method === 'POST') {
        started = true // the server did it, then the answer was lost
        json(res, 500, status(500, 'InternalError', 'boom'))
      } else if (req.url?.startsWith(BC)) json(res, 200, bc(started ? 2 : 1))
      else if (req.url?.includes('/builds/nb-2')) json(res, 200, {kind: 'Build', metadata: {name: 'nb-2'}})
      else json(res, 404, status(404, 'NotFound', 'not found'))
    })
    const build = await instantiateBuild(client(), {name: 'nb'})
    expect(build.metadata?.name).toBe('nb-2')
    expect(srv.requests.map(r => `${r.method} ${r.path.split('?')[0]}`)).toEqual([
      `GET ${BC}`, // lastVersion before: 1
      `POST ${BC}/instantiate`,
      `GET ${BC}`, // lastVersion now: 2
      'GET /apis/build.openshift.io/v1/namespaces/proj/builds/nb-2',
    ])
  })

  it('a reset before the server acted: the re-read finds no new build and the POST is sent again, once', async () => {
    let posts = 0
    srv.handle((req, res) => {
      if (req.method === 'POST') {
        posts++
        if (posts === 1) req.socket.destroy()
        else json(res, 201, {kind: 'Build', metadata: {name: 'nb-4'}})
      } else json(res, 200, bc(3))
    })
    const build = await instantiateBuild(client(), {name: 'nb', lastVersion: 3})
    expect(build.metadata?.name).toBe('nb-4')
    expect(posts).toBe(2)
  })
})

describe('requireApis', () => {
  it('passes on OpenShift and names what is missing on plain Kubernetes (exit 1)', async () => {
    srv.handle((req, res) => {
      if (req.url === '/apis/route.openshift.io/v1') json(res, 200, {resources: [{name: 'routes'}]})
      else json(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'))
    })
    await expect(
      requireApis(client(), [{groupVersion: 'route.openshift.io/v1', plural: 'routes'}]),
    ).resolves.toBeUndefined()
    const err = await requireApis(client()).catch((e: unknown) => e)
    expect(err).toMatchObject({exitCode: 1, hint: 'oc api-resources --api-group=image.openshift.io'})
    expect((err as Error).message).toBe(
      `${srv.url} does not serve imagestreams.image.openshift.io/v1, buildconfigs.build.openshift.io/v1, projects.project.openshift.io/v1: OpenShift is required (is this a plain Kubernetes cluster?)`,
    )
  })
})

describe('canI', () => {
  it('posts a SelfSubjectAccessReview', async () => {
    srv.handle((req, res) =>
      json(res, 201, {...JSON.parse(req.body), status: {allowed: false, reason: 'no RBAC policy matched'}}),
    )
    const r = await canI(client(), {
      verb: 'use',
      group: 'security.openshift.io',
      resource: 'securitycontextconstraints',
      name: 'anyuid',
      namespace: 'proj',
    })
    expect(r).toEqual({allowed: false, reason: 'no RBAC policy matched'})
    expect(srv.requests[0].path).toBe('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews')
    expect(JSON.parse(srv.requests[0].body).spec.resourceAttributes).toMatchObject({
      verb: 'use',
      name: 'anyuid',
    })
  })
})

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {request, type Target} from './client.js'
import {startFakeOpenShift, type FakeOpenShift} from './index.js'
import {noopSimulators} from './testkit.js'

let fake: FakeOpenShift
let dev: Target
let admin: Target
const NS = '/api/v1/namespaces/myproject'

beforeAll(async () => {
  fake = await startFakeOpenShift({sims: noopSimulators(), simulators: 'manual'})
  dev = {url: fake.url, caPem: fake.caPem, token: fake.token}
  admin = {...dev, token: fake.tokenFor('admin')}
})
afterAll(() => fake?.stop())

const cm = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {name, ...extra},
  data: {a: '1'},
})

describe('authentication', () => {
  it('answers 401 with a Status without a token and with a wrong token', async () => {
    for (const token of [null, 'sha256~wrong']) {
      const r = await request(dev, `${NS}/pods`, {token})
      expect(r.status).toBe(401)
      expect(r.json).toMatchObject({
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        reason: 'Unauthorized',
        code: 401,
      })
    }
  })

  it('serves /version without a token, with the configured minor', async () => {
    const r = await request(dev, '/version', {token: null})
    expect(r.json).toMatchObject({major: '1', minor: '31', gitVersion: 'v1.31.0'})
  })

  it('knows who is asking (users/~)', async () => {
    const r = await request(dev, '/apis/user.openshift.io/v1/users/~')
    expect(r.json.metadata.name).toBe('developer')
  })
})

describe('discovery and openapi', () => {
  it('serves legacy discovery', async () => {
    expect((await request(dev, '/api')).json.versions).toEqual(['v1'])
    const groups = (await request(dev, '/apis')).json.groups.map((g: any) => g.name)
    expect(groups).toEqual(
      expect.arrayContaining(['apps', 'route.openshift.io', 'security.openshift.io', 'project.openshift.io']),
    )
    const core = (await request(dev, '/api/v1')).json.resources.map((r: any) => r.name)
    expect(core).toEqual(expect.arrayContaining(['pods', 'pods/log', 'pods/exec', 'namespaces/status']))
  })

  it('serves aggregated discovery when asked for it in Accept', async () => {
    const accept =
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json'
    const r = await request(dev, '/apis', {accept})
    expect(r.headers['content-type']).toBe(
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
    )
    const sec = r.json.items.find((i: any) => i.metadata.name === 'security.openshift.io')
    const scc = sec.versions[0].resources.find((x: any) => x.resource === 'securitycontextconstraints')
    expect(scc).toMatchObject({
      scope: 'Cluster',
      responseKind: {kind: 'SecurityContextConstraints'},
      shortNames: ['scc'],
    })
    const v2beta1 = await request(dev, '/api', {
      accept: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList',
    })
    expect(v2beta1.json.apiVersion).toBe('apidiscovery.k8s.io/v2beta1')
  })

  it('offers fieldValidation on every PATCH operation of /openapi/v3', async () => {
    const index = (await request(dev, '/openapi/v3')).json
    const doc = (await request(dev, index.paths['apis/route.openshift.io/v1'].serverRelativeURL)).json
    const patch = doc.paths['/apis/route.openshift.io/v1/namespaces/{namespace}/routes/{name}'].patch
    expect(patch['x-kubernetes-group-version-kind']).toEqual({
      group: 'route.openshift.io',
      version: 'v1',
      kind: 'Route',
    })
    expect(patch.parameters.map((p: any) => p.name)).toContain('fieldValidation')
  })

  it('sends the DeploymentConfig deprecation warning', async () => {
    const r = await request(dev, '/apis/apps.openshift.io/v1/namespaces/myproject/deploymentconfigs')
    expect(r.headers.warning).toMatch(/^299 - "apps.openshift.io\/v1 DeploymentConfig is deprecated/)
  })

  it('answers protobuf bodies it cannot decode with 415 and says why', async () => {
    const r = await request(dev, `${NS}/configmaps`, {
      body: 'k8s\0...',
      contentType: 'application/vnd.kubernetes.protobuf',
    })
    expect(r.status).toBe(415)
    expect(r.json.reason).toBe('UnsupportedMediaType')
    expect(r.json.message).toMatch(/the fake OpenShift API server decodes protobuf only for v1\/ConfigMap/)
  })
})

describe('create, read, update', () => {
  it('fills kind/apiVersion from the URL, uid, resourceVersion, creationTimestamp', async () => {
    const r = await request(dev, `${NS}/configmaps`, {body: {metadata: {name: 'typed'}, data: {x: 'y'}}})
    expect(r.status).toBe(201)
    expect(r.json).toMatchObject({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {name: 'typed', namespace: 'myproject'},
    })
    expect(r.json.metadata.uid).toMatch(/^[0-9a-f-]{36}$/)
    expect(Number(r.json.metadata.resourceVersion)).toBeGreaterThan(0)
    expect(r.json.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
  })

  it('generates names from generateName', async () => {
    const r = await request(dev, `${NS}/configmaps`, {body: {metadata: {generateName: 'gen-'}}})
    expect(r.json.metadata.name).toMatch(/^gen-[a-z0-9]{5}$/)
  })

  it('rejects a duplicate with AlreadyExists and a missing namespace with 404', async () => {
    await request(dev, `${NS}/configmaps`, {body: cm('dup')})
    const again = await request(dev, `${NS}/configmaps`, {body: cm('dup')})
    expect(again.status).toBe(409)
    expect(again.json).toMatchObject({
      reason: 'AlreadyExists',
      message: 'configmaps "dup" already exists',
      details: {name: 'dup', kind: 'configmaps'},
    })
    const missing = await request(admin, '/api/v1/namespaces/nope/configmaps', {body: cm('x')})
    expect(missing.status).toBe(404)
    expect(missing.json).toMatchObject({reason: 'NotFound', message: 'namespaces "nope" not found'})
  })

  it('answers NotFound with the qualified resource', async () => {
    const r = await request(dev, '/apis/route.openshift.io/v1/namespaces/myproject/routes/none')
    expect(r.status).toBe(404)
    expect(r.json.message).toBe('routes.route.openshift.io "none" not found')
  })

  it('rejects invalid names with 422 Invalid and causes', async () => {
    const r = await request(dev, `${NS}/configmaps`, {body: cm('Bad_Name')})
    expect(r.status).toBe(422)
    expect(r.json.reason).toBe('Invalid')
    expect(r.json.message).toMatch(
      /^ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/,
    )
    expect(r.json.details.causes[0]).toMatchObject({reason: 'FieldValueInvalid', field: 'metadata.name'})
  })

  it('answers a stale resourceVersion with 409 Conflict', async () => {
    const created = (await request(dev, `${NS}/configmaps`, {body: cm('stale')})).json
    const first = await request(dev, `${NS}/configmaps/stale`, {
      method: 'PUT',
      body: {...created, data: {a: '2'}},
    })
    expect(first.status).toBe(200)
    const second = await request(dev, `${NS}/configmaps/stale`, {
      method: 'PUT',
      body: {...created, data: {a: '3'}},
    })
    expect(second.status).toBe(409)
    expect(second.json.message).toBe(
      'Operation cannot be fulfilled on configmaps "stale": the object has been modified; please apply your changes to the latest version and try again',
    )
  })

  it('bumps generation on spec changes only; status goes through /status', async () => {
    const dep = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {name: 'gen'},
      spec: {
        selector: {matchLabels: {app: 'gen'}},
        template: {metadata: {labels: {app: 'gen'}}, spec: {containers: [{name: 'c', image: 'img:1'}]}},
      },
      status: {replicas: 5},
    }
    const base = '/apis/apps/v1/namespaces/myproject/deployments'
    const c = (await request(dev, base, {body: dep})).json
    expect(c.metadata.generation).toBe(1)
    expect(c.status).toBeUndefined() // status is not taken from a create
    expect(c.spec).toMatchObject({
      replicas: 1,
      strategy: {type: 'RollingUpdate'},
      progressDeadlineSeconds: 600,
    })
    const labelled = (
      await request(dev, `${base}/gen`, {
        method: 'PUT',
        body: {...c, metadata: {...c.metadata, labels: {x: 'y'}}},
      })
    ).json
    expect(labelled.metadata.generation).toBe(1)
    const scaled = (
      await request(dev, `${base}/gen`, {
        method: 'PUT',
        body: {...labelled, spec: {...labelled.spec, replicas: 2}},
      })
    ).json
    expect(scaled.metadata.generation).toBe(2)
    // project admins may not write status; controllers (here: the cluster admin) do
    const st = await request(admin, `${base}/gen/status`, {
      method: 'PUT',
      body: {...scaled, status: {observedGeneration: 2, replicas: 2}, spec: {...scaled.spec, replicas: 9}},
    })
    expect(st.json.status).toEqual({observedGeneration: 2, replicas: 2})
    expect(st.json.spec.replicas).toBe(2) // the status subresource ignores spec
    expect(st.json.metadata.generation).toBe(2)
    const main = (
      await request(dev, `${base}/gen`, {method: 'PUT', body: {...st.json, status: {replicas: 0}}})
    ).json
    expect(main.status).toEqual({observedGeneration: 2, replicas: 2}) // ...and the main resource ignores status
  })

  it('bumps generation of a kind without spec (SCC) on any non-metadata change', async () => {
    const path = '/apis/security.openshift.io/v1/securitycontextconstraints/anyuid'
    const scc = (await request(admin, path)).json
    const labelled = (
      await request(admin, path, {
        method: 'PUT',
        body: {...scc, metadata: {...scc.metadata, labels: {a: 'b'}}},
      })
    ).json
    expect(labelled.metadata.generation).toBe(scc.metadata.generation)
    const changed = (await request(admin, path, {method: 'PUT', body: {...labelled, priority: 11}})).json
    expect(changed.metadata.generation).toBe(scc.metadata.generation + 1)
  })

  it('folds Secret stringData into data', async () => {
    const r = await request(dev, `${NS}/secrets`, {
      body: {metadata: {name: 'pw'}, stringData: {password: 'hunter2'}},
    })
    expect(r.json.data).toEqual({password: Buffer.from('hunter2').toString('base64')})
    expect(r.json.stringData).toBeUndefined()
    expect(r.json.type).toBe('Opaque')
  })

  it('returns a Table when kubectl asks for one', async () => {
    const r = await request(dev, `${NS}/configmaps`, {
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
    })
    expect(r.json.kind).toBe('Table')
    expect(r.json.columnDefinitions.map((c: any) => c.name)).toEqual(['Name', 'Data', 'Age'])
    expect(r.json.rows.length).toBeGreaterThan(0)
  })
})

describe('selectors and paging', () => {
  beforeAll(async () => {
    for (const [name, labels] of [
      ['sel-a', {tier: 'web', env: 'prod'}],
      ['sel-b', {tier: 'db', env: 'prod'}],
      ['sel-c', {tier: 'web'}],
    ] as const)
      await request(dev, `${NS}/configmaps`, {body: cm(name, {labels})})
  })
  const names = async (query: string) =>
    (await request(dev, `${NS}/configmaps?${query}`)).json.items
      .map((i: any) => i.metadata.name)
      .filter((n: string) => n.startsWith('sel-'))

  it('supports every label selector operator', async () => {
    expect(await names('labelSelector=tier%3Dweb')).toEqual(['sel-a', 'sel-c'])
    expect(await names('labelSelector=tier%3D%3Dweb')).toEqual(['sel-a', 'sel-c'])
    expect(await names('labelSelector=tier!%3Dweb')).not.toContain('sel-a')
    expect(await names('labelSelector=tier%20in%20(db,cache)')).toEqual(['sel-b'])
    expect(await names('labelSelector=tier%20notin%20(web)')).not.toContain('sel-c')
    expect(await names('labelSelector=env')).toEqual(['sel-a', 'sel-b'])
    expect(await names('labelSelector=!env,tier')).toEqual(['sel-c'])
  })

  it('supports field selectors and rejects unknown field labels', async () => {
    expect(await names('fieldSelector=metadata.name%3Dsel-b')).toEqual(['sel-b'])
    expect(await names('fieldSelector=metadata.name!%3Dsel-b,metadata.namespace%3Dmyproject')).toEqual([
      'sel-a',
      'sel-c',
    ])
    const bad = await request(dev, `${NS}/configmaps?fieldSelector=data.a%3D1`)
    expect(bad.status).toBe(400)
    expect(bad.json.message).toBe('field label not supported: data.a')
    const badLabel = await request(dev, `${NS}/configmaps?labelSelector=a%20in%20b`)
    expect(badLabel.status).toBe(400)
  })

  it('pages with limit/continue over a consistent snapshot', async () => {
    const first = (await request(dev, `${NS}/configmaps?labelSelector=tier&limit=2`)).json
    expect(first.items).toHaveLength(2)
    expect(first.metadata.remainingItemCount).toBe(1)
    await request(dev, `${NS}/configmaps`, {body: cm('sel-d', {labels: {tier: 'web'}})})
    const second = (
      await request(dev, `${NS}/configmaps?labelSelector=tier&limit=2&continue=${first.metadata.continue}`)
    ).json
    expect(second.items.map((i: any) => i.metadata.name)).toEqual(['sel-c'])
    expect(second.metadata.continue).toBeUndefined()
    expect(second.metadata.resourceVersion).toBe(first.metadata.resourceVersion)
  })

  it('answers 410 Expired for a continue token older than the compaction point', async () => {
    const first = (await request(dev, `${NS}/configmaps?limit=1`)).json
    await request(dev, `${NS}/configmaps`, {body: cm('after-first-page')})
    fake.store.compact()
    const r = await request(dev, `${NS}/configmaps?limit=1&continue=${first.metadata.continue}`)
    expect(r.status).toBe(410)
    expect(r.json.reason).toBe('Expired')
  })
})

describe('dryRun, delete, finalizers, cascade', () => {
  it('does not persist dry-run writes (query and DeleteOptions body)', async () => {
    const rv = fake.store.currentResourceVersion()
    const c = await request(dev, `${NS}/configmaps?dryRun=All`, {body: cm('dry')})
    expect(c.status).toBe(201)
    expect((await request(dev, `${NS}/configmaps/dry`)).status).toBe(404)
    await request(dev, `${NS}/configmaps`, {body: cm('dry')})
    const p = await request(dev, `${NS}/configmaps/dry?dryRun=All`, {
      method: 'PATCH',
      body: {data: {a: 'x'}},
      contentType: 'application/merge-patch+json',
    })
    expect(p.json.data.a).toBe('x')
    expect((await request(dev, `${NS}/configmaps/dry`)).json.data.a).toBe('1')
    const d = await request(dev, `${NS}/configmaps/dry`, {
      method: 'DELETE',
      body: {kind: 'DeleteOptions', apiVersion: 'v1', dryRun: ['All']},
    })
    expect(d.status).toBe(200)
    expect((await request(dev, `${NS}/configmaps/dry`)).status).toBe(200)
    const bad = await request(dev, `${NS}/configmaps?dryRun=Some`, {body: cm('dry2')})
    expect(bad.status).toBe(400)
    expect(fake.store.currentResourceVersion()).toBe(rv + 1)
  })

  it('holds an object with finalizers until they are removed', async () => {
    await request(dev, `${NS}/configmaps`, {body: cm('fin', {finalizers: ['example.com/hold']})})
    const d = await request(dev, `${NS}/configmaps/fin`, {method: 'DELETE'})
    expect(d.status).toBe(202)
    expect(d.json.metadata.deletionTimestamp).toBeDefined()
    const held = (await request(dev, `${NS}/configmaps/fin`)).json
    expect(held.metadata.deletionTimestamp).toBe(d.json.metadata.deletionTimestamp)
    await request(dev, `${NS}/configmaps/fin`, {
      method: 'PATCH',
      body: [{op: 'remove', path: '/metadata/finalizers'}],
      contentType: 'application/json-patch+json',
    })
    expect((await request(dev, `${NS}/configmaps/fin`)).status).toBe(404)
  })

  it('checks delete preconditions', async () => {
    await request(dev, `${NS}/configmaps`, {body: cm('pre')})
    const r = await request(dev, `${NS}/configmaps/pre`, {
      method: 'DELETE',
      body: {preconditions: {uid: 'not-the-uid'}},
    })
    expect(r.status).toBe(409)
    expect(r.json.message).toMatch(/Precondition failed: UID in precondition: not-the-uid/)
  })

  it('garbage-collects dependents (Background) and keeps them with Orphan', async () => {
    const owner = (await request(dev, `${NS}/configmaps`, {body: cm('owner')})).json
    const ref = {apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid}
    await request(dev, `${NS}/configmaps`, {body: cm('dependent', {ownerReferences: [ref]})})
    await request(dev, `${NS}/configmaps/owner`, {method: 'DELETE', body: {propagationPolicy: 'Background'}})
    expect((await request(dev, `${NS}/configmaps/dependent`)).status).toBe(404)

    const owner2 = (await request(dev, `${NS}/configmaps`, {body: cm('owner2')})).json
    await request(dev, `${NS}/configmaps`, {
      body: cm('orphan', {ownerReferences: [{...ref, name: 'owner2', uid: owner2.metadata.uid}]}),
    })
    await request(dev, `${NS}/configmaps/owner2?propagationPolicy=Orphan`, {method: 'DELETE'})
    const orphan = await request(dev, `${NS}/configmaps/orphan`)
    expect(orphan.status).toBe(200)
    expect(orphan.json.metadata.ownerReferences).toBeUndefined()
  })

  it('cascades a namespace deletion: Terminating, contents deleted, then gone', async () => {
    await request(admin, '/api/v1/namespaces', {body: {metadata: {name: 'doomed'}}})
    await request(admin, '/api/v1/namespaces/doomed/configmaps', {
      body: cm('held', {finalizers: ['example.com/hold']}),
    })
    await request(admin, '/api/v1/namespaces/doomed/configmaps', {body: cm('free')})
    const d = await request(admin, '/api/v1/namespaces/doomed', {method: 'DELETE'})
    expect(d.json.status.phase).toBe('Terminating')
    expect((await request(admin, '/api/v1/namespaces/doomed/configmaps/free')).status).toBe(404)
    const blocked = await request(admin, '/api/v1/namespaces/doomed/configmaps', {body: cm('late')})
    expect(blocked.status).toBe(403)
    expect(blocked.json.message).toMatch(
      /unable to create new content in namespace doomed because it is being terminated/,
    )
    expect((await request(admin, '/api/v1/namespaces/doomed')).json.status.phase).toBe('Terminating')
    await request(admin, '/api/v1/namespaces/doomed/configmaps/held', {
      method: 'PATCH',
      body: {metadata: {finalizers: null}},
      contentType: 'application/merge-patch+json',
    })
    expect((await request(admin, '/api/v1/namespaces/doomed')).status).toBe(404)
  })
})

describe('patch dispatch', () => {
  beforeAll(async () => {
    await request(dev, `${NS}/configmaps`, {body: cm('pt')})
  })
  const patch = (body: unknown, contentType: string, query = '') =>
    request(dev, `${NS}/configmaps/pt${query}`, {method: 'PATCH', body, contentType})

  it('applies json, merge and strategic merge patches', async () => {
    expect(
      (await patch([{op: 'add', path: '/data/b', value: '2'}], 'application/json-patch+json')).json.data,
    ).toEqual({a: '1', b: '2'})
    expect((await patch({data: {b: null, c: '3'}}, 'application/merge-patch+json')).json.data).toEqual({
      a: '1',
      c: '3',
    })
    expect((await patch({data: {d: '4'}}, 'application/strategic-merge-patch+json')).json.data).toEqual({
      a: '1',
      c: '3',
      d: '4',
    })
  })

  it('rejects strategic merge on a CRD-backed kind (SCC) with 415', async () => {
    const r = await request(admin, '/apis/security.openshift.io/v1/securitycontextconstraints/anyuid', {
      method: 'PATCH',
      body: {priority: 3},
      contentType: 'application/strategic-merge-patch+json',
    })
    expect(r.status).toBe(415)
    expect(r.json).toMatchObject({
      reason: 'UnsupportedMediaType',
      message:
        'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    })
  })

  it('server-side apply: requires a field manager, creates, reports conflicts, forces', async () => {
    const path = '/apis/route.openshift.io/v1/namespaces/myproject/routes/ssa'
    // spec.path, not spec.host: changing a host needs `update routes/custom-host`, which admin lacks
    const route = (p: string) =>
      `apiVersion: route.openshift.io/v1\nkind: Route\nmetadata:\n  name: ssa\nspec:\n  path: /${p}\n  to: {kind: Service, name: ssa}\n`
    const noManager = await request(dev, path, {
      method: 'PATCH',
      body: route('a'),
      contentType: 'application/apply-patch+yaml',
    })
    expect(noManager.status).toBe(422)
    const created = await request(dev, `${path}?fieldManager=one`, {
      method: 'PATCH',
      body: route('a'),
      contentType: 'application/apply-patch+yaml',
    })
    expect(created.status).toBe(201)
    expect(created.json.metadata.managedFields[0]).toMatchObject({manager: 'one', operation: 'Apply'})
    const conflict = await request(dev, `${path}?fieldManager=two`, {
      method: 'PATCH',
      body: route('b'),
      contentType: 'application/apply-patch+yaml',
    })
    expect(conflict.status).toBe(409)
    expect(conflict.json.message).toMatch(/conflict with "one"/)
    const forced = await request(dev, `${path}?fieldManager=two&force=true`, {
      method: 'PATCH',
      body: route('b'),
      contentType: 'application/apply-patch+yaml',
    })
    expect(forced.status).toBe(200)
    expect(forced.json.spec.path).toBe('/b')
  })
})

describe('authorization and OpenShift resources', () => {
  it('forbids what RBAC does not allow, with the apiserver message', async () => {
    const r = await request(dev, '/api/v1/namespaces')
    expect(r.status).toBe(403)
    expect(r.json.message).toBe(
      'namespaces is forbidden: User "developer" cannot list resource "namespaces" in API group "" at the cluster scope',
    )
  })

  it('lets a project admin get its own Namespace (namespace = name), not another, and not SCCs', async () => {
    expect((await request(dev, NS)).json).toMatchObject({kind: 'Namespace', metadata: {name: 'myproject'}})
    const other = await request(dev, '/api/v1/namespaces/openshift')
    expect(other.status).toBe(403)
    expect(other.json.message).toBe(
      'namespaces "openshift" is forbidden: User "developer" cannot get resource "namespaces" in API group "" in the namespace "openshift"',
    )
    const scc = await request(dev, '/apis/security.openshift.io/v1/securitycontextconstraints/anyuid')
    expect(scc.status).toBe(403)
  })

  it('answers a SelfSubjectReview (kubectl auth whoami) with the authenticated user, v1 and v1beta1', async () => {
    for (const v of ['v1', 'v1beta1']) {
      const r = await request(dev, `/apis/authentication.k8s.io/${v}/selfsubjectreviews`, {
        body: {apiVersion: `authentication.k8s.io/${v}`, kind: 'SelfSubjectReview', metadata: {}},
      })
      expect(r.status).toBe(201)
      expect(r.json).toMatchObject({
        kind: 'SelfSubjectReview',
        apiVersion: `authentication.k8s.io/${v}`,
        status: {
          userInfo: {username: 'developer', groups: ['system:authenticated:oauth', 'system:authenticated']},
        },
      })
      expect(r.json.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT/)
    }
  })

  it('answers SelfSubjectAccessReviews from the authorizer', async () => {
    const ask = async (resourceAttributes: Record<string, string>) =>
      (
        await request(dev, '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectAccessReview',
            spec: {resourceAttributes},
          },
        })
      ).json.status.allowed
    expect(await ask({namespace: 'myproject', verb: 'create', resource: 'pods'})).toBe(true)
    expect(
      await ask({verb: 'create', resource: 'clusterrolebindings', group: 'rbac.authorization.k8s.io'}),
    ).toBe(false)
  })

  it('lists only the projects a user may see; projectrequests create a project', async () => {
    const other = {...dev, token: fake.addUser('alice')}
    const req = await request(other, '/apis/project.openshift.io/v1/projectrequests', {
      body: {
        apiVersion: 'project.openshift.io/v1',
        kind: 'ProjectRequest',
        metadata: {name: 'alice-proj'},
        displayName: 'Alice',
      },
    })
    expect(req.status).toBe(201)
    expect(req.json).toMatchObject({kind: 'Project', metadata: {name: 'alice-proj'}})
    const mine = (await request(other, '/apis/project.openshift.io/v1/projects')).json.items.map(
      (p: any) => p.metadata.name,
    )
    expect(mine).toEqual(['alice-proj'])
    const devs = (await request(dev, '/apis/project.openshift.io/v1/projects')).json.items.map(
      (p: any) => p.metadata.name,
    )
    expect(devs).toEqual(['myproject'])
    const rb = await request(
      admin,
      '/apis/rbac.authorization.k8s.io/v1/namespaces/alice-proj/rolebindings/admin',
    )
    expect(rb.json.subjects).toEqual([{apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice'}])
    const dup = await request(other, '/apis/project.openshift.io/v1/projectrequests', {
      body: {metadata: {name: 'alice-proj'}},
    })
    expect(dup.status).toBe(409)
  })

  it('computes ImageStreamTags from the stream and its image', async () => {
    const base = '/apis/image.openshift.io/v1'
    await request(dev, `${base}/namespaces/myproject/imagestreams`, {
      body: {metadata: {name: 'nb'}, spec: {lookupPolicy: {local: true}}},
    })
    expect((await request(dev, `${base}/namespaces/myproject/imagestreamtags/nb:latest`)).status).toBe(404)
    const is = fake.store.get(
      fake.store.resourceType('image.openshift.io/v1', 'imagestreams')!,
      'myproject',
      'nb',
    )!
    is.status = {
      tags: [
        {
          tag: 'latest',
          items: [
            {
              image: 'sha256:abc',
              dockerImageReference: 'registry/nb@sha256:abc',
              created: '2025-01-01T00:00:00Z',
              generation: 1,
            },
          ],
        },
      ],
    }
    fake.store.update(fake.store.resourceType('image.openshift.io/v1', 'imagestreams')!, is, {
      subresource: 'status',
    } as never)
    fake.seed([
      {
        apiVersion: 'image.openshift.io/v1',
        kind: 'Image',
        metadata: {name: 'sha256:abc'},
        dockerImageMetadata: {Config: {User: '1000'}},
      },
    ])
    const tag = (await request(dev, `${base}/namespaces/myproject/imagestreamtags/nb:latest`)).json
    expect(tag).toMatchObject({
      kind: 'ImageStreamTag',
      metadata: {name: 'nb:latest'},
      lookupPolicy: {local: true},
      image: {dockerImageMetadata: {Config: {User: '1000'}}},
    })
  })
})

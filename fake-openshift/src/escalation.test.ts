import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {request, type Target} from './client.js'
import {compactRules, compactString, covers} from './escalation.js'
import {startFakeOpenShift, type FakeOpenShift} from './index.js'
import {noopSimulators} from './testkit.js'

const RBAC = '/apis/rbac.authorization.k8s.io/v1'
const RBS = `${RBAC}/namespaces/myproject/rolebindings`
const GROUPS = '(groups=["system:authenticated:oauth" "system:authenticated"])'
const ANYUID_RULE =
  '{APIGroups:["security.openshift.io"], Resources:["securitycontextconstraints"], ResourceNames:["anyuid"], Verbs:["use"]}'

const binding = (name: string, role: string, subjects: unknown[], kind = 'ClusterRole') => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: {name},
  roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind, name: role},
  subjects,
})
const sa = (name: string) => ({kind: 'ServiceAccount', name, namespace: 'myproject'})

describe('Covers and the message parts (pkg/registry/rbac/validation)', () => {
  it('breaks rules down: `*` covers all, `*/scale` covers subresources, names need the owner unnamed or named', () => {
    const owner = [
      {apiGroups: ['apps'], resources: ['deployments', '*/scale'], verbs: ['get', 'update']},
      {apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'], verbs: ['get']},
    ]
    expect(
      covers(owner, [{apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['update']}]),
    ).toEqual({
      covered: true,
      missing: [],
    })
    const r = covers(owner, [
      {apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'delete']},
      {apiGroups: [''], resources: ['configmaps'], verbs: ['get']},
    ])
    expect(r.missing).toEqual([
      {apiGroups: ['apps'], resources: ['deployments'], verbs: ['delete']},
      {apiGroups: [''], resources: ['configmaps'], verbs: ['get']},
    ])
    expect(covers([{apiGroups: ['*'], resources: ['*'], verbs: ['*']}], r.missing).covered).toBe(true)
  })

  it('compacts verbs of one group/resource and prints CompactString', () => {
    const compact = compactRules([
      {apiGroups: [''], resources: ['pods'], verbs: ['get']},
      {apiGroups: [''], resources: ['pods'], verbs: ['delete']},
      {nonResourceURLs: ['*'], verbs: ['*']},
    ])
    expect(compact.map(compactString)).toEqual([
      '{NonResourceURLs:["*"], Verbs:["*"]}',
      '{APIGroups:[""], Resources:["pods"], Verbs:["get" "delete"]}',
    ])
  })
})

describe('escalation prevention through the API (policybased storage of RBAC kinds)', () => {
  let fake: FakeOpenShift
  let dev: Target
  let admin: Target
  beforeAll(async () => {
    fake = await startFakeOpenShift({sims: noopSimulators(), simulators: 'manual'})
    dev = {url: fake.url, caPem: fake.caPem, token: fake.token}
    admin = {...dev, token: fake.tokenFor('admin')}
    // `oc adm policy add-scc-to-user anyuid -z default -n myproject`, by a cluster-admin
    const r = await request(admin, RBS, {
      body: binding('system:openshift:scc:anyuid', 'system:openshift:scc:anyuid', [
        sa('default'),
        sa('other'),
      ]),
    })
    expect(r.status).toBe(201)
  })
  afterAll(() => fake?.stop())

  it('a project admin may bind what it holds (view, edit) in its project', async () => {
    for (const role of ['view', 'edit']) {
      const r = await request(dev, RBS, {body: binding(`to-${role}`, role, [sa('robot')])})
      expect(r.status, JSON.stringify(r.json)).toBe(201)
    }
  })

  it('binding an SCC role it does not hold: 403 naming the missing rule', async () => {
    const r = await request(dev, RBS, {body: binding('x', 'system:openshift:scc:anyuid', [sa('default')])})
    expect(r.status).toBe(403)
    expect(r.json).toMatchObject({
      reason: 'Forbidden',
      code: 403,
      details: {name: 'x', group: 'rbac.authorization.k8s.io', kind: 'rolebindings'},
    })
    expect(r.json.message).toBe(
      `rolebindings.rbac.authorization.k8s.io "x" is forbidden: user "developer" ${GROUPS} is attempting to grant RBAC permissions not currently held:\n${ANYUID_RULE}`,
    )
  })

  it('binding cluster-admin: both of its rules are missing, sorted', async () => {
    const r = await request(dev, RBS, {body: binding('ca', 'cluster-admin', [sa('default')])})
    expect(r.status).toBe(403)
    expect(r.json.message).toBe(
      `rolebindings.rbac.authorization.k8s.io "ca" is forbidden: user "developer" ${GROUPS} is attempting to grant RBAC permissions not currently held:\n{APIGroups:["*"], Resources:["*"], Verbs:["*"]}\n{NonResourceURLs:["*"], Verbs:["*"]}`,
    )
  })

  it('dryRun is checked too; a missing role is 404', async () => {
    const dry = await request(dev, `${RBS}?dryRun=All`, {
      body: binding('y', 'system:openshift:scc:privileged', [sa('default')]),
    })
    expect(dry.status).toBe(403)
    const missing = await request(dev, RBS, {body: binding('z', 'no-such-role', [sa('default')])})
    expect(missing.status).toBe(404)
    expect(missing.json.message).toBe('clusterroles.rbac.authorization.k8s.io "no-such-role" not found')
  })

  it('patching a subject out of the anyuid binding is an update: 403; deleting the binding is allowed', async () => {
    const path = `${RBS}/system:openshift:scc:anyuid`
    const patch = await request(dev, path, {
      method: 'PATCH',
      contentType: 'application/json-patch+json',
      body: [{op: 'remove', path: '/subjects/0'}],
    })
    expect(patch.status).toBe(403)
    expect(patch.json.message).toContain(
      `rolebindings.rbac.authorization.k8s.io "system:openshift:scc:anyuid" is forbidden: user "developer" ${GROUPS} is attempting to grant RBAC permissions not currently held:\n${ANYUID_RULE}`,
    )
    const labelsOnly = await request(dev, path, {
      method: 'PATCH',
      contentType: 'application/merge-patch+json',
      body: {metadata: {labels: {a: 'b'}}},
    })
    expect(labelsOnly.status).toBe(403) // any change but ownerReferences/finalizers is checked
    const finalizers = await request(dev, path, {
      method: 'PATCH',
      contentType: 'application/merge-patch+json',
      body: {metadata: {finalizers: ['example.com/keep']}},
    })
    expect(finalizers.status).toBe(200)
    const del = await request(dev, path, {method: 'DELETE'})
    expect(del.status).toBe(202) // held by the finalizer, but allowed
  })

  it('a cluster-admin (system:cluster-admins, not system:masters) holds everything', async () => {
    const r = await request(admin, RBS, {
      body: binding('by-admin', 'system:openshift:scc:privileged', [sa('x')]),
    })
    expect(r.status).toBe(201)
  })

  it('the `bind` verb on the role lets a project admin bind it', async () => {
    await request(admin, `${RBAC}/clusterroles`, {
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: {name: 'bind-anyuid'},
        rules: [
          {
            apiGroups: ['rbac.authorization.k8s.io'],
            resources: ['clusterroles'],
            resourceNames: ['system:openshift:scc:anyuid'],
            verbs: ['bind'],
          },
        ],
      },
    })
    await request(admin, RBS, {body: binding('binder', 'bind-anyuid', [{kind: 'User', name: 'developer'}])})
    const r = await request(dev, RBS, {
      body: binding('granted', 'system:openshift:scc:anyuid', [sa('default')]),
    })
    expect(r.status, JSON.stringify(r.json)).toBe(201)
  })

  it('Roles: rules beyond the writer’s are refused unless it may `escalate`', async () => {
    const role = (name: string, resources: string[]) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: {name},
      rules: [{apiGroups: [''], resources, verbs: ['get']}],
    })
    expect(
      (await request(dev, `${RBAC}/namespaces/myproject/roles`, {body: role('ok', ['pods'])})).status,
    ).toBe(201)
    const r = await request(dev, `${RBAC}/namespaces/myproject/roles`, {body: role('nodes', ['nodes'])})
    expect(r.status).toBe(403)
    expect(r.json.message).toBe(
      `roles.rbac.authorization.k8s.io "nodes" is forbidden: user "developer" ${GROUPS} is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["nodes"], Verbs:["get"]}`,
    )
  })
})

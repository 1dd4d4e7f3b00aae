import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {request, type Target} from './client.js'
import {labelSelector, stringSlice} from './field-errors.js'
import {startFakeOpenShift, type FakeOpenShift} from './index.js'
import {noopSimulators} from './testkit.js'
import {quantity} from './update-validation.js'

const NS = '/api/v1/namespaces/myproject'
const DEPLOYMENTS = '/apis/apps/v1/namespaces/myproject/deployments'
const ROUTES = '/apis/route.openshift.io/v1/namespaces/myproject/routes'
const MERGE = 'application/merge-patch+json'

const deployment = (name: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {name},
  spec: {
    selector: {matchLabels: {app: name}},
    template: {metadata: {labels: {app: name}}, spec: {containers: [{name: 'c', image: 'img'}]}},
  },
})

const claim = (name: string, storageClassName: string, storage = '1Gi') => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: {name, namespace: 'myproject'},
  spec: {
    accessModes: ['ReadWriteOnce'],
    resources: {requests: {storage}},
    storageClassName,
    volumeName: `pv-${name}`,
  },
  status: {phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: {storage}},
})

describe('bad values as each Kubernetes version prints them', () => {
  it('Go %#v before 1.34, JSON from 1.34', () => {
    expect(labelSelector({matchLabels: {b: '2', a: '1'}})).toEqual({
      go: 'v1.LabelSelector{MatchLabels:map[string]string{"a":"1", "b":"2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}',
      json: '{"matchLabels":{"a":"1","b":"2"}}',
    })
    expect(labelSelector({matchExpressions: [{key: 'k', operator: 'In', values: ['x']}]}).go).toBe(
      'v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"k", Operator:"In", Values:[]string{"x"}}}}',
    )
    expect(stringSlice(['10.0.0.1'])).toEqual({go: '[]string{"10.0.0.1"}', json: '["10.0.0.1"]'})
  })

  it('parses quantities', () => {
    expect(quantity('1Gi')).toBe(2 ** 30)
    expect(quantity('1G')).toBe(1e9)
    expect(quantity('500M')).toBe(5e8)
    expect(quantity('1e9')).toBe(1e9)
    expect(quantity('1.5Gi')).toBe(1.5 * 2 ** 30)
  })
})

for (const minor of [31, 34]) {
  describe(`immutable fields through the API (Kubernetes 1.${minor})`, () => {
    let fake: FakeOpenShift
    let dev: Target
    let admin: Target
    beforeAll(async () => {
      fake = await startFakeOpenShift({sims: noopSimulators(), simulators: 'manual', kubernetesMinor: minor})
      dev = {url: fake.url, caPem: fake.caPem, token: fake.token}
      admin = {...dev, token: fake.tokenFor('admin')}
      fake.seed([
        {
          apiVersion: 'storage.k8s.io/v1',
          kind: 'StorageClass',
          metadata: {name: 'fixed'},
          provisioner: 'example.com/fixed',
          allowVolumeExpansion: false,
        },
        claim('grows', 'standard-csi'),
        claim('fixed', 'fixed'),
      ])
      expect((await request(dev, DEPLOYMENTS, {body: deployment('nb')})).status).toBe(201)
    })
    afterAll(() => fake?.stop())

    it('Deployment spec.selector is immutable in apps/v1 (with the label mismatch it brings)', async () => {
      const r = await request(dev, `${DEPLOYMENTS}/nb`, {
        method: 'PATCH',
        contentType: MERGE,
        body: {spec: {selector: {matchLabels: {app: 'other'}}}},
      })
      expect(r.status).toBe(422)
      const selector =
        minor >= 34
          ? '{"matchLabels":{"app":"other"}}'
          : 'v1.LabelSelector{MatchLabels:map[string]string{"app":"other"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}'
      const labels = minor >= 34 ? '{"app":"nb"}' : 'map[string]string{"app":"nb"}'
      expect(r.json.message).toBe(
        `Deployment.apps "nb" is invalid: [spec.template.metadata.labels: Invalid value: ${labels}: \`selector\` does not match template \`labels\`, spec.selector: Invalid value: ${selector}: field is immutable]`,
      )
      expect(r.json.details.causes[1]).toEqual({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${selector}: field is immutable`,
        field: 'spec.selector',
      })
      // the same selector again is no change
      const same = await request(dev, `${DEPLOYMENTS}/nb`, {
        method: 'PATCH',
        contentType: MERGE,
        body: {spec: {selector: {matchLabels: {app: 'nb'}}, replicas: 2}},
      })
      expect(same.status).toBe(200)
    })

    it('a bound claim: access modes and class immutable, storage grows only, and only where the class allows', async () => {
      const patch = (name: string, spec: unknown) =>
        request(dev, `${NS}/persistentvolumeclaims/${name}`, {
          method: 'PATCH',
          contentType: MERGE,
          body: {spec},
        })
      const modes = await patch('grows', {accessModes: ['ReadWriteMany']})
      expect(modes.status).toBe(422)
      const except =
        minor >= 29
          ? 'resources.requests and volumeAttributesClassName for bound claims'
          : 'resources.requests for bound claims'
      expect(modes.json.message).toMatch(
        new RegExp(
          `^PersistentVolumeClaim "grows" is invalid: spec: Forbidden: spec is immutable after creation except ${except.replace(/\./g, '\\.')}\\n`,
        ),
      )
      expect((await patch('grows', {storageClassName: 'fixed'})).status).toBe(422)

      const shrink = await patch('grows', {resources: {requests: {storage: '500Mi'}}})
      expect(shrink.status).toBe(422)
      expect(shrink.json.message).toBe(
        minor >= 32
          ? 'PersistentVolumeClaim "grows" is invalid: spec.resources.requests.storage: Forbidden: field can not be less than status.capacity'
          : 'PersistentVolumeClaim "grows" is invalid: spec.resources.requests.storage: Forbidden: field can not be less than previous value',
      )

      const fixed = await patch('fixed', {resources: {requests: {storage: '2Gi'}}})
      expect(fixed.status).toBe(403)
      expect(fixed.json.message).toBe(
        'persistentvolumeclaims "fixed" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize',
      )
      const grown = await patch('grows', {resources: {requests: {storage: '2Gi'}}})
      expect(grown.status).toBe(200)
      expect(grown.json.spec.resources.requests.storage).toBe('2Gi')
    })

    it('a Service keeps its cluster IP: omitted is kept, changed is refused', async () => {
      const svc = await request(dev, `${NS}/services`, {
        body: {apiVersion: 'v1', kind: 'Service', metadata: {name: 'nb'}, spec: {ports: [{port: 8888}]}},
      })
      const ip = svc.json.spec.clusterIP as string
      const replaced = await request(dev, `${NS}/services/nb`, {
        method: 'PUT',
        body: {apiVersion: 'v1', kind: 'Service', metadata: {name: 'nb'}, spec: {ports: [{port: 8080}]}},
      })
      expect(replaced.status).toBe(200)
      expect(replaced.json.spec).toMatchObject({clusterIP: ip, clusterIPs: [ip]})
      const moved = await request(dev, `${NS}/services/nb`, {
        method: 'PATCH',
        contentType: MERGE,
        body: {spec: {clusterIP: '172.30.99.99'}},
      })
      expect(moved.status).toBe(422)
      const value = minor >= 34 ? '["172.30.99.99"]' : '[]string{"172.30.99.99"}'
      expect(moved.json.message).toBe(
        `Service "nb" is invalid: spec.clusterIPs[0]: Invalid value: ${value}: may not change once set`,
      )
    })

    it('immutable Secrets and ConfigMaps keep their data', async () => {
      for (const kind of ['Secret', 'ConfigMap']) {
        const plural = `${kind.toLowerCase()}s`
        const data = kind === 'Secret' ? {a: Buffer.from('1').toString('base64')} : {a: '1'}
        await request(dev, `${NS}/${plural}`, {
          body: {apiVersion: 'v1', kind, metadata: {name: 'frozen'}, data, immutable: true},
        })
        const r = await request(dev, `${NS}/${plural}/frozen`, {
          method: 'PATCH',
          contentType: MERGE,
          body: {data: {b: kind === 'Secret' ? 'Mg==' : '2'}},
        })
        expect(r.status).toBe(422)
        expect(r.json.message).toBe(
          `${kind} "frozen" is invalid: data: Forbidden: field is immutable when \`immutable\` is set`,
        )
        const thaw = await request(dev, `${NS}/${plural}/frozen`, {
          method: 'PATCH',
          contentType: MERGE,
          body: {immutable: false},
        })
        expect(thaw.json.message).toBe(
          `${kind} "frozen" is invalid: immutable: Forbidden: field is immutable when \`immutable\` is set`,
        )
        const labels = await request(dev, `${NS}/${plural}/frozen`, {
          method: 'PATCH',
          contentType: MERGE,
          body: {metadata: {labels: {x: 'y'}}},
        })
        expect(labels.status).toBe(200)
      }
    })

    it('a Route host: a project admin sets it on create, may not change it; an update without it keeps it', async () => {
      const route = (host?: string) => ({
        apiVersion: 'route.openshift.io/v1',
        kind: 'Route',
        metadata: {name: 'nb'},
        spec: {...(host ? {host} : {}), to: {kind: 'Service', name: 'nb'}},
      })
      expect((await request(dev, ROUTES, {body: route('nb.apps.example.com')})).status).toBe(201)
      const kept = await request(dev, `${ROUTES}/nb`, {method: 'PUT', body: route()})
      expect(kept.status).toBe(200)
      expect(kept.json.spec.host).toBe('nb.apps.example.com')
      const moved = await request(dev, `${ROUTES}/nb`, {
        method: 'PATCH',
        contentType: MERGE,
        body: {spec: {host: 'other.apps.example.com'}},
      })
      expect(moved.status).toBe(422)
      expect(moved.json.message).toBe(
        'Route.route.openshift.io "nb" is invalid: spec.host: Invalid value: "other.apps.example.com": you do not have permission to set the host field of the route',
      )
      const byAdmin = await request(admin, `${ROUTES}/nb`, {
        method: 'PATCH',
        contentType: MERGE,
        body: {spec: {host: 'other.apps.example.com'}},
      })
      expect(byAdmin.status).toBe(200)
    })
  })
}

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {request, type Target} from '../client.js'
import {startFakeOpenShift, type FakeOpenShift} from '../index.js'
import {Registry} from '../registry.js'
import {noopSimulators} from '../testkit.js'
import {encodeSchema} from './gnostic.js'
import {defaultSchemaFile, loadDefinitions} from './schemas.js'
import {buildOpenApiV2, OPENAPI_V2_PROTOBUF} from './v2.js'

const schemaPresent = loadDefinitions() !== undefined

function refs(s: unknown, out: string[] = []): string[] {
  if (Array.isArray(s)) for (const x of s) refs(x, out)
  else if (s && typeof s === 'object')
    for (const [k, v] of Object.entries(s)) {
      if (k === '$ref') out.push(String(v).replace('#/definitions/', ''))
      else refs(v, out)
    }
  return out
}

describe('/openapi/v2 document', () => {
  it('every reference resolves, with or without the schema file', () => {
    for (const file of [undefined, '/nonexistent/openapi.json']) {
      const doc = buildOpenApiV2(new Registry(), 31, file)
      for (const [name, def] of Object.entries(doc.definitions))
        for (const r of refs(def)) expect(doc.definitions[r], `${name} → ${r}`).toBeDefined()
    }
    expect(Object.keys(buildOpenApiV2(new Registry(), 31, '/nonexistent/openapi.json').definitions)).toEqual(
      [],
    )
  })

  it.skipIf(!schemaPresent)(
    `tags served kinds with their GVK and keeps what they reach (${defaultSchemaFile()})`,
    () => {
      const defs = buildOpenApiV2(new Registry(), 31).definitions
      expect(defs['io.k8s.api.apps.v1.Deployment']['x-kubernetes-group-version-kind']).toEqual([
        {group: 'apps', kind: 'Deployment', version: 'v1'},
      ])
      expect(defs['com.github.openshift.api.route.v1.Route']['x-kubernetes-group-version-kind']).toEqual([
        {group: 'route.openshift.io', kind: 'Route', version: 'v1'},
      ])
      expect(defs['io.k8s.api.core.v1.Container'].properties.image).toEqual({type: 'string'})
      expect(defs['io.k8s.api.core.v1.PodSpec'].required).toEqual(['containers'])
      // nothing unreachable from the served kinds (machine configs, operators, ...)
      expect(Object.keys(defs).some(k => k.includes('machineconfiguration'))).toBe(false)
    },
  )

  it('encodes schemas as openapi.v2.Schema protobuf', () => {
    // type: ["string"] is field 22 (TypeItem), its value field 1
    expect([...encodeSchema({type: 'string'}).finish()]).toEqual([
      0xb2,
      0x01,
      8,
      0x0a,
      6,
      ...Buffer.from('string'),
    ])
    const ext = encodeSchema({'x-a': [1]}).finish()
    expect(ext.subarray(0, 2)).toEqual(Buffer.from([0xfa, 0x01])) // field 31, vendor_extension
    expect(ext.toString('utf8')).toContain('[1]')
  })
})

describe('/openapi/v2 through the server', () => {
  let fake: FakeOpenShift
  let dev: Target
  beforeAll(async () => {
    fake = await startFakeOpenShift({sims: noopSimulators(), simulators: 'manual'})
    dev = {url: fake.url, caPem: fake.caPem, token: fake.token}
  })
  afterAll(() => fake?.stop())

  it('answers kubectl in protobuf and others in JSON', async () => {
    const proto = await request(dev, '/openapi/v2?timeout=32s', {
      accept: `${OPENAPI_V2_PROTOBUF},application/json`,
    })
    expect(proto.status).toBe(200)
    expect(proto.headers['content-type']).toBe('application/com.github.proto-openapi.spec.v2.v1.0+protobuf')
    // field 1 (swagger) = "2.0"
    expect(proto.body.subarray(0, 5).toString('latin1')).toBe('\n\x032.0')
    const json = await request(dev, '/openapi/v2')
    expect(json.json).toMatchObject({swagger: '2.0', info: {version: 'v1.31.0'}})
  })
})

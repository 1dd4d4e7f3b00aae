import {afterEach, describe, expect, it} from 'vitest'

import {request, type Target} from './client.js'
import {startFakeOpenShift, type FakeOpenShift} from './index.js'
import {parseScenario} from './scenario.js'

let fake: FakeOpenShift | undefined
afterEach(async () => {
  await fake?.stop()
  fake = undefined
})
const target = (f: FakeOpenShift): Target => ({url: f.url, caPem: f.caPem, token: f.token})
const NS = '/api/v1/namespaces/myproject'

describe('scenario files', () => {
  it('broken-project: objects, scripted pod status and logs, events — as data', async () => {
    fake = await startFakeOpenShift({scenario: 'test/scenarios/broken-project.yaml', simulators: 'manual'})
    fake.sims.settle()
    const t = target(fake)
    const pod = (await request(t, `${NS}/pods/notebook-7d9f8b6c4-x2k9p`)).json
    expect(pod.status.containerStatuses[0].state.waiting.reason).toBe('CrashLoopBackOff')
    const previous = await request(t, `${NS}/pods/notebook-7d9f8b6c4-x2k9p/log?previous=true`)
    expect(previous.text).toMatch(
      /PermissionError: \[Errno 13\] Permission denied: '\/home\/jovyan\/.jupyter'\n$/,
    )
    const events = (
      await request(t, `${NS}/events?fieldSelector=involvedObject.kind%3DReplicaSet,reason%3DFailedCreate`)
    ).json.items
    expect(events).toHaveLength(1)
    expect(events[0].message).toMatch(/unable to validate against any security context constraint/)
    const rb = await request(
      t,
      '/apis/rbac.authorization.k8s.io/v1/namespaces/myproject/rolebindings/system:openshift:scc:anyuid',
    )
    expect(rb.json.subjects[0]).toMatchObject({kind: 'ServiceAccount', name: 'default'})
  })

  it('anyuid-era-image: the simulators crash the notebook under restricted-v2', async () => {
    fake = await startFakeOpenShift({scenario: 'test/scenarios/anyuid-era-image.yaml', simulators: 'manual'})
    fake.sims.settle()
    const t = target(fake)
    const pods = (await request(t, `${NS}/pods?labelSelector=app%3Dnotebook`)).json.items
    expect(pods).toHaveLength(1)
    expect(pods[0].metadata.annotations['openshift.io/scc']).toBe('restricted-v2')
    expect(pods[0].status.containerStatuses[0].state.waiting?.reason).toBe('CrashLoopBackOff')
    const log = await request(t, `${NS}/pods/${pods[0].metadata.name}/log?previous=true`)
    expect(log.text).toMatch(/PermissionError: \[Errno 13\] Permission denied/)
  })

  it('auto mode steps the simulators after writes, without being asked', async () => {
    fake = await startFakeOpenShift({scenario: 'test/scenarios/anyuid-era-image.yaml'})
    const f = fake
    const t = target(f)
    await expect
      .poll(async () => (await request(t, `${NS}/pods?labelSelector=app%3Dnotebook`)).json.items.length, {
        interval: 20,
      })
      .toBe(1)
  })

  it("simulator.namespaces pins the scenario's own project too: its UID block, or no annotations", async () => {
    const annotations = async (simulator: Record<string, unknown>) => {
      const f = await startFakeOpenShift({simulators: 'manual', simulatorOptions: simulator})
      try {
        return (await request(target(f), NS)).json.metadata.annotations
      } finally {
        await f.stop()
      }
    }
    expect(await annotations({namespaces: {myproject: {uidStart: 1000070000}}})).toMatchObject({
      'openshift.io/sa.scc.uid-range': '1000070000/10000',
      'openshift.io/sa.scc.supplemental-groups': '1000070000/10000',
    })
    const bare = await annotations({namespaces: {myproject: {annotations: false}}})
    expect(bare['openshift.io/requester']).toBe('developer')
    expect(bare['openshift.io/sa.scc.uid-range']).toBeUndefined()
    expect((await annotations({namespaceAnnotations: false}))['openshift.io/sa.scc.mcs']).toBeUndefined()
  })

  it("events and pod behaviours address a Deployment's pods and ReplicaSets by owner", async () => {
    fake = await startFakeOpenShift({simulators: 'manual'})
    fake.loadScenario(
      parseScenario(`
namespace: owned
simulator: {}
events:
  - {match: {kind: Pod, owner: Deployment/notebook}, type: Warning, reason: FailedMount, message: 'MountVolume.SetUp failed'}
  - {match: {owner: Deployment/other}, reason: Ignored, message: 'not ours'}
objects:
  - apiVersion: apps/v1
    kind: Deployment
    metadata: {name: notebook}
    spec:
      replicas: 1
      selector: {matchLabels: {app: notebook}}
      template:
        metadata: {labels: {app: notebook}}
        spec: {containers: [{name: notebook, image: quay.io/jupyter/minimal-notebook:2025-01-01}]}
`),
    )
    fake.sims.settle()
    const t = target(fake)
    const events = (await request(t, '/api/v1/namespaces/owned/events')).json.items
    const mounts = events.filter((e: any) => e.reason === 'FailedMount')
    expect(mounts).toHaveLength(1)
    expect(mounts[0]).toMatchObject({type: 'Warning', involvedObject: {kind: 'Pod'}})
    expect(mounts[0].involvedObject.name).toMatch(/^notebook-[a-z0-9]+-[a-z0-9]{5}$/)
    expect(events.map((e: any) => e.reason)).not.toContain('Ignored')
  })

  it('simulator.pods matches by owner', async () => {
    fake = await startFakeOpenShift({
      simulators: 'manual',
      simulatorOptions: {
        pods: [{match: {owner: 'Deployment/notebook'}, outcome: 'CrashLoopBackOff', log: ['boom']}],
      },
    })
    fake.seed([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {name: 'notebook'},
        spec: {
          replicas: 1,
          selector: {matchLabels: {app: 'notebook'}},
          template: {
            metadata: {labels: {app: 'notebook'}},
            spec: {containers: [{name: 'notebook', image: 'quay.io/jupyter/minimal-notebook:2025-01-01'}]},
          },
        },
      },
    ])
    fake.sims.settle()
    const pods = (await request(target(fake), `${NS}/pods`)).json.items
    expect(pods[0].status.containerStatuses[0].state.waiting?.reason).toBe('CrashLoopBackOff')
  })

  it('rejects malformed scenarios with the file and the entry', () => {
    expect(() => parseScenario('objects: {a: 1}', 'x.yaml')).toThrow('x.yaml: "objects" must be a list')
    expect(() => parseScenario('objects: [{kind: ConfigMap}]', 'x.yaml')).toThrow(
      'x.yaml: objects[0] needs apiVersion, kind and metadata.name',
    )
    expect(() => parseScenario('events: [{reason: A, message: b}]', 'x.yaml')).toThrow(
      'x.yaml: events[0] needs involvedObject or match (one of them), reason and message',
    )
    expect(() => parseScenario('logs: [{text: hi}]', 'x.yaml')).toThrow(
      'x.yaml: logs[0] needs pod or build, and text',
    )
  })
})

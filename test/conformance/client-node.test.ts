/**
 * The same scenario through @kubernetes/client-node 1.4 (the CLI's client): typed CoreV1Api,
 * generic KubernetesObjectApi (create/patch, server-side apply), Watch, Log and Exec — with
 * verified TLS from the written kubeconfig. Then objects written by kubectl and by client-node
 * are compared field by field.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {PassThrough, Readable, Writable} from 'node:stream'

import {
  ApiException,
  CoreV1Api,
  Exec,
  KubeConfig,
  KubernetesObjectApi,
  Log,
  PatchStrategy,
  Watch,
  type KubernetesObject,
  type V1Status,
} from '@kubernetes/client-node'
import {dump} from 'js-yaml'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startFakeOpenShift, type FakeOpenShift} from '../../fake-openshift/src/index.js'
import {conformanceSims, ID_OUTPUT, runningPod, SPLIT_SCRIPT, type ConformanceSims} from './fixtures.js'
import {detectKubectl, Kubectl, kubectlOrSkip} from './kubectl.js'

let fake: FakeOpenShift
let cs: ConformanceSims
let kc: KubeConfig
let core: CoreV1Api
let objects: KubernetesObjectApi
const NS = 'myproject'

beforeAll(async () => {
  cs = conformanceSims()
  fake = await startFakeOpenShift({sims: cs.sims, simulators: 'manual'})
  fake.seed([runningPod('nb'), runningPod('live')])
  kc = new KubeConfig()
  kc.loadFromFile(fake.kubeconfigPath)
  core = kc.makeApiClient(CoreV1Api)
  objects = KubernetesObjectApi.makeApiClient(kc)
})
afterAll(() => fake?.stop())

/** ApiException.body is the raw JSON text of the Status */
function status(e: unknown): {code: number; reason: string; message: string} {
  expect(e).toBeInstanceOf(ApiException)
  const ex = e as ApiException<string>
  return {code: ex.code, ...JSON.parse(ex.body)}
}

describe('@kubernetes/client-node against the fake server', () => {
  it('typed CoreV1Api: create without kind, read, list by label, stale replace', async () => {
    const created = await core.createNamespacedConfigMap({
      namespace: NS,
      body: {metadata: {name: 'typed', labels: {via: 'node'}}, data: {a: '1'}},
    })
    expect(created.metadata?.uid).toBeDefined()
    const read = await core.readNamespacedConfigMap({namespace: NS, name: 'typed'})
    expect(read.data).toEqual({a: '1'})
    const list = await core.listNamespacedConfigMap({namespace: NS, labelSelector: 'via=node'})
    expect(list.items.map(i => i.metadata?.name)).toEqual(['typed'])
    await core.replaceNamespacedConfigMap({namespace: NS, name: 'typed', body: {...read, data: {a: '2'}}})
    const stale = await core
      .replaceNamespacedConfigMap({namespace: NS, name: 'typed', body: {...read, data: {a: '3'}}})
      .catch(e => e)
    expect(status(stale)).toMatchObject({code: 409, reason: 'Conflict'})
    const missing = await core.readNamespacedPod({namespace: NS, name: 'ghost'}).catch(e => e)
    expect(status(missing)).toMatchObject({code: 404, reason: 'NotFound', message: 'pods "ghost" not found'})
  })

  it('generic KubernetesObjectApi: create, merge/json patch, server-side apply with conflicts and force', async () => {
    const route = {
      apiVersion: 'route.openshift.io/v1',
      kind: 'Route',
      metadata: {name: 'generic', namespace: NS},
      spec: {to: {kind: 'Service', name: 'generic'}},
    }
    const created: KubernetesObject = await objects.create(route)
    expect(created.metadata?.uid).toBeDefined()
    const merged = await objects.patch(
      {...route, metadata: {...route.metadata, labels: {p: 'merge'}}} as KubernetesObject,
      undefined,
      undefined,
      undefined,
      undefined,
      PatchStrategy.MergePatch,
    )
    expect(merged.metadata?.labels).toEqual({p: 'merge'})
    // spec.path, not spec.host: a project admin may not change a Route's host (routes/custom-host update)
    const ssa = (path: string) => ({
      apiVersion: 'route.openshift.io/v1',
      kind: 'Route',
      metadata: {name: 'applied', namespace: NS},
      spec: {path, to: {kind: 'Service', name: 'x'}},
    })
    await objects.patch(ssa('/a'), undefined, undefined, 'node-a', false, PatchStrategy.ServerSideApply)
    const clash = await objects
      .patch(ssa('/b'), undefined, undefined, 'node-b', false, PatchStrategy.ServerSideApply)
      .catch(e => e)
    expect(status(clash)).toMatchObject({code: 409, reason: 'Conflict'})
    expect(status(clash).message).toMatch(/conflict with "node-a"/)
    const forced = (await objects.patch(
      ssa('/b'),
      undefined,
      undefined,
      'node-b',
      true,
      PatchStrategy.ServerSideApply,
    )) as any
    expect(forced.spec.path).toBe('/b')
    const scc = KubernetesObjectApi.makeApiClient(adminConfig())
    const smp = await scc
      .patch({
        apiVersion: 'security.openshift.io/v1',
        kind: 'SecurityContextConstraints',
        metadata: {name: 'anyuid'},
        priority: 12,
      } as KubernetesObject)
      .catch(e => e)
    // client-node defaults to strategic merge, which CRD-backed SCCs reject
    expect(status(smp)).toMatchObject({code: 415, reason: 'UnsupportedMediaType'})
  })

  it('Watch: ADDED, MODIFIED, DELETED', async () => {
    const seen: string[] = []
    let done: () => void = () => {}
    const finished = new Promise<void>(r => (done = r))
    const mark = fake.recorder.mark()
    const ctl = await new Watch(kc).watch(
      `/api/v1/namespaces/${NS}/configmaps`,
      {labelSelector: 'watched=yes'},
      (type, obj) => {
        seen.push(`${type} ${obj.metadata.name}`)
        if (type === 'DELETED') done()
      },
      () => {},
    )
    await fake.recorder.waitFor({since: mark, watch: true, status: 200})
    await core.createNamespacedConfigMap({
      namespace: NS,
      body: {metadata: {name: 'w', labels: {watched: 'yes'}}},
    })
    // typed patch* calls send application/json-patch+json
    await core.patchNamespacedConfigMap({
      namespace: NS,
      name: 'w',
      body: [{op: 'add', path: '/data', value: {x: 'y'}}],
    })
    await core.deleteNamespacedConfigMap({namespace: NS, name: 'w'})
    await finished
    ctl.abort()
    expect(seen).toEqual(['ADDED w', 'MODIFIED w', 'DELETED w'])
  })

  it('Log: a finished log and a followed one', async () => {
    const collect = () => {
      let text = ''
      const stream = new Writable({
        write(chunk, _enc, cb) {
          text += chunk.toString()
          cb()
        },
      })
      return {stream, text: () => text}
    }
    const all = collect()
    const ended = new Promise(r => all.stream.on('finish', r))
    await new Log(kc).log(NS, 'nb', 'notebook', all.stream)
    await ended
    expect(all.text()).toBe('starting notebook\nlistening on :8888\n')

    const live = cs.log('live')
    live.push('one')
    const f = collect()
    const fEnded = new Promise(r => f.stream.on('finish', r))
    await new Log(kc).log(NS, 'live', 'notebook', f.stream, {follow: true})
    live.push('two')
    live.end()
    await fEnded
    expect(f.text()).toBe('one\ntwo\n')
  })

  it('Exec: stdout/stderr split and the exit code in the V1Status', async () => {
    const run = (command: string[], stdin?: string) =>
      new Promise<{stdout: string; stderr: string; status: V1Status}>((resolve, reject) => {
        const out = new PassThrough()
        const err = new PassThrough()
        let stdout = ''
        let stderr = ''
        out.on('data', c => (stdout += c))
        err.on('data', c => (stderr += c))
        const input = stdin === undefined ? null : Readable.from([stdin])
        new Exec(kc)
          .exec(NS, 'nb', 'notebook', command, out, err, input, false, s =>
            setImmediate(() => resolve({stdout, stderr, status: s})),
          )
          .catch(reject)
      })
    const ok = await run(['id'])
    expect(ok).toMatchObject({stdout: ID_OUTPUT, stderr: '', status: {status: 'Success'}})
    const bad = await run(['sh', '-c', SPLIT_SCRIPT])
    expect(bad.stdout).toBe('out\n')
    expect(bad.stderr).toBe('err\n')
    expect(bad.status).toMatchObject({
      status: 'Failure',
      reason: 'NonZeroExitCode',
      details: {causes: [{reason: 'ExitCode', message: '3'}]},
    })
  })
})

function adminConfig(): KubeConfig {
  const a = new KubeConfig()
  a.loadFromFile(
    fake.writeKubeconfig(join(mkdtempSync(join(tmpdir(), 'admin-kc-')), 'config'), {user: 'admin'}),
  )
  return a
}

// -----------------------------------------------------------------------------------------------

const install = detectKubectl()
const gate = kubectlOrSkip(install)
const kubectlBin = install.binary(31) ?? install.dispatcher

describe.skipIf(gate.skip)(
  `objects written by kubectl and by client-node are equal${gate.skip ? ` — skipped: ${gate.reason}` : ''}`,
  () => {
    const manifests = (ns: string): KubernetesObject[] => [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {name: 'cfg', namespace: ns, labels: {app: 'nb'}},
        data: {a: '1'},
      } as KubernetesObject,
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {name: 'pw', namespace: ns},
        stringData: {password: 'x'},
      } as KubernetesObject,
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {name: 'nb', namespace: ns},
        spec: {selector: {app: 'nb'}, ports: [{name: '8888-tcp', port: 8888, targetPort: 8888}]},
      } as KubernetesObject,
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {name: 'nb', namespace: ns, labels: {app: 'nb'}},
        spec: {
          strategy: {type: 'Recreate'},
          selector: {matchLabels: {app: 'nb'}},
          template: {
            metadata: {labels: {app: 'nb'}},
            spec: {containers: [{name: 'notebook', image: 'nb:latest', ports: [{containerPort: 8888}]}]},
          },
        },
      } as KubernetesObject,
      {
        apiVersion: 'route.openshift.io/v1',
        kind: 'Route',
        metadata: {name: 'nb', namespace: ns},
        spec: {
          to: {kind: 'Service', name: 'nb'},
          tls: {termination: 'edge', insecureEdgeTerminationPolicy: 'Redirect'},
        },
      } as KubernetesObject,
    ]

    /** what must be equal: everything but identity, versions, timestamps, managedFields (and allocated IPs) */
    const comparable = (o: any) => {
      const c = structuredClone(o)
      for (const k of [
        'uid',
        'resourceVersion',
        'creationTimestamp',
        'managedFields',
        'namespace',
        'generation',
      ])
        delete c.metadata[k]
      if (c.kind === 'Service') {
        delete c.spec.clusterIP
        delete c.spec.clusterIPs
      }
      return c
    }

    let dir: string
    let k: Kubectl
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'compare-'))
      for (const ns of ['by-kubectl', 'by-node', 'ssa-kubectl', 'ssa-node'])
        fake.loadScenario({namespace: ns})
      k = new Kubectl(kubectlBin!, fake.kubeconfigPath)
    })
    afterAll(() => {
      k?.cleanup()
      rmSync(dir, {recursive: true, force: true})
    })

    const read = (ns: string) =>
      manifests(ns).map(m =>
        comparable(
          fake.store.get(fake.store.resourceTypeForKind(m.apiVersion!, m.kind!)!, ns, m.metadata!.name!),
        ),
      )

    it('create -f vs create()', async () => {
      const f = join(dir, 'create.yaml')
      writeFileSync(
        f,
        manifests('by-kubectl')
          .map(m => dump(m))
          .join('---\n'),
      )
      const r = await k.run(['create', '-f', f])
      expect(r.stderr).toBe('')
      for (const m of manifests('by-node')) await objects.create(m)
      expect(read('by-node')).toEqual(read('by-kubectl'))
    })

    it('apply --server-side vs patch(ServerSideApply)', async () => {
      const f = join(dir, 'ssa.yaml')
      writeFileSync(
        f,
        manifests('ssa-kubectl')
          .map(m => dump(m))
          .join('---\n'),
      )
      const r = await k.run(['apply', '--server-side', '--field-manager=compare', '-f', f])
      expect(r.stderr).toBe('')
      for (const m of manifests('ssa-node'))
        await objects.patch(m, undefined, undefined, 'compare', true, PatchStrategy.ServerSideApply)
      expect(read('ssa-node')).toEqual(read('ssa-kubectl'))
      const mf = (ns: string) =>
        (
          fake.store.get(fake.store.resourceType('apps/v1', 'deployments')!, ns, 'nb')!.metadata
            .managedFields ?? []
        ).map(m => ({
          ...m,
          time: undefined,
        }))
      expect(mf('ssa-node')).toEqual(mf('ssa-kubectl')) // the same ownership, too
    })
  },
)

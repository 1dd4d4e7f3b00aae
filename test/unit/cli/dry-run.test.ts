import {load} from 'js-yaml'
import {beforeAll, describe, expect, it} from 'vitest'

import {OpenApiValidator, schemaAbsentMessage, schemaPresent} from '../helpers/openapi.js'
import {ensureBuilt, run} from './cli.js'

beforeAll(ensureBuilt, 180_000)

type Obj = {
  apiVersion: string
  kind: string
  metadata: {
    name: string
    namespace?: string
    labels: Record<string, string>
    annotations?: Record<string, string>
  }
  [k: string]: any
}
type List = {apiVersion: string; kind: string; items: Obj[]}

const FIVE_LABELS = [
  'app',
  'app.kubernetes.io/instance',
  'app.kubernetes.io/component',
  'app.kubernetes.io/part-of',
  'app.kubernetes.io/managed-by',
]

describe('oc jupyter deploy --dry-run=client (no kubeconfig anywhere)', () => {
  it('-o json prints a v1 List: Secret, PVC, Service, Route, Deployment for notebook', async () => {
    const r = await run(['deploy', '--dry-run=client', '-o', 'json'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const list = JSON.parse(r.stdout) as List
    expect(list.apiVersion).toBe('v1')
    expect(list.kind).toBe('List')
    expect(list.items.map(i => `${i.kind}/${i.metadata.name}`)).toEqual([
      'Secret/notebook-password',
      'PersistentVolumeClaim/notebook-data',
      'Service/notebook',
      'Route/notebook',
      'Deployment/notebook',
    ])
    for (const i of list.items) {
      expect(Object.keys(i.metadata.labels).sort()).toEqual([...FIVE_LABELS].sort())
      expect(i.metadata.labels['app.kubernetes.io/part-of']).toBe('oc-jupyter')
      expect(i.metadata.labels['app.kubernetes.io/managed-by']).toBe('oc-jupyter')
    }

    const [secret, pvc, , route, dep] = list.items
    const pod = dep.spec.template.spec
    const c = pod.containers[0]
    expect(dep.spec.strategy.type).toBe('Recreate')
    expect(c.name).toBe('notebook')
    expect(c.ports[0].containerPort).toBe(8888)
    expect(c.env).toContainEqual({name: 'PERSISTENT_VOLUME_ROOTDIR', value: '/home/jovyan/volume'})
    expect(c.env).toContainEqual({
      name: 'JUPYTER_TOKEN',
      valueFrom: {secretKeyRef: {name: secret.metadata.name, key: 'password'}},
    })
    expect(pod.volumes).toContainEqual({name: 'data', persistentVolumeClaim: {claimName: pvc.metadata.name}})
    expect(c.volumeMounts).toContainEqual({name: 'data', mountPath: '/home/jovyan/volume'})
    const triggers = JSON.parse(dep.metadata.annotations?.['image.openshift.io/triggers'] ?? 'null')
    expect(triggers[0].fieldPath).toBe('spec.template.spec.containers[?(@.name=="notebook")].image')
    expect(triggers[0].from).toEqual({kind: 'ImageStreamTag', name: 's2i-minimal-notebook:latest'})
    expect(r.stdout).not.toMatch(/runAsUser|fsGroup/)
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: {drop: ['ALL']},
      runAsNonRoot: true,
      seccompProfile: {type: 'RuntimeDefault'},
    })
    expect(dep.spec.template.metadata.labels).toMatchObject({'app.kubernetes.io/instance': 'notebook'})
    expect(route.spec.tls).toEqual({termination: 'edge', insecureEdgeTerminationPolicy: 'Redirect'})
    expect(Object.keys(route.metadata.annotations ?? {})).toEqual([
      'haproxy.router.openshift.io/timeout',
      'haproxy.router.openshift.io/timeout-tunnel',
    ])
    // A fresh random password each time, URL-safe, at least 24 characters.
    const pw = Buffer.from(secret.data.password, 'base64').toString('utf8')
    expect(pw).toMatch(/^[A-Za-z0-9_-]{24,}$/)
  })

  if (schemaPresent) {
    it('each item validates against ../shared/schemas/openshift-openapi.json (Deployment: its pod template)', async () => {
      const r = await run(['deploy', '--dry-run=client', '-o', 'json'])
      const list = JSON.parse(r.stdout) as List
      const v = new OpenApiValidator()
      for (const item of list.items) expect(v.errors(item), `${item.kind}/${item.metadata.name}`).toEqual([])
      const dep = list.items[4]
      expect(v.errorsFor('io.k8s.api.core.v1.PodTemplateSpec', dep.spec.template)).toEqual([])
      expect(v.errors(list as never)).toEqual([])
    })
  } else if (process.env.CI) {
    it('needs the OpenAPI schema', () => expect.fail(schemaAbsentMessage))
  } else {
    it.skip(`schema validation skipped: ${schemaAbsentMessage}`, () => {})
  }

  it('-o yaml prints the same List as YAML', async () => {
    const r = await run(['deploy', 'lab', '--dry-run=client', '-o', 'yaml', '-n', 'proj'])
    expect(r.code).toBe(0)
    const list = load(r.stdout) as List
    expect(list.kind).toBe('List')
    expect(list.items.map(i => `${i.kind}/${i.metadata.name}/${i.metadata.namespace}`)).toEqual([
      'Secret/lab-password/proj',
      'PersistentVolumeClaim/lab-data/proj',
      'Service/lab/proj',
      'Route/lab/proj',
      'Deployment/lab/proj',
    ])
  })

  it('a bare --dry-run means client; text mode lists the objects', async () => {
    const r = await run(['deploy', '--dry-run'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Dry run (client): deploy would apply 5 objects to the current project:')
    expect(r.stdout).toContain('  Deployment/notebook')
    expect(r.stdout).not.toContain('password:')
  })

  it('--deployment-config renders a DeploymentConfig; --build prepends the builder set', async () => {
    const dc = JSON.parse(
      (await run(['deploy', '--dry-run=client', '-o', 'json', '--deployment-config'])).stdout,
    ) as List
    expect(dc.items[4]).toMatchObject({apiVersion: 'apps.openshift.io/v1', kind: 'DeploymentConfig'})
    const b = JSON.parse((await run(['deploy', '--dry-run=client', '-o', 'json', '--build'])).stdout) as List
    expect(b.items.map(i => i.kind)).toEqual([
      'ImageStream',
      'ImageStream',
      'BuildConfig',
      'Secret',
      'PersistentVolumeClaim',
      'Service',
      'Route',
      'Deployment',
    ])
  })

  it('--password-from-stdin puts the piped password in the Secret', async () => {
    const r = await run(['deploy', '--dry-run=client', '-o', 'json', '--password-from-stdin'], {
      input: 'my secret pw\n',
    })
    expect(r.code).toBe(0)
    const secret = (JSON.parse(r.stdout) as List).items[0]
    expect(Buffer.from(secret.data.password, 'base64').toString()).toBe('my secret pw')
  })

  it('piped stdin never becomes NAME (oclif would read a missing argument from it)', async () => {
    const r = await run(['deploy', '--dry-run=client', '-o', 'json'], {input: 'Secret-Password\n'})
    expect(r.code).toBe(0)
    expect((JSON.parse(r.stdout) as List).items[4].metadata.name).toBe('notebook')
  })

  it('--env, --volume-size, --memory and --mount-path reach the objects', async () => {
    const r = await run([
      'deploy',
      '--dry-run=client',
      '-o',
      'json',
      '--env',
      'A=1',
      '--env',
      'B=two',
      'nb2',
      '--volume-size',
      '1G',
      '--memory',
      '2Gi',
      '--mount-path',
      '/data',
    ])
    expect(r.stderr).toBe('')
    const list = JSON.parse(r.stdout) as List
    expect(list.items[0].metadata.name).toBe('nb2-password')
    expect(list.items[1].spec.resources.requests.storage).toBe('1G')
    const c = list.items[4].spec.template.spec.containers[0]
    expect(c.env.slice(2)).toEqual([
      {name: 'A', value: '1'},
      {name: 'B', value: 'two'},
    ])
    expect(c.env[0]).toEqual({name: 'PERSISTENT_VOLUME_ROOTDIR', value: '/data'})
    expect(c.resources.limits.memory).toBe('2Gi')
  })
})

describe('oc jupyter build --dry-run=client', () => {
  const bc = (list: List) => list.items.find(i => i.kind === 'BuildConfig') as Obj

  it('-o yaml renders the two ImageStreams and the BuildConfig of the recipe', async () => {
    const r = await run(['build', '--dry-run=client', '-o', 'yaml'])
    expect(r.code).toBe(0)
    const list = load(r.stdout) as List
    expect(list.items.map(i => `${i.kind}/${i.metadata.name}`)).toEqual([
      'ImageStream/minimal-notebook',
      'ImageStream/s2i-minimal-notebook',
      'BuildConfig/s2i-minimal-notebook',
    ])
    expect(bc(list).spec.source.git).toEqual({
      uri: 'https://github.com/getwarped/s2i-minimal-notebook',
      ref: 's2i-assigned-uid',
    })
    expect(list.items[0].spec.tags[0].from).toEqual({
      kind: 'DockerImage',
      name: 'quay.io/jupyter/minimal-notebook:2025-12-31',
    })
    expect(bc(list).spec.source.dockerfile).toMatch(/^FROM quay\.io\/jupyter\/minimal-notebook:2025-12-31$/m)
    expect(list.items[1].spec.tags[0].annotations.tags).toBe('builder,python,jupyter')
  })

  it('takes URL#ref as an argument', async () => {
    const r = await run(['build', 'https://example.com/r.git#dev', '--dry-run=client', '-o', 'yaml'])
    expect(r.code).toBe(0)
    expect(bc(load(r.stdout) as List).spec.source.git).toEqual({uri: 'https://example.com/r.git', ref: 'dev'})
  })

  it('takes --repo and --ref', async () => {
    const r = await run([
      'build',
      '--repo',
      'https://example.com/r.git',
      '--ref',
      'dev',
      '--dry-run=client',
      '-o',
      'json',
    ])
    expect(r.code).toBe(0)
    expect(bc(JSON.parse(r.stdout) as List).spec.source.git).toEqual({
      uri: 'https://example.com/r.git',
      ref: 'dev',
    })
  })

  it('--from-source renders a Source build over the builder', async () => {
    const r = await run([
      'build',
      '--from-source',
      'https://github.com/me/my-notebooks.git',
      '--dry-run=client',
      '-o',
      'json',
    ])
    const list = JSON.parse(r.stdout) as List
    expect(list.items.map(i => `${i.kind}/${i.metadata.name}`)).toEqual([
      'ImageStream/my-notebooks',
      'BuildConfig/my-notebooks',
    ])
    expect(bc(list).spec.strategy.type).toBe('Source')
  })
})

describe('oc jupyter imagestream', () => {
  it('prints the annotated builder ImageStream as YAML by default', async () => {
    const r = await run(['imagestream'])
    expect(r.code).toBe(0)
    const is = load(r.stdout) as Obj
    expect(is).toMatchObject({
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: {name: 's2i-minimal-notebook'},
    })
    expect(is.metadata.annotations?.['openshift.io/display-name']).toBeTruthy()
    const tag = is.spec.tags[0]
    expect(tag.annotations).toMatchObject({tags: 'builder,python,jupyter', iconClass: 'icon-python'})
    for (const k of ['openshift.io/display-name', 'description', 'supports', 'sampleRepo', 'version'])
      expect(tag.annotations[k], k).toBeTruthy()
  })

  it('-o json and a NAME', async () => {
    const r = await run(['imagestream', 'mybuilder', '-o', 'json', '-n', 'openshift'])
    expect(JSON.parse(r.stdout).metadata).toMatchObject({name: 'mybuilder', namespace: 'openshift'})
  })
})

describe('the cluster path', () => {
  it('without --dry-run=client needs a kubeconfig: exit 3 and how to log in', async () => {
    const r = await run(['deploy'])
    expect(r.code).toBe(3)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/^Error: .*kubeconfig/)
    expect(r.stderr).toContain('Try: oc login')
  })

  it.each([['status'], ['password'], ['delete', '--yes'], ['doctor'], ['imagestream', '--apply'], ['build']])(
    '%j without a kubeconfig: exit 3',
    async (...args) => {
      const r = await run(args)
      expect(r.code, r.stderr).toBe(3)
      expect(r.stdout).toBe('')
    },
  )

  it('under -o json, the error is also JSON on stdout with the same exit code', async () => {
    const r = await run(['deploy', '-o', 'json'])
    expect(r.code).toBe(3)
    expect(JSON.parse(r.stdout)).toMatchObject({
      error: {exitCode: 3, message: expect.stringContaining('kubeconfig')},
    })
  })
})

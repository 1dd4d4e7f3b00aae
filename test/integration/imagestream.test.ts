/**
 * `oc jupyter imagestream --apply` end to end: the real CLI against the fake OpenShift API server.
 * Where the console URL comes from (the `console-public` ConfigMap, the console Route, neither) is
 * cluster-wide, so each source has its own fake.
 */
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, test} from 'vitest'

import {startFakeOpenShift, type FakeOpenShift, type KObject} from '../../fake-openshift/src/index.js'
import {runCli, type CliResult} from './helpers/cli.js'

const IMAGE_API = 'image.openshift.io/v1'
const CONSOLE = 'https://console-openshift-console.apps.example.com'
const FORM = '/catalog/source-to-image?imagestream=s2i-minimal-notebook&imagestream-ns=myproject'

const both = (r: CliResult) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`

function imageStream(fake: FakeOpenShift, namespace: string, name: string): KObject | undefined {
  const rt = fake.store.resourceType(IMAGE_API, 'imagestreams')
  return rt ? fake.store.get(rt, namespace, name) : undefined
}

function adminKubeconfig(fake: FakeOpenShift): string {
  return fake.writeKubeconfig(path.join(path.dirname(fake.kubeconfigPath), 'admin'), {user: 'admin'})
}

const ns = (name: string): KObject => ({apiVersion: 'v1', kind: 'Namespace', metadata: {name}})

/**
 * What `oc whoami --show-console` reads: openshift-config-managed/console-public, readable by every
 * authenticated user through the console operator's Role and RoleBinding.
 */
const consolePublic: KObject[] = [
  ns('openshift-config-managed'),
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {name: 'console-public', namespace: 'openshift-config-managed'},
    data: {consoleURL: `${CONSOLE}/`},
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: {name: 'console-public', namespace: 'openshift-config-managed'},
    rules: [{apiGroups: [''], resources: ['configmaps'], resourceNames: ['console-public'], verbs: ['get']}],
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: {name: 'console-public', namespace: 'openshift-config-managed'},
    roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'console-public'},
    subjects: [{apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated'}],
  },
]

/** The console's Route; only cluster-admins (and the console) may read it. */
const consoleRoute: KObject[] = [
  ns('openshift-console'),
  {
    apiVersion: 'route.openshift.io/v1',
    kind: 'Route',
    metadata: {name: 'console', namespace: 'openshift-console'},
    spec: {
      host: 'console.apps.route.example.com',
      to: {kind: 'Service', name: 'console'},
      tls: {termination: 'reencrypt'},
    },
  },
]

let withConfigMap: FakeOpenShift
let withRoute: FakeOpenShift
let plain: FakeOpenShift
beforeAll(async () => {
  ;[withConfigMap, withRoute, plain] = await Promise.all([
    startFakeOpenShift(),
    startFakeOpenShift(),
    startFakeOpenShift(),
  ])
  withConfigMap.seed(consolePublic)
  withRoute.seed(consoleRoute)
})
afterAll(async () => {
  await Promise.all([withConfigMap, withRoute, plain].map(f => f?.stop()))
})

describe.concurrent('imagestream --apply in the current project', () => {
  test('applies the annotated stream and prints the console URL from console-public', async () => {
    const r = await runCli(['imagestream', '--apply'], {kubeconfig: withConfigMap.kubeconfigPath})
    expect(r.code, both(r)).toBe(0)
    expect(r.stdout).toContain('ImageStream myproject/s2i-minimal-notebook created.')
    expect(r.stdout).toContain('The Developer Catalog lists builders only from the openshift namespace')
    expect(r.stdout).toContain(`  ${CONSOLE}${FORM}`)

    const is = imageStream(withConfigMap, 'myproject', 's2i-minimal-notebook')
    expect(is?.metadata.annotations?.['openshift.io/display-name']).toBeTruthy()
    expect(is?.spec).toMatchObject({
      lookupPolicy: {local: true},
      tags: [
        {
          name: 'latest',
          annotations: {
            iconClass: 'icon-python',
            tags: 'builder,python,jupyter',
            version: 'latest',
          },
        },
      ],
    })
    // project-local: the tag tracks nothing, the builder's BuildConfig pushes to it
    expect((is?.spec as {tags: Array<{from?: unknown}>}).tags[0].from).toBeUndefined()
    const [write] = withConfigMap.recorder.writes({path: /\/imagestreams\/s2i-minimal-notebook$/})
    expect(write).toMatchObject({method: 'PATCH', query: {fieldManager: 'oc-jupyter', force: 'true'}})

    const again = await runCli(['imagestream', '--apply', '-o', 'json'], {
      kubeconfig: withConfigMap.kubeconfigPath,
    })
    expect(again.code, both(again)).toBe(0)
    expect(JSON.parse(again.stdout)).toMatchObject({
      name: 's2i-minimal-notebook',
      namespace: 'myproject',
      action: 'unchanged',
      inCatalog: false,
      consoleUrl: `${CONSOLE}${FORM}`,
      consolePath: FORM,
    })
  })

  test('the console Route gives the host when it is readable', async () => {
    const r = await runCli(['imagestream', '--apply', '-n', 'myproject'], {
      kubeconfig: adminKubeconfig(withRoute),
    })
    expect(r.code, both(r)).toBe(0)
    expect(r.stdout).toContain(`  https://console.apps.route.example.com${FORM}`)
  })

  test('neither readable: the path and how to find the console', async () => {
    const [unreadable, absent] = await Promise.all([
      // a developer may not read the console Route
      runCli(['imagestream', 'my-builder', '--apply'], {kubeconfig: withRoute.kubeconfigPath}),
      runCli(['imagestream', '--apply'], {kubeconfig: plain.kubeconfigPath}),
    ])
    expect(unreadable.code, both(unreadable)).toBe(0)
    expect(unreadable.stdout).toContain(
      '  <console URL>/catalog/source-to-image?imagestream=my-builder&imagestream-ns=myproject',
    )
    expect(unreadable.stdout).toContain('`oc whoami --show-console` prints it')
    expect(absent.code, both(absent)).toBe(0)
    expect(absent.stdout).toContain(`  <console URL>${FORM}`)
  })

  test('--dry-run=server sends dryRun=All and stores nothing', async () => {
    const r = await runCli(['imagestream', 'dry', '--apply', '--dry-run=server'], {
      kubeconfig: plain.kubeconfigPath,
    })
    expect(r.code, both(r)).toBe(0)
    expect(r.stdout).toContain('Server dry run: ImageStream myproject/dry created.')
    const writes = plain.recorder.writes({path: /\/imagestreams\/dry$/})
    expect(writes.map(w => w.query.dryRun)).toEqual(['All'])
    expect(imageStream(plain, 'myproject', 'dry')).toBeUndefined()
  })
})

describe.concurrent('imagestream --apply -n openshift (the Developer Catalog)', () => {
  test('as a developer: exit 4 naming the permission that is missing', async () => {
    const r = await runCli(['imagestream', '--apply', '-n', 'openshift'], {kubeconfig: plain.kubeconfigPath})
    expect(r.code, both(r)).toBe(4)
    expect(r.stderr).toMatch(
      /forbidden: user "developer" cannot (patch|create) imagestreams\.image\.openshift\.io in namespace openshift/,
    )
    expect(r.stderr).toContain(
      'needs write access to image streams in the openshift namespace (cluster-admin)',
    )
    expect(r.stderr).toContain('Try: oc jupyter imagestream s2i-minimal-notebook --apply')
    expect(imageStream(plain, 'openshift', 's2i-minimal-notebook')).toBeUndefined()
  })

  test("as cluster-admin: applied, the tag tracks the current project's builder", async () => {
    const r = await runCli(['imagestream', '--apply', '-n', 'openshift'], {
      kubeconfig: adminKubeconfig(withConfigMap),
    })
    expect(r.code, both(r)).toBe(0)
    expect(r.stdout).toContain(
      'ImageStream openshift/s2i-minimal-notebook created, tracking myproject/s2i-minimal-notebook:latest.',
    )
    expect(r.stdout).toContain(
      'It appears in the Developer Catalog (Builder Images) once its tag has an image.',
    )
    expect(r.stdout).not.toContain('<console URL>')
    const is = imageStream(withConfigMap, 'openshift', 's2i-minimal-notebook')
    expect(is?.spec).toMatchObject({
      tags: [
        {
          name: 'latest',
          from: {kind: 'ImageStreamTag', namespace: 'myproject', name: 's2i-minimal-notebook:latest'},
          annotations: {tags: 'builder,python,jupyter'},
        },
      ],
    })
  })

  test('--source-project names the project the builder was built in', async () => {
    const r = await runCli(
      ['imagestream', 'nb', '--apply', '-n', 'openshift', '--source-project', 'builds', '-o', 'json'],
      {kubeconfig: adminKubeconfig(withRoute)},
    )
    expect(r.code, both(r)).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({
      name: 'nb',
      namespace: 'openshift',
      action: 'created',
      source: 'builds/nb:latest',
      inCatalog: true,
    })
    const tag = (imageStream(withRoute, 'openshift', 'nb')?.spec as {tags: Array<{from: unknown}>}).tags[0]
    expect(tag.from).toEqual({kind: 'ImageStreamTag', namespace: 'builds', name: 'nb:latest'})
  })
})

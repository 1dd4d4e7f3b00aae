/**
 * `oc jupyter build` end to end: the real, built CLI (`node bin/run.js`) against the fake OpenShift
 * API server over HTTPS. Each test has its own project (or its own fake when it injects faults), so
 * the CLI processes run concurrently.
 */
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, test} from 'vitest'

import {
  startFakeOpenShift,
  type FakeOpenShift,
  type KObject,
  type Scenario,
} from '../../fake-openshift/src/index.js'
import {repoRoot, runCli, type CliResult} from './helpers/cli.js'

const BUILD_API = 'build.openshift.io/v1'
const IMAGE_API = 'image.openshift.io/v1'
const FAILURES = path.join(repoRoot, 'test/scenarios/build-failures.yaml')

const fakes: FakeOpenShift[] = []
async function start(opts: Parameters<typeof startFakeOpenShift>[0] = {}): Promise<FakeOpenShift> {
  const fake = await startFakeOpenShift(opts)
  fakes.push(fake)
  return fake
}
afterAll(async () => {
  await Promise.all(fakes.map(f => f.stop()))
})

/** A further project whose admin is the kubeconfig's user (`oc new-project NS`). */
function newProject(fake: FakeOpenShift, namespace: string): string {
  fake.loadScenario({namespace} satisfies Scenario)
  return namespace
}

function list(fake: FakeOpenShift, apiVersion: string, plural: string, namespace: string): KObject[] {
  const rt = fake.store.resourceType(apiVersion, plural)
  if (!rt) throw new Error(`${apiVersion} ${plural} not served`)
  return fake.store.list(rt, namespace)
}

function get(
  fake: FakeOpenShift,
  apiVersion: string,
  plural: string,
  namespace: string,
  name: string,
): KObject | undefined {
  return list(fake, apiVersion, plural, namespace).find(o => o.metadata.name === name)
}

/** The writes the CLI sent into one namespace (tests share a fake: never look at all of them). */
function writesIn(fake: FakeOpenShift, namespace: string, since?: number) {
  return fake.recorder.writes({path: new RegExp(`/namespaces/${namespace}/`), since})
}

const instantiates = (fake: FakeOpenShift, namespace: string, since?: number) =>
  writesIn(fake, namespace, since).filter(w => w.method === 'POST' && w.path.endsWith('/instantiate'))

function latestImage(is: KObject | undefined, tag = 'latest'): string | undefined {
  const tags = (is?.status as {tags?: Array<{tag: string; items?: Array<{dockerImageReference?: string}>}>})
    ?.tags
  return tags?.find(t => t.tag === tag)?.items?.[0]?.dockerImageReference
}

/** Both streams, for messages when an assertion fails. */
const both = (r: CliResult) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`

/** A repository of notebooks for `--from-source` (the fake clones only repositories it knows). */
const NOTEBOOKS_REPO = {
  url: 'https://github.com/me/notebooks',
  refs: {main: {'requirements.txt': 'numpy\n', 'analysis.ipynb': '{"cells": []}\n'}},
}

describe('build on a fresh project', () => {
  let fake: FakeOpenShift
  beforeAll(async () => {
    fake = await start({simulatorOptions: {repositories: [NOTEBOOKS_REPO]}})
  })

  test.concurrent(
    'creates the 3 objects, follows s2i-minimal-notebook-1 to Complete, prints its log',
    async () => {
      const r = await runCli(['build', '--follow'], {kubeconfig: fake.kubeconfigPath})
      expect(r.code, both(r)).toBe(0)
      // progress on stderr, one line per object with its action
      expect(r.stderr).toContain('Created ImageStream/minimal-notebook')
      expect(r.stderr).toContain('Created ImageStream/s2i-minimal-notebook')
      expect(r.stderr).toContain('Created BuildConfig/s2i-minimal-notebook')
      expect(r.stderr).toContain(
        "Build s2i-minimal-notebook-1 started by the BuildConfig's ConfigChange trigger",
      )
      // the build log on stdout, from the clone to the push
      expect(r.stdout).toContain('Cloning "https://github.com/getwarped/s2i-minimal-notebook" ...')
      // oc-jupyter's Dockerfile over the pinned quay.io base (the branch's own would fail: libav-tools)
      expect(r.stdout).toContain('Replaced Dockerfile FROM image quay.io/jupyter/minimal-notebook:2025-12-31')
      expect(r.stdout).toMatch(/STEP 1\/\d+: FROM quay\.io\/jupyter\/minimal-notebook@sha256:/)
      expect(r.stdout).toMatch(/STEP \d+\/\d+: RUN apt-get update --yes && .*ffmpeg rsync/)
      expect(r.stdout).toContain('Push successful')
      expect(r.stdout).toContain('Build s2i-minimal-notebook-1: Complete')
      expect(r.stdout).toContain('Next: oc jupyter deploy -n myproject')

      // the trigger started the build: no instantiate, exactly one Build
      expect(instantiates(fake, 'myproject')).toHaveLength(0)
      const builds = list(fake, BUILD_API, 'builds', 'myproject')
      expect(builds.map(b => b.metadata.name)).toEqual(['s2i-minimal-notebook-1'])
      expect((builds[0].status as {phase: string}).phase).toBe('Complete')
      // the log was followed, once
      expect(
        fake.recorder
          .filter({method: 'GET', path: /\/namespaces\/myproject\/builds\/s2i-minimal-notebook-1\/log$/})
          .map(l => l.query.follow),
      ).toEqual(['true'])

      // what was applied (server-side apply, field manager oc-jupyter)
      const patches = writesIn(fake, 'myproject').filter(w => w.method === 'PATCH')
      expect(patches.map(w => w.path.split('/').slice(-2).join('/')).sort()).toEqual([
        'buildconfigs/s2i-minimal-notebook',
        'imagestreams/minimal-notebook',
        'imagestreams/s2i-minimal-notebook',
      ])
      for (const p of patches) {
        expect(p.contentType).toBe('application/apply-patch+yaml')
        expect(p.query.fieldManager).toBe('oc-jupyter')
      }
      const bc = get(fake, BUILD_API, 'buildconfigs', 'myproject', 's2i-minimal-notebook')
      expect(bc?.spec).toMatchObject({
        source: {
          git: {uri: 'https://github.com/getwarped/s2i-minimal-notebook', ref: 's2i-assigned-uid'},
          dockerfile: expect.stringContaining('COPY s2i /opt/app-root/s2i'),
        },
        strategy: {dockerStrategy: {from: {kind: 'ImageStreamTag', name: 'minimal-notebook:2025-12-31'}}},
        output: {to: {kind: 'ImageStreamTag', name: 's2i-minimal-notebook:latest'}},
      })

      // the builder image stream's latest tag has the pushed image, and it is annotated as a builder
      const builder = get(fake, IMAGE_API, 'imagestreams', 'myproject', 's2i-minimal-notebook')
      const image = latestImage(builder)
      expect(image).toMatch(
        /^image-registry\.openshift-image-registry\.svc:5000\/myproject\/s2i-minimal-notebook@sha256:[0-9a-f]{64}$/,
      )
      expect(r.stdout).toContain(`Image: ${image}`)
      expect(builder?.spec).toMatchObject({lookupPolicy: {local: true}})
      const tag = (builder?.spec as {tags: Array<{annotations: Record<string, string>}>}).tags[0]
      expect(tag.annotations.tags.split(',')).toContain('builder')
    },
  )

  test.concurrent(
    'second run without changes: everything unchanged, no build; --rebuild starts exactly one',
    async () => {
      const ns = newProject(fake, 'rerun')
      const kc = {kubeconfig: fake.kubeconfigPath}
      const first = await runCli(['build', '-n', ns], kc)
      expect(first.code, both(first)).toBe(0)

      const mark = fake.recorder.mark()
      const second = await runCli(['build', '-n', ns], kc)
      expect(second.code, both(second)).toBe(0)
      for (const o of [
        'ImageStream/minimal-notebook',
        'ImageStream/s2i-minimal-notebook',
        'BuildConfig/s2i-minimal-notebook',
      ])
        expect(second.stderr).toContain(`Unchanged ${o}`)
      expect(second.stderr).toContain(
        'Nothing changed and build s2i-minimal-notebook-1 is Complete; run with --rebuild to build again.',
      )
      expect(second.stdout).toContain('Build s2i-minimal-notebook-1: Complete')
      expect(instantiates(fake, ns, mark)).toHaveLength(0)
      expect(list(fake, BUILD_API, 'builds', ns)).toHaveLength(1)

      const beforeRebuild = fake.recorder.mark()
      const rebuild = await runCli(['build', '-n', ns, '--rebuild', '-o', 'json'], kc)
      expect(rebuild.code, both(rebuild)).toBe(0)
      const doc = JSON.parse(rebuild.stdout) as {
        objects: Array<{action: string}>
        build: {name: string; origin: string}
      }
      expect(doc.objects.map(o => o.action)).toEqual(['unchanged', 'unchanged', 'unchanged'])
      expect(doc.build).toMatchObject({
        name: 's2i-minimal-notebook-2',
        origin: 'instantiated',
        phase: 'Complete',
      })
      const posts = writesIn(fake, ns, beforeRebuild).filter(w => w.method === 'POST')
      expect(posts.map(p => p.path)).toEqual([
        `/apis/build.openshift.io/v1/namespaces/${ns}/buildconfigs/s2i-minimal-notebook/instantiate`,
      ])
      expect(posts[0].body).toMatchObject({kind: 'BuildRequest', metadata: {name: 's2i-minimal-notebook'}})
      expect(
        list(fake, BUILD_API, 'builds', ns)
          .map(b => b.metadata.name)
          .sort(),
      ).toEqual(['s2i-minimal-notebook-1', 's2i-minimal-notebook-2'])
    },
  )

  test.concurrent(
    '-o json: one JSON document (objects, build, phase, image); no log or progress',
    async () => {
      const ns = newProject(fake, 'json')
      const r = await runCli(['build', '-n', ns, '--follow', '-o', 'json'], {kubeconfig: fake.kubeconfigPath})
      expect(r.code, both(r)).toBe(0)
      const doc = JSON.parse(r.stdout) as Record<string, unknown>
      expect(doc).toMatchObject({
        namespace: ns,
        dryRun: false,
        objects: [
          {kind: 'ImageStream', name: 'minimal-notebook', action: 'created'},
          {kind: 'ImageStream', name: 's2i-minimal-notebook', action: 'created'},
          {kind: 'BuildConfig', name: 's2i-minimal-notebook', action: 'created'},
        ],
        build: {name: 's2i-minimal-notebook-1', origin: 'config-change', phase: 'Complete'},
        imageStreamTag: 's2i-minimal-notebook:latest',
      })
      expect(doc.image).toBe(latestImage(get(fake, IMAGE_API, 'imagestreams', ns, 's2i-minimal-notebook')))
      expect(r.stdout).not.toContain('Cloning')
      expect(r.stderr).toBe('')
    },
  )

  test.concurrent(
    '--from-source URL#ref: Source-strategy BuildConfig from the builder, its build followed',
    async () => {
      const ns = newProject(fake, 'from-source')
      const kc = {kubeconfig: fake.kubeconfigPath}
      const builder = await runCli(['build', '-n', ns], kc)
      expect(builder.code, both(builder)).toBe(0)

      const r = await runCli(
        ['build', '-n', ns, '--from-source', 'https://github.com/me/notebooks#main', '--follow'],
        kc,
      )
      expect(r.code, both(r)).toBe(0)
      expect(r.stderr).toContain('Created ImageStream/notebooks')
      expect(r.stderr).toContain('Created BuildConfig/notebooks')
      expect(r.stdout).toContain('Cloning "https://github.com/me/notebooks" ...')
      expect(r.stdout).toMatch(/Using \S+\/s2i-minimal-notebook@sha256:\S+ as the s2i builder image/)
      expect(r.stdout).toContain('Build notebooks-1: Complete')

      const bc = get(fake, BUILD_API, 'buildconfigs', ns, 'notebooks')
      expect(bc?.spec).toMatchObject({
        source: {git: {uri: 'https://github.com/me/notebooks', ref: 'main'}},
        strategy: {
          type: 'Source',
          sourceStrategy: {from: {kind: 'ImageStreamTag', name: 's2i-minimal-notebook:latest'}},
        },
        output: {to: {kind: 'ImageStreamTag', name: 'notebooks:latest'}},
      })
      expect((bc?.spec as {strategy: Record<string, unknown>}).strategy.dockerStrategy).toBeUndefined()
      expect(latestImage(get(fake, IMAGE_API, 'imagestreams', ns, 'notebooks'))).toMatch(
        new RegExp(`/${ns}/notebooks@sha256:`),
      )
      expect(
        list(fake, BUILD_API, 'builds', ns)
          .map(b => b.metadata.name)
          .sort(),
      ).toEqual(['notebooks-1', 's2i-minimal-notebook-1'])
      expect(instantiates(fake, ns)).toHaveLength(0)
    },
  )

  test.concurrent('--from-source before the builder has an image: exit 1 before any write', async () => {
    const ns = newProject(fake, 'no-builder')
    const r = await runCli(['build', '-n', ns, '--from-source', 'https://github.com/me/notebooks'], {
      kubeconfig: fake.kubeconfigPath,
    })
    expect(r.code, both(r)).toBe(1)
    expect(r.stderr).toContain(
      `the builder image stream tag s2i-minimal-notebook:latest has no image in project ${ns}: build the builder first`,
    )
    expect(r.stderr).toContain(`Try: oc jupyter build -n ${ns}`)
    expect(writesIn(fake, ns)).toHaveLength(0)
  })

  test.concurrent('--dry-run=server: every write carries dryRun=All, no build is started', async () => {
    const ns = newProject(fake, 'dry-run')
    const r = await runCli(['build', '-n', ns, '--dry-run=server'], {kubeconfig: fake.kubeconfigPath})
    expect(r.code, both(r)).toBe(0)
    expect(r.stdout).toContain(
      'Server dry run: ImageStream/minimal-notebook created, ImageStream/s2i-minimal-notebook created, BuildConfig/s2i-minimal-notebook created; no build started.',
    )
    const writes = writesIn(fake, ns)
    expect(writes).toHaveLength(3)
    for (const w of writes) expect(w.query.dryRun, `${w.method} ${w.path}`).toBe('All')
    expect(instantiates(fake, ns)).toHaveLength(0)
    expect(list(fake, BUILD_API, 'builds', ns)).toHaveLength(0)
    expect(list(fake, BUILD_API, 'buildconfigs', ns)).toHaveLength(0)
    expect(list(fake, IMAGE_API, 'imagestreams', ns)).toHaveLength(0)
  })

  test.concurrent('--no-wait returns once the build started, saying how to follow it', async () => {
    const ns = newProject(fake, 'no-wait')
    const r = await runCli(['build', '-n', ns, '--no-wait'], {kubeconfig: fake.kubeconfigPath})
    expect(r.code, both(r)).toBe(0)
    expect(r.stderr).toContain(
      `Not waiting. Follow it with: oc logs -f build/s2i-minimal-notebook-1 -n ${ns}`,
    )
    expect(fake.recorder.filter({path: new RegExp(`/namespaces/${ns}/builds`), watch: true})).toHaveLength(0)
    expect(fake.recorder.filter({path: new RegExp(`/namespaces/${ns}/builds/.*/log`)})).toHaveLength(0)
    expect(list(fake, BUILD_API, 'builds', ns)).toHaveLength(1)
  })

  test.concurrent(
    'a changed base image: follows the build its ImageChange trigger starts, starts none',
    async () => {
      const ns = newProject(fake, 'base-change')
      const kc = {kubeconfig: fake.kubeconfigPath}
      const first = await runCli(['build', '-n', ns], kc)
      expect(first.code, both(first)).toBe(0)

      const mark = fake.recorder.mark()
      const r = await runCli(
        [
          'build',
          '-n',
          ns,
          '--base-image',
          // the same stream tag (minimal-notebook:2025-12-31) imported from a mirror: a new image
          'registry.example.com/mirror/jupyter/minimal-notebook:2025-12-31',
          '--rebuild',
          '-o',
          'json',
        ],
        kc,
      )
      expect(r.code, both(r)).toBe(0)
      const doc = JSON.parse(r.stdout) as {objects: Array<{action: string}>; build: Record<string, string>}
      // the base stream imports another image; our Dockerfile's FROM line names it too
      expect(doc.objects.map(o => o.action)).toEqual(['configured', 'unchanged', 'configured'])
      expect(doc.build).toMatchObject({
        name: 's2i-minimal-notebook-2',
        origin: 'image-change',
        phase: 'Complete',
      })
      expect(instantiates(fake, ns, mark)).toHaveLength(0)
      expect(list(fake, BUILD_API, 'builds', ns)).toHaveLength(2)
    },
  )
})

describe('build failures', () => {
  let fake: FakeOpenShift
  beforeAll(async () => {
    fake = await start({scenario: FAILURES})
  })

  test.concurrent(
    '--upstream-dockerfile (the recipe exactly) fails on libav-tools: exit 1, reason, log tail and the command that builds',
    async () => {
      const r = await runCli(['build', '--upstream-dockerfile'], {kubeconfig: fake.kubeconfigPath})
      expect(r.code, both(r)).toBe(1)
      expect(r.stdout).toBe('')
      expect(r.stderr).toContain('Error: build s2i-minimal-notebook-1 Failed (DockerBuildFailed)')
      expect(r.stderr).toContain(
        'phase: Failed, reason: DockerBuildFailed, message: Docker build strategy has failed.',
      )
      // the last 20 lines of the log, not the start of it
      expect(r.stderr).toContain('last 20 log lines:')
      expect(r.stderr).toContain("E: Package 'libav-tools' has no installation candidate")
      expect(r.stderr).toContain(
        'Package libav-tools is not available, but is referred to by another package.',
      )
      expect(r.stderr).not.toContain('Cloning "https://github.com/getwarped/s2i-minimal-notebook"')
      // the known break, named, and the command that builds (ours: ffmpeg), no placeholders
      expect(r.stderr).toContain(
        "the branch's own Dockerfile installs 'libav-tools', which Ubuntu dropped in 18.04",
      )
      expect(r.stderr).toContain('Try: oc jupyter build -n myproject')
      expect(r.stderr).not.toMatch(/YOUR-|--ref master/)
      expect(instantiates(fake, 'myproject')).toHaveLength(0)

      // the remedy, run as printed, builds
      const fixed = await runCli(['build', '-n', 'myproject'], {kubeconfig: fake.kubeconfigPath})
      expect(fixed.code, both(fixed)).toBe(0)
      expect(fixed.stdout).toContain('Build s2i-minimal-notebook-2: Complete')
    },
  )

  test.concurrent('-o json on a failure: one JSON error document with the phase and the remedy', async () => {
    const ns = newProject(fake, 'json-failure')
    const r = await runCli(['build', '-n', ns, '-o', 'json', '--follow', '--upstream-dockerfile'], {
      kubeconfig: fake.kubeconfigPath,
    })
    expect(r.code, both(r)).toBe(1)
    const doc = JSON.parse(r.stdout) as {
      error: {exitCode: number; message: string; hint: string; details: string[]}
    }
    expect(doc.error).toMatchObject({
      exitCode: 1,
      message: 'build s2i-minimal-notebook-1 Failed (DockerBuildFailed)',
      hint: `oc jupyter build -n ${ns}`,
    })
    expect(doc.error.details).toContain("  E: Package 'libav-tools' has no installation candidate")
  })

  test.concurrent('Error is a failure: exit 1 with phase, reason and message', async () => {
    const ns = newProject(fake, 'error-phase')
    const r = await runCli(['build', 'evicted', '-n', ns], {kubeconfig: fake.kubeconfigPath})
    expect(r.code, both(r)).toBe(1)
    expect(r.stderr).toContain('Error: build evicted-1 Error (BuildPodEvicted)')
    expect(r.stderr).toContain(
      'phase: Error, reason: BuildPodEvicted, message: The build pod was evicted due to resource constraints.',
    )
    expect(r.stderr).toContain('STEP 3/8: RUN apt-get update')
    // an eviction is the node's doing, not the build's: the remedy starts it again (remedyForReason)
    expect(r.stderr).toContain(`Try: oc jupyter build evicted --rebuild -n ${ns}`)
  })

  test.concurrent('Cancelled is a failure: exit 1', async () => {
    const ns = newProject(fake, 'cancelled-phase')
    const r = await runCli(['build', 'cancelled', '-n', ns], {kubeconfig: fake.kubeconfigPath})
    expect(r.code, both(r)).toBe(1)
    expect(r.stderr).toContain('Error: build cancelled-1 Cancelled (CancelledBuild)')
    expect(r.stderr).toContain(
      'phase: Cancelled, reason: CancelledBuild, message: The build was cancelled by the user.',
    )
  })

  test.concurrent(
    '--timeout 4s on a build that never finishes: exit 5, it keeps running, how to follow',
    async () => {
      const ns = newProject(fake, 'timeout')
      // --timeout bounds the whole command: long enough for the writes to finish first on a loaded machine.
      const r = await runCli(['build', 'stuck', '-n', ns, '--timeout', '4s'], {
        kubeconfig: fake.kubeconfigPath,
      })
      expect(r.code, both(r)).toBe(5)
      expect(r.stderr).toMatch(/timed out after 4s waiting for build "stuck-1": build "stuck-1" is Running/)
      expect(r.stderr).toContain('the build keeps running on the cluster')
      expect(r.stderr).toContain(`Try: oc logs -f build/stuck-1 -n ${ns}`)
      const build = get(fake, BUILD_API, 'builds', ns, 'stuck-1')
      expect((build?.status as {phase: string}).phase).toBe('Running')
    },
  )

  test.concurrent('a failed last build is retried by a re-run (one new build)', async () => {
    const ns = newProject(fake, 'retry')
    const kc = {kubeconfig: fake.kubeconfigPath}
    expect((await runCli(['build', 'evicted', '-n', ns], kc)).code).toBe(1)
    const r = await runCli(['build', 'evicted', '-n', ns], kc)
    expect(r.code, both(r)).toBe(1)
    expect(r.stderr).toContain('Error: build evicted-2 Error (BuildPodEvicted)')
    expect(instantiates(fake, ns)).toHaveLength(1)
  })
})

describe('build: errors before any write', () => {
  test.concurrent('a project that does not exist: 403 for a developer, 404 for an admin', async () => {
    const fake = await start()
    const admin = fake.writeKubeconfig(path.join(path.dirname(fake.kubeconfigPath), 'admin'), {user: 'admin'})
    const [dev, adm] = await Promise.all([
      runCli(['build', '-n', 'nope'], {kubeconfig: fake.kubeconfigPath}),
      runCli(['build', '-n', 'nope'], {kubeconfig: admin}),
    ])
    expect(dev.code, both(dev)).toBe(4)
    expect(dev.stderr).toContain('project "nope" does not exist or you are not allowed to use it')
    expect(dev.stderr).toContain('Try: oc get projects')
    expect(adm.code, both(adm)).toBe(1)
    expect(adm.stderr).toContain('project "nope" does not exist')
    expect(adm.stderr).toContain('Try: oc new-project nope')
    expect(fake.recorder.writes()).toHaveLength(0)
  })

  test.concurrent(
    'the build API is not served (plain Kubernetes): exit 1, OpenShift is required',
    async () => {
      // The fake cannot drop an API group; a 404 on its discovery document is what a cluster without
      // it answers.
      const fake = await start()
      fake.faults.status('GET', '/apis/build.openshift.io/v1', 404)
      const r = await runCli(['build'], {kubeconfig: fake.kubeconfigPath})
      expect(r.code, both(r)).toBe(1)
      expect(r.stderr).toContain('does not serve buildconfigs.build.openshift.io/v1: OpenShift is required')
      expect(r.stderr).toContain('Try: oc api-resources --api-group=build.openshift.io')
      expect(fake.recorder.writes()).toHaveLength(0)
    },
  )

  test.concurrent('a bad token: exit 3, log in again', async () => {
    const fake = await start()
    // the kubeconfig of a user whose token expired: the server no longer knows it
    const kubeconfig = path.join(path.dirname(fake.kubeconfigPath), 'expired')
    writeFileSync(
      kubeconfig,
      readFileSync(fake.kubeconfigPath, 'utf8').replace(fake.token, 'sha256~expired-token'),
    )
    const r = await runCli(['build'], {kubeconfig})
    expect(r.code, both(r)).toBe(3)
    expect(r.stderr).toContain('the server rejected the credentials (401 Unauthorized)')
    expect(r.stderr).toContain(`Try: oc login ${fake.url}`)
    expect(r.stderr).not.toContain('expired-token')
    expect(fake.recorder.writes()).toHaveLength(0)
  })

  test.concurrent(
    'a user who may only view the project: exit 4 naming the verb and the resource',
    async () => {
      const fake = await start()
      const token = fake.addUser('viewer')
      expect(token).toBeTruthy()
      fake.seed([
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: {name: 'viewer-view', namespace: 'myproject'},
          roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view'},
          subjects: [{apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'viewer'}],
        } as KObject,
      ])
      const kubeconfig = fake.writeKubeconfig(path.join(path.dirname(fake.kubeconfigPath), 'viewer'), {
        user: 'viewer',
      })
      const r = await runCli(['build'], {kubeconfig})
      expect(r.code, both(r)).toBe(4)
      expect(r.stderr).toMatch(/viewer.*(patch|create).*imagestreams\.image\.openshift\.io.*myproject/)
      expect(list(fake, IMAGE_API, 'imagestreams', 'myproject')).toHaveLength(0)
    },
  )
})

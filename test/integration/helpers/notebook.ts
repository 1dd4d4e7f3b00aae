/**
 * Shared by the deploy / anyuid / lifecycle integration tests: fakes that are stopped after the file,
 * projects with a builder image already in their image stream, and reads of the fake's store.
 */
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {afterAll} from 'vitest'

import {
  startFakeOpenShift,
  type FakeOpenShift,
  type KObject,
  type StartOptions,
} from '../../../fake-openshift/src/index.js'
import {interpretDockerfile} from '../../../fake-openshift/src/sim/dockerfile.js'
import {BUILTIN_PROFILES, type ImageProfile} from '../../../fake-openshift/src/sim/profiles.js'
import {BUILTIN_REPOSITORIES} from '../../../fake-openshift/src/sim/repositories.js'
import {renderBuilderDockerfile} from '../../../src/lib/render/dockerfile.js'
import {DEFAULT_BASE_IMAGE, DEFAULT_REF} from '../../../src/lib/values/defaults.js'
import type {CliResult} from './cli.js'

/** The builder `oc jupyter build` makes, imported instead of built: no build to wait for. */
export const BUILDER_IMAGE = 'quay.io/example/s2i-minimal-notebook:s2i-assigned-uid'
/** A notebook image of the anyuid era: its pods crash under restricted-v2 (sim profile anyuid-era). */
export const ANYUID_ERA_IMAGE = 'quay.io/example/anyuid-era-notebook:latest'

/**
 * What that image is, in the fake's image model: our Dockerfile (render/dockerfile.ts) interpreted over
 * today's docker-stacks base with the branch's checkout as context — exactly what a build in the fake
 * pushes. The fake knows nothing of oc-jupyter; the test tells it what the image holds.
 */
function builderProfile(): ImageProfile {
  const built = interpretDockerfile(
    BUILTIN_PROFILES['docker-stacks'],
    renderBuilderDockerfile(DEFAULT_BASE_IMAGE),
    {name: 'oc-jupyter-builder', context: BUILTIN_REPOSITORIES[0].refs[DEFAULT_REF]},
  )
  if (!built.ok) throw new Error(`the builder Dockerfile does not build in the fake: ${built.error}`)
  return built.profile
}

export const SIM_IMAGES = {
  profiles: {'oc-jupyter-builder': builderProfile()},
  images: [
    {image: BUILDER_IMAGE, profile: 'oc-jupyter-builder'},
    {image: 'quay.io/example/anyuid-era-notebook*', profile: 'anyuid-era'},
  ],
}

/** Starts fakes and stops them after the test file. */
export function fakes(): (opts?: StartOptions) => Promise<FakeOpenShift> {
  const started: FakeOpenShift[] = []
  afterAll(async () => {
    await Promise.all(started.map(f => f.stop()))
  })
  return async opts => {
    const fake = await startFakeOpenShift({simulatorOptions: SIM_IMAGES, ...opts})
    started.push(fake)
    return fake
  }
}

/** ImageStream s2i-minimal-notebook whose `latest` is imported from `image` (lookupPolicy.local). */
export function builderStream(image = BUILDER_IMAGE): KObject {
  return {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: {name: 's2i-minimal-notebook'},
    spec: {lookupPolicy: {local: true}, tags: [{name: 'latest', from: {kind: 'DockerImage', name: image}}]},
  }
}

/**
 * A further project (`oc new-project NS` by the kubeconfig's user) holding `objects`; returns a
 * kubeconfig whose current namespace is NS, so the CLI runs there without -n.
 */
export function project(fake: FakeOpenShift, namespace: string, objects: KObject[] = []): string {
  fake.loadScenario({namespace, objects})
  return kubeconfig(fake, {namespace})
}

/** A kubeconfig for another user and/or namespace, in a fresh temp directory. */
export function kubeconfig(fake: FakeOpenShift, opts: {user?: string; namespace?: string}): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'ocj-kc-')), 'kubeconfig')
  fake.writeKubeconfig(file, opts)
  return file
}

export function list(fake: FakeOpenShift, apiVersion: string, plural: string, namespace?: string): KObject[] {
  const rt = fake.store.resourceType(apiVersion, plural)
  if (!rt) throw new Error(`${apiVersion} ${plural} not served`)
  return fake.store.list(rt, namespace)
}

export function get(
  fake: FakeOpenShift,
  apiVersion: string,
  plural: string,
  namespace: string | undefined,
  name: string,
): KObject | undefined {
  return list(fake, apiVersion, plural, namespace).find(o => o.metadata.name === name)
}

/** The password in Secret NAME-password, as the notebook reads it. */
export function storedPassword(fake: FakeOpenShift, namespace: string, name = 'notebook'): string {
  const secret = get(fake, 'v1', 'secrets', namespace, `${name}-password`)
  const data = (secret?.data ?? {}) as Record<string, string>
  const [encoded] = Object.values(data)
  if (encoded === undefined) throw new Error(`Secret ${name}-password has no data in ${namespace}`)
  return Buffer.from(encoded, 'base64').toString('utf8')
}

/** Objects carrying the instance label, as `Kind/name`, sorted. */
export function instanceObjects(fake: FakeOpenShift, namespace: string, name = 'notebook'): string[] {
  const kinds: Array<[string, string, string]> = [
    ['apps/v1', 'deployments', 'Deployment'],
    ['apps.openshift.io/v1', 'deploymentconfigs', 'DeploymentConfig'],
    ['route.openshift.io/v1', 'routes', 'Route'],
    ['v1', 'services', 'Service'],
    ['v1', 'persistentvolumeclaims', 'PersistentVolumeClaim'],
    ['v1', 'secrets', 'Secret'],
  ]
  return kinds
    .flatMap(([api, plural, kind]) =>
      list(fake, api, plural, namespace)
        .filter(o => o.metadata.labels?.['app.kubernetes.io/instance'] === name)
        .map(o => `${kind}/${o.metadata.name}`),
    )
    .sort()
}

/** Pods of the instance that are not being deleted. */
export function pods(fake: FakeOpenShift, namespace: string, name = 'notebook'): KObject[] {
  return list(fake, 'v1', 'pods', namespace).filter(
    p => p.metadata.labels?.['app.kubernetes.io/instance'] === name && !p.metadata.deletionTimestamp,
  )
}

/** First UID of the project's block (`openshift.io/sa.scc.uid-range` = START/SIZE). */
export function firstUid(fake: FakeOpenShift, namespace: string): number {
  const ns = get(fake, 'v1', 'namespaces', undefined, namespace)
  const range = ns?.metadata.annotations?.['openshift.io/sa.scc.uid-range']
  if (!range) throw new Error(`namespace ${namespace} has no uid-range annotation`)
  return Number(range.split('/')[0])
}

export function runAsUser(pod: KObject): number | undefined {
  const spec = pod.spec as {containers?: Array<{name?: string; securityContext?: {runAsUser?: number}}>}
  return spec.containers?.find(c => c.name === 'notebook')?.securityContext?.runAsUser
}

/** The writes the CLI sent into one namespace since `since` (tests share a fake). */
export function writesIn(fake: FakeOpenShift, namespace: string, since?: number) {
  return fake.recorder.writes({path: new RegExp(`/namespaces/${namespace}/`), since})
}

/** Both streams, for messages when an assertion fails. */
export const both = (r: CliResult) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`

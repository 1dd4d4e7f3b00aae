/**
 * The fake OpenShift API server — public API for integration tests, the conformance suite and
 * the sandbox:
 *
 * ```ts
 * const fake = await startFakeOpenShift({scenario: 'test/scenarios/anyuid-era-image.yaml'})
 * // KUBECONFIG=fake.kubeconfigPath  → kubectl / the CLI talk to it over verified HTTPS
 * fake.faults.status('GET', '/api/v1/namespaces/myproject/pods', 429, {retryAfterSeconds: 1, times: 1})
 * fake.sims.settle()                 // 'manual' mode; 'auto' (default) steps after every write
 * fake.recorder.writes()
 * await fake.stop()
 * ```
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {bootstrapObjects, defaultProject} from './bootstrap.js'
import {Faults} from './faults.js'
import type {PatchEngine} from './handlers/context.js'
import {Authenticator, CLUSTER_ADMINS} from './http/authn.js'
import type {AuthorizeFn} from './http/authz.js'
import {generateTls, issueClientCertificate} from './http/tls.js'
import {writeKubeconfig} from './kubeconfig.js'
import {populateProject} from './openshift/projects.js'
import {clusterProfile, DEFAULT_CLUSTER_PROFILE, kubernetesMinorOf, storageProfile} from './profiles/index.js'
import {authorize} from './rbac.js'
import {Recorder} from './recorder.js'
import {eventObject, readScenario, type Scenario} from './scenario.js'
import {FakeApiServer} from './server.js'
import {MemoryStore, timestamp} from './store.js'
import {prepareForCreate} from './strategy.js'
import {scriptedLogKey} from './streams/logs.js'
import * as patchEngine from './patch/index.js'
import {createSimulators, type SimOptions} from './sim/index.js'
import type {KObject, Simulators} from './types.js'

export {ApiError} from './types.js'
export type {KObject, ResourceType, Simulators, Store, UserInfo} from './types.js'
export type {FaultRule, FaultAction, FaultHandle} from './faults.js'
export type {RecordedRequest, RequestFilter} from './recorder.js'
export type {Scenario} from './scenario.js'
export {CLUSTER_PROFILES, STORAGE_PROFILES} from './profiles/index.js'
export type {ClusterProfile, StorageProfile} from './profiles/index.js'
export {Faults} from './faults.js'
export {Recorder} from './recorder.js'
export {MemoryStore} from './store.js'

export interface StartOptions {
  /** scenario file to load (objects, pod statuses, logs, events, simulator options) */
  scenario?: string
  /** 'auto' (default): the server steps the simulators after every write until nothing changes */
  simulators?: 'auto' | 'manual'
  /** in auto mode, wait this long before each step (lets a watcher see intermediate states) */
  autoStepDelayMs?: number
  /**
   * cluster profile (profiles/clusters.ts: `ocp-4.12`, `ocp-4.18` — the default —, `ocp-4.20-aws`): the
   * OpenShift release, hence the Kubernetes minor and the release's rules, and the storage profile
   */
  profile?: string
  /** storage profile (profiles/storage.ts: `standard`, `standard-no-expansion`, `aws-gp3-csi`, `none`); default: the cluster profile's */
  storage?: string
  /**
   * /version minor, overriding the profile's; the machine's kubectl dispatcher picks kubectl.1.<minor>
   * from it. The release rules follow it (OpenShift 4.N serves 1.(N+13)).
   */
  kubernetesMinor?: number
  /** fixed tokens: username → token (other users get random ones) */
  tokens?: Record<string, string>
  /** the ready project and the kubeconfig's namespace (default `myproject`) */
  namespace?: string
  /** the kubeconfig's user, admin of `namespace` (default `developer`); `admin` is cluster-admin */
  user?: string
  /** 'rbac' (default): every request is authorized by rbac.ts; 'none': everything is allowed */
  authorization?: 'rbac' | 'none'
  /** options for createSimulators() (merged with the scenario's `simulator:` section) */
  simulatorOptions?: Record<string, unknown>
  /** replace the simulators (tests of the server core use no-op simulators) */
  sims?: Simulators
  /** replace the patch engine */
  patch?: PatchEngine
  /** skip the default SCCs, roles and system namespaces */
  bootstrap?: boolean
  port?: number
  /** where to write the kubeconfig (default: a fresh temp dir, removed by stop()) */
  kubeconfigPath?: string
  /** interval of periodic watch BOOKMARK events (default 30 s) */
  bookmarkIntervalMs?: number
  /** OpenShift's openapi.json, for /openapi/v2 (default: openapi/schemas.ts defaultSchemaFile) */
  openapiSchema?: string
}

export interface KubeconfigUserOptions {
  user?: string
  namespace?: string
  auth?: 'token' | 'client-certificate'
}

export interface FakeOpenShift {
  url: string
  caPem: string
  kubeconfigPath: string
  /** token of `user` */
  token: string
  user: string
  namespace: string
  kubernetesMinor: number
  /** the cluster and storage profiles it runs */
  profile: string
  storage: string
  tokenFor(username: string): string
  /** registers a user with extra groups; returns its token */
  addUser(name: string, groups?: string[], token?: string): string
  /**
   * writes another kubeconfig (e.g. for a different user or namespace); `auth: 'client-certificate'`
   * gives the user a client certificate signed by the server's CA instead of a token
   */
  writeKubeconfig(path: string, opts?: KubeconfigUserOptions): string
  store: MemoryStore
  sims: Simulators
  faults: Faults
  recorder: Recorder
  loadScenario(file: string | Scenario): void
  /** seeds objects as cluster-admin through admission, keeping a given status */
  seed(objects: KObject[]): KObject[]
  stop(): Promise<void>
}

export async function startFakeOpenShift(opts: StartOptions = {}): Promise<FakeOpenShift> {
  const scenario = opts.scenario ? readScenario(opts.scenario) : undefined
  const namespace = opts.namespace ?? scenario?.namespace ?? 'myproject'
  const username = opts.user ?? 'developer'
  const profile = clusterProfile(opts.profile ?? scenario?.profile ?? DEFAULT_CLUSTER_PROFILE)
  const storage = storageProfile(opts.storage ?? scenario?.storage ?? profile.storage).name
  const minor = opts.kubernetesMinor ?? scenario?.kubernetesMinor ?? kubernetesMinorOf(profile.openshiftMinor)
  const patch: PatchEngine = opts.patch ?? patchEngine
  const store = new MemoryStore({recordManagedFields: patch.recordUpdate, kubernetesMinor: minor})
  const simOptions = {
    kubernetesMinor: minor,
    ...(opts.simulatorOptions ?? {}),
    ...(scenario?.simulator ?? {}),
  } as SimOptions
  const sims = opts.sims ?? createSimulators(simOptions)
  const auth = new Authenticator()
  const faults = new Faults()
  const recorder = new Recorder()
  const scriptedLogs = new Map<string, string>()
  const admin = {username: 'system:admin', groups: ['system:masters', 'system:authenticated']}

  auth.addUser('admin', [CLUSTER_ADMINS], opts.tokens?.admin)
  auth.addUser('system:admin', ['system:masters'], opts.tokens?.['system:admin'])
  const token = auth.addUser(username, [], opts.tokens?.[username])
  for (const [u, t] of Object.entries(opts.tokens ?? {})) auth.addUser(u, [], t)

  sims.install(store)

  const seed = (objects: KObject[]): KObject[] => {
    const out: KObject[] = []
    for (const input of objects) {
      const rt = store.resourceTypeForKind(input.apiVersion, input.kind)
      if (!rt) throw new Error(`fake-openshift: cannot seed ${input.apiVersion} ${input.kind}: not served`)
      const obj = structuredClone(input)
      if (rt.namespaced) obj.metadata.namespace ??= namespace
      const status = obj.status
      prepareForCreate(rt, obj)
      if (status !== undefined) obj.status = status
      const existing = store.getRaw(rt, obj.metadata.namespace, obj.metadata.name!)
      if (existing) {
        obj.metadata.resourceVersion = existing.metadata.resourceVersion
        out.push(store.update(rt, obj, {user: admin}))
      } else out.push(store.create(rt, obj, {user: admin}))
    }
    return out
  }

  if (opts.bootstrap !== false) {
    seed(bootstrapObjects(storage))
    // the scenario may pin the project's UID block, or leave it unannotated, as for any other namespace
    const pin = simOptions.namespaces?.[namespace]
    const annotated =
      pin?.annotations ?? (pin?.uidStart !== undefined || simOptions.namespaceAnnotations !== false)
    const uidStart = annotated ? pin?.uidStart : null
    seed(defaultProject(namespace, uidStart, username))
  } else {
    seed([{apiVersion: 'v1', kind: 'Namespace', metadata: {name: namespace}}])
    populateProject(store, namespace, username)
  }

  const authorizeFn: AuthorizeFn | undefined =
    opts.authorization === 'none' ? undefined : (s, user, attrs) => authorize(s, user, attrs)

  const tls = generateTls()
  const server = new FakeApiServer(
    {
      store,
      auth,
      sims,
      faults,
      recorder,
      patch,
      authorize: authorizeFn,
      kubernetesMinor: minor,
      scriptedLogs,
      bookmarkIntervalMs: opts.bookmarkIntervalMs,
      openapiSchema: opts.openapiSchema,
    },
    tls,
  )
  const url = await server.listen(opts.port ?? 0)

  // auto mode: every store change schedules one simulator step; a step that changes something
  // writes, which schedules the next — event-driven, no polling
  let stopped = false
  let scheduled = false
  const mode = opts.simulators ?? 'auto'
  const schedule = () => {
    if (mode !== 'auto' || scheduled || stopped) return
    scheduled = true
    const run = () => {
      scheduled = false
      if (stopped) return
      try {
        if (sims.step()) schedule()
      } catch (e) {
        console.error('fake-openshift: simulator step failed:', e)
      }
    }
    if (opts.autoStepDelayMs) setTimeout(run, opts.autoStepDelayMs)
    else setImmediate(run)
  }
  store.subscribe(() => schedule())
  // the cluster's controllers have caught up with the bootstrap before anyone connects (service
  // accounts, the projects' Pod Security labels)
  schedule()

  const loadScenario = (file: string | Scenario) => {
    const s = typeof file === 'string' ? readScenario(file) : file
    const ns = s.namespace ?? namespace
    const nsRt = store.resourceType('v1', 'namespaces')!
    if (!store.getRaw(nsRt, undefined, ns)) {
      // a further project: the simulators' admission assigns its UID block, as for `oc new-project`
      seed([
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: {name: ns, annotations: {'openshift.io/requester': username}},
        },
      ])
      populateProject(store, ns, username)
    }
    for (const u of s.users ?? []) auth.addUser(u.name, u.groups ?? [], u.token)
    const withNs = (s.objects ?? []).map(o => {
      const c = structuredClone(o)
      const rt = store.resourceTypeForKind(c.apiVersion, c.kind)
      if (rt?.namespaced) c.metadata.namespace ??= ns
      return c
    })
    seed(withNs)
    const podsRt = store.resourceType('v1', 'pods')!
    for (const p of s.pods ?? []) {
      const pod = store.get(podsRt, p.namespace ?? ns, p.name)
      if (!pod)
        throw new Error(`fake-openshift: scenario pods: pod ${p.namespace ?? ns}/${p.name} does not exist`)
      pod.status = p.status
      store.update(podsRt, pod, {subresource: 'status'} as never)
    }
    for (const l of s.logs ?? []) {
      const key = l.pod
        ? scriptedLogKey(
            'pod',
            l.namespace ?? ns,
            l.pod,
            l.container ?? firstContainer(store, l.namespace ?? ns, l.pod),
            !!l.previous,
          )
        : scriptedLogKey('build', l.namespace ?? ns, l.build!)
      scriptedLogs.set(key, l.text)
    }
    const now = timestamp(new Date())
    const named = (s.events ?? []).filter(e => e.involvedObject)
    seed(named.map(e => eventObject(e as Parameters<typeof eventObject>[0], ns, now)))
    const rules = (s.events ?? []).filter(e => e.match)
    if (rules.length) {
      if (!sims.addEventRules)
        throw new Error('fake-openshift: these simulators cannot record events on matching objects')
      sims.addEventRules(
        rules.map(e => ({
          match: {namespace: e.namespace ?? ns, ...e.match},
          type: e.type,
          reason: e.reason,
          message: e.message,
          source: e.source,
        })),
      )
    }
  }
  if (scenario) loadScenario(scenario)

  const tmp = opts.kubeconfigPath ? undefined : mkdtempSync(join(tmpdir(), 'fake-openshift-'))
  const kubeconfigPath = opts.kubeconfigPath ?? join(tmp!, 'kubeconfig')
  const writeKc = (path: string, o: KubeconfigUserOptions = {}) =>
    writeKubeconfig(path, {
      server: url,
      caPem: tls.caPem,
      token: auth.tokenFor(o.user ?? username),
      username: o.user ?? username,
      namespace: o.namespace ?? namespace,
      ...(o.auth === 'client-certificate'
        ? {
            clientCertificate: issueClientCertificate(tls, {
              user: o.user ?? username,
              groups: auth.userFor(auth.tokenFor(o.user ?? username))?.groups,
            }),
          }
        : {}),
    })
  writeKc(kubeconfigPath)

  return {
    url,
    caPem: tls.caPem,
    kubeconfigPath,
    token,
    user: username,
    namespace,
    kubernetesMinor: minor,
    profile: profile.name,
    storage,
    tokenFor: u => auth.tokenFor(u),
    addUser: (name, groups = [], tok) => auth.addUser(name, groups, tok),
    writeKubeconfig: writeKc,
    store,
    sims,
    faults,
    recorder,
    loadScenario,
    seed,
    stop: async () => {
      stopped = true
      await server.close()
      if (tmp) rmSync(tmp, {recursive: true, force: true})
    },
  }
}

function firstContainer(store: MemoryStore, ns: string, pod: string): string {
  const p = store.getRaw(store.resourceType('v1', 'pods')!, ns, pod)
  return ((p?.spec as {containers?: Array<{name: string}>})?.containers ?? [])[0]?.name ?? ''
}

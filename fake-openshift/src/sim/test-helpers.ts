/** Fixtures shared by the simulator tests: a bootstrapped cluster with project `myproject`. */
import {bootstrapObjects, defaultProject, roleBinding} from '../bootstrap.js'
import type {KObject, UserInfo} from '../types.js'
import {createSimulators, type FakeSimulators, type SimOptions} from './index.js'
import {TestingStore} from './testing-store.js'

export const NS = 'myproject'
export const DEVELOPER: UserInfo = {
  username: 'developer',
  groups: ['system:authenticated', 'system:authenticated:oauth'],
}

export interface Cluster {
  store: TestingStore
  sims: FakeSimulators
  get(apiVersion: string, plural: string, name: string, namespace?: string): KObject
  events(involvedName?: string): KObject[]
}

export function cluster(
  options: SimOptions = {},
  seed: KObject[] = defaultProject(NS),
  storage = 'standard',
): Cluster {
  const store = new TestingStore()
  const sims = createSimulators(options)
  sims.install(store)
  store.seed(bootstrapObjects(storage))
  store.seed(seed)
  return {
    store,
    sims,
    get(apiVersion, plural, name, namespace = NS) {
      const r = store.resourceType(apiVersion, plural)
      const o = r && store.get(r, r.namespaced ? namespace : undefined, name)
      if (!o) throw new Error(`${plural}/${name} not found`)
      return o
    },
    events(involvedName) {
      return store
        .find('v1', 'events', NS)
        .filter(e => !involvedName || (e.involvedObject as {name: string}).name === involvedName)
    },
  }
}

/** The container spec our CLI renders for the notebook (SPEC.md §deploy), minus the volume. */
export function notebookContainer(
  image: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    name: 'notebook',
    image,
    ports: [{containerPort: 8888, protocol: 'TCP'}],
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: {drop: ['ALL']},
      runAsNonRoot: true,
      seccompProfile: {type: 'RuntimeDefault'},
    },
    ...extra,
  }
}

export function deployment(
  name: string,
  podSpec: Record<string, unknown>,
  extra: {annotations?: Record<string, string>; strategy?: string} = {},
): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace: NS,
      labels: {app: name},
      ...(extra.annotations ? {annotations: extra.annotations} : {}),
    },
    spec: {
      replicas: 1,
      selector: {matchLabels: {app: name}},
      strategy: {type: extra.strategy ?? 'Recreate'},
      template: {metadata: {labels: {app: name}}, spec: podSpec},
    },
  }
}

/** `oc adm policy add-scc-to-user SCC -z SA -n NS` on OpenShift 4.5+: a RoleBinding named after the ClusterRole. */
export function grantScc(scc: string, sa = 'default'): KObject {
  return roleBinding(NS, `system:openshift:scc:${scc}`, `system:openshift:scc:${scc}`, [
    {kind: 'ServiceAccount', name: sa, namespace: NS},
  ])
}

export function podsOf(c: Cluster, prefix: string): KObject[] {
  return c.store.find('v1', 'pods', NS).filter(p => (p.metadata.name ?? '').startsWith(prefix))
}

/** status.containerStatuses[0] of a pod. */
export function container0(pod: KObject): Record<string, any> {
  return ((pod.status as Record<string, any>)?.containerStatuses ?? [])[0] ?? {}
}

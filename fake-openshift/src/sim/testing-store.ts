/**
 * A tiny in-memory Store for the simulator tests (the server core's store replaces it in wiring tests):
 * resourceVersion, uid, creationTimestamp, generation on spec changes, generateName, NotFound /
 * AlreadyExists / Conflict, 404 for a create into a missing namespace, and admission hooks.
 */
import {
  type AdmissionHook,
  ApiError,
  type KObject,
  type ResourceType,
  type Store,
  type StoreEvent,
  type WriteOptions,
} from '../types.js'

const CRUD = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']

function rt(
  group: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  subresources: string[] = [],
): ResourceType {
  return {
    group,
    version: 'v1',
    kind,
    listKind: `${kind}List`,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    verbs: CRUD,
    subresources,
    strategicMerge: group !== 'security.openshift.io',
  }
}

const warn = (opts: WriteOptions) => (text: string) => opts.onWarning?.(text)

export const TEST_RESOURCES: ResourceType[] = [
  rt('', 'Namespace', 'namespaces', false, ['status']),
  rt('', 'Pod', 'pods', true, ['status', 'log', 'exec']),
  rt('', 'Service', 'services', true),
  rt('', 'Secret', 'secrets', true),
  rt('', 'ConfigMap', 'configmaps', true),
  rt('', 'ServiceAccount', 'serviceaccounts', true),
  rt('', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, ['status']),
  rt('', 'Event', 'events', true),
  rt('apps', 'Deployment', 'deployments', true, ['status', 'scale']),
  rt('apps', 'ReplicaSet', 'replicasets', true, ['status', 'scale']),
  rt('rbac.authorization.k8s.io', 'Role', 'roles', true),
  rt('rbac.authorization.k8s.io', 'RoleBinding', 'rolebindings', true),
  rt('rbac.authorization.k8s.io', 'ClusterRole', 'clusterroles', false),
  rt('rbac.authorization.k8s.io', 'ClusterRoleBinding', 'clusterrolebindings', false),
  rt('storage.k8s.io', 'StorageClass', 'storageclasses', false),
  rt('image.openshift.io', 'ImageStream', 'imagestreams', true, ['status']),
  rt('image.openshift.io', 'Image', 'images', false),
  rt('build.openshift.io', 'BuildConfig', 'buildconfigs', true, ['instantiate', 'status']),
  rt('build.openshift.io', 'Build', 'builds', true, ['log']),
  rt('apps.openshift.io', 'DeploymentConfig', 'deploymentconfigs', true, ['status']),
  rt('route.openshift.io', 'Route', 'routes', true, ['status']),
  rt('security.openshift.io', 'SecurityContextConstraints', 'securitycontextconstraints', false),
]

const NO_GENERATION = new Set([
  'Namespace',
  'Pod',
  'Secret',
  'ConfigMap',
  'ServiceAccount',
  'Event',
  'PersistentVolumeClaim',
  'Image',
])

function apiVersion(r: ResourceType): string {
  return r.group ? `${r.group}/${r.version}` : r.version
}

function specPart(o: KObject): string {
  if ('spec' in o) return JSON.stringify(o.spec)
  const {metadata: _m, status: _s, ...rest} = o
  return JSON.stringify(rest)
}

export class TestingStore implements Store {
  private readonly data = new Map<string, KObject>()
  private readonly hooks: AdmissionHook[] = []
  private readonly listeners = new Set<(e: StoreEvent) => void>()
  private rv = 100
  private uid = 0
  private nameSeq = 0

  constructor(readonly resources: ResourceType[] = TEST_RESOURCES) {}

  resourceType(groupOrApiVersion: string, plural: string): ResourceType | undefined {
    // a group ('apps', '' for core) or an apiVersion ('apps/v1', 'v1')
    const group = groupOrApiVersion.includes('/')
      ? groupOrApiVersion.split('/')[0]
      : groupOrApiVersion === 'v1'
        ? ''
        : groupOrApiVersion
    return this.resources.find(r => r.plural === plural && r.group === group)
  }

  resourceTypeForKind(av: string, kind: string): ResourceType | undefined {
    return this.resources.find(r => apiVersion(r) === av && r.kind === kind)
  }

  private key(r: ResourceType, ns: string | undefined, name: string): string {
    return `${r.group}/${r.plural}/${r.namespaced ? (ns ?? '') : ''}/${name}`
  }

  get(r: ResourceType, namespace: string | undefined, name: string): KObject | undefined {
    const o = this.data.get(this.key(r, namespace, name))
    return o && structuredClone(o)
  }

  list(r: ResourceType, namespace?: string): KObject[] {
    const prefix = `${r.group}/${r.plural}/`
    return [...this.data.entries()]
      .filter(([k, o]) => k.startsWith(prefix) && (!namespace || o.metadata.namespace === namespace))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([, o]) => structuredClone(o))
  }

  create(r: ResourceType, input: KObject, opts: WriteOptions = {}): KObject {
    let o = structuredClone(input)
    o.apiVersion = apiVersion(r)
    o.kind = r.kind
    if (!r.namespaced) delete o.metadata.namespace
    const ns = o.metadata.namespace
    if (r.namespaced) {
      const nsRt = this.resourceType('v1', 'namespaces') as ResourceType
      if (!ns || !this.get(nsRt, undefined, ns))
        throw new ApiError(404, 'NotFound', `namespaces "${ns}" not found`)
    }
    if (!o.metadata.name && o.metadata.generateName)
      o.metadata.name = `${o.metadata.generateName}${(++this.nameSeq).toString(36).padStart(5, 'x')}`
    const name = o.metadata.name ?? ''
    if (this.data.has(this.key(r, ns, name))) {
      throw new ApiError(
        409,
        'AlreadyExists',
        `${r.group ? `${r.plural}.${r.group}` : r.plural} "${name}" already exists`,
      )
    }
    o.metadata.uid = `uid-${++this.uid}`
    o.metadata.creationTimestamp = new Date(Date.UTC(2024, 0, 1, 0, 0, this.uid))
      .toISOString()
      .replace('.000', '')
    if (!NO_GENERATION.has(r.kind)) o.metadata.generation = 1
    for (const h of this.hooks)
      o = h(
        {operation: 'CREATE', rt: r, object: o, user: opts.user, dryRun: !!opts.dryRun, warn: warn(opts)},
        this,
      )
    if (opts.dryRun) return o
    o.metadata.resourceVersion = String(++this.rv)
    this.data.set(this.key(r, ns, name), o)
    this.emit({type: 'ADDED', rt: r, object: o})
    return structuredClone(o)
  }

  update(r: ResourceType, input: KObject, opts: WriteOptions & {subresource?: string} = {}): KObject {
    const k = this.key(r, input.metadata.namespace, input.metadata.name ?? '')
    const old = this.data.get(k)
    if (!old) throw new ApiError(404, 'NotFound', `${r.plural} "${input.metadata.name}" not found`)
    if (input.metadata.resourceVersion && input.metadata.resourceVersion !== old.metadata.resourceVersion) {
      throw new ApiError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${r.plural} "${input.metadata.name}": the object has been modified`,
      )
    }
    let o = structuredClone(opts.subresource === 'status' ? {...old, status: input.status} : input)
    o.metadata = {...o.metadata, uid: old.metadata.uid, creationTimestamp: old.metadata.creationTimestamp}
    if (old.metadata.generation !== undefined)
      o.metadata.generation = old.metadata.generation + (specPart(old) !== specPart(o) ? 1 : 0)
    for (const h of this.hooks)
      o = h(
        {
          operation: 'UPDATE',
          rt: r,
          object: o,
          old,
          user: opts.user,
          dryRun: !!opts.dryRun,
          warn: warn(opts),
        },
        this,
      )
    if (opts.dryRun) return o
    o.metadata.resourceVersion = String(++this.rv)
    this.data.set(k, o)
    this.emit({type: 'MODIFIED', rt: r, object: o, old})
    return structuredClone(o)
  }

  delete(r: ResourceType, namespace: string | undefined, name: string): KObject {
    const k = this.key(r, namespace, name)
    const old = this.data.get(k)
    if (!old) throw new ApiError(404, 'NotFound', `${r.plural} "${name}" not found`)
    this.data.delete(k)
    this.emit({type: 'DELETED', rt: r, object: old})
    return old
  }

  subscribe(listener: (e: StoreEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  currentResourceVersion(): number {
    return this.rv
  }

  addAdmission(hook: AdmissionHook): void {
    this.hooks.push(hook)
  }

  private emit(e: StoreEvent): void {
    for (const l of this.listeners) l(e)
  }

  /** Creates objects by kind (a scenario's seed), looking the resource type up by apiVersion/kind. */
  seed(objects: KObject[]): void {
    for (const o of objects) {
      const r = this.resourceTypeForKind(o.apiVersion, o.kind)
      if (!r) throw new Error(`testing store: unknown kind ${o.apiVersion} ${o.kind}`)
      this.create(r, o)
    }
  }

  /** Convenience for tests: `store.find('v1', 'pods', 'ns')`. */
  find(av: string, plural: string, namespace?: string): KObject[] {
    const r = this.resourceType(av, plural)
    return r ? this.list(r, namespace) : []
  }
}

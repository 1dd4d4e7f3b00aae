/**
 * Projects, served from namespaces the way openshift-apiserver does: projects mirror namespaces
 * (a user lists only those it may see); projectrequests create a namespace with the requester's
 * `admin` RoleBinding and the project template's bindings.
 */
import {roleBinding} from '../bootstrap.js'
import type {Authz} from '../http/authz.js'
import {notFound, type DeleteOptions, type MemoryStore} from '../store.js'
import {prepareForCreate} from '../strategy.js'
import {ApiError, type KObject, type ResourceType, type UserInfo, type WriteOptions} from '../types.js'

type Obj = Record<string, any>

export const PROJECT_API = 'project.openshift.io/v1'

export function namespaceToProject(ns: KObject): KObject {
  const {managedFields: _mf, ...metadata} = ns.metadata
  return {
    kind: 'Project',
    apiVersion: PROJECT_API,
    metadata: structuredClone(metadata),
    spec: {finalizers: structuredClone((ns.spec as Obj | undefined)?.finalizers ?? ['kubernetes'])},
    status: {phase: (ns.status as Obj | undefined)?.phase ?? 'Active'},
  }
}

export function projectToNamespace(p: KObject): KObject {
  return {
    kind: 'Namespace',
    apiVersion: 'v1',
    metadata: {
      name: p.metadata.name,
      ...(p.metadata.labels ? {labels: p.metadata.labels} : {}),
      ...(p.metadata.annotations ? {annotations: p.metadata.annotations} : {}),
      ...(p.metadata.resourceVersion ? {resourceVersion: p.metadata.resourceVersion} : {}),
    },
  }
}

export function namespaceRt(store: MemoryStore): ResourceType {
  return store.resourceType('v1', 'namespaces')!
}

/**
 * The objects OpenShift's default project template and controllers add to a new project: the
 * requester's `admin` binding, the image-puller/builder/deployer bindings and the three service
 * accounts. Created with the server's authority (the requester may not create bindings yet).
 */
export function populateProject(store: MemoryStore, name: string, requester: string | undefined): void {
  const sa = store.resourceType('v1', 'serviceaccounts')!
  for (const n of ['default', 'builder', 'deployer'])
    if (!store.getRaw(sa, name, n))
      store.create(sa, {apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: n, namespace: name}})
  const rb = store.resourceType('rbac.authorization.k8s.io/v1', 'rolebindings')!
  const bindings = [
    roleBinding(name, 'system:image-pullers', 'system:image-puller', [
      {kind: 'Group', name: `system:serviceaccounts:${name}`},
    ]),
    roleBinding(name, 'system:image-builders', 'system:image-builder', [
      {kind: 'ServiceAccount', name: 'builder', namespace: name},
    ]),
    roleBinding(name, 'system:deployers', 'system:deployer', [
      {kind: 'ServiceAccount', name: 'deployer', namespace: name},
    ]),
  ]
  if (requester) bindings.unshift(roleBinding(name, 'admin', 'admin', [{kind: 'User', name: requester}]))
  for (const b of bindings) if (!store.getRaw(rb, name, b.metadata.name!)) store.create(rb, b)
}

/** Only the service accounts: what the serviceaccount controller adds to any new namespace. */
export function ensureServiceAccounts(store: MemoryStore, ns: string): void {
  const sa = store.resourceType('v1', 'serviceaccounts')!
  const nsObj = store.getRaw(namespaceRt(store), undefined, ns)
  if (!nsObj || nsObj.metadata.deletionTimestamp) return
  for (const n of ['default', 'builder', 'deployer'])
    if (!store.getRaw(sa, ns, n))
      store.create(sa, {apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: n, namespace: ns}})
}

/** POST projectrequests: `oc new-project NAME --display-name --description`. */
export function createProjectRequest(
  store: MemoryStore,
  body: KObject,
  user: UserInfo,
  opts: WriteOptions,
): KObject {
  const name = body.metadata?.name
  if (!name)
    throw new ApiError(
      422,
      'Invalid',
      'ProjectRequest.project.openshift.io "" is invalid: metadata.name: Required value: name or generateName is required',
    )
  const nsRt = namespaceRt(store)
  if (store.getRaw(nsRt, undefined, name))
    throw new ApiError(409, 'AlreadyExists', `project.project.openshift.io "${name}" already exists`, {
      name,
      group: 'project.openshift.io',
      kind: 'project',
    })
  const ns = store.create(
    nsRt,
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name,
        annotations: {
          'openshift.io/description': String((body as Obj).description ?? ''),
          'openshift.io/display-name': String((body as Obj).displayName ?? ''),
          'openshift.io/requester': user.username,
        },
      },
      spec: {finalizers: ['kubernetes']},
      status: {phase: 'Active'},
    },
    {dryRun: opts.dryRun, user},
  )
  if (!opts.dryRun) populateProject(store, name, user.username)
  return namespaceToProject(ns)
}

// -- the verbs on projects (handlers/ call these for kind Project) ------------------------------

/** A project is visible to whoever may get it or its namespace (openshift-apiserver's project cache). */
export function visibleProject(authz: Authz, user: UserInfo, ns: string): boolean {
  return (
    authz.can(user, {
      verb: 'get',
      group: 'project.openshift.io',
      resource: 'projects',
      namespace: ns,
      name: ns,
    }) || authz.can(user, {verb: 'get', group: '', resource: 'namespaces', namespace: ns, name: ns})
  )
}

/** GET projects/NAME; also the live object a PATCH applies to. */
export function getProject(store: MemoryStore, rt: ResourceType, name: string): KObject {
  const ns = store.getRaw(namespaceRt(store), undefined, name)
  if (!ns) throw notFound(rt, name)
  return namespaceToProject(ns)
}

/** LIST/WATCH projects: only the namespaces the user may see. */
export function listProjects(store: MemoryStore, authz: Authz, user: UserInfo): KObject[] {
  return store
    .listRaw(namespaceRt(store))
    .filter(ns => visibleProject(authz, user, ns.metadata.name!))
    .map(namespaceToProject)
}

/** POST projects: a namespace (plus its service accounts), answered as a project. */
export function createProject(
  store: MemoryStore,
  obj: KObject,
  opts: WriteOptions & {dryRun: boolean},
): KObject {
  const ns = projectToNamespace(obj)
  prepareForCreate(namespaceRt(store), ns)
  const created = store.create(namespaceRt(store), ns, opts)
  if (!opts.dryRun) ensureServiceAccounts(store, created.metadata.name!)
  return namespaceToProject(created)
}

/** PUT/PATCH projects/NAME. */
export function updateProject(store: MemoryStore, obj: KObject, opts: WriteOptions): KObject {
  const nsRt = namespaceRt(store)
  const ns = store.get(nsRt, undefined, obj.metadata.name!)
  if (!ns) throw notFound(store.resourceType(PROJECT_API, 'projects')!, obj.metadata.name!)
  // only labels and annotations of a project can change
  ns.metadata.labels = obj.metadata.labels
  ns.metadata.annotations = obj.metadata.annotations
  if (obj.metadata.resourceVersion) ns.metadata.resourceVersion = obj.metadata.resourceVersion
  return namespaceToProject(store.update(nsRt, ns, opts))
}

/** DELETE projects/NAME deletes the namespace. */
export function deleteProject(
  store: MemoryStore,
  rt: ResourceType,
  name: string,
  opts: DeleteOptions,
): object {
  const nsRt = namespaceRt(store)
  if (!store.getRaw(nsRt, undefined, name)) throw notFound(rt, name)
  store.delete(nsRt, undefined, name, opts)
  // openshift-apiserver answers a project deletion with a Status
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: {name, group: rt.group, kind: rt.plural},
  }
}

/**
 * OpenShift's virtual resources, served from stored objects the way openshift-apiserver does:
 * - projects mirror namespaces (a user lists only those it may see); projectrequests create a
 *   namespace with the requester's `admin` RoleBinding and the project template's bindings;
 * - imagestreamtags are computed from an ImageStream's spec/status tags and the Image they point
 *   to (writes edit the stream's spec.tags);
 * - users/~ answers "who am I" (`oc whoami`).
 */
import {roleBinding} from '../bootstrap.js'
import {apiVersionOf} from '../registry.js'
import {notFound, qualifiedResource, type MemoryStore} from '../store.js'
import {ApiError, type KObject, type ResourceType, type UserInfo, type WriteOptions} from '../types.js'

type Obj = Record<string, any>

export const PROJECT_API = 'project.openshift.io/v1'

// -- projects ------------------------------------------------------------------------------------

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

// -- imagestreamtags -----------------------------------------------------------------------------

function splitTagName(name: string, rt: ResourceType): [string, string] {
  const i = name.lastIndexOf(':')
  if (i <= 0 || i === name.length - 1)
    throw new ApiError(
      400,
      'BadRequest',
      `"${name}" is an invalid ${rt.kind} name: must be of the form <stream_name>:<tag>`,
    )
  return [name.slice(0, i), name.slice(i + 1)]
}

function imageStreamRt(store: MemoryStore): ResourceType {
  return store.resourceType('image.openshift.io/v1', 'imagestreams')!
}

/** The ImageStreamTag NAME:TAG as openshift-apiserver computes it, or undefined when the tag has no image. */
export function computeImageStreamTag(store: MemoryStore, is: KObject, tag: string): KObject | undefined {
  const s = is as Obj
  const specTag = (s.spec?.tags ?? []).find((t: Obj) => t.name === tag)
  const statusTag = (s.status?.tags ?? []).find((t: Obj) => t.tag === tag)
  const item = statusTag?.items?.[0]
  if (!item) return undefined
  const imagesRt = store.resourceType('image.openshift.io/v1', 'images')
  const stored = imagesRt && item.image ? store.getRaw(imagesRt, undefined, item.image) : undefined
  const image: Obj = stored
    ? structuredClone(stored)
    : {
        metadata: {name: item.image ?? '', creationTimestamp: item.created},
        dockerImageReference: item.dockerImageReference,
      }
  delete image.kind
  delete image.apiVersion
  if (image.metadata) delete image.metadata.managedFields
  return {
    kind: 'ImageStreamTag',
    apiVersion: 'image.openshift.io/v1',
    metadata: {
      name: `${is.metadata.name}:${tag}`,
      namespace: is.metadata.namespace,
      uid: is.metadata.uid,
      resourceVersion: is.metadata.resourceVersion,
      creationTimestamp: item.created ?? is.metadata.creationTimestamp,
      ...(specTag?.annotations ? {annotations: structuredClone(specTag.annotations)} : {}),
      ...(is.metadata.labels ? {labels: structuredClone(is.metadata.labels)} : {}),
    },
    tag: specTag ? structuredClone(specTag) : null,
    generation: item.generation ?? is.metadata.generation ?? 1,
    lookupPolicy: structuredClone(s.spec?.lookupPolicy ?? {local: false}),
    ...(statusTag.conditions ? {conditions: structuredClone(statusTag.conditions)} : {}),
    image,
  }
}

export function getImageStreamTag(store: MemoryStore, rt: ResourceType, ns: string, name: string): KObject {
  const [stream, tag] = splitTagName(name, rt)
  const is = store.getRaw(imageStreamRt(store), ns, stream)
  const istag = is && computeImageStreamTag(store, is, tag)
  if (!istag) throw notFound(rt, name)
  return istag
}

export function listImageStreamTags(store: MemoryStore, ns: string | undefined): KObject[] {
  const out: KObject[] = []
  for (const is of store.listRaw(imageStreamRt(store), ns))
    for (const t of ((is as Obj).status?.tags ?? []) as Obj[]) {
      const istag = computeImageStreamTag(store, is, t.tag)
      if (istag) out.push(istag)
    }
  return out
}

/**
 * Create/update an ImageStreamTag: sets `spec.tags[NAME]` of the stream (creating the stream on
 * create if needed). The image arrives later, when the simulators import or build it.
 */
export function writeImageStreamTag(
  store: MemoryStore,
  rt: ResourceType,
  ns: string,
  body: KObject,
  create: boolean,
  opts: WriteOptions,
): KObject {
  const name = body.metadata?.name ?? ''
  const [stream, tag] = splitTagName(name, rt)
  const isRt = imageStreamRt(store)
  const tagRef: Obj = {...(((body as Obj).tag as Obj) ?? {}), name: tag}
  if (body.metadata.annotations)
    tagRef.annotations = {...(tagRef.annotations ?? {}), ...body.metadata.annotations}
  let is = store.get(isRt, ns, stream)
  if (!is) {
    if (!create) throw notFound(rt, name)
    is = store.create(
      isRt,
      {
        apiVersion: 'image.openshift.io/v1',
        kind: 'ImageStream',
        metadata: {name: stream, namespace: ns},
        spec: {tags: [tagRef]},
      },
      opts,
    )
  } else {
    const spec = ((is as Obj).spec ??= {})
    const tags: Obj[] = (spec.tags ??= [])
    const i = tags.findIndex(t => t.name === tag)
    if (i >= 0 && create)
      throw new ApiError(409, 'AlreadyExists', `${qualifiedResource(rt)} "${name}" already exists`, {
        name,
        group: rt.group,
        kind: rt.plural,
      })
    if (i >= 0) tags[i] = tagRef
    else tags.push(tagRef)
    is = store.update(isRt, is, opts)
  }
  return (
    computeImageStreamTag(store, is, tag) ?? {
      kind: 'ImageStreamTag',
      apiVersion: apiVersionOf(rt),
      metadata: {
        name,
        namespace: ns,
        uid: is.metadata.uid,
        resourceVersion: is.metadata.resourceVersion,
        creationTimestamp: is.metadata.creationTimestamp,
      },
      tag: tagRef,
      generation: is.metadata.generation ?? 1,
      lookupPolicy: (is as Obj).spec?.lookupPolicy ?? {local: false},
      image: {metadata: {}},
    }
  )
}

export function deleteImageStreamTag(
  store: MemoryStore,
  rt: ResourceType,
  ns: string,
  name: string,
  opts: WriteOptions,
): KObject {
  const [stream, tag] = splitTagName(name, rt)
  const isRt = imageStreamRt(store)
  const is = store.get(isRt, ns, stream) as Obj | undefined
  const had =
    is &&
    ((is.spec?.tags ?? []).some((t: Obj) => t.name === tag) ||
      (is.status?.tags ?? []).some((t: Obj) => t.tag === tag))
  if (!is || !had) throw notFound(rt, name)
  if (is.spec?.tags) is.spec.tags = is.spec.tags.filter((t: Obj) => t.name !== tag)
  store.update(isRt, is as KObject, opts)
  // status tags belong to the status subresource
  if (is.status?.tags) {
    const fresh = store.get(isRt, ns, stream) as Obj
    fresh.status.tags = fresh.status.tags.filter((t: Obj) => t.tag !== tag)
    store.update(isRt, fresh as KObject, {...opts, subresource: 'status'} as WriteOptions)
  }
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: {name, group: rt.group, kind: rt.plural},
  } as unknown as KObject
}

// -- users ---------------------------------------------------------------------------------------

export function currentUser(user: UserInfo): KObject {
  return {
    kind: 'User',
    apiVersion: 'user.openshift.io/v1',
    metadata: {name: user.username},
    identities: [],
    groups: user.groups.filter(g => !g.startsWith('system:')),
  }
}

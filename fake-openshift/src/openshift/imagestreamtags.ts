/**
 * ImageStreamTags, computed from an ImageStream's spec/status tags and the Image they point to, as
 * openshift-apiserver does; writes edit the stream's spec.tags.
 */
import {apiVersionOf} from '../registry.js'
import {notFound, qualifiedResource, type MemoryStore} from '../store.js'
import {ApiError, type KObject, type ResourceType, type WriteOptions} from '../types.js'

type Obj = Record<string, any>

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

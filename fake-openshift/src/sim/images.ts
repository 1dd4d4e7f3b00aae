/**
 * Images: the internal registry (what builds push), image stream imports and tags, `lookupPolicy.local`
 * resolution, the `image.openshift.io/triggers` annotation, whether a pull succeeds, and which profile
 * an image has.
 */
import type {KObject} from '../types.js'
import {INTERNAL_REGISTRY, type RegistryImage, type SimContext} from './context.js'
import {arr, clone, globMatch, isObj, nsOf, obj, type Obj, sha256Hex, spec, str} from './kube.js'
import {type ImageProfile, matchImageRule, normalizeImage} from './profiles.js'

const IMAGE_API = 'image.openshift.io/v1'

export interface TagImage {
  reference: string
  digest: string
}

/** The newest image of `is:tag` from the stream's status (status.tags[tag].items[0]). */
export function tagImage(
  ctx: SimContext,
  namespace: string,
  stream: string,
  tag: string,
): TagImage | undefined {
  const is = ctx.get(IMAGE_API, 'imagestreams', namespace, stream)
  if (!is) return undefined
  const t = arr(obj(is.status).tags).find(x => x.tag === tag)
  const item = arr(t?.items)[0]
  const reference = str(item?.dockerImageReference)
  const digest = str(item?.image)
  return reference && digest ? {reference, digest} : undefined
}

export function splitTag(name: string): [string, string] {
  const at = name.indexOf('@')
  if (at > 0) return [name.slice(0, at), name.slice(at + 1)]
  const i = name.lastIndexOf(':')
  return i > 0 ? [name.slice(0, i), name.slice(i + 1)] : [name, 'latest']
}

/**
 * The image policy admission plugin's local lookup: a container image `IS:TAG` (no registry, no
 * repository path) names the image stream IS in the pod's namespace when its `lookupPolicy.local` is
 * true; it is rewritten to the tag's pull spec when the tag has an image.
 */
export function resolveLocalName(ctx: SimContext, namespace: string, image: string): string | undefined {
  if (image.includes('/')) return undefined
  const [stream, tag] = splitTag(image)
  const is = ctx.get(IMAGE_API, 'imagestreams', namespace, stream)
  if (!is || obj(spec(is).lookupPolicy).local !== true) return undefined
  if (tag.startsWith('sha256:')) {
    const known = [...ctx.registry.values()].find(r => r.digest === tag)
    return known?.reference
  }
  return tagImage(ctx, namespace, stream, tag)?.reference
}

/** The digest an external reference resolves to: stable, so every pull and import of it agrees. */
export function externalDigest(normalized: string): string {
  return `sha256:${sha256Hex(normalized)}`
}

export type PullResult = {ok: true; profile: ImageProfile; imageID: string} | {ok: false; message: string}

function profileByName(ctx: SimContext, name: string): ImageProfile {
  return ctx.opts.profiles[name] ?? ctx.opts.profiles[ctx.opts.defaultProfile]
}

/** The profile of an external image reference by the image rules (then the default profile). */
export function profileForReference(ctx: SimContext, image: string, imageStreamTag?: string): ImageProfile {
  const name = matchImageRule(ctx.opts.imageRules, image, imageStreamTag) ?? ctx.opts.defaultProfile
  return profileByName(ctx, name)
}

function registryLookup(ctx: SimContext, ref: string): RegistryImage | undefined {
  const direct = ctx.registry.get(ref)
  if (direct) return direct
  // `registry/ns/is:tag` through the image stream
  const path = ref.slice(INTERNAL_REGISTRY.length + 1)
  const parts = path.split('/')
  if (parts.length !== 2) return undefined
  const [stream, tag] = splitTag(parts[1])
  const t = tagImage(ctx, parts[0], stream, tag)
  return t ? ctx.registry.get(t.reference) : undefined
}

/**
 * Whether the node can pull `image` (as CRI-O would report): internal-registry references must exist;
 * scenario globs can make any reference unpullable; a bare `NAME:TAG` that matches an image stream in the
 * namespace (lookup not enabled or no image yet) is pulled from docker.io/library and fails.
 */
export function pull(ctx: SimContext, namespace: string, image: string): PullResult {
  const normalized = normalizeImage(image)
  if (image.startsWith(`${INTERNAL_REGISTRY}/`)) {
    const known = registryLookup(ctx, image)
    if (!known) {
      const [repo, tag] = splitTag(image)
      return {
        ok: false,
        message: `rpc error: code = Unknown desc = reading manifest ${tag} in ${repo}: manifest unknown`,
      }
    }
    return {ok: true, profile: known.profile, imageID: known.reference}
  }
  const [repo, tag] = splitTag(normalized)
  const denied = `rpc error: code = Unknown desc = reading manifest ${tag} in ${repo}: requested access to the resource is denied`
  if (ctx.opts.unpullableImages.some(g => globMatch(g, image) || globMatch(g, normalized)))
    return {ok: false, message: denied}
  const known = ctx.registry.get(image) ?? ctx.registry.get(normalized)
  if (known) return {ok: true, profile: known.profile, imageID: known.reference}
  if (!image.includes('/')) {
    const [stream] = splitTag(image)
    if (ctx.get(IMAGE_API, 'imagestreams', namespace, stream)) return {ok: false, message: denied}
  }
  const profile = profileForReference(ctx, image)
  return {ok: true, profile, imageID: `${repo}@${externalDigest(normalized)}`}
}

/** Registers an image (build output or import) and writes its cluster-scoped Image object. */
export function registerImage(
  ctx: SimContext,
  reference: string,
  digest: string,
  profile: ImageProfile,
): RegistryImage {
  const img: RegistryImage = {digest, reference, profile, created: ctx.ts()}
  ctx.registry.set(reference, img)
  const rt = ctx.rt(IMAGE_API, 'images')
  if (rt && !ctx.store.get(rt, undefined, digest)) {
    ctx.store.create(rt, {
      apiVersion: IMAGE_API,
      kind: 'Image',
      metadata: {name: digest, annotations: {'image.openshift.io/dockerLayersOrder': 'ascending'}},
      dockerImageReference: reference,
      dockerImageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      dockerImageMetadata: {
        kind: 'DockerImage',
        apiVersion: '1.0',
        Id: digest,
        Created: img.created,
        Architecture: 'amd64',
        Size: 1_234_567_890,
        Config: {
          User: profile.user,
          Env: Object.entries(profile.env).map(([k, v]) => `${k}=${v}`),
          Cmd: profile.cmd,
          WorkingDir: profile.workingDir ?? '',
          ExposedPorts: Object.fromEntries(profile.exposedPorts.map(p => [p, {}])),
          Labels: profile.labels,
        },
      },
      dockerImageMetadataVersion: '1.0',
    })
  }
  return img
}

/** Puts an image at the head of `is:tag` (status.tags[tag].items) and sets dockerImageRepository. */
export function pushTag(ctx: SimContext, is: KObject, tag: string, img: RegistryImage): boolean {
  const after = clone(is)
  const st = obj(after.status)
  st.dockerImageRepository = `${INTERNAL_REGISTRY}/${nsOf(is)}/${is.metadata.name}`
  const tags = arr(st.tags)
  let t = tags.find(x => x.tag === tag)
  if (!t) {
    t = {tag, items: []}
    tags.push(t)
  }
  const items = arr(t.items)
  if (items[0]?.image === img.digest) return false
  items.unshift({
    created: img.created,
    dockerImageReference: img.reference,
    image: img.digest,
    generation: is.metadata.generation ?? 1,
  })
  t.items = items
  delete t.conditions
  st.tags = tags
  after.status = st
  return ctx.save(IMAGE_API, 'imagestreams', is, after)
}

/**
 * The image import controller: spec.tags with `from: {kind: DockerImage}` get an image in status when
 * the reference can be pulled, or an ImportSuccess=False condition; `from: ImageStreamTag` tags follow
 * the other tag.
 */
export function importImages(ctx: SimContext): boolean {
  let changed = false
  for (const is of ctx.list(IMAGE_API, 'imagestreams')) {
    for (const t of arr(spec(is).tags)) {
      const tag = str(t.name)
      const from = obj(t.from)
      if (!tag) continue
      const current = arr(arr(obj(is.status).tags).find(x => x.tag === tag)?.items)[0]
      const fresh = ctx.get(IMAGE_API, 'imagestreams', nsOf(is), is.metadata.name ?? '') ?? is
      if (from.kind === 'DockerImage' && str(from.name)) {
        const source = str(from.name) as string
        const normalized = normalizeImage(source)
        const [repo] = splitTag(normalized)
        if (current && str(current.dockerImageReference)?.startsWith(`${repo}@`)) continue
        if (ctx.opts.unpullableImages.some(g => globMatch(g, source) || globMatch(g, normalized))) {
          changed = setImportFailure(ctx, fresh, tag, source) || changed
          continue
        }
        const digest = externalDigest(normalized)
        const profile = profileForReference(ctx, source, `${nsOf(is)}/${is.metadata.name}:${tag}`)
        const img = registerImage(ctx, `${repo}@${digest}`, digest, profile)
        ctx.registry.set(normalized, img)
        changed = pushTag(ctx, fresh, tag, img) || changed
      } else if (from.kind === 'ImageStreamTag' && str(from.name)) {
        const [stream, srcTag] = splitTag(str(from.name) as string)
        const src = tagImage(ctx, str(from.namespace) ?? nsOf(is), stream, srcTag)
        const img = src && ctx.registry.get(src.reference)
        if (img && str(current?.image) !== img.digest) changed = pushTag(ctx, fresh, tag, img) || changed
      }
    }
  }
  return changed
}

function setImportFailure(ctx: SimContext, is: KObject, tag: string, source: string): boolean {
  const after = clone(is)
  const st = obj(after.status)
  const tags = arr(st.tags)
  let t = tags.find(x => x.tag === tag)
  if (!t) {
    t = {tag, items: null}
    tags.push(t)
  }
  t.conditions = [
    {
      type: 'ImportSuccess',
      status: 'False',
      reason: 'NotFound',
      message: `dockerimage.image.openshift.io "${source}" not found`,
      generation: is.metadata.generation ?? 1,
      lastTransitionTime: arr(t.conditions)[0]?.lastTransitionTime ?? ctx.ts(),
    },
  ]
  st.tags = tags
  after.status = st
  return ctx.save(IMAGE_API, 'imagestreams', is, after)
}

interface Trigger {
  from: {kind?: string; name?: string; namespace?: string}
  fieldPath?: string
  paused?: boolean
}

/** `spec.template.spec.containers[?(@.name=="notebook")].image` → the container list and a matcher. */
function triggerTarget(
  fieldPath: string,
): {list: 'containers' | 'initContainers'; match: (c: Obj, i: number) => boolean} | undefined {
  const byName =
    /^spec\.template\.spec\.(containers|initContainers)\[\?\(@\.name==["']([^"']+)["']\)\]\.image$/.exec(
      fieldPath,
    )
  if (byName) return {list: byName[1] as 'containers' | 'initContainers', match: c => c.name === byName[2]}
  const byIndex = /^spec\.template\.spec\.(containers|initContainers)\[(\d+)\]\.image$/.exec(fieldPath)
  if (byIndex)
    return {list: byIndex[1] as 'containers' | 'initContainers', match: (_c, i) => i === Number(byIndex[2])}
  return undefined
}

/**
 * The image trigger controller (openshift-controller-manager): for Deployments (and other templated
 * workloads) annotated with `image.openshift.io/triggers`, sets the container image to the tag's pull
 * spec when it differs; that spec change then rolls out.
 */
export function applyImageTriggers(ctx: SimContext): boolean {
  let changed = false
  for (const d of ctx.list('apps/v1', 'deployments')) {
    const text = d.metadata.annotations?.['image.openshift.io/triggers']
    if (!text) continue
    let triggers: Trigger[]
    try {
      const parsed: unknown = JSON.parse(text)
      triggers = Array.isArray(parsed) ? (parsed.filter(isObj) as unknown as Trigger[]) : []
    } catch {
      continue
    }
    const after = clone(d)
    for (const t of triggers) {
      if (t.paused || t.from?.kind !== 'ImageStreamTag' || !t.from.name || !t.fieldPath) continue
      const target = triggerTarget(t.fieldPath)
      if (!target) continue
      const [stream, tag] = splitTag(t.from.name)
      const img = tagImage(ctx, t.from.namespace ?? nsOf(d), stream, tag)
      if (!img) continue
      arr(obj(obj(spec(after).template).spec)[target.list]).forEach((c, i) => {
        if (target.match(c, i) && c.image !== img.reference) c.image = img.reference
      })
    }
    changed = ctx.save('apps/v1', 'deployments', d, after) || changed
  }
  return changed
}

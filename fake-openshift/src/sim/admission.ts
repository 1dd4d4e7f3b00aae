/**
 * Admission hooks the simulators register on the store: project annotations on namespaces, the
 * ServiceAccount and image-policy defaults on pods followed by SCC admission and then PodSecurity
 * admission (podsecurity.ts; also on Deployment and ReplicaSet templates, warnings only), generated route
 * hosts and the default StorageClass on PVCs. Each hook is a thin adapter over the pure logic in
 * uid.ts/scc.ts/podsecurity.ts.
 */
import {openshiftHas} from '../profiles/versions.js'
import {authorize, serviceAccountUser} from '../rbac.js'
import {
  type AdmissionHook,
  type AdmissionRequest,
  ApiError,
  type KObject,
  type Store,
  type UserInfo,
} from '../types.js'
import type {SimContext} from './context.js'
import {resolveLocalName} from './images.js'
import {arr, obj, type Obj, spec, str} from './kube.js'
import {admitPodSecurity, policyToEvaluate} from './podsecurity.js'
import {
  admitPod,
  listedFor,
  type NamespaceInfo,
  REQUIRED_SCC_ANNOTATION,
  SCC_ANNOTATION,
  type Scc,
  toScc,
} from './scc.js'
import {blockAnnotations, MCS_ANNOTATION, nextFreeBlock, UID_RANGE_ANNOTATION} from './uid.js'

function is(req: AdmissionRequest, group: string, plural: string): boolean {
  return req.rt.group === group && req.rt.plural === plural
}

/**
 * cluster-policy-controller: every new namespace gets a UID block, the same supplemental-groups block
 * and an MCS label (next free block, or the block a scenario pins), unless the scenario turns this off.
 */
export function namespaceAnnotations(ctx: SimContext, ns: KObject): KObject {
  const name = ns.metadata.name ?? ''
  const pin = ctx.opts.namespaces[name]
  const enabled = pin?.annotations ?? (pin?.uidStart !== undefined || ctx.opts.namespaceAnnotations)
  const annotations = {...(ns.metadata.annotations ?? {})}
  if (!enabled || annotations[UID_RANGE_ANNOTATION]) return ns
  const nsRt = ctx.mustRt('v1', 'namespaces')
  const used = ctx.store
    .list(nsRt)
    .map(n => n.metadata.annotations?.[UID_RANGE_ANNOTATION])
    .filter((a): a is string => typeof a === 'string')
  const start = pin?.uidStart ?? nextFreeBlock(used, ctx.opts.allocator)
  const assigned = blockAnnotations(start, ctx.opts.allocator)
  if (annotations[MCS_ANNOTATION]) delete assigned[MCS_ANNOTATION]
  return {...ns, metadata: {...ns.metadata, annotations: {...annotations, ...assigned}}}
}

export function namespaceInfo(store: Store, name: string): NamespaceInfo | undefined {
  const rt = store.resourceType('v1', 'namespaces') ?? store.resourceType('', 'namespaces')
  const ns = rt ? store.get(rt, undefined, name) : undefined
  return ns ? {name, annotations: {...(ns.metadata.annotations ?? {})}} : undefined
}

export function listSccs(store: Store): Scc[] {
  const rt =
    store.resourceType('security.openshift.io/v1', 'securitycontextconstraints') ??
    store.resourceType('security.openshift.io', 'securitycontextconstraints')
  return rt ? store.list(rt).map(o => toScc(o as unknown as Obj)) : []
}

/**
 * sccmatching.ConstraintAppliesTo for each subject: listed in the SCC's users/groups, or allowed the
 * `use` verb on `securitycontextconstraints/NAME` by RBAC in the pod's namespace.
 */
export function sccUsableBy(store: Store, namespace: string, subjects: UserInfo[]): (s: Scc) => boolean {
  return s =>
    subjects.some(
      u =>
        listedFor(s, u.username, u.groups) ||
        authorize(store, u, {
          verb: 'use',
          group: 'security.openshift.io',
          resource: 'securitycontextconstraints',
          name: s.name,
          namespace,
        }).allowed,
    )
}

/**
 * SCC admission for one pod: the requesting user or the pod's service account must be able to use the
 * SCC. Returns the admitted pod (mutated, annotated `openshift.io/scc`) or throws the 403 OpenShift
 * returns — named by generateName when the pod has one, as the real message is computed before the
 * name is generated.
 */
export function admitPodOrThrow(
  store: Store,
  pod: KObject,
  user: UserInfo | undefined,
  kubernetesMinor = 31,
): KObject {
  const namespace = pod.metadata.namespace ?? ''
  const info = namespaceInfo(store, namespace) ?? {name: namespace, annotations: {}}
  const sa = str(spec(pod).serviceAccountName) ?? 'default'
  const subjects = [...(user ? [user] : []), serviceAccountUser(namespace, sa)]
  const result = admitPod({
    pod: {metadata: pod.metadata as Obj, spec: spec(pod)},
    namespace: info,
    sccs: listSccs(store),
    usable: sccUsableBy(store, namespace, subjects),
    requiredScc: openshiftHas('requiredSccAnnotation', kubernetesMinor),
  })
  if (result.allowed)
    return {...pod, metadata: result.pod.metadata as KObject['metadata'], spec: result.pod.spec}
  const name = pod.metadata.generateName || pod.metadata.name || 'Unknown'
  throw new ApiError(403, 'Forbidden', `pods "${name}" is forbidden: ${result.message}`, {name, kind: 'pods'})
}

function defaultServiceAccount(pod: KObject): KObject {
  const s = {...spec(pod)}
  // the ServiceAccount admission plugin (and pod defaulting) fill both fields
  s.serviceAccountName = str(s.serviceAccountName) ?? str(s.serviceAccount) ?? 'default'
  s.serviceAccount = s.serviceAccountName
  return {...pod, spec: s}
}

function resolveImages(ctx: SimContext, pod: KObject): KObject {
  const s = structuredClone(spec(pod))
  const ns = pod.metadata.namespace ?? ''
  for (const list of ['initContainers', 'containers']) {
    for (const c of arr(s[list])) {
      const image = str(c.image)
      const resolved = image ? resolveLocalName(ctx, ns, image) : undefined
      if (resolved) c.image = resolved
    }
  }
  return {...pod, spec: s}
}

/** Namespaces at run-level 0/1 (the control plane's own) are exempt from SCC admission. */
function exempt(store: Store, namespace: string): boolean {
  const rt = store.resourceType('v1', 'namespaces')
  const ns = rt ? store.get(rt, undefined, namespace) : undefined
  const level = ns?.metadata.labels?.['openshift.io/run-level']
  return level === '0' || level === '1'
}

function generatedHost(ctx: SimContext, route: KObject): KObject {
  const s = {...spec(route)}
  if (str(s.host)) return route
  const name = route.metadata.name ?? ''
  s.host = `${name}-${route.metadata.namespace}.${ctx.opts.appsDomain}`
  return {
    ...route,
    metadata: {
      ...route.metadata,
      annotations: {...(route.metadata.annotations ?? {}), 'openshift.io/host.generated': 'true'},
    },
    spec: s,
  }
}

/** The DefaultStorageClass admission plugin: a claim without storageClassName gets the default class. */
function defaultStorageClass(ctx: SimContext, pvc: KObject): KObject {
  const s = spec(pvc)
  if ('storageClassName' in s && s.storageClassName !== undefined && s.storageClassName !== null) return pvc
  const def = ctx
    .list('storage.k8s.io/v1', 'storageclasses')
    .find(sc => sc.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true')
  if (!def) return pvc
  return {...pvc, spec: {...s, storageClassName: def.metadata.name}}
}

/**
 * PodSecurity admission (podsecurity.ts) on a pod as SCC admission left it, or on a Deployment's or
 * ReplicaSet's pod template: the namespace's labels over the cluster defaults; `enforce` (pods only)
 * rejects with 403, `warn` goes back to the client.
 */
function podSecurity(
  ctx: SimContext,
  store: Store,
  req: AdmissionRequest,
  object: KObject,
  isPod: boolean,
): void {
  const rt = store.resourceType('v1', 'namespaces')
  const ns = rt ? store.get(rt, undefined, object.metadata.namespace ?? '') : undefined
  const policy = policyToEvaluate(ns?.metadata.labels, ctx.opts.podSecurity.defaults)
  const all = [policy.enforce, policy.warn, policy.audit]
  // short-circuits of Admission.ValidatePod / ValidatePodController
  if (all.every(lv => lv.level === 'privileged')) return
  if (!isPod && policy.warn.level === 'privileged' && policy.audit.level === 'privileged') return
  const template = isPod
    ? object
    : ({
        metadata: obj(obj(spec(object).template).metadata),
        spec: obj(obj(spec(object).template).spec),
      } as unknown as KObject)
  const decision = admitPodSecurity(policy, obj(template.metadata), spec(template), isPod)
  if (decision.forbidden) {
    const name = object.metadata.name ?? ''
    throw new ApiError(403, 'Forbidden', `pods "${name}" is forbidden: ${decision.forbidden}`, {
      name,
      kind: 'pods',
    })
  }
  if (decision.warning) req.warn(decision.warning)
}

/** SCC admission refuses to change a pod's required SCC (4.14+): the template is where it changes. */
function requiredSccUnchanged(ctx: SimContext, req: AdmissionRequest): void {
  if (!openshiftHas('requiredSccAnnotation', ctx.opts.kubernetesMinor) || !req.old) return
  const now = req.object.metadata.annotations?.[REQUIRED_SCC_ANNOTATION]
  const before = req.old.metadata.annotations?.[REQUIRED_SCC_ANNOTATION]
  if (now === before) return
  const name = req.object.metadata.name ?? ''
  throw new ApiError(
    403,
    'Forbidden',
    `pods "${name}" is forbidden: invalid change of required security context constraint annotation: ${REQUIRED_SCC_ANNOTATION}`,
    {name, kind: 'pods'},
  )
}

const POD_CONTROLLERS = new Set(['apps/deployments', 'apps/replicasets'])

export function admissionHook(ctx: SimContext): AdmissionHook {
  return (req, store) => {
    if (POD_CONTROLLERS.has(`${req.rt.group}/${req.rt.plural}`) && req.operation !== 'DELETE') {
      podSecurity(ctx, store, req, req.object, false)
      return req.object
    }
    if (req.operation === 'UPDATE' && is(req, '', 'pods')) requiredSccUnchanged(ctx, req)
    if (req.operation !== 'CREATE') return req.object
    if (is(req, '', 'namespaces')) return namespaceAnnotations(ctx, req.object)
    if (is(req, '', 'pods')) {
      let pod = defaultServiceAccount(req.object)
      pod = resolveImages(ctx, pod)
      // a scenario may seed pods that were admitted before (they carry the annotation): keep them as they are
      if (pod.metadata.annotations?.[SCC_ANNOTATION] || exempt(store, pod.metadata.namespace ?? ''))
        return pod
      const admitted = admitPodOrThrow(store, pod, req.user, ctx.opts.kubernetesMinor)
      podSecurity(ctx, store, req, admitted, true)
      return admitted
    }
    if (is(req, 'route.openshift.io', 'routes')) return generatedHost(ctx, req.object)
    if (is(req, '', 'persistentvolumeclaims')) return defaultStorageClass(ctx, req.object)
    return req.object
  }
}

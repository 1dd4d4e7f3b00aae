/**
 * Volumes: the PV controller binding claims through a StorageClass (with the external CSI provisioner's
 * part folded in), the scheduler's volume binding for `WaitForFirstConsumer` classes, and the PVC
 * protection controller. The event reasons, types and texts are the controllers' own (sources below);
 * there are no PersistentVolume objects — a bound claim names the volume it would have.
 */
import type {KObject} from '../types.js'
import {NODE_NAME, type SimContext} from './context.js'
import {arr, clone, globMatch, nsOf, obj, spec, str} from './kube.js'

const SC_API = 'storage.k8s.io/v1'
const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class'
/** Set by the scheduler's VolumeBinding plugin on a delayed-binding claim (storagehelpers.AnnSelectedNode). */
export const SELECTED_NODE_ANNOTATION = 'volume.kubernetes.io/selected-node'
const PV_CONTROLLER = 'persistentvolume-controller'

/**
 * Event texts of kubernetes `pkg/controller/volume/persistentvolume/pv_controller.go` and of the
 * external provisioner (sig-storage-lib-external-provisioner `controller/controller.go`).
 */
export const VOLUME_EVENTS = {
  /** syncUnboundClaim, no class at all: type Normal */
  noClass: 'no persistent volumes available for this claim and no storage class is set',
  /** emitEventForUnboundDelayBindingClaim: no pod uses the claim yet */
  waitForFirstConsumer: 'waiting for first consumer to be created before binding',
  /** emitEventForUnboundDelayBindingClaim: pods use it but none is scheduled yet */
  waitForPodScheduled: (pods: string[]) =>
    pods.length > 1
      ? `waiting for pods ${pods.join(',')} to be scheduled`
      : `waiting for pod ${pods[0]} to be scheduled`,
  /** findProvisionablePlugin → classLister.Get: the lister's NotFound, as a Warning ProvisioningFailed */
  classNotFound: (cls: string) => `storageclass.storage.k8s.io "${cls}" not found`,
  /**
   * provisionClaimOperationExternal. The longer text replaced the older one after kubernetes#116821
   * (March 2023, after 1.27's code freeze): reports from 1.25 clusters show the old one, current source
   * the new one. First release with the new text taken to be 1.28.
   */
  externalProvisioning: (provisioner: string, minor: number) =>
    minor >= 28
      ? `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`
      : `waiting for a volume to be created, either by external provisioner "${provisioner}" or manually created by system administrator`,
  provisioning: (ns: string, claim: string) =>
    `External provisioner is provisioning volume for claim "${ns}/${claim}"`,
  provisioned: (volume: string) => `Successfully provisioned volume ${volume}`,
}

function defaultClass(ctx: SimContext): KObject | undefined {
  return ctx
    .list(SC_API, 'storageclasses')
    .find(sc => sc.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true')
}

/** The claim's class: `undefined` when it names none (absent or ""), `null` when the named one is missing. */
function classOf(ctx: SimContext, pvc: KObject): KObject | null | undefined {
  const name = str(spec(pvc).storageClassName)
  if (!name) return undefined
  return ctx.get(SC_API, 'storageclasses', undefined, name) ?? null
}

function delayedBinding(sc: KObject | null | undefined): boolean {
  return !!sc && sc.volumeBindingMode === 'WaitForFirstConsumer'
}

const reported = new WeakMap<SimContext, Set<string>>()

/**
 * Whether a claim's event is recorded for the first time. The PV controller re-syncs every claim (15 s);
 * an event each time would be a write each step, and in auto mode every write schedules the next step —
 * a busy loop that also runs rollout progress deadlines out in milliseconds. So each text is recorded once.
 */
function firstReport(ctx: SimContext, pvc: KObject, reason: string, message: string): boolean {
  const seen = reported.get(ctx) ?? new Set<string>()
  reported.set(ctx, seen)
  const key = `${pvc.metadata.uid}|${reason}|${message}`
  if (seen.has(key)) return false
  seen.add(key)
  return true
}

function reportOnce(
  ctx: SimContext,
  pvc: KObject,
  type: 'Normal' | 'Warning',
  reason: string,
  message: string,
  component = PV_CONTROLLER,
): void {
  if (firstReport(ctx, pvc, reason, message)) ctx.event(pvc, type, reason, message, component)
}

function usesClaim(pod: KObject, claim: string): boolean {
  return arr(spec(pod).volumes).some(v => obj(v.persistentVolumeClaim).claimName === claim)
}

function terminated(pod: KObject): boolean {
  return ['Succeeded', 'Failed'].includes(str(obj(pod.status).phase) ?? '')
}

/**
 * The PV controller over Pending claims, in syncUnboundClaim's order: a scenario behaviour keeps a claim
 * Pending; a claim without class gets the default one that appeared since it was created (retroactive
 * default StorageClass assignment, on by default from 1.26, GA in 1.28) or stays Pending with a Normal
 * `FailedBinding`; a missing class is a Warning `ProvisioningFailed`; a `WaitForFirstConsumer` class waits
 * (`WaitForFirstConsumer`, then `WaitForPodScheduled` once a pod uses the claim) until the scheduler
 * selects a node; otherwise the claim is handed to its external provisioner (`ExternalProvisioning`),
 * which provisions a volume of the requested size (`Provisioning`, `ProvisioningSucceeded`) and the claim
 * binds — in one step.
 */
export function pvcStep(ctx: SimContext): boolean {
  let changed = false
  for (const pvc of ctx.list('v1', 'persistentvolumeclaims')) {
    if (pvc.metadata.deletionTimestamp) {
      if (releaseProtection(ctx, pvc)) changed = true
      continue
    }
    if (obj(pvc.status).phase === 'Bound') continue
    if (syncUnboundClaim(ctx, pvc)) changed = true
  }
  return changed
}

function syncUnboundClaim(ctx: SimContext, pvc: KObject): boolean {
  const pending = (): boolean => {
    const after = clone(pvc)
    after.status = {...obj(after.status), phase: 'Pending'}
    return ctx.save('v1', 'persistentvolumeclaims', pvc, after)
  }
  const behaviour = ctx.opts.pvc.behaviours.find(
    b =>
      (!b.match.namespace || globMatch(b.match.namespace, nsOf(pvc))) &&
      (!b.match.name || globMatch(b.match.name, pvc.metadata.name ?? '')),
  )
  if (behaviour && behaviour.phase !== 'Bound') {
    const after = clone(pvc)
    after.status = {...obj(after.status), phase: behaviour.phase}
    const changed = ctx.save('v1', 'persistentvolumeclaims', pvc, after)
    if (behaviour.event) reportOnce(ctx, pvc, 'Warning', behaviour.event.reason, behaviour.event.message)
    return changed
  }
  const s = spec(pvc)
  if (s.storageClassName === undefined || s.storageClassName === null) {
    // assignDefaultStorageClass: only a claim that never named a class ("" opts out)
    const def = ctx.opts.kubernetesMinor >= 26 ? defaultClass(ctx) : undefined
    if (def) {
      const after = clone(pvc)
      spec(after).storageClassName = def.metadata.name
      return ctx.save('v1', 'persistentvolumeclaims', pvc, after)
    }
  }
  const sc = classOf(ctx, pvc)
  if (sc === undefined) {
    reportOnce(ctx, pvc, 'Normal', 'FailedBinding', VOLUME_EVENTS.noClass)
    return pending()
  }
  if (sc === null) {
    reportOnce(
      ctx,
      pvc,
      'Warning',
      'ProvisioningFailed',
      VOLUME_EVENTS.classNotFound(str(s.storageClassName)!),
    )
    return pending()
  }
  if (delayedBinding(sc) && !pvc.metadata.annotations?.[SELECTED_NODE_ANNOTATION]) {
    const waiting = ctx
      .list('v1', 'pods', nsOf(pvc))
      .filter(p => usesClaim(p, pvc.metadata.name ?? '') && !terminated(p) && !str(spec(p).nodeName))
      .map(p => p.metadata.name ?? '')
    if (waiting.length)
      reportOnce(ctx, pvc, 'Normal', 'WaitForPodScheduled', VOLUME_EVENTS.waitForPodScheduled(waiting))
    else reportOnce(ctx, pvc, 'Normal', 'WaitForFirstConsumer', VOLUME_EVENTS.waitForFirstConsumer)
    return pending()
  }
  return provision(ctx, pvc, sc)
}

/** provisionClaimOperationExternal, then the external provisioner's Provision and the PV controller's bind. */
function provision(ctx: SimContext, pvc: KObject, sc: KObject): boolean {
  const ns = nsOf(pvc)
  const claim = pvc.metadata.name ?? ''
  const provisioner = str(sc.provisioner) ?? 'kubernetes.io/no-provisioner'
  const volume = `pvc-${pvc.metadata.uid}`
  ctx.event(
    pvc,
    'Normal',
    'ExternalProvisioning',
    VOLUME_EVENTS.externalProvisioning(provisioner, ctx.opts.kubernetesMinor),
    PV_CONTROLLER,
  )
  ctx.event(pvc, 'Normal', 'Provisioning', VOLUME_EVENTS.provisioning(ns, claim), provisioner)
  ctx.event(pvc, 'Normal', 'ProvisioningSucceeded', VOLUME_EVENTS.provisioned(volume), provisioner)
  const after = clone(pvc)
  const s = spec(after)
  s.storageClassName = sc.metadata.name
  s.volumeName = volume
  s.volumeMode = str(s.volumeMode) ?? 'Filesystem'
  after.metadata.annotations = {
    ...(after.metadata.annotations ?? {}),
    'pv.kubernetes.io/bind-completed': 'yes',
    'pv.kubernetes.io/bound-by-controller': 'yes',
    'volume.beta.kubernetes.io/storage-provisioner': provisioner,
    'volume.kubernetes.io/storage-provisioner': provisioner,
  }
  after.metadata.finalizers = [...new Set([...(after.metadata.finalizers ?? []), PVC_PROTECTION])]
  after.status = {
    phase: 'Bound',
    accessModes: arr(s.accessModes).length ? s.accessModes : (s.accessModes ?? ['ReadWriteOnce']),
    capacity: {storage: str(obj(obj(s.resources).requests).storage) ?? '1Gi'},
  }
  return ctx.save('v1', 'persistentvolumeclaims', pvc, after)
}

/**
 * The scheduler's VolumeBinding plugin for one pod: `bound` when every claim it uses is Bound;
 * `binding` when the only unbound ones are of a `WaitForFirstConsumer` class — the scheduler picks the
 * node, writes it into the claims' `volume.kubernetes.io/selected-node` and waits for the bind (no
 * PodScheduled condition meanwhile); otherwise the FailedScheduling message.
 */
export function volumeBinding(
  ctx: SimContext,
  pod: KObject,
): {state: 'bound'} | {state: 'binding'} | {state: 'unschedulable'; message: string} {
  const preemption = 'preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.'
  const delayed: KObject[] = []
  for (const v of arr(spec(pod).volumes)) {
    const claim = str(obj(v.persistentVolumeClaim).claimName)
    if (!claim) continue
    const pvc = ctx.get('v1', 'persistentvolumeclaims', nsOf(pod), claim)
    if (!pvc)
      return {
        state: 'unschedulable',
        message: `0/1 nodes are available: persistentvolumeclaim "${claim}" not found. ${preemption}`,
      }
    if (obj(pvc.status).phase === 'Bound') continue
    if (delayedBinding(classOf(ctx, pvc))) {
      delayed.push(pvc)
      continue
    }
    return {
      state: 'unschedulable',
      message: `0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. ${preemption}`,
    }
  }
  if (delayed.length === 0) return {state: 'bound'}
  for (const pvc of delayed) {
    if (pvc.metadata.annotations?.[SELECTED_NODE_ANNOTATION]) continue
    const after = clone(pvc)
    after.metadata.annotations = {
      ...(after.metadata.annotations ?? {}),
      [SELECTED_NODE_ANNOTATION]: NODE_NAME,
    }
    ctx.save('v1', 'persistentvolumeclaims', pvc, after)
  }
  return {state: 'binding'}
}

const PVC_PROTECTION = 'kubernetes.io/pvc-protection'

/**
 * The PVC protection controller: a deleted claim keeps its `kubernetes.io/pvc-protection` finalizer
 * (Terminating) while a pod still uses it, and loses it — so the store removes the claim — once none
 * does.
 */
function releaseProtection(ctx: SimContext, pvc: KObject): boolean {
  if (!(pvc.metadata.finalizers ?? []).includes(PVC_PROTECTION)) return false
  const inUse = ctx
    .list('v1', 'pods', nsOf(pvc))
    .some(p => !terminated(p) && usesClaim(p, pvc.metadata.name ?? ''))
  if (inUse) return false
  const after = clone(pvc)
  after.metadata.finalizers = (pvc.metadata.finalizers ?? []).filter(f => f !== PVC_PROTECTION)
  return ctx.save('v1', 'persistentvolumeclaims', pvc, after)
}

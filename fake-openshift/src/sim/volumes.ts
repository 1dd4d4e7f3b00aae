/**
 * The PV controller binding claims through a StorageClass, and the PVC protection controller.
 */
import type {KObject} from '../types.js'
import type {SimContext} from './context.js'
import {arr, clone, globMatch, nsOf, obj, spec, str} from './kube.js'

function defaultClass(ctx: SimContext): KObject | undefined {
  return ctx
    .list('storage.k8s.io/v1', 'storageclasses')
    .find(sc => sc.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true')
}

const reported = new WeakMap<SimContext, Set<string>>()

/**
 * Whether a claim's failure is reported for the first time. The PV controller retries every step; an
 * event each time would be a write each step, and in auto mode every write schedules the next step — a
 * busy loop that also runs rollout progress deadlines out in milliseconds.
 */
function firstReport(ctx: SimContext, pvc: KObject, reason: string, message: string): boolean {
  const seen = reported.get(ctx) ?? new Set<string>()
  reported.set(ctx, seen)
  const key = `${pvc.metadata.uid}|${reason}|${message}`
  if (seen.has(key)) return false
  seen.add(key)
  return true
}

/**
 * Binds Pending claims: through their StorageClass (the one named, else the default), provisioning a
 * volume of the requested size; `WaitForFirstConsumer` classes wait for a pod using the claim; without
 * a class the claim stays Pending with `FailedBinding`. Scenario behaviours can keep a claim Pending.
 */
export function pvcStep(ctx: SimContext): boolean {
  let changed = false
  for (const pvc of ctx.list('v1', 'persistentvolumeclaims')) {
    if (pvc.metadata.deletionTimestamp) {
      if (releaseProtection(ctx, pvc)) changed = true
      continue
    }
    if (obj(pvc.status).phase === 'Bound') continue
    const behaviour = ctx.opts.pvc.behaviours.find(
      b =>
        (!b.match.namespace || globMatch(b.match.namespace, nsOf(pvc))) &&
        (!b.match.name || globMatch(b.match.name, pvc.metadata.name ?? '')),
    )
    const after = clone(pvc)
    const s = spec(after)
    if (behaviour && behaviour.phase !== 'Bound') {
      after.status = {...obj(after.status), phase: behaviour.phase}
      if (ctx.save('v1', 'persistentvolumeclaims', pvc, after)) changed = true
      if (behaviour.event && firstReport(ctx, pvc, behaviour.event.reason, behaviour.event.message))
        ctx.event(
          pvc,
          'Warning',
          behaviour.event.reason,
          behaviour.event.message,
          'persistentvolume-controller',
        )
      continue
    }
    const className = str(s.storageClassName)
    const sc = className
      ? ctx.get('storage.k8s.io/v1', 'storageclasses', undefined, className)
      : className === ''
        ? undefined
        : defaultClass(ctx)
    if (!sc) {
      const message =
        className === undefined || className === ''
          ? 'no persistent volumes available for this claim and no storage class is set'
          : `storageclass.storage.k8s.io "${className}" not found`
      const reason = className ? 'ProvisioningFailed' : 'FailedBinding'
      if (firstReport(ctx, pvc, reason, message))
        ctx.event(pvc, 'Warning', reason, message, 'persistentvolume-controller')
      after.status = {...obj(after.status), phase: 'Pending'}
      if (ctx.save('v1', 'persistentvolumeclaims', pvc, after)) changed = true
      continue
    }
    if (sc.volumeBindingMode === 'WaitForFirstConsumer') {
      const used = ctx
        .list('v1', 'pods', nsOf(pvc))
        .some(p =>
          arr(spec(p).volumes).some(v => obj(v.persistentVolumeClaim).claimName === pvc.metadata.name),
        )
      if (!used) {
        ctx.event(
          pvc,
          'Normal',
          'WaitForFirstConsumer',
          'waiting for first consumer to be created before binding',
          'persistentvolume-controller',
        )
        continue
      }
    }
    const volume = `pvc-${pvc.metadata.uid}`
    const provisioner = str(sc.provisioner) ?? 'kubernetes.io/no-provisioner'
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
    after.metadata.finalizers = [
      ...new Set([...(after.metadata.finalizers ?? []), 'kubernetes.io/pvc-protection']),
    ]
    after.status = {
      phase: 'Bound',
      accessModes: arr(s.accessModes).length ? s.accessModes : (s.accessModes ?? ['ReadWriteOnce']),
      capacity: {storage: str(obj(obj(s.resources).requests).storage) ?? '1Gi'},
    }
    ctx.event(
      pvc,
      'Normal',
      'Provisioning',
      `External provisioner is provisioning volume for claim "${nsOf(pvc)}/${pvc.metadata.name}"`,
      provisioner,
    )
    ctx.event(
      pvc,
      'Normal',
      'ProvisioningSucceeded',
      `Successfully provisioned volume ${volume}`,
      provisioner,
    )
    if (ctx.save('v1', 'persistentvolumeclaims', pvc, after)) changed = true
  }
  return changed
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
    .some(
      p =>
        !['Succeeded', 'Failed'].includes(str(obj(p.status).phase) ?? '') &&
        arr(spec(p).volumes).some(v => obj(v.persistentVolumeClaim).claimName === pvc.metadata.name),
    )
  if (inUse) return false
  const after = clone(pvc)
  after.metadata.finalizers = (pvc.metadata.finalizers ?? []).filter(f => f !== PVC_PROTECTION)
  return ctx.save('v1', 'persistentvolumeclaims', pvc, after)
}

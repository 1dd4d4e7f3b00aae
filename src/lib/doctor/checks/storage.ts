/**
 * Volumes (FACTS.md §What the recipe's oc commands create, §RBAC, storage and immutability): claims that
 * do not bind (but a `WaitForFirstConsumer` claim is Pending until a pod uses it — normal), a
 * ReadWriteOnce claim held by the old pod while a RollingUpdate's new pod waits on another node
 * (Multi-Attach: the rollout never finishes), and other mount failures.
 */
import type {KubeObject} from '../../cluster/index.js'
import {cause} from '../causes.js'
import {arr, nameOf, podTemplate, rec, str, strs} from '../obj.js'
import {claimsOf} from '../gather.js'
import type {Check, DoctorData} from '../types.js'
import {finding, inNs, instanceName, workloadOfPod, workloadRef} from './util.js'

const DEFAULT_SC = 'storageclass.kubernetes.io/is-default-class'
const MULTI_ATTACH = /Multi-Attach error/

const classOf = (d: DoctorData, name: string | undefined): KubeObject | undefined =>
  name === undefined ? undefined : d.storageClasses?.find(sc => nameOf(sc) === name)

/** The class a claim gets: its own, else the default one. */
function effectiveClass(d: DoctorData, pvc: KubeObject): KubeObject | undefined {
  const cls = str(rec(pvc.spec).storageClassName)
  return cls !== undefined
    ? classOf(d, cls)
    : d.storageClasses?.find(sc => (sc.metadata?.annotations ?? {})[DEFAULT_SC] === 'true')
}

export const pvcPending: Check<DoctorData> = {
  id: 'storage.pvc-pending',
  area: 'storage',
  title: 'Volume claims are bound',
  severity: 'error',
  reads:
    'PVC status.phase and storageClassName; events ProvisioningFailed/FailedBinding; StorageClasses (volumeBindingMode, default class)',
  fires:
    'a PVC is Pending: no default StorageClass, a missing class, or provisioning failed (not a WaitForFirstConsumer claim no pod uses yet: that is normal)',
  fix: 'Give the claim an existing StorageClass (a claim without one may be given one), or ask an administrator to set a default one.',
  needs: ['pvcs', 'storageClasses'],
  run(d) {
    return d.pvcs.flatMap(pvc => {
      if (rec(pvc.status).phase !== 'Pending') return []
      const name = nameOf(pvc)
      const cls = str(rec(pvc.spec).storageClassName)
      const events = d.events.filter(
        e =>
          rec(e.involvedObject).kind === 'PersistentVolumeClaim' &&
          rec(e.involvedObject).name === name &&
          ['ProvisioningFailed', 'FailedBinding'].includes(String(e.reason)),
      )
      const sc = effectiveClass(d, pvc)
      // WaitForFirstConsumer: Pending until a pod using it is scheduled; only a failure is a problem.
      if (
        str(sc?.volumeBindingMode) === 'WaitForFirstConsumer' &&
        !events.some(e => e.reason === 'ProvisioningFailed')
      )
        return []
      const evidence = events.slice(-2).map(e => `${String(e.reason)}: ${str(e.message) ?? ''}`)
      const classes = (d.storageClasses ?? []).map(nameOf)
      let why = 'it is not bound to a volume'
      let fix: string[] = [`oc describe pvc ${name} ${inNs(d)}`]
      const defaults = d.storageClasses?.filter(s => (s.metadata?.annotations ?? {})[DEFAULT_SC] === 'true')
      if (cls === undefined && defaults !== undefined && defaults.length === 0) {
        why = 'it names no StorageClass and the cluster has no default StorageClass'
        evidence.push(
          `storageClassName: (none); StorageClasses: ${classes.join(', ') || '(none)'}, none marked ${DEFAULT_SC}`,
        )
        // A claim without a class may be given one (retroactive default class assignment, Kubernetes 1.28+).
        fix =
          classes.length > 0
            ? [
                `oc patch pvc ${name} ${inNs(d)} --type=merge -p '{"spec":{"storageClassName":"${classes[0]}"}}'   # a claim without a class may be given one; classes here: ${classes.join(', ')}`,
              ]
            : [
                `oc get storageclass   # as a cluster administrator: create a StorageClass and mark it ${DEFAULT_SC}`,
              ]
      } else if (cls !== undefined && d.storageClasses !== undefined && !classOf(d, cls)) {
        why = `StorageClass ${cls} does not exist`
        evidence.push(`storageClassName: ${cls}; StorageClasses: ${classes.join(', ') || '(none)'}`)
        // storageClassName is immutable once set: the claim must be made again.
        fix =
          classes.length > 0
            ? [
                `oc delete pvc ${name} ${inNs(d)} && oc jupyter deploy ${instanceName(d)} --storage-class ${classes[0]} ${inNs(d)}   # storageClassName cannot change; the claim is empty (never bound)`,
              ]
            : [`oc get storageclass   # as a cluster administrator: create StorageClass ${cls}`]
      } else if (events.length > 0) {
        why = events.at(-1)?.reason === 'ProvisioningFailed' ? 'provisioning failed' : 'no volume matches it'
      }
      if (evidence.length === 0) evidence.push(`status.phase: Pending; storageClassName: ${cls ?? '(none)'}`)
      return [
        finding(
          this.id,
          this.severity,
          `PVC ${name} is Pending: ${why}; the notebook pod cannot be scheduled until it binds`,
          evidence,
          fix,
          pvc,
          {cause: cause.claim(name), root: true},
        ),
      ]
    })
  },
}

/** Multi-Attach events of current pods, by claim: the RWO volume is attached to another node's pod. */
function multiAttach(d: DoctorData): Array<{pod: KubeObject; claim: string; message: string}> {
  const out: Array<{pod: KubeObject; claim: string; message: string}> = []
  for (const p of d.pods) {
    const ev = d.events.filter(
      e =>
        e.reason === 'FailedAttachVolume' &&
        rec(e.involvedObject).name === nameOf(p) &&
        MULTI_ATTACH.test(str(e.message) ?? ''),
    )
    if (ev.length === 0) continue
    // A pod that runs now attached its volume after all (the event is from before).
    if (arr(rec(p.status).containerStatuses).some(c => rec(c.state).running !== undefined)) continue
    const rwo = claimsOf(rec(p.spec)).filter(c => {
      const pvc = d.pvcs.find(x => nameOf(x) === c)
      return pvc === undefined || strs(rec(pvc.spec).accessModes).includes('ReadWriteOnce')
    })
    out.push({pod: p, claim: rwo[0] ?? '?', message: str(ev.at(-1)?.message) ?? ''})
  }
  return out
}

const recreatePatch = (w: KubeObject, d: DoctorData) =>
  w.kind === 'DeploymentConfig'
    ? `oc patch ${workloadRef(w)} ${inNs(d)} --type=merge -p '{"spec":{"strategy":{"type":"Recreate"}}}'`
    : `oc patch ${workloadRef(w)} ${inNs(d)} --type=merge -p '{"spec":{"strategy":{"type":"Recreate","rollingUpdate":null}}}'`

const strategyOf = (w: KubeObject) =>
  str(rec(rec(w.spec).strategy).type) ?? (w.kind === 'DeploymentConfig' ? 'Rolling' : 'RollingUpdate')

export const multiAttachStuck: Check<DoctorData> = {
  id: 'storage.multi-attach',
  area: 'storage',
  title: 'ReadWriteOnce volumes attach',
  severity: 'error',
  reads:
    'Warning events FailedAttachVolume (Multi-Attach error) of current pods; Deployment strategy; PVC accessModes',
  fires:
    'a new pod cannot attach a ReadWriteOnce volume another pod still holds on another node: with RollingUpdate the old pod stays until the new one is ready, so the rollout never finishes',
  fix: 'Use the Recreate strategy (the old pod stops first); a stuck rollout then completes.',
  needs: ['events', 'pods'],
  run(d) {
    return multiAttach(d).map(m => {
      const w = workloadOfPod(d, nameOf(m.pod))
      const rolling = w !== undefined && strategyOf(w) !== 'Recreate'
      return finding(
        this.id,
        this.severity,
        `${nameOf(m.pod)} cannot attach claim ${m.claim}: it is ReadWriteOnce and still attached for the previous pod on another node${rolling ? `; ${workloadRef(w)} uses ${strategyOf(w)}, which keeps that pod until this one is ready — a deadlock` : ''}`,
        [
          `FailedAttachVolume: ${m.message}`,
          ...(w ? [`${workloadRef(w)}: spec.strategy.type: ${strategyOf(w)}`] : []),
        ],
        rolling && w ? recreatePatch(w, d) : `oc describe pod ${nameOf(m.pod)} ${inNs(d)}`,
        m.pod,
        {cause: cause.claim(m.claim), root: true},
      )
    })
  },
}

export const rwoRollingUpdate: Check<DoctorData> = {
  id: 'storage.rwo-rolling-update',
  area: 'storage',
  title: 'RWO volumes use the Recreate strategy',
  severity: 'warning',
  reads: 'Deployment spec.strategy (DeploymentConfig spec.strategy), pod template volumes, PVC accessModes',
  fires:
    'a ReadWriteOnce claim is mounted by a workload with the RollingUpdate (Rolling) strategy: the new pod can deadlock on Multi-Attach',
  fix: 'Use strategy Recreate.',
  needs: ['workloads', 'pvcs'],
  run(d) {
    const stuck = multiAttach(d)
    return d.workloads.flatMap(w => {
      const type = strategyOf(w)
      if (type === 'Recreate') return []
      const rwo = claimsOf(podTemplate(w).spec).filter(c => {
        const pvc = d.pvcs.find(p => nameOf(p) === c)
        return pvc !== undefined && strs(rec(pvc.spec).accessModes).includes('ReadWriteOnce')
      })
      if (rwo.length === 0) return []
      const hit = stuck.find(s => rwo.includes(s.claim))
      return [
        finding(
          this.id,
          this.severity,
          `${workloadRef(w)} mounts ReadWriteOnce ${rwo.join(', ')} with strategy ${type}: a rollout can hang on Multi-Attach`,
          [`spec.strategy.type: ${type}`, ...rwo.map(c => `PVC ${c}: accessModes [ReadWriteOnce]`)],
          recreatePatch(w, d),
          w,
          {cause: hit ? cause.claim(hit.claim) : cause.config(`strategy:${nameOf(w)}`)},
        ),
      ]
    })
  },
}

export const failedMount: Check<DoctorData> = {
  id: 'storage.failed-mount',
  area: 'storage',
  title: 'Volumes mount',
  severity: 'warning',
  reads: 'Warning events FailedMount / FailedAttachVolume on the current pods',
  fires: 'the kubelet cannot attach or mount a volume of a pod that is not running (other than Multi-Attach)',
  fix: 'Check the claim and the node.',
  needs: ['events', 'pods'],
  run(d) {
    return d.pods.flatMap(p => {
      if (rec(p.status).phase === 'Running') return []
      const ev = d.events.filter(
        e =>
          ['FailedMount', 'FailedAttachVolume'].includes(String(e.reason)) &&
          rec(e.involvedObject).name === nameOf(p) &&
          !MULTI_ATTACH.test(str(e.message) ?? ''),
      )
      if (ev.length === 0) return []
      const claim = claimsOf(rec(p.spec))[0]
      return [
        finding(
          this.id,
          this.severity,
          `${nameOf(p)} cannot mount its volumes`,
          ev.slice(-3).map(e => `${String(e.reason)}: ${str(e.message)}`),
          `oc describe pod ${nameOf(p)} ${inNs(d)}`,
          p,
          {cause: claim ? cause.claim(claim) : cause.start(nameOf(p), '')},
        ),
      ]
    })
  },
}

export const storageChecks = [pvcPending, multiAttachStuck, rwoRollingUpdate, failedMount]

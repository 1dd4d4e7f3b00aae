/** Volumes (FACTS.md §What the recipe's oc commands create): unbound claims and RWO + RollingUpdate. */
import {nameOf, podTemplate, rec, str, strs} from '../obj.js'
import {claimsOf} from '../gather.js'
import type {Check, DoctorData} from '../types.js'
import {finding, inNs, workloadRef} from './util.js'

const DEFAULT_SC = 'storageclass.kubernetes.io/is-default-class'

export const pvcPending: Check<DoctorData> = {
  id: 'storage.pvc-pending',
  area: 'storage',
  title: 'Volume claims are bound',
  severity: 'error',
  reads:
    'PVC status.phase and storageClassName; events ProvisioningFailed/FailedBinding; StorageClasses (when readable)',
  fires: 'a PVC is Pending: no default StorageClass, a missing class, or provisioning failed',
  fix: 'Name an existing StorageClass (`oc jupyter deploy --storage-class`), or ask an administrator to set a default one.',
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
      const evidence = events.slice(-3).map(e => `${String(e.reason)}: ${str(e.message) ?? ''}`)
      let why = 'it is not bound to a volume'
      const defaults = d.storageClasses?.filter(
        sc => rec(sc.metadata).annotations && (sc.metadata?.annotations ?? {})[DEFAULT_SC] === 'true',
      )
      if (cls === undefined && defaults !== undefined && defaults.length === 0) {
        why = 'it names no StorageClass and the cluster has no default StorageClass'
        evidence.push(
          `storageClassName: (none); StorageClasses: ${d.storageClasses?.map(nameOf).join(', ') || '(none)'}, none marked ${DEFAULT_SC}`,
        )
      } else if (
        cls !== undefined &&
        d.storageClasses !== undefined &&
        !d.storageClasses.some(sc => nameOf(sc) === cls)
      ) {
        why = `StorageClass ${cls} does not exist`
        evidence.push(
          `storageClassName: ${cls}; StorageClasses: ${d.storageClasses.map(nameOf).join(', ') || '(none)'}`,
        )
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
          [
            'oc get storageclass',
            `oc jupyter deploy ${d.name ?? 'notebook'} --storage-class CLASS ${inNs(d)}   # PVC storage class is immutable: delete the Pending PVC first (oc delete pvc ${name} ${inNs(d)})`,
          ],
          pvc,
        ),
      ]
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
  run(d) {
    return d.workloads.flatMap(w => {
      const type =
        str(rec(rec(w.spec).strategy).type) ?? (w.kind === 'DeploymentConfig' ? 'Rolling' : 'RollingUpdate')
      if (type === 'Recreate') return []
      const rwo = claimsOf(podTemplate(w).spec).filter(c => {
        const pvc = d.pvcs.find(p => nameOf(p) === c)
        return pvc !== undefined && strs(rec(pvc.spec).accessModes).includes('ReadWriteOnce')
      })
      if (rwo.length === 0) return []
      const patch =
        w.kind === 'DeploymentConfig'
          ? `oc patch ${workloadRef(w)} ${inNs(d)} --type=merge -p '{"spec":{"strategy":{"type":"Recreate"}}}'`
          : `oc patch ${workloadRef(w)} ${inNs(d)} --type=merge -p '{"spec":{"strategy":{"type":"Recreate","rollingUpdate":null}}}'`
      return [
        finding(
          this.id,
          this.severity,
          `${workloadRef(w)} mounts ReadWriteOnce ${rwo.join(', ')} with strategy ${type}: a rollout can hang on Multi-Attach`,
          [`spec.strategy.type: ${type}`, ...rwo.map(c => `PVC ${c}: accessModes [ReadWriteOnce]`)],
          patch,
          w,
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
  reads: 'Warning events FailedMount / FailedAttachVolume on the pods',
  fires: 'the kubelet cannot attach or mount a volume of a pod that is not running',
  fix: 'Check the claim and the node (Multi-Attach: another pod still holds the RWO volume).',
  run(d) {
    return d.pods.flatMap(p => {
      if (rec(p.status).phase === 'Running') return []
      const ev = d.events.filter(
        e =>
          ['FailedMount', 'FailedAttachVolume'].includes(String(e.reason)) &&
          rec(e.involvedObject).name === nameOf(p),
      )
      if (ev.length === 0) return []
      return [
        finding(
          this.id,
          this.severity,
          `${nameOf(p)} cannot mount its volumes`,
          ev.slice(-3).map(e => `${String(e.reason)}: ${str(e.message)}`),
          `oc describe pod ${nameOf(p)} ${inNs(d)}`,
          p,
        ),
      ]
    })
  },
}

export const storageChecks = [pvcPending, rwoRollingUpdate, failedMount]

import type {KubeObject} from '../../cluster/index.js'
import {nameOf, ocRef} from '../obj.js'
import type {DoctorData, Finding, Severity} from '../types.js'

/** `-n NS` suffix for every suggested command: the user may run it from another project. */
export const inNs = (d: DoctorData): string => `-n ${d.namespace}`

export const objectRef = (o: KubeObject): {kind: string; name: string} => ({
  kind: o.kind ?? '?',
  name: nameOf(o),
})

export const workloadRef = (o: KubeObject): string =>
  ocRef(o.kind === 'DeploymentConfig' ? 'dc' : (o.kind ?? 'deployment'), nameOf(o))

/** The instance name for `oc jupyter ...` suggestions. */
export const instanceName = (d: DoctorData): string =>
  d.name ?? nameOf(d.workloads[0] ?? {metadata: {name: 'notebook'}})

export function finding(
  checkId: string,
  severity: Severity,
  message: string,
  evidence: string[],
  remediation: string | string[],
  object?: KubeObject | {kind: string; name: string},
): Finding {
  const obj =
    object === undefined
      ? undefined
      : 'metadata' in object || !('name' in object)
        ? objectRef(object as KubeObject)
        : (object as {kind: string; name: string})
  return {
    checkId,
    severity,
    message,
    // the same event can be recorded twice (count not aggregated): one line each
    evidence: [...new Set(evidence)],
    remediation: Array.isArray(remediation) ? remediation.join('\n') : remediation,
    ...(obj ? {object: obj} : {}),
  }
}

/** Tolerant readers for the loosely typed objects the API returns (checks must never throw on odd input). */
import type {KubeObject} from '../cluster/index.js'

import {rec, type Rec} from '../cluster/obj.js'

export {arr, rec, str, strs, type Rec} from '../cluster/obj.js'
/** A number when present (doctor distinguishes "unset" from 0, e.g. runAsUser). */
export const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined)

export const nameOf = (o: KubeObject): string => o.metadata?.name ?? '?'
export const labelsOf = (o: KubeObject): Record<string, string> => o.metadata?.labels ?? {}
export const annotationsOf = (o: KubeObject): Record<string, string> => o.metadata?.annotations ?? {}

/** The pod template of a Deployment or DeploymentConfig. */
export function podTemplate(workload: KubeObject): {metadata: Rec; spec: Rec} {
  const t = rec(rec(workload.spec).template)
  return {metadata: rec(t.metadata), spec: rec(t.spec)}
}

/** Lines of text, without a trailing empty line. */
export function lines(text: string): string[] {
  const all = text.split('\n').map(l => (l.endsWith('\r') ? l.slice(0, -1) : l))
  if (all.at(-1) === '') all.pop()
  return all
}

/** `kind/name` the way oc prints it (deployment/notebook). */
export const ocRef = (kind: string, name: string): string => `${kind.toLowerCase()}/${name}`

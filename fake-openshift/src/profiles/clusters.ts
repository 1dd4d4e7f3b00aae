/**
 * Cluster profiles: an OpenShift release and the storage its clusters commonly come with. The release
 * fixes the Kubernetes minor the fake serves on /version (the machine's kubectl dispatcher picks
 * `kubectl.1.<minor>` from it, 1.27–1.33; an older server gets its default, 1.32) and, through
 * versions.ts, the rules that differ between releases.
 */
import {kubernetesMinorOf, OPENSHIFT_RULES, type OpenShiftRule} from './versions.js'

export interface ClusterProfile {
  name: string
  title: string
  /** OpenShift 4.<openshiftMinor> */
  openshiftMinor: number
  /** storage profile (storage.ts) of a fresh cluster */
  storage: string
}

export const CLUSTER_PROFILES: Record<string, ClusterProfile> = {
  'ocp-4.12': {
    name: 'ocp-4.12',
    title: 'OpenShift 4.12 (Kubernetes 1.25), an Immediate default StorageClass',
    openshiftMinor: 12,
    storage: 'standard',
  },
  'ocp-4.18': {
    name: 'ocp-4.18',
    title: 'OpenShift 4.18 (Kubernetes 1.31), an Immediate default StorageClass — the fake’s default',
    openshiftMinor: 18,
    storage: 'standard',
  },
  'ocp-4.20-aws': {
    name: 'ocp-4.20-aws',
    title: 'OpenShift 4.20 (Kubernetes 1.33) on AWS: default gp3-csi, WaitForFirstConsumer',
    openshiftMinor: 20,
    storage: 'aws-gp3-csi',
  },
}

/** The profile the fake runs when none is named (kubernetesMinor 31, as before profiles existed). */
export const DEFAULT_CLUSTER_PROFILE = 'ocp-4.18'

export function clusterProfile(name: string): ClusterProfile {
  const p = CLUSTER_PROFILES[name]
  if (!p)
    throw new Error(
      `fake-openshift: unknown cluster profile "${name}" (known: ${Object.keys(CLUSTER_PROFILES).join(', ')})`,
    )
  return p
}

/** What a profile's release does differently, one line per rule, for the sandbox banner and the README. */
export function profileSummary(p: ClusterProfile): string[] {
  const minor = p.openshiftMinor
  return (Object.keys(OPENSHIFT_RULES) as OpenShiftRule[]).map(
    r =>
      `${minor >= OPENSHIFT_RULES[r].since ? '+' : '-'} ${OPENSHIFT_RULES[r].what} (4.${OPENSHIFT_RULES[r].since}+)`,
  )
}

export {kubernetesMinorOf}

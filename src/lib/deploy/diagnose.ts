/**
 * Pure judgements used while a rollout is awaited: is a pod stuck for good (fail early instead of
 * waiting for --timeout), and does an event concern this notebook instance.
 */
import type {KubeObject} from '../cluster/index.js'

/** How many crash-loop restarts we watch before calling the rollout failed. */
export const CRASHLOOP_RESTARTS = 2

export interface StuckContainer {
  container: string
  reason: 'CrashLoopBackOff' | 'CreateContainerConfigError'
  message?: string
  restarts: number
}

interface ContainerStatus {
  name?: string
  restartCount?: number
  state?: {waiting?: {reason?: string; message?: string}}
}

/**
 * A container that will not start by waiting: CrashLoopBackOff after CRASHLOOP_RESTARTS restarts (the
 * image cannot run under the assigned UID), or CreateContainerConfigError about the image's user
 * (`runAsNonRoot and image will run as root`, `non-numeric user`). A missing Secret or ConfigMap is a
 * CreateContainerConfigError too, but it heals once the object exists, so it is not stuck.
 */
export function stuckContainer(pod: KubeObject): StuckContainer | undefined {
  if (pod.metadata?.deletionTimestamp) return undefined
  const statuses = ((pod.status as {containerStatuses?: ContainerStatus[]} | undefined)?.containerStatuses ??
    []) as ContainerStatus[]
  for (const cs of statuses) {
    const waiting = cs.state?.waiting
    const restarts = cs.restartCount ?? 0
    if (waiting?.reason === 'CrashLoopBackOff' && restarts >= CRASHLOOP_RESTARTS) {
      return {container: cs.name ?? '', reason: 'CrashLoopBackOff', message: waiting.message, restarts}
    }
    if (waiting?.reason === 'CreateContainerConfigError' && !/\bnot found\b/.test(waiting.message ?? '')) {
      return {
        container: cs.name ?? '',
        reason: 'CreateContainerConfigError',
        message: waiting.message,
        restarts,
      }
    }
  }
  return undefined
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * Whether an event's object belongs to notebook NAME: the workload and Route NAME, its ReplicaSets
 * (`NAME-<hash>`), ReplicationControllers and deployer pods (`NAME-<n>`, `NAME-<n>-deploy`), its pods
 * (known by label, or `NAME-<hash>-<suffix>`) and its claim NAME-data. Names of another instance
 * such as `NAME-lab` do not match the generated-name patterns (hashes have no dashes).
 */
export function eventConcerns(event: KubeObject, name: string, podNames: ReadonlySet<string>): boolean {
  const involved = (event as {involvedObject?: {kind?: string; name?: string}}).involvedObject
  const n = involved?.name ?? ''
  const e = escape(name)
  switch (involved?.kind) {
    case 'Deployment':
    case 'DeploymentConfig':
    case 'Route':
      return n === name
    case 'PersistentVolumeClaim':
      return n === `${name}-data`
    case 'ReplicaSet':
      return new RegExp(`^${e}-[a-z0-9]+$`).test(n)
    case 'ReplicationController':
      return new RegExp(`^${e}-\\d+$`).test(n)
    case 'Pod':
      return podNames.has(n) || new RegExp(`^${e}-([a-z0-9]+-[a-z0-9]{5}|\\d+-deploy)$`).test(n)
    default:
      return false
  }
}

/** `ReplicaSet/notebook-5c8d7f9b6 FailedCreate: Error creating: ...` — the message verbatim. */
export function formatEvent(event: KubeObject): string {
  const e = event as {involvedObject?: {kind?: string; name?: string}; reason?: string; message?: string}
  return `${e.involvedObject?.kind}/${e.involvedObject?.name} ${e.reason ?? ''}: ${e.message ?? ''}`
}

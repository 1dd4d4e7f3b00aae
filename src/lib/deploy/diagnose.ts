/**
 * Pure judgements used while a rollout is awaited: is a pod stuck for good (fail early instead of
 * waiting for --timeout), and does an event concern this notebook instance.
 */
import type {KubeObject} from '../cluster/index.js'
import {arr, rec, str} from '../cluster/obj.js'
import {CliError, ExitCode} from '../errors.js'
import {diagnoseCrash} from '../notebook/known-crashes.js'
import {PASSWORD_ENV} from '../render/deployment.js'

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

const SCC_REJECTION = /unable to validate against any security context constraint/

/**
 * A ReplicaFailure condition on the workload (the ReplicaSet could not create pods): `fatal` when SCC
 * admission rejected them — waiting cannot help until someone changes a grant or the template —
 * otherwise (quota, a missing service account) it may heal and is only shown.
 */
export function replicaFailure(workload: KubeObject): {message: string; fatal: boolean} | undefined {
  const c = arr(rec(workload.status).conditions).find(x => x.type === 'ReplicaFailure' && x.status === 'True')
  const message = str(c?.message)
  return message ? {message, fatal: SCC_REJECTION.test(message)} : undefined
}

/**
 * Whether `pod` belongs to the rollout being awaited, not to the one being replaced: a DeploymentConfig's
 * pods carry `deployment=NAME-<latestVersion>`; a Deployment's pod is owned by a ReplicaSet whose
 * revision annotation equals the Deployment's (once the controller has observed the spec).
 * `revisionOf` answers a ReplicaSet's revision (read by the caller).
 */
export function podOfCurrentRollout(
  pod: KubeObject,
  workload: KubeObject,
  name: string,
  deploymentConfig: boolean,
  revisionOf: (replicaSet: string) => string | undefined,
): boolean | 'ask' {
  const status = rec(workload.status)
  if (deploymentConfig) {
    const latest = status.latestVersion
    return typeof latest === 'number' && pod.metadata?.labels?.deployment === `${name}-${latest}`
  }
  const observed = typeof status.observedGeneration === 'number' ? status.observedGeneration : 0
  if (observed < (workload.metadata?.generation ?? 0)) return false
  const revision = workload.metadata?.annotations?.['deployment.kubernetes.io/revision']
  const owner = arr(rec(pod.metadata).ownerReferences).find(o => o.kind === 'ReplicaSet')
  const rs = str(owner?.name)
  if (!revision || !rs) return false
  const known = revisionOf(rs)
  return known === undefined ? 'ask' : known === revision
}

/**
 * The error that ends the wait for a stuck container: the waiting reason and, for a crash loop, the
 * crashed run's last lines; a known cause (known-crashes.ts) brings its explanation and fix, else the
 * doctor is the next step.
 */
export function stuckError(
  target: {name: string; namespace: string; deploymentConfig: boolean},
  pod: KubeObject,
  stuck: StuckContainer,
  lastLines: string[],
): CliError {
  const {name, namespace} = target
  const details = [
    `pod ${pod.metadata?.name ?? ''}, container ${stuck.container}: ${stuck.reason}${stuck.message ? `: ${stuck.message}` : ''}`,
  ]
  if (lastLines.length > 0) details.push('last log lines:', ...lastLines.map(l => `  ${l}`))
  const message = `notebook ${name} does not start: ${stuck.reason}`
  if (stuck.reason === 'CrashLoopBackOff') {
    const container = arr(rec(pod.spec).containers).find(c => c.name === stuck.container)
    const known = diagnoseCrash(lastLines, {
      workload: `${target.deploymentConfig ? 'dc' : 'deployment'}/${name}`,
      namespace,
      name,
      hasTokenEnv: arr(container?.env).some(e => e.name === PASSWORD_ENV),
    })
    if (known) {
      details.push(
        `cause: ${known.explanation}`,
        `  (${known.evidence})`,
        'fix:',
        ...known.remedies.map(r => `  ${r}`),
      )
      return new CliError(message, ExitCode.Failed, {details, hint: known.remedies.join(' && ')})
    }
  }
  return new CliError(message, ExitCode.Failed, {details, hint: `oc jupyter doctor ${name} -n ${namespace}`})
}

/** The serving pod's name, UID (as admitted) and SCC, for deploy's summary. */
export function podSummary(pod: KubeObject): {name: string; uid?: number; scc?: string} {
  const spec = rec(pod.spec)
  const containers = arr(spec.containers)
  const container = containers.find(c => c.name === 'notebook') ?? containers[0]
  const uid = rec(container?.securityContext).runAsUser ?? rec(spec.securityContext).runAsUser
  const scc = pod.metadata?.annotations?.['openshift.io/scc']
  return {
    name: pod.metadata?.name as string,
    ...(typeof uid === 'number' ? {uid} : {}),
    ...(scc ? {scc} : {}),
  }
}

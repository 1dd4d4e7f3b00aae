/**
 * Wait conditions as pure functions (kubectl's StatusViewer idea): object → done / waiting / failed,
 * with the message a person should see. No I/O; fed by wait.ts.
 */
import type {KubeObject} from './types.js'
import {arr, count, rec, str} from './obj.js'

export type JudgeState = 'done' | 'waiting' | 'failed'

export interface JudgeResult {
  state: JudgeState
  message: string
}

export type Judge = (obj: KubeObject) => JudgeResult

interface Condition {
  type?: string
  status?: string
  reason?: string
  message?: string
}

const done = (message: string): JudgeResult => ({state: 'done', message})
const waiting = (message: string): JudgeResult => ({state: 'waiting', message})
const failed = (message: string): JudgeResult => ({state: 'failed', message})

/** Go's %q for the names we print (DNS names need no escaping beyond JSON's). */
const q = (s: string | undefined): string => JSON.stringify(s ?? '')

function conditions(v: unknown): Condition[] {
  return Array.isArray(v) ? v.map(c => rec(c) as Condition) : []
}
function condition(status: Record<string, unknown>, type: string): Condition | undefined {
  return conditions(status.conditions).find(c => c.type === type)
}

/**
 * `kubectl rollout status deployment/NAME`, message for message (kubectl/pkg/polymorphichelpers/
 * rollout_status.go): observedGeneration first, then ProgressDeadlineExceeded, then updated, old and
 * available replica counts. `revision` pins the rollout like `--revision`.
 */
export function deploymentRolloutStatus(obj: KubeObject, revision?: number): JudgeResult {
  const name = obj.metadata?.name
  const spec = rec(obj.spec)
  const status = rec(obj.status)
  if (revision !== undefined && revision > 0) {
    const current = Number(obj.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? 0)
    if (current !== revision) {
      return failed(`desired revision (${revision}) is different from the running revision (${current})`)
    }
  }
  if (count(obj.metadata?.generation) <= count(status.observedGeneration)) {
    const progressing = condition(status, 'Progressing')
    if (progressing?.reason === 'ProgressDeadlineExceeded') {
      return failed(`deployment ${q(name)} exceeded its progress deadline`)
    }
    const updated = count(status.updatedReplicas)
    // kubectl skips this check when spec.replicas is unset (the server always defaults it).
    if (typeof spec.replicas === 'number' && updated < spec.replicas) {
      return waiting(
        `Waiting for deployment ${q(name)} rollout to finish: ${updated} out of ${spec.replicas} new replicas have been updated...`,
      )
    }
    const replicas = count(status.replicas)
    if (replicas > updated) {
      return waiting(
        `Waiting for deployment ${q(name)} rollout to finish: ${replicas - updated} old replicas are pending termination...`,
      )
    }
    const available = count(status.availableReplicas)
    if (available < updated) {
      return waiting(
        `Waiting for deployment ${q(name)} rollout to finish: ${available} of ${updated} updated replicas are available...`,
      )
    }
    return done(`deployment ${q(name)} successfully rolled out`)
  }
  return waiting('Waiting for deployment spec update to be observed...')
}

/**
 * `oc rollout status dc/NAME` (openshift/oc DeploymentConfigStatusViewer): latestVersion 0 waits on
 * an image (ImageChange trigger) or fails (no triggers); then Progressing reasons
 * NewReplicationControllerAvailable (done), ProgressDeadlineExceeded / RolloutCancelled /
 * DeploymentConfigPaused (failed), then replica counts; otherwise the controller has not caught up.
 */
export function deploymentConfigRolloutStatus(obj: KubeObject, revision?: number): JudgeResult {
  const name = obj.metadata?.name
  const spec = rec(obj.spec)
  const status = rec(obj.status)
  const latest = count(status.latestVersion)
  const triggers = Array.isArray(spec.triggers) ? spec.triggers.map(rec) : []
  if (latest === 0) {
    if (triggers.some(t => t.type === 'ImageChange')) {
      return waiting(`Deployment config ${q(name)} waiting on image update`)
    }
    if (triggers.length === 0) {
      return failed(`Deployment config ${q(name)} waiting on manual update (use 'oc rollout latest ${name}')`)
    }
  }
  if (revision !== undefined && revision > 0 && latest !== revision) {
    return failed(`desired revision (${revision}) is different from the running revision (${latest})`)
  }
  const progressing = condition(status, 'Progressing')
  if (count(obj.metadata?.generation) <= count(status.observedGeneration)) {
    switch (progressing?.reason) {
      case 'NewReplicationControllerAvailable':
        return done(progressing.message ?? `deployment config ${q(name)} successfully rolled out`)
      case 'ProgressDeadlineExceeded':
      case 'RolloutCancelled':
        return failed(progressing.message ?? `deployment config ${q(name)}: ${progressing.reason}`)
      case 'DeploymentConfigPaused':
        return failed(
          `Deployment config ${q(name)} is paused. Resume to continue watching the status of the rollout.`,
        )
    }
    const want = count(spec.replicas)
    const updated = count(status.updatedReplicas)
    const replicas = count(status.replicas)
    const available = count(status.availableReplicas)
    if (updated < want) {
      return waiting(
        `Waiting for rollout to finish: ${updated} out of ${want} new replicas have been updated...`,
      )
    }
    if (replicas > updated) {
      return waiting(
        `Waiting for rollout to finish: ${replicas - updated} old replicas are pending termination...`,
      )
    }
    if (available < updated) {
      return waiting(
        `Waiting for rollout to finish: ${available} of ${updated} updated replicas are available...`,
      )
    }
  }
  return waiting('Waiting for latest deployment config spec to be observed by the controller loop...')
}

/** Build phases (build.openshift.io/v1): New/Pending/Running wait; Complete done; Failed/Error/Cancelled fail. */
export function buildPhase(obj: KubeObject): JudgeResult {
  const name = obj.metadata?.name
  const status = rec(obj.status)
  const phase = str(status.phase) ?? 'New'
  const reason = str(status.reason)
  const message = str(status.message)
  const detail = `${reason ? ` (${reason})` : ''}${message ? `: ${message}` : ''}`
  switch (phase) {
    case 'Complete':
      return done(`build ${q(name)} completed`)
    case 'Failed':
    case 'Error':
    case 'Cancelled':
      return failed(`build ${q(name)} ${phase}${detail}`)
    default:
      // New, Pending, Running, and any phase a newer server may add.
      return waiting(`build ${q(name)} is ${phase}${detail}`)
  }
}

/**
 * Route admission: done when any router admitted it (status.ingress[].conditions Admitted=True), with
 * the host; failed when a router rejected it (HostAlreadyClaimed, ExtendedValidationFailed...) and
 * none admitted it; waiting while no router has answered.
 */
export function routeAdmitted(obj: KubeObject): JudgeResult {
  const name = obj.metadata?.name
  const ingress = Array.isArray(rec(obj.status).ingress)
    ? (rec(obj.status).ingress as unknown[]).map(rec)
    : []
  const admitted = ingress.find(i => condition(i, 'Admitted')?.status === 'True')
  if (admitted) {
    const host = str(admitted.host) ?? str(rec(obj.spec).host) ?? ''
    return done(`route ${q(name)} admitted${host ? ` as ${host}` : ''}`)
  }
  const rejected = ingress.find(i => condition(i, 'Admitted')?.status === 'False')
  if (rejected) {
    const c = condition(rejected, 'Admitted')
    const router = str(rejected.routerName)
    const why = [c?.reason, c?.message].filter(Boolean).join(': ')
    return failed(
      `route ${q(name)} was not admitted${router ? ` by router ${q(router)}` : ''}${why ? `: ${why}` : ''}`,
    )
  }
  return waiting(`Waiting for route ${q(name)} to be admitted by a router...`)
}

/**
 * An image stream tag has an image. Judges an ImageStream (status.tags[tag].items) — ImageStreamTags
 * cannot be watched — or an ImageStreamTag (image.dockerImageReference). A failed import
 * (ImportSuccess=False) with no image at all is a failure.
 */
export function imageStreamTagHasImage(tag = 'latest'): Judge {
  return obj => {
    if (obj.kind === 'ImageStreamTag') {
      const ref = str(rec(obj.image).dockerImageReference)
      return ref
        ? done(`image stream tag ${q(obj.metadata?.name)} has image ${ref}`)
        : waiting(`Waiting for image stream tag ${q(obj.metadata?.name)} to have an image...`)
    }
    const isTag = `${obj.metadata?.name ?? ''}:${tag}`
    const statusTags = rec(obj.status).tags
    const entry = (Array.isArray(statusTags) ? statusTags.map(rec) : []).find(t => t.tag === tag)
    const items = entry && Array.isArray(entry.items) ? entry.items.map(rec) : []
    const ref = str(items[0]?.dockerImageReference)
    if (items.length > 0)
      return done(`image stream tag ${q(isTag)} has image ${ref ?? str(items[0]?.image) ?? ''}`.trim())
    const importFailed = entry
      ? conditions(entry.conditions).find(c => c.type === 'ImportSuccess' && c.status === 'False')
      : undefined
    if (importFailed) {
      const why = [importFailed.reason, importFailed.message].filter(Boolean).join(': ')
      return failed(`import of image stream tag ${q(isTag)} failed${why ? `: ${why}` : ''}`)
    }
    return waiting(`Waiting for image stream tag ${q(isTag)} to have an image...`)
  }
}

/**
 * The import after a spec change has happened: the tag's newest image (or its failed-import
 * condition) carries at least the image stream's generation of that change.
 */
export function importCaughtUp(tag: string, generation: number): Judge {
  return is => {
    const name = `${is.metadata?.name ?? ''}:${tag}`
    const entry = arr(rec(is.status).tags).find(t => t.tag === tag)
    const head = arr(entry?.items)[0]
    if (head && count(head.generation) >= generation)
      return done(`image stream tag ${name} imported ${str(head.dockerImageReference) ?? ''}`.trim())
    const failedImport = arr(entry?.conditions).find(
      c => c.type === 'ImportSuccess' && c.status === 'False' && count(c.generation) >= generation,
    )
    if (failedImport)
      return failed(`import of ${name} failed: ${str(failedImport.message) ?? str(failedImport.reason)}`)
    return waiting(`waiting for the import of ${name}`)
  }
}

/**
 * Why a pod is not running yet, in one line, or undefined when nothing is wrong: the waiting reason of
 * the first container that has one (CrashLoopBackOff, CreateContainerConfigError, ImagePullBackOff...),
 * else an unschedulable/Pending condition. For progress lines while a rollout waits.
 */
export function podProblem(pod: KubeObject): string | undefined {
  const status = rec(pod.status)
  const all = [
    ...(Array.isArray(status.initContainerStatuses) ? status.initContainerStatuses : []),
    ...(Array.isArray(status.containerStatuses) ? status.containerStatuses : []),
  ].map(rec)
  for (const cs of all) {
    const w = rec(rec(cs.state).waiting)
    const reason = str(w.reason)
    if (reason && reason !== 'ContainerCreating' && reason !== 'PodInitializing') {
      const msg = str(w.message)
      const restarts = count(cs.restartCount)
      return `container ${q(str(cs.name))} ${reason}${restarts ? ` (${restarts} restarts)` : ''}${msg ? `: ${msg}` : ''}`
    }
  }
  const scheduled = condition(status, 'PodScheduled')
  if (scheduled?.status === 'False') {
    return `not scheduled${scheduled.reason ? ` (${scheduled.reason})` : ''}${scheduled.message ? `: ${scheduled.message}` : ''}`
  }
  if (str(status.phase) === 'Failed') return `pod failed${status.reason ? ` (${str(status.reason)})` : ''}`
  return undefined
}

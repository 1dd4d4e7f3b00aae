/**
 * Waiting for a notebook's rollout the way `kubectl rollout status` judges it (cluster/judges.ts),
 * while explaining why it is not done yet: the instance's pods are watched (waiting reasons, a crash
 * loop or a config error that cannot heal fails early with the log line and a doctor hint) and so are
 * the project's Warning events about the instance (FailedCreate from SCC admission, verbatim).
 */
import {
  deploymentConfigRolloutStatus,
  deploymentRolloutStatus,
  podProblem,
  resourcePath,
  tailLog,
  WaitFailedError,
  waitFor,
  WaitTimeoutError,
  type KubeClient,
  type KubeObject,
} from '../cluster/index.js'
import {arr, rec} from '../cluster/obj.js'
import {CliError, ExitCode} from '../errors.js'
import {diagnoseCrash} from '../notebook/known-crashes.js'
import {PASSWORD_ENV} from '../render/deployment.js'
import {instanceSelector} from '../render/labels.js'
import type {Ui} from '../ui/ui.js'
import {eventConcerns, formatEvent, stuckContainer, type StuckContainer} from './diagnose.js'
import {observeCollection} from './observe.js'

export interface RolloutContext {
  client: KubeClient
  namespace: string
  ui: Ui
  signal?: AbortSignal
}

export interface PodSummary {
  name: string
  uid?: number
  scc?: string
}

const SCC_REJECTION = /unable to validate against any security context constraint/

type Condition = {type?: string; status?: string; reason?: string; message?: string}
const conditions = (o: KubeObject | undefined): Condition[] =>
  (o?.status as {conditions?: Condition[]} | undefined)?.conditions ?? []

export interface EventFeed {
  /** resolves when the feed's starting point is set (its LIST is done): write after this */
  ready: Promise<void>
  /** replays the events seen so far, then calls back for each new one; returns the unsubscribe */
  subscribe(fn: (event: KubeObject) => void): () => void
}

/**
 * The project's Warning events from now on (ADDED/MODIFIED after the initial LIST), until `signal`
 * aborts. Started before deploy writes anything, so the events those writes cause — a claim that
 * cannot be provisioned, a ReplicaSet's FailedCreate — are all seen, and none of an earlier rollout.
 */
export function watchWarningEvents(client: KubeClient, namespace: string, signal: AbortSignal): EventFeed {
  const seen: KubeObject[] = []
  const listeners: Array<(event: KubeObject) => void> = []
  let listed: () => void = () => undefined
  const ready = new Promise<void>(resolve => (listed = resolve))
  void observeCollection(client, {
    onListed: () => listed(),
    path: resourcePath('Event', {namespace}),
    query: {fieldSelector: 'type=Warning'},
    signal,
    onEvent: ev => {
      if (ev.type === 'LISTED' || ev.type === 'DELETED') return
      seen.push(ev.object)
      for (const l of listeners) l(ev.object)
    },
  })
  return {
    ready,
    subscribe(fn) {
      listeners.push(fn)
      for (const e of seen) fn(e)
      return () => {
        const i = listeners.indexOf(fn)
        if (i >= 0) listeners.splice(i, 1)
      }
    },
  }
}

/**
 * Resolves with the serving pod's name, UID and SCC once the rollout is complete. Throws exit 1 for a
 * failed rollout (progress deadline, SCC rejection, a stuck pod) and exit 5 when `timeoutMs` passes,
 * each with the evidence seen so far.
 */
export async function waitRollout(
  ctx: RolloutContext,
  opts: {
    name: string
    deploymentConfig: boolean
    timeoutMs: number
    /** the user's --timeout, named in the message when timeoutMs is what was left of it */
    reportedTimeoutMs?: number
    /** Warning events watched since before the writes (see watchWarningEvents) */
    events?: EventFeed
  },
): Promise<PodSummary | undefined> {
  const {client, namespace, ui} = ctx
  const {name, deploymentConfig: dc} = opts
  const doctor = `oc jupyter doctor ${name} -n ${namespace}`
  const ctl = new AbortController()
  const onAbort = () => ctl.abort(ctx.signal?.reason)
  if (ctx.signal?.aborted) ctl.abort(ctx.signal.reason)
  ctx.signal?.addEventListener('abort', onAbort, {once: true})

  let fatal: CliError | undefined
  const fail = (error: CliError) => {
    if (fatal) return
    fatal = error
    ctl.abort()
  }

  // --- the workload: what the judge sees -----------------------------------------------------------
  let workload: KubeObject | undefined
  let shownFailure = ''
  const onWorkload = (obj: KubeObject) => {
    workload = obj
    // SCC admission rejections reach the workload as a ReplicaFailure condition (FailedCreate).
    const failure = conditions(obj).find(c => c.type === 'ReplicaFailure' && c.status === 'True')
    if (failure?.message && failure.message !== shownFailure) {
      shownFailure = failure.message
      if (SCC_REJECTION.test(failure.message)) {
        // Waiting cannot help until an administrator grants an SCC: fail with the message verbatim.
        fail(
          new CliError(`pods of ${name} are rejected by SCC admission (FailedCreate)`, ExitCode.Failed, {
            details: [failure.message],
            hint: doctor,
          }),
        )
      } else {
        // Quota, a missing service account...: may heal, so only shown.
        ui.warn(`FailedCreate: ${failure.message}`)
      }
    }
    for (const pod of pods.values()) examine(pod)
  }

  // --- pods ----------------------------------------------------------------------------------------
  const pods = new Map<string, KubeObject>()
  const shownProblem = new Map<string, string>()
  const rsRevision = new Map<string, Promise<string | undefined>>()
  /** Whether the pod belongs to the rollout being awaited (not to the one being replaced). */
  const isCurrent = async (pod: KubeObject): Promise<boolean> => {
    const w = workload
    if (!w) return false
    if (dc) {
      const latest = (w.status as {latestVersion?: number} | undefined)?.latestVersion
      return latest !== undefined && pod.metadata?.labels?.deployment === `${name}-${latest}`
    }
    const observed = (w.status as {observedGeneration?: number} | undefined)?.observedGeneration ?? 0
    if (observed < (w.metadata?.generation ?? 0)) return false
    const revision = w.metadata?.annotations?.['deployment.kubernetes.io/revision']
    const owners = (pod.metadata?.ownerReferences ?? []) as Array<{kind?: string; name?: string}>
    const owner = owners.find(o => o.kind === 'ReplicaSet')?.name
    if (!revision || !owner) return false
    if (!rsRevision.has(owner)) {
      rsRevision.set(
        owner,
        client
          .get<KubeObject>(resourcePath('ReplicaSet', {namespace, name: owner}), undefined, {
            signal: ctl.signal,
          })
          .then(rs => rs.metadata?.annotations?.['deployment.kubernetes.io/revision']),
      )
    }
    return (await rsRevision.get(owner)) === revision
  }
  let judging = false
  const examine = (pod: KubeObject) => {
    const podName = pod.metadata?.name ?? ''
    const problem = podProblem(pod)
    if (problem && shownProblem.get(podName) !== problem) ui.info(`  pod ${podName}: ${problem}`)
    if (problem) shownProblem.set(podName, problem)
    const stuck = stuckContainer(pod)
    if (!stuck || judging || fatal) return
    judging = true
    isCurrent(pod)
      .then(async current => {
        if (current) fail(await stuckError(pod, stuck))
      })
      .catch(() => undefined)
      .finally(() => (judging = false))
  }
  const stuckError = async (pod: KubeObject, stuck: StuckContainer): Promise<CliError> => {
    const podName = pod.metadata?.name ?? ''
    const details = [
      `pod ${podName}, container ${stuck.container}: ${stuck.reason}${stuck.message ? `: ${stuck.message}` : ''}`,
    ]
    if (stuck.reason === 'CrashLoopBackOff') {
      // The crashed run's output says why (Permission denied, getpwuid(): uid not found ...).
      const lines = await tailLog(
        client,
        resourcePath('Pod', {namespace, name: podName, subresource: 'log'}),
        5,
        {query: {container: stuck.container, previous: true}},
      ).catch(() => [] as string[])
      if (lines.length > 0) details.push('last log lines:', ...lines.map(l => `  ${l}`))
      const container = arr(rec(rec(pod.spec)).containers).find(c => c.name === stuck.container)
      const known = diagnoseCrash(lines, {
        workload: `${dc ? 'dc' : 'deployment'}/${name}`,
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
        return new CliError(`notebook ${name} does not start: ${stuck.reason}`, ExitCode.Failed, {
          details,
          hint: known.remedies.join(' && '),
        })
      }
    }
    return new CliError(`notebook ${name} does not start: ${stuck.reason}`, ExitCode.Failed, {
      details,
      hint: doctor,
    })
  }

  // --- events --------------------------------------------------------------------------------------
  const shownEvents = new Set<string>()
  const recentEvents: string[] = []

  const podObserver = observeCollection(client, {
    path: resourcePath('Pod', {namespace}),
    query: {labelSelector: instanceSelector(name)},
    signal: ctl.signal,
    onEvent: ev => {
      const podName = ev.object.metadata?.name ?? ''
      if (ev.type === 'DELETED' || ev.object.metadata?.deletionTimestamp) {
        pods.delete(podName)
        return
      }
      pods.set(podName, ev.object)
      examine(ev.object)
    },
    onGiveUp: e => ui.debug(`pod watch ended: ${String(e)}`),
  })
  const feed = opts.events ?? watchWarningEvents(client, namespace, ctl.signal)
  const unsubscribe = feed.subscribe(event => {
    if (!eventConcerns(event, name, new Set(pods.keys()))) return
    const line = formatEvent(event)
    if (shownEvents.has(line)) return
    shownEvents.add(line)
    recentEvents.push(line)
    ui.info(`  event ${line}`)
  })

  const rolloutJudge = dc ? deploymentConfigRolloutStatus : deploymentRolloutStatus
  try {
    await waitFor(client, {
      path: resourcePath(dc ? 'DeploymentConfig' : 'Deployment', {namespace}),
      name,
      judge: obj => {
        onWorkload(obj)
        return rolloutJudge(obj)
      },
      timeoutMs: opts.timeoutMs,
      reportedTimeoutMs: opts.reportedTimeoutMs,
      signal: ctl.signal,
      description: `${dc ? 'deployment config' : 'deployment'} "${name}" rollout`,
      hint: `oc jupyter status ${name} -n ${namespace}`,
      onUpdate: r => ui.info(r.message),
    })
  } catch (error) {
    if (fatal) throw fatal
    const evidence = [
      ...[...pods.keys()].flatMap(p => (shownProblem.has(p) ? [`pod ${p}: ${shownProblem.get(p)}`] : [])),
      ...recentEvents.slice(-3).map(e => `event ${e}`),
    ]
    if (error instanceof WaitTimeoutError) {
      throw new CliError(error.message, ExitCode.Timeout, {
        details: evidence,
        hint: `${error.hint ?? `oc jupyter status ${name} -n ${namespace}`}   # or: ${doctor}`,
      })
    }
    if (error instanceof WaitFailedError) {
      throw new CliError(error.message, ExitCode.Failed, {details: evidence, hint: doctor})
    }
    throw error
  } finally {
    ctl.abort()
    unsubscribe()
    ctx.signal?.removeEventListener('abort', onAbort)
    await podObserver
  }

  // The pod that serves now: its UID and SCC, for the summary.
  const running = [...pods.values()].filter(p => (p.status as {phase?: string})?.phase === 'Running')
  const pod =
    running.length > 0
      ? running[0]
      : (
          await client.list<KubeObject>(resourcePath('Pod', {namespace}), {
            labelSelector: instanceSelector(name),
          })
        ).items[0]
  if (!pod) return undefined
  const spec = pod.spec as
    | {
        securityContext?: {runAsUser?: number}
        containers?: Array<{name?: string; securityContext?: {runAsUser?: number}}>
      }
    | undefined
  const container = spec?.containers?.find(c => c.name === 'notebook') ?? spec?.containers?.[0]
  return {
    name: pod.metadata?.name as string,
    uid: container?.securityContext?.runAsUser ?? spec?.securityContext?.runAsUser,
    scc: pod.metadata?.annotations?.['openshift.io/scc'],
  }
}

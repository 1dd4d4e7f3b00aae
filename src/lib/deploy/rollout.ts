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
import {CliError, ExitCode} from '../errors.js'
import {instanceSelector} from '../render/labels.js'
import type {Ui} from '../ui/ui.js'
import {
  eventConcerns,
  formatEvent,
  podOfCurrentRollout,
  podSummary,
  replicaFailure,
  stuckContainer,
  stuckError,
} from './diagnose.js'
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
 * each with the evidence seen so far. The judging is pure (cluster/judges.ts for the workload,
 * diagnose.ts for pods, events and conditions); this is the loop that feeds it.
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
    /** after Ctrl-C: the command that waits again (default: the same deploy) and what was done */
    interrupt?: {again: string; done: string}
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

  // --- the workload ----------------------------------------------------------------------------------
  let workload: KubeObject | undefined
  let shownFailure = ''
  const onWorkload = (obj: KubeObject) => {
    workload = obj
    const failure = replicaFailure(obj)
    if (failure && failure.message !== shownFailure) {
      shownFailure = failure.message
      if (failure.fatal)
        fail(
          new CliError(`pods of ${name} are rejected by SCC admission (FailedCreate)`, ExitCode.Failed, {
            details: [failure.message],
            hint: doctor,
          }),
        )
      else ui.warn(`FailedCreate: ${failure.message}`)
    }
    for (const pod of pods.values()) examine(pod)
  }

  // --- pods ------------------------------------------------------------------------------------------
  const pods = new Map<string, KubeObject>()
  const shownProblem = new Map<string, string>()
  const rsRevision = new Map<string, string | undefined>()
  const isCurrent = async (pod: KubeObject): Promise<boolean> => {
    if (!workload) return false
    const answer = podOfCurrentRollout(pod, workload, name, dc, rs => rsRevision.get(rs))
    if (answer !== 'ask') return answer
    const owners = (pod.metadata?.ownerReferences ?? []) as Array<{kind?: string; name?: string}>
    const rs = owners.find(o => o.kind === 'ReplicaSet')?.name as string
    const read = await client.get<KubeObject>(resourcePath('ReplicaSet', {namespace, name: rs}), undefined, {
      signal: ctl.signal,
    })
    rsRevision.set(rs, read.metadata?.annotations?.['deployment.kubernetes.io/revision'])
    return podOfCurrentRollout(pod, workload, name, dc, r => rsRevision.get(r)) === true
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
        if (!current) return
        // The crashed run's output says why (Permission denied, getpwuid(): uid not found ...).
        const lines =
          stuck.reason === 'CrashLoopBackOff'
            ? await tailLog(client, resourcePath('Pod', {namespace, name: podName, subresource: 'log'}), 5, {
                query: {container: stuck.container, previous: true},
              }).catch(() => [] as string[])
            : []
        fail(stuckError({name, namespace, deploymentConfig: dc}, pod, stuck, lines))
      })
      .catch(() => undefined)
      .finally(() => (judging = false))
  }

  // --- events ------------------------------------------------------------------------------------------
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
      onUpdate: r => ui.progress(r.message),
    })
    ui.endProgress()
  } catch (error) {
    if (fatal) throw fatal
    if (ctx.signal?.aborted) throw interrupted(ctx.signal, name, namespace, opts.interrupt)
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
    running[0] ??
    (
      await client.list<KubeObject>(resourcePath('Pod', {namespace}), {
        labelSelector: instanceSelector(name),
      })
    ).items[0]
  return pod ? podSummary(pod) : undefined
}

/**
 * Ctrl-C (or SIGTERM) while the rollout is awaited: everything is applied, the cluster goes on rolling
 * out; a re-run of the same deploy changes nothing and waits again. The exit code is the signal's
 * (the base command's abort reason carries it).
 */
export function interrupted(
  signal: AbortSignal,
  name: string,
  namespace: string,
  what = {again: `oc jupyter deploy ${name} -n ${namespace}`, done: 'every object is applied'},
): CliError {
  const reason: unknown = signal.reason
  const exitCode = reason instanceof CliError ? reason.exitCode : ExitCode.Interrupted
  const why = reason instanceof CliError ? reason.message : 'interrupted'
  return new CliError(
    `${why} while waiting for the rollout of ${name}: ${what.done} and the rollout goes on in the cluster`,
    exitCode,
    {
      hint: `${what.again}   # changes nothing and waits again; or: oc jupyter status ${name} -n ${namespace}`,
    },
  )
}

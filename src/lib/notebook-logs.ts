/**
 * `oc jupyter logs`: the notebook container's log of the notebook's current pod (`--previous`: the
 * run before its last restart), or with `--build` the log of the last build of the image it runs.
 */
import type {Writable} from 'node:stream'
import {isNotFound, resourcePath, streamLog, type KubeClient, type KubeObject} from './cluster/index.js'
import {arr, count, rec, str} from './cluster/obj.js'
import {CliError, ExitCode} from './errors.js'
import {workloadImageStreamTag} from './instance.js'
import {podSelector, requireWorkload, type Workload} from './lifecycle.js'

export interface LogsOptions {
  name: string
  follow: boolean
  previous: boolean
  build: boolean
  container: string
  tail?: number
}

export interface LogsContext {
  client: KubeClient
  namespace: string
  out: Writable
  signal?: AbortSignal
  /** progress on stderr (which pod or build, a reconnect) */
  info: (line: string) => void
}

export async function printLogs(
  ctx: LogsContext,
  opts: LogsOptions,
): Promise<{source: string; lines: number}> {
  const w = await requireWorkload(ctx.client, ctx.namespace, opts.name, 'logs')
  return opts.build ? buildLogs(ctx, opts, w) : podLogs(ctx, opts, w)
}

/** The pod that serves now: Running and not terminating first, then the newest. */
export function currentPod(pods: readonly KubeObject[]): KubeObject | undefined {
  const live = pods.filter(p => !p.metadata?.deletionTimestamp)
  const newest = (a: KubeObject, b: KubeObject) =>
    String(b.metadata?.creationTimestamp ?? '').localeCompare(String(a.metadata?.creationTimestamp ?? ''))
  return (
    live.filter(p => str(rec(p.status).phase) === 'Running').sort(newest)[0] ??
    live.sort(newest)[0] ??
    [...pods].sort(newest)[0]
  )
}

async function podLogs(
  ctx: LogsContext,
  opts: LogsOptions,
  w: Workload,
): Promise<{source: string; lines: number}> {
  const {client, namespace} = ctx
  const selector = podSelector(w)
  const pods = await client.list<KubeObject>(resourcePath('Pod', {namespace}), {labelSelector: selector})
  const pod = currentPod(pods.items)
  if (!pod) {
    const stopped = count(rec(w.object.spec).replicas) === 0
    throw new CliError(
      stopped
        ? `notebook ${opts.name} is stopped: it has no pod, so no log`
        : `notebook ${opts.name} has no pod yet`,
      ExitCode.Failed,
      {
        hint: stopped
          ? `oc jupyter start ${opts.name} -n ${namespace}`
          : `oc jupyter status ${opts.name} -n ${namespace}`,
      },
    )
  }
  const podName = pod.metadata?.name as string
  const containers = arr(rec(pod.spec).containers).map(c => str(c.name) ?? '')
  if (!containers.includes(opts.container)) {
    throw new CliError(
      `pod ${podName} has no container ${opts.container}; its containers: ${containers.join(', ')}`,
      ExitCode.Usage,
      {hint: `oc jupyter logs ${opts.name} --container ${containers[0]} -n ${namespace}`},
    )
  }
  if (opts.previous) {
    const status = arr(rec(pod.status).containerStatuses).find(c => c.name === opts.container)
    if (count(status?.restartCount) === 0) {
      throw new CliError(
        `container ${opts.container} of pod ${podName} has not restarted: there is no previous run`,
        ExitCode.Failed,
        {hint: `oc jupyter logs ${opts.name} -n ${namespace}`},
      )
    }
  }
  const source = `pod/${podName} (container ${opts.container}${opts.previous ? ', previous run' : ''})`
  ctx.info(`Log of ${source}:`)
  const path = resourcePath('Pod', {namespace, name: podName, subresource: 'log'})
  const r = await streamLog(client, path, ctx.out, {
    follow: opts.follow && !opts.previous,
    signal: ctx.signal,
    query: {
      container: opts.container,
      ...(opts.previous ? {previous: true} : {}),
      ...(opts.tail === undefined ? {} : {tailLines: opts.tail}),
    },
    // A follow stream that ends while the pod still runs was cut (a proxy, a router): reconnect.
    isFinished: async () => {
      const now = await client
        .get<KubeObject>(resourcePath('Pod', {namespace, name: podName}))
        .catch((error: unknown) => (isNotFound(error) ? undefined : Promise.reject(error)))
      return !now || now.metadata?.deletionTimestamp !== undefined || str(rec(now.status).phase) !== 'Running'
    },
    onReconnect: why => ctx.info(`${why}; reconnecting`),
  })
  return {source, lines: r.lines}
}

async function buildLogs(
  ctx: LogsContext,
  opts: LogsOptions,
  w: Workload,
): Promise<{source: string; lines: number}> {
  const {client, namespace} = ctx
  const tag = workloadImageStreamTag(w.object)
  const stream = tag?.split(':')[0]
  const bc = stream
    ? await client.getIfExists<KubeObject>(resourcePath('BuildConfig', {namespace, name: stream}))
    : undefined
  if (!bc || !stream) {
    throw new CliError(
      `notebook ${opts.name} runs ${tag ? `image stream tag ${tag}` : 'an image'} that no BuildConfig in project ${namespace} builds`,
      ExitCode.Failed,
      {hint: `oc get builds -n ${namespace}`},
    )
  }
  const version = count(rec(bc.status).lastVersion)
  if (version === 0) {
    throw new CliError(`BuildConfig ${stream} has not built yet`, ExitCode.Failed, {
      hint: `oc jupyter build -n ${namespace}`,
    })
  }
  const build = `${stream}-${version}`
  ctx.info(`Log of build/${build}:`)
  const path = resourcePath('Build', {namespace, name: build, subresource: 'log'})
  const r = await streamLog(client, path, ctx.out, {
    follow: opts.follow,
    signal: ctx.signal,
    ...(opts.tail === undefined ? {} : {query: {tailLines: opts.tail}}),
    isFinished: async () => {
      const b = await client.getIfExists<KubeObject>(resourcePath('Build', {namespace, name: build}))
      return !b || ['Complete', 'Failed', 'Error', 'Cancelled'].includes(str(rec(b.status).phase) ?? '')
    },
    onReconnect: why => ctx.info(`${why}; reconnecting`),
  })
  return {source: `build/${build}`, lines: r.lines}
}

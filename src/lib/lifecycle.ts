/**
 * `oc jupyter stop` and `start`: a notebook's pods go and come back while its claim (the notebooks),
 * its Secret (the password) and every other object stay — the stop/start of OpenShift AI workbenches,
 * done the way `oc scale` does it (the workload's scale subresource), so nothing else of the object
 * changes and a re-run of deploy sees replicas 0 and keeps it stopped.
 */
import {isForbidden, isNotFound, resourcePath, type KubeClient, type KubeObject} from './cluster/index.js'
import {arr, count, rec, str} from './cluster/obj.js'
import {CliError, ExitCode} from './errors.js'
import {loginMode} from './instance.js'
import {noSuchNotebook} from './notebooks.js'
import {observeCollection} from './deploy/observe.js'
import {watchWarningEvents, type PodSummary} from './deploy/rollout.js'
import {waitServing} from './deploy/run.js'
import {passwordSecretName} from './render/secret.js'
import {oauthConfigSecretName} from './render/oauth.js'
import type {RunContext} from './run-context.js'

export type LifecycleContext = RunContext

export interface Workload {
  kind: 'Deployment' | 'DeploymentConfig'
  object: KubeObject
}

/**
 * The notebook's workload: Deployment NAME, else DeploymentConfig NAME. Neither → exit 1 naming the
 * notebooks that exist (`command` is the user's command, for the hint with the right name).
 */
export async function requireWorkload(
  client: KubeClient,
  namespace: string,
  name: string,
  command: string,
): Promise<Workload> {
  const deployment = await client.getIfExists<KubeObject>(resourcePath('Deployment', {namespace, name}))
  if (deployment) return {kind: 'Deployment', object: deployment}
  // Only when there is no Deployment: reading DeploymentConfigs draws a deprecation warning on 4.14+.
  const dc = await client
    .getIfExists<KubeObject>(resourcePath('DeploymentConfig', {namespace, name}), undefined, {
      quietWarnings: true,
    })
    .catch((error: unknown) => {
      if (isNotFound(error) || isForbidden(error)) return undefined
      throw error
    })
  if (dc) return {kind: 'DeploymentConfig', object: dc}
  throw await noSuchNotebook(client, namespace, name, command)
}

/** `spec.selector` of a Deployment (a LabelSelector) or DeploymentConfig (a plain map), as text. */
export function podSelector(w: Workload): string {
  const sel = rec(rec(w.object.spec).selector)
  const labels = w.kind === 'Deployment' ? rec(sel.matchLabels) : sel
  const parts = Object.entries(labels)
    .filter(([, v]) => typeof v === 'string')
    .map(([k, v]) => `${k}=${String(v)}`)
  if (w.kind === 'Deployment') {
    for (const e of arr(sel.matchExpressions)) {
      const key = str(e.key) ?? ''
      const values = (Array.isArray(e.values) ? e.values : []).map(String).join(',')
      const op = str(e.operator)
      if (op === 'In') parts.push(`${key} in (${values})`)
      else if (op === 'NotIn') parts.push(`${key} notin (${values})`)
      else if (op === 'Exists') parts.push(key)
      else if (op === 'DoesNotExist') parts.push(`!${key}`)
    }
  }
  return parts.join(',')
}

/** What the user keeps across a stop: the claim and the Secret people log in with. */
function keptObjects(name: string, w: Workload): string[] {
  const claims = arr(rec(rec(rec(w.object.spec).template).spec).volumes)
    .map(v => str(rec(v.persistentVolumeClaim).claimName))
    .filter((c): c is string => c !== undefined)
  const secret = loginMode(w.object) === 'openshift' ? oauthConfigSecretName(name) : passwordSecretName(name)
  return [...claims.map(c => `PersistentVolumeClaim/${c}`), `Secret/${secret}`]
}

async function scale(ctx: LifecycleContext, w: Workload, name: string, replicas: number): Promise<void> {
  await ctx.client.patch(
    resourcePath(w.kind, {namespace: ctx.namespace, name, subresource: 'scale'}),
    {spec: {replicas}},
    'merge',
    {dryRun: ctx.serverDryRun},
  )
}

export interface StopResult {
  name: string
  namespace: string
  kind: string
  /** `stopped`: scaled to 0 now; `already-stopped`: it was at 0 */
  action: 'stopped' | 'already-stopped'
  dryRun: boolean
  kept: string[]
  startCommand: string
}

/** Scales the workload to 0 and waits until its pods are gone (the quota they held is free then). */
export async function stopNotebook(ctx: LifecycleContext, name: string): Promise<StopResult> {
  const {client, namespace, ui} = ctx
  if (!ctx.serverDryRun) ui.expectWait()
  const w = await requireWorkload(client, namespace, name, 'stop')
  const result: StopResult = {
    name,
    namespace,
    kind: w.kind,
    action: 'stopped',
    dryRun: ctx.serverDryRun,
    kept: keptObjects(name, w),
    startCommand: `oc jupyter start ${name} -n ${namespace}`,
  }
  if (count(rec(w.object.spec).replicas) === 0) result.action = 'already-stopped'
  else {
    await scale(ctx, w, name, 0)
    ui.info(`${ui.c.green('✔')} Scaled ${w.kind}/${name} to 0${ctx.serverDryRun ? ' (server dry run)' : ''}`)
  }
  if (!ctx.serverDryRun) await waitPodsGone(ctx, name, podSelector(w))
  return result
}

/** Resolves once no pod of the selector is left (Terminating ones included), or throws at --timeout. */
async function waitPodsGone(ctx: LifecycleContext, name: string, selector: string): Promise<void> {
  const {client, namespace, ui} = ctx
  const pods = new Map<string, KubeObject>()
  const ctl = new AbortController()
  const onAbort = () => ctl.abort(ctx.signal?.reason)
  ctx.signal?.addEventListener('abort', onAbort, {once: true})
  let listed = false
  let told = false
  let done: () => void = () => undefined
  const gone = new Promise<void>(resolve => (done = resolve))
  const check = () => {
    if (!listed) return
    if (pods.size === 0) return done()
    if (!told) ui.progress(`Waiting for ${[...pods.keys()].join(', ')} to stop...`)
    told = true
  }
  const timer =
    ctx.timeoutMs > 0 ? setTimeout(() => ctl.abort(new Error('timeout')), ctx.timeoutMs) : undefined
  const observing = observeCollection(client, {
    path: resourcePath('Pod', {namespace}),
    query: {labelSelector: selector},
    signal: ctl.signal,
    onListed: () => {
      listed = true
      check()
    },
    onEvent: ev => {
      const pod = ev.object.metadata?.name ?? ''
      if (ev.type === 'DELETED') pods.delete(pod)
      else if (
        str(rec(ev.object.status).phase) !== 'Succeeded' &&
        str(rec(ev.object.status).phase) !== 'Failed'
      )
        pods.set(pod, ev.object)
      else pods.delete(pod)
      check()
    },
  })
  const aborted = new Promise<void>(resolve =>
    ctl.signal.addEventListener('abort', () => resolve(), {once: true}),
  )
  try {
    await Promise.race([gone, aborted, observing.then(() => aborted)])
    ui.endProgress()
    if (ctx.signal?.aborted) {
      throw new CliError(
        `${(ctx.signal.reason as Error)?.message ?? 'interrupted'} while waiting for the pods of ${name} to stop: the notebook is scaled to 0 and they stop in the cluster`,
        ctx.signal.reason instanceof CliError ? ctx.signal.reason.exitCode : ExitCode.Interrupted,
        {hint: `oc jupyter status ${name} -n ${namespace}`},
      )
    }
    if (pods.size > 0 || !listed) {
      throw new CliError(
        `timed out waiting for the pods of ${name} to stop: ${[...pods.keys()].join(', ') || 'unknown'} still there`,
        ExitCode.Timeout,
        {hint: `oc get pods -l ${selector} -n ${namespace}`},
      )
    }
  } finally {
    if (timer) clearTimeout(timer)
    ctl.abort()
    ctx.signal?.removeEventListener('abort', onAbort)
    await observing
  }
}

export interface StartResult {
  name: string
  namespace: string
  kind: string
  /** `started`: scaled from 0 to 1 now; `already-running`: replicas were already 1 or more */
  action: 'started' | 'already-running'
  dryRun: boolean
  url?: string
  pod?: PodSummary
  login: 'password' | 'openshift'
}

/** Scales a stopped workload to 1 and waits like deploy: the rollout, then the Route. */
export async function startNotebook(ctx: LifecycleContext, name: string): Promise<StartResult> {
  const {client, namespace, ui} = ctx
  if (!ctx.serverDryRun) ui.expectWait()
  const w = await requireWorkload(client, namespace, name, 'start')
  const running = count(rec(w.object.spec).replicas) > 0
  const result: StartResult = {
    name,
    namespace,
    kind: w.kind,
    action: running ? 'already-running' : 'started',
    dryRun: ctx.serverDryRun,
    login: loginMode(w.object),
  }
  if (ctx.serverDryRun) {
    if (!running) await scale(ctx, w, name, 1)
    return result
  }
  const deadline = ctx.timeoutMs > 0 ? Date.now() + ctx.timeoutMs : 0
  const remaining = () => (deadline === 0 ? 0 : Math.max(1, deadline - Date.now()))
  const watching = new AbortController()
  const onAbort = () => watching.abort()
  ctx.signal?.addEventListener('abort', onAbort, {once: true})
  try {
    // Warning events from before the scale on: the wait explains a pod that cannot start with them.
    const events = watchWarningEvents(client, namespace, watching.signal)
    await events.ready
    if (!running) {
      await scale(ctx, w, name, 1)
      ui.info(`${ui.c.green('✔')} Scaled ${w.kind}/${name} to 1`)
    } else
      ui.info(
        `Notebook ${name} is not stopped (${count(rec(w.object.spec).replicas)} replica); waiting until it serves`,
      )
    const serving = await waitServing(ctx, {
      name,
      deploymentConfig: w.kind === 'DeploymentConfig',
      events,
      remaining,
      interrupt: {again: `oc jupyter start ${name} -n ${namespace}`, done: 'the notebook is scaled to 1'},
    })
    if (serving.pod) result.pod = serving.pod
    if (serving.url) result.url = serving.url
    return result
  } finally {
    watching.abort()
    ctx.signal?.removeEventListener('abort', onAbort)
  }
}

export function formatStopResult(r: StopResult): string {
  const kept = `${r.kept.join(' and ')} ${r.kept.length > 1 ? 'are' : 'is'} kept`
  if (r.dryRun) return `Server dry run: ${r.kind}/${r.name} would be scaled to 0; ${kept}.`
  return [
    r.action === 'already-stopped'
      ? `Notebook ${r.name} was already stopped: no pods run; ${kept}.`
      : `Notebook ${r.name} is stopped: no pods run; ${kept}.`,
    `Start it again: ${r.startCommand}`,
  ].join('\n')
}

export function formatStartResult(r: StartResult): string {
  if (r.dryRun)
    return r.action === 'started'
      ? `Server dry run: ${r.kind}/${r.name} would be scaled to 1.`
      : `Server dry run: notebook ${r.name} is not stopped; nothing to do.`
  const lines = [`Notebook ${r.name} is running${r.url ? ` at ${r.url}` : ''}`]
  if (r.pod) lines.push(`  pod ${r.pod.name} runs as UID ${r.pod.uid ?? '?'} under SCC ${r.pod.scc ?? '?'}`)
  lines.push(
    r.login === 'openshift'
      ? 'Log in: open the URL and log in with your OpenShift account.'
      : `Log in with the same password as before: oc jupyter password ${r.name} -n ${r.namespace}`,
  )
  return lines.join('\n')
}

/**
 * `oc jupyter deploy` against a cluster:
 *   preflight (no writes) → anyuid removal → apply Secret, PVC, Service, Route, workload
 *   (concurrently) → wait for the rollout the way `kubectl rollout status` does, showing why a pod
 *   is not running → wait for the Route to be admitted → URL.
 */
import {
  applyObjects,
  createIfAbsent,
  deploymentConfigRolloutStatus,
  deploymentRolloutStatus,
  podProblem,
  requireApis,
  resourcePath,
  routeAdmitted,
  tailLog,
  WaitFailedError,
  waitFor,
  type ApplyResult,
  type KubeClient,
  type KubeObject,
  type RequiredApi,
} from '../cluster/index.js'
import {CliError, ExitCode, UsageError} from '../errors.js'
import {requireProject, requireUidRange, type UidBlock} from '../preflight.js'
import {instanceSelector} from '../render/labels.js'
import {renderNotebook} from '../render/notebook.js'
import {passwordSecretName, randomPassword, type PasswordGenerator} from '../render/secret.js'
import type {Ui} from '../ui/ui.js'
import type {DeployOptions} from '../values/deploy-options.js'
import {Quantity} from '../values/quantity.js'
import {removeAnyuid, type AnyuidOutcome} from './anyuid-apply.js'

export interface DeployRunContext {
  client: KubeClient
  namespace: string
  ui: Ui
  timeoutMs: number
  serverDryRun: boolean
  /** reads the new password for --password-from-stdin */
  readPassword: () => Promise<string>
  generatePassword?: PasswordGenerator
  signal?: AbortSignal
  /** runs `build` first for --build */
  runBuild?: () => Promise<unknown>
}

export interface DeployRunResult {
  name: string
  namespace: string
  dryRun: boolean
  uidRange: UidBlock
  objects: Array<{kind: string; name: string; action: string}>
  anyuid: AnyuidOutcome | {skipped: true}
  url?: string
  pod?: {name: string; uid?: number; scc?: string}
  passwordCommand: string
}

/** How many crash-loop restarts we watch before calling the rollout failed. */
const CRASHLOOP_RESTARTS = 2
const ACTION: Record<string, string> = {created: 'Created', configured: 'Configured', unchanged: 'Unchanged'}

export async function runDeploy(ctx: DeployRunContext, opts: DeployOptions): Promise<DeployRunResult> {
  const {client, namespace, ui} = ctx
  const dc = opts.workload === 'DeploymentConfig'

  // --- preflight: nothing is written before all of this passed -------------------------------
  const apis: RequiredApi[] = [
    {groupVersion: 'route.openshift.io/v1', plural: 'routes'},
    {groupVersion: 'image.openshift.io/v1', plural: 'imagestreams'},
  ]
  if (dc) apis.push({groupVersion: 'apps.openshift.io/v1', plural: 'deploymentconfigs'})
  await requireApis(client, apis)
  const project = await requireProject(client, namespace)
  const uidRange = requireUidRange(project)

  const claimPath = resourcePath('PersistentVolumeClaim', {namespace, name: `${opts.name}-data`})
  const workloadPath = resourcePath(dc ? 'DeploymentConfig' : 'Deployment', {namespace, name: opts.name})
  const secretPath = resourcePath('Secret', {namespace, name: passwordSecretName(opts.name)})
  const [claim, liveWorkload, secretExists] = await Promise.all([
    client.getIfExists<KubeObject>(claimPath),
    client.getIfExists<KubeObject>(workloadPath),
    secretPresent(client, secretPath),
  ])
  checkClaimSize(claim, opts)
  await requireImage(ctx, opts)

  // --- anyuid ---------------------------------------------------------------------------------
  let anyuid: DeployRunResult['anyuid'] = {skipped: true}
  if (!opts.keepAnyuid) {
    const outcome = await removeAnyuid(client, {
      namespace,
      serviceAccount: opts.serviceAccount,
      dryRun: ctx.serverDryRun,
    })
    for (const r of outcome.removed) ui.info(`${ui.c.green('✔')} anyuid: ${r}`)
    for (const w of outcome.warnings) ui.warn(`anyuid: ${w}`)
    if (outcome.adminCommand && outcome.warnings.length > 0)
      ui.warn(`an administrator can run: ${outcome.adminCommand}`)
    anyuid = outcome
  }

  // --- apply ----------------------------------------------------------------------------------
  const password =
    opts.password === 'stdin' ? await ctx.readPassword() : (ctx.generatePassword ?? randomPassword)()
  client.addSecrets(password)
  const objs = renderNotebook({...opts, namespace}, password)
  keepTriggeredImage(objs.workload, liveWorkload)
  const report = (r: ApplyResult) =>
    ui.info(
      `${ui.c.green('✔')} ${ACTION[r.action]} ${r.kind}/${r.name}${r.dryRun ? ' (server dry run)' : ''} ${ui.c.dim(`(${(r.durationMs / 1000).toFixed(1)}s)`)}`,
    )
  const writeSecret =
    opts.password === 'keep'
      ? secretExists
        ? Promise.resolve(unchangedSecret(opts.name, namespace, ctx.serverDryRun, report))
        : createIfAbsent(client, objs.secret, {dryRun: ctx.serverDryRun, namespace, onResult: report})
      : applyObjects(client, [objs.secret], {dryRun: ctx.serverDryRun, namespace, onResult: report}).then(
          r => r[0],
        )
  const [secretResult, rest] = await Promise.all([
    writeSecret,
    applyObjects(client, [objs.claim, objs.service, objs.route, objs.workload], {
      dryRun: ctx.serverDryRun,
      namespace,
      // Already read in preflight: no second GET for these two.
      known: new Map([
        [`PersistentVolumeClaim/${opts.name}-data`, claim],
        [`${objs.workload.kind}/${opts.name}`, liveWorkload],
      ]),
      concurrency: 4,
      onResult: report,
    }),
  ])
  const applied = [secretResult, ...rest]
  const result: DeployRunResult = {
    name: opts.name,
    namespace,
    dryRun: ctx.serverDryRun,
    uidRange,
    objects: applied.map(a => ({kind: a.kind, name: a.name, action: a.action})),
    anyuid,
    passwordCommand: `oc jupyter password ${opts.name} -n ${namespace}`,
  }
  if (ctx.serverDryRun) return result
  if (applied.every(a => a.action === 'unchanged')) ui.info('Nothing changed.')

  // --- wait -----------------------------------------------------------------------------------
  const deadline = ctx.timeoutMs > 0 ? Date.now() + ctx.timeoutMs : 0
  const remaining = () => (deadline === 0 ? 0 : Math.max(1, deadline - Date.now()))
  result.pod = await waitRollout(ctx, opts, remaining())
  const route = await waitFor(client, {
    path: resourcePath('Route', {namespace}),
    name: opts.name,
    judge: routeAdmitted,
    timeoutMs: remaining(),
    signal: ctx.signal,
    description: `route "${opts.name}"`,
    onUpdate: r => ui.info(r.message),
  })
  const host = routeHost(route.object)
  if (host) result.url = `https://${host}`
  return result
}

/** Whether the password Secret exists. Its value is registered for redaction, never shown. */
async function secretPresent(client: KubeClient, path: string): Promise<boolean> {
  const found = await client.getIfExists<KubeObject>(path, undefined)
  if (found)
    client.addSecrets(
      ...Object.values((found.data as Record<string, string>) ?? {}).map(v =>
        Buffer.from(v, 'base64').toString('utf8'),
      ),
    )
  return found !== undefined
}

function unchangedSecret(
  name: string,
  namespace: string,
  dryRun: boolean,
  report: (r: ApplyResult) => void,
): ApplyResult {
  const r: ApplyResult = {
    kind: 'Secret',
    name: passwordSecretName(name),
    namespace,
    action: 'unchanged',
    dryRun,
    durationMs: 0,
  }
  report(r)
  return r
}

/** SPEC: a PVC is never shrunk. Refused before any write (exit 2). */
function checkClaimSize(claim: KubeObject | undefined, opts: DeployOptions): void {
  const current = (claim?.spec as {resources?: {requests?: {storage?: string}}} | undefined)?.resources
    ?.requests?.storage
  if (!claim || current === undefined) return
  const existing = Quantity.tryParse(current)
  if (!existing) return
  if (opts.volumeQuantity.compare(existing) < 0) {
    throw new UsageError(
      `--volume-size ${opts.volumeSize} is smaller than the existing claim ${claim.metadata?.name} (${current}): a volume is never shrunk`,
      {hint: `oc jupyter deploy ${opts.name} --volume-size ${current}`},
    )
  }
}

/** The image stream tag to deploy must have an image, unless --build makes one first. */
async function requireImage(ctx: DeployRunContext, opts: DeployOptions): Promise<void> {
  const [stream, tag] = opts.image.split(':')
  const has = async () => {
    const is = await ctx.client.getIfExists<KubeObject>(
      resourcePath('ImageStream', {namespace: ctx.namespace, name: stream}),
    )
    const tags = (is?.status as {tags?: Array<{tag?: string; items?: unknown[]}>} | undefined)?.tags ?? []
    return tags.some(t => t.tag === tag && (t.items?.length ?? 0) > 0)
  }
  if (await has()) return
  if (ctx.runBuild && !ctx.serverDryRun) {
    ctx.ui.info(`Image stream tag ${opts.image} has no image yet: building it first (--build).`)
    await ctx.runBuild()
    if (await has()) return
  }
  throw new CliError(
    `image stream tag ${opts.image} has no image in project ${ctx.namespace}`,
    ExitCode.Failed,
    {
      hint: `oc jupyter build -n ${ctx.namespace}   # or: oc jupyter deploy ${opts.name} --build -n ${ctx.namespace}`,
    },
  )
}

/**
 * The image trigger (image.openshift.io/triggers) rewrites the container image to the resolved
 * `registry/ns/is@sha256:...`. Re-applying `IS:TAG` would take the field back and roll out again on
 * every deploy, so a re-run keeps the image the trigger set (same value → no change, no new ReplicaSet).
 */
function keepTriggeredImage(workload: object, live: KubeObject | undefined): void {
  if (!live) return
  type C = {name?: string; image?: string}
  const containers = (o: unknown) =>
    (o as {spec?: {template?: {spec?: {containers?: C[]}}}})?.spec?.template?.spec?.containers ?? []
  const liveImage = containers(live).find(c => c.name === 'notebook')?.image
  const ours = containers(workload).find(c => c.name === 'notebook')
  if (ours && liveImage && liveImage.includes('@sha256:')) ours.image = liveImage
}

function routeHost(route: KubeObject): string | undefined {
  const ingress =
    (
      route.status as
        {ingress?: Array<{host?: string; conditions?: Array<{type?: string; status?: string}>}>} | undefined
    )?.ingress ?? []
  const admitted = ingress.find(i => i.conditions?.some(c => c.type === 'Admitted' && c.status === 'True'))
  return admitted?.host ?? (route.spec as {host?: string} | undefined)?.host
}

interface PodSummary {
  name: string
  uid?: number
  scc?: string
}

/**
 * Waits for the rollout with kubectl's rules, and meanwhile watches the instance's pods: their
 * waiting reasons and SCC admission failures are shown as they happen; a crash loop or a config
 * error that cannot heal by waiting fails the deploy early (exit 1) with the log line and a doctor hint.
 */
async function waitRollout(
  ctx: DeployRunContext,
  opts: DeployOptions,
  timeoutMs: number,
): Promise<PodSummary | undefined> {
  const {client, namespace, ui} = ctx
  const dc = opts.workload === 'DeploymentConfig'
  const ctl = new AbortController()
  const onAbort = () => ctl.abort(ctx.signal?.reason)
  ctx.signal?.addEventListener('abort', onAbort, {once: true})
  let shownFailure = ''
  let fatal: CliError | undefined

  const podsPath = resourcePath('Pod', {namespace})
  const selector = instanceSelector(opts.name)
  const inspectPods = async () => {
    const pods = (await client.list<KubeObject>(podsPath, {labelSelector: selector}, {signal: ctl.signal}))
      .items
    for (const pod of pods) {
      if (pod.metadata?.deletionTimestamp) continue
      const problem = podProblem(pod)
      if (problem) ui.info(`  pod ${pod.metadata?.name}: ${problem}`)
      const stuck = await podIsStuck(pod)
      if (stuck) {
        fatal = stuck
        ctl.abort()
        return
      }
    }
  }
  const podIsStuck = async (pod: KubeObject): Promise<CliError | undefined> => {
    type CS = {name?: string; restartCount?: number; state?: {waiting?: {reason?: string; message?: string}}}
    const statuses = ((pod.status as {containerStatuses?: CS[]} | undefined)?.containerStatuses ?? []) as CS[]
    for (const cs of statuses) {
      const reason = cs.state?.waiting?.reason
      const crash = reason === 'CrashLoopBackOff' && (cs.restartCount ?? 0) >= CRASHLOOP_RESTARTS
      if (!crash && reason !== 'CreateContainerConfigError') continue
      const podName = pod.metadata?.name as string
      const details = [
        `pod ${podName}, container ${cs.name}: ${reason}${cs.state?.waiting?.message ? `: ${cs.state.waiting.message}` : ''}`,
      ]
      if (crash) {
        const lines = await tailLog(
          client,
          resourcePath('Pod', {namespace, name: podName, subresource: 'log'}),
          5,
          {
            query: {container: cs.name, previous: true},
          },
        ).catch(() => [] as string[])
        if (lines.length > 0) details.push('last log lines:', ...lines.map(l => `  ${l}`))
      }
      return new CliError(`notebook ${opts.name} does not start: ${reason}`, ExitCode.Failed, {
        details,
        hint: `oc jupyter doctor ${opts.name} -n ${namespace}`,
      })
    }
    return undefined
  }

  try {
    const outcome = await waitFor(client, {
      path: resourcePath(dc ? 'DeploymentConfig' : 'Deployment', {namespace}),
      name: opts.name,
      judge: obj => (dc ? deploymentConfigRolloutStatus(obj) : deploymentRolloutStatus(obj)),
      timeoutMs,
      signal: ctl.signal,
      description: `${dc ? 'deployment config' : 'deployment'} "${opts.name}" rollout`,
      hint: `oc jupyter status ${opts.name} -n ${namespace}`,
      onUpdate: (r, obj) => {
        ui.info(r.message)
        // SCC admission failures surface as ReplicaFailure (FailedCreate), verbatim.
        const failure = (
          (obj?.status as {conditions?: Array<{type?: string; status?: string; message?: string}>})
            ?.conditions ?? []
        ).find(c => c.type === 'ReplicaFailure' && c.status === 'True')
        if (failure?.message && failure.message !== shownFailure) {
          shownFailure = failure.message
          ui.warn(`FailedCreate: ${failure.message}`)
          if (/unable to validate against any security context constraint/.test(failure.message)) {
            fatal = new CliError(`pods of ${opts.name} are rejected by SCC admission`, ExitCode.Failed, {
              details: [failure.message],
              hint: `oc jupyter doctor ${opts.name} -n ${namespace}`,
            })
            ctl.abort()
            return
          }
        }
        if (r.state === 'waiting') void inspectPods().catch(() => undefined)
      },
    })
    void outcome
  } catch (error) {
    if (fatal) throw fatal
    if (error instanceof WaitFailedError) {
      throw new CliError(error.message, ExitCode.Failed, {
        hint: `oc jupyter doctor ${opts.name} -n ${namespace}`,
      })
    }
    throw error
  } finally {
    ctx.signal?.removeEventListener('abort', onAbort)
  }
  // The pod that serves now: its UID and SCC, for the summary.
  const pods = (await client.list<KubeObject>(podsPath, {labelSelector: selector})).items.filter(
    p => !p.metadata?.deletionTimestamp,
  )
  const pod = pods.find(p => (p.status as {phase?: string} | undefined)?.phase === 'Running') ?? pods[0]
  if (!pod) return undefined
  const uid = pod.spec as
    | {securityContext?: {runAsUser?: number}; containers?: Array<{securityContext?: {runAsUser?: number}}>}
    | undefined
  return {
    name: pod.metadata?.name as string,
    uid: uid?.containers?.[0]?.securityContext?.runAsUser ?? uid?.securityContext?.runAsUser,
    scc: pod.metadata?.annotations?.['openshift.io/scc'],
  }
}

/** The text result on stdout: where the notebook is and how to get in — never the password itself. */
export function formatDeployResult(r: DeployRunResult): string {
  if (r.dryRun) {
    return [
      `Server dry run: ${r.objects.map(o => `${o.kind}/${o.name} ${o.action}`).join(', ')}.`,
      ...('removed' in r.anyuid ? r.anyuid.removed : []),
    ].join('\n')
  }
  const lines = [`Notebook ${r.name} is running${r.url ? ` at ${r.url}` : ''}`]
  if (r.pod) {
    const range = `${r.uidRange.start}-${r.uidRange.end}`
    lines.push(
      `  pod ${r.pod.name} runs as UID ${r.pod.uid ?? '?'} (project range ${range}) under SCC ${r.pod.scc ?? '?'}`,
    )
  }
  lines.push(`Password: ${r.passwordCommand}`)
  return lines.join('\n')
}

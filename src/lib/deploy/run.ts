/**
 * `oc jupyter deploy` against a cluster:
 *   preflight (no writes) → anyuid removal → apply Secret, PVC, Service, Route, workload
 *   (concurrently) → wait for the rollout the way `kubectl rollout status` does, showing why a pod
 *   is not running → wait for the Route to be admitted → URL.
 */
import {
  applyObject,
  applyObjects,
  createIfAbsent,
  deploymentRolloutStatus,
  importCaughtUp,
  requireApis,
  resourcePath,
  routeAdmitted,
  tailLog,
  waitFor,
  type ApplyResult,
  type KubeClient,
  type KubeObject,
  type RequiredApi,
} from '../cluster/index.js'
import {arr, count, rec} from '../cluster/obj.js'
import {CliError, ExitCode, UsageError} from '../errors.js'
import {requireProject, requireUidRange, type UidBlock} from '../preflight.js'
import {generatedTokenLine} from '../notebook/known-crashes.js'
import {CONTAINER_NAME} from '../render/deployment.js'
import {renderNotebook} from '../render/notebook.js'
import type {KObject} from '../render/types.js'
import {DEFAULT_OAUTH_PROXY_IMAGE, OAUTH_PROXY_STREAM, oauthConfigSecretName} from '../render/oauth.js'
import {passwordSecretName, randomPassword, type PasswordGenerator} from '../render/secret.js'
import type {Ui} from '../ui/ui.js'
import type {DeployOptions} from '../values/deploy-options.js'
import {anyuidGrantPaths, removeAnyuid, type AnyuidOutcome} from './anyuid-apply.js'
import {reconcileClaim} from './claim.js'
import {podSummary} from './diagnose.js'
import {instanceSelector} from '../render/labels.js'
import {adoptCommand, adoptExplanation, describeForeign, mountedClaim, selectsAsOurs} from '../foreign.js'
import {waitRollout, watchWarningEvents, type EventFeed, type PodSummary} from './rollout.js'

export interface DeployRunContext {
  client: KubeClient
  namespace: string
  ui: Ui
  timeoutMs: number
  /** when --timeout started counting (the command's start); default: when the writes start */
  startedAt?: number
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
  pod?: PodSummary
  /** how people log in */
  auth: 'password' | 'openshift'
  /** `--auth password`: the command that prints the password */
  passwordCommand?: string
  /** `--auth openshift`: the command that lets another OpenShift user in */
  accessCommand?: string
  /** the notebook is stopped (replicas 0) and was kept so: no pod was awaited */
  stopped?: boolean
}

const ACTION: Record<string, string> = {created: 'Created', configured: 'Configured', unchanged: 'Unchanged'}

export async function runDeploy(ctx: DeployRunContext, opts: DeployOptions): Promise<DeployRunResult> {
  const {client, namespace, ui} = ctx
  const dc = opts.workload === 'DeploymentConfig'

  // --- preflight: nothing is written before all of this passed -------------------------------
  if (!ctx.serverDryRun) ui.expectWait()
  const apis: RequiredApi[] = [
    {groupVersion: 'route.openshift.io/v1', plural: 'routes'},
    {groupVersion: 'image.openshift.io/v1', plural: 'imagestreams'},
  ]
  if (dc) apis.push({groupVersion: 'apps.openshift.io/v1', plural: 'deploymentconfigs'})
  await requireApis(client, apis)

  const claimPath = resourcePath('PersistentVolumeClaim', {
    namespace,
    name: opts.existingClaim ?? `${opts.name}-data`,
  })
  const workloadPath = resourcePath(dc ? 'DeploymentConfig' : 'Deployment', {namespace, name: opts.name})
  const deploymentPath = resourcePath('Deployment', {namespace, name: opts.name})
  const openshiftAuth = opts.auth === 'openshift'
  // The credential the notebook needs: the password Secret, or in --auth openshift the proxy's cookie
  // secret. Either is created once and kept; the other mode's Secret is left alone (switching back
  // finds it).
  const secretPath = resourcePath('Secret', {
    namespace,
    name: openshiftAuth ? oauthConfigSecretName(opts.name) : passwordSecretName(opts.name),
  })
  // The reads below, one step after another, go out together (issue #12: a re-run as quick as kubectl
  // apply); each step still takes its answer in order and stops where it did.
  client.prefetch([
    resourcePath('Project', {name: namespace}),
    claimPath,
    workloadPath,
    secretPath,
    ...(dc ? [deploymentPath] : []),
    resourcePath('ImageStream', {namespace, name: (opts.importImage?.stream ?? opts.image).split(':')[0]}),
    ...(opts.keepAnyuid ? [] : Object.values(anyuidGrantPaths(namespace))),
    // read by the applies of the Service and the Route (created, configured or unchanged)
    resourcePath('Service', {namespace, name: opts.name}),
    resourcePath('Route', {namespace, name: opts.name}),
  ])
  const project = await requireProject(client, namespace)
  const uidRange = requireUidRange(project)
  const [firstClaim, liveWorkload, liveSecret, otherWorkload, proxyImage] = await Promise.all([
    client.getIfExists<KubeObject>(claimPath),
    client.getIfExists<KubeObject>(workloadPath),
    readSecret(client, secretPath),
    // The other kind of workload of the same NAME would keep serving beside the new one. Probing for a
    // DeploymentConfig must not draw the deprecation warning of 4.14+, and some clusters serve none.
    dc
      ? client.getIfExists<KubeObject>(deploymentPath)
      : client
          .getIfExists<KubeObject>(
            resourcePath('DeploymentConfig', {namespace, name: opts.name}),
            undefined,
            {quietWarnings: true},
          )
          .catch(() => undefined),
    openshiftAuth ? (opts.oauthProxyImage ?? clusterOAuthProxyImage(client)) : undefined,
  ])
  if (proxyImage !== undefined) opts = {...opts, oauthProxyImage: proxyImage}
  await refuseForeign(ctx, opts.name, liveWorkload, otherWorkload)
  if (otherWorkload) {
    const other = dc ? 'a Deployment' : 'a DeploymentConfig'
    throw new UsageError(
      `notebook ${opts.name} runs as ${other}: deploying it ${dc ? 'with' : 'without'} --deployment-config would start a second one beside it`,
      {
        hint: dc
          ? `oc jupyter delete ${opts.name} -n ${namespace} --yes && oc jupyter deploy ${opts.name} --deployment-config -n ${namespace}   # delete keeps its data and password`
          : `oc jupyter deploy ${opts.name} --deployment-config -n ${namespace}   # or move it to a Deployment, keeping its data and password: oc jupyter delete ${opts.name} -n ${namespace} --yes && oc jupyter deploy ${opts.name} -n ${namespace}`,
      },
    )
  }
  let claim = firstClaim
  // A re-run keeps the claim the notebook mounts when it is not NAME-data (deployed --existing-claim).
  const mounted = liveWorkload ? mountedClaim(liveWorkload)?.claim : undefined
  if (opts.existingClaim === undefined && mounted !== undefined && mounted !== `${opts.name}-data`) {
    opts = {...opts, existingClaim: mounted}
    claim = await client.getIfExists<KubeObject>(
      resourcePath('PersistentVolumeClaim', {namespace, name: mounted}),
    )
  }
  if (opts.existingClaim !== undefined && !claim) {
    throw new CliError(
      `PersistentVolumeClaim ${opts.existingClaim} (--existing-claim) does not exist in project ${namespace}`,
      ExitCode.Failed,
      {hint: `oc get pvc -n ${namespace}`},
    )
  }
  if (claim?.metadata?.deletionTimestamp) {
    // Re-applying a claim that is about to vanish would leave the new pod unschedulable.
    const claimName = claim.metadata.name ?? `${opts.name}-data`
    throw new CliError(
      `PersistentVolumeClaim ${claimName} is being deleted (a pod still uses it); deploy once it is gone`,
      ExitCode.Failed,
      {hint: `oc get pvc ${claimName} -n ${namespace} -w`},
    )
  }
  // The user's own claim is mounted as it is: never resized, never reconciled.
  if (opts.existingClaim === undefined) opts = reconcileClaim(opts, claim)
  // `oc jupyter stop` scaled it to 0: a re-run applies the changes and keeps it stopped, unless --start.
  if (liveWorkload && count(rec(liveWorkload.spec).replicas) === 0 && !opts.start)
    opts = {...opts, stopped: true}
  await requireImage(ctx, opts)

  // Warning events from before the first write on: the rollout wait explains with them (the feed
  // ignores what it lists first — events of earlier runs — so it must start before the writes). Its
  // LIST goes out beside the anyuid check.
  const watching = new AbortController()
  const onAbort = () => watching.abort()
  ctx.signal?.addEventListener('abort', onAbort, {once: true})
  try {
    const events = ctx.serverDryRun ? undefined : watchWarningEvents(client, namespace, watching.signal)
    // --- anyuid ---------------------------------------------------------------------------------
    let anyuid: DeployRunResult['anyuid'] = {skipped: true}
    if (!opts.keepAnyuid) {
      const outcome = await removeAnyuid(client, {
        namespace,
        serviceAccount: opts.serviceAccount,
        name: opts.name,
        dryRun: ctx.serverDryRun,
      })
      for (const r of outcome.removed) ui.info(`${ui.c.green('✔')} anyuid: ${r}`)
      for (const w of outcome.warnings) ui.warn(`anyuid: ${w}`)
      for (const command of outcome.adminCommands) ui.warn(`an administrator can run: ${command}`)
      anyuid = outcome
    }

    // --- apply --------------------------------------------------------------------------------
    await events?.ready
    return await applyAndWait(ctx, opts, {uidRange, anyuid, claim, liveWorkload, liveSecret, events})
  } finally {
    watching.abort()
    ctx.signal?.removeEventListener('abort', onAbort)
  }
}

/**
 * A workload of this NAME that oc-jupyter did not make (the recipe's `oc new-app`): its selector cannot
 * change, so deploying over it would fail half-way. Refused before any write, with the move.
 */
async function refuseForeign(
  ctx: DeployRunContext,
  name: string,
  ...workloads: Array<KubeObject | undefined>
): Promise<void> {
  const workload = workloads.find(w => w !== undefined && !selectsAsOurs(w, name))
  if (!workload) return
  const route = await ctx.client
    .getIfExists<KubeObject>(resourcePath('Route', {namespace: ctx.namespace, name}))
    .catch(() => undefined)
  const foreign = describeForeign(workload, route)
  throw new UsageError(adoptExplanation(foreign), {
    hint: adoptCommand(foreign, ctx.namespace),
  })
}

async function applyAndWait(
  ctx: DeployRunContext,
  opts: DeployOptions,
  live: {
    uidRange: UidBlock
    anyuid: DeployRunResult['anyuid']
    claim: KubeObject | undefined
    liveWorkload: KubeObject | undefined
    liveSecret: KubeObject | undefined
    events: EventFeed | undefined
  },
): Promise<DeployRunResult> {
  const {client, namespace, ui} = ctx
  const dc = opts.workload === 'DeploymentConfig'
  const {uidRange, anyuid, claim, liveWorkload, liveSecret} = live
  const password =
    opts.password === 'stdin' ? await ctx.readPassword() : (ctx.generatePassword ?? randomPassword)()
  client.addSecrets(password)
  const objs = renderNotebook({...opts, namespace}, password)
  keepTriggeredImage(objs.workload, liveWorkload)
  const report = (r: ApplyResult) =>
    ui.info(
      `${ui.c.green('✔')} ${ACTION[r.action]} ${r.kind}/${r.name}${r.dryRun ? ' (server dry run)' : ''} ${ui.c.dim(`(${(r.durationMs / 1000).toFixed(1)}s)`)}`,
    )
  const writeCredentials = async (): Promise<ApplyResult[]> => {
    const credential = objs.secret ?? objs.oauthConfig
    if (!credential) return []
    const secret =
      opts.password === 'keep'
        ? liveSecret
          ? unchangedSecret(credential.metadata.name as string, namespace, ctx.serverDryRun, report)
          : await createIfAbsent(client, credential, {dryRun: ctx.serverDryRun, namespace, onResult: report})
        : await applyObject(client, credential, {
            dryRun: ctx.serverDryRun,
            namespace,
            onResult: report,
            known: new Map([[`Secret/${credential.metadata.name}`, liveSecret]]),
          })
    // --auth openshift: the OAuth client and the notebook's Jupyter config, before the pods that use them
    const extra = [objs.serviceAccount, objs.jupyterConfig].filter((o): o is KObject => o !== undefined)
    return [
      secret,
      ...(await applyObjects(client, extra, {dryRun: ctx.serverDryRun, namespace, onResult: report})),
    ]
  }
  const applyOpts = {dryRun: ctx.serverDryRun, namespace, onResult: report}
  const deadline = ctx.timeoutMs > 0 ? (ctx.startedAt ?? Date.now()) + ctx.timeoutMs : 0
  const remaining = () => (deadline === 0 ? 0 : Math.max(1, deadline - Date.now()))
  // An image from a registry is imported first: the workload names its image stream tag.
  const imported =
    objs.imageStream && opts.importImage
      ? await importImage(ctx, objs.imageStream, opts.importImage.tag, report, remaining)
      : undefined
  // The workload follows the Secret its pods read the password from (else the first pod may fail with
  // CreateContainerConfigError `secret not found`); everything else is independent and goes at once.
  const [[credentials, workloadResult], rest] = await Promise.all([
    writeCredentials().then(async written => {
      const passwordChanged = objs.secret !== undefined && written[0]?.action === 'configured'
      return [
        written,
        await applyObject(client, restartOnNewPassword(objs.workload, liveWorkload, passwordChanged), {
          ...applyOpts,
          // Already read in preflight: no second GET.
          known: new Map([[`${objs.workload.kind}/${opts.name}`, liveWorkload]]),
        }),
      ] as const
    }),
    applyObjects(
      client,
      [objs.claim, objs.service, objs.route].filter((o): o is KObject => o !== undefined),
      {
        ...applyOpts,
        known: new Map([[`PersistentVolumeClaim/${opts.name}-data`, claim]]),
        concurrency: 3,
      },
    ),
  ])
  const applied = [...(imported ? [imported] : []), ...credentials, ...rest, workloadResult]
  const routeResult = rest.find(r => r.kind === 'Route')
  const result: DeployRunResult = {
    name: opts.name,
    namespace,
    dryRun: ctx.serverDryRun,
    uidRange,
    objects: applied.map(a => ({kind: a.kind, name: a.name, action: a.action})),
    anyuid,
    auth: opts.auth ?? 'password',
    ...(opts.auth === 'openshift'
      ? {accessCommand: `oc adm policy add-role-to-user view USER -n ${namespace}`}
      : {passwordCommand: `oc jupyter password ${opts.name} -n ${namespace}`}),
  }
  if (ctx.serverDryRun) return result
  if (applied.every(a => a.action === 'unchanged')) ui.info('Nothing changed.')

  // --- wait -----------------------------------------------------------------------------------
  if (opts.stopped) {
    // A stopped notebook (replicas 0) stays stopped: a re-run applies changes without starting pods.
    ui.info(
      `Notebook ${opts.name} is stopped: kept stopped (start it: oc jupyter start ${opts.name} -n ${namespace})`,
    )
    result.stopped = true
    const url = await waitRouteUrl(ctx, opts.name, remaining, ctx.timeoutMs)
    if (url) result.url = url
    return result
  }
  // A re-run that changed nothing, of a notebook whose rollout is complete and whose Route is admitted
  // (as the apply answers show them): its serving pod is read, nothing is awaited, its log was checked
  // by the deploy that started it.
  const settled =
    applied.every(a => a.action === 'unchanged') && !dc
      ? await alreadyServing(ctx, opts.name, workloadResult.object, routeResult?.object)
      : undefined
  if (settled) return {...result, ...settled}
  const serving = await waitServing(ctx, {
    name: opts.name,
    deploymentConfig: dc,
    events: live.events,
    remaining,
    interrupt: {again: `oc jupyter deploy ${opts.name} -n ${namespace}`, done: 'every object is applied'},
  })
  if (serving.pod) result.pod = serving.pod
  if (serving.url) result.url = serving.url
  if (result.pod && opts.auth !== 'openshift') await warnGeneratedToken(ctx, opts.name, result.pod.name)
  return result
}

/**
 * Whether an unchanged notebook serves as it is: its Deployment's rollout complete, its Route admitted
 * and a ready pod of it running (one LIST). Undefined otherwise: then deploy waits as always.
 */
async function alreadyServing(
  ctx: DeployRunContext,
  name: string,
  workload: KubeObject | undefined,
  route: KubeObject | undefined,
): Promise<{pod: PodSummary; url: string} | undefined> {
  if (!workload || !route) return undefined
  if (deploymentRolloutStatus(workload).state !== 'done' || routeAdmitted(route).state !== 'done')
    return undefined
  const host = routeHost(route)
  const {items} = await ctx.client.list<KubeObject>(resourcePath('Pod', {namespace: ctx.namespace}), {
    labelSelector: instanceSelector(name),
  })
  const pod = items.find(
    p =>
      !p.metadata?.deletionTimestamp &&
      arr(rec(p.status).conditions).some(c => c.type === 'Ready' && c.status === 'True'),
  )
  if (!pod || !host) return undefined
  return {pod: podSummary(pod), url: `https://${host}`}
}

/**
 * Waits for a notebook to serve: its rollout (showing why a pod is not ready), then its Route's
 * admission. Shared by deploy and start; `remaining` is what is left of the command's --timeout.
 */
export async function waitServing(
  ctx: Pick<DeployRunContext, 'client' | 'namespace' | 'ui' | 'signal' | 'timeoutMs'>,
  opts: {
    name: string
    deploymentConfig: boolean
    events?: EventFeed
    remaining: () => number
    /** after Ctrl-C: the command that waits again and what was done */
    interrupt: {again: string; done: string}
  },
): Promise<{pod?: PodSummary; url?: string}> {
  const pod = await waitRollout(ctx, {
    name: opts.name,
    deploymentConfig: opts.deploymentConfig,
    timeoutMs: opts.remaining(),
    reportedTimeoutMs: ctx.timeoutMs,
    events: opts.events,
    interrupt: opts.interrupt,
  })
  const url = await waitRouteUrl(ctx, opts.name, opts.remaining, ctx.timeoutMs)
  return {...(pod ? {pod} : {}), ...(url ? {url} : {})}
}

async function waitRouteUrl(
  ctx: Pick<DeployRunContext, 'client' | 'namespace' | 'ui' | 'signal'>,
  name: string,
  remaining: () => number,
  reportedTimeoutMs: number,
): Promise<string | undefined> {
  const route = await waitFor(ctx.client, {
    path: resourcePath('Route', {namespace: ctx.namespace}),
    name,
    judge: routeAdmitted,
    timeoutMs: remaining(),
    reportedTimeoutMs,
    signal: ctx.signal,
    description: `route "${name}"`,
    onUpdate: r => ctx.ui.progress(r.message),
  })
  ctx.ui.endProgress()
  const host = routeHost(route.object)
  return host ? `https://${host}` : undefined
}

/**
 * A notebook that made up its own login token does not take the Secret's password (an image whose
 * start-up overrides JUPYTER_TOKEN, or a Notebook older than 5.2): say so now, not at the login page.
 */
async function warnGeneratedToken(ctx: DeployRunContext, name: string, pod: string): Promise<void> {
  const lines = await tailLog(
    ctx.client,
    resourcePath('Pod', {namespace: ctx.namespace, name: pod, subresource: 'log'}),
    50,
    {query: {container: CONTAINER_NAME}, signal: ctx.signal},
  ).catch(() => [] as string[])
  const line = generatedTokenLine(lines)
  if (line === undefined) return
  ctx.ui.warn(
    `the notebook generated its own login token, so the password from Secret ${passwordSecretName(name)} will not log in: ${line}`,
  )
  ctx.ui.warn(`see why: oc jupyter doctor ${name} -n ${ctx.namespace}`)
}

/**
 * The oauth-proxy image OpenShift ships as image stream `oauth-proxy` in `openshift` (readable by every
 * authenticated user), else DEFAULT_OAUTH_PROXY_IMAGE.
 */
async function clusterOAuthProxyImage(client: KubeClient): Promise<string> {
  const is = await client
    .getIfExists<KubeObject>(
      resourcePath('ImageStream', {namespace: OAUTH_PROXY_STREAM.namespace, name: OAUTH_PROXY_STREAM.name}),
    )
    .catch(() => undefined)
  const tags =
    (is?.status as {tags?: Array<{tag?: string; items?: Array<{dockerImageReference?: string}>}>})?.tags ?? []
  return (
    tags.find(t => t.tag === OAUTH_PROXY_STREAM.tag)?.items?.[0]?.dockerImageReference ??
    DEFAULT_OAUTH_PROXY_IMAGE
  )
}

/** The password Secret, if it exists. Its value is registered for redaction, never shown. */
async function readSecret(client: KubeClient, path: string): Promise<KubeObject | undefined> {
  const found = await client.getIfExists<KubeObject>(path, undefined)
  if (found)
    client.addSecrets(
      ...Object.values((found.data as Record<string, string>) ?? {}).map(v =>
        Buffer.from(v, 'base64').toString('utf8'),
      ),
    )
  return found
}

function unchangedSecret(
  secretName: string,
  namespace: string,
  dryRun: boolean,
  report: (r: ApplyResult) => void,
): ApplyResult {
  const r: ApplyResult = {
    kind: 'Secret',
    name: secretName,
    namespace,
    action: 'unchanged',
    dryRun,
    durationMs: 0,
  }
  report(r)
  return r
}

/** The image stream tag to deploy must have an image, unless --build makes one first. */
async function requireImage(ctx: DeployRunContext, opts: DeployOptions): Promise<void> {
  if (opts.importImage) return requireImportable(ctx, opts.importImage)
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
 * `--image REGISTRY/...` imports into image stream STREAM:TAG. Refused (before any write) when that tag
 * is already something else: imported from another image, or pushed by a build — re-pointing it would
 * change what other workloads and BuildConfigs of the project run.
 */
async function requireImportable(
  ctx: DeployRunContext,
  imp: NonNullable<DeployOptions['importImage']>,
): Promise<void> {
  const is = await ctx.client.getIfExists<KubeObject>(
    resourcePath('ImageStream', {namespace: ctx.namespace, name: imp.stream}),
  )
  if (!is) return
  type Tag = {name?: string; tag?: string; from?: {kind?: string; name?: string}}
  const specTag = ((is.spec as {tags?: Tag[]} | undefined)?.tags ?? []).find(t => t.name === imp.tag)
  const statusTag = ((is.status as {tags?: Tag[]} | undefined)?.tags ?? []).find(t => t.tag === imp.tag)
  const from = specTag?.from?.kind === 'DockerImage' ? specTag.from.name : undefined
  if (specTag ? from === imp.image : !statusTag) return
  const what = from
    ? `imports ${from}`
    : specTag
      ? `follows ${specTag.from?.name ?? 'another tag'}`
      : 'holds a built image'
  throw new UsageError(
    `image stream tag ${imp.stream}:${imp.tag} already ${what}; --image ${imp.image} would replace it`,
    {hint: `oc jupyter deploy --image ${imp.stream}:${imp.tag} -n ${ctx.namespace}   # to run what it holds`},
  )
}

/** Applies the image stream of `--image REGISTRY/...` and waits until its tag has the imported image. */
async function importImage(
  ctx: DeployRunContext,
  stream: KObject,
  tag: string,
  report: (r: ApplyResult) => void,
  deadline: () => number,
): Promise<ApplyResult> {
  const applied = await applyObject(ctx.client, stream, {
    dryRun: ctx.serverDryRun,
    namespace: ctx.namespace,
    onResult: report,
  })
  if (ctx.serverDryRun) return applied
  const name = stream.metadata.name as string
  await waitFor(ctx.client, {
    path: resourcePath('ImageStream', {namespace: ctx.namespace}),
    name,
    judge: importCaughtUp(tag, applied.object?.metadata?.generation ?? 1),
    timeoutMs: deadline(),
    reportedTimeoutMs: ctx.timeoutMs,
    signal: ctx.signal,
    description: `import of image stream tag "${name}:${tag}"`,
    hint: `oc describe imagestream ${name} -n ${ctx.namespace}`,
    onUpdate: r => ctx.ui.progress(r.message),
  })
  ctx.ui.endProgress()
  return applied
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
  // A DeploymentConfig's ImageChange trigger records the image it rolled out in lastTriggeredImage;
  // spec.triggers is replaced as a whole by an apply, and a trigger without it fires again.
  type T = {type?: string; imageChangeParams?: {from?: {name?: string}; lastTriggeredImage?: string}}
  const triggers = (o: unknown) => (o as {spec?: {triggers?: T[]}})?.spec?.triggers ?? []
  for (const t of triggers(workload)) {
    const from = t.imageChangeParams?.from?.name
    const last = triggers(live).find(l => l.type === t.type && l.imageChangeParams?.from?.name === from)
      ?.imageChangeParams?.lastTriggeredImage
    if (t.imageChangeParams && last) t.imageChangeParams.lastTriggeredImage = last
  }
}

/** `kubectl rollout restart`'s pod template annotation (`oc rollout restart` sets the same). */
const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt'

/**
 * The password reaches the notebook as an environment variable from the Secret, so a changed password
 * (--rotate-password, --password-from-stdin) needs new pods: stamp the template the way `kubectl
 * rollout restart` does. Otherwise keep the stamp the live workload has (ours or kubectl's), so a re-run
 * neither removes it nor rolls out again.
 */
function restartOnNewPassword<T extends object>(
  workload: T,
  live: KubeObject | undefined,
  passwordChanged: boolean,
): T {
  type Tpl = {spec?: {template?: {metadata?: {annotations?: Record<string, string>}}}}
  const liveValue = (live as Tpl | undefined)?.spec?.template?.metadata?.annotations?.[RESTARTED_AT]
  const value = live && passwordChanged ? new Date().toISOString() : liveValue
  const template = (workload as Tpl).spec?.template
  if (!value || !template) return workload
  template.metadata = {
    ...template.metadata,
    annotations: {...template.metadata?.annotations, [RESTARTED_AT]: value},
  }
  return workload
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

/** The text result on stdout: where the notebook is and how to get in — never the password itself. */
export function formatDeployResult(r: DeployRunResult): string {
  if (r.dryRun) {
    return [
      `Server dry run: ${r.objects.map(o => `${o.kind}/${o.name} ${o.action}`).join(', ')}.`,
      ...('removed' in r.anyuid ? r.anyuid.removed : []),
    ].join('\n')
  }
  if (r.stopped) {
    return [
      `Notebook ${r.name} is stopped${r.url ? ` (its URL: ${r.url})` : ''}; its volume and ${r.auth === 'openshift' ? 'Secrets' : 'password'} are kept.`,
      `Start it: oc jupyter start ${r.name} -n ${r.namespace}   (or deploy again with --start)`,
    ].join('\n')
  }
  const lines = [`Notebook ${r.name} is running${r.url ? ` at ${r.url}` : ''}`]
  if (r.pod) {
    const range = `${r.uidRange.start}-${r.uidRange.end}`
    lines.push(
      `  pod ${r.pod.name} runs as UID ${r.pod.uid ?? '?'} (project range ${range}) under SCC ${r.pod.scc ?? '?'}`,
    )
  }
  lines.push(
    r.auth === 'openshift'
      ? `Log in: open the URL and log in with your OpenShift account; anyone who may view project ${r.namespace} gets in — to let a colleague in: ${r.accessCommand}`
      : `Log in: open the URL and paste the password into the "Password or token" field; print it with: ${r.passwordCommand}`,
  )
  return lines.join('\n')
}

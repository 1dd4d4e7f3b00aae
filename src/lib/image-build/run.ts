/**
 * `oc jupyter build` against a cluster: apply the image streams and the BuildConfig (server-side
 * apply), then follow exactly one build — the one the ConfigChange trigger started, a running one,
 * or one we instantiate — stream its log and wait for a terminal phase.
 */
import type {Writable} from 'node:stream'

import {
  applyObjects,
  buildPhase,
  importCaughtUp,
  instantiateBuild,
  requireApis,
  resourcePath,
  streamLog,
  tailLog,
  WaitFailedError,
  WaitTimeoutError,
  waitFor,
  type ApplyResult,
  type KubeClient,
  type KubeObject,
  type WaitOptions,
} from '../cluster/index.js'
import {CliError, ExitCode} from '../errors.js'
import {requireProject} from '../preflight.js'
import {renderBuildObjects} from '../render/build.js'
import type {Ui} from '../ui/ui.js'
import type {BuildOptions} from '../values/build-options.js'
import {DEFAULT_BUILD_NAME, DEFAULT_IMAGE} from '../values/defaults.js'
import {commandArgsFromOptions} from './command.js'
import {diagnoseBuildLog, remedyForReason} from './known-failures.js'
import {hasImageChangeTrigger, imageTriggerSettled, tagImage} from './triggers.js'

export interface BuildRunContext {
  client: KubeClient
  namespace: string
  ui: Ui
  /** 0 = wait without limit */
  timeoutMs: number
  /** --dry-run=server */
  serverDryRun: boolean
  /** where the followed build log goes (stdout in text mode) */
  logOut: Writable
  signal?: AbortSignal
}

/** How the followed build came to be. */
export type BuildOrigin = 'config-change' | 'image-change' | 'instantiated' | 'already-running' | 'existing'

export interface BuildRunResult {
  namespace: string
  dryRun: boolean
  objects: Array<{kind: string; name: string; action: string}>
  build?: {
    name: string
    origin: BuildOrigin
    phase: string
    reason?: string
    message?: string
  }
  /** the output image when the build completed: registry/ns/is@sha256:... */
  image?: string
  /** `NAME:TAG` of the output image stream tag */
  imageStreamTag: string
}

const TERMINAL = new Set(['Complete', 'Failed', 'Error', 'Cancelled'])
const OK_ACTION: Record<string, string> = {
  created: 'Created',
  configured: 'Configured',
  unchanged: 'Unchanged',
}

function lastVersion(bc: KubeObject | undefined): number {
  const v = (bc?.status as {lastVersion?: number} | undefined)?.lastVersion
  return typeof v === 'number' ? v : 0
}

function hasConfigChangeTrigger(bc: KubeObject): boolean {
  const triggers = (bc.spec as {triggers?: Array<{type?: string}>} | undefined)?.triggers ?? []
  return triggers.some(t => t.type === 'ConfigChange')
}

function phaseOf(build: KubeObject): {phase: string; reason?: string; message?: string} {
  const s = (build.status ?? {}) as {phase?: string; reason?: string; message?: string}
  return {phase: s.phase ?? 'New', reason: s.reason, message: s.message}
}

export async function runBuild(ctx: BuildRunContext, opts: BuildOptions): Promise<BuildRunResult> {
  const {client, namespace, ui} = ctx
  if (!ctx.serverDryRun) ui.expectWait()
  await requireApis(client, [
    {groupVersion: 'build.openshift.io/v1', plural: 'buildconfigs'},
    {groupVersion: 'image.openshift.io/v1', plural: 'imagestreams'},
  ])
  await requireProject(client, namespace)
  if (opts.strategy.type === 'Source') await requireBuilderImage(client, namespace, opts.strategy.builder)

  const objects = renderBuildObjects({...opts, namespace})
  const bcObject = objects.at(-1) as KubeObject
  const streams = objects.slice(0, -1)
  // What exists before the apply: tells what the apply changed (a new base image means the
  // ImageChange trigger may start a build), and spares the apply its own GET of each object.
  const known = new Map<string, KubeObject | undefined>()
  await Promise.all(
    objects.map(async o => {
      const kind = o.kind as 'ImageStream' | 'BuildConfig'
      const name = o.metadata.name as string
      known.set(
        `${kind}/${name}`,
        await client.getIfExists<KubeObject>(resourcePath(kind, {namespace, name})),
      )
    }),
  )
  const before = known.get(`BuildConfig/${opts.name}`)

  // Streams first: the BuildConfig's ConfigChange trigger starts a build at once, and that build
  // resolves the base image stream tag.
  const report = (r: ApplyResult) =>
    ui.info(
      `${ui.c.green('✔')} ${OK_ACTION[r.action]} ${r.kind}/${r.name}${r.dryRun ? ' (server dry run)' : ''} ${ui.c.dim(`(${(r.durationMs / 1000).toFixed(1)}s)`)}`,
    )
  const applied = [
    ...(await applyObjects(client, streams, {dryRun: ctx.serverDryRun, namespace, known, onResult: report})),
    ...(await applyObjects(client, [bcObject], {
      dryRun: ctx.serverDryRun,
      namespace,
      known,
      onResult: report,
    })),
  ]
  const result: BuildRunResult = {
    namespace,
    dryRun: ctx.serverDryRun,
    objects: applied.map(a => ({kind: a.kind, name: a.name, action: a.action})),
    imageStreamTag: `${opts.name}:${opts.outputTag}`,
  }
  if (ctx.serverDryRun) {
    ui.info('Server dry run: no build was started.')
    return result
  }

  const bcApplied = applied.at(-1)
  const bc =
    bcApplied?.object ??
    (await client.get<KubeObject>(resourcePath('BuildConfig', {namespace, name: opts.name})))
  const baseChange =
    opts.strategy.type === 'Docker'
      ? baseImageChange(
          applied[0],
          known.get(`ImageStream/${opts.strategy.base.stream}`),
          opts.strategy.base.tag,
        )
      : undefined
  const {build, origin} = await chooseBuild(
    ctx,
    opts,
    bcApplied?.action ?? 'unchanged',
    before,
    bc,
    baseChange,
  )
  const buildName = build.metadata?.name as string
  result.build = {name: buildName, origin, ...phaseOf(build)}
  ui.info(describeOrigin(buildName, origin))

  if (origin === 'existing' || !opts.wait) {
    if (!opts.wait) ui.info(`Not waiting. Follow it with: oc logs -f build/${buildName} -n ${namespace}`)
    if (phaseOf(build).phase === 'Complete') result.image = await outputImage(client, namespace, opts)
    return result
  }

  const finished = await follow(ctx, opts, buildName)
  result.build = {name: buildName, origin, ...phaseOf(finished)}
  result.image = await outputImage(client, namespace, opts)
  return result
}

/**
 * `--from-source` runs the builder image: without an image in its tag the Build would sit in New
 * (InvalidImageReference) until --timeout. Say so before writing anything, as `oc new-build` does.
 */
async function requireBuilderImage(client: KubeClient, namespace: string, builder: string): Promise<void> {
  const ist = await client.getIfExists<KubeObject>(resourcePath('ImageStreamTag', {namespace, name: builder}))
  if (ist) return
  const stream = builder.split(':')[0]
  throw new CliError(
    `the builder image stream tag ${builder} has no image in project ${namespace}: build the builder first`,
    ExitCode.Failed,
    {
      hint: `oc jupyter build${stream === DEFAULT_BUILD_NAME ? '' : ` ${stream}`} -n ${namespace}   # or --builder STREAM:TAG`,
    },
  )
}

/** Exactly one build per invocation (SPEC: never two). */
async function chooseBuild(
  ctx: BuildRunContext,
  opts: BuildOptions,
  action: string,
  before: KubeObject | undefined,
  bc: KubeObject,
  baseChange: BaseImageChange | undefined,
): Promise<{build: KubeObject; origin: BuildOrigin}> {
  const {client, namespace} = ctx
  const buildsPath = resourcePath('Build', {namespace})
  const start = async (message: string) => ({
    build: await instantiateBuild(client, {name: opts.name, namespace, message, signal: ctx.signal}),
    origin: 'instantiated' as const,
  })

  // A new base image (--base-image, or its tag changed): once imported, the ImageChange trigger
  // starts a build by itself. Follow that one; instantiating too would build twice (--rebuild
  // included: the trigger's build is the rebuild).
  if (action !== 'created' && baseChange) {
    const triggered = await imageChangeBuild(ctx, opts, bc, baseChange, lastVersion(before ?? bc))
    if (triggered) return {build: triggered, origin: 'image-change'}
  }

  if (opts.rebuild) return start('Started by oc-jupyter build --rebuild')

  if (action === 'created' && hasConfigChangeTrigger(bc)) {
    // OpenShift's ConfigChange trigger starts NAME-1 as the BuildConfig is created; follow it
    // instead of starting a second one. It may not exist yet: the wait handles "not created yet".
    const name = `${opts.name}-${Math.max(1, lastVersion(bc))}`
    const existing = await client.getIfExists<KubeObject>(`${buildsPath}/${name}`)
    return {
      build: existing ?? {apiVersion: 'build.openshift.io/v1', kind: 'Build', metadata: {name}},
      origin: 'config-change',
    }
  }
  if (action === 'configured') return start('Started by oc-jupyter build: the BuildConfig changed')

  // Unchanged: look at the latest build of this config.
  const version = lastVersion(before ?? bc)
  const latest =
    version > 0 ? await client.getIfExists<KubeObject>(`${buildsPath}/${opts.name}-${version}`) : undefined
  if (!latest) return start('Started by oc-jupyter build')
  const {phase} = phaseOf(latest)
  if (!TERMINAL.has(phase)) return {build: latest, origin: 'already-running'}
  if (phase === 'Complete') return {build: latest, origin: 'existing'}
  // The last build failed: a re-run is a retry.
  return start(`Started by oc-jupyter build: previous build ${latest.metadata?.name} ${phase}`)
}

/** How long to wait for a new base image's import and the trigger it fires before going on without. */
const IMAGE_TRIGGER_GRACE_MS = 30_000

interface BaseImageChange {
  stream: string
  tag: string
  /** the image stream's metadata.generation after the apply: the import that follows records it */
  generation: number
}

/** The base image stream's spec changed in this apply (labels alone do not bump the generation). */
function baseImageChange(
  applied: ApplyResult | undefined,
  before: KubeObject | undefined,
  tag: string,
): BaseImageChange | undefined {
  const after = applied?.object
  if (!applied || applied.action === 'unchanged' || !after?.metadata?.name) return undefined
  const generation = after.metadata.generation ?? 0
  if (generation <= (before?.metadata?.generation ?? 0)) return undefined
  return {stream: after.metadata.name, tag, generation}
}

/**
 * Waits for the base image's import and the BuildConfig's ImageChange trigger; the build the
 * trigger started, or undefined when it starts none (no trigger on that tag, the image did not
 * change, the import failed or took longer than the grace period).
 */
async function imageChangeBuild(
  ctx: BuildRunContext,
  opts: BuildOptions,
  bc: KubeObject,
  change: BaseImageChange,
  versionBefore: number,
): Promise<KubeObject | undefined> {
  const {client, namespace, ui} = ctx
  const streamTag = `${change.stream}:${change.tag}`
  if (!hasImageChangeTrigger(bc, streamTag)) return undefined
  const timeoutMs =
    ctx.timeoutMs > 0 ? Math.min(ctx.timeoutMs, IMAGE_TRIGGER_GRACE_MS) : IMAGE_TRIGGER_GRACE_MS
  const quietly = async (w: Omit<WaitOptions, 'timeoutMs' | 'signal'>) => {
    try {
      return (await waitFor(client, {...w, timeoutMs, signal: ctx.signal})).object
    } catch (error) {
      if (error instanceof WaitTimeoutError || error instanceof WaitFailedError) {
        ui.debug(`${w.description}: ${error.message}`)
        return undefined
      }
      throw error
    }
  }
  ui.info(`Base image changed: waiting for the import of ${streamTag} and the ImageChange trigger...`)
  const imported = await quietly({
    path: resourcePath('ImageStream', {namespace}),
    name: change.stream,
    judge: importCaughtUp(change.tag, change.generation),
    description: `import of ${streamTag}`,
  })
  const image = imported && tagImage(imported, change.tag)
  if (!image) return undefined
  const seen = await quietly({
    path: resourcePath('BuildConfig', {namespace}),
    name: opts.name,
    judge: imageTriggerSettled(streamTag, image, versionBefore),
    description: `ImageChange trigger of buildconfig "${opts.name}"`,
  })
  const version = lastVersion(seen)
  if (version <= versionBefore) return undefined
  const name = `${opts.name}-${version}`
  return (
    (await client.getIfExists<KubeObject>(resourcePath('Build', {namespace, name}))) ?? {
      apiVersion: 'build.openshift.io/v1',
      kind: 'Build',
      metadata: {name},
    }
  )
}

function describeOrigin(name: string, origin: BuildOrigin): string {
  switch (origin) {
    case 'config-change':
      return `Build ${name} started by the BuildConfig's ConfigChange trigger.`
    case 'image-change':
      return `Build ${name} started by the BuildConfig's ImageChange trigger (new base image).`
    case 'instantiated':
      return `Started build ${name}.`
    case 'already-running':
      return `Build ${name} is already running; following it.`
    case 'existing':
      return `Nothing changed and build ${name} is Complete; run with --rebuild to build again.`
  }
}

async function follow(ctx: BuildRunContext, opts: BuildOptions, buildName: string): Promise<KubeObject> {
  const {client, namespace, ui} = ctx
  const buildsPath = resourcePath('Build', {namespace})
  const logPath = resourcePath('Build', {namespace, name: buildName, subresource: 'log'})
  const followLog = (opts.follow ?? Boolean(process.stderr.isTTY)) && !ui.machine
  const ctl = new AbortController()
  const onAbort = () => ctl.abort(ctx.signal?.reason)
  ctx.signal?.addEventListener('abort', onAbort, {once: true})
  let logDone: Promise<unknown> | undefined
  let phaseShown = ''

  try {
    const outcome = await waitFor(client, {
      path: buildsPath,
      name: buildName,
      judge: buildPhase,
      timeoutMs: ctx.timeoutMs,
      signal: ctl.signal,
      description: `build "${buildName}"`,
      hint: `oc logs -f build/${buildName} -n ${namespace}`,
      onUpdate: (_r, obj) => {
        const phase = obj ? phaseOf(obj).phase : 'New'
        if (phase !== phaseShown) {
          phaseShown = phase
          if (followLog) ui.info(`Build ${buildName}: ${phase}`)
          else ui.progress(`Build ${buildName}: ${phase}`)
        }
        // The log exists once the build pod runs; start streaming then (once).
        if (followLog && !logDone && (phase === 'Running' || TERMINAL.has(phase))) {
          logDone = streamLog(client, logPath, ctx.logOut, {follow: true, signal: ctl.signal}).catch(
            (error: unknown) => ui.debug(`build log stream ended: ${String(error)}`),
          )
        }
      },
    })
    await logDone
    ui.endProgress()
    ui.info(`${ui.c.green('✔')} Build ${buildName} Complete`)
    return outcome.object
  } catch (error) {
    ctl.abort()
    await logDone
    if (error instanceof WaitFailedError) throw await buildFailure(ctx, opts, buildName, error.object)
    if (error instanceof WaitTimeoutError) {
      throw new CliError(`${error.message}; the build keeps running on the cluster`, ExitCode.Timeout, {
        hint: `oc logs -f build/${buildName} -n ${namespace}`,
      })
    }
    if (ctx.signal?.aborted) {
      throw new CliError(`interrupted; build ${buildName} keeps running on the cluster`, ExitCode.Failed, {
        hint: `oc logs -f build/${buildName} -n ${namespace}`,
      })
    }
    throw error
  } finally {
    ctx.signal?.removeEventListener('abort', onAbort)
  }
}

/** Exit 1 with phase, reason, message, the log tail and — for a known break — the way out. */
async function buildFailure(
  ctx: BuildRunContext,
  opts: BuildOptions,
  buildName: string,
  build: KubeObject | undefined,
): Promise<CliError> {
  const {client, namespace} = ctx
  const {phase, reason, message} = build
    ? phaseOf(build)
    : {phase: 'Failed', reason: undefined, message: undefined}
  let tail: string[] = []
  try {
    tail = await tailLog(client, resourcePath('Build', {namespace, name: buildName, subresource: 'log'}), 20)
  } catch {
    // A build that failed before its pod started has no log; the status says why.
  }
  const remedyCtx = commandArgsFromOptions(opts, namespace)
  const known = diagnoseBuildLog(tail, remedyCtx)
  const details = [
    `phase: ${phase}${reason ? `, reason: ${reason}` : ''}${message ? `, message: ${message}` : ''}`,
  ]
  if (tail.length > 0)
    details.push(`last ${tail.length} log lines:`, ...tail.map(l => (l.trim() ? `  ${l}` : '')))
  let hint = `oc logs build/${buildName} -n ${namespace}`
  if (known) {
    details.push(
      `cause: ${known.explanation}`,
      `  (${known.evidence})`,
      'what builds:',
      ...known.remedies.map(r => `  ${r}`),
    )
    hint = known.remedies[0]
  } else {
    const r = remedyForReason(reason, remedyCtx)
    if (r) hint = r
  }
  return new CliError(`build ${buildName} ${phase}${reason ? ` (${reason})` : ''}`, ExitCode.Failed, {
    details,
    hint,
  })
}

async function outputImage(
  client: KubeClient,
  namespace: string,
  opts: BuildOptions,
): Promise<string | undefined> {
  const is = await client.getIfExists<KubeObject>(resourcePath('ImageStream', {namespace, name: opts.name}))
  const tags =
    (is?.status as {tags?: Array<{tag?: string; items?: Array<{dockerImageReference?: string}>}>})?.tags ?? []
  return tags.find(t => t.tag === opts.outputTag)?.items?.[0]?.dockerImageReference
}

/** The text result on stdout: what was built and what to run next. */
export function formatBuildResult(r: BuildRunResult): string {
  const lines: string[] = []
  if (r.dryRun) {
    lines.push(
      `Server dry run: ${r.objects.map(o => `${o.kind}/${o.name} ${o.action}`).join(', ')}; no build started.`,
    )
    return lines.join('\n')
  }
  if (r.build) lines.push(`Build ${r.build.name}: ${r.build.phase}`)
  if (r.image) lines.push(`Image: ${r.image}`, `Image stream tag: ${r.imageStreamTag}`)
  if (r.build?.phase === 'Complete')
    lines.push(
      `Next: oc jupyter deploy${r.imageStreamTag === DEFAULT_IMAGE ? '' : ` --image ${r.imageStreamTag}`} -n ${r.namespace}`,
    )
  else if (r.build) lines.push(`Follow it: oc logs -f build/${r.build.name} -n ${r.namespace}`)
  return lines.join('\n')
}

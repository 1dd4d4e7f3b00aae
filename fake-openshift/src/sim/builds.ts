/**
 * Builds: `buildconfigs/NAME/instantiate` creates `NAME-<n>` (openshift/openshift-controller-manager
 * build controller and openshift-apiserver's instantiate REST), ConfigChange and ImageChange triggers
 * start builds, and each step moves a build New → Pending → Running (log lines appear) → Complete |
 * Failed | Error | Cancelled. What a build does follows from its inputs: the Git checkout
 * (repositories.ts), the Dockerfile it builds — inline `source.dockerfile` or the checkout's — over the base
 * image's profile (dockerfile.ts, packages.ts), or for S2I the builder image's scripts. A completed build
 * pushes an image with the resulting profile and tags it into the output image stream. Scenarios may
 * force an outcome by build or BuildConfig name for what the model cannot derive (OOM, evictions, hangs).
 */
import {ApiError, type KObject, type LogSource, type UserInfo} from '../types.js'
import {type BuildPlan, INTERNAL_REGISTRY, ownerRef, type SimContext} from './context.js'
import {interpretDockerfile} from './dockerfile.js'
import {pull, pushTag, registerImage, splitTag, tagImage} from './images.js'
import {arr, clone, globMatch, nsOf, num, obj, type Obj, spec, str} from './kube.js'
import {LogStream} from './logs.js'
import type {BuildBehaviour} from './options.js'
import {checkout, type RepoFile, underDir} from './repositories.js'

const BUILD_API = 'build.openshift.io/v1'
const TERMINAL = new Set(['Complete', 'Failed', 'Error', 'Cancelled'])

/** Status messages of openshift/api build/v1 for each reason. */
const REASON_MESSAGES: Record<string, string> = {
  DockerBuildFailed: 'Docker build strategy has failed.',
  FetchSourceFailed: 'Failed to fetch the input source.',
  GenericBuildFailed: 'Generic Build failure - check logs for details.',
  GenericS2IBuildFailed: 'Generic S2I Build failure - check S2I logs for details.',
  AssembleFailed: 'Assemble script failed.',
  PullBuilderImageFailed: 'Failed pulling builder image.',
  PushImageToRegistryFailed: 'Failed to push the image to the registry.',
  OutOfMemoryKilled: 'The build pod was killed due to an out of memory condition.',
  BuildPodEvicted: 'The build pod was evicted due to resource constraints.',
  BuildPodDeleted: 'The pod for this build was deleted before the build completed.',
  CancelledBuild: 'The build was cancelled by the user.',
  ExceededActiveDeadline: 'Build has exceeded the active deadline.',
}

function key(ns: string, name: string): string {
  return `${ns}/${name}`
}

function outputTag(build: KObject): {stream: string; tag: string; namespace: string} | undefined {
  const to = obj(obj(spec(build).output).to)
  if (to.kind !== 'ImageStreamTag' || !str(to.name)) return undefined
  const [stream, tag] = splitTag(str(to.name) as string)
  return {stream, tag, namespace: str(to.namespace) ?? nsOf(build)}
}

function strategyFrom(s: Obj): Obj | undefined {
  const strat = obj(s.strategy)
  const inner = obj(strat.dockerStrategy ?? strat.sourceStrategy ?? strat.customStrategy)
  return inner.from ? obj(inner.from) : undefined
}

/** Copies the BuildConfig's spec into a Build, resolving an ImageStreamTag `from` to its pull spec. */
function buildFromConfig(ctx: SimContext, bc: KObject, n: number, request: KObject): KObject {
  const ns = nsOf(bc)
  const bcName = bc.metadata.name ?? ''
  const s = clone(spec(bc))
  const from = strategyFrom(s)
  if (from?.kind === 'ImageStreamTag' && str(from.name)) {
    const [stream, tag] = splitTag(str(from.name) as string)
    const img = tagImage(ctx, str(from.namespace) ?? ns, stream, tag)
    if (img) {
      from.kind = 'DockerImage'
      from.name = img.reference
      delete from.namespace
    }
  }
  const strat = obj(s.strategy)
  const inner = obj(strat.dockerStrategy ?? strat.sourceStrategy)
  const reqEnv = arr(request.env)
  if (reqEnv.length)
    inner.env = [...arr(inner.env).filter(e => !reqEnv.some(r => r.name === e.name)), ...reqEnv]
  const out = outputTag({...bc, spec: s} as KObject)
  const triggeredBy = arr(request.triggeredBy)
  return {
    apiVersion: BUILD_API,
    kind: 'Build',
    metadata: {
      name: `${bcName}-${n}`,
      namespace: ns,
      labels: {
        ...(bc.metadata.labels ?? {}),
        buildconfig: bcName,
        'openshift.io/build-config.name': bcName,
        'openshift.io/build.start-policy': str(s.runPolicy) ?? 'Serial',
      },
      annotations: {'openshift.io/build-config.name': bcName, 'openshift.io/build.number': String(n)},
      ownerReferences: [ownerRef(bc)],
    },
    spec: {
      serviceAccount: str(s.serviceAccount) ?? 'builder',
      source: s.source ?? {},
      ...(request.revision ? {revision: request.revision} : {}),
      strategy: s.strategy ?? {},
      output: s.output ?? {},
      resources: s.resources ?? {},
      postCommit: s.postCommit ?? {},
      nodeSelector: s.nodeSelector ?? null,
      triggeredBy: triggeredBy.length ? triggeredBy : [{message: 'Manually triggered'}],
    },
    status: {
      phase: 'New',
      config: {kind: 'BuildConfig', namespace: ns, name: bcName},
      ...(out
        ? {outputDockerImageReference: `${INTERNAL_REGISTRY}/${out.namespace}/${out.stream}:${out.tag}`}
        : {}),
    },
  }
}

/** POST buildconfigs/NAME/instantiate. */
export function instantiate(
  ctx: SimContext,
  namespace: string,
  name: string,
  request: KObject,
  user?: UserInfo,
): KObject {
  const bcRt = ctx.mustRt(BUILD_API, 'buildconfigs')
  const bc = ctx.store.get(bcRt, namespace, name)
  if (!bc)
    throw new ApiError(404, 'NotFound', `buildconfigs.build.openshift.io "${name}" not found`, {
      name,
      group: 'build.openshift.io',
      kind: 'buildconfigs',
    })
  if (spec(bc).paused === true) {
    throw new ApiError(
      422,
      'Invalid',
      `BuildConfig.build.openshift.io "${name}" is invalid: spec.paused: Invalid value: true: can't instantiate from BuildConfig ${namespace}/${name}: BuildConfig is paused`,
    )
  }
  const n = (num(obj(bc.status).lastVersion) ?? 0) + 1
  const after = clone(bc)
  after.status = {...obj(after.status), lastVersion: n}
  ctx.store.update(bcRt, after)
  const build = ctx.store.create(ctx.mustRt(BUILD_API, 'builds'), buildFromConfig(ctx, bc, n, request), {
    user,
  })
  ctx.builds.set(key(namespace, build.metadata.name ?? ''), {
    log: new LogStream(),
    runningSteps: 0,
    stepsRunning: 0,
    createdStep: ctx.stepCount,
  })
  return build
}

/** A scenario's forced outcome for this build (by namespace, BuildConfig or build name). */
function behaviourFor(ctx: SimContext, build: KObject): BuildBehaviour | undefined {
  return ctx.opts.builds.find(b => {
    const m = b.match
    return (
      (!m.namespace || globMatch(m.namespace, nsOf(build))) &&
      (!m.buildConfig ||
        globMatch(m.buildConfig, build.metadata.labels?.['openshift.io/build-config.name'] ?? '')) &&
      (!m.build || globMatch(m.build, build.metadata.name ?? ''))
    )
  })
}

/** The image a strategy builds from, resolved to a pull spec (an ImageStreamTag through its stream). */
function fromImage(ctx: SimContext, build: KObject): string | undefined {
  const from = strategyFrom(spec(build))
  const name = from && str(from.name)
  if (from?.kind === 'ImageStreamTag' && name) {
    const [stream, tag] = splitTag(name)
    return tagImage(ctx, str(from.namespace) ?? nsOf(build), stream, tag)?.reference
  }
  return name
}

const failed = (reason: string, lines: string[], message = REASON_MESSAGES[reason] ?? reason): BuildPlan => ({
  outcome: 'Failed',
  reason,
  message,
  lines,
})

/** Docker strategy: the Dockerfile (inline, else the checkout's) interpreted over the pulled base image. */
function planDocker(
  ctx: SimContext,
  build: KObject,
  files: Record<string, RepoFile>,
  label: string,
): BuildPlan {
  const source = obj(spec(build).source)
  const strategy = obj(obj(spec(build).strategy).dockerStrategy)
  const dockerfilePath = str(strategy.dockerfilePath) ?? 'Dockerfile'
  const inline = str(source.dockerfile)
  const text = inline ?? files[dockerfilePath]?.text
  if (text === undefined) {
    return failed('DockerBuildFailed', [
      `error: build error: the Dockerfile (${dockerfilePath}) cannot be found: open /tmp/build/inputs/${dockerfilePath}: no such file or directory`,
    ])
  }
  const lines: string[] = []
  const written = /^\s*FROM\s+(\S+)/im.exec(text.replace(/^#.*$/gm, ''))?.[1]
  const replaced = fromImage(ctx, build)
  if (replaced && written) lines.push(`Replaced Dockerfile FROM image ${written}`)
  const image = replaced ?? written
  if (!image) return failed('DockerBuildFailed', ['error: build error: no FROM statement found'])
  const pulled = pull(ctx, nsOf(build), image)
  if (!pulled.ok) {
    return failed('PullBuilderImageFailed', [
      ...lines,
      `error: build error: failed to pull image ${image}: ${pulled.message}`,
    ])
  }
  lines.push(`Pulling image ${image} ...`)
  const result = interpretDockerfile(pulled.profile, text, {name: label, context: files, from: image})
  const stepLines = result.steps.map((st, i) => `STEP ${i + 1}/${result.total}: ${st}`)
  // the failing step's output comes right after its STEP line
  if (!result.ok) return failed('DockerBuildFailed', [...lines, ...stepLines, ...result.log, result.error])
  return {outcome: 'Complete', lines: [...lines, ...stepLines], profile: result.profile}
}

/**
 * Source strategy (S2I): the builder must declare its scripts (`io.openshift.s2i.scripts-url`), have an
 * assemble script there and a numeric USER (S2I cannot otherwise tell it is not root).
 */
function planSource(ctx: SimContext, build: KObject, files: Record<string, RepoFile>): BuildPlan {
  const image = fromImage(ctx, build)
  if (!image) return failed('InvalidImageReference', [], 'Referenced image could not be resolved.')
  const pulled = pull(ctx, nsOf(build), image)
  if (!pulled.ok) return failed('PullBuilderImageFailed', [`error: build error: ${pulled.message}`])
  const builder = pulled.profile
  if (!/^\d+(:\d+)?$/.test(builder.user) || builder.user.split(':')[0] === '0') {
    return failed('GenericS2IBuildFailed', [
      `error: build error: image "${image}" must specify a user that is numeric and within the range of allowed users`,
    ])
  }
  const scripts = (builder.labels['io.openshift.s2i.scripts-url'] ?? '').replace(/^image:\/\//, '')
  const assemble = scripts ? builder.files[`${scripts}/assemble`] : undefined
  if (assemble?.script !== 's2i-assemble') {
    return failed('GenericS2IBuildFailed', [
      `error: build error: no assemble script found in provided url(s): ${scripts ? `image://${scripts}` : '(none)'}`,
    ])
  }
  return {
    outcome: 'Complete',
    lines: [
      `Using ${image} as the s2i builder image`,
      '---> Installing application source ...',
      ...(files['requirements.txt'] ? ['---> Installing dependencies ...'] : []),
      `STEP 1/2: FROM ${image}`,
      `STEP 2/2: CMD ${JSON.stringify(builder.cmd)}`,
    ],
    profile: builder,
  }
}

/** Clones the source and decides what the build does (a scenario's forced outcome wins). */
function planBuild(
  ctx: SimContext,
  build: KObject,
  behaviour: BuildBehaviour | undefined,
): {clone: string[]; plan: BuildPlan} {
  const source = obj(spec(build).source)
  const git = obj(source.git)
  const uri = str(git.uri)
  const label = `${nsOf(build)}/${build.metadata.name}`
  let files: Record<string, RepoFile> = {}
  const clone: string[] = []
  if (uri) {
    clone.push(`Cloning "${uri}" ...`)
    const co = checkout(ctx.opts.repositories, uri, str(git.ref))
    if (!co.ok) return {clone: [...clone, ...co.log], plan: failed(co.reason, [], co.message)}
    clone.push(
      `\tCommit:\t${co.commit} (Update build)`,
      '\tAuthor:\tOpenShift Sandbox <sandbox@example.com>',
      `\tDate:\t${new Date(0).toUTCString()}`,
    )
    files = underDir(co.files, str(source.contextDir))
  }
  if (behaviour?.outcome) {
    const reason =
      behaviour.reason ??
      (behaviour.outcome === 'Cancelled'
        ? 'CancelledBuild'
        : behaviour.outcome === 'Error'
          ? 'BuildPodDeleted'
          : behaviour.outcome === 'Failed'
            ? 'GenericBuildFailed'
            : undefined)
    const forced: BuildPlan = {
      outcome: behaviour.outcome,
      lines: behaviour.log ?? [],
      ...(reason ? {reason, message: behaviour.message ?? REASON_MESSAGES[reason] ?? reason} : {}),
    }
    if (behaviour.outcome !== 'Complete') return {clone, plan: forced}
  }
  const strategy = obj(spec(build).strategy)
  const plan = strategy.sourceStrategy ? planSource(ctx, build, files) : planDocker(ctx, build, files, label)
  return {clone, plan: behaviour?.log ? {...plan, lines: [...plan.lines, ...behaviour.log]} : plan}
}

function setPhase(ctx: SimContext, build: KObject, mutate: (st: Obj) => void): boolean {
  const after = clone(build)
  const st = obj(after.status)
  mutate(st)
  after.status = st
  return ctx.save(BUILD_API, 'builds', build, after)
}

function durationNs(start: unknown, end: string): number {
  const s = Date.parse(String(start ?? end))
  return Math.max(0, Date.parse(end) - s) * 1_000_000
}

function finish(
  ctx: SimContext,
  build: KObject,
  phase: string,
  plan: Partial<BuildPlan>,
  log: LogStream,
): boolean {
  const now = ctx.ts()
  const label = `${nsOf(build)}/${build.metadata.name}`
  if (phase === 'Complete') {
    const out = outputTag(build)
    const is = out ? ctx.get('image.openshift.io/v1', 'imagestreams', out.namespace, out.stream) : undefined
    const profile = plan.profile ?? ctx.opts.profiles[ctx.opts.defaultProfile]
    const digest = ctx.newDigest(label)
    const reference = out
      ? `${INTERNAL_REGISTRY}/${out.namespace}/${out.stream}@${digest}`
      : `${INTERNAL_REGISTRY}/${label}@${digest}`
    log.write(
      `COMMIT temp.builder.openshift.io/${label}:${digest.slice(7, 15)}`,
      'Getting image source signatures',
      'Writing manifest to image destination',
      ...(out
        ? [
            `Pushing image ${INTERNAL_REGISTRY}/${out.namespace}/${out.stream}:${out.tag} ...`,
            `Successfully pushed ${reference}`,
            'Push successful',
          ]
        : []),
    )
    const img = registerImage(ctx, reference, digest, profile)
    if (is && out) pushTag(ctx, is, out.tag, img)
    log.end()
    ctx.event(build, 'Normal', 'BuildCompleted', `Build ${label} completed successfully`, 'build-controller')
    return setPhase(ctx, build, st => {
      st.phase = 'Complete'
      st.completionTimestamp = now
      st.duration = durationNs(st.startTimestamp, now)
      st.outputDockerImageReference = out
        ? `${INTERNAL_REGISTRY}/${out.namespace}/${out.stream}:${out.tag}`
        : reference
      st.output = {to: {imageDigest: digest}}
      delete st.reason
      delete st.message
    })
  }
  const reason =
    plan.reason ??
    (phase === 'Cancelled' ? 'CancelledBuild' : phase === 'Error' ? 'BuildPodDeleted' : 'GenericBuildFailed')
  const message = plan.message ?? REASON_MESSAGES[reason] ?? reason
  const snippet = log.lines().slice(-5).join('\n')
  log.end()
  ctx.event(
    build,
    phase === 'Cancelled' ? 'Normal' : 'Warning',
    phase === 'Cancelled' ? 'BuildCancelled' : 'BuildFailed',
    phase === 'Cancelled' ? `Build ${label} has been cancelled` : `Build ${label} failed`,
    'build-controller',
  )
  return setPhase(ctx, build, st => {
    st.phase = phase
    st.reason = reason
    st.message = message
    if (phase !== 'Cancelled' && snippet) st.logSnippet = snippet
    if (phase === 'Cancelled') st.cancelled = true
    st.completionTimestamp = now
    if (st.startTimestamp) st.duration = durationNs(st.startTimestamp, now)
  })
}

/** One transition for every non-terminal build. */
export function buildStep(ctx: SimContext): boolean {
  let changed = false
  for (const build of ctx.list(BUILD_API, 'builds')) {
    const st = obj(build.status)
    const phase = str(st.phase) ?? 'New'
    if (TERMINAL.has(phase)) continue
    const k = key(nsOf(build), build.metadata.name ?? '')
    let bs = ctx.builds.get(k)
    if (!bs)
      ctx.builds.set(k, (bs = {log: new LogStream(), runningSteps: 0, stepsRunning: 0, createdStep: -1}))
    if (bs.createdStep === ctx.stepCount) continue
    const behaviour = behaviourFor(ctx, build)
    if (st.cancelled === true) {
      bs.log.write('Build was cancelled')
      changed =
        finish(ctx, build, 'Cancelled', behaviour?.outcome === 'Cancelled' ? behaviour : {}, bs.log) ||
        changed
      continue
    }
    if (phase === 'New') {
      const out = outputTag(build)
      if (out && !ctx.get('image.openshift.io/v1', 'imagestreams', out.namespace, out.stream)) {
        changed =
          setPhase(ctx, build, s => {
            s.reason = 'InvalidOutputReference'
            s.message = 'Output image could not be resolved.'
          }) || changed
        continue
      }
      const from = strategyFrom(spec(build))
      if (from?.kind === 'ImageStreamTag' && str(from.name)) {
        const [stream, tag] = splitTag(str(from.name) as string)
        if (!tagImage(ctx, str(from.namespace) ?? nsOf(build), stream, tag)) {
          changed =
            setPhase(ctx, build, s => {
              s.reason = 'InvalidImageReference'
              s.message = 'Referenced image could not be resolved.'
            }) || changed
          continue
        }
      }
      changed =
        setPhase(ctx, build, s => {
          s.phase = 'Pending'
          delete s.reason
          delete s.message
        }) || changed
      continue
    }
    if (phase === 'Pending') {
      bs.runningSteps = behaviour?.runningSteps ?? ctx.opts.buildRunningSteps
      const {clone, plan} = planBuild(ctx, build, behaviour)
      bs.plan = plan
      bs.log.write(...clone)
      ctx.event(
        build,
        'Normal',
        'BuildStarted',
        `Build ${nsOf(build)}/${build.metadata.name} is now running`,
        'build-controller',
      )
      changed =
        setPhase(ctx, build, s => {
          s.phase = 'Running'
          s.startTimestamp = ctx.ts()
        }) || changed
      continue
    }
    // Running: a build seeded as Running by a scenario gets its plan now
    const plan = (bs.plan ??= planBuild(ctx, build, behaviour).plan)
    if (bs.stepsRunning === 0) bs.log.write(...plan.lines)
    bs.stepsRunning++
    if (behaviour?.hang || bs.stepsRunning < bs.runningSteps) {
      if (bs.stepsRunning <= bs.runningSteps) changed = true
      continue
    }
    changed = finish(ctx, build, plan.outcome, plan, bs.log) || changed
  }
  return changed
}

interface TriggerMemory {
  configChangeFired: boolean
}

const memory = new WeakMap<SimContext, Map<string, TriggerMemory>>()

/**
 * BuildConfig triggers: ConfigChange starts build 1 of a new BuildConfig; ImageChange starts a build
 * when the `from` image stream tag gets a new image (the first image seen is only recorded, so a new
 * BuildConfig with both triggers starts one build, as on OpenShift).
 */
export function buildConfigTriggers(ctx: SimContext): boolean {
  if (!ctx.rt(BUILD_API, 'buildconfigs')) return false
  let mem = memory.get(ctx)
  if (!mem) memory.set(ctx, (mem = new Map()))
  let changed = false
  for (const bc of ctx.list(BUILD_API, 'buildconfigs')) {
    if (bc.metadata.deletionTimestamp || spec(bc).paused === true) continue
    const uid = bc.metadata.uid ?? ''
    let m = mem.get(uid)
    if (!m) mem.set(uid, (m = {configChangeFired: false}))
    const triggers = arr(spec(bc).triggers)
    const lastVersion = num(obj(bc.status).lastVersion) ?? 0
    const imageTriggers = triggers.filter(t => t.type === 'ImageChange')
    const from = strategyFrom(spec(bc))
    const fromOf = (t: Obj): Obj | undefined => {
      const f = obj(obj(t.imageChange).from)
      const ref = str(f.name) ? f : from
      return ref?.kind === 'ImageStreamTag' && str(ref.name) ? ref : undefined
    }
    const current = (t: Obj) => {
      const ref = fromOf(t)
      if (!ref) return undefined
      const [stream, tag] = splitTag(str(ref.name) as string)
      return tagImage(ctx, str(ref.namespace) ?? nsOf(bc), stream, tag)?.reference
    }
    // OpenShift 4.8+ records the last image per trigger in status.imageChangeTriggers
    const lastOf = (t: Obj) => {
      const ref = fromOf(t)
      return str(
        arr(obj(bc.status).imageChangeTriggers).find(x => obj(x.from).name === ref?.name)
          ?.lastTriggeredImageID,
      )
    }
    const record = () => {
      const latest = ctx.get(BUILD_API, 'buildconfigs', nsOf(bc), bc.metadata.name ?? '') ?? bc
      const after = clone(latest)
      const st = obj(after.status)
      st.imageChangeTriggers = imageTriggers
        .map(t => ({t, ref: fromOf(t), img: current(t)}))
        .filter(x => x.ref && x.img)
        .map(x => ({
          lastTriggeredImageID: x.img,
          from: {name: x.ref?.name, ...(x.ref?.namespace ? {namespace: x.ref.namespace} : {})},
          lastTriggerTime: ctx.ts(),
        }))
      after.status = st
      ctx.save(BUILD_API, 'buildconfigs', latest, after)
    }
    if (!m.configChangeFired && lastVersion === 0 && triggers.some(t => t.type === 'ConfigChange')) {
      m.configChangeFired = true
      instantiate(ctx, nsOf(bc), bc.metadata.name ?? '', {
        apiVersion: BUILD_API,
        kind: 'BuildRequest',
        metadata: {name: bc.metadata.name},
        triggeredBy: [{message: 'Build configuration change'}],
      })
      record()
      changed = true
      continue
    }
    m.configChangeFired = true
    for (const t of imageTriggers) {
      const img = current(t)
      const last = lastOf(t)
      if (!img) continue
      if (!last) {
        record()
        continue
      }
      if (img !== last) {
        instantiate(ctx, nsOf(bc), bc.metadata.name ?? '', {
          apiVersion: BUILD_API,
          kind: 'BuildRequest',
          metadata: {name: bc.metadata.name},
          triggeredBy: [{message: 'Image change', imageChangeBuild: {imageID: img, fromRef: from ?? {}}}],
        })
        record()
        changed = true
      }
    }
  }
  return changed
}

/** GET builds/NAME/log: the lines so far; `follow` readers get the rest as steps write them. */
export function buildLog(ctx: SimContext, namespace: string, name: string): LogSource {
  const build = ctx.get(BUILD_API, 'builds', namespace, name)
  if (!build)
    throw new ApiError(404, 'NotFound', `builds.build.openshift.io "${name}" not found`, {
      name,
      group: 'build.openshift.io',
      kind: 'builds',
    })
  const bs = ctx.builds.get(key(namespace, name))
  if (bs) return bs.log
  // builds a scenario seeded: no log unless scripted by the scenario
  return new LogStream([], TERMINAL.has(str(obj(build.status).phase) ?? 'New'))
}

/**
 * Build failures we recognise from the log, each with the reason in plain words and a complete
 * command that gets a working build. The remedies are the failed build's own command line with the
 * one thing changed that fixes it (command.ts), so they keep the user's other choices.
 *
 * The upstream builder (getwarped/s2i-minimal-notebook) is frozen: its Dockerfiles install
 * `libav-tools`, which Ubuntu dropped in 18.04 (FACTS.md §The upstream builder). oc-jupyter's own
 * Dockerfile for that repository (render/dockerfile.ts) installs ffmpeg instead.
 */
import {DEFAULT_BASE_IMAGE, DEFAULT_REPO} from '../values/defaults.js'
import {sameRepository} from '../values/git.js'
import {Quantity} from '../values/quantity.js'
import {buildCommand, type BuildCommandArgs} from './command.js'

export interface KnownFailure {
  id: string
  /** the log line that matched, verbatim */
  evidence: string
  explanation: string
  /** complete commands, the first the one to run */
  remedies: string[]
}

interface Pattern {
  id: string
  match: RegExp
  explain: (ctx: BuildCommandArgs) => string
  remedies: (ctx: BuildCommandArgs) => string[]
}

const isDefaultRepo = (ctx: BuildCommandArgs) =>
  ctx.fromSource === undefined && (ctx.repo === undefined || sameRepository(ctx.repo, DEFAULT_REPO))

/** The recipe's repository with oc-jupyter's Dockerfile, keeping name, base image and memory. */
const repairedBuilder = (ctx: BuildCommandArgs): string =>
  buildCommand({
    name: ctx.name,
    namespace: ctx.namespace,
    ...(isDefaultRepo(ctx) && ctx.ref !== undefined ? {ref: ctx.ref} : {}),
    ...(isDefaultRepo(ctx) && ctx.contextDir !== undefined ? {contextDir: ctx.contextDir} : {}),
    ...(ctx.baseImage === undefined ? {} : {baseImage: ctx.baseImage}),
    ...(ctx.buildMemory === undefined ? {} : {buildMemory: ctx.buildMemory}),
  })

/** Twice the memory the build had (1Gi → 2Gi), for an OOM-killed build. */
function moreMemory(ctx: BuildCommandArgs): string {
  const current = Quantity.tryParse(ctx.buildMemory ?? '1Gi')
  const bytes = current ? current.value * 2n : 2n * 1024n ** 3n
  const gi = 1024n ** 3n
  const mi = 1024n ** 2n
  return bytes % gi === 0n ? `${bytes / gi}Gi` : `${(bytes + mi - 1n) / mi}Mi`
}

const PATTERNS: Pattern[] = [
  {
    id: 'upstream-libav-tools',
    match: /(Package 'libav-tools' has no installation candidate|Unable to locate package libav-tools)/,
    explain: ctx =>
      isDefaultRepo(ctx)
        ? "the branch's own Dockerfile installs 'libav-tools', which Ubuntu dropped in 18.04 (ffmpeg replaced it); " +
          "oc-jupyter's Dockerfile for this repository installs ffmpeg"
        : "the repository's Dockerfile installs 'libav-tools', which Ubuntu dropped in 18.04: replace it with ffmpeg " +
          "there, or build the recipe's branch with oc-jupyter's Dockerfile",
    remedies: ctx => [repairedBuilder(ctx)],
  },
  {
    id: 'registry-rate-limit',
    match: /(toomanyrequests|You have reached your pull rate limit)/i,
    explain: () => 'the registry refused to serve the base image (pull rate limit)',
    remedies: ctx =>
      ctx.baseImage !== undefined && ctx.baseImage !== DEFAULT_BASE_IMAGE
        ? [buildCommand({...ctx, baseImage: DEFAULT_BASE_IMAGE})]
        : [buildCommand({...ctx, rebuild: true})],
  },
  {
    id: 'base-image-missing',
    match: /(manifest unknown|manifest for \S+ not found|repository does not exist or may require)/i,
    explain: () => 'the base image could not be pulled: it does not exist or needs credentials',
    remedies: ctx => [buildCommand({...ctx, baseImage: DEFAULT_BASE_IMAGE})],
  },
  {
    id: 'out-of-memory',
    match: /(OOMKilled|OutOfMemoryKilled|Killed\s*$|out of memory)/i,
    explain: () => 'the build ran out of memory',
    remedies: ctx => [buildCommand({...ctx, buildMemory: moreMemory(ctx), rebuild: true})],
  },
  {
    id: 'git-ref-missing',
    match: /(couldn't find remote ref|Remote branch \S+ not found|did not match any file\(s\) known to git)/i,
    explain: ctx => `the Git ref ${ctx.ref ?? ''} does not exist in the repository`.replace('  ', ' '),
    remedies: ctx =>
      isDefaultRepo(ctx)
        ? [buildCommand({...ctx, ref: undefined})]
        : [`git ls-remote --heads --tags ${ctx.fromSource ?? ctx.repo}`],
  },
]

/** The first known failure found in the log (search from the end: the last error is the cause). */
export function diagnoseBuildLog(lines: readonly string[], ctx: BuildCommandArgs): KnownFailure | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    for (const p of PATTERNS) {
      if (p.match.test(lines[i])) {
        return {id: p.id, evidence: lines[i].trim(), explanation: p.explain(ctx), remedies: p.remedies(ctx)}
      }
    }
  }
  return undefined
}

/**
 * Every documented Build `status.reason` (openshift/api build/v1 consts.go StatusReason*): what it
 * means, and — where the reason alone decides it — the command that gets a working build. Reasons whose
 * cause is in the log (DockerBuildFailed, GenericBuildFailed...) have no remedy here: the log patterns
 * above give it, else the log itself is the next step.
 */
export const BUILD_STATUS_REASONS: Readonly<
  Record<string, {explanation: string; remedy?: (ctx: BuildCommandArgs) => string}>
> = {
  DockerBuildFailed: {explanation: 'a step of the Dockerfile failed; the log names the step'},
  GenericBuildFailed: {explanation: 'the build failed; the log says why'},
  FailedContainer: {explanation: 'a container of the build pod exited with an error; the log says why'},
  Error: {explanation: 'the build ended in an error; the log says why'},
  PostCommitHookFailed: {explanation: "the BuildConfig's post-commit hook failed on the built image"},
  FetchSourceFailed: {
    explanation: 'the Git checkout failed: the repository or ref does not exist, or needs credentials',
    remedy: ctx =>
      `git ls-remote ${ctx.fromSource ?? ctx.repo ?? DEFAULT_REPO}   # the repository and ref must be readable`,
  },
  InvalidContextDirectory: {
    explanation: 'the context directory does not exist in the checkout',
    remedy: ctx => buildCommand({...ctx, contextDir: undefined, rebuild: true}),
  },
  PullBuilderImageFailed: {
    explanation: 'the base (builder) image could not be pulled: it does not exist, or needs credentials',
    remedy: ctx => buildCommand({...ctx, baseImage: DEFAULT_BASE_IMAGE}),
  },
  PushImageToRegistryFailed: {
    explanation:
      'the built image could not be pushed to the internal registry (registry unavailable or out of storage); the build itself succeeded',
    remedy: ctx => buildCommand({...ctx, rebuild: true}),
  },
  OutOfMemoryKilled: {
    explanation: 'the build pod was killed for its memory use',
    remedy: ctx => buildCommand({...ctx, buildMemory: moreMemory(ctx), rebuild: true}),
  },
  BuildPodEvicted: {
    explanation: 'the build pod was evicted from its node (node pressure)',
    remedy: ctx => buildCommand({...ctx, rebuild: true}),
  },
  BuildPodDeleted: {
    explanation: 'the build pod was deleted before the build completed',
    remedy: ctx => buildCommand({...ctx, rebuild: true}),
  },
  BuildPodExists: {
    explanation: 'a build pod of the same name already existed',
    remedy: ctx => buildCommand({...ctx, rebuild: true}),
  },
  NoBuildContainerStatus: {
    explanation: 'the build pod reported no container status (it was lost)',
    remedy: ctx => buildCommand({...ctx, rebuild: true}),
  },
  ExceededRetryTimeout: {
    explanation: 'the build did not complete before its retries timed out',
    remedy: ctx => buildCommand({...ctx, rebuild: true}),
  },
  CannotCreateBuildPod: {
    explanation: 'the build pod could not be created (quota, admission or a missing service account)',
  },
  CannotCreateBuildPodSpec: {
    explanation: 'the build strategy could not make a pod spec (invalid BuildConfig)',
  },
  CannotRetrieveServiceAccount: {
    explanation:
      "the builder service account could not be read (the project's service account controller has not made it yet)",
  },
  InvalidOutputReference: {
    explanation: 'the build output names an invalid image reference',
    remedy: ctx => buildCommand(ctx),
  },
  InvalidImageReference: {
    explanation: 'the build names an invalid image reference',
    remedy: ctx => buildCommand(ctx),
  },
  MissingPushSecret: {explanation: 'the push secret the build names does not exist'},
  UnresolvableEnvironmentVariable: {
    explanation: 'a build environment variable refers to a Secret or ConfigMap key that does not exist',
  },
  CancelledBuild: {
    explanation: 'the build was cancelled',
    remedy: ctx => buildCommand({...ctx, rebuild: true}),
  },
  CancelBuildFailed: {explanation: 'cancelling the build failed'},
}

/** A Build status.reason in plain words (undefined for a reason not documented). */
export function explainBuildReason(reason: string | undefined): string | undefined {
  return reason === undefined ? undefined : BUILD_STATUS_REASONS[reason]?.explanation
}

/** Reasons from the Build status that map to a remedy even without a log (FACTS.md build reasons). */
export function remedyForReason(reason: string | undefined, ctx: BuildCommandArgs): string | undefined {
  return reason === undefined ? undefined : BUILD_STATUS_REASONS[reason]?.remedy?.(ctx)
}

/**
 * SimOptions: the `simulator:` section of a scenario file (documented in sim/README.md). Every field is
 * optional; `normalizeOptions` fills the defaults.
 */
import {openshiftHas} from '../profiles/versions.js'
import {type Level, type Mode, MODES, OPENSHIFT_DEFAULTS, type PodSecurityPolicy} from './podsecurity.js'
import {type AllocatorOptions, DEFAULT_ALLOCATOR} from './uid.js'
import {
  BUILTIN_IMAGE_RULES,
  BUILTIN_PROFILES,
  type ImageProfile,
  type ImageProfileInput,
  type ImageRule,
  resolveProfile,
} from './profiles.js'
import {BUILTIN_REPOSITORIES, type RepoFile, type Repository} from './repositories.js'
import type {ScriptBehaviour, ScriptKind} from './scripts.js'

export type BuildOutcome = 'Complete' | 'Failed' | 'Error' | 'Cancelled'

/**
 * What the model cannot derive from a build's inputs (an OOM kill, an evicted pod, a hang): forced by
 * the build's or BuildConfig's name, never by its source.
 */
export interface BuildBehaviour {
  match: {namespace?: string; buildConfig?: string; build?: string}
  outcome?: BuildOutcome
  /** e.g. DockerBuildFailed, FetchSourceFailed, GenericBuildFailed, PullBuilderImageFailed, OutOfMemoryKilled */
  reason?: string
  message?: string
  /** log lines written while Running (before the outcome) */
  log?: string[]
  /** stays Running forever */
  hang?: boolean
  /** steps spent Running (default `buildRunningSteps`) */
  runningSteps?: number
}

/** A repository as a scenario writes it: files by ref; a file is text, or a script (name or behaviour). */
export interface RepositoryInput {
  url: string
  defaultBranch?: string
  refs: Record<
    string,
    Record<string, string | {text?: string; script?: ScriptKind | ScriptBehaviour; mode?: number | string}>
  >
}

export type PodOutcome =
  'Running' | 'CrashLoopBackOff' | 'CreateContainerConfigError' | 'ErrImagePull' | 'Pending'

export interface PodOverride {
  /** `owner: Deployment/notebook` matches the pods that Deployment's ReplicaSets create (names unknown at load) */
  match: {namespace?: string; name?: string; container?: string; owner?: string}
  /** forces the container's state instead of what the image model decides */
  outcome?: PodOutcome
  /** waiting message / termination message */
  message?: string
  /** log lines of the current container (and of every crash) */
  log?: string[]
  exitCode?: number
  /** readiness when Running (default true) */
  ready?: boolean
  /** scripted exec answers keyed by the command joined with spaces */
  exec?: Record<string, {stdout?: string; stderr?: string; exitCode?: number}>
}

/**
 * An event recorded once on every object that matches, when it appears — for objects whose names are
 * generated (a Deployment's ReplicaSets and pods). `kind` defaults to Pod and ReplicaSet.
 */
export interface EventRule {
  match: {kind?: string; owner?: string; name?: string; namespace?: string}
  type?: 'Normal' | 'Warning'
  reason: string
  message: string
  /** the reporting component (default fake-openshift) */
  source?: string
}

export interface PvcBehaviour {
  match: {namespace?: string; name?: string}
  phase: 'Pending' | 'Bound' | 'Lost'
  /** a Warning event while Pending, e.g. {reason: 'ProvisioningFailed', message: '...'} */
  event?: {reason: string; message: string}
}

export interface RouteBehaviour {
  match: {namespace?: string; name?: string}
  admitted: boolean
  reason?: string
  message?: string
}

export interface SimOptions {
  /** the cluster's Kubernetes minor (/version), for rules that changed between releases (default 31) */
  kubernetesMinor?: number
  /**
   * Pod Security Admission (OpenShift 4.11+; earlier releases: off). `defaults`: the kube-apiserver's
   * levels for namespaces without labels (OpenShift: enforce privileged, warn and audit restricted);
   * `labelSync`: what the cluster-policy-controller syncs — `warn-audit` (every release so far), `all`
   * (also `enforce`, and enforce restricted by default: the TechPreview `OpenShiftPodSecurityAdmission`
   * feature gate) or `off`
   */
  podSecurity?: {defaults?: Partial<Record<Mode, Level>>; labelSync?: 'warn-audit' | 'all' | 'off'}
  /** router domain for generated hosts (default apps.sandbox.example.com) */
  appsDomain?: string
  /** timestamps: real clock by default; `start` gives a virtual clock advancing `secondsPerStep` per step */
  clock?: {start?: string; secondsPerStep?: number}
  /** UID block allocator (OpenShift: 1000000000..1999999999, blocks of 10000) */
  uidAllocator?: Partial<AllocatorOptions>
  /** per-namespace pinning: {NAME: {uidStart: 1000040000}} or {NAME: {annotations: false}} */
  namespaces?: Record<string, {uidStart?: number; annotations?: boolean}>
  /** false: namespaces get no SCC annotations (reproduces `unable to find annotation ...uid-range`) */
  namespaceAnnotations?: boolean
  /** create the default/builder/deployer ServiceAccounts in new namespaces (default true) */
  serviceAccounts?: boolean
  /** the service CA signs serving certificates and every namespace gets the CA bundle ConfigMaps (default true) */
  serviceCA?: boolean
  /** extra or overriding image profiles */
  profiles?: Record<string, ImageProfileInput>
  /** image reference / image stream tag → profile rules, tried before the built-in ones */
  images?: ImageRule[]
  /** profile for images no rule knows (default `generic`) */
  defaultProfile?: string
  /** image reference globs that cannot be pulled (ErrImagePull) */
  unpullableImages?: string[]
  /** forced build outcomes, first match wins */
  builds?: BuildBehaviour[]
  /** Git repositories builds can clone, besides the built-in ones (repositories.ts) */
  repositories?: RepositoryInput[]
  /** steps a build spends Running (default 2) */
  buildRunningSteps?: number
  /** per-pod forced outcomes/logs/exec answers */
  pods?: PodOverride[]
  /** events recorded on matching objects as they appear */
  events?: EventRule[]
  pvc?: {
    /** fsGroup ownership management makes PVCs writable for the pod's fsGroup (default true) */
    ownershipManagement?: boolean
    /** PVC roots are world-writable even without fsGroup (default false) */
    worldWritable?: boolean
    behaviours?: PvcBehaviour[]
  }
  /** routes get status.ingress Admitted (default true) */
  autoAdmitRoutes?: boolean
  routes?: RouteBehaviour[]
  /** crash-looping containers stop restarting after this many restarts (default 5) so settle() ends */
  maxRestarts?: number
  /** steps without progress before a rollout reports ProgressDeadlineExceeded (default 60) */
  progressDeadlineSteps?: number
}

export interface Normalized {
  kubernetesMinor: number
  podSecurity: {defaults: PodSecurityPolicy; labelSync: 'warn-audit' | 'all' | 'off'}
  appsDomain: string
  clock: {start?: number; secondsPerStep: number}
  allocator: AllocatorOptions
  namespaces: Record<string, {uidStart?: number; annotations?: boolean}>
  namespaceAnnotations: boolean
  serviceAccounts: boolean
  serviceCA: boolean
  profiles: Record<string, ImageProfile>
  imageRules: ImageRule[]
  defaultProfile: string
  unpullableImages: string[]
  builds: BuildBehaviour[]
  repositories: Repository[]
  buildRunningSteps: number
  pods: PodOverride[]
  events: EventRule[]
  pvc: {ownershipManagement: boolean; worldWritable: boolean; behaviours: PvcBehaviour[]}
  autoAdmitRoutes: boolean
  routes: RouteBehaviour[]
  maxRestarts: number
  progressDeadlineSteps: number
}

export function normalizeOptions(o: SimOptions = {}): Normalized {
  const profiles: Record<string, ImageProfile> = {...structuredClone(BUILTIN_PROFILES)}
  // resolve in an order that lets profiles extend each other regardless of declaration order
  const pending = Object.entries(o.profiles ?? {})
  for (let guard = 0; pending.length && guard < 100; guard++) {
    const i = pending.findIndex(([, p]) => !p.extends || profiles[p.extends])
    if (i < 0)
      throw new Error(`simulator profiles: unknown base profile in ${pending.map(([n]) => n).join(', ')}`)
    const [name, input] = pending.splice(i, 1)[0]
    profiles[name] = resolveProfile(name, input, profiles)
  }
  const defaultProfile = o.defaultProfile ?? 'generic'
  if (!profiles[defaultProfile])
    throw new Error(`simulator defaultProfile: unknown profile ${defaultProfile}`)
  for (const r of o.images ?? []) {
    if (!profiles[r.profile]) throw new Error(`simulator image rule: unknown profile ${r.profile}`)
  }
  const kubernetesMinor = o.kubernetesMinor ?? 31
  return {
    kubernetesMinor,
    podSecurity: podSecurityOptions(kubernetesMinor, o.podSecurity),
    appsDomain: o.appsDomain ?? 'apps.sandbox.example.com',
    clock: {
      start: o.clock?.start ? Date.parse(o.clock.start) : undefined,
      secondsPerStep: o.clock?.secondsPerStep ?? 10,
    },
    allocator: {...DEFAULT_ALLOCATOR, ...(o.uidAllocator ?? {})},
    namespaces: o.namespaces ?? {},
    namespaceAnnotations: o.namespaceAnnotations ?? true,
    serviceAccounts: o.serviceAccounts ?? true,
    serviceCA: o.serviceCA ?? true,
    profiles,
    imageRules: [...(o.images ?? []), ...BUILTIN_IMAGE_RULES],
    defaultProfile,
    unpullableImages: o.unpullableImages ?? [],
    builds: o.builds ?? [],
    repositories: [...(o.repositories ?? []).map(toRepository), ...BUILTIN_REPOSITORIES],
    buildRunningSteps: o.buildRunningSteps ?? 2,
    pods: o.pods ?? [],
    events: [...(o.events ?? [])],
    pvc: {
      ownershipManagement: o.pvc?.ownershipManagement ?? true,
      worldWritable: o.pvc?.worldWritable ?? false,
      behaviours: o.pvc?.behaviours ?? [],
    },
    autoAdmitRoutes: o.autoAdmitRoutes ?? true,
    routes: o.routes ?? [],
    maxRestarts: o.maxRestarts ?? 5,
    progressDeadlineSteps: o.progressDeadlineSteps ?? 60,
  }
}

function podSecurityOptions(
  kubernetesMinor: number,
  o: SimOptions['podSecurity'] = {},
): Normalized['podSecurity'] {
  const psa = openshiftHas('podSecurityLabelSync', kubernetesMinor)
  const labelSync = o.labelSync ?? (psa ? 'warn-audit' : 'off')
  const base: PodSecurityPolicy = psa
    ? structuredClone(OPENSHIFT_DEFAULTS)
    : {
        enforce: {level: 'privileged', version: 'latest'},
        warn: {level: 'privileged', version: 'latest'},
        audit: {level: 'privileged', version: 'latest'},
      }
  // the feature gate also makes the global default enforce restricted
  if (labelSync === 'all') base.enforce.level = 'restricted'
  for (const mode of MODES) {
    const level = o.defaults?.[mode]
    if (level !== undefined) base[mode] = {level, version: 'latest'}
  }
  return {defaults: base, labelSync}
}

function toRepository(r: RepositoryInput): Repository {
  const refs: Repository['refs'] = {}
  for (const [ref, files] of Object.entries(r.refs)) {
    refs[ref] = {}
    for (const [path, f] of Object.entries(files)) {
      const file: RepoFile =
        typeof f === 'string'
          ? {text: f}
          : {
              ...(f.text === undefined ? {} : {text: f.text}),
              ...(f.script === undefined
                ? {}
                : {script: typeof f.script === 'string' ? {script: f.script} : f.script}),
              ...(f.mode === undefined
                ? {}
                : {mode: typeof f.mode === 'string' ? parseInt(f.mode, 8) : f.mode}),
            }
      refs[ref][path] = file
    }
  }
  return {url: r.url, defaultBranch: r.defaultBranch ?? Object.keys(r.refs)[0] ?? 'main', refs}
}

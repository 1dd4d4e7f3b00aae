/**
 * The doctor's vocabulary (STYLE.md: checks as data). A Check is a catalogue entry — stable id,
 * severity, what it reads, when it fires, the generic fix — plus a pure judge over the data that
 * gather.ts read once. Checks never print and never do I/O; report.ts renders their findings.
 *
 * Every check ends passed, failed (it has findings) or unknown: it found nothing, but a read it needs
 * was refused or failed, so "nothing" proves nothing (SPEC.md: never "passed" when blind).
 * Findings name their root cause (`cause`); report.ts makes one problem of each cause, the finding
 * that names the cause first and the others as its effects, and orders problems along the chain
 * project → SCC grants → pod template admission → volumes → builds and pulls → mounts → image → start.
 */
import type {KubeObject} from '../cluster/index.js'

export type Severity = 'error' | 'warning' | 'info'
export type Status = 'passed' | 'failed' | 'unknown'

/** Catalogue areas, in report order. */
export const AREAS = [
  'project',
  'admission',
  'grants',
  'pods',
  'image',
  'storage',
  'route',
  'auth',
  'build',
  'exec',
  'dockerfile',
] as const
export type Area = (typeof AREAS)[number]

/** One command of a fix, as run in a shell; `admin`: only a cluster administrator may run it. */
export interface FixCommand {
  command: string
  admin: boolean
}

export interface Finding {
  checkId: string
  severity: Severity
  /** one line: what is wrong, in the cluster's terms */
  message: string
  /** the objects' fields, event messages and log lines that prove it, verbatim where possible */
  evidence: string[]
  /** copy-paste command(s), one per line; `# ...` lines explain, lines after `# or` are alternatives */
  remediation: string
  /** the commands of the recommended fix (the remediation up to its first `# or`), in order */
  fix?: FixCommand[]
  object?: {kind: string; name: string}
  /** Dockerfile findings: 1-based line */
  line?: number
  /** the root cause this finding is part of (causes.ts): findings with the same cause are one problem */
  cause?: string
  /** this finding states the cause itself; the others of its cause are effects of it */
  root?: boolean
}

/** The data a check reads; when one of them could not be read, a check that found nothing is unknown. */
export type ReadKey =
  | 'project'
  | 'pods'
  | 'events'
  | 'workloads'
  | 'replicaSets'
  | 'serviceAccounts'
  | 'services'
  | 'pvcs'
  | 'storageClasses'
  | 'routes'
  | 'imageStreams'
  | 'imageStreamTags'
  | 'buildConfigs'
  | 'builds'
  | 'buildLogs'
  | 'podLogs'
  | 'roleBindings'
  | 'clusterRoleBindings'
  | 'roles'
  | 'sccs'
  | 'reviews'
  | 'access'
  | 'exec'
  /** --dockerfile: the final build stage (a file without FROM has none to judge) */
  | 'buildStage'

export interface Check<D> {
  /** stable: `area.what`, e.g. `project.uid-range-missing`; never renamed once released */
  id: string
  area: Area
  title: string
  severity: Severity
  /** what the check reads (for the generated docs) */
  reads: string
  /** when it fires */
  fires: string
  /** the generic remedy (findings carry the concrete commands) */
  fix: string
  /** the reads without which finding nothing proves nothing (a function when it depends on the data) */
  needs?: readonly ReadKey[] | ((data: D) => readonly ReadKey[])
  /** the judge: pure, total, no I/O */
  run(data: D): Finding[]
}

/** A read that yielded nothing: the doctor reports it, and the checks that need it are unknown. */
export interface Unread {
  key?: ReadKey
  what: string
  reason: 'forbidden' | 'not-served' | 'error'
  /** the permission that would let it be read, in `oc auth can-i` words: `list pods -n myproject` */
  permission?: string
  message?: string
}

export interface PodLogs {
  pod: string
  container: string
  current: string[]
  previous: string[]
}

export interface BuildInfo {
  build: KubeObject
  /** log tail of a failed build */
  log?: string[]
}

export interface ReviewAnswer {
  /** SCC that would admit the template, or null when none would */
  allowedBy: string | null
  reason?: string
  /** what was reviewed, for the evidence */
  subject: string
}

export interface ExecProbe {
  command: string
  exitCode: number | null
  stdout: string
  stderr: string
  error?: string
}

export interface ExecResult {
  pod: string
  container: string
  /** mount paths of the container's PVC volumes */
  mounts: string[]
  probes: ExecProbe[]
}

/** RBAC objects that may grant an SCC to the notebook's service account (src/lib/grants). */
export interface RbacData {
  /** RoleBindings of the namespace with a subject reaching the service account; undefined: not readable */
  roleBindings?: KubeObject[]
  /** ClusterRoleBindings with a subject reaching the service account; undefined: not readable */
  clusterRoleBindings?: KubeObject[]
  /** the roles those bindings refer to, by grants `roleKey()`; null: does not exist; absent: not readable */
  roles: Record<string, KubeObject | null>
}

/** Everything the checks may look at, read once by gather.ts. */
export interface DoctorData {
  namespace: string
  /** the instance asked for (NAME), if any */
  name?: string
  serviceAccount: string
  /**
   * full: every read answered; partial: some were refused (their checks may be unknown); blind: the
   * namespace itself could not be read (it does not exist, or the user has no role in it).
   */
  visibility: 'full' | 'partial' | 'blind'
  /** Project (or Namespace) with annotations and labels; undefined when not readable */
  project?: KubeObject
  /** pods of the live rollout (not of ReplicaSets scaled to zero) */
  pods: KubeObject[]
  /** Warning events of the relevant reasons, about objects of the live rollout only */
  events: KubeObject[]
  /** Deployments and DeploymentConfigs */
  workloads: KubeObject[]
  /** ReplicaSets of the live rollout: the newest of each Deployment and any still holding pods */
  replicaSets: KubeObject[]
  /** names of the ServiceAccounts the workloads run as that exist (undefined: not readable) */
  serviceAccounts?: string[]
  /** the ServiceAccount the workloads run as, when it exists and could be read */
  serviceAccountObject?: KubeObject
  /** Services of the instance (undefined: not readable) */
  services?: KubeObject[]
  /** names of every Route of the namespace (undefined: not readable) */
  routeNames?: string[]
  pvcs: KubeObject[]
  /** undefined: not read (no claim was Pending) or not readable */
  storageClasses?: KubeObject[]
  routes: KubeObject[]
  imageStreams: KubeObject[]
  /** ImageStreamTags the workloads deploy, by `IS:TAG` */
  imageStreamTags: Record<string, KubeObject>
  buildConfigs: KubeObject[]
  /** the latest build of each BuildConfig */
  builds: BuildInfo[]
  rbac: RbacData
  /** SCCs that matter (anyuid, privileged, and any non-default SCC a review or pod names); null: absent */
  sccs: Record<string, KubeObject | null>
  /** SelfSubjectAccessReview answers by grants `accessKey()` (what this user may change) */
  access: Record<string, boolean>
  /** SCC subject review of a probe pod (runAsUser 1000, no seccomp) for the service account */
  probeReview?: ReviewAnswer
  /** SCC subject review of each workload's pod template (by workload kind/name) */
  templateReviews: Array<ReviewAnswer & {workload: {kind: string; name: string}}>
  podLogs: PodLogs[]
  exec?: ExecResult
  unread: Unread[]
}

/**
 * The doctor's vocabulary (STYLE.md: checks as data). A Check is a catalogue entry — stable id,
 * severity, what it reads, when it fires, the generic fix — plus a pure judge over the data that
 * gather.ts read once. Checks never print and never do I/O; report.ts renders their findings.
 */
import type {KubeObject} from '../cluster/index.js'

export type Severity = 'error' | 'warning' | 'info'

/** Catalogue areas, in report order. */
export const AREAS = [
  'project',
  'admission',
  'grants',
  'pods',
  'image',
  'storage',
  'route',
  'build',
  'exec',
  'dockerfile',
] as const
export type Area = (typeof AREAS)[number]

export interface Finding {
  checkId: string
  severity: Severity
  /** one line: what is wrong, in the cluster's terms */
  message: string
  /** the objects' fields, event messages and log lines that prove it, verbatim where possible */
  evidence: string[]
  /** copy-paste command(s), one per line */
  remediation: string
  object?: {kind: string; name: string}
  /** Dockerfile findings: 1-based line */
  line?: number
}

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
  /** the judge: pure, total, no I/O */
  run(data: D): Finding[]
}

/** Why a read yielded nothing: the doctor reports it instead of failing (403 on cluster-scoped reads). */
export interface Unread {
  what: string
  reason: 'forbidden' | 'not-served' | 'error'
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

/** Everything the checks may look at, read once by gather.ts. */
export interface DoctorData {
  namespace: string
  /** the instance asked for (NAME), if any */
  name?: string
  serviceAccount: string
  /** Project (or Namespace) with annotations and labels; undefined when not readable */
  project?: KubeObject
  pods: KubeObject[]
  /** Warning events of the relevant reasons only */
  events: KubeObject[]
  /** Deployments and DeploymentConfigs */
  workloads: KubeObject[]
  replicaSets: KubeObject[]
  pvcs: KubeObject[]
  /** undefined: not readable (cluster-scoped) */
  storageClasses?: KubeObject[]
  routes: KubeObject[]
  imageStreams: KubeObject[]
  /** ImageStreamTags the workloads deploy, by `IS:TAG` */
  imageStreamTags: Record<string, KubeObject>
  buildConfigs: KubeObject[]
  /** the latest build of each BuildConfig */
  builds: BuildInfo[]
  /** RoleBindings in the namespace that reference an SCC-use role */
  roleBindings: KubeObject[]
  /** SCC by name (anyuid, privileged), when readable */
  sccs: Record<string, KubeObject>
  /** ClusterRoleBindings `system:openshift:scc:NAME`, when readable */
  clusterRoleBindings: Record<string, KubeObject>
  /** SCC subject review of a probe pod (runAsUser 1000, no seccomp) for the service account */
  probeReview?: ReviewAnswer
  /** SCC subject review of each workload's pod template (by workload kind/name) */
  templateReviews: Array<ReviewAnswer & {workload: {kind: string; name: string}}>
  podLogs: PodLogs[]
  exec?: ExecResult
  unread: Unread[]
}

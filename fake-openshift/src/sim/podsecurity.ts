/**
 * Pod Security Admission (k8s.io/pod-security-admission) as OpenShift runs it in the kube-apiserver: the
 * namespace's `pod-security.kubernetes.io/<mode>[-version]` labels over the global defaults give a level
 * per mode; `enforce` rejects a pod (`pods "NAME" is forbidden: violates PodSecurity "LEVEL:VERSION": ...`),
 * `warn` returns `would violate PodSecurity "LEVEL:VERSION": ...` to the client for pods and for the pod
 * templates of Deployments and ReplicaSets, `audit` only annotates the audit log (not modelled). On
 * OpenShift SCC admission mutates a pod first, so PSA judges the pod as SCC admission left it.
 *
 * The checks are the upstream ones that matter to a notebook pod, as data, in the order the upstream
 * registry evaluates them (policy/registry.go: baseline checks, then — at baseline — the baseline checks
 * a restricted one overlaps, or — at restricted — the restricted checks; each list in the order the
 * check files register, i.e. by file name). Not modelled: appArmorProfile, procMount, seLinuxOptions,
 * sysctls, windowsHostProcess and host probes/lifecycle handlers.
 */
import {arr, isObj, obj, type Obj, str, strs} from './kube.js'

export type Level = 'privileged' | 'baseline' | 'restricted'
export const LEVELS: readonly Level[] = ['privileged', 'baseline', 'restricted']

/** A level and the policy version its checks follow (`latest` or `v1.N`), written `level:version`. */
export interface LevelVersion {
  level: Level
  version: string
}

export interface PodSecurityPolicy {
  enforce: LevelVersion
  warn: LevelVersion
  audit: LevelVersion
}

export const PSA_LABEL_PREFIX = 'pod-security.kubernetes.io/'
export const MODES = ['enforce', 'warn', 'audit'] as const
export type Mode = (typeof MODES)[number]

/**
 * The kube-apiserver's PodSecurity configuration on OpenShift 4.11+: enforce privileged, warn and audit
 * restricted, all `latest` (cluster-kube-apiserver-operator's PodSecurity admission config; openshift-docs
 * "Globally, the privileged profile is enforced, and the restricted profile is used for warnings and
 * audits" — unchanged up to the 4.22 documentation).
 */
export const OPENSHIFT_DEFAULTS: PodSecurityPolicy = {
  enforce: {level: 'privileged', version: 'latest'},
  warn: {level: 'restricted', version: 'latest'},
  audit: {level: 'restricted', version: 'latest'},
}

function isLevel(v: unknown): v is Level {
  return typeof v === 'string' && (LEVELS as readonly string[]).includes(v)
}

/**
 * api.PolicyToEvaluate: each mode's label overrides the default level; its `-version` label the version,
 * and a level label without one means `latest`. Invalid values leave the default (the upstream also
 * records an error, which only matters to the audit log).
 */
export function policyToEvaluate(
  labels: Record<string, string> | undefined,
  defaults: PodSecurityPolicy,
): PodSecurityPolicy {
  const p = structuredClone(defaults)
  for (const mode of MODES) {
    const level = labels?.[`${PSA_LABEL_PREFIX}${mode}`]
    const version = labels?.[`${PSA_LABEL_PREFIX}${mode}-version`]
    const validLevel = isLevel(level)
    if (validLevel) p[mode].level = level
    if (version !== undefined && /^(latest|v1\.\d+)$/.test(version)) p[mode].version = version
    else if (validLevel) p[mode].version = 'latest'
  }
  return p
}

export function levelVersion(lv: LevelVersion): string {
  return `${lv.level}:${lv.version}`
}

interface CheckResult {
  reason: string
  detail?: string
}

interface Check {
  id: string
  level: 'baseline' | 'restricted'
  /** a baseline check that a restricted one replaces at the restricted level */
  overlap?: boolean
  check: (meta: Obj, spec: Obj) => CheckResult | undefined
}

/** visitContainers: init containers, then containers, then ephemeral containers. */
function containers(spec: Obj): Obj[] {
  return [...arr(spec.initContainers), ...arr(spec.containers), ...arr(spec.ephemeralContainers)]
}

const joinQuote = (items: string[]) => (items.length ? `"${items.join('", "')}"` : '')
const pluralize = (one: string, many: string, n: number) => (n === 1 ? one : many)
const sc = (c: Obj) => obj(c.securityContext)

/** Capabilities the baseline level allows to add (check_capabilities_baseline.go). */
export const BASELINE_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
])

const validSeccomp = (t: unknown) => t === 'RuntimeDefault' || t === 'Localhost'

/** Volume sources the restricted level allows (check_restrictedVolumes.go). */
const RESTRICTED_VOLUME_SOURCES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]

/** Checks in their registration order (policy/check_*.go sorted by file name). */
export const CHECKS: readonly Check[] = [
  {
    id: 'allowPrivilegeEscalation',
    level: 'restricted',
    check: (_m, spec) => {
      const bad = containers(spec)
        .filter(c => sc(c).allowPrivilegeEscalation !== false)
        .map(c => str(c.name) ?? '')
      return bad.length
        ? {
            reason: 'allowPrivilegeEscalation != false',
            detail: `${pluralize('container', 'containers', bad.length)} ${joinQuote(bad)} must set securityContext.allowPrivilegeEscalation=false`,
          }
        : undefined
    },
  },
  {
    id: 'capabilities_baseline',
    level: 'baseline',
    overlap: true,
    check: (_m, spec) => {
      const bad: string[] = []
      const caps = new Set<string>()
      for (const c of containers(spec)) {
        const added = strs(obj(sc(c).capabilities).add).filter(x => !BASELINE_CAPABILITIES.has(x))
        if (added.length) bad.push(str(c.name) ?? '')
        for (const x of added) caps.add(x)
      }
      return bad.length
        ? {
            reason: 'non-default capabilities',
            detail: `${pluralize('container', 'containers', bad.length)} ${joinQuote(bad)} must not include ${joinQuote([...caps].sort())} in securityContext.capabilities.add`,
          }
        : undefined
    },
  },
  {
    id: 'capabilities_restricted',
    level: 'restricted',
    check: (_m, spec) => {
      const missingDropAll: string[] = []
      const adding: string[] = []
      const caps = new Set<string>()
      for (const c of containers(spec)) {
        const capabilities = sc(c).capabilities
        if (!isObj(capabilities)) {
          missingDropAll.push(str(c.name) ?? '')
          continue
        }
        if (!strs(capabilities.drop).includes('ALL')) missingDropAll.push(str(c.name) ?? '')
        const forbidden = strs(capabilities.add).filter(x => x !== 'NET_BIND_SERVICE')
        if (forbidden.length) adding.push(str(c.name) ?? '')
        for (const x of forbidden) caps.add(x)
      }
      const details: string[] = []
      if (missingDropAll.length)
        details.push(
          `${pluralize('container', 'containers', missingDropAll.length)} ${joinQuote(missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`,
        )
      if (adding.length)
        details.push(
          `${pluralize('container', 'containers', adding.length)} ${joinQuote(adding)} must not include ${joinQuote([...caps].sort())} in securityContext.capabilities.add`,
        )
      return details.length ? {reason: 'unrestricted capabilities', detail: details.join('; ')} : undefined
    },
  },
  {
    id: 'hostNamespaces',
    level: 'baseline',
    check: (_m, spec) => {
      const host = ['hostIPC', 'hostNetwork', 'hostPID'].filter(f => spec[f] === true)
      return host.length ? {reason: 'host namespaces', detail: host.join(', ')} : undefined
    },
  },
  {
    id: 'hostPathVolumes',
    level: 'baseline',
    overlap: true,
    check: (_m, spec) => {
      const host = arr(spec.volumes)
        .filter(v => isObj(v.hostPath))
        .map(v => str(v.name) ?? '')
      return host.length
        ? {
            reason: 'hostPath volumes',
            detail: `${pluralize('volume', 'volumes', host.length)} ${joinQuote(host)}`,
          }
        : undefined
    },
  },
  {
    id: 'hostPorts',
    level: 'baseline',
    check: (_m, spec) => {
      const bad: string[] = []
      const ports = new Set<string>()
      for (const c of containers(spec)) {
        const host = arr(c.ports)
          .map(p => p.hostPort)
          .filter(p => typeof p === 'number' && p !== 0)
        if (host.length) bad.push(str(c.name) ?? '')
        for (const p of host) ports.add(String(p))
      }
      const sorted = [...ports].sort()
      return bad.length
        ? {
            reason: 'hostPort',
            detail: `${pluralize('container', 'containers', bad.length)} ${joinQuote(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('hostPort', 'hostPorts', sorted.length)} ${sorted.join(', ')}`,
          }
        : undefined
    },
  },
  {
    id: 'privileged',
    level: 'baseline',
    check: (_m, spec) => {
      const bad = containers(spec)
        .filter(c => sc(c).privileged === true)
        .map(c => str(c.name) ?? '')
      return bad.length
        ? {
            reason: 'privileged',
            detail: `${pluralize('container', 'containers', bad.length)} ${joinQuote(bad)} must not set securityContext.privileged=true`,
          }
        : undefined
    },
  },
  {
    id: 'restrictedVolumes',
    level: 'restricted',
    check: (_m, spec) => {
      const bad = arr(spec.volumes)
        .filter(v => !RESTRICTED_VOLUME_SOURCES.some(k => isObj(v[k])))
        .map(v => str(v.name) ?? '')
        .sort()
      // Go's %q of a []string
      return bad.length
        ? {
            reason: 'restricted volume types',
            detail: `volumes [${bad.map(n => JSON.stringify(n)).join(' ')}] have restricted types`,
          }
        : undefined
    },
  },
  {
    id: 'runAsNonRoot',
    level: 'restricted',
    check: (_m, spec) => {
      const podSc = obj(spec.securityContext)
      const badSetters: string[] = []
      let podNonRoot = false
      if (typeof podSc.runAsNonRoot === 'boolean') {
        if (!podSc.runAsNonRoot) badSetters.push('pod')
        else podNonRoot = true
      }
      const explicit: string[] = []
      const implicit: string[] = []
      for (const c of containers(spec)) {
        const v = sc(c).runAsNonRoot
        if (typeof v === 'boolean') {
          if (!v) explicit.push(str(c.name) ?? '')
        } else if (!podNonRoot) implicit.push(str(c.name) ?? '')
      }
      if (explicit.length)
        badSetters.push(`${pluralize('container', 'containers', explicit.length)} ${joinQuote(explicit)}`)
      if (badSetters.length)
        return {
          reason: 'runAsNonRoot != true',
          detail: `${badSetters.join(' and ')} must not set securityContext.runAsNonRoot=false`,
        }
      return implicit.length
        ? {
            reason: 'runAsNonRoot != true',
            detail: `pod or ${pluralize('container', 'containers', implicit.length)} ${joinQuote(implicit)} must set securityContext.runAsNonRoot=true`,
          }
        : undefined
    },
  },
  {
    id: 'runAsUser',
    level: 'restricted',
    check: (_m, spec) => {
      const badSetters: string[] = []
      if (obj(spec.securityContext).runAsUser === 0) badSetters.push('pod')
      const bad = containers(spec)
        .filter(c => sc(c).runAsUser === 0)
        .map(c => str(c.name) ?? '')
      if (bad.length) badSetters.push(`${pluralize('container', 'containers', bad.length)} ${joinQuote(bad)}`)
      return badSetters.length
        ? {reason: 'runAsUser=0', detail: `${badSetters.join(' and ')} must not set runAsUser=0`}
        : undefined
    },
  },
  {
    id: 'seccompProfile_baseline',
    level: 'baseline',
    overlap: true,
    check: (_m, spec) => {
      const badSetters: string[] = []
      const badValues = new Set<string>()
      const podProfile = obj(spec.securityContext).seccompProfile
      if (isObj(podProfile) && !validSeccomp(podProfile.type)) {
        badSetters.push('pod')
        badValues.add(String(podProfile.type ?? ''))
      }
      const bad: string[] = []
      for (const c of containers(spec)) {
        const profile = sc(c).seccompProfile
        if (isObj(profile) && !validSeccomp(profile.type)) {
          bad.push(str(c.name) ?? '')
          badValues.add(String(profile.type ?? ''))
        }
      }
      if (bad.length) badSetters.push(`${pluralize('container', 'containers', bad.length)} ${joinQuote(bad)}`)
      return badSetters.length
        ? {
            reason: 'seccompProfile',
            detail: `${badSetters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote([...badValues].sort())}`,
          }
        : undefined
    },
  },
  {
    id: 'seccompProfile_restricted',
    level: 'restricted',
    check: (_m, spec) => {
      const badSetters: string[] = []
      const badValues = new Set<string>()
      let podSet = false
      const podProfile = obj(spec.securityContext).seccompProfile
      if (isObj(podProfile)) {
        if (!validSeccomp(podProfile.type)) {
          badSetters.push('pod')
          badValues.add(String(podProfile.type ?? ''))
        } else podSet = true
      }
      const explicit: string[] = []
      const implicit: string[] = []
      for (const c of containers(spec)) {
        const profile = sc(c).seccompProfile
        if (isObj(profile)) {
          if (!validSeccomp(profile.type)) {
            explicit.push(str(c.name) ?? '')
            badValues.add(String(profile.type ?? ''))
          }
        } else if (!podSet) implicit.push(str(c.name) ?? '')
      }
      if (explicit.length)
        badSetters.push(`${pluralize('container', 'containers', explicit.length)} ${joinQuote(explicit)}`)
      if (badSetters.length)
        return {
          reason: 'seccompProfile',
          detail: `${badSetters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote([...badValues].sort())}`,
        }
      return implicit.length
        ? {
            reason: 'seccompProfile',
            detail: `pod or ${pluralize('container', 'containers', implicit.length)} ${joinQuote(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
          }
        : undefined
    },
  },
]

/**
 * checkRegistry.EvaluatePod and AggregateCheckResult.ForbiddenDetail: the failed checks' reasons with
 * their details in parentheses, comma-joined; undefined when the pod meets the level.
 */
export function evaluatePod(level: Level, meta: Obj, spec: Obj): string | undefined {
  if (level === 'privileged') return undefined
  const run = [
    ...CHECKS.filter(c => c.level === 'baseline' && !c.overlap),
    ...(level === 'baseline'
      ? CHECKS.filter(c => c.level === 'baseline' && c.overlap)
      : CHECKS.filter(c => c.level === 'restricted')),
  ]
  const failed = run.map(c => c.check(meta, spec)).filter((r): r is CheckResult => r !== undefined)
  if (failed.length === 0) return undefined
  return failed.map(r => (r.detail ? `${r.reason} (${r.detail})` : r.reason)).join(', ')
}

/** The outcome of PodSecurity admission for one pod or pod template. */
export interface PodSecurityDecision {
  /** enforce rejected it: the message after `pods "NAME" is forbidden: ` */
  forbidden?: string
  /** the warning returned to the client (never together with a rejection) */
  warning?: string
}

/**
 * Admission.EvaluatePod: `enforce` only for pods; the warning only when the request is not rejected.
 * The caller has already short-circuited exempt and all-privileged namespaces.
 */
export function admitPodSecurity(
  policy: PodSecurityPolicy,
  meta: Obj,
  spec: Obj,
  enforce: boolean,
): PodSecurityDecision {
  if (enforce) {
    const detail = evaluatePod(policy.enforce.level, meta, spec)
    if (detail) return {forbidden: `violates PodSecurity "${levelVersion(policy.enforce)}": ${detail}`}
  }
  const detail = evaluatePod(policy.warn.level, meta, spec)
  return detail ? {warning: `would violate PodSecurity "${levelVersion(policy.warn)}": ${detail}`} : {}
}

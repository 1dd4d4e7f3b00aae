/**
 * SecurityContextConstraints admission, as pure functions, following openshift/apiserver-library-go:
 * - sccmatching/matcher.go: providers get the namespace's pre-allocated UID range, MCS level and groups;
 *   a namespace without `openshift.io/sa.scc.uid-range` (or `.mcs`) fails every pod;
 * - util/sort: ByPriority (higher priority first, then fewer restriction points, then name);
 * - sccmatching/provider.go: mutate the pod (fsGroup, SELinux, seccomp, container runAsUser, capabilities,
 *   runAsNonRoot, allowPrivilegeEscalation) then validate it against the strategies;
 * - sccadmission/admission.go: the first usable provider that validates wins (`openshift.io/scc`
 *   annotation); otherwise `unable to validate against any security context constraint: [...]` with one
 *   entry per provider, `provider "x": Forbidden: not usable by user or serviceaccount` for SCCs the user
 *   and the pod's service account may not use.
 * Error paths follow what OpenShift 4.11+ prints (`provider restricted-v2: .containers[0].runAsUser: ...`).
 */
import {aggregate, arr, bool, clone, goValue, isObj, num, obj, type Obj, str, strs} from './kube.js'
import {
  MCS_ANNOTATION,
  parseBlock,
  parseBlocks,
  SUPPLEMENTAL_GROUPS_ANNOTATION,
  UID_RANGE_ANNOTATION,
} from './uid.js'

export const SCC_ANNOTATION = 'openshift.io/scc'
/** OpenShift 4.14+: a pod may demand one SCC by name. */
export const REQUIRED_SCC_ANNOTATION = 'openshift.io/required-scc'
const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod'

interface IdRange {
  min: number
  max: number
}

/** The SCC fields admission reads (top-level, like the security.openshift.io/v1 object). */
export interface Scc {
  name: string
  priority: number | null
  allowPrivilegedContainer: boolean
  allowHostNetwork: boolean
  allowHostPorts: boolean
  allowHostPID: boolean
  allowHostIPC: boolean
  allowPrivilegeEscalation: boolean | null
  defaultAllowPrivilegeEscalation: boolean | null
  readOnlyRootFilesystem: boolean
  allowedCapabilities: string[]
  defaultAddCapabilities: string[]
  requiredDropCapabilities: string[]
  runAsUser: {type: string; uid?: number; uidRangeMin?: number; uidRangeMax?: number}
  seLinuxContext: {type: string; seLinuxOptions?: Obj}
  fsGroup: {type: string; ranges: IdRange[]}
  supplementalGroups: {type: string; ranges: IdRange[]}
  seccompProfiles: string[]
  users: string[]
  groups: string[]
  volumes: string[]
  source: Obj
}

function ranges(v: unknown): IdRange[] {
  return arr(v).map(r => ({min: num(r.min) ?? 0, max: num(r.max) ?? 0}))
}

/** Reads a SecurityContextConstraints object (missing fields take the API defaults). */
export function toScc(o: Obj): Scc {
  const md = obj(o.metadata)
  const rau = obj(o.runAsUser)
  return {
    name: str(md.name) ?? '',
    priority: num(o.priority) ?? null,
    allowPrivilegedContainer: bool(o.allowPrivilegedContainer) ?? false,
    allowHostNetwork: bool(o.allowHostNetwork) ?? false,
    allowHostPorts: bool(o.allowHostPorts) ?? false,
    allowHostPID: bool(o.allowHostPID) ?? false,
    allowHostIPC: bool(o.allowHostIPC) ?? false,
    allowPrivilegeEscalation: bool(o.allowPrivilegeEscalation) ?? null,
    defaultAllowPrivilegeEscalation: bool(o.defaultAllowPrivilegeEscalation) ?? null,
    readOnlyRootFilesystem: bool(o.readOnlyRootFilesystem) ?? false,
    allowedCapabilities: strs(o.allowedCapabilities),
    defaultAddCapabilities: strs(o.defaultAddCapabilities),
    requiredDropCapabilities: strs(o.requiredDropCapabilities),
    runAsUser: {
      type: str(rau.type) ?? 'RunAsAny',
      uid: num(rau.uid),
      uidRangeMin: num(rau.uidRangeMin),
      uidRangeMax: num(rau.uidRangeMax),
    },
    seLinuxContext: {
      type: str(obj(o.seLinuxContext).type) ?? 'RunAsAny',
      seLinuxOptions: isObj(obj(o.seLinuxContext).seLinuxOptions)
        ? clone(obj(obj(o.seLinuxContext).seLinuxOptions))
        : undefined,
    },
    fsGroup: {type: str(obj(o.fsGroup).type) ?? 'RunAsAny', ranges: ranges(obj(o.fsGroup).ranges)},
    supplementalGroups: {
      type: str(obj(o.supplementalGroups).type) ?? 'RunAsAny',
      ranges: ranges(obj(o.supplementalGroups).ranges),
    },
    seccompProfiles: strs(o.seccompProfiles),
    users: strs(o.users),
    groups: strs(o.groups),
    volumes: strs(o.volumes),
    source: o,
  }
}

// --- sorting (util/sort/bypriority.go, byrestrictions.go) -------------------------------------------

const PRIVILEGED_POINTS = 1_600_000
const HOST_PORTS_POINTS = 800_000
const HOST_NETWORK_POINTS = 400_000
const HOST_VOLUME_POINTS = 200_000
const NON_TRIVIAL_VOLUME_POINTS = 100_000
const STRATEGY_POINTS: Record<string, number> = {
  RunAsAny: 40_000,
  MustRunAsNonRoot: 30_000,
  MustRunAsRange: 20_000,
  MustRunAs: 10_000,
}
const TRIVIAL_VOLUMES = new Set(['secret', 'configMap', 'emptyDir', 'downwardAPI', 'projected', 'none'])

function volumePoints(s: Scc): number {
  let host = false
  let nonTrivial = false
  for (const v of s.volumes) {
    if (v === 'hostPath' || v === '*') host = true
    else if (!TRIVIAL_VOLUMES.has(v)) nonTrivial = true
  }
  return host ? HOST_VOLUME_POINTS : nonTrivial ? NON_TRIVIAL_VOLUME_POINTS : 0
}

function capabilityPoints(s: Scc): number {
  const upper = (l: string[]) => l.map(c => c.toUpperCase())
  let p = 5000 + 300 * s.defaultAddCapabilities.length
  const allowed = upper(s.allowedCapabilities)
  if (allowed.includes('*') || allowed.includes('ALL')) p += 4000
  else p += 10 * allowed.length
  if (upper(s.requiredDropCapabilities).includes('ALL')) p -= 3000
  else p -= 50 * s.requiredDropCapabilities.length
  return Math.min(9999, Math.max(0, p))
}

/** byrestrictions.go pointValue: the lower, the more restrictive. */
export function pointValue(s: Scc): number {
  let p = 0
  if (s.allowPrivilegedContainer) p += PRIVILEGED_POINTS
  p += volumePoints(s)
  if (s.allowHostNetwork) p += HOST_NETWORK_POINTS
  if (s.allowHostPorts) p += HOST_PORTS_POINTS
  p += capabilityPoints(s)
  p += STRATEGY_POINTS[s.seLinuxContext.type] ?? 0
  p += STRATEGY_POINTS[s.runAsUser.type] ?? 0
  return p
}

/** bypriority.go: priority (nil = 0) descending, then restriction points ascending, then name. */
export function sortSccs(sccs: Scc[]): Scc[] {
  return [...sccs].sort((a, b) => {
    const pa = a.priority ?? 0
    const pb = b.priority ?? 0
    if (pa !== pb) return pb - pa
    const va = pointValue(a)
    const vb = pointValue(b)
    if (va !== vb) return va - vb
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0
  })
}

// --- providers -----------------------------------------------------------------------------------

export interface NamespaceInfo {
  name: string
  annotations: Record<string, string>
}

/**
 * matcher.go CreateProvidersFromConstraints: the namespace must carry the uid-range and mcs annotations
 * before any provider is built (the real plugin polls 10 s for them, then fails with this error).
 */
export function namespaceError(ns: NamespaceInfo): string | undefined {
  if (!(UID_RANGE_ANNOTATION in ns.annotations)) {
    return `error fetching namespace "${ns.name}": unable to find annotation ${UID_RANGE_ANNOTATION}`
  }
  if (!(MCS_ANNOTATION in ns.annotations)) {
    return `error fetching namespace "${ns.name}": unable to find annotation ${MCS_ANNOTATION}`
  }
  return undefined
}

/** CreateProviderFromConstraint: fills the pre-allocated values from the namespace annotations. */
export function resolveProvider(scc: Scc, ns: NamespaceInfo): {scc: Scc} | {error: string} {
  const s: Scc = clone({...scc, source: {}})
  s.source = scc.source
  const a = ns.annotations
  if (
    s.runAsUser.type === 'MustRunAsRange' &&
    s.runAsUser.uidRangeMin === undefined &&
    s.runAsUser.uidRangeMax === undefined
  ) {
    const v = a[UID_RANGE_ANNOTATION]
    const block = v ? parseBlock(v) : undefined
    if (!block) {
      const why =
        v === undefined
          ? `unable to find annotation ${UID_RANGE_ANNOTATION}`
          : v === ''
            ? `found annotation ${UID_RANGE_ANNOTATION} but it was empty`
            : `invalid block "${v}"`
      return {
        error: `unable to find pre-allocated uid annotation for namespace ${ns.name} while trying to configure SCC ${s.name}: ${why}`,
      }
    }
    s.runAsUser.uidRangeMin = block.start
    s.runAsUser.uidRangeMax = block.end
  }
  if (s.seLinuxContext.type === 'MustRunAs' && !str(s.seLinuxContext.seLinuxOptions?.level)) {
    const level = a[MCS_ANNOTATION]
    if (!level) {
      return {
        error: `unable to find pre-allocated mcs annotation for namespace ${ns.name} while trying to configure SCC ${s.name}: unable to find annotation ${MCS_ANNOTATION}`,
      }
    }
    s.seLinuxContext.seLinuxOptions = {...(s.seLinuxContext.seLinuxOptions ?? {}), level}
  }
  // getSupplementalGroupsAnnotation falls back to the uid-range annotation.
  const groupsText = a[SUPPLEMENTAL_GROUPS_ANNOTATION] ?? a[UID_RANGE_ANNOTATION]
  const blocks = groupsText ? parseBlocks(groupsText) : undefined
  if (s.fsGroup.type === 'MustRunAs' && s.fsGroup.ranges.length === 0) {
    if (!blocks) {
      return {
        error: `unable to find pre-allocated group annotation for namespace ${ns.name} while trying to configure SCC ${s.name}: unable to find supplemental group or uid annotation for namespace ${ns.name}`,
      }
    }
    // getPreallocatedFSGroup: only the first GID of the first block is allowed.
    s.fsGroup.ranges = [{min: blocks[0].start, max: blocks[0].start}]
  }
  if (s.supplementalGroups.type === 'MustRunAs' && s.supplementalGroups.ranges.length === 0) {
    if (!blocks) {
      return {
        error: `unable to find pre-allocated group annotation for namespace ${ns.name} while trying to configure SCC ${s.name}: unable to find supplemental group or uid annotation for namespace ${ns.name}`,
      }
    }
    s.supplementalGroups.ranges = blocks.map(b => ({min: b.start, max: b.end}))
  }
  return {scc: s}
}

// --- field errors (k8s.io/apimachinery/pkg/util/validation/field) ----------------------------------

function invalid(path: string, value: unknown, detail: string): string {
  return `${path}: Invalid value: ${goValue(value)}${detail ? `: ${detail}` : ''}`
}

function required(path: string, detail = ''): string {
  return `${path}: Required value${detail ? `: ${detail}` : ''}`
}

function forbiddenField(path: string, detail: string): string {
  return `${path}: Forbidden: ${detail}`
}

// --- applying one provider to a pod (provider.go ApplyToPod) ---------------------------------------

interface PodLike {
  metadata: Obj
  spec: Obj
}

function podSc(pod: PodLike): Obj {
  if (!isObj(pod.spec.securityContext)) pod.spec.securityContext = {}
  return pod.spec.securityContext as Obj
}

function containerSc(c: Obj): Obj {
  if (!isObj(c.securityContext)) c.securityContext = {}
  return c.securityContext as Obj
}

/** Effective container value: the container's own, else the pod's (securitycontext accessors). */
function effective(c: Obj, psc: Obj, key: string): unknown {
  const csc = obj(c.securityContext)
  return csc[key] !== undefined && csc[key] !== null ? csc[key] : psc[key] !== null ? psc[key] : undefined
}

function inRanges(v: number, rs: IdRange[]): boolean {
  return rs.some(r => v >= r.min && v <= r.max)
}

function seccompName(profile: unknown): string {
  const p = obj(profile)
  switch (str(p.type)) {
    case 'Unconfined':
      return 'unconfined'
    case 'RuntimeDefault':
      return 'runtime/default'
    case 'Localhost':
      return str(p.localhostProfile) ? `localhost/${str(p.localhostProfile)}` : ''
    default:
      return ''
  }
}

function seccompField(name: string): Obj | undefined {
  if (name === 'runtime/default' || name === 'docker/default') return {type: 'RuntimeDefault'}
  if (name === 'unconfined') return {type: 'Unconfined'}
  if (name.startsWith('localhost/'))
    return {type: 'Localhost', localhostProfile: name.slice('localhost/'.length)}
  return undefined
}

function validateSeccomp(s: Scc, path: string, profile: string): string | undefined {
  const allowAny = s.seccompProfiles.includes('*')
  const allowed = s.seccompProfiles.filter(p => p !== '*')
  if (!allowAny && allowed.length === 0 && profile !== '')
    return forbiddenField(path, 'seccomp may not be set')
  if (allowed.length === 0 && profile === '') return undefined
  if (allowAny) return undefined
  const runtimeDefaultAllowed = allowed.some(p => p === 'runtime/default' || p === 'docker/default')
  if (allowed.includes(profile)) return undefined
  if (runtimeDefaultAllowed && (profile === 'runtime/default' || profile === 'docker/default'))
    return undefined
  return forbiddenField(
    path,
    `${profile} is not an allowed seccomp profile. Valid values are [${allowed.join(' ')}]`,
  )
}

const VOLUME_KEYS = [
  'hostPath',
  'emptyDir',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'persistentVolumeClaim',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'downwardAPI',
  'fc',
  'azureFile',
  'configMap',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'projected',
  'portworxVolume',
  'scaleIO',
  'storageos',
  'csi',
  'ephemeral',
  'image',
]

function volumeType(v: Obj): string {
  return VOLUME_KEYS.find(k => v[k] !== undefined) ?? 'emptyDir'
}

function capsOf(c: Obj): {add: string[]; drop: string[]} | undefined {
  const caps = obj(c.securityContext).capabilities
  if (!isObj(caps)) return undefined
  return {add: strs(caps.add), drop: strs(caps.drop)}
}

/**
 * Applies one (resolved) provider to a copy of the pod. Returns the mutated pod and the validation
 * errors, each already prefixed with `provider NAME: ` like admission reports them.
 */
export function applyProvider(s: Scc, input: PodLike): {pod: PodLike; errors: string[]} {
  const pod: PodLike = clone(input)
  const root = `provider ${s.name}: `
  const errs: string[] = []
  const psc = podSc(pod)

  // mutatePod: SELinux, fsGroup, supplemental groups, then seccomp.
  if (s.seLinuxContext.type === 'MustRunAs' && !isObj(psc.seLinuxOptions)) {
    psc.seLinuxOptions = clone(s.seLinuxContext.seLinuxOptions ?? {})
  }
  if (s.fsGroup.type === 'MustRunAs' && num(psc.fsGroup) === undefined) psc.fsGroup = s.fsGroup.ranges[0]?.min
  if (
    s.supplementalGroups.type === 'MustRunAs' &&
    !(Array.isArray(psc.supplementalGroups) && psc.supplementalGroups.length)
  ) {
    psc.supplementalGroups = [s.supplementalGroups.ranges[0]?.min]
  }
  // seccomp strategy Generate: the pod's field, else its annotation, else the SCC's first profile; the
  // result is written back as annotation and field (seccomp/strategy.go, provider.go mutatePod).
  const annotations = obj(pod.metadata.annotations)
  const allowedProfiles = s.seccompProfiles.filter(p => p !== '*')
  let podProfile = isObj(psc.seccompProfile)
    ? seccompName(psc.seccompProfile)
    : (str(annotations[SECCOMP_POD_ANNOTATION]) ?? '')
  if (podProfile === '' && allowedProfiles.length > 0) podProfile = allowedProfiles[0]
  if (podProfile !== '') {
    pod.metadata.annotations = {...annotations, [SECCOMP_POD_ANNOTATION]: podProfile}
    const field = seccompField(podProfile)
    if (field) psc.seccompProfile = field
  }

  // validatePod
  const scPath = `${root}.spec.securityContext`
  if (!s.allowHostPID && pod.spec.hostPID === true)
    errs.push(invalid(`${scPath}.hostPID`, true, 'Host PID is not allowed to be used'))
  if (!s.allowHostNetwork && pod.spec.hostNetwork === true) {
    errs.push(invalid(`${scPath}.hostNetwork`, true, 'Host network is not allowed to be used'))
  }
  if (!s.allowHostIPC && pod.spec.hostIPC === true)
    errs.push(invalid(`${scPath}.hostIPC`, true, 'Host IPC is not allowed to be used'))
  if (s.seLinuxContext.type === 'MustRunAs') errs.push(...validateSeLinux(s, scPath, psc.seLinuxOptions))
  if (s.fsGroup.type === 'MustRunAs') {
    const fsg = num(psc.fsGroup)
    const groups = fsg === undefined ? [] : [fsg]
    if (groups.length === 0)
      errs.push(invalid(`${scPath}.fsGroup`, [], 'unable to validate empty groups against required ranges'))
    for (const g of groups)
      if (!inRanges(g, s.fsGroup.ranges))
        errs.push(invalid(`${scPath}.fsGroup`, groups, `${g} is not an allowed group`))
  }
  if (s.supplementalGroups.type === 'MustRunAs') {
    const groups = (Array.isArray(psc.supplementalGroups) ? psc.supplementalGroups : []).filter(
      (g): g is number => typeof g === 'number',
    )
    if (groups.length === 0)
      errs.push(
        invalid(
          `${scPath}.supplementalGroups`,
          [],
          'unable to validate empty groups against required ranges',
        ),
      )
    for (const g of groups) {
      if (!inRanges(g, s.supplementalGroups.ranges))
        errs.push(invalid(`${scPath}.supplementalGroups`, groups, `${g} is not an allowed group`))
    }
  }
  const podSeccompErr = validateSeccomp(
    s,
    `${root}.metadata.annotations[${SECCOMP_POD_ANNOTATION}]`,
    podProfile,
  )
  if (podSeccompErr) errs.push(podSeccompErr)
  if (!s.volumes.includes('*')) {
    arr(pod.spec.volumes).forEach((v, i) => {
      const t = volumeType(v)
      if (!s.volumes.includes(t))
        errs.push(invalid(`${root}.spec.volumes[${i}]`, t, `${t} volumes are not allowed to be used`))
    })
  }

  // containers: init containers first, like VisitContainersWithPath.
  for (const field of ['initContainers', 'containers']) {
    arr(pod.spec[field]).forEach((c, i) => {
      const path = `${root}.${field}[${i}]`
      mutateContainer(s, psc, c)
      errs.push(...validateContainer(s, psc, c, path, pod))
    })
  }
  return {pod, errors: errs}
}

function validateSeLinux(s: Scc, path: string, se: unknown): string[] {
  const want = s.seLinuxContext.seLinuxOptions ?? {}
  const p = `${path}.seLinuxOptions`
  if (!isObj(se)) return [required(p)]
  const errs: string[] = []
  if (!equalLevels(str(want.level) ?? '', str(se.level) ?? '')) {
    errs.push(invalid(`${p}.level`, str(se.level) ?? '', `must be ${str(want.level) ?? ''}`))
  }
  for (const k of ['role', 'type', 'user']) {
    if ((str(se[k]) ?? '') !== (str(want[k]) ?? ''))
      errs.push(invalid(`${p}.${k}`, str(se[k]) ?? '', `must be ${str(want[k]) ?? ''}`))
  }
  return errs
}

/** selinux/mustrunas.go equalLevels: categories compare as sets. */
function equalLevels(expected: string, actual: string): boolean {
  if (expected === actual) return true
  const e = expected.split(':')
  const a = actual.split(':')
  if (e.length < 2 || a.length < 2 || e[0] !== a[0]) return false
  const cats = (x: string[]) => x.slice(1).join(':').split(',').sort().join(',')
  return cats(e) === cats(a)
}

function mutateContainer(s: Scc, psc: Obj, c: Obj): void {
  // The effective-context mutator only creates a container securityContext when it sets something.
  const hadSc = isObj(c.securityContext)
  const sc = containerSc(c)
  // runAsUser strategy
  if (effective(c, psc, 'runAsUser') === undefined) {
    if (s.runAsUser.type === 'MustRunAsRange' && s.runAsUser.uidRangeMin !== undefined)
      sc.runAsUser = s.runAsUser.uidRangeMin
    if (s.runAsUser.type === 'MustRunAs' && s.runAsUser.uid !== undefined) sc.runAsUser = s.runAsUser.uid
  }
  // SELinux: the pod-level options were just defaulted, so containers inherit them.
  if (s.seLinuxContext.type === 'MustRunAs' && effective(c, psc, 'seLinuxOptions') === undefined) {
    sc.seLinuxOptions = clone(s.seLinuxContext.seLinuxOptions ?? {})
  }
  // capabilities.Generate: required drops and default adds (minus what the container drops).
  const caps = capsOf(c)
  const containerAdd = new Set(caps?.add ?? [])
  const containerDrop = new Set(caps?.drop ?? [])
  const defaultAdd = s.defaultAddCapabilities.filter(x => !containerDrop.has(x))
  const combinedAdd = new Set([...defaultAdd, ...containerAdd])
  const combinedDrop = new Set([...s.requiredDropCapabilities, ...containerDrop])
  if (combinedAdd.size !== containerAdd.size || combinedDrop.size !== containerDrop.size) {
    const next: Obj = {}
    if (combinedAdd.size) next.add = [...combinedAdd].sort()
    if (combinedDrop.size) next.drop = [...combinedDrop].sort()
    sc.capabilities = next
  }
  // runAsNonRoot marker for the kubelet
  if (effective(c, psc, 'runAsNonRoot') === undefined) {
    const uid = num(effective(c, psc, 'runAsUser'))
    if ((uid === undefined && s.runAsUser.type === 'MustRunAsNonRoot') || (uid !== undefined && uid > 0))
      sc.runAsNonRoot = true
  }
  if (s.readOnlyRootFilesystem && bool(sc.readOnlyRootFilesystem) === undefined)
    sc.readOnlyRootFilesystem = true
  const privileged = sc.privileged === true
  const sysAdmin = (capsOf(c)?.add ?? []).includes('CAP_SYS_ADMIN')
  if (
    s.defaultAllowPrivilegeEscalation !== null &&
    bool(sc.allowPrivilegeEscalation) === undefined &&
    !privileged &&
    !sysAdmin
  ) {
    sc.allowPrivilegeEscalation = s.defaultAllowPrivilegeEscalation
  }
  if (s.allowPrivilegeEscalation === false && bool(sc.allowPrivilegeEscalation) === undefined)
    sc.allowPrivilegeEscalation = false
  if (!hadSc && Object.keys(sc).length === 0) delete c.securityContext
}

function validateContainer(s: Scc, psc: Obj, c: Obj, path: string, pod: PodLike): string[] {
  const errs: string[] = []
  const sc = obj(c.securityContext)
  if (!s.allowPrivilegedContainer && sc.privileged === true)
    errs.push(invalid(`${path}.privileged`, true, 'Privileged containers are not allowed'))
  if (s.readOnlyRootFilesystem) {
    if (bool(sc.readOnlyRootFilesystem) === undefined) {
      errs.push(
        invalid(
          `${path}.readOnlyRootFilesystem`,
          null,
          'ReadOnlyRootFilesystem may not be nil and must be set to true',
        ),
      )
    } else if (sc.readOnlyRootFilesystem === false) {
      errs.push(
        invalid(`${path}.readOnlyRootFilesystem`, false, 'ReadOnlyRootFilesystem must be set to true'),
      )
    }
  }
  if (s.allowPrivilegeEscalation === false) {
    const ape = bool(sc.allowPrivilegeEscalation)
    if (ape === undefined || ape) {
      errs.push(
        invalid(
          `${path}.allowPrivilegeEscalation`,
          ape ?? null,
          'Allowing privilege escalation for containers is not allowed',
        ),
      )
    }
  }
  const uid = num(effective(c, psc, 'runAsUser'))
  switch (s.runAsUser.type) {
    case 'MustRunAsRange': {
      const min = s.runAsUser.uidRangeMin ?? 0
      const max = s.runAsUser.uidRangeMax ?? 0
      if (uid === undefined) errs.push(required(`${path}.runAsUser`))
      else if (uid < min || uid > max)
        errs.push(invalid(`${path}.runAsUser`, uid, `must be in the ranges: [${min}, ${max}]`))
      break
    }
    case 'MustRunAs':
      if (uid === undefined) errs.push(required(`${path}.runAsUser`))
      else if (uid !== s.runAsUser.uid)
        errs.push(invalid(`${path}.runAsUser`, uid, `must be: ${s.runAsUser.uid}`))
      break
    case 'MustRunAsNonRoot': {
      const nonRoot = bool(effective(c, psc, 'runAsNonRoot'))
      if (nonRoot === undefined && uid === undefined)
        errs.push(required(`${path}.runAsNonRoot`, 'must be true'))
      else if (nonRoot === false) errs.push(invalid(`${path}.runAsNonRoot`, false, 'must be true'))
      else if (uid === 0) errs.push(invalid(`${path}.runAsUser`, 0, 'running with the root UID is forbidden'))
      break
    }
    default:
      break
  }
  if (s.seLinuxContext.type === 'MustRunAs')
    errs.push(...validateSeLinux(s, path, effective(c, psc, 'seLinuxOptions')))
  const caps = capsOf(c)
  if (!caps) {
    if (s.defaultAddCapabilities.length || s.requiredDropCapabilities.length) {
      errs.push(
        invalid(`${path}.capabilities`, null, 'required capabilities are not set on the securityContext'),
      )
    }
  } else if (!s.allowedCapabilities.includes('*')) {
    for (const a of caps.add) {
      if (!s.defaultAddCapabilities.includes(a) && !s.allowedCapabilities.includes(a)) {
        errs.push(invalid(`${path}.capabilities.add`, a, 'capability may not be added'))
      }
    }
    for (const d of s.requiredDropCapabilities) {
      if (!caps.drop.includes(d))
        errs.push(
          invalid(`${path}.capabilities.drop`, caps.drop, `${d} is required to be dropped but was not found`),
        )
    }
  }
  const profile = isObj(sc.seccompProfile)
    ? seccompName(sc.seccompProfile)
    : isObj(psc.seccompProfile)
      ? seccompName(psc.seccompProfile)
      : (str(obj(pod.metadata.annotations)[SECCOMP_POD_ANNOTATION]) ?? '')
  const seccompErr = validateSeccomp(s, `${path}.seccompProfile`, profile)
  if (seccompErr) errs.push(seccompErr)
  if (!s.allowHostPorts) {
    for (const p of arr(c.ports)) {
      const hp = num(p.hostPort)
      if (hp && hp > 0)
        errs.push(invalid(`${path}.ports.hostPort`, hp, 'Host ports are not allowed to be used'))
    }
  }
  return errs
}

// --- admission (sccadmission/admission.go computeSecurityContext) ----------------------------------

export interface AdmitInput {
  pod: PodLike
  namespace: NamespaceInfo
  sccs: Scc[]
  /** ConstraintAppliesTo for the requesting user OR the pod's service account (users/groups lists + RBAC `use`) */
  usable: (scc: Scc) => boolean
  /** the release honours `openshift.io/required-scc` (OpenShift 4.14+); earlier ones ignore it */
  requiredScc?: boolean
}

export type AdmitResult =
  | {allowed: true; pod: PodLike; scc: string}
  | {allowed: false; message: string; denied: string[]; failures: Record<string, string[]>}

export function admitPod(input: AdmitInput): AdmitResult {
  // listSortedSCCs: a required SCC is the only one considered; then the providers need the namespace
  const requiredScc = input.requiredScc
    ? str(obj(input.pod.metadata.annotations)[REQUIRED_SCC_ANNOTATION])
    : undefined
  let candidates = input.sccs
  if (requiredScc) {
    candidates = candidates.filter(s => s.name === requiredScc)
    if (candidates.length === 0)
      return {
        allowed: false,
        message: `failed to retrieve the required SCC "${requiredScc}": securitycontextconstraints.security.openshift.io "${requiredScc}" not found`,
        denied: [],
        failures: {},
      }
  }
  if (candidates.length === 0) {
    return {
      allowed: false,
      message: 'no SecurityContextConstraints found in cluster',
      denied: [],
      failures: {},
    }
  }
  const sorted = sortSccs(candidates)
  const nsErr = namespaceError(input.namespace)
  if (nsErr) return {allowed: false, message: nsErr, denied: [], failures: {}}
  const providers: Scc[] = []
  const providerErrors: string[] = []
  for (const s of sorted) {
    const r = resolveProvider(s, input.namespace)
    if ('error' in r) providerErrors.push(r.error)
    else providers.push(r.scc)
  }
  if (providerErrors.length)
    return {allowed: false, message: aggregate(providerErrors), denied: [], failures: {}}

  const validationErrs: string[] = []
  const denied: string[] = []
  const failures: Record<string, string[]> = {}
  for (const p of providers) {
    if (!input.usable(p)) {
      denied.push(p.name)
      validationErrs.push(`provider "${p.name}": Forbidden: not usable by user or serviceaccount`)
      continue
    }
    const {pod, errors} = applyProvider(p, input.pod)
    if (errors.length) {
      validationErrs.push(...errors)
      failures[p.name] = errors
      continue
    }
    pod.metadata.annotations = {...obj(pod.metadata.annotations), [SCC_ANNOTATION]: p.name}
    return {allowed: true, pod, scc: p.name}
  }
  // A pod that restricted-v2 rejects but the legacy `restricted` would admit gets an explanatory entry.
  const v2 = providers.find(p => p.name === 'restricted-v2')
  const v1 = providers.find(p => p.name === 'restricted')
  if (v2 && v1 && denied.includes('restricted') && applyProvider(v1, input.pod).errors.length === 0) {
    validationErrs.push(
      'no access to scc/restricted: Forbidden: the pod fails to validate against the `restricted-v2` security context constraint, but would validate successfully against the `restricted` security context constraint',
    )
  }
  return {
    allowed: false,
    message: `unable to validate against any security context constraint: ${aggregate(validationErrs)}`,
    denied,
    failures,
  }
}

/** The usable-SCC test of sccmatching.ConstraintAppliesTo without the authorizer part. */
export function listedFor(s: Scc, username: string, groups: string[]): boolean {
  return s.users.includes(username) || groups.some(g => s.groups.includes(g))
}

/**
 * The cluster-policy-controller's PodSecurity admission label synchronization
 * (openshift/cluster-policy-controller `pkg/psalabelsyncer`): every namespace it controls gets the
 * `pod-security.kubernetes.io/warn` and `audit` labels (version `v1.24`) at the least restrictive level
 * the SCCs its service accounts may use map to — `restricted` while they only have restricted-v2,
 * `baseline` once one may use anyuid — so creating the pods they run warns about nothing. Users' own
 * SCC grants are not considered (bare pods are the known gap). The `enforce` label is only synced under
 * the `OpenShiftPodSecurityAdmission` feature gate (TechPreview; `podSecurity.labelSync: all`).
 */
import {serviceAccountUser} from '../rbac.js'
import type {KObject} from '../types.js'
import {listSccs, sccUsableBy} from './admission.js'
import type {SimContext} from './context.js'
import {clone, type Obj, strs} from './kube.js'
import {BASELINE_CAPABILITIES, type Level} from './podsecurity.js'
import type {Scc} from './scc.js'
import {parseBlock, UID_RANGE_ANNOTATION} from './uid.js'

export const LABEL_SYNC_CONTROLLER = 'pod-security-admission-label-synchronization-controller'
export const LABEL_SYNC_CONTROL_LABEL = 'security.openshift.io/scc.podSecurityLabelSync'
/** currentPSaVersion of the syncer, unchanged since 4.11 */
export const SYNCED_VERSION = 'v1.24'

/**
 * Namespaces of the install payload the syncer never touches (systemNSSyncExemptions; the payload's
 * `openshift-*` namespaces are covered by the prefix rule of `controlled`).
 */
const EXEMPT = new Set([
  'default',
  'kube-node-lease',
  'kube-public',
  'kube-system',
  'openshift',
  'openshift-operators',
])

const PSA_LABELS = [
  'pod-security.kubernetes.io/enforce',
  'pod-security.kubernetes.io/enforce-version',
  'pod-security.kubernetes.io/warn',
  'pod-security.kubernetes.io/warn-version',
  'pod-security.kubernetes.io/audit',
  'pod-security.kubernetes.io/audit-version',
]

/** The field manager of each label, from the namespace's managedFields. */
function labelManagers(ns: KObject): Map<string, string> {
  const out = new Map<string, string>()
  for (const entry of ns.metadata.managedFields ?? []) {
    const meta = (entry.fieldsV1 as Obj)['f:metadata'] as Obj | undefined
    const labels = meta?.['f:labels'] as Obj | undefined
    for (const key of Object.keys(labels ?? {})) out.set(key.replace(/^f:/, ''), entry.manager)
  }
  return out
}

/**
 * Whether another party owns a PSA label (the syncer leaves those alone). On a real cluster every label
 * has a field manager; a label the store recorded none for is the syncer's when it wrote it, else it was
 * seeded by a scenario — taken as set by hand.
 */
function ownedByOthers(
  ns: KObject,
  label: string,
  managers: Map<string, string>,
  ours: ReadonlySet<string>,
): boolean {
  if (ns.metadata.labels?.[label] === undefined) return false
  const manager = managers.get(label)
  if (manager === undefined) return !ours.has(label)
  return manager !== 'cluster-policy-controller' && manager !== LABEL_SYNC_CONTROLLER
}

/** isNSControlled: not a payload namespace, not opted out, and not every PSA label someone else's. */
export function controlled(ns: KObject, ours: ReadonlySet<string> = new Set()): boolean {
  const name = ns.metadata.name ?? ''
  if (EXEMPT.has(name)) return false
  const sync = ns.metadata.labels?.[LABEL_SYNC_CONTROL_LABEL]
  if (sync === 'true') return true
  if (name.startsWith('openshift-')) return false
  const managers = labelManagers(ns)
  const present = PSA_LABELS.filter(l => ns.metadata.labels?.[l] !== undefined)
  if (present.length === PSA_LABELS.length && present.every(l => ownedByOthers(ns, l, managers, ours)))
    return false
  return sync !== 'false'
}

const ORDER: Level[] = ['restricted', 'baseline', 'privileged']
const max = (a: Level, b: Level): Level => (ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b)

const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
])
const RESTRICTED_VOLUMES = new Set([
  'configMap',
  'downwardAPI',
  'emptyDir',
  'projected',
  'secret',
  'csi',
  'persistentVolumeClaim',
  'ephemeral',
  'none',
])

/**
 * convertSCCToPSALevel (psalabelsyncer/scctopsamapping.go): the most permissive level any of the SCC's
 * fields allows. Fields admission reads but PSA does not (fsGroup, supplementalGroups,
 * readOnlyRootFilesystem) play no part.
 */
export function sccToLevel(scc: Scc, namespaceAnnotations: Record<string, string>): Level {
  const raw = scc.source
  const levels: Level[] = []
  const volumes = scc.volumes
  // hostDir; host namespaces; host ports
  levels.push(
    raw.allowHostDirVolumePlugin === true || volumes.includes('hostPath') || volumes.includes('*')
      ? 'privileged'
      : 'restricted',
  )
  levels.push(scc.allowHostIPC || scc.allowHostNetwork || scc.allowHostPID ? 'privileged' : 'restricted')
  levels.push(scc.allowHostPorts ? 'privileged' : 'restricted')
  // allowPrivilegeEscalation: unset or true allows it
  levels.push(scc.allowPrivilegeEscalation === false ? 'restricted' : 'baseline')
  levels.push(scc.allowPrivilegedContainer ? 'privileged' : 'restricted')
  // capabilities: beyond the default set is privileged; restricted drops ALL, adds at most NET_BIND_SERVICE
  const allowed = scc.allowedCapabilities
  if (!allowed.every(c => BASELINE_CAPABILITIES.has(c))) levels.push('privileged')
  else if (!allowed.every(c => c === 'NET_BIND_SERVICE') || !scc.requiredDropCapabilities.includes('ALL'))
    levels.push('baseline')
  else levels.push('restricted')
  // unsafe sysctls
  levels.push(strs(raw.allowedUnsafeSysctls).every(x => SAFE_SYSCTLS.has(x)) ? 'restricted' : 'privileged')
  // volumes
  let volumeLevel: Level = 'restricted'
  for (const v of volumes) {
    if (v === '*' || v === 'hostPath') volumeLevel = 'privileged'
    else if (!RESTRICTED_VOLUMES.has(v)) volumeLevel = max(volumeLevel, 'baseline')
  }
  levels.push(volumeLevel)
  // SELinux: MustRunAs with the namespace's options (the default SCCs set no type, user or role)
  levels.push(scc.seLinuxContext.type === 'MustRunAs' ? 'restricted' : 'privileged')
  // seccomp: no profiles listed leaves it unconstrained (baseline); others than runtime/default,
  // docker/default or localhost/* are privileged
  if (scc.seccompProfiles.length === 0) levels.push('baseline')
  else
    levels.push(
      scc.seccompProfiles.every(
        p => p === 'runtime/default' || p === 'docker/default' || p.startsWith('localhost/'),
      )
        ? 'restricted'
        : 'privileged',
    )
  // runAsUser
  const rau = scc.runAsUser
  switch (rau.type) {
    case 'MustRunAsNonRoot':
      levels.push('restricted')
      break
    case 'MustRunAs':
      levels.push(rau.uid !== undefined && rau.uid > 0 ? 'restricted' : 'baseline')
      break
    case 'MustRunAsRange': {
      if (rau.uidRangeMin !== undefined) levels.push(rau.uidRangeMin > 0 ? 'restricted' : 'baseline')
      else {
        const block = parseBlock(namespaceAnnotations[UID_RANGE_ANNOTATION] ?? '')
        levels.push(block && block.start > 0 ? 'restricted' : 'baseline')
      }
      break
    }
    default:
      levels.push('baseline')
  }
  return levels.reduce(max, 'restricted')
}

/** What each namespace was last synced from: skipped while neither it, its accounts nor any grant changed. */
const lastSynced = new WeakMap<SimContext, Map<string, string>>()

/** Labels the syncer wrote, per namespace uid: its own when the store records no manager (sim tests). */
const written = new WeakMap<SimContext, Map<string, Set<string>>>()

function writtenBySyncer(ctx: SimContext, ns: KObject): Set<string> {
  const byNs = written.get(ctx) ?? new Map<string, Set<string>>()
  written.set(ctx, byNs)
  const uid = ns.metadata.uid ?? ''
  const set = byNs.get(uid) ?? new Set<string>()
  byNs.set(uid, set)
  return set
}

/**
 * One pass of the syncer over all namespaces: a controlled namespace with its UID range and at least one
 * service account gets `warn`/`audit` (and, with `labelSync: all`, `enforce`) set to its level at
 * version v1.24, except for labels someone else manages. Written as the syncer's field manager.
 */
export function podSecurityLabelSyncStep(ctx: SimContext): boolean {
  const mode = ctx.opts.podSecurity.labelSync
  if (mode === 'off') return false
  const nsRt = ctx.rt('v1', 'namespaces')
  if (!nsRt) return false
  const synced = mode === 'all' ? ['enforce', 'warn', 'audit'] : ['warn', 'audit']
  let changed = false
  const sccs = listSccs(ctx.store)
  for (const ns of ctx.list('v1', 'namespaces')) {
    const ours = writtenBySyncer(ctx, ns)
    if (ns.metadata.deletionTimestamp || !controlled(ns, ours)) continue
    const name = ns.metadata.name ?? ''
    const annotations = ns.metadata.annotations ?? {}
    if (!annotations[UID_RANGE_ANNOTATION]) continue
    const accounts = ctx.list('v1', 'serviceaccounts', name)
    if (accounts.length === 0) continue
    const memo = lastSynced.get(ctx) ?? new Map<string, string>()
    lastSynced.set(ctx, memo)
    const inputs = [
      ns.metadata.resourceVersion,
      ctx.grantsGeneration,
      ...accounts.map(a => a.metadata.name),
    ].join('|')
    if (memo.get(ns.metadata.uid ?? '') === inputs) continue
    memo.set(ns.metadata.uid ?? '', inputs)
    const usable = sccUsableBy(
      ctx.store,
      name,
      accounts.map(sa => serviceAccountUser(name, sa.metadata.name ?? '')),
    )
    let level: Level = 'restricted'
    for (const scc of sccs) {
      if (!usable(scc)) continue
      level = max(level, sccToLevel(scc, annotations))
      if (level === 'privileged') break
    }
    const managers = labelManagers(ns)
    const labels = {...(ns.metadata.labels ?? {})}
    const set: string[] = []
    for (const m of synced) {
      for (const [key, value] of [
        [`pod-security.kubernetes.io/${m}`, level],
        [`pod-security.kubernetes.io/${m}-version`, SYNCED_VERSION],
      ]) {
        if (labels[key] === value || ownedByOthers(ns, key, managers, ours)) continue
        labels[key] = value
        set.push(key)
      }
    }
    if (set.length === 0) continue
    const after = clone(ns)
    after.metadata.labels = labels
    ctx.store.update(nsRt, after, {fieldManager: LABEL_SYNC_CONTROLLER})
    for (const key of set) ours.add(key)
    changed = true
  }
  return changed
}

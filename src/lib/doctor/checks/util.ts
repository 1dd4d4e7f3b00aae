import type {KubeObject} from '../../cluster/index.js'
import {
  DEFAULT_SCCS,
  locateSccGrants,
  mayRemove,
  planGrantRemoval,
  type GrantLocation,
} from '../../grants/index.js'
import {SUPPLEMENTAL_GROUPS_ANNOTATION, UID_RANGE_ANNOTATION, parseUidBlock} from '../../preflight.js'
import {annotationsOf, arr, nameOf, num, ocRef, podTemplate, rec, str} from '../obj.js'
import type {DoctorData, Finding, ReadKey, Severity} from '../types.js'

/** `-n NS` suffix for every suggested command: the user may run it from another project. */
export const inNs = (d: DoctorData): string => `-n ${d.namespace}`

export const objectRef = (o: KubeObject): {kind: string; name: string} => ({
  kind: o.kind ?? '?',
  name: nameOf(o),
})

export const workloadRef = (o: KubeObject): string =>
  ocRef(o.kind === 'DeploymentConfig' ? 'dc' : (o.kind ?? 'deployment'), nameOf(o))

/** The instance name for `oc jupyter ...` suggestions. */
export const instanceName = (d: DoctorData): string =>
  d.name ?? nameOf(d.workloads[0] ?? {metadata: {name: 'notebook'}})

export interface FindingOptions {
  /** the root cause key (causes.ts) */
  cause?: string
  /** this finding states the cause */
  root?: boolean
}

export function finding(
  checkId: string,
  severity: Severity,
  message: string,
  evidence: string[],
  remediation: string | string[],
  object?: KubeObject | {kind: string; name: string},
  opts: FindingOptions = {},
): Finding {
  const obj =
    object === undefined
      ? undefined
      : 'metadata' in object || !('name' in object)
        ? objectRef(object as KubeObject)
        : (object as {kind: string; name: string})
  return {
    checkId,
    severity,
    message,
    // the same event can be recorded twice (count not aggregated): one line each
    evidence: [...new Set(evidence)],
    remediation: Array.isArray(remediation) ? remediation.join('\n') : remediation,
    ...(obj ? {object: obj} : {}),
    ...(opts.cause ? {cause: opts.cause} : {}),
    ...(opts.root ? {root: true} : {}),
  }
}

/** The workload that owns a pod (by the `NAME-` prefix of its ReplicaSet/DC naming). */
export function workloadOfPod(d: DoctorData, pod: string): KubeObject | undefined {
  return d.workloads.find(x => pod.startsWith(`${nameOf(x)}-`))
}

export function workloadFor(d: DoctorData, pod: string): string {
  const w = workloadOfPod(d, pod)
  return w ? workloadRef(w) : `deployment/${d.name ?? 'notebook'}`
}

/** The SCC a pod was admitted by (annotation openshift.io/scc). */
export const podSccOf = (pod: KubeObject | undefined): string | undefined =>
  pod ? annotationsOf(pod)['openshift.io/scc'] : undefined

export const isDefaultScc = (scc: string | undefined): boolean => scc === undefined || DEFAULT_SCCS.has(scc)

/** The project's first supplemental GID: restricted-v2's only fsGroup (FACTS.md §RBAC, storage and immutability). */
export function firstGroup(d: DoctorData): number | undefined {
  const a = d.project ? annotationsOf(d.project) : {}
  return (parseUidBlock(a[SUPPLEMENTAL_GROUPS_ANNOTATION]) ?? parseUidBlock(a[UID_RANGE_ANNOTATION]))?.start
}

/** Where SCC `scc` is granted to the notebook's service account, from what gather could read. */
export function grantLocation(d: DoctorData, scc: string): GrantLocation {
  return locateSccGrants({
    scc,
    serviceAccount: {namespace: d.namespace, name: d.serviceAccount},
    ...(scc in d.sccs ? {sccObject: d.sccs[scc]} : {}),
    ...(d.rbac.roleBindings ? {roleBindings: d.rbac.roleBindings} : {}),
    ...(d.rbac.clusterRoleBindings ? {clusterRoleBindings: d.rbac.clusterRoleBindings} : {}),
    roles: d.rbac.roles,
  })
}

/** The reads that may show a grant: without any of them, grant checks rely on the SCC review alone. */
export const GRANT_READS: readonly ReadKey[] = ['roleBindings', 'clusterRoleBindings', 'roles', 'sccs']

const ADMIN = 'as a cluster administrator'

/**
 * The commands that take SCC `scc` away from the service account: one per located grant (delete the
 * binding, or a guarded JSON patch), marked for a cluster administrator when this user may not make the
 * change; when the grant hides where this user cannot read, the command an administrator runs to find
 * it; then a restart so the pods are admitted again without it.
 */
export function grantRemedies(
  d: DoctorData,
  scc: string,
  where: GrantLocation = grantLocation(d, scc),
): string[] {
  const out: string[] = []
  for (const g of where.grants) {
    const removal = planGrantRemoval(g)
    const may = mayRemove(removal, d.access)
    const notes = [
      ...(may === false
        ? [`${ADMIN}: this user may not ${removal.action} ${g.target.kind} ${g.target.name}`]
        : []),
      ...(g.broaderRole && g.role
        ? [
            `also takes the other permissions of ${g.role.kind} ${g.role.name} from service account ${d.serviceAccount}`,
          ]
        : []),
      ...(g.shared
        ? [
            `also takes ${scc} from every other member of ${g.matches
              .filter(m => m.via === 'Group')
              .map(m => m.name)
              .join(', ')}`,
          ]
        : []),
    ]
    out.push(`${removal.command}${notes.length > 0 ? `   # ${notes.join('; ')}` : ''}`)
  }
  if (where.grants.length === 0) {
    out.push(
      where.unread.length > 0
        ? `oc jupyter doctor ${instanceName(d)} ${inNs(d)}   # ${ADMIN}: the grant is in ${where.unread.map(u => u.what).join(' or ')}, which this user may not read; the administrator's run names it and prints its removal`
        : `oc get rolebindings,clusterrolebindings -o wide ${inNs(d)}   # no readable binding or SCC field grants ${scc}: look for a subject ${d.serviceAccount} or its groups`,
    )
  }
  // the administrator's run ends with the restart itself: printing it here too would restart twice
  if (where.grants.length > 0)
    for (const w of d.workloads)
      out.push(`oc rollout restart ${workloadRef(w)} ${inNs(d)}   # pods are admitted again without ${scc}`)
  return out
}

/** The evidence lines of a grant location: where it is, and where it may hide unread. */
export function grantEvidence(where: GrantLocation): string[] {
  return [
    ...where.grants.map(g => g.description),
    ...(where.grants.length === 0
      ? where.unread.map(u => `not readable by this user: ${u.what} (needs: ${u.permission})`)
      : []),
  ]
}

/** The pod's container, and the mounts of its PVC volumes (path → claim). */
export function claimMounts(
  pod: KubeObject | undefined,
  container: string,
): Array<{path: string; claim: string}> {
  if (!pod) return []
  const spec = rec(pod.spec)
  const c = arr(spec.containers).find(x => x.name === container) ?? arr(spec.containers)[0]
  const claims = new Map(
    arr(spec.volumes)
      .filter(v => str(rec(v.persistentVolumeClaim).claimName) !== undefined)
      .map(v => [str(v.name) ?? '', str(rec(v.persistentVolumeClaim).claimName) as string]),
  )
  return arr(c?.volumeMounts)
    .filter(m => claims.has(str(m.name) ?? ''))
    .map(m => ({
      path: (str(m.mountPath) ?? '/').replace(/\/+$/, '') || '/',
      claim: claims.get(str(m.name) ?? '') as string,
    }))
}

/** The claim mounted over `path` (the longest mount prefix), if any. */
export function mountOver(
  mounts: ReadonlyArray<{path: string; claim: string}>,
  path: string,
): {path: string; claim: string} | undefined {
  return mounts
    .filter(m => path === m.path || path.startsWith(m.path === '/' ? '/' : `${m.path}/`))
    .sort((a, b) => b.path.length - a.path.length)[0]
}

export const fsGroupOf = (pod: KubeObject | undefined): number | undefined =>
  num(rec(rec(pod?.spec).securityContext).fsGroup)

/** A JSON patch of a workload's pod template (the path below `spec.template.spec`). */
export function templatePatch(w: KubeObject, d: DoctorData, ops: unknown[]): string {
  const base = '/spec/template/spec'
  const json = JSON.stringify(
    (ops as Array<Record<string, unknown>>).map(o => ({...o, path: `${base}${String(o.path)}`})),
  )
  return `oc patch ${workloadRef(w)} ${inNs(d)} --type=json -p '${json}'`
}

/** The pod template's securityContext of a workload. */
export const templateSecurityContext = (w: KubeObject): Record<string, unknown> =>
  rec(podTemplate(w).spec.securityContext)

/** Whether the pod runs with group `gid` among its supplementary groups (fsGroup or supplementalGroups). */
export function podHasGroup(pod: KubeObject | undefined, gid: number): boolean {
  const psc = rec(rec(pod?.spec).securityContext)
  const supp = Array.isArray(psc.supplementalGroups) ? (psc.supplementalGroups as unknown[]) : []
  return psc.fsGroup === gid || supp.includes(gid)
}

/** A registry image the container runs (kept by a re-deploy), not one of the project's image streams. */
export function registryImage(container: Record<string, unknown> | undefined): string | undefined {
  const image = str(container?.image)
  if (!image || !image.includes('/') || image.startsWith('image-registry.openshift-image-registry.svc'))
    return undefined
  return image.includes('@') ? undefined : image
}

/**
 * What `oc jupyter deploy --image` takes to keep the image a workload's container runs: the image
 * stream tag its `image.openshift.io/triggers` annotation follows (the template then holds a resolved
 * registry digest), else an image stream tag or registry image as the template names it.
 */
export function deployedImage(
  w: KubeObject | undefined,
  container: Record<string, unknown> | undefined,
): string | undefined {
  const name = str(container?.name)
  try {
    const triggers = JSON.parse(annotationsOf(w ?? {})['image.openshift.io/triggers'] ?? '[]') as unknown
    const t = arr(triggers).find(x => str(x.fieldPath)?.includes(`"${name}"`) === true)
    const from = rec(t?.from)
    if (str(from.kind) === 'ImageStreamTag' && str(from.name) && !str(from.namespace)) return str(from.name)
  } catch {
    // not JSON: judge the template's image
  }
  const image = str(container?.image)
  if (image && !image.includes('/') && image.includes(':')) return image
  return registryImage(container)
}

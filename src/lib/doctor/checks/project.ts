/**
 * The project's SCC annotations (FACTS.md §Assigned user IDs): without a UID range SCC admission
 * rejects every pod; explicit IDs outside the blocks are rejected by MustRunAsRange / MustRunAs.
 */
import {
  MCS_ANNOTATION,
  SUPPLEMENTAL_GROUPS_ANNOTATION,
  UID_RANGE_ANNOTATION,
  parseUidBlock,
  type UidBlock,
} from '../../preflight.js'
import {cause} from '../causes.js'
import {annotationsOf, arr, labelsOf, nameOf, num, podTemplate, rec, str} from '../obj.js'
import type {Check, DoctorData, Finding, Severity} from '../types.js'
import {
  finding,
  firstGroup,
  grantRemedies,
  inNs,
  templatePatch,
  templateSecurityContext,
  workloadRef,
} from './util.js'

const ann = (d: DoctorData, key: string): string | undefined =>
  d.project ? annotationsOf(d.project)[key] : undefined

const newProjectFix = (d: DoctorData) => [
  `oc get project ${d.namespace} -o jsonpath='{.metadata.annotations}'`,
  `oc new-project ${d.namespace}-notebooks   # a project created by OpenShift gets the annotations`,
]

export const uidRangeMissing: Check<DoctorData> = {
  id: 'project.uid-range-missing',
  area: 'project',
  title: 'Project has a UID range',
  severity: 'error',
  reads: `Project/Namespace annotation ${UID_RANGE_ANNOTATION}`,
  fires:
    'the annotation is absent (a namespace created with kubectl, or the cluster-policy-controller is not running)',
  fix: 'Create the project with `oc new-project`, or ask an administrator to check the cluster-policy-controller.',
  needs: ['project'],
  run(d) {
    if (!d.project || ann(d, UID_RANGE_ANNOTATION) !== undefined) return []
    return [
      finding(
        this.id,
        this.severity,
        `namespace ${d.namespace} has no ${UID_RANGE_ANNOTATION} annotation: SCC admission rejects every pod ("unable to find annotation ${UID_RANGE_ANNOTATION}")`,
        [`annotations: ${Object.keys(annotationsOf(d.project)).join(', ') || '(none)'}`],
        newProjectFix(d),
        {kind: 'Namespace', name: d.namespace},
        {cause: cause.project(d.namespace), root: true},
      ),
    ]
  },
}

/** A START/SIZE block annotation that is present but unparsable (a missing one is judged apart). */
function blockMalformed(o: {
  id: string
  title: string
  severity: Severity
  key: string
  fires: string
  fix: string
  /** what admission cannot do, after "is malformed: " */
  consequence: string
  /** appended to the evidence line */
  expected?: string
}): Check<DoctorData> {
  return {
    id: o.id,
    area: 'project',
    title: o.title,
    severity: o.severity,
    reads: `Project/Namespace annotation ${o.key}`,
    fires: o.fires,
    fix: o.fix,
    needs: ['project'],
    run(d) {
      const v = ann(d, o.key)
      if (v === undefined || parseUidBlock(v)) return []
      return [
        finding(
          this.id,
          this.severity,
          `the ${o.key} annotation of ${d.namespace} is malformed: ${o.consequence}`,
          [`${o.key}: "${v}"${o.expected ?? ''}`],
          newProjectFix(d),
          {kind: 'Namespace', name: d.namespace},
          {cause: cause.project(d.namespace), root: true},
        ),
      ]
    },
  }
}

export const uidRangeMalformed = blockMalformed({
  id: 'project.uid-range-malformed',
  title: 'UID range annotation is well-formed',
  severity: 'error',
  key: UID_RANGE_ANNOTATION,
  fires: 'the value is not START/SIZE or START-END',
  fix: 'Restore the value written by the cluster-policy-controller (e.g. 1000040000/10000).',
  consequence: 'SCC admission cannot assign a UID',
  expected: ' (expected START/SIZE, e.g. 1000040000/10000)',
})

const MCS = /^s\d+(-s\d+)?(:c\d+(\.c\d+)?(,c\d+(\.c\d+)?)*)?$/

export const mcsMissing: Check<DoctorData> = {
  id: 'project.mcs-missing',
  area: 'project',
  title: 'Project has an SELinux MCS level',
  severity: 'error',
  reads: `Project/Namespace annotation ${MCS_ANNOTATION}`,
  fires:
    'the annotation is absent or not an SELinux level (s0:c26,c5); restricted-v2 uses MustRunAs for SELinux and rejects the pod',
  fix: 'Create the project with `oc new-project`, or ask an administrator to check the cluster-policy-controller.',
  needs: ['project'],
  run(d) {
    if (!d.project) return []
    const v = ann(d, MCS_ANNOTATION)
    if (v !== undefined && MCS.test(v.trim())) return []
    return [
      finding(
        this.id,
        this.severity,
        v === undefined
          ? `namespace ${d.namespace} has no ${MCS_ANNOTATION} annotation: restricted-v2 cannot assign an SELinux level`
          : `the ${MCS_ANNOTATION} annotation of ${d.namespace} is not an SELinux level`,
        [`${MCS_ANNOTATION}: ${v === undefined ? '(absent)' : `"${v}"`}`],
        newProjectFix(d),
        {kind: 'Namespace', name: d.namespace},
        {cause: cause.project(d.namespace), root: true},
      ),
    ]
  },
}

export const supplementalMalformed = blockMalformed({
  id: 'project.supplemental-groups-malformed',
  title: 'Supplemental-groups annotation is well-formed',
  severity: 'warning',
  key: SUPPLEMENTAL_GROUPS_ANNOTATION,
  fires: 'present but not START/SIZE or START-END (when absent, admission falls back to the UID range: fine)',
  fix: 'Restore the value written by the cluster-policy-controller, or remove it to fall back to the UID range.',
  consequence: 'fsGroup cannot be assigned',
})

/** Every explicit runAsUser in a pod template: pod level and each container, with its JSON path. */
export function runAsUsers(spec: Record<string, unknown>): Array<{where: string; path: string; uid: number}> {
  const out: Array<{where: string; path: string; uid: number}> = []
  const podUid = num(rec(spec.securityContext).runAsUser)
  if (podUid !== undefined)
    out.push({
      where: 'spec.template.spec.securityContext.runAsUser',
      path: '/securityContext/runAsUser',
      uid: podUid,
    })
  for (const list of ['initContainers', 'containers'] as const)
    for (const [i, c] of arr(spec[list]).entries()) {
      const uid = num(rec(c.securityContext).runAsUser)
      if (uid !== undefined)
        out.push({
          where: `container ${str(c.name) ?? i} securityContext.runAsUser`,
          path: `/${list}/${i}/securityContext/runAsUser`,
          uid,
        })
    }
  return out
}

const outside = (b: UidBlock, n: number) => n < b.start || n > b.end

export const runAsUserOutsideRange: Check<DoctorData> = {
  id: 'project.run-as-user-outside-range',
  area: 'project',
  title: "Workloads' runAsUser is in the project's range",
  severity: 'error',
  reads: `Deployment/DeploymentConfig pod templates; annotation ${UID_RANGE_ANNOTATION}`,
  fires: 'a template sets runAsUser outside the UID block: restricted-v2 (MustRunAsRange) rejects the pod',
  fix: 'Remove runAsUser from the template and let the SCC assign the project UID.',
  needs: ['project', 'workloads'],
  run(d) {
    const block = parseUidBlock(ann(d, UID_RANGE_ANNOTATION))
    if (!block) return []
    return d.workloads.flatMap(w => {
      const bad = runAsUsers(podTemplate(w).spec).filter(u => outside(block, u.uid))
      if (bad.length === 0) return []
      // Every runAsUser goes (inside the range too): the SCC assigns the project's first UID.
      const all = runAsUsers(podTemplate(w).spec)
      return [
        finding(
          this.id,
          this.severity,
          `${workloadRef(w)} asks for runAsUser ${bad[0].uid}, outside the project's UID range ${block.start}-${block.end}: restricted-v2 refuses its pods`,
          bad.map(u => `${u.where}: ${u.uid} (allowed: ${block.start}..${block.end})`),
          [
            `${templatePatch(
              w,
              d,
              all.map(u => ({op: 'remove', path: u.path})),
            )}   # restricted-v2 assigns ${block.start}`,
            `# or re-deploy with the CLI, which never sets runAsUser: oc jupyter deploy ${nameOf(w)} ${inNs(d)}`,
          ],
          w,
          {cause: cause.template(w.kind ?? 'Deployment', nameOf(w)), root: true},
        ),
      ]
    })
  },
}

export const fsGroupOutsideRange: Check<DoctorData> = {
  id: 'project.fsgroup-outside-range',
  area: 'project',
  title: "Workloads' fsGroup is the project's first supplemental group",
  severity: 'error',
  reads: `pod templates; annotations ${SUPPLEMENTAL_GROUPS_ANNOTATION} (else ${UID_RANGE_ANNOTATION})`,
  fires:
    'a template sets an fsGroup other than the first GID of the block: restricted-v2 (fsGroup MustRunAs) admits only that one',
  fix: 'Remove fsGroup from the template (the SCC assigns the first group of the block); a group the image needs (docker-stacks: 100) moves to supplementalGroups, which restricted-v2 allows.',
  needs: ['project', 'workloads'],
  run(d) {
    const first = firstGroup(d)
    if (first === undefined) return []
    const a = d.project ? annotationsOf(d.project) : {}
    const block = parseUidBlock(a[SUPPLEMENTAL_GROUPS_ANNOTATION]) ?? parseUidBlock(a[UID_RANGE_ANNOTATION])
    return d.workloads.flatMap(w => {
      const sc = templateSecurityContext(w)
      const fsGroup = num(sc.fsGroup)
      if (fsGroup === undefined || fsGroup === first) return []
      const supp = Array.isArray(sc.supplementalGroups) ? (sc.supplementalGroups as unknown[]) : undefined
      // fsGroup G made the process a member of G; outside the project's block that membership is what
      // the image needed (docker-stacks: group 100 owns home and /opt/conda): keep it as a supplemental group.
      const keep = block !== undefined && outside(block, fsGroup) && !supp?.includes(fsGroup)
      const ops: unknown[] = [{op: 'remove', path: '/securityContext/fsGroup'}]
      if (keep)
        ops.push(
          supp
            ? {op: 'add', path: '/securityContext/supplementalGroups/-', value: fsGroup}
            : {op: 'add', path: '/securityContext/supplementalGroups', value: [fsGroup]},
        )
      return [
        finding(
          this.id,
          this.severity,
          `${workloadRef(w)} asks for fsGroup ${fsGroup}; restricted-v2 admits only ${first}, the first group of ${a[SUPPLEMENTAL_GROUPS_ANNOTATION] === undefined ? UID_RANGE_ANNOTATION : SUPPLEMENTAL_GROUPS_ANNOTATION}`,
          [`spec.template.spec.securityContext.fsGroup: ${fsGroup} (allowed: ${first})`],
          `${templatePatch(w, d, ops)}   # the SCC sets fsGroup ${first}${keep ? `; supplementalGroups keeps group ${fsGroup} for the image` : ''}`,
          w,
          {cause: cause.template(w.kind ?? 'Deployment', nameOf(w)), root: true},
        ),
      ]
    })
  },
}

const PSA_SYNC = 'security.openshift.io/scc.podSecurityLabelSync'
const RESTRICTED_SCCS = new Set(['restricted', 'restricted-v2', 'nonroot', 'nonroot-v2'])

export const psaStricterThanPods: Check<DoctorData> = {
  id: 'project.psa-stricter-than-pods',
  area: 'project',
  title: 'Pod Security labels fit the pods',
  severity: 'warning',
  reads: 'namespace labels pod-security.kubernetes.io/enforce|warn; pod annotation openshift.io/scc',
  fires:
    'the namespace enforces or warns `restricted` while a pod was admitted by a more permissive SCC (anyuid, privileged)',
  fix: 'Make the pod run under restricted-v2 (remove the anyuid grant) rather than loosening the labels.',
  needs: ['project', 'pods'],
  run(d) {
    if (!d.project) return []
    const labels = labelsOf(d.project)
    const level = labels['pod-security.kubernetes.io/enforce'] ?? labels['pod-security.kubernetes.io/warn']
    if (level !== 'restricted') return []
    return d.pods.flatMap(p => {
      const scc = annotationsOf(p)['openshift.io/scc']
      if (!scc || RESTRICTED_SCCS.has(scc)) return []
      return [
        finding(
          this.id,
          this.severity,
          `pod ${nameOf(p)} runs under SCC ${scc}, but namespace ${d.namespace} applies Pod Security "restricted": it would violate PodSecurity`,
          [
            `pod-security.kubernetes.io/enforce: ${labels['pod-security.kubernetes.io/enforce'] ?? '(unset)'}`,
            `pod-security.kubernetes.io/warn: ${labels['pod-security.kubernetes.io/warn'] ?? '(unset)'}`,
            `pod ${nameOf(p)} annotation openshift.io/scc: ${scc}`,
          ],
          grantRemedies(d, scc),
          p,
          {cause: cause.scc(scc)},
        ),
      ]
    })
  },
}

export const psaSyncDisabled: Check<DoctorData> = {
  id: 'project.psa-label-sync-disabled',
  area: 'project',
  title: 'Pod Security label sync is on',
  severity: 'info',
  reads: `namespace label ${PSA_SYNC}`,
  fires:
    'label sync is disabled: the Pod Security labels no longer follow the SCCs the service accounts may use',
  fix: 'Remove the label unless an administrator set the Pod Security labels on purpose.',
  needs: ['project'],
  run(d) {
    if (!d.project || labelsOf(d.project)[PSA_SYNC] !== 'false') return []
    return [
      finding(
        this.id,
        this.severity,
        `Pod Security label synchronisation is disabled in ${d.namespace}`,
        [`${PSA_SYNC}: "false"`],
        `oc label namespace ${d.namespace} ${PSA_SYNC}-   # needs namespace edit rights`,
        {kind: 'Namespace', name: d.namespace},
        {cause: cause.config('psa-sync')},
      ),
    ]
  },
}

export const projectChecks = [
  uidRangeMissing,
  uidRangeMalformed,
  mcsMissing,
  supplementalMalformed,
  runAsUserOutsideRange,
  fsGroupOutsideRange,
  psaStricterThanPods,
  psaSyncDisabled,
]

export type {Finding}

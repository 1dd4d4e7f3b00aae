/**
 * SCC grants to the notebook's service account (FACTS.md §SCC grants). The SCC subject review is the
 * definitive "may it use X"; where the grant is comes from src/lib/grants (SCC users/groups, any
 * RoleBinding or ClusterRoleBinding whose role grants `use`), and the fix edits or deletes that very
 * object — `oc adm policy remove-scc-from-*` only edits the bindings named system:openshift:scc:NAME,
 * so it would be a no-op for every other place. A usable SCC with a priority (anyuid: 10) or a custom
 * one picked ahead of restricted-v2 decides how the pods run: it is the root cause of what follows
 * (the pod's UID, a missing fsGroup, Pod Security warnings), which report.ts groups under it.
 */
import {DEFAULT_SCCS} from '../../grants/index.js'
import {cause} from '../causes.js'
import {annotationsOf, nameOf} from '../obj.js'
import type {Check, DoctorData, Finding, ReadKey} from '../types.js'
import {
  finding,
  GRANT_READS,
  grantEvidence,
  grantLocation,
  grantRemedies,
  isDefaultScc,
  podSccOf,
} from './util.js'

const PRIORITY: Record<string, string> = {anyuid: '10', privileged: 'none'}

/** Review and pod lines that show the SCC is used or usable. */
function usageEvidence(d: DoctorData, scc: string): string[] {
  const out: string[] = []
  if (d.probeReview?.allowedBy === scc)
    out.push(`SCC subject review: a pod with runAsUser 1000 run as ${d.serviceAccount} is admitted by ${scc}`)
  for (const r of d.templateReviews)
    if (r.allowedBy === scc)
      out.push(`SCC subject review: the ${r.subject} is admitted by ${scc}, ahead of restricted-v2`)
  for (const p of d.pods) if (podSccOf(p) === scc) out.push(`pod ${nameOf(p)}: openshift.io/scc: ${scc}`)
  return out
}

/** Grant checks can judge from the review alone; without it, every place a grant may be must be read. */
function grantNeeds(d: DoctorData): readonly ReadKey[] {
  return d.probeReview !== undefined ? ['reviews'] : GRANT_READS
}

function grantFinding(check: Check<DoctorData>, d: DoctorData, scc: string, usage: string[]): Finding[] {
  const where = grantLocation(d, scc)
  if (where.grants.length === 0 && usage.length === 0) return []
  const sa = d.serviceAccount
  const located = where.grants.length > 0
  const message =
    scc in PRIORITY
      ? `service account ${sa} in ${d.namespace} may use the ${scc} SCC (priority ${PRIORITY[scc]}): pods run as the image's USER, not the project's UID${located ? '' : ', through a grant this user cannot see'}`
      : `service account ${sa} in ${d.namespace} may use SCC ${scc}, which admission picks ahead of restricted-v2: pods run with its settings, not restricted-v2's${located ? '' : ', through a grant this user cannot see'}`
  return [
    finding(
      check.id,
      check.severity,
      message,
      [...grantEvidence(where), ...usage],
      grantRemedies(d, scc, where),
      {kind: 'ServiceAccount', name: sa},
      {cause: cause.scc(scc), root: true},
    ),
  ]
}

function grantCheck(scc: 'anyuid' | 'privileged'): Check<DoctorData> {
  return {
    id: `grants.${scc}-usable`,
    area: 'grants',
    title: `Service account cannot use the ${scc} SCC`,
    severity: 'error',
    reads: `SCC ${scc} users/groups; every RoleBinding and ClusterRoleBinding reaching the service account and its role; podsecuritypolicysubjectreviews (probe pod with runAsUser 1000, no seccomp)`,
    fires: `the notebook's service account may use ${scc}: the pod runs as the image's USER, not the project's assigned UID`,
    fix: `Delete or edit the object that grants it (the finding names it: a binding of any name, or the SCC's users/groups), then restart the pods; \`oc adm policy remove-scc-from-user\` only edits bindings named system:openshift:scc:${scc}.`,
    needs: grantNeeds,
    run(d) {
      return grantFinding(this, d, scc, usageEvidence(d, scc))
    },
  }
}

export const anyuidUsable = grantCheck('anyuid')
export const privilegedUsable = grantCheck('privileged')

/** Non-default SCCs (not restricted(-v2), anyuid or privileged) that admit the notebook's pods or templates. */
function otherSccsInUse(d: DoctorData): string[] {
  const named = [
    ...d.templateReviews.map(r => r.allowedBy),
    ...d.pods.map(p => annotationsOf(p)['openshift.io/scc']),
  ].filter((s): s is string => typeof s === 'string')
  return [...new Set(named)].filter(s => !DEFAULT_SCCS.has(s) && !(s in PRIORITY))
}

export const otherSccUsable: Check<DoctorData> = {
  id: 'grants.scc-usable',
  area: 'grants',
  title: 'No custom SCC is picked ahead of restricted-v2',
  severity: 'error',
  reads:
    'pod annotation openshift.io/scc and SCC reviews of the templates; the SCC and every binding that grants it',
  fires:
    "the pods are (or their template would be) admitted by an SCC other than restricted-v2, anyuid or privileged: a higher priority or a less restrictive SCC granted to the service account wins, and its settings (UID, fsGroup, seccomp) replace restricted-v2's",
  fix: 'Delete or edit the object that grants it (the finding names it), then restart the pods.',
  needs: ['pods', 'reviews'],
  run(d) {
    return otherSccsInUse(d).flatMap(scc => grantFinding(this, d, scc, usageEvidence(d, scc)))
  },
}

export const podScc: Check<DoctorData> = {
  id: 'grants.pod-scc-not-restricted',
  area: 'grants',
  title: 'Pods run under restricted(-v2)',
  severity: 'warning',
  reads: 'pod annotation openshift.io/scc',
  fires: 'a pod was admitted by an SCC other than restricted or restricted-v2',
  fix: 'Remove the grant of that SCC and restart the pod, so it runs with the project UID.',
  needs: ['pods'],
  run(d) {
    return d.pods.flatMap(p => {
      const scc = podSccOf(p)
      if (isDefaultScc(scc) || scc === undefined) return []
      return [
        finding(
          this.id,
          this.severity,
          `pod ${nameOf(p)} was admitted by SCC ${scc}, not restricted-v2`,
          [`openshift.io/scc: ${scc}`],
          grantRemedies(d, scc),
          p,
          {cause: cause.scc(scc)},
        ),
      ]
    })
  },
}

export const grantChecks = [anyuidUsable, privilegedUsable, otherSccUsable, podScc]

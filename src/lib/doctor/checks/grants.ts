/**
 * SCC grants to the notebook's service account (FACTS.md §SCC grants): the SCC's own users/groups
 * (OpenShift <= 4.4), RoleBinding or ClusterRoleBinding `system:openshift:scc:NAME` (4.5+), and — the
 * definitive answer — the SCC subject review. anyuid has priority 10, so a usable anyuid beats
 * restricted-v2 and the pod runs as the image's USER instead of the project's UID.
 */
import {planAnyuidRemoval, sccRemovalCommand, serviceAccountUser} from '../../deploy/anyuid.js'
import type {KubeObject} from '../../cluster/index.js'
import {sccBinding} from '../gather.js'
import {annotationsOf, nameOf, rec, str} from '../obj.js'
import type {Check, DoctorData, Finding} from '../types.js'
import {finding, inNs} from './util.js'

type Binding = Parameters<typeof planAnyuidRemoval>[0]['roleBinding']

/** Where SCC `scc` is granted to the service account, one evidence line per place. */
export function grantEvidence(d: DoctorData, scc: string): string[] {
  const sa = d.serviceAccount
  const evidence: string[] = []
  const bindingOf = (o: KubeObject | undefined): Binding =>
    o ? ({metadata: o.metadata ?? {}, subjects: o.subjects, roleRef: o.roleRef} as Binding) : undefined
  const rbs = d.roleBindings.filter(rb => str(rec(rb.roleRef).name) === sccBinding(scc))
  const sccObj = d.sccs[scc]
  const plans = [
    planAnyuidRemoval({
      namespace: d.namespace,
      serviceAccount: sa,
      ...(sccObj
        ? {
            scc: {
              metadata: sccObj.metadata ?? {},
              users: sccObj.users as string[],
              groups: sccObj.groups as string[],
            },
          }
        : {}),
      ...(d.clusterRoleBindings[scc] ? {clusterRoleBinding: bindingOf(d.clusterRoleBindings[scc])} : {}),
    }),
    ...rbs.map(rb =>
      planAnyuidRemoval({namespace: d.namespace, serviceAccount: sa, roleBinding: bindingOf(rb)}),
    ),
  ]
  for (const plan of plans) {
    for (const c of plan.changes) {
      const t = c.target
      if (t.kind === 'SecurityContextConstraints')
        evidence.push(
          `SecurityContextConstraints ${scc} lists user system:serviceaccount:${d.namespace}:${sa}`,
        )
      else
        evidence.push(
          `${t.kind} ${t.name}${'namespace' in t && t.namespace ? ` in ${t.namespace}` : ''} binds service account ${sa} to ClusterRole ${sccBinding(scc)}`,
        )
    }
    // planAnyuidRemoval words its notices for anyuid; the same rules hold for any SCC.
    for (const n of plan.notices)
      evidence.push(n.message.replaceAll('anyuid', scc).replace(/; not removed.*$/, ''))
  }
  if (d.probeReview?.allowedBy === scc)
    evidence.push(`SCC subject review: a pod with runAsUser 1000 run as ${sa} is admitted by ${scc}`)
  return evidence
}

function grantCheck(scc: 'anyuid' | 'privileged'): Check<DoctorData> {
  return {
    id: `grants.${scc}-usable`,
    area: 'grants',
    title: `Service account cannot use the ${scc} SCC`,
    severity: 'error',
    reads: `SCC ${scc} users/groups; RoleBindings and ClusterRoleBinding ${sccBinding(scc)}; podsecuritypolicysubjectreviews (probe pod with runAsUser 1000, no seccomp)`,
    fires: `the notebook's service account may use ${scc}: the pod runs as the image's USER, not the project's assigned UID`,
    fix: `Remove the grant (oc adm policy remove-scc-from-user ${scc} -z SA -n NS); \`oc jupyter deploy\` removes anyuid grants itself.`,
    run(d): Finding[] {
      const evidence = grantEvidence(d, scc)
      if (evidence.length === 0) return []
      const sa = d.serviceAccount
      // One command per place (openshift/oc modify_scc.go): `-z SA -n NS` edits the RoleBinding; the
      // ClusterRoleBinding is edited only when the SA is named as a user without -n; today's oc does not
      // touch an SCC's own users list (OpenShift <= 4.4 grants), which needs an edit of the SCC.
      const fix: string[] = []
      const user = serviceAccountUser(d.namespace, sa)
      if (
        evidence.some(e => e.startsWith('RoleBinding ')) ||
        evidence.every(e => e.startsWith('SCC subject review'))
      )
        fix.push(sccRemovalCommand(scc, d.namespace, sa))
      if (evidence.some(e => e.startsWith('ClusterRoleBinding ')))
        fix.push(
          `${sccRemovalCommand(scc, d.namespace, sa, 'clusterrolebinding')}   # the ClusterRoleBinding (no -n)`,
        )
      if (evidence.some(e => e.startsWith('SecurityContextConstraints ') && e.includes(`user ${user}`)))
        fix.push(`${sccRemovalCommand(scc, d.namespace, sa, 'scc-users')} (a grant made by OpenShift <= 4.4)`)
      for (const line of evidence) {
        const g = /group (system:[\w:.-]+)/.exec(line)
        if (g)
          fix.push(
            `oc adm policy remove-scc-from-group ${scc} ${g[1]}   # affects every service account in the group`,
          )
      }
      if (scc === 'anyuid')
        fix.push(
          `# or: oc jupyter deploy ${d.name ?? 'notebook'} ${inNs(d)}   (removes anyuid grants unless --keep-anyuid)`,
        )
      return [
        finding(
          this.id,
          this.severity,
          `service account ${sa} in ${d.namespace} may use the ${scc} SCC (priority ${scc === 'anyuid' ? '10' : 'none'}): pods run as the image's USER, and an image built for that works only while the grant stays`,
          evidence,
          fix,
          {kind: 'ServiceAccount', name: sa},
        ),
      ]
    },
  }
}

export const anyuidUsable = grantCheck('anyuid')
export const privilegedUsable = grantCheck('privileged')

const RESTRICTED = new Set(['restricted', 'restricted-v2'])

export const podScc: Check<DoctorData> = {
  id: 'grants.pod-scc-not-restricted',
  area: 'grants',
  title: 'Pods run under restricted(-v2)',
  severity: 'warning',
  reads: 'pod annotation openshift.io/scc',
  fires: 'a pod was admitted by an SCC other than restricted or restricted-v2',
  fix: 'Remove the grant of that SCC and restart the pod, so it runs with the project UID.',
  run(d) {
    return d.pods.flatMap(p => {
      const scc = annotationsOf(p)['openshift.io/scc']
      if (!scc || RESTRICTED.has(scc)) return []
      return [
        finding(
          this.id,
          this.severity,
          `pod ${nameOf(p)} was admitted by SCC ${scc}, not restricted-v2: it runs as the image's USER`,
          [`openshift.io/scc: ${scc}`],
          [
            sccRemovalCommand(scc, d.namespace, str(rec(p.spec).serviceAccountName) ?? d.serviceAccount),
            `oc delete pod ${nameOf(p)} ${inNs(d)}   # re-admitted under restricted-v2`,
          ],
          p,
        ),
      ]
    })
  },
}

export const grantChecks = [anyuidUsable, privilegedUsable, podScc]

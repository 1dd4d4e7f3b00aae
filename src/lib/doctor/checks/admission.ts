/**
 * Pods that are never created (FACTS.md §SCCs): the ReplicaSet controller records `FailedCreate` with
 * the apiserver's refusal and the Deployment gets a `ReplicaFailure` condition carrying the same text.
 * One refusal is one finding per workload — event and condition are its evidence — attributed to its
 * cause: the project's annotations, the template's fields, a missing service account. Only the live
 * rollout's ReplicaSets are read (gather.ts), so a fixed template's old refusals are not reported.
 */
import {cause} from '../causes.js'
import {arr, nameOf, rec, str} from '../obj.js'
import type {KubeObject} from '../../cluster/index.js'
import type {Check, DoctorData, Finding} from '../types.js'
import {finding, inNs, workloadRef} from './util.js'

const SCC_REJECTION = 'unable to validate against any security context constraint'
const NOT_USABLE = /^([\w.-]+): Forbidden: not usable by user or serviceaccount$/
const SA_MISSING = /error looking up service account ([^/\s]+)\/([^:\s]+): serviceaccount "([^"]+)" not found/

/**
 * The entries of an SCC rejection, one per line: `provider "anyuid": Forbidden: not usable ...` and
 * the field errors of the provider before them. Splits on `, ` outside brackets (the ranges
 * `[1000040000, 1000049999]` contain commas).
 */
export function parseSccRejection(message: string): string[] {
  const at = message.indexOf(SCC_REJECTION)
  if (at < 0) return []
  const open = message.indexOf('[', at)
  const close = message.lastIndexOf(']')
  if (open < 0 || close <= open) return []
  const body = message.slice(open + 1, close)
  const out: string[] = []
  let depth = 0
  let start = 0
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]
    if (ch === '[') depth++
    else if (ch === ']') depth--
    else if (ch === ',' && depth === 0 && body[i + 1] === ' ') {
      out.push(body.slice(start, i).trim())
      start = i + 2
    }
  }
  out.push(body.slice(start).trim())
  return out.filter(Boolean).map(e => e.replace(/^provider "?([^":]+)"?: /, '$1: '))
}

/** The rejection's entries made short: field errors verbatim, the "not usable" providers on one line. */
export function summariseRejection(entries: string[]): string[] {
  const notUsable = entries.flatMap(e => NOT_USABLE.exec(e)?.[1] ?? [])
  const rest = entries.filter(e => !NOT_USABLE.test(e))
  return [
    ...rest,
    ...(notUsable.length > 0
      ? [`not usable by the service account (${notUsable.length} SCCs): ${notUsable.join(', ')}`]
      : []),
  ]
}

/** A workload's pods refused at creation: its FailedCreate events and ReplicaFailure condition. */
interface Refusal {
  workload?: KubeObject
  object: {kind: string; name: string}
  message: string
  evidence: string[]
}

function ownerWorkload(d: DoctorData, rsName: string): KubeObject | undefined {
  const rs = d.replicaSets.find(r => nameOf(r) === rsName)
  const owner = str(arr(rs?.metadata?.ownerReferences).find(o => o.kind === 'Deployment')?.name)
  return (
    d.workloads.find(w => nameOf(w) === owner) ?? d.workloads.find(w => rsName.startsWith(`${nameOf(w)}-`))
  )
}

/** A ReplicaSet still missing pods: fewer than it wants, or a ReplicaFailure condition. */
function shortOfPods(rs: KubeObject | undefined): boolean {
  if (!rs) return true
  const st = rec(rs.status)
  const failing = arr(st.conditions).some(c => c.type === 'ReplicaFailure' && c.status === 'True')
  const want = typeof rec(rs.spec).replicas === 'number' ? (rec(rs.spec).replicas as number) : 1
  const have = typeof st.replicas === 'number' ? st.replicas : 0
  return failing || have < want
}

/** Every live refusal, merged per workload and message (the event and the condition say the same). */
export function refusals(d: DoctorData, accept: (message: string) => boolean): Refusal[] {
  const out: Refusal[] = []
  const add = (
    w: KubeObject | undefined,
    object: {kind: string; name: string},
    message: string,
    line: string,
  ) => {
    const key = w ? `${w.kind}/${nameOf(w)}` : `${object.kind}/${object.name}`
    const same = out.find(
      r =>
        (r.workload ? `${r.workload.kind}/${nameOf(r.workload)}` : `${r.object.kind}/${r.object.name}`) ===
          key && r.message === message,
    )
    if (same) {
      if (!same.evidence.includes(line)) same.evidence.push(line)
      return
    }
    out.push({
      ...(w ? {workload: w} : {}),
      object: w ? {kind: w.kind ?? 'Deployment', name: nameOf(w)} : object,
      message,
      evidence: [line],
    })
  }
  for (const e of d.events) {
    const message = (str(e.message) ?? '').replace(/^Error creating: /, '')
    if (e.reason !== 'FailedCreate' || !accept(message)) continue
    const io = rec(e.involvedObject)
    const name = str(io.name) ?? '?'
    const kind = str(io.kind) ?? 'ReplicaSet'
    // The refusal is over once the ReplicaSet has its pods (an event outlives its cause by an hour).
    if (kind === 'ReplicaSet' && !shortOfPods(d.replicaSets.find(r => nameOf(r) === name))) continue
    add(
      ownerWorkload(d, name),
      {kind, name},
      message,
      `event FailedCreate on ${kind} ${name}: Error creating: ${message}`,
    )
  }
  for (const w of d.workloads) {
    for (const c of arr(rec(w.status).conditions)) {
      const message = (str(c.message) ?? '').replace(/^Error creating: /, '')
      if (c.type === 'ReplicaFailure' && c.status === 'True' && accept(message))
        add(
          w,
          {kind: w.kind ?? 'Deployment', name: nameOf(w)},
          message,
          `${w.kind} ${nameOf(w)} condition ReplicaFailure=True (${str(c.reason) ?? 'FailedCreate'})`,
        )
    }
  }
  return out
}

/** What the rejection's entries say the cause is (the finding that states it is the root). */
function rejectionCause(d: DoctorData, entries: string[], r: Refusal): string {
  if (entries.some(e => /unable to find (pre-allocated|annotation)|unable to find annotation/.test(e)))
    return cause.project(d.namespace)
  return cause.template(r.object.kind, r.object.name)
}

function rejectionRemedies(d: DoctorData, entries: string[], r: Refusal): string[] {
  const ref = r.workload ? workloadRef(r.workload) : undefined
  const out: string[] = []
  if (entries.some(e => /unable to find/.test(e)))
    out.push(
      `oc get project ${d.namespace} -o yaml   # the openshift.io/sa.scc.* annotations must be present`,
    )
  if (ref)
    out.push(`oc get ${ref} ${inNs(d)} -o yaml   # remove what restricted-v2 refuses (the entries above)`)
  out.push(
    `oc jupyter deploy ${r.workload ? nameOf(r.workload) : (d.name ?? 'notebook')} ${inNs(d)}   # renders a template restricted-v2 admits`,
  )
  return out
}

export const sccRejected: Check<DoctorData> = {
  id: 'admission.scc-rejected',
  area: 'admission',
  title: 'Pods pass SCC admission',
  severity: 'error',
  reads:
    'Warning events FailedCreate of the live ReplicaSets; Deployment/DeploymentConfig condition ReplicaFailure',
  fires: `pod creation was rejected with "${SCC_REJECTION}" (each provider's reason is listed)`,
  fix: 'Remove the settings the SCC rejects (explicit runAsUser/fsGroup outside the range, privileged settings); never grant anyuid.',
  needs: ['events', 'workloads', 'replicaSets'],
  run(d) {
    return refusals(d, m => m.includes(SCC_REJECTION)).map(r => {
      const entries = parseSccRejection(r.message)
      return finding(
        this.id,
        this.severity,
        `SCC admission refuses the pods of ${r.object.kind}/${r.object.name}: no SCC the service account may use validates them`,
        [...r.evidence, ...(entries.length > 0 ? summariseRejection(entries) : [])],
        rejectionRemedies(d, entries, r),
        r.object,
        {cause: rejectionCause(d, entries, r)},
      )
    })
  },
}

export const podsNotCreated: Check<DoctorData> = {
  id: 'admission.pods-not-created',
  area: 'admission',
  title: 'Pods are created',
  severity: 'error',
  reads:
    'Warning events FailedCreate of the live ReplicaSets; Deployment/DeploymentConfig condition ReplicaFailure',
  fires:
    'pod creation failed for another reason than SCC validation: a missing service account, an exceeded quota, a LimitRange, a webhook',
  fix: 'Do what the refusal names (create the service account, raise the quota or lower the requests).',
  needs: ['events', 'workloads', 'replicaSets'],
  run(d) {
    return refusals(d, m => !m.includes(SCC_REJECTION)).map((r): Finding => {
      const sa = SA_MISSING.exec(r.message)
      if (sa)
        return finding(
          this.id,
          this.severity,
          `the pods of ${r.object.kind}/${r.object.name} are refused: service account ${sa[3]} does not exist`,
          r.evidence,
          `oc create serviceaccount ${sa[3]} -n ${sa[1]}   # the ReplicaSet retries and creates the pods`,
          r.object,
          {cause: cause.serviceAccount(sa[3])},
        )
      // the project's annotations missing: refused before any SCC is tried
      if (/unable to find (annotation|pre-allocated)|error fetching namespace/.test(r.message))
        return finding(
          this.id,
          this.severity,
          `the pods of ${r.object.kind}/${r.object.name} are refused: the project has no SCC annotations`,
          r.evidence,
          `oc get project ${d.namespace} -o yaml   # the openshift.io/sa.scc.* annotations must be present`,
          r.object,
          {cause: cause.project(d.namespace)},
        )
      const quota = /exceeded quota|must specify limits|maximum .* usage per/.test(r.message)
      return finding(
        this.id,
        this.severity,
        `the pods of ${r.object.kind}/${r.object.name} are not created: ${r.message.replace(/^pods "[^"]*" is forbidden: /, '')}`,
        r.evidence,
        quota
          ? [
              `oc describe quota,limitrange ${inNs(d)}   # lower the notebook's requests or ask for more quota`,
            ]
          : [
              `oc describe ${r.workload ? workloadRef(r.workload) : `${r.object.kind.toLowerCase()}/${r.object.name}`} ${inNs(d)}`,
            ],
        r.object,
        {cause: cause.admission(r.object.kind, r.object.name)},
      )
    })
  },
}

export const serviceAccountMissing: Check<DoctorData> = {
  id: 'admission.service-account-missing',
  area: 'admission',
  title: "The workloads' service account exists",
  severity: 'error',
  reads: 'pod templates (serviceAccountName); the ServiceAccount',
  fires:
    'the service account a template names does not exist: the ServiceAccount admission plugin refuses every pod',
  fix: 'Create the service account (`oc create serviceaccount SA`), or remove serviceAccountName from the template.',
  needs: ['serviceAccounts', 'workloads'],
  run(d) {
    if (d.serviceAccounts === undefined || d.serviceAccounts.includes(d.serviceAccount)) return []
    const users = d.workloads.filter(
      w => (str(rec(rec(rec(w.spec).template).spec).serviceAccountName) ?? 'default') === d.serviceAccount,
    )
    if (users.length === 0) return []
    return [
      finding(
        this.id,
        this.severity,
        `service account ${d.serviceAccount} does not exist in ${d.namespace}: ${users.map(workloadRef).join(', ')} cannot create pods`,
        [
          `serviceaccounts/${d.serviceAccount}: NotFound`,
          ...users.map(w => `${workloadRef(w)}: spec.template.spec.serviceAccountName: ${d.serviceAccount}`),
        ],
        `oc create serviceaccount ${d.serviceAccount} ${inNs(d)}   # the ReplicaSet retries and creates the pods`,
        {kind: 'ServiceAccount', name: d.serviceAccount},
        {cause: cause.serviceAccount(d.serviceAccount), root: true},
      ),
    ]
  },
}

export const reviewDenied: Check<DoctorData> = {
  id: 'admission.review-denied',
  area: 'admission',
  title: 'Pod templates would be admitted',
  severity: 'error',
  reads: 'podsecuritypolicysubjectreviews of each workload pod template (as its service account)',
  fires: 'the review answers allowedBy: null, i.e. no usable SCC admits the template',
  fix: 'Remove what the restricted-v2 SCC rejects from the template (the reason says which field).',
  needs: ['reviews', 'workloads'],
  run(d) {
    return d.templateReviews
      .filter(r => r.allowedBy === null)
      .map(r => {
        const w = d.workloads.find(x => x.kind === r.workload.kind && nameOf(x) === r.workload.name)
        return finding(
          this.id,
          this.severity,
          `no SCC usable by service account ${d.serviceAccount} admits the ${r.subject}`,
          [`SCC subject review: allowedBy: null`, ...(r.reason ? [`reason: ${r.reason}`] : [])],
          w
            ? [`oc get ${workloadRef(w)} ${inNs(d)} -o yaml   # remove what restricted-v2 refuses`]
            : [`oc jupyter deploy ${r.workload.name} ${inNs(d)}`],
          r.workload,
          {cause: cause.template(r.workload.kind, r.workload.name)},
        )
      })
  },
}

export const admissionChecks = [sccRejected, podsNotCreated, serviceAccountMissing, reviewDenied]

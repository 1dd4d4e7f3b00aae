/**
 * SCC admission failures (FACTS.md §SCCs): when no SCC validates a pod, the ReplicaSet controller
 * records `FailedCreate` with `unable to validate against any security context constraint: [...]`
 * (one entry per provider) and the Deployment gets a `ReplicaFailure` condition.
 */
import {arr, nameOf, rec, str} from '../obj.js'
import type {Check, DoctorData} from '../types.js'
import {finding, inNs} from './util.js'

const SCC_REJECTION = 'unable to validate against any security context constraint'

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

interface Rejection {
  object: {kind: string; name: string}
  message: string
}

function rejections(d: DoctorData): Rejection[] {
  const seen = new Set<string>()
  const out: Rejection[] = []
  const add = (r: Rejection) => {
    const key = `${r.object.kind}/${r.object.name}:${r.message}`
    if (seen.has(key)) return
    seen.add(key)
    out.push(r)
  }
  for (const e of d.events) {
    const message = str(e.message) ?? ''
    if (e.reason !== 'FailedCreate' || !message.includes(SCC_REJECTION)) continue
    const io = rec(e.involvedObject)
    add({object: {kind: str(io.kind) ?? 'ReplicaSet', name: str(io.name) ?? '?'}, message})
  }
  for (const w of d.workloads) {
    for (const c of arr(rec(w.status).conditions)) {
      const message = str(c.message) ?? ''
      if (c.type === 'ReplicaFailure' && c.status === 'True' && message.includes(SCC_REJECTION)) {
        // The same text as the ReplicaSet's event: keep one.
        if (out.some(r => r.message === message)) continue
        add({object: {kind: w.kind ?? 'Deployment', name: nameOf(w)}, message})
      }
    }
  }
  return out
}

function remedies(d: DoctorData, entries: string[], ownerName: string): string[] {
  const target = d.workloads.find(w => ownerName === nameOf(w) || ownerName.startsWith(`${nameOf(w)}-`))
  const ref = target
    ? `${target.kind === 'DeploymentConfig' ? 'dc' : 'deployment'}/${nameOf(target)}`
    : undefined
  const out: string[] = []
  if (entries.some(e => /runAsUser: Invalid value/.test(e)) && ref)
    out.push(`oc edit ${ref} ${inNs(d)}   # delete runAsUser: restricted-v2 assigns the project's UID`)
  if (entries.some(e => /fsGroup: Invalid value/.test(e)) && ref)
    out.push(`oc edit ${ref} ${inNs(d)}   # delete fsGroup: restricted-v2 assigns it`)
  if (entries.some(e => /unable to find annotation/.test(e)) || entries.length === 0)
    out.push(
      `oc get project ${d.namespace} -o yaml   # the openshift.io/sa.scc.* annotations must be present`,
    )
  out.push(
    `oc jupyter deploy ${target ? nameOf(target) : (d.name ?? 'notebook')} ${inNs(d)}   # renders a template restricted-v2 admits`,
  )
  return out
}

export const sccRejected: Check<DoctorData> = {
  id: 'admission.scc-rejected',
  area: 'admission',
  title: 'Pods pass SCC admission',
  severity: 'error',
  reads: 'Warning events FailedCreate; Deployment/DeploymentConfig condition ReplicaFailure',
  fires: `pod creation was rejected with "${SCC_REJECTION}" (each provider's reason is listed)`,
  fix: 'Remove the settings the SCC rejects (explicit runAsUser/fsGroup outside the range, privileged settings); never grant anyuid.',
  run(d) {
    return rejections(d).map(r => {
      const entries = parseSccRejection(r.message)
      return finding(
        this.id,
        this.severity,
        `SCC admission rejects the pods of ${r.object.kind}/${r.object.name}: no SCC the service account may use validates them`,
        entries.length > 0 ? entries : [r.message],
        remedies(d, entries, r.object.name),
        r.object,
      )
    })
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
  run(d) {
    return d.templateReviews
      .filter(r => r.allowedBy === null)
      .map(r =>
        finding(
          this.id,
          this.severity,
          `no SCC usable by service account ${d.serviceAccount} admits the ${r.subject}`,
          [`allowedBy: null`, ...(r.reason ? [`reason: ${r.reason}`] : [])],
          remedies(d, r.reason ? [r.reason] : [], r.workload.name),
          r.workload,
        ),
      )
  },
}

export const admissionChecks = [sccRejected, reviewDenied]

/**
 * Label and field selectors with the apiserver's grammar (k8s.io/apimachinery/pkg/labels and
 * pkg/fields). A malformed selector or an unsupported field label is a 400 BadRequest, as on a
 * real server.
 */
import {ApiError, type KObject, type ResourceType} from './types.js'

type LabelOp = 'exists' | '!exists' | '=' | '!=' | 'in' | 'notin' | 'gt' | 'lt'

export interface LabelRequirement {
  key: string
  op: LabelOp
  values: string[]
}

export type LabelSelector = LabelRequirement[]

const KEY_RE =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/
const VALUE_RE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/

function bad(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message)
}

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(s: string): string[] {
  const parts: string[] = []
  let depth = 0
  let cur = ''
  for (const ch of s) {
    if (ch === '(') depth++
    if (ch === ')') depth--
    if (ch === ',' && depth === 0) {
      parts.push(cur)
      cur = ''
    } else cur += ch
  }
  parts.push(cur)
  return parts
}

export function parseLabelSelector(selector: string | undefined | null): LabelSelector {
  if (!selector || !selector.trim()) return []
  const reqs: LabelRequirement[] = []
  for (const raw of splitTopLevel(selector)) {
    const part = raw.trim()
    if (!part) throw bad(`unable to parse requirement: found '', expected: identifier`)
    let m: RegExpMatchArray | null
    let req: LabelRequirement
    if ((m = part.match(/^!\s*(\S+)$/))) req = {key: m[1], op: '!exists', values: []}
    else if ((m = part.match(/^(\S+?)\s+(in|notin)\s*\(([^)]*)\)$/)))
      req = {key: m[1], op: m[2] as 'in' | 'notin', values: m[3].split(',').map(v => v.trim())}
    else if ((m = part.match(/^([^=!<>\s]+)\s*(==|=|!=|>|<)\s*(\S*)$/))) {
      const op = m[2] === '==' || m[2] === '=' ? '=' : m[2] === '!=' ? '!=' : m[2] === '>' ? 'gt' : 'lt'
      req = {key: m[1], op, values: [m[3]]}
    } else if ((m = part.match(/^(\S+)$/))) req = {key: m[1], op: 'exists', values: []}
    else throw bad(`unable to parse requirement: <nil>: Invalid value: "${part}": invalid label selector`)
    if (!KEY_RE.test(req.key)) throw bad(`unable to parse requirement: invalid label key "${req.key}"`)
    for (const v of req.values) {
      if ((req.op === 'gt' || req.op === 'lt') && !/^-?\d+$/.test(v))
        throw bad(`unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`)
      if (!VALUE_RE.test(v) || v.length > 63)
        throw bad(
          `unable to parse requirement: values[0][${req.key}]: Invalid value: "${v}": invalid label value`,
        )
    }
    reqs.push(req)
  }
  return reqs
}

export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {}
  return selector.every(r => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key)
    const v = l[r.key]
    switch (r.op) {
      case 'exists':
        return has
      case '!exists':
        return !has
      case '=':
        return has && v === r.values[0]
      case '!=':
        return !has || v !== r.values[0]
      case 'in':
        return has && r.values.includes(v)
      case 'notin':
        return !has || !r.values.includes(v)
      case 'gt':
        return has && /^-?\d+$/.test(v) && Number(v) > Number(r.values[0])
      case 'lt':
        return has && /^-?\d+$/.test(v) && Number(v) < Number(r.values[0])
    }
  })
}

/** Converts a metav1.LabelSelector object (matchLabels/matchExpressions) into requirements. */
export function fromLabelSelectorObject(sel: {
  matchLabels?: Record<string, string>
  matchExpressions?: Array<{key: string; operator: string; values?: string[]}>
}): LabelSelector {
  const out: LabelSelector = []
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) out.push({key, op: '=', values: [value]})
  for (const e of sel.matchExpressions ?? []) {
    const op = ({In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!exists'} as const)[
      e.operator as 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'
    ]
    if (!op) throw bad(`"${e.operator}" is not a valid label selector operator`)
    out.push({key: e.key, op, values: e.values ?? []})
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// field selectors

export interface FieldRequirement {
  field: string
  op: '=' | '!='
  value: string
}

function get(obj: unknown, path: string): string {
  let cur: unknown = obj
  for (const p of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return ''
    cur = (cur as Record<string, unknown>)[p]
  }
  return cur === undefined || cur === null ? '' : String(cur)
}

/** Field labels each kind supports besides metadata.name / metadata.namespace (as the apiserver's GetAttrs). */
const FIELD_LABELS: Record<string, Record<string, (o: KObject) => string>> = {
  Pod: {
    'status.phase': o => get(o, 'status.phase'),
    'spec.nodeName': o => get(o, 'spec.nodeName'),
    'spec.restartPolicy': o => get(o, 'spec.restartPolicy'),
    'spec.schedulerName': o => get(o, 'spec.schedulerName'),
    'spec.serviceAccountName': o => get(o, 'spec.serviceAccountName'),
    'status.podIP': o => get(o, 'status.podIP'),
    'status.nominatedNodeName': o => get(o, 'status.nominatedNodeName'),
  },
  Event: {
    'involvedObject.kind': o => get(o, 'involvedObject.kind'),
    'involvedObject.namespace': o => get(o, 'involvedObject.namespace'),
    'involvedObject.name': o => get(o, 'involvedObject.name'),
    'involvedObject.uid': o => get(o, 'involvedObject.uid'),
    'involvedObject.apiVersion': o => get(o, 'involvedObject.apiVersion'),
    'involvedObject.resourceVersion': o => get(o, 'involvedObject.resourceVersion'),
    'involvedObject.fieldPath': o => get(o, 'involvedObject.fieldPath'),
    reason: o => get(o, 'reason'),
    reportingComponent: o => get(o, 'reportingComponent'),
    source: o => get(o, 'source.component'),
    type: o => get(o, 'type'),
  },
  Secret: {type: o => get(o, 'type')},
  Namespace: {'status.phase': o => get(o, 'status.phase')},
  ReplicaSet: {'status.replicas': o => get(o, 'status.replicas')},
  PersistentVolumeClaim: {},
  // OpenShift builds: `oc get builds --field-selector status=Running`
  Build: {status: o => get(o, 'status.phase'), podName: o => get(o, 'status.podName')},
}

function unescapeFieldValue(v: string): string {
  return v.replace(/\\(.)/g, '$1')
}

export function parseFieldSelector(
  selector: string | undefined | null,
  rt: ResourceType,
): FieldRequirement[] {
  if (!selector || !selector.trim()) return []
  const out: FieldRequirement[] = []
  // commas may be escaped as `\,` inside values
  for (const raw of selector.split(/(?<!\\),/)) {
    const part = raw.trim()
    const m = part.match(/^([^=!]+?)\s*(==|=|!=)\s*(.*)$/)
    if (!m) throw bad(`invalid selector: '${selector}'; can't understand '${part}'`)
    const field = m[1].trim()
    if (field !== 'metadata.name' && field !== 'metadata.namespace' && !FIELD_LABELS[rt.kind]?.[field])
      throw bad(`field label not supported: ${field}`)
    out.push({field, op: m[2] === '!=' ? '!=' : '=', value: unescapeFieldValue(m[3])})
  }
  return out
}

export function fieldValue(obj: KObject, field: string): string {
  if (field === 'metadata.name') return obj.metadata.name ?? ''
  if (field === 'metadata.namespace') return obj.metadata.namespace ?? ''
  return FIELD_LABELS[obj.kind]?.[field]?.(obj) ?? ''
}

export function matchesFields(reqs: FieldRequirement[], obj: KObject): boolean {
  return reqs.every(r => (fieldValue(obj, r.field) === r.value) === (r.op === '='))
}

/** Both selectors of a list/watch request, parsed once. */
export interface Selection {
  labels: LabelSelector
  fields: FieldRequirement[]
}

export function parseSelection(q: URLSearchParams, rt: ResourceType): Selection {
  return {
    labels: parseLabelSelector(q.get('labelSelector')),
    fields: parseFieldSelector(q.get('fieldSelector'), rt),
  }
}

export function matches(sel: Selection, obj: KObject): boolean {
  return matchesLabels(sel.labels, obj.metadata.labels) && matchesFields(sel.fields, obj)
}

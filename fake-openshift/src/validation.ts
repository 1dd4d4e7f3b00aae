/**
 * The slice of apiserver validation that clients trip over: object names (with the exact
 * messages of k8s.io/apimachinery/pkg/util/validation), label syntax, and a few required
 * spec fields. Failures are 422 Invalid with `details.causes`, as the real server returns them.
 */
import {type Cause, JSON_VALUES_SINCE_MINOR, stringMap} from './field-errors.js'
import {ApiError, type KObject, type ResourceType} from './types.js'

export type {Cause} from './field-errors.js'

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/

const MSG_SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
const MSG_LABEL =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
const MSG_1035 =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
const MSG_LABEL_VALUE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"

/** Kinds whose names are path segments (RBAC `system:openshift:scc:anyuid`, `sha256:...` images, `is:tag`). */
const PATH_SEGMENT_KINDS = new Set([
  'Role',
  'RoleBinding',
  'ClusterRole',
  'ClusterRoleBinding',
  'User',
  'Group',
  'Image',
  'ImageStreamTag',
  'SecurityContextConstraints',
])

function nameCauses(kind: string, name: string, generated: boolean): Cause[] {
  const field = generated ? 'metadata.generateName' : 'metadata.name'
  const invalid = (msg: string): Cause[] => [
    {reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(name)}: ${msg}`, field},
  ]
  if (PATH_SEGMENT_KINDS.has(kind)) {
    if (name === '.' || name === '..') return invalid(`may not be '${name}'`)
    for (const bad of ['/', '%']) if (name.includes(bad)) return invalid(`may not contain '${bad}'`)
    return []
  }
  // generateName is checked with a character appended, as the apiserver does with its random suffix
  const probe = generated ? `${name}a` : name
  if (kind === 'Namespace' || kind === 'Project' || kind === 'ProjectRequest') {
    if (probe.length > 63) return invalid('must be no more than 63 characters')
    return DNS1123_LABEL.test(probe) ? [] : invalid(MSG_LABEL)
  }
  if (kind === 'Service') {
    if (probe.length > 63) return invalid('must be no more than 63 characters')
    return DNS1035_LABEL.test(probe) ? [] : invalid(MSG_1035)
  }
  if (probe.length > 253) return invalid('must be no more than 253 characters')
  return DNS1123_SUBDOMAIN.test(probe) ? [] : invalid(MSG_SUBDOMAIN)
}

function labelCauses(labels: unknown, field: string): Cause[] {
  if (!labels || typeof labels !== 'object') return []
  const out: Cause[] = []
  for (const [k, v] of Object.entries(labels as Record<string, unknown>)) {
    const slash = k.lastIndexOf('/')
    const prefix = slash >= 0 ? k.slice(0, slash) : ''
    const name = slash >= 0 ? k.slice(slash + 1) : k
    if ((prefix && !DNS1123_SUBDOMAIN.test(prefix)) || !QUALIFIED_NAME.test(name) || name.length > 63)
      out.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(k)}: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
        field,
      })
    if (typeof v !== 'string' || !LABEL_VALUE.test(v) || v.length > 63)
      out.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(v)}: ${MSG_LABEL_VALUE}`,
        field,
      })
  }
  return out
}

function specCauses(obj: KObject, minor: number): Cause[] {
  const out: Cause[] = []
  const spec = (obj.spec ?? {}) as Record<string, any>
  const containersOf = (podSpec: any, path: string) => {
    const cs = podSpec?.containers
    if (!Array.isArray(cs) || cs.length === 0) {
      out.push({reason: 'FieldValueRequired', message: 'Required value', field: `${path}.containers`})
      return
    }
    cs.forEach((c: any, i: number) => {
      if (!c?.name)
        out.push({
          reason: 'FieldValueRequired',
          message: 'Required value',
          field: `${path}.containers[${i}].name`,
        })
      if (!c?.image)
        out.push({
          reason: 'FieldValueRequired',
          message: 'Required value',
          field: `${path}.containers[${i}].image`,
        })
    })
  }
  switch (obj.kind) {
    case 'Pod':
      containersOf(spec, 'spec')
      break
    case 'Deployment':
    case 'ReplicaSet': {
      if (!spec.selector)
        out.push({reason: 'FieldValueRequired', message: 'Required value', field: 'spec.selector'})
      else {
        const tl = spec.template?.metadata?.labels ?? {}
        const ml = spec.selector.matchLabels ?? {}
        if (Object.entries(ml).some(([k, v]) => tl[k] !== v)) {
          // apps validation ValidatePodTemplateSpecForReplicaSet: the template's labels as the bad value
          const labels = stringMap(spec.template?.metadata?.labels)
          out.push({
            reason: 'FieldValueInvalid',
            message: `Invalid value: ${minor >= JSON_VALUES_SINCE_MINOR ? labels.json : labels.go}: \`selector\` does not match template \`labels\``,
            field: 'spec.template.metadata.labels',
          })
        }
      }
      containersOf(spec.template?.spec, 'spec.template.spec')
      break
    }
    case 'Route':
      if (!spec.to?.name)
        out.push({reason: 'FieldValueRequired', message: 'Required value', field: 'spec.to.name'})
      break
  }
  return out
}

export function invalid(kind: string, group: string, name: string, causes: Cause[]): ApiError {
  const summary =
    causes.length === 1
      ? `${causes[0].field}: ${causes[0].message}`
      : `[${causes.map(c => `${c.field}: ${c.message}`).join(', ')}]`
  return new ApiError(422, 'Invalid', `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${summary}`, {
    name,
    ...(group ? {group} : {}),
    kind,
    causes,
  })
}

/** What the apiserver's create validation finds wrong with an object (its update validation too). */
export function objectCauses(rt: ResourceType, obj: KObject, minor = 31): Cause[] {
  const meta = obj.metadata
  const causes: Cause[] = []
  if (!meta.name)
    causes.push({
      reason: 'FieldValueRequired',
      message: 'Required value: name or generateName is required',
      field: 'metadata.name',
    })
  else causes.push(...nameCauses(rt.kind, meta.name, false))
  causes.push(...labelCauses(meta.labels, 'metadata.labels'))
  causes.push(...specCauses(obj, minor))
  return causes
}

/** Throws 422 Invalid for what the apiserver would reject; called by the store on create and update. */
export function validateObject(rt: ResourceType, obj: KObject, minor = 31): void {
  const causes = objectCauses(rt, obj, minor)
  if (causes.length) throw invalid(rt.kind, rt.group, obj.metadata.name ?? '', causes)
}

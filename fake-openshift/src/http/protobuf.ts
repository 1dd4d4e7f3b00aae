/**
 * A small decoder for the Kubernetes protobuf encoding (`application/vnd.kubernetes.protobuf`),
 * enough for the request bodies kubectl >= 1.32 sends from its typed clients:
 * `auth can-i` (SelfSubjectAccessReview), `auth whoami` (SelfSubjectReview) and `create configmap|secret|serviceaccount|namespace|
 * deployment|role|rolebinding|clusterrole|clusterrolebinding`. The envelope is the 4-byte magic `k8s\0` followed by a runtime.Unknown message
 * whose `raw` field holds the object (k8s.io/apimachinery/pkg/runtime/serializer/protobuf).
 *
 * Field numbers come from the generated.proto files of k8s.io/api and k8s.io/apimachinery. A field
 * this decoder does not know is an error (the server answers 415 naming it) rather than being
 * dropped silently.
 */

type Kind = 'string' | 'bytes' | 'int' | 'bool' | 'time'
interface Field {
  name: string
  kind?: Kind
  msg?: Schema
  repeated?: boolean
  /** pointer fields (`*int32`, `*bool`): a zero value was set on purpose and is kept */
  keepZero?: boolean
  /** map<string, string|bytes>: repeated entries {1: key, 2: value} */
  map?: 'string' | 'bytes' | Schema
}
type Schema = {readonly [n: number]: Field}

export class ProtobufError extends Error {}

class Reader {
  pos = 0
  constructor(readonly buf: Buffer) {}
  done(): boolean {
    return this.pos >= this.buf.length
  }
  varint(): bigint {
    let result = 0n
    let shift = 0n
    for (;;) {
      if (this.pos >= this.buf.length) throw new ProtobufError('truncated varint')
      const b = this.buf[this.pos++]
      result |= BigInt(b & 0x7f) << shift
      if (!(b & 0x80)) return result
      shift += 7n
    }
  }
  bytes(): Buffer {
    const len = Number(this.varint())
    if (this.pos + len > this.buf.length) throw new ProtobufError('truncated length-delimited field')
    const out = this.buf.subarray(this.pos, this.pos + len)
    this.pos += len
    return out
  }
  skip(wire: number): void {
    if (wire === 0) this.varint()
    else if (wire === 1) this.pos += 8
    else if (wire === 2) this.bytes()
    else if (wire === 5) this.pos += 4
    else throw new ProtobufError(`unsupported wire type ${wire}`)
  }
}

const s = (name: string): Field => ({name, kind: 'string'})
const i = (name: string, keepZero = false): Field => ({name, kind: 'int', keepZero})
const b = (name: string, keepZero = false): Field => ({name, kind: 'bool', keepZero})
const strs = (name: string): Field => ({name, kind: 'string', repeated: true})
const m = (name: string, msg: Schema, repeated = false): Field => ({name, msg, repeated})

const TIME: Schema = {1: i('seconds', true), 2: i('nanos')}
const OWNER_REF: Schema = {
  1: s('kind'),
  3: s('name'),
  4: s('uid'),
  5: s('apiVersion'),
  6: b('controller'),
  7: b('blockOwnerDeletion'),
}
const OBJECT_META: Schema = {
  1: s('name'),
  2: s('generateName'),
  3: s('namespace'),
  4: s('selfLink'),
  5: s('uid'),
  6: s('resourceVersion'),
  7: i('generation'),
  8: {name: 'creationTimestamp', kind: 'time'},
  9: {name: 'deletionTimestamp', kind: 'time'},
  10: i('deletionGracePeriodSeconds', true),
  11: {name: 'labels', map: 'string'},
  12: {name: 'annotations', map: 'string'},
  13: m('ownerReferences', OWNER_REF, true),
  14: strs('finalizers'),
}
const OBJECT_REF: Schema = {
  1: s('kind'),
  2: s('namespace'),
  3: s('name'),
  4: s('uid'),
  5: s('apiVersion'),
  6: s('resourceVersion'),
  7: s('fieldPath'),
}
const LABEL_SELECTOR: Schema = {
  1: {name: 'matchLabels', map: 'string'},
  2: m('matchExpressions', {1: s('key'), 2: s('operator'), 3: strs('values')}, true),
}
/** resource.Quantity travels as a message with its string form in field 1 */
const QUANTITY: Schema = {1: s('string')}
const RESOURCES: Schema = {1: {name: 'limits', map: QUANTITY}, 2: {name: 'requests', map: QUANTITY}}
const ENV_VAR: Schema = {1: s('name'), 2: s('value')}
const CONTAINER: Schema = {
  1: s('name'),
  2: s('image'),
  3: strs('command'),
  4: strs('args'),
  5: s('workingDir'),
  6: m(
    'ports',
    {1: s('name'), 2: i('hostPort'), 3: i('containerPort'), 4: s('protocol'), 5: s('hostIP')},
    true,
  ),
  7: m('env', ENV_VAR, true),
  8: m('resources', RESOURCES),
  9: m('volumeMounts', {1: s('name'), 2: b('readOnly'), 3: s('mountPath'), 4: s('subPath')}, true),
  13: s('terminationMessagePath'),
  14: s('imagePullPolicy'),
  16: b('stdin'),
  17: b('stdinOnce'),
  18: b('tty'),
  20: s('terminationMessagePolicy'),
}
const POD_SPEC: Schema = {
  2: m('containers', CONTAINER, true),
  3: s('restartPolicy'),
  4: i('terminationGracePeriodSeconds', true),
  6: s('dnsPolicy'),
  7: {name: 'nodeSelector', map: 'string'},
  8: s('serviceAccountName'),
  9: s('serviceAccount'),
  10: s('nodeName'),
  11: b('hostNetwork'),
  12: b('hostPID'),
  13: b('hostIPC'),
  15: m('imagePullSecrets', {1: s('name')}, true),
  16: s('hostname'),
  17: s('subdomain'),
  19: s('schedulerName'),
  20: m('initContainers', CONTAINER, true),
  21: b('automountServiceAccountToken', true),
  24: s('priorityClassName'),
  27: b('shareProcessNamespace', true),
  30: b('enableServiceLinks', true),
  35: b('setHostnameAsFQDN', true),
  37: b('hostUsers', true),
}
const POD_TEMPLATE: Schema = {1: m('metadata', OBJECT_META), 2: m('spec', POD_SPEC)}

const POLICY_RULE: Schema = {
  1: strs('verbs'),
  2: strs('apiGroups'),
  3: strs('resources'),
  4: strs('resourceNames'),
  5: strs('nonResourceURLs'),
}
const SUBJECT: Schema = {1: s('kind'), 2: s('apiGroup'), 3: s('name'), 4: s('namespace')}
const ROLE_REF: Schema = {1: s('apiGroup'), 2: s('kind'), 3: s('name')}
const SELF_SUBJECT_REVIEW: Schema = {
  1: m('metadata', OBJECT_META),
  2: m('status', {
    1: m('userInfo', {
      1: s('username'),
      2: s('uid'),
      3: strs('groups'),
      4: {name: 'extra', map: {1: strs('items')}},
    }),
  }),
}
const ROLE: Schema = {1: m('metadata', OBJECT_META), 2: m('rules', POLICY_RULE, true)}
const BINDING: Schema = {
  1: m('metadata', OBJECT_META),
  2: m('subjects', SUBJECT, true),
  3: m('roleRef', ROLE_REF),
}

/** Schemas of the top-level objects, by `apiVersion/kind`. */
const OBJECTS: Record<string, Schema> = {
  'v1/ConfigMap': {
    1: m('metadata', OBJECT_META),
    2: {name: 'data', map: 'string'},
    3: {name: 'binaryData', map: 'bytes'},
    4: b('immutable'),
  },
  'v1/Secret': {
    1: m('metadata', OBJECT_META),
    2: {name: 'data', map: 'bytes'},
    3: s('type'),
    4: {name: 'stringData', map: 'string'},
    5: b('immutable', true),
  },
  'v1/ServiceAccount': {
    1: m('metadata', OBJECT_META),
    2: m('secrets', OBJECT_REF, true),
    3: m('imagePullSecrets', {1: s('name')}, true),
    4: b('automountServiceAccountToken', true),
  },
  'v1/Namespace': {
    1: m('metadata', OBJECT_META),
    2: m('spec', {1: strs('finalizers')}),
    3: m('status', {1: s('phase')}),
  },
  'authorization.k8s.io/v1/SelfSubjectAccessReview': {
    1: m('metadata', OBJECT_META),
    2: m('spec', {
      1: m('resourceAttributes', {
        1: s('namespace'),
        2: s('verb'),
        3: s('group'),
        4: s('version'),
        5: s('resource'),
        6: s('subresource'),
        7: s('name'),
      }),
      2: m('nonResourceAttributes', {1: s('path'), 2: s('verb')}),
    }),
    3: m('status', {1: b('allowed'), 2: s('reason'), 3: s('evaluationError'), 4: b('denied')}),
  },
  // `kubectl auth whoami`: an empty review, the server fills status.userInfo
  'authentication.k8s.io/v1/SelfSubjectReview': SELF_SUBJECT_REVIEW,
  'authentication.k8s.io/v1beta1/SelfSubjectReview': SELF_SUBJECT_REVIEW,
  'rbac.authorization.k8s.io/v1/Role': ROLE,
  'rbac.authorization.k8s.io/v1/ClusterRole': {
    ...ROLE,
    3: m('aggregationRule', {1: m('clusterRoleSelectors', LABEL_SELECTOR, true)}),
  },
  'rbac.authorization.k8s.io/v1/RoleBinding': BINDING,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': BINDING,
  'apps/v1/Deployment': {
    1: m('metadata', OBJECT_META),
    2: m('spec', {
      1: i('replicas', true),
      2: m('selector', LABEL_SELECTOR),
      3: m('template', POD_TEMPLATE),
      4: m('strategy', {1: s('type')}),
      5: i('minReadySeconds'),
      6: i('revisionHistoryLimit', true),
      7: b('paused'),
      9: i('progressDeadlineSeconds', true),
    }),
    // the status of a create is dropped by the server; its scalars are always on the wire
    3: m('status', {
      1: i('observedGeneration'),
      2: i('replicas'),
      3: i('updatedReplicas'),
      4: i('availableReplicas'),
      5: i('unavailableReplicas'),
      7: i('readyReplicas'),
      8: i('collisionCount', true),
      9: i('terminatingReplicas', true),
    }),
  },
}

/** metav1.Time's zero value travels as the Unix time of 0001-01-01 */
const ZERO_TIME = -62135596800

function decode(buf: Buffer, schema: Schema, path: string): Record<string, unknown> {
  const r = new Reader(buf)
  const out: Record<string, unknown> = {}
  while (!r.done()) {
    const tag = Number(r.varint())
    const num = tag >>> 3
    const wire = tag & 7
    const f = schema[num]
    if (!f)
      throw new ProtobufError(
        `field ${num} of ${path || 'the object'} is not known to the fake server's protobuf decoder`,
      )
    const at = path ? `${path}.${f.name}` : f.name
    let value: unknown
    if (f.map) {
      const entry = decode(
        r.bytes(),
        {
          1: s('key'),
          2:
            typeof f.map === 'object'
              ? m('value', f.map)
              : {name: 'value', kind: f.map === 'bytes' ? 'bytes' : 'string'},
        },
        at,
      )
      const target = (out[f.name] ??= {}) as Record<string, unknown>
      const v = f.map === QUANTITY ? (entry.value as {string?: string} | undefined)?.string : entry.value
      target[String(entry.key ?? '')] = v ?? ''
      continue
    }
    if (f.msg) value = decode(r.bytes(), f.msg, at)
    else
      switch (f.kind) {
        case 'string':
          value = r.bytes().toString('utf8')
          break
        case 'bytes':
          value = r.bytes().toString('base64')
          break
        case 'int':
          if (wire !== 0) throw new ProtobufError(`${at}: expected a varint`)
          value = Number(BigInt.asIntN(64, r.varint()))
          break
        case 'bool':
          value = r.varint() !== 0n
          break
        case 'time': {
          const t = decode(r.bytes(), TIME, at)
          // metav1.Time marshals its zero value as an empty message (older clients: year 1)
          const secs = t.seconds === undefined ? ZERO_TIME : Number(t.seconds)
          value = secs === ZERO_TIME ? null : new Date(secs * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
          break
        }
        default:
          r.skip(wire)
          continue
      }
    if (f.repeated) ((out[f.name] ??= []) as unknown[]).push(value)
    // gogo-protobuf writes non-pointer scalars even when empty; JSON's omitempty would not
    else if (!f.keepZero && (value === '' || value === 0 || value === false)) continue
    else out[f.name] = value
  }
  return out
}

/** Decodes a protobuf request body into the JSON form of the object. */
export function decodeProtobufObject(body: Buffer): Record<string, unknown> {
  if (body.length < 4 || body.subarray(0, 4).toString('latin1') !== 'k8s\0')
    throw new ProtobufError('missing the k8s protobuf envelope (magic "k8s\\0")')
  const unknown = decode(
    body.subarray(4),
    {
      1: m('typeMeta', {1: s('apiVersion'), 2: s('kind')}),
      2: {name: 'raw', kind: 'bytes'},
      3: s('contentEncoding'),
      4: s('contentType'),
    },
    'Unknown',
  )
  const tm = (unknown.typeMeta ?? {}) as {apiVersion?: string; kind?: string}
  const key = `${tm.apiVersion}/${tm.kind}`
  const schema = OBJECTS[key]
  if (!schema)
    throw new ProtobufError(
      `decoding protobuf ${tm.apiVersion} ${tm.kind} is not supported by the fake server`,
    )
  if (unknown.contentEncoding)
    throw new ProtobufError(`content encoding ${String(unknown.contentEncoding)} is not supported`)
  const raw = Buffer.from(String(unknown.raw ?? ''), 'base64')
  return {apiVersion: tm.apiVersion, kind: tm.kind, ...decode(raw, schema, '')}
}

/** The kinds decodeProtobufObject understands (for documentation and tests). */
export const PROTOBUF_KINDS = Object.keys(OBJECTS)

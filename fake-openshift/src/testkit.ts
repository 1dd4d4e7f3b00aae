/**
 * Stand-ins used only when the real parts are absent: a minimal patch engine (until patch/ exists)
 * and no-op simulators (server tests that must not depend on simulator behaviour). They are
 * deliberately simple — the real engines live in patch/ and sim/.
 */
import type {PatchEngine} from './handlers/context.js'
import {
  ApiError,
  type ExecResult,
  type KObject,
  type LogSource,
  type Simulators,
  type Store,
} from './types.js'

type Json = any

function isObj(v: unknown): v is Record<string, Json> {
  return !!v && typeof v === 'object' && !Array.isArray(v)
}

function mergePatch(doc: Json, patch: Json): Json {
  if (!isObj(patch)) return structuredClone(patch)
  const out: Record<string, Json> = isObj(doc) ? structuredClone(doc) : {}
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k]
    else out[k] = mergePatch(out[k], v)
  }
  return out
}

const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  ports: 'containerPort',
  volumes: 'name',
  volumeMounts: 'mountPath',
  conditions: 'type',
}

function strategic(doc: Json, patch: Json): Json {
  if (!isObj(patch)) return structuredClone(patch)
  const out: Record<string, Json> = isObj(doc) ? structuredClone(doc) : {}
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue
    if (v === null) delete out[k]
    else if (Array.isArray(v) && MERGE_KEYS[k] && Array.isArray(out[k])) {
      const key = MERGE_KEYS[k]
      const list = [...out[k]]
      for (const item of v) {
        const i = list.findIndex((x: Json) => isObj(x) && isObj(item) && x[key] === item[key])
        if (i >= 0) list[i] = strategic(list[i], item)
        else list.push(item)
      }
      out[k] = list
    } else out[k] = strategic(out[k], v)
  }
  return out
}

function pointer(path: string): string[] {
  return path
    .split('/')
    .slice(1)
    .map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'))
}

function jsonPatch(doc: Json, ops: Json[]): Json {
  let root = structuredClone(doc)
  for (const op of ops) {
    const parts = pointer(op.path)
    const last = parts.pop()!
    let parent: Json = root
    for (const p of parts) parent = parent?.[p]
    if (parent === undefined) throw new Error(`doc is missing path: ${op.path}`)
    const idx = Array.isArray(parent) ? (last === '-' ? parent.length : Number(last)) : last
    switch (op.op) {
      case 'add':
        if (Array.isArray(parent)) parent.splice(idx as number, 0, op.value)
        else parent[idx] = op.value
        break
      case 'replace':
        if (!(idx in parent))
          throw new Error(`replace operation does not apply: doc is missing key: ${op.path}`)
        parent[idx] = op.value
        break
      case 'remove':
        if (!(idx in parent))
          throw new Error(`remove operation does not apply: doc is missing key: ${op.path}`)
        if (Array.isArray(parent)) parent.splice(idx as number, 1)
        else delete parent[idx]
        break
      case 'test':
        if (JSON.stringify(parent[idx]) !== JSON.stringify(op.value))
          throw new Error(`testing value ${op.path} failed`)
        break
      default:
        throw new Error(`unsupported json patch op ${op.op}`)
    }
    if (parts.length === 0 && last === '') root = op.value
  }
  return root
}

/** A minimal patch engine: RFC 6902/7386, name-keyed strategic merge, and SSA as a merge without ownership. */
export const minimalPatchEngine: PatchEngine = {
  applyJsonPatch: (doc, ops) => jsonPatch(doc, ops as Json[]),
  applyMergePatch: (doc, patch) => mergePatch(doc, patch),
  applyStrategicMergePatch: (doc, patch) => strategic(doc, patch),
  serverSideApply: ({live, applied, manager, apiVersion, now}) => {
    const object = strategic(live ?? {}, applied) as KObject
    const others = (live?.metadata.managedFields ?? []).filter(
      m => !(m.manager === manager && m.operation === 'Apply'),
    )
    object.metadata.managedFields = [
      ...others,
      {manager, operation: 'Apply', apiVersion, time: now, fieldsType: 'FieldsV1', fieldsV1: {}},
    ]
    return {object}
  },
  recordUpdate: (live, updated, manager, operation, apiVersion, now) => {
    const others = (live?.metadata.managedFields ?? updated.metadata.managedFields ?? []).filter(
      m => !(m.manager === manager && m.operation === operation),
    )
    return {
      ...updated,
      metadata: {
        ...updated.metadata,
        managedFields: [
          ...others,
          {manager, operation, apiVersion, time: now, fieldsType: 'FieldsV1', fieldsV1: {}},
        ],
      },
    }
  },
}

const emptyLog: LogSource = {
  lines: () => [],
  ended: () => true,
  subscribe: (_l, end) => (queueMicrotask(end), () => {}),
}

/** Simulators that do nothing: no admission, no progress; exec answers `{stdout: '', exitCode: 0}`. */
export function noopSimulators(overrides: Partial<Simulators> = {}): Simulators {
  return {
    install: (_store: Store) => {},
    instantiate: () => {
      throw new ApiError(501, 'NotImplemented', 'no build simulator')
    },
    review: (_plural, _ns, body) => body,
    podLog: () => emptyLog,
    buildLog: () => emptyLog,
    exec: (): ExecResult => ({stdout: '', stderr: '', exitCode: 0}),
    step: () => false,
    settle: () => 0,
    ...overrides,
  }
}

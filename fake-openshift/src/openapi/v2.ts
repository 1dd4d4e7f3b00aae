/**
 * `/openapi/v2`: what kubectl's client-side validation reads. `kubectl apply|create -f` validates a
 * `kind: List` (what `oc jupyter deploy --dry-run=client -o yaml` prints), or any object whose kind the
 * fieldValidation probe of /openapi/v3 does not cover, on the client, against the schemas of
 * /openapi/v2 — protobuf (openapi.v2.Document, gnostic.ts) for kubectl, JSON for other clients. Without
 * the document kubectl fails with "error validating data: the server could not find the requested
 * resource"; with it, an unknown or mistyped field fails kubectl's own validation before anything is sent.
 *
 * The definitions are the real ones: OpenShift's published openapi.json (openshift/api
 * openapi/openapi.json, read from a schema file, see schemas.ts) for core, RBAC, authorization and every
 * OpenShift kind, plus apps/v1 Deployment and ReplicaSet written from their Go types (apps-v1.ts); each
 * served kind's definition gets its `x-kubernetes-group-version-kind`, and only definitions those reach
 * are sent. Kinds without a definition (StorageClass, SelfSubjectReview) are skipped by kubectl's
 * validation, as for any kind a server does not describe. No paths are published: kubectl would otherwise
 * compute apply patches from this document instead of from its compiled-in types.
 */
import type {Registry} from '../registry.js'
import {APPS_V1_DEFINITIONS} from './apps-v1.js'
import {encodeDocument} from './gnostic.js'
import {loadDefinitions} from './schemas.js'
import {schemaName} from './v3.js'

type Json = Record<string, any>

export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf'
/** the Content-Type kube-apiserver answers the protobuf document with */
export const OPENAPI_V2_PROTOBUF_CONTENT_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf'

/** A schema reduced to what the parser reads; a `$ref` keeps only its extensions (the parser refuses more). */
function reduce(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(reduce)
  if (!s || typeof s !== 'object') return s
  const o = s as Json
  const out: Json = {}
  for (const [k, v] of Object.entries(o)) {
    if (k === 'description' || k === 'default' || k === 'example' || k === 'enum') continue
    if (o.$ref && k !== '$ref' && !k.startsWith('x-')) continue
    if (k === 'properties')
      out[k] = Object.fromEntries(Object.entries(v as Json).map(([n, p]) => [n, reduce(p)]))
    else if (k === 'items' || k === 'additionalProperties' || k === 'allOf') out[k] = reduce(v)
    else out[k] = v
  }
  return out
}

function refsOf(s: unknown, into: Set<string>): void {
  if (Array.isArray(s)) for (const x of s) refsOf(x, into)
  else if (s && typeof s === 'object')
    for (const [k, v] of Object.entries(s as Json)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/definitions/'))
        into.add(v.slice('#/definitions/'.length))
      else refsOf(v, into)
    }
}

export interface OpenApiV2Document {
  swagger: '2.0'
  info: {title: string; version: string}
  definitions: Record<string, Json>
}

export function buildOpenApiV2(reg: Registry, minor: number, schemaFile?: string): OpenApiV2Document {
  const source: Record<string, Json> = {...(loadDefinitions(schemaFile) ?? {}), ...APPS_V1_DEFINITIONS}
  const definitions: Record<string, Json> = {}
  const pending: string[] = []
  for (const rt of reg.resources) {
    const name = schemaName(rt)
    if (!source[name]) continue
    const gvk = {group: rt.group, kind: rt.kind, version: rt.version}
    const def = (definitions[name] ??= reduce(source[name]) as Json)
    def['x-kubernetes-group-version-kind'] = [...(def['x-kubernetes-group-version-kind'] ?? []), gvk]
    pending.push(name)
  }
  // the definitions those reach, transitively (the parser rejects a reference to a missing model)
  const seen = new Set(pending)
  while (pending.length) {
    const refs = new Set<string>()
    refsOf(definitions[pending.pop()!], refs)
    for (const r of refs) {
      if (seen.has(r) || !source[r]) continue
      seen.add(r)
      definitions[r] = reduce(source[r]) as Json
      pending.push(r)
    }
  }
  // without the schema file apps/v1 refers to core types that are absent: drop what cannot resolve,
  // as kubectl refuses the whole document over one unknown reference
  for (let dropped = true; dropped;) {
    dropped = false
    for (const [name, def] of Object.entries(definitions)) {
      const refs = new Set<string>()
      refsOf(def, refs)
      if ([...refs].every(r => definitions[r])) continue
      delete definitions[name]
      dropped = true
    }
  }
  const sorted = Object.fromEntries(
    Object.keys(definitions)
      .sort()
      .map(k => [k, definitions[k]]),
  )
  return {swagger: '2.0', info: {title: 'Kubernetes', version: `v1.${minor}.0`}, definitions: sorted}
}

/** Built once per server, on the first request for it. */
export class OpenApiV2 {
  private doc?: OpenApiV2Document
  private proto?: Buffer
  private json?: string

  constructor(
    private readonly reg: Registry,
    private readonly minor: number,
    private readonly schemaFile?: string,
  ) {}

  document(): OpenApiV2Document {
    return (this.doc ??= buildOpenApiV2(this.reg, this.minor, this.schemaFile))
  }

  protobuf(): Buffer {
    return (this.proto ??= encodeDocument(this.document()))
  }

  jsonText(): string {
    return (this.json ??= JSON.stringify(this.document()))
  }
}

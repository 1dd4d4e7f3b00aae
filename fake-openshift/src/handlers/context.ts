/**
 * What every verb handler gets: the server's parts (Deps) and one request resolved to a resource
 * (Ctx), plus the request rules the verbs share (k8s.io/apiserver/pkg/endpoints/handlers):
 * dryRun and fieldManager, body decoding and the kind/apiVersion/namespace checks of a written
 * object, selectors, and the Table/PartialObjectMetadata shapes a GET may ask for.
 */
import type {IncomingMessage, ServerResponse} from 'node:http'

import type {Authz} from '../http/authz.js'
import {parseBody} from '../http/body.js'
import {addWarning, badRequest, send} from '../http/respond.js'
import type {OpenApiV2} from '../openapi/v2.js'
import type {OpenApi} from '../openapi/v3.js'
import type {RecordedRequest} from '../recorder.js'
import {apiVersionOf, VIRTUAL_CREATE_ONLY} from '../registry.js'
import {parseSelection, type Selection} from '../selectors.js'
import type {MemoryStore} from '../store.js'
import {acceptedShape, partialMetadata, toTable, type IncludeObject} from '../tables.js'
import {ApiError, type KObject, type ResourceType, type Simulators, type UserInfo} from '../types.js'
import type {ListSnapshots} from './list.js'

/** The contract with the patch engine (patch/index.ts; tests may pass testkit's minimal one). */
export interface PatchEngine {
  applyJsonPatch(doc: unknown, ops: unknown): unknown
  applyMergePatch(doc: unknown, patch: unknown): unknown
  applyStrategicMergePatch(doc: unknown, patch: unknown, kind: string): unknown
  serverSideApply(args: {
    live: KObject | undefined
    applied: KObject
    manager: string
    force: boolean
    apiVersion: string
    now: string
    subresource?: string
  }): {object: KObject}
  recordUpdate(
    live: KObject | undefined,
    updated: KObject,
    manager: string,
    operation: 'Update',
    apiVersion: string,
    now: string,
    subresource?: string,
  ): KObject
}

/** The server's parts the handlers use (built once by FakeApiServer). */
export interface Deps {
  store: MemoryStore
  sims: Simulators
  patch: PatchEngine
  authz: Authz
  /** scripted logs (scenario files) that take precedence over the simulators' */
  scriptedLogs: Map<string, string>
  bookmarkIntervalMs?: number
  kubernetesMinor: number
  openapi: OpenApi
  openapiV2: OpenApiV2
  /** list snapshots behind continue tokens */
  lists: ListSnapshots
}

/** One request, resolved to a resource and a verb, authenticated and authorized. */
export interface Ctx {
  req: IncomingMessage
  res: ServerResponse
  q: URLSearchParams
  user: UserInfo
  rt: ResourceType
  namespace?: string
  name?: string
  subresource?: string
  verb: string
  body?: unknown
  rawBody: Buffer
  entry: RecordedRequest
  closeWatchAfter?: number
}

export interface WriteOpts {
  dryRun: boolean
  fieldManager: string
  user: UserInfo
  /** admission warnings go to the response's `Warning` headers */
  onWarning: (text: string) => void
}

export function rtFor(store: MemoryStore, apiVersion: string, plural: string): ResourceType {
  return store.resourceType(apiVersion, plural)!
}

export function writeOpts(ctx: Ctx, bodyDryRun?: unknown): WriteOpts {
  const dry = [...ctx.q.getAll('dryRun'), ...(Array.isArray(bodyDryRun) ? (bodyDryRun as string[]) : [])]
  for (const d of dry)
    if (d !== 'All') throw badRequest(`Invalid dry run value "${d}": supported values are "All"`)
  const fm = ctx.q.get('fieldManager') ?? (ctx.req.headers['user-agent'] ?? 'unknown').split('/')[0]
  if (fm.length > 128)
    throw new ApiError(422, 'Invalid', `fieldManager: Too long: may not be longer than 128 characters`)
  return {dryRun: dry.length > 0, fieldManager: fm, user: ctx.user, onWarning: t => addWarning(ctx.res, t)}
}

/** The decoded body, decoded once per request. */
export function body(ctx: Ctx, kind: 'object' | 'patch' = 'object'): unknown {
  if (ctx.body === undefined) ctx.body = parseBody(ctx.rawBody, ctx.req.headers['content-type'], kind)
  return ctx.body
}

/** The body as the object the URL names: kind, apiVersion and namespace checked and filled in. */
export function objectBody(ctx: Ctx): KObject {
  const b = body(ctx)
  if (!b || typeof b !== 'object' || Array.isArray(b))
    throw badRequest('the object provided is unrecognized (must be a JSON or YAML object)')
  const o = b as KObject
  o.metadata = o.metadata ?? {}
  const want = apiVersionOf(ctx.rt)
  if (o.apiVersion && o.apiVersion !== want && !VIRTUAL_CREATE_ONLY.has(ctx.rt.plural) && !ctx.subresource)
    throw badRequest(
      `the API version in the data (${o.apiVersion}) does not match the expected API version (${want})`,
    )
  if (o.kind && o.kind !== ctx.rt.kind && !ctx.subresource && !VIRTUAL_CREATE_ONLY.has(ctx.rt.plural))
    throw badRequest(`the kind in the data (${o.kind}) does not match the expected kind (${ctx.rt.kind})`)
  if (ctx.namespace && o.metadata.namespace && o.metadata.namespace !== ctx.namespace)
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request')
  if (ctx.rt.namespaced && ctx.namespace) o.metadata.namespace = ctx.namespace
  // typed clients (client-node create*) omit kind/apiVersion: the URL says what it is
  if (!ctx.subresource && !VIRTUAL_CREATE_ONLY.has(ctx.rt.plural)) {
    o.apiVersion = want
    o.kind = ctx.rt.kind
  }
  return o
}

export function selection(ctx: Ctx): Selection {
  const sel = parseSelection(ctx.q, ctx.rt)
  return sel
}

export function shape(ctx: Ctx): {
  shape: 'Table' | 'PartialObjectMetadata' | 'Object'
  include: IncludeObject
} {
  const include = (ctx.q.get('includeObject') as IncludeObject | null) ?? 'Metadata'
  return {shape: acceptedShape(ctx.req.headers.accept), include}
}

/** Answers one object in the shape the client asked for (a GET may ask for a Table). */
export function present(ctx: Ctx, obj: KObject, code = 200): void {
  const {shape: s, include} = shape(ctx)
  if (ctx.verb === 'get' && s === 'Table')
    return send(
      ctx.res,
      code,
      toTable(ctx.rt.kind, [obj], {
        includeObject: include,
        listMeta: {resourceVersion: obj.metadata.resourceVersion},
      }),
    )
  if (ctx.verb === 'get' && s === 'PartialObjectMetadata') return send(ctx.res, code, partialMetadata(obj))
  send(ctx.res, code, obj)
}

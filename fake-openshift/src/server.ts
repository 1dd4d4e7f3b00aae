/**
 * The HTTPS front of the fake OpenShift API server: authentication, fault injection, request
 * recording, RBAC authorization, discovery/openapi, and the REST verbs over the store with the
 * apiserver's request/response rules (k8s.io/apiserver/pkg/endpoints/handlers): Status bodies,
 * dryRun, preconditions, patch dispatch by Content-Type, server-side apply, paging, watch, Tables,
 * deprecation warnings, logs and exec.
 */
import {createServer, type Server} from 'node:https'
import type {IncomingMessage, ServerResponse} from 'node:http'
import type {Duplex} from 'node:stream'

import {load as loadYaml} from 'js-yaml'
import {WebSocketServer} from 'ws'

import type {Authenticator} from './http/authn.js'
import {
  aggregatedContentType,
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  versionInfo,
  wantsAggregated,
} from './discovery.js'
import {defaultMessage, defaultReason, type FaultAction, type Faults} from './faults.js'
import {OpenApi} from './openapi.js'
import {
  createProjectRequest,
  currentUser,
  deleteImageStreamTag,
  ensureServiceAccounts,
  getImageStreamTag,
  listImageStreamTags,
  namespaceRt,
  namespaceToProject,
  projectToNamespace,
  writeImageStreamTag,
} from './openshift/projects.js'
import type {RecordedRequest, Recorder} from './recorder.js'
import {apiVersionOf, VIRTUAL_CREATE_ONLY} from './registry.js'
import {matches, parseSelection, type Selection} from './selectors.js'
import {conflict, notFound, timestamp, type DeleteOptions, type MemoryStore} from './store.js'
import {prepareForCreate, prepareForStatusUpdate, prepareForUpdate} from './strategy.js'
import {
  parseExecQuery,
  parseLogQuery,
  pickExecProtocol,
  serveExec,
  serveLog,
  staticLog,
} from './streams/logs.js'
import {decodeProtobufObject, PROTOBUF_KINDS, ProtobufError} from './http/protobuf.js'
import {acceptedShape, partialMetadata, toTable, type IncludeObject} from './tables.js'
import {
  ApiError,
  type KObject,
  type LogSource,
  type ResourceType,
  type Simulators,
  type UserInfo,
} from './types.js'
import {serveWatch} from './streams/watch.js'

// ---------------------------------------------------------------------------------------------
// contracts with the patch engine (patch/) and the authorizer (rbac.ts)

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

export interface AuthzAttributes {
  verb: string
  group: string
  resource: string
  subresource?: string
  namespace?: string
  name?: string
  path?: string
}

export type AuthorizeFn = (
  store: MemoryStore,
  user: UserInfo,
  attrs: AuthzAttributes,
) => {allowed: boolean; reason?: string}

export interface ServerOptions {
  store: MemoryStore
  auth: Authenticator
  sims: Simulators
  faults: Faults
  recorder: Recorder
  patch: PatchEngine
  /** undefined: every authenticated request is allowed */
  authorize?: AuthorizeFn
  kubernetesMinor: number
  /** scripted logs (scenario files) that take precedence over the simulators' */
  scriptedLogs: Map<string, string>
  bookmarkIntervalMs?: number
}

const PUBLIC_PATHS = new Set(['/version', '/version/', '/healthz', '/readyz', '/livez'])
const PROTOBUF = 'application/vnd.kubernetes.protobuf'
const MAX_BODY = 16 * 1024 * 1024

function status404(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {})
}

function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message)
}

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0].trim().toLowerCase()
}

export function scriptedLogKey(
  kind: 'pod' | 'build',
  ns: string,
  name: string,
  container = '',
  previous = false,
): string {
  return `${kind}/${ns}/${name}/${container}/${previous ? 'previous' : 'current'}`
}

interface Ctx {
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

export class FakeApiServer {
  readonly https: Server
  private readonly o: ServerOptions
  private readonly openapi: OpenApi
  private readonly wss = new WebSocketServer({noServer: true, handleProtocols: p => pickExecProtocol(p)})
  /** list snapshots for continue tokens: a paged list sees one consistent state */
  private readonly snapshots = new Map<string, {items: KObject[]; rv: number}>()
  private snapshotSeq = 0
  private readonly open = new Set<Duplex>()
  url = ''

  constructor(o: ServerOptions, tls: {certPem: string; keyPem: string}) {
    this.o = o
    this.openapi = new OpenApi(o.store.registry, o.kubernetesMinor)
    this.https = createServer({cert: tls.certPem, key: tls.keyPem}, (req, res) => {
      this.handle(req, res).catch(err => this.fail(res, err))
    })
    this.https.on('connection', s => {
      this.open.add(s)
      s.on('close', () => this.open.delete(s))
    })
    this.https.on('secureConnection', s => {
      this.open.add(s)
      s.on('close', () => this.open.delete(s))
    })
    this.https.on('upgrade', (req, socket, head) => {
      this.upgrade(req, socket, head).catch(err => this.rejectUpgrade(socket, err))
    })
    // a client that goes away mid-TLS-handshake must not crash the server
    this.https.on('tlsClientError', () => {})
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>(resolve => this.https.listen(port, host, resolve))
    const addr = this.https.address()
    if (!addr || typeof addr === 'string') throw new Error('fake-openshift: no address')
    this.url = `https://${host}:${addr.port}`
    return this.url
  }

  async close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate()
    for (const s of this.open) s.destroy()
    this.https.closeAllConnections()
    await new Promise<void>(resolve => this.https.close(() => resolve()))
  }

  // ------------------------------------------------------------------------------------------
  // plumbing

  private send(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
    if (res.headersSent || res.destroyed) return
    const text = typeof body === 'string' ? body : JSON.stringify(body)
    res.writeHead(code, {
      'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
      'Content-Length': String(Buffer.byteLength(text)),
      'Cache-Control': 'no-cache, private',
      ...headers,
    })
    res.end(text)
  }

  private fail(res: ServerResponse, err: unknown): void {
    if (err instanceof ApiError) {
      this.send(res, err.code, err.toStatus(), err.headers ?? {})
      return
    }
    console.error('fake-openshift: internal error:', err)
    const e = new ApiError(
      500,
      'InternalError',
      `Internal error occurred: ${(err as Error)?.message ?? String(err)}`,
    )
    this.send(res, 500, e.toStatus())
  }

  private async readBody(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = []
    let size = 0
    for await (const c of req) {
      size += (c as Buffer).length
      if (size > MAX_BODY) throw new ApiError(413, 'RequestEntityTooLarge', 'the request body is too large')
      chunks.push(c as Buffer)
    }
    return Buffer.concat(chunks)
  }

  private parseBody(raw: Buffer, contentType: string | undefined, ctx: 'object' | 'patch'): unknown {
    const mt = mediaType(contentType)
    if (mt === PROTOBUF) {
      // kubectl >= 1.32 sends typed-client bodies as protobuf and does not fall back to JSON
      try {
        return decodeProtobufObject(raw)
      } catch (e) {
        if (!(e instanceof ProtobufError)) throw e
        throw new ApiError(
          415,
          'UnsupportedMediaType',
          `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, ${PROTOBUF} (${e.message}; the fake OpenShift API server decodes protobuf only for ${PROTOBUF_KINDS.join(', ')})`,
        )
      }
    }
    if (!raw.length) return undefined
    const text = raw.toString('utf8')
    if (mt === 'application/yaml' || mt === 'application/apply-patch+yaml' || mt === 'text/yaml') {
      try {
        return loadYaml(text)
      } catch (e) {
        throw badRequest(`error converting YAML to JSON: ${(e as Error).message}`)
      }
    }
    try {
      return JSON.parse(text)
    } catch (e) {
      if (ctx === 'patch') throw badRequest(`error decoding patch: ${(e as Error).message}`)
      throw badRequest(`the object provided is unrecognized or malformed: ${(e as Error).message}`)
    }
  }

  private warnings(rt: ResourceType): Record<string, string> {
    return rt.deprecationWarning ? {Warning: `299 - "${rt.deprecationWarning}"`} : {}
  }

  private can(user: UserInfo, attrs: AuthzAttributes): boolean {
    return !this.o.authorize || this.o.authorize(this.o.store, user, attrs).allowed
  }

  private authorizeOrThrow(user: UserInfo, attrs: AuthzAttributes): void {
    if (!this.o.authorize) return
    const d = this.o.authorize(this.o.store, user, attrs)
    if (d.allowed) return
    const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource
    const where = attrs.namespace ? `in the namespace "${attrs.namespace}"` : 'at the cluster scope'
    const qualified = attrs.group ? `${attrs.resource}.${attrs.group}` : attrs.resource
    const msg = `User "${user.username}" cannot ${attrs.verb} resource "${resource}" in API group "${attrs.group}" ${where}`
    throw new ApiError(
      403,
      'Forbidden',
      `${qualified}${attrs.name ? ` "${attrs.name}"` : ''} is forbidden: ${msg}`,
      {
        ...(attrs.name ? {name: attrs.name} : {}),
        ...(attrs.group ? {group: attrs.group} : {}),
        kind: attrs.resource,
      },
    )
  }

  // ------------------------------------------------------------------------------------------
  // entry point

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://fake')
    const path = url.pathname
    const q = url.searchParams
    const method = (req.method ?? 'GET').toUpperCase()
    const watch = q.get('watch') === 'true' || q.get('watch') === '1' || /^\/apis?\/(.+\/)?watch\//.test(path)
    let rawBody: Buffer = Buffer.alloc(0)
    let bodyError: unknown
    try {
      rawBody = await this.readBody(req)
    } catch (e) {
      bodyError = e
    }
    const query: Record<string, string | string[]> = {}
    for (const k of new Set(q.keys())) {
      const all = q.getAll(k)
      query[k] = all.length === 1 ? all[0] : all
    }
    let recorded: unknown
    if (rawBody.length) {
      const text = rawBody.toString('utf8')
      try {
        recorded = JSON.parse(text)
      } catch {
        try {
          recorded = mediaType(req.headers['content-type']).includes('yaml') ? loadYaml(text) : text
        } catch {
          recorded = text
        }
      }
    }
    const entry = this.o.recorder.start({
      method,
      path,
      query,
      contentType: req.headers['content-type'],
      accept: req.headers.accept,
      userAgent: req.headers['user-agent'],
      body: recorded,
      watch,
    })
    res.on('close', () => {
      if (entry.status === 0 && res.headersSent) entry.status = res.statusCode
    })
    const origWriteHead = res.writeHead.bind(res) as (...a: unknown[]) => ServerResponse
    ;(res as unknown as {writeHead: (...a: unknown[]) => ServerResponse}).writeHead = (
      ...args: unknown[]
    ) => {
      entry.status = args[0] as number
      const out = origWriteHead(...args)
      this.o.recorder.touch(entry)
      return out
    }

    // injected faults
    let closeWatchAfter: number | undefined
    const actions: FaultAction[] = this.o.faults.match({method, path, watch})
    for (const a of actions) if (a.type === 'delay') await new Promise(r => setTimeout(r, a.ms))
    for (const a of actions) {
      if (a.type === 'reset') {
        entry.fault = 'reset'
        entry.status = 0
        req.socket.destroy()
        return
      }
      if (a.type === 'status') {
        entry.fault = `status ${a.status}`
        const headers: Record<string, string> = {}
        if (a.retryAfterSeconds !== undefined) headers['Retry-After'] = String(a.retryAfterSeconds)
        const details =
          a.retryAfterSeconds !== undefined ? {retryAfterSeconds: a.retryAfterSeconds} : undefined
        const err = new ApiError(
          a.status,
          a.reason ?? defaultReason(a.status),
          a.message ?? this.faultMessage(a.status, path),
          details,
        )
        this.send(res, a.status, err.toStatus(), headers)
        return
      }
      if (a.type === 'closeWatch') closeWatchAfter = a.afterEvents
    }

    // authentication: /version and health checks are public (system:public-info-viewer), but a
    // wrong token is a 401 everywhere, as with the real token authenticator
    let user: UserInfo | undefined
    if (PUBLIC_PATHS.has(path) && !req.headers.authorization)
      user = {username: 'system:anonymous', groups: ['system:unauthenticated']}
    else user = this.o.auth.authenticate(req)
    entry.user = user.username
    if (bodyError) throw bodyError
    await this.route(req, res, path, q, method, user, rawBody, entry, closeWatchAfter, watch)
  }

  private faultMessage(status: number, path: string): string {
    if (status === 409) {
      const m = path.match(/\/([^/]+)\/([^/]+)$/)
      return `Operation cannot be fulfilled on ${m ? `${m[1]} "${m[2]}"` : 'the object'}: the object has been modified; please apply your changes to the latest version and try again`
    }
    return defaultMessage(status)
  }

  private async route(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    q: URLSearchParams,
    method: string,
    user: UserInfo,
    rawBody: Buffer,
    entry: RecordedRequest,
    closeWatchAfter: number | undefined,
    watch: boolean,
  ): Promise<void> {
    const reg = this.o.store.registry
    const accept = req.headers.accept
    if (path === '/version' || path === '/version/')
      return this.send(res, 200, versionInfo(this.o.kubernetesMinor))
    if (path === '/healthz' || path === '/readyz' || path === '/livez') return this.send(res, 200, 'ok')
    if (path === '/api' || path === '/api/' || path === '/apis' || path === '/apis/') {
      const legacy = path.startsWith('/api/') || path === '/api'
      const agg = wantsAggregated(accept)
      if (agg)
        return this.send(res, 200, aggregatedDiscovery(reg, legacy, agg), {
          'Content-Type': aggregatedContentType(agg),
          Vary: 'Accept',
        })
      return this.send(res, 200, legacy ? apiVersions(req.headers.host ?? '127.0.0.1') : apiGroupList(reg), {
        Vary: 'Accept',
      })
    }
    if (path === '/openapi/v3' || path === '/openapi/v3/') return this.send(res, 200, this.openapi.index())
    if (path.startsWith('/openapi/v3/')) {
      const doc = this.openapi.document(path.slice('/openapi/v3/'.length))
      if (!doc) throw status404()
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'Cache-Control': 'public, immutable',
        Etag: `"${doc.hash}"`,
      })
      res.end(doc.body)
      return
    }
    const segs = path.split('/').filter(Boolean)
    let group: string
    let version: string
    let rest: string[]
    if (segs[0] === 'api' && segs.length >= 2) {
      group = ''
      version = segs[1]
      rest = segs.slice(2)
    } else if (segs[0] === 'apis' && segs.length >= 2) {
      group = segs[1]
      if (segs.length === 2) {
        const g = apiGroup(reg, group)
        if (!g) throw status404()
        return this.send(res, 200, g)
      }
      version = segs[2]
      rest = segs.slice(3)
    } else throw status404()
    if (rest.length === 0) {
      const list = apiResourceList(reg, group, version)
      if (!list) throw status404()
      return this.send(res, 200, list)
    }
    if (rest[0] === 'watch') rest = rest.slice(1)
    let namespace: string | undefined
    let resource: string
    let name: string | undefined
    let subresource: string | undefined
    if (
      rest[0] === 'namespaces' &&
      rest.length > 1 &&
      !(rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize')) &&
      rest.length > 2
    ) {
      namespace = rest[1]
      resource = rest[2]
      name = rest[3]
      subresource = rest[4]
      if (rest.length > 5) throw status404()
    } else {
      resource = rest[0]
      name = rest[1]
      subresource = rest[2]
      if (rest.length > 3) throw status404()
    }
    const rt = reg.byPlural(group ? `${group}/${version}` : version, resource)
    if (!rt || (namespace && !rt.namespaced)) throw status404()
    if (subresource && !rt.subresources.includes(subresource)) throw status404()

    let verb: string
    switch (method) {
      case 'GET':
      case 'HEAD':
        verb = watch ? 'watch' : name ? 'get' : 'list'
        break
      case 'POST':
        verb = 'create'
        break
      case 'PUT':
        verb = 'update'
        break
      case 'PATCH':
        verb = 'patch'
        break
      case 'DELETE':
        verb = name ? 'delete' : 'deletecollection'
        break
      default:
        throw new ApiError(
          405,
          'MethodNotAllowed',
          'the server does not allow this method on the requested resource',
        )
    }
    if (subresource === 'exec') verb = 'create'
    const allowedVerbs = subresource ? this.subresourceVerbs(rt, subresource) : rt.verbs
    if (!allowedVerbs.includes(verb) || (verb === 'create' && name && !subresource))
      throw new ApiError(
        405,
        'MethodNotAllowed',
        'the server does not allow this method on the requested resource',
      )
    // cluster-wide lists are allowed for namespaced kinds; single objects need their namespace
    if (rt.namespaced && !namespace && (name || verb === 'create' || verb === 'deletecollection'))
      throw status404()

    // projects are authorized inside their own namespace, as openshift-apiserver does
    const authzNamespace = rt.kind === 'Project' && name ? name : namespace
    const publicCreate = rt.plural === 'selfsubjectaccessreviews' || rt.plural === 'selfsubjectrulesreviews'
    if (!publicCreate && !(rt.kind === 'Project' && verb === 'list') && !(rt.kind === 'User' && name === '~'))
      this.authorizeOrThrow(user, {
        verb,
        group: rt.group,
        resource: rt.plural,
        subresource,
        namespace: authzNamespace,
        name,
      })

    const ctx: Ctx = {
      req,
      res,
      q,
      user,
      rt,
      namespace,
      name,
      subresource,
      verb,
      rawBody,
      entry,
      closeWatchAfter,
    }
    const headers = this.warnings(rt)
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v)
    switch (verb) {
      case 'get':
        return this.doGet(ctx)
      case 'list':
        return this.doList(ctx)
      case 'watch':
        return this.doWatch(ctx)
      case 'create':
        return this.doCreate(ctx)
      case 'update':
        return this.doUpdate(ctx)
      case 'patch':
        return this.doPatch(ctx)
      case 'delete':
        return this.doDelete(ctx)
      case 'deletecollection':
        return this.doDeleteCollection(ctx)
    }
  }

  private subresourceVerbs(rt: ResourceType, sub: string): string[] {
    switch (sub) {
      case 'status':
      case 'scale':
        return ['get', 'update', 'patch']
      case 'log':
        return ['get']
      case 'exec':
        return ['create']
      case 'instantiate':
        return ['create']
      case 'finalize':
        return ['update']
      case 'details':
        return ['update']
      default:
        return rt.verbs
    }
  }

  // ------------------------------------------------------------------------------------------
  // helpers shared by the verbs

  private writeOpts(ctx: Ctx, bodyDryRun?: unknown): {dryRun: boolean; fieldManager: string; user: UserInfo} {
    const dry = [...ctx.q.getAll('dryRun'), ...(Array.isArray(bodyDryRun) ? (bodyDryRun as string[]) : [])]
    for (const d of dry)
      if (d !== 'All') throw badRequest(`Invalid dry run value "${d}": supported values are "All"`)
    const fm = ctx.q.get('fieldManager') ?? (ctx.req.headers['user-agent'] ?? 'unknown').split('/')[0]
    if (fm.length > 128)
      throw new ApiError(422, 'Invalid', `fieldManager: Too long: may not be longer than 128 characters`)
    return {dryRun: dry.length > 0, fieldManager: fm, user: ctx.user}
  }

  private shape(ctx: Ctx): {shape: 'Table' | 'PartialObjectMetadata' | 'Object'; include: IncludeObject} {
    const include = (ctx.q.get('includeObject') as IncludeObject | null) ?? 'Metadata'
    return {shape: acceptedShape(ctx.req.headers.accept), include}
  }

  private present(ctx: Ctx, obj: KObject, code = 200): void {
    const {shape, include} = this.shape(ctx)
    if (ctx.verb === 'get' && shape === 'Table')
      return this.send(
        ctx.res,
        code,
        toTable(ctx.rt.kind, [obj], {
          includeObject: include,
          listMeta: {resourceVersion: obj.metadata.resourceVersion},
        }),
      )
    if (ctx.verb === 'get' && shape === 'PartialObjectMetadata')
      return this.send(ctx.res, code, partialMetadata(obj))
    this.send(ctx.res, code, obj)
  }

  private rtFor(apiVersion: string, plural: string): ResourceType {
    return this.o.store.resourceType(apiVersion, plural)!
  }

  private body(ctx: Ctx, kind: 'object' | 'patch' = 'object'): unknown {
    if (ctx.body === undefined) ctx.body = this.parseBody(ctx.rawBody, ctx.req.headers['content-type'], kind)
    return ctx.body
  }

  private objectBody(ctx: Ctx): KObject {
    const b = this.body(ctx)
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
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      )
    if (ctx.rt.namespaced && ctx.namespace) o.metadata.namespace = ctx.namespace
    // typed clients (client-node create*) omit kind/apiVersion: the URL says what it is
    if (!ctx.subresource && !VIRTUAL_CREATE_ONLY.has(ctx.rt.plural)) {
      o.apiVersion = want
      o.kind = ctx.rt.kind
    }
    return o
  }

  private selection(ctx: Ctx): Selection {
    const sel = parseSelection(ctx.q, ctx.rt)
    return sel
  }

  private visibleProject(user: UserInfo, ns: string): boolean {
    return (
      this.can(user, {
        verb: 'get',
        group: 'project.openshift.io',
        resource: 'projects',
        namespace: ns,
        name: ns,
      }) || this.can(user, {verb: 'get', group: '', resource: 'namespaces', namespace: ns, name: ns})
    )
  }

  // ------------------------------------------------------------------------------------------
  // GET / LIST / WATCH

  private doGet(ctx: Ctx): void {
    const {rt, namespace, name, subresource} = ctx
    const store = this.o.store
    if (subresource === 'log') return this.doLog(ctx)
    if (rt.kind === 'User' && name === '~') return this.present(ctx, currentUser(ctx.user))
    if (rt.kind === 'Project') {
      const ns = store.getRaw(namespaceRt(store), undefined, name!)
      if (!ns) throw notFound(rt, name!)
      return this.present(ctx, namespaceToProject(ns))
    }
    if (rt.kind === 'ImageStreamTag')
      return this.present(ctx, getImageStreamTag(store, rt, namespace!, name!))
    const obj = store.getRaw(rt, namespace, name!)
    if (!obj) throw notFound(rt, name!)
    if (subresource === 'scale') return this.send(ctx.res, 200, this.scaleOf(rt, obj))
    this.present(ctx, obj)
  }

  private listItems(ctx: Ctx): KObject[] {
    const {rt, namespace, user} = ctx
    const store = this.o.store
    if (rt.kind === 'Project')
      return store
        .listRaw(namespaceRt(store))
        .filter(ns => this.visibleProject(user, ns.metadata.name!))
        .map(namespaceToProject)
    if (rt.kind === 'ImageStreamTag') return listImageStreamTags(store, namespace)
    if (rt.kind === 'ProjectRequest') return []
    return store.listRaw(rt, namespace)
  }

  private doList(ctx: Ctx): void {
    const {q, rt} = ctx
    const store = this.o.store
    const sel = this.selection(ctx)
    const limit = q.has('limit') ? Number(q.get('limit')) : 0
    if (Number.isNaN(limit) || limit < 0) throw badRequest(`invalid limit "${q.get('limit')}"`)
    const cont = q.get('continue')
    if (rt.kind === 'ProjectRequest')
      // `oc new-project` probes this to learn whether self-provisioning is allowed
      return this.send(ctx.res, 200, {kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success'})
    let items: KObject[]
    let rv: number
    let start = 0
    if (cont) {
      let token: {rv: number; snap: string; offset: number}
      try {
        token = JSON.parse(Buffer.from(cont, 'base64url').toString())
      } catch {
        throw badRequest('continue key is not valid: illegal base64 data')
      }
      const snap = this.snapshots.get(token.snap)
      if (!snap || token.rv < store.compactedResourceVersion())
        throw new ApiError(
          410,
          'Expired',
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
        )
      items = snap.items
      rv = snap.rv
      start = token.offset
    } else {
      items = this.listItems(ctx).filter(o => matches(sel, o))
      rv = store.currentResourceVersion()
    }
    let page = items.slice(start)
    const listMeta: Record<string, unknown> = {resourceVersion: String(rv)}
    if (limit > 0 && page.length > limit) {
      page = page.slice(0, limit)
      let snapId = cont ? (JSON.parse(Buffer.from(cont, 'base64url').toString()) as {snap: string}).snap : ''
      if (!snapId) {
        snapId = String(++this.snapshotSeq)
        this.snapshots.set(snapId, {items, rv})
        // bounded: the oldest snapshots go first (their tokens then answer 410 Expired)
        while (this.snapshots.size > 64) this.snapshots.delete(this.snapshots.keys().next().value as string)
      }
      listMeta.continue = Buffer.from(JSON.stringify({rv, snap: snapId, offset: start + limit})).toString(
        'base64url',
      )
      listMeta.remainingItemCount = items.length - start - limit
    }
    const {shape, include} = this.shape(ctx)
    if (shape === 'Table')
      return this.send(ctx.res, 200, toTable(rt.kind, page, {includeObject: include, listMeta}))
    if (shape === 'PartialObjectMetadata')
      return this.send(ctx.res, 200, {
        kind: 'PartialObjectMetadataList',
        apiVersion: 'meta.k8s.io/v1',
        metadata: listMeta,
        items: page.map(partialMetadata),
      })
    // items are written straight from the store (no per-item copy): JSON.stringify does not mutate
    this.send(ctx.res, 200, {
      kind: rt.listKind,
      apiVersion: apiVersionOf(rt),
      metadata: listMeta,
      items: page,
    })
  }

  private doWatch(ctx: Ctx): void {
    const {rt, q, name, user} = ctx
    const store = this.o.store
    if (rt.kind === 'ImageStreamTag' || rt.kind === 'ProjectRequest')
      throw new ApiError(
        405,
        'MethodNotAllowed',
        'the server does not allow this method on the requested resource',
      )
    // a watch on a named object (legacy /watch/.../NAME or /NAME?watch=1) is a metadata.name field selector
    if (name)
      q.set('fieldSelector', [q.get('fieldSelector'), `metadata.name=${name}`].filter(Boolean).join(','))
    const selection = this.selection(ctx)
    const {shape, include} = this.shape(ctx)
    const isProject = rt.kind === 'Project'
    serveWatch(ctx.req, ctx.res, {
      store,
      rt,
      namespace: ctx.namespace,
      selection,
      query: q,
      table: shape === 'Table' ? {includeObject: include} : undefined,
      sourceRt: isProject ? namespaceRt(store) : undefined,
      transform: isProject
        ? ns => (this.visibleProject(user, ns.metadata.name!) ? namespaceToProject(ns) : undefined)
        : undefined,
      // a project appears to its requester once the admin RoleBinding exists (the project cache)
      visibilityTriggers: isProject
        ? ['rolebindings', 'clusterrolebindings', 'roles', 'clusterroles'].map(p =>
            this.rtFor('rbac.authorization.k8s.io/v1', p),
          )
        : undefined,
      closeAfterEvents: ctx.closeWatchAfter,
      bookmarkIntervalMs: this.o.bookmarkIntervalMs,
    })
  }

  // ------------------------------------------------------------------------------------------
  // logs

  private doLog(ctx: Ctx): void {
    const {rt, namespace, name, q} = ctx
    const store = this.o.store
    const ns = namespace!
    const logQuery = parseLogQuery(q)
    const previous = q.get('previous') === 'true'
    let source: LogSource
    if (rt.kind === 'Pod') {
      const pod = store.getRaw(rt, ns, name!)
      if (!pod) throw notFound(rt, name!)
      const spec = (pod.spec ?? {}) as {
        containers?: Array<{name: string}>
        initContainers?: Array<{name: string}>
      }
      const containers = (spec.containers ?? []).map(c => c.name)
      const inits = (spec.initContainers ?? []).map(c => c.name)
      let container = q.get('container') ?? undefined
      if (!container) {
        if (containers.length === 1) container = containers[0]
        else if (containers.length > 1)
          throw badRequest(
            `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]${inits.length ? ` or one of the init containers: [${inits.join(' ')}]` : ''}`,
          )
      } else if (!containers.includes(container) && !inits.includes(container))
        throw badRequest(`container ${container} is not valid for pod ${name}`)
      const scripted =
        this.o.scriptedLogs.get(scriptedLogKey('pod', ns, name!, container, previous)) ??
        this.o.scriptedLogs.get(scriptedLogKey('pod', ns, name!, '', previous))
      if (scripted !== undefined) source = staticLog(scripted)
      else if (previous && !this.hasRestarted(pod, container))
        throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`)
      else source = this.o.sims.podLog(ns, name!, container, previous)
    } else if (rt.kind === 'Build') {
      const build = store.getRaw(rt, ns, name!)
      if (!build) throw notFound(rt, name!)
      const scripted = this.o.scriptedLogs.get(scriptedLogKey('build', ns, name!))
      source = scripted !== undefined ? staticLog(scripted) : this.o.sims.buildLog(ns, name!)
    } else throw badRequest(`logs are not available for ${rt.plural}`)
    serveLog(ctx.res, source, logQuery)
  }

  private hasRestarted(pod: KObject, container: string | undefined): boolean {
    const statuses =
      (pod.status as {containerStatuses?: Array<{name: string; restartCount?: number; lastState?: object}>})
        ?.containerStatuses ?? []
    const s = statuses.find(c => c.name === container)
    // without status we cannot tell; let the simulators answer
    return !s || (s.restartCount ?? 0) > 0 || Object.keys(s.lastState ?? {}).length > 0
  }

  // ------------------------------------------------------------------------------------------
  // CREATE

  private doCreate(ctx: Ctx): void {
    const {rt, namespace, name, subresource, user} = ctx
    const store = this.o.store
    if (subresource === 'instantiate') {
      const body = this.objectBody(ctx)
      const bc = store.getRaw(rt, namespace, name!)
      if (!bc) throw notFound(rt, name!)
      if (rt.kind !== 'BuildConfig')
        throw badRequest(`${rt.plural}/instantiate is not supported by the fake server`)
      const build = this.o.sims.instantiate(namespace!, name!, body, user)
      return this.send(ctx.res, 201, build)
    }
    if (subresource === 'exec') throw badRequest('Upgrade request required')
    if (subresource) throw status404()
    if (VIRTUAL_CREATE_ONLY.has(rt.plural)) return this.doVirtualCreate(ctx)
    const obj = this.objectBody(ctx)
    const opts = this.writeOpts(ctx)
    if (rt.kind === 'Project') {
      const ns = projectToNamespace(obj)
      prepareForCreate(namespaceRt(store), ns)
      const created = store.create(namespaceRt(store), ns, opts)
      if (!opts.dryRun) ensureServiceAccounts(store, created.metadata.name!)
      return this.send(ctx.res, 201, namespaceToProject(created))
    }
    if (rt.kind === 'ImageStreamTag')
      return this.send(ctx.res, 201, writeImageStreamTag(store, rt, namespace!, obj, true, opts))
    prepareForCreate(rt, obj)
    const created = store.create(rt, obj, opts)
    if (rt.kind === 'Namespace' && !rt.group && !opts.dryRun)
      ensureServiceAccounts(store, created.metadata.name!)
    this.send(ctx.res, 201, created)
  }

  private doVirtualCreate(ctx: Ctx): void {
    const {rt, namespace, user} = ctx
    const body = this.objectBody(ctx)
    const store = this.o.store
    const spec = (body.spec ?? {}) as Record<string, any>
    const respond = (status: unknown) =>
      this.send(ctx.res, 201, {
        kind: rt.kind,
        apiVersion: apiVersionOf(rt),
        metadata: {...body.metadata, creationTimestamp: null},
        spec,
        status,
      })
    const review = (who: UserInfo): {allowed: boolean; reason?: string; denied?: boolean} => {
      const ra = spec.resourceAttributes as Record<string, string> | undefined
      const nra = spec.nonResourceAttributes as Record<string, string> | undefined
      if (!this.o.authorize) return {allowed: true, reason: 'the fake server has authorization off'}
      const attrs: AuthzAttributes = ra
        ? {
            verb: ra.verb ?? '',
            group: ra.group ?? '',
            resource: ra.resource ?? '',
            subresource: ra.subresource || undefined,
            namespace: (rt.plural === 'localsubjectaccessreviews' ? namespace : ra.namespace) || undefined,
            name: ra.name || undefined,
          }
        : {verb: nra?.verb ?? '', group: '', resource: '', path: nra?.path ?? ''}
      const d = this.o.authorize(store, who, attrs)
      return d.allowed
        ? {allowed: true, ...(d.reason ? {reason: d.reason} : {})}
        : {allowed: false, ...(d.reason ? {reason: d.reason} : {})}
    }
    switch (rt.plural) {
      case 'selfsubjectaccessreviews':
        return respond(review(user))
      case 'subjectaccessreviews':
      case 'localsubjectaccessreviews': {
        const who: UserInfo = {username: String(spec.user ?? ''), groups: (spec.groups as string[]) ?? []}
        return respond(review(who))
      }
      case 'selfsubjectrulesreviews':
        // rule enumeration is not simulated; `kubectl auth can-i --list` shows it as incomplete
        return respond({
          resourceRules: [],
          nonResourceRules: [],
          incomplete: true,
          evaluationError: 'rule listing is not supported by the fake OpenShift API server',
        })
      case 'projectrequests': {
        const opts = this.writeOpts(ctx)
        return this.send(ctx.res, 201, createProjectRequest(store, body, user, opts))
      }
      default: {
        // the pod security policy review APIs of security.openshift.io
        const reviewed = this.o.sims.review(rt.plural, namespace!, body, user)
        return this.send(ctx.res, 201, reviewed)
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // UPDATE / PATCH

  private doUpdate(ctx: Ctx): void {
    const {rt, namespace, name, subresource} = ctx
    const store = this.o.store
    const obj = this.objectBody(ctx)
    if (obj.metadata.name && obj.metadata.name !== name)
      throw badRequest(
        `the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`,
      )
    obj.metadata.name = name
    const opts = this.writeOpts(ctx)
    if (rt.kind === 'ImageStreamTag')
      return this.send(ctx.res, 200, writeImageStreamTag(store, rt, namespace!, obj, false, opts))
    if (rt.kind === 'Project') return this.send(ctx.res, 200, this.updateProject(obj, opts))
    const old = store.getRaw(rt, namespace, name!)
    if (!old) throw notFound(rt, name!)
    if (subresource === 'scale') return this.send(ctx.res, 200, this.writeScale(rt, old, obj, opts))
    const updated = this.commitUpdate(rt, obj, old, subresource, opts)
    this.send(ctx.res, 200, updated)
  }

  private commitUpdate(
    rt: ResourceType,
    obj: KObject,
    old: KObject,
    subresource: string | undefined,
    opts: {dryRun: boolean; fieldManager?: string; user: UserInfo},
    keepManagedFields = false,
  ): KObject {
    const store = this.o.store
    if (subresource === 'status') {
      const next = prepareForStatusUpdate(obj, old)
      return store.update(rt, next, {...opts, subresource: 'status'})
    }
    if (subresource === 'finalize') {
      const next = structuredClone(old)
      next.spec = {
        ...((old.spec as object) ?? {}),
        finalizers: (obj.spec as {finalizers?: string[]})?.finalizers ?? [],
      }
      next.metadata.resourceVersion = obj.metadata.resourceVersion
      return store.update(rt, next, opts)
    }
    prepareForUpdate(rt, obj, old)
    return store.update(rt, obj, {...opts, keepManagedFields})
  }

  private updateProject(
    obj: KObject,
    opts: {dryRun: boolean; fieldManager: string; user: UserInfo},
  ): KObject {
    const store = this.o.store
    const nsRt = namespaceRt(store)
    const ns = store.get(nsRt, undefined, obj.metadata.name!)
    if (!ns) throw notFound(this.rtFor('project.openshift.io/v1', 'projects'), obj.metadata.name!)
    // only labels and annotations of a project can change
    ns.metadata.labels = obj.metadata.labels
    ns.metadata.annotations = obj.metadata.annotations
    if (obj.metadata.resourceVersion) ns.metadata.resourceVersion = obj.metadata.resourceVersion
    return namespaceToProject(store.update(nsRt, ns, opts))
  }

  private doPatch(ctx: Ctx): void {
    const {rt, namespace, name, subresource, q} = ctx
    const store = this.o.store
    const patch = this.o.patch
    const ct = mediaType(ctx.req.headers['content-type'])
    const accepted = [
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/apply-patch+yaml',
    ]
    if (rt.strategicMerge) accepted.splice(2, 0, 'application/strategic-merge-patch+json')
    if (!accepted.includes(ct))
      // CRD-backed kinds (SCC) reject strategic merge: apiextensions has no patch strategy metadata
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
      )
    const opts = this.writeOpts(ctx)
    const body = this.body(ctx, 'patch')
    if (ct === 'application/apply-patch+yaml') return this.doApply(ctx, body, opts)

    let live: KObject
    if (rt.kind === 'ImageStreamTag') live = getImageStreamTag(store, rt, namespace!, name!)
    else if (rt.kind === 'Project') {
      const ns = store.getRaw(namespaceRt(store), undefined, name!)
      if (!ns) throw notFound(rt, name!)
      live = namespaceToProject(ns)
    } else {
      const raw = store.getRaw(rt, namespace, name!)
      if (!raw) throw notFound(rt, name!)
      live = subresource === 'scale' ? this.scaleOf(rt, raw) : structuredClone(raw)
    }
    let patched: KObject
    try {
      if (ct === 'application/json-patch+json') {
        if (!Array.isArray(body)) throw badRequest('the json patch must be an array of operations')
        patched = patch.applyJsonPatch(live, body) as KObject
      } else if (ct === 'application/merge-patch+json') patched = patch.applyMergePatch(live, body) as KObject
      else
        patched = patch.applyStrategicMergePatch(
          live,
          body,
          subresource === 'scale' ? 'Scale' : rt.kind,
        ) as KObject
    } catch (e) {
      if (e instanceof ApiError) throw e
      // the apiserver answers a patch that cannot be applied with 422 (json patch test failed, bad path)
      throw new ApiError(
        422,
        'Invalid',
        `the server rejected our request due to an error in our request: ${(e as Error).message}`,
      )
    }
    if (!patched || typeof patched !== 'object' || !patched.metadata)
      throw badRequest('the patch produced no object')
    if (patched.metadata.name !== live.metadata.name)
      throw badRequest(
        `the name of the object (${patched.metadata.name}) does not match the name on the URL (${name})`,
      )
    // a patch that leaves resourceVersion as it was carries no precondition
    if (patched.metadata.resourceVersion === live.metadata.resourceVersion)
      delete patched.metadata.resourceVersion
    if (rt.kind === 'ImageStreamTag')
      return this.send(ctx.res, 200, writeImageStreamTag(store, rt, namespace!, patched, false, opts))
    if (rt.kind === 'Project') return this.send(ctx.res, 200, this.updateProject(patched, opts))
    const old = store.getRaw(rt, namespace, name!)!
    if (subresource === 'scale') return this.send(ctx.res, 200, this.writeScale(rt, old, patched, opts))
    void q
    this.send(ctx.res, 200, this.commitUpdate(rt, patched, old, subresource, opts))
  }

  private doApply(
    ctx: Ctx,
    body: unknown,
    opts: {dryRun: boolean; fieldManager: string; user: UserInfo},
  ): void {
    const {rt, namespace, name, subresource, q} = ctx
    const store = this.o.store
    if (!q.get('fieldManager'))
      throw new ApiError(
        422,
        'Invalid',
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      )
    const force = q.get('force') === 'true'
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw badRequest('apply patch must be an object')
    const applied = body as KObject
    if (!applied.apiVersion || !applied.kind)
      throw badRequest(`${!applied.apiVersion ? 'apiVersion' : 'kind'} must be set in an apply patch`)
    if (applied.apiVersion !== apiVersionOf(rt) || applied.kind !== rt.kind)
      throw badRequest(
        `the API version/kind in the data (${applied.apiVersion}, ${applied.kind}) does not match the expected (${apiVersionOf(rt)}, ${rt.kind})`,
      )
    applied.metadata = applied.metadata ?? {}
    if (applied.metadata.name && applied.metadata.name !== name)
      throw badRequest(
        `the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`,
      )
    if (namespace && applied.metadata.namespace && applied.metadata.namespace !== namespace)
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      )
    if (rt.kind === 'Project' || rt.kind === 'ImageStreamTag')
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        `server-side apply is not supported for ${rt.plural} by the fake server`,
      )
    const raw = store.getRaw(rt, namespace, name!)
    const now = timestamp(new Date())
    const {object} = this.o.patch.serverSideApply({
      live: raw && structuredClone(raw),
      applied: structuredClone(applied),
      manager: opts.fieldManager,
      force,
      apiVersion: apiVersionOf(rt),
      now,
      subresource,
    })
    object.metadata.name = name
    if (rt.namespaced) object.metadata.namespace = namespace
    if (!raw) {
      if (subresource) throw notFound(rt, name!)
      prepareForCreate(rt, object)
      // managedFields come from the apply engine: no fieldManager, so the store does not add an Update entry
      const created = store.create(rt, object, {dryRun: opts.dryRun, user: opts.user})
      if (rt.kind === 'Namespace' && !opts.dryRun) ensureServiceAccounts(store, created.metadata.name!)
      return this.send(ctx.res, 201, created)
    }
    if (applied.metadata.resourceVersion && applied.metadata.resourceVersion !== raw.metadata.resourceVersion)
      throw conflict(
        rt,
        name!,
        'the object has been modified; please apply your changes to the latest version and try again',
      )
    delete object.metadata.resourceVersion
    this.send(
      ctx.res,
      200,
      this.commitUpdate(rt, object, raw, subresource, {dryRun: opts.dryRun, user: opts.user}, true),
    )
  }

  // ------------------------------------------------------------------------------------------
  // scale subresource (autoscaling/v1 Scale over spec.replicas)

  private scaleOf(rt: ResourceType, obj: KObject): KObject {
    const spec = (obj.spec ?? {}) as {
      replicas?: number
      selector?: {matchLabels?: Record<string, string>} | Record<string, string>
    }
    const st = (obj.status ?? {}) as {replicas?: number}
    const sel =
      spec.selector && 'matchLabels' in spec.selector
        ? spec.selector.matchLabels
        : (spec.selector as Record<string, string> | undefined)
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: obj.metadata.name,
        namespace: obj.metadata.namespace,
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
        creationTimestamp: obj.metadata.creationTimestamp,
      },
      spec: {replicas: spec.replicas ?? 0},
      status: {
        replicas: st.replicas ?? 0,
        selector: Object.entries(sel ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
      },
    }
    void rt
  }

  private writeScale(
    rt: ResourceType,
    old: KObject,
    scale: KObject,
    opts: {dryRun: boolean; fieldManager: string; user: UserInfo},
  ): KObject {
    const next = structuredClone(old)
    next.spec = {
      ...((old.spec as object) ?? {}),
      replicas: (scale.spec as {replicas?: number})?.replicas ?? 0,
    }
    if (scale.metadata.resourceVersion && scale.metadata.resourceVersion !== old.metadata.resourceVersion)
      throw conflict(
        rt,
        old.metadata.name!,
        'the object has been modified; please apply your changes to the latest version and try again',
      )
    delete next.metadata.resourceVersion
    return this.scaleOf(rt, this.o.store.update(rt, next, opts))
  }

  // ------------------------------------------------------------------------------------------
  // DELETE

  private deleteOptions(ctx: Ctx): DeleteOptions & {dryRun: boolean} {
    const b = (this.body(ctx) ?? {}) as {
      propagationPolicy?: string
      preconditions?: {uid?: string; resourceVersion?: string}
      dryRun?: string[]
      orphanDependents?: boolean
    }
    const w = this.writeOpts(ctx, b.dryRun)
    let policy = (ctx.q.get('propagationPolicy') ?? b.propagationPolicy) as DeleteOptions['propagationPolicy']
    if (!policy && (ctx.q.get('orphanDependents') === 'true' || b.orphanDependents === true))
      policy = 'Orphan'
    if (policy && !['Orphan', 'Background', 'Foreground'].includes(policy))
      throw badRequest(
        `DeletionPropagation: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`,
      )
    return {dryRun: w.dryRun, user: w.user, propagationPolicy: policy, preconditions: b.preconditions}
  }

  private doDelete(ctx: Ctx): void {
    const {rt, namespace, name} = ctx
    const store = this.o.store
    const opts = this.deleteOptions(ctx)
    if (rt.kind === 'ImageStreamTag')
      return this.send(ctx.res, 200, deleteImageStreamTag(store, rt, namespace!, name!, opts))
    if (rt.kind === 'Project') {
      const nsRt = namespaceRt(store)
      if (!store.getRaw(nsRt, undefined, name!)) throw notFound(rt, name!)
      store.delete(nsRt, undefined, name!, opts)
      // openshift-apiserver answers a project deletion with a Status
      return this.send(ctx.res, 200, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: {name, group: rt.group, kind: rt.plural},
      })
    }
    const result = store.delete(rt, namespace, name!, opts)
    // 202 while finalizers hold the object, 200 once it is gone (as the apiserver's delete handler)
    const stillThere = !opts.dryRun && !!store.getRaw(rt, namespace, name!)
    this.send(ctx.res, stillThere ? 202 : 200, result)
  }

  private doDeleteCollection(ctx: Ctx): void {
    const {rt, namespace} = ctx
    const store = this.o.store
    const opts = this.deleteOptions(ctx)
    const sel = this.selection(ctx)
    const deleted: KObject[] = []
    for (const o of store.listRaw(rt, namespace).filter(x => matches(sel, x)))
      if (store.getRaw(rt, o.metadata.namespace, o.metadata.name!))
        deleted.push(store.delete(rt, o.metadata.namespace, o.metadata.name!, opts))
    this.send(ctx.res, 200, {
      kind: rt.listKind,
      apiVersion: apiVersionOf(rt),
      metadata: {resourceVersion: String(store.currentResourceVersion())},
      items: deleted,
    })
  }

  // ------------------------------------------------------------------------------------------
  // exec over WebSocket

  private rejectUpgrade(socket: Duplex, err: unknown): void {
    const e =
      err instanceof ApiError
        ? err
        : new ApiError(500, 'InternalError', `Internal error occurred: ${(err as Error)?.message ?? err}`)
    const body = JSON.stringify(e.toStatus())
    const reason =
      e.code === 401
        ? 'Unauthorized'
        : e.code === 403
          ? 'Forbidden'
          : e.code === 404
            ? 'Not Found'
            : 'Bad Request'
    if (!socket.destroyed)
      socket.end(
        `HTTP/1.1 ${e.code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      )
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://fake')
    const path = url.pathname
    const q = url.searchParams
    const entry = this.o.recorder.start({
      method: req.method ?? 'GET',
      path,
      query: Object.fromEntries(
        [...new Set(q.keys())].map(k => [k, q.getAll(k).length === 1 ? q.get(k)! : q.getAll(k)]),
      ),
      accept: req.headers.accept,
      userAgent: req.headers['user-agent'],
      watch: false,
    })
    try {
      for (const a of this.o.faults.match({method: req.method ?? 'GET', path, watch: false})) {
        if (a.type === 'delay') await new Promise(r => setTimeout(r, a.ms))
        if (a.type === 'reset') {
          entry.fault = 'reset'
          socket.destroy()
          return
        }
        if (a.type === 'status') {
          entry.fault = `status ${a.status}`
          throw new ApiError(
            a.status,
            a.reason ?? defaultReason(a.status),
            a.message ?? defaultMessage(a.status),
          )
        }
      }
      const user = this.o.auth.authenticate(req)
      entry.user = user.username
      const m = path.match(/^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(exec|attach|portforward)$/)
      if (!m) throw status404()
      const [, ns, podName, sub] = m
      if (sub !== 'exec') throw badRequest(`${sub} is not supported by the fake OpenShift API server`)
      const podsRt = this.rtFor('v1', 'pods')
      // websocket exec is authorized as `create pods/exec` (AuthorizePodWebsocketUpgradeCreatePermission)
      this.authorizeOrThrow(user, {
        verb: 'create',
        group: '',
        resource: 'pods',
        subresource: 'exec',
        namespace: ns,
        name: podName,
      })
      const pod = this.o.store.getRaw(podsRt, ns, podName)
      if (!pod) throw notFound(podsRt, podName)
      const exec = parseExecQuery(q)
      if (!exec.command.length) throw badRequest('you must specify at least 1 command')
      if (!exec.stdin && !exec.stdout && !exec.stderr)
        throw badRequest('you must specify at least 1 of stdin, stdout, stderr')
      const containers = ((pod.spec as {containers?: Array<{name: string}>})?.containers ?? []).map(
        c => c.name,
      )
      const container = exec.container ?? containers[0]
      if (!containers.includes(container))
        throw badRequest(`container ${container} is not valid for pod ${podName}`)
      const phase = (pod.status as {phase?: string})?.phase
      if (phase === 'Succeeded' || phase === 'Failed')
        throw badRequest(`cannot exec into a container in a completed pod; current phase is ${phase}`)
      const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      if (!offered.trim()) throw badRequest('websocket exec requires a channel.k8s.io subprotocol')
      if (!pickExecProtocol(new Set(offered.split(',').map(s => s.trim()))))
        throw badRequest(
          `none of the offered subprotocols (${offered}) is supported: ${'v5.channel.k8s.io, v4.channel.k8s.io, v3.channel.k8s.io, v2.channel.k8s.io, channel.k8s.io'}`,
        )
      // Without stdin the command runs before the upgrade, so a container that is not running
      // fails the upgrade itself with the kubelet's 400 ("unable to upgrade connection: ..."),
      // as on a real node; with stdin it runs once the client has sent its input.
      const early = exec.stdin ? undefined : this.o.sims.exec(ns, podName, container, exec.command)
      this.wss.handleUpgrade(req, socket, head, ws => {
        entry.status = 101
        this.o.recorder.touch(entry)
        serveExec(
          ws,
          ws.protocol,
          {...exec, container},
          stdin => early ?? this.o.sims.exec(ns, podName, container, exec.command, stdin),
        )
      })
    } catch (err) {
      entry.status = err instanceof ApiError ? err.code : 500
      throw err
    }
  }
}

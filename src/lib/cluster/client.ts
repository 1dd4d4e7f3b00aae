/**
 * A small REST client over a KubeConfig. client-node supplies the credentials and TLS material
 * (`applyToHTTPSOptions`: CA, client cert, bearer token, exec plugins); the HTTP is node:http(s) so we
 * control what the typed client-node APIs hide: arbitrary subresource paths, explicit patch
 * Content-Types, streaming bodies (logs, watch), response headers (`Warning`, `Retry-After`),
 * per-request timeouts and retries.
 *
 * Every response status >= 400 becomes an ApiError, every transport failure a NetworkError (both
 * CliErrors with the right exit code). Nothing is logged: warnings and per-request records go to the
 * optional callbacks.
 */
import type {KubeConfig} from '@kubernetes/client-node'
import {setMaxListeners} from 'node:events'
import http from 'node:http'
import https from 'node:https'
import {createSecureContext} from 'node:tls'
import {StringDecoder} from 'node:string_decoder'
import {CliError, ExitCode} from '../errors.js'
import {DiscoveryCache, type ApiResourceList, type ServerVersion} from './discovery-cache.js'
import {ApiError, NetworkError, REQUEST_TIMEOUT_CODE, isNotFound, redact, secretValues} from './errors.js'
import {groupVersionPath, parseApiPath} from './kinds.js'
import {credentialFailure, type KubeContext} from './kubeconfig.js'
import {abortReason, withRetry} from './retry.js'
import type {RetryClock, RetryInfo, RetryPolicy, Verb} from './retry.js'
import type {KubeList, KubeObject, WatchEvent} from './types.js'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
export type QueryValue = string | number | boolean | undefined | null | readonly string[]
export type Query = Record<string, QueryValue>

/** The field manager of every write: SSA ownership is tracked under this name. */
export const FIELD_MANAGER = 'oc-jupyter'

export type PatchType = 'apply' | 'merge' | 'json' | 'strategic'
/** Every PATCH names its strategy; client-node's default (strategic) is rejected with 415 by CRDs (SCC). */
export const PATCH_CONTENT_TYPES: Readonly<Record<PatchType, string>> = {
  apply: 'application/apply-patch+yaml',
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
}

export interface ApiRequest {
  method?: HttpMethod
  /** API path, e.g. `/apis/build.openshift.io/v1/namespaces/p/buildconfigs/nb/instantiate`. */
  path: string
  query?: Query
  /** Objects are sent as JSON; strings and Buffers as they are. */
  body?: unknown
  /** Required for PATCH (see PATCH_CONTENT_TYPES); defaults to application/json otherwise. */
  contentType?: string
  accept?: string
  /** `text`: return the body as a string even when it looks like JSON (logs). Default: auto. */
  responseType?: 'auto' | 'text'
  headers?: Record<string, string>
  /** Overrides the client's --request-timeout for this request; 0 = none. For streams: until headers. */
  timeoutMs?: number
  /**
   * Overrides the method-based verb of the retry policy (retry.ts): true for a POST that persists
   * nothing (a review), false for a write that must not be repeated blindly.
   */
  idempotent?: boolean
  /** A POST's way to find what an attempt with an unknown outcome made (retry.ts, RETRY_RULES). */
  reread?: () => Promise<ApiResponse<unknown> | undefined>
  /** Also retry 409 Conflict (server-side apply). */
  retryConflicts?: boolean
  signal?: AbortSignal
  /**
   * Do not pass this response's `Warning` headers on: for probes the user did not ask for (a
   * DeploymentConfig looked up by a name that may not exist draws OpenShift's deprecation warning).
   */
  quietWarnings?: boolean
}

/** Options of the read verbs (get, list). */
export interface ReadOptions {
  signal?: AbortSignal
  /** see ApiRequest.quietWarnings */
  quietWarnings?: boolean
}

export interface ApiResponse<T> {
  status: number
  headers: http.IncomingHttpHeaders
  /** Parsed JSON, or the text when the response is not JSON. The type is the caller's assertion. */
  body: T
}

export interface RequestRecord {
  method: HttpMethod
  /** Path and query as sent. */
  path: string
  attempt: number
  status?: number
  /** Error code (ECONNRESET, ...) when no response arrived. */
  error?: string
  durationMs: number
}

export interface KubeClientOptions {
  /** Default per-request timeout; defaults to the context's (0 = none). */
  requestTimeoutMs?: number
  retry?: Partial<RetryPolicy>
  /** For tests: deterministic backoff. */
  clock?: RetryClock
  /** Each distinct server `Warning` header text once (deprecations, PodSecurity). */
  onWarning?: (text: string) => void
  /** Every attempt, for --verbose and request counting. */
  onRequest?: (record: RequestRecord) => void
  /** Every retry with the rule of retry.ts that allowed it, for --verbose. */
  onRetry?: (method: HttpMethod, path: string, info: RetryInfo) => void
  userAgent?: string
  /** Aborts every request of this client (Ctrl-C): in flight, waiting to retry, or streaming. */
  signal?: AbortSignal
  /**
   * Where discovery is cached between runs (`~/.kube/cache/discovery`, see discovery-cache.ts); without
   * it, discovery is remembered for the life of the client only.
   */
  discoveryCacheDir?: string
}

export interface WriteOptions {
  /** Server-side dry run: `dryRun=All`. */
  dryRun?: boolean
  fieldManager?: string
  signal?: AbortSignal
}

/** Options of a POST. */
export interface CreateOptions extends WriteOptions {
  /** see ApiRequest.idempotent: true for a POST that persists nothing */
  idempotent?: boolean
  /**
   * What an attempt with an unknown outcome would have made; default for a named create: a GET of
   * the object. A POST without either is not retried after it may have reached the server.
   */
  reread?: () => Promise<unknown>
}

interface Connection {
  base: URL
  agent: http.Agent
  secure: boolean
  headers: Record<string, string>
  /** exec / auth-provider users: credentials are re-read per request (they expire and refresh). */
  dynamicAuth: boolean
  /** Settles once the first TLS connection has a session to resume (see `once`). */
  firstTls?: Promise<void>
}

/** The retry policy's verb (retry.ts): what a repeat of this request can do. */
export function verbOf(method: HttpMethod, contentType: string | undefined, idempotent?: boolean): Verb {
  if (idempotent === false) return 'post'
  switch (method) {
    case 'GET':
      return 'read'
    case 'POST':
      return idempotent ? 'read' : 'post'
    case 'PUT':
    case 'DELETE':
      return 'write'
    case 'PATCH':
      // SSA and RFC 7386 merge patches converge; a JSON patch (`add` to `/-`) does not.
      return contentType === PATCH_CONTENT_TYPES.apply || contentType === PATCH_CONTENT_TYPES.merge
        ? 'write'
        : 'post'
  }
}

export class KubeClient {
  readonly server: string
  /** The effective namespace (flag → context → default). */
  readonly namespace: string
  readonly contextName: string
  readonly requestTimeoutMs: number
  private readonly kc: KubeConfig
  private readonly opts: KubeClientOptions
  private connection?: Promise<Connection>
  private readonly secrets = new Set<string>()
  private readonly warnings = new Set<string>()
  private readonly discovery = new Map<string, Promise<Discovered | undefined>>()
  private readonly discoveryCache?: DiscoveryCache
  /** Group/versions answered from the disk cache in this run (a 404 on one of them drops the cache). */
  private readonly discoveredFromDisk = new Set<string>()
  private serverVersionForCache?: Promise<ServerVersion | undefined>
  /** GETs sent ahead of their reader (prefetch): path → the answer, for the first plain `get` of it. */
  private readonly readAhead = new Map<string, Promise<unknown>>()

  constructor(ctx: KubeContext, opts: KubeClientOptions = {}) {
    this.kc = ctx.kc
    this.server = ctx.server
    this.namespace = ctx.namespace
    this.contextName = ctx.contextName
    this.requestTimeoutMs = opts.requestTimeoutMs ?? ctx.requestTimeoutMs
    this.opts = opts
    // One abort listener per request in flight (a deploy sends a dozen at once): not a leak.
    if (opts.signal) setMaxListeners(0, opts.signal)
    if (opts.discoveryCacheDir) this.discoveryCache = new DiscoveryCache(opts.discoveryCacheDir, ctx.server)
    const user = ctx.kc.getCurrentUser()
    if (user?.token) this.secrets.add(user.token)
    if (user?.password) this.secrets.add(user.password)
  }

  /** Registers values that must never appear in an error message (the notebook password...). */
  addSecrets(...values: string[]): void {
    for (const v of values) if (v) this.secrets.add(v)
  }

  /** Redacts the client's known secrets and token-shaped strings from text. */
  redact(text: string): string {
    return redact(text, this.secrets)
  }

  // -------------------------------------------------------------------------------------------
  // Requests

  /** One request with retries; the body parsed as JSON when it is JSON. */
  async request<T = unknown>(request: ApiRequest): Promise<ApiResponse<T>> {
    const req = this.withClientSignal(request)
    const method = req.method ?? 'GET'
    if (method === 'PATCH' && !req.contentType) {
      // A programming error: the server would pick strategic merge and CRDs answer 415.
      throw new Error(`PATCH ${req.path} without an explicit Content-Type`)
    }
    try {
      return await withRetry(
        async attempt => {
          const raw = await this.once(req, attempt, false)
          const text = raw.body ?? ''
          const body = req.responseType === 'text' ? text : parseBody(text, raw.headers)
          return {status: raw.status, headers: raw.headers, body: body as T}
        },
        {
          ...this.retryOptions(req, method),
          ...(req.reread ? {reread: req.reread as () => Promise<ApiResponse<T> | undefined>} : {}),
        },
      )
    } catch (error) {
      this.noteMissingResource(error, req.path)
      throw error
    }
  }

  /**
   * A streaming GET (logs, watch): resolves with the open response once the status is < 400; the
   * caller reads it (it is a Readable, also an async iterable of Buffers) and destroys it when done.
   * Establishing the stream is retried like a GET; a stream that drops later is the caller's concern.
   */
  async stream(request: ApiRequest): Promise<http.IncomingMessage> {
    const req = this.withClientSignal(request)
    const method = req.method ?? 'GET'
    return withRetry(
      async attempt => {
        const raw = await this.once(req, attempt, true)
        if (!raw.res) throw new Error('internal: stream without response')
        return raw.res
      },
      this.retryOptions(req, method),
    )
  }

  /** Lines of a streaming GET. A trailing partial line is yielded only when the stream ends cleanly. */
  async *lines(req: ApiRequest, onOpen?: () => void): AsyncGenerator<string, void, undefined> {
    const res = await this.stream(req)
    onOpen?.()
    const decoder = new StringDecoder('utf8')
    let buf = ''
    try {
      for await (const chunk of res as AsyncIterable<Buffer>) {
        buf += decoder.write(chunk)
        let nl: number
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl)
          buf = buf.slice(nl + 1)
          yield line.endsWith('\r') ? line.slice(0, -1) : line
        }
      }
      buf += decoder.end()
      if (buf) yield buf
    } catch (error) {
      if (req.signal?.aborted) throw abortReason(req.signal)
      throw this.transportError(error, req, req.method ?? 'GET')
    } finally {
      res.destroy()
    }
  }

  /**
   * WATCH a collection: events until the server ends the watch (timeoutSeconds) or the stream drops
   * (throws NetworkError). ERROR events are yielded as they come (a 410 Status means: re-list).
   */
  async *watch(
    path: string,
    query: Query = {},
    opts: {signal?: AbortSignal; onOpen?: () => void} = {},
  ): AsyncGenerator<WatchEvent> {
    const req: ApiRequest = {path, query: {...query, watch: true}, signal: opts.signal}
    for await (const line of this.lines(req, opts.onOpen)) {
      if (!line.trim()) continue
      let ev: unknown
      try {
        ev = JSON.parse(line)
      } catch {
        continue // a torn line from a proxy; the next event carries the state again
      }
      if (isWatchEvent(ev)) yield ev
    }
  }

  // -------------------------------------------------------------------------------------------
  // Verbs

  async get<T = KubeObject>(path: string, query?: Query, opts: ReadOptions = {}): Promise<T> {
    const ahead =
      query === undefined && !opts.signal && !opts.quietWarnings ? this.readAhead.get(path) : undefined
    if (ahead) {
      this.readAhead.delete(path)
      return (await ahead) as T
    }
    return (await this.request<T>({path, query, signal: opts.signal, quietWarnings: opts.quietWarnings})).body
  }

  /**
   * Sends now the plain GETs of objects a command reads one after another a moment later: they go out
   * together, one round trip instead of one each. The first `get` (or getIfExists) of each path, with
   * no query or options, takes its answer — the same object or the same error, retried the same way —
   * so the code that reads keeps its order, its checks and its messages. Reads only; a path no one
   * reads costs one request.
   */
  prefetch(paths: readonly string[]): void {
    for (const path of paths) {
      if (this.readAhead.has(path)) continue
      const answer = this.request({path}).then(r => r.body)
      answer.catch(() => {}) // thrown to its reader; unread, it is dropped
      this.readAhead.set(path, answer)
    }
  }

  /** GET that answers undefined on 404 (the object, not its namespace, may be missing). */
  async getIfExists<T = KubeObject>(
    path: string,
    query?: Query,
    opts: ReadOptions = {},
  ): Promise<T | undefined> {
    try {
      return await this.get<T>(path, query, opts)
    } catch (error) {
      if (isNotFound(error) && error.status?.details?.name !== undefined) return undefined
      throw error
    }
  }

  async list<T = KubeObject>(path: string, query?: Query, opts: ReadOptions = {}): Promise<KubeList<T>> {
    return this.get<KubeList<T>>(path, query, opts)
  }

  /** Pages of a LIST (`limit`/`continue`): memory stays bounded by one page. */
  async *listPages<T = KubeObject>(
    path: string,
    query: Query = {},
    opts: ReadOptions & {pageSize?: number} = {},
  ): AsyncGenerator<KubeList<T>> {
    let cont: string | undefined
    do {
      const page = await this.list<T>(path, {...query, limit: opts.pageSize ?? 500, continue: cont}, opts)
      yield page
      cont = page.metadata?.continue || undefined
    } while (cont)
  }

  /** All items of a LIST, paged; resourceVersion of the last page (for a following WATCH). */
  async listAll<T = KubeObject>(
    path: string,
    query: Query = {},
    opts: ReadOptions & {pageSize?: number} = {},
  ): Promise<{items: T[]; resourceVersion?: string}> {
    const items: T[] = []
    let resourceVersion: string | undefined
    for await (const page of this.listPages<T>(path, query, opts)) {
      items.push(...page.items)
      resourceVersion = page.metadata?.resourceVersion
    }
    return {items, resourceVersion}
  }

  /**
   * POST. Never re-sent blindly after it may have reached the server: a named object is looked up
   * first (found: that is the answer), other POSTs need the caller's `reread` (retry.ts).
   */
  async create<T = KubeObject>(
    path: string,
    body: unknown,
    opts: CreateOptions = {},
  ): Promise<ApiResponse<T>> {
    const reread = opts.reread ?? this.namedReread(path, body, opts)
    return this.request<T>({
      method: 'POST',
      path,
      body,
      query: writeQuery(opts),
      signal: opts.signal,
      // A dry run persists nothing: sent again, same answer.
      idempotent: opts.dryRun ? true : opts.idempotent,
      ...(reread
        ? {
            reread: async () => {
              const found = await reread()
              return found === undefined ? undefined : {status: 200, headers: {}, body: found}
            },
          }
        : {}),
    })
  }

  /** A create of a named object (not generateName): after an unknown outcome, GET it. */
  private namedReread(
    collection: string,
    body: unknown,
    opts: CreateOptions,
  ): (() => Promise<unknown>) | undefined {
    const name = (body as {metadata?: {name?: unknown}} | undefined)?.metadata?.name
    if (opts.dryRun || typeof name !== 'string' || name === '') return undefined
    return () =>
      this.getIfExists(`${collection}/${encodeURIComponent(name)}`, undefined, {signal: opts.signal})
  }

  async patch<T = KubeObject>(
    path: string,
    body: unknown,
    type: PatchType,
    opts: WriteOptions & {force?: boolean} = {},
  ): Promise<ApiResponse<T>> {
    const query: Query = writeQuery(opts)
    // `force` is only meaningful (and only accepted) for apply patches.
    if (type === 'apply') {
      query.fieldManager = opts.fieldManager ?? FIELD_MANAGER
      if (opts.force !== undefined) query.force = opts.force
    }
    return this.request<T>({
      method: 'PATCH',
      path,
      body,
      contentType: PATCH_CONTENT_TYPES[type],
      query,
      retryConflicts: type === 'apply',
      signal: opts.signal,
    })
  }

  /** Server-side apply (`fieldManager=oc-jupyter`, force by default: we own these objects). */
  async apply<T = KubeObject>(
    path: string,
    obj: unknown,
    opts: WriteOptions & {force?: boolean} = {},
  ): Promise<ApiResponse<T>> {
    return this.patch<T>(path, obj, 'apply', {force: true, ...opts})
  }

  async replace<T = KubeObject>(
    path: string,
    body: unknown,
    opts: WriteOptions = {},
  ): Promise<ApiResponse<T>> {
    return this.request<T>({method: 'PUT', path, body, query: writeQuery(opts), signal: opts.signal})
  }

  async delete<T = KubeObject>(
    path: string,
    opts: WriteOptions & {propagationPolicy?: 'Background' | 'Foreground' | 'Orphan'} = {},
  ): Promise<ApiResponse<T>> {
    return this.request<T>({
      method: 'DELETE',
      path,
      query: {dryRun: opts.dryRun ? 'All' : undefined, propagationPolicy: opts.propagationPolicy},
      signal: opts.signal,
    })
  }

  // -------------------------------------------------------------------------------------------
  // Discovery

  /**
   * Whether the server serves `plural` in `groupVersion` (`route.openshift.io/v1`, `v1`). One
   * discovery GET per group/version per client (= per CLI invocation), none while the disk cache
   * (discoveryCacheDir) has a fresh answer; 404 means not served. A resource missing from a cached
   * list is asked of the server once more: the server may have gained it since (kubectl does the same).
   */
  async isServed(groupVersion: string, plural: string): Promise<boolean> {
    const known = await this.resourcesOf(groupVersion)
    if (known?.names.has(plural)) return true
    if (!known?.fromDisk) return false
    const fresh = await this.resourcesOf(groupVersion, {fresh: true})
    return fresh?.names.has(plural) ?? false
  }

  private resourcesOf(groupVersion: string, opts: {fresh?: boolean} = {}): Promise<Discovered | undefined> {
    let pending = opts.fresh ? undefined : this.discovery.get(groupVersion)
    if (!pending) {
      const started = this.discover(groupVersion, opts.fresh === true)
      this.discovery.set(groupVersion, started)
      // A transient failure must not be remembered for the rest of the run.
      started.catch(() => {
        if (this.discovery.get(groupVersion) === started) this.discovery.delete(groupVersion)
      })
      pending = started
    }
    return pending
  }

  private async discover(groupVersion: string, fresh: boolean): Promise<Discovered | undefined> {
    const cache = this.discoveryCache
    if (cache && !fresh) {
      const cached = cache.read(groupVersion)
      if (cached) {
        this.discoveredFromDisk.add(groupVersion)
        return {names: resourceNames(cached), fromDisk: true}
      }
    }
    // With a disk cache, /version is read alongside (same round trip): it says whether the cache
    // describes the server as it is now.
    const [list, version] = await Promise.all([
      this.fetchResources(groupVersion),
      cache ? this.versionForCache() : undefined,
    ])
    this.discoveredFromDisk.delete(groupVersion)
    if (cache && version) cache.noteVersion(version)
    if (cache && list) cache.write(groupVersion, list)
    // The cache said served, the server says not (anymore): nothing cached for it can be trusted.
    if (cache && fresh && !list) cache.invalidate()
    return list && {names: resourceNames(list), fromDisk: false}
  }

  private async fetchResources(groupVersion: string): Promise<ApiResourceList | undefined> {
    try {
      return await this.get<ApiResourceList>(groupVersionPath(groupVersion))
    } catch (error) {
      if (isNotFound(error)) return undefined
      throw error
    }
  }

  /** /version for the disk cache, once per client; discovery does not depend on it. */
  private versionForCache(): Promise<ServerVersion | undefined> {
    this.serverVersionForCache ??= this.serverVersion().catch(() => undefined)
    return this.serverVersionForCache
  }

  /**
   * A 404 that names no object (the resource itself is not there) on a group/version the disk cache
   * answered for: the cache is out of date — drop it, so the next command asks the server.
   */
  private noteMissingResource(error: unknown, requestPath: string): void {
    if (!this.discoveryCache || this.discoveredFromDisk.size === 0) return
    if (!isNotFound(error) || error.status?.details?.name !== undefined) return
    const parsed = parseApiPath(requestPath)
    if (!parsed) return
    const groupVersion = parsed.group ? `${parsed.group}/${parsed.version}` : parsed.version
    if (!this.discoveredFromDisk.has(groupVersion)) return
    this.discoveryCache.invalidate()
    this.discoveredFromDisk.clear()
  }

  /** GET /version: {major, minor, gitVersion}. */
  async serverVersion(): Promise<ServerVersion> {
    return this.get('/version')
  }

  // -------------------------------------------------------------------------------------------
  // Transport

  private withClientSignal(req: ApiRequest): ApiRequest {
    const own = this.opts.signal
    if (!own || req.signal === own) return req
    return {...req, signal: req.signal ? AbortSignal.any([req.signal, own]) : own}
  }

  private retryOptions(req: ApiRequest, method: HttpMethod) {
    return {
      verb: verbOf(method, req.contentType, req.idempotent),
      retryConflicts: req.retryConflicts,
      policy: this.opts.retry,
      clock: this.opts.clock,
      signal: req.signal,
      onRetry: (info: RetryInfo) => this.opts.onRetry?.(method, req.path, info),
    }
  }

  private async conn(): Promise<Connection> {
    this.connection ??= this.connect()
    return this.connection
  }

  private async connect(): Promise<Connection> {
    const {headers, tls} = await this.credentials()
    const base = new URL(this.server)
    const secure = base.protocol === 'https:'
    const cluster = this.kc.getCurrentCluster()
    const user = this.kc.getCurrentUser()
    let agent: http.Agent
    if (cluster?.proxyUrl && tls.agent instanceof http.Agent) {
      agent = tls.agent // client-node built a proxy agent; keep it
    } else if (secure) {
      agent = new https.Agent({
        keepAlive: true,
        // One context (CA, client certificate) for every connection, instead of one built per connection.
        secureContext: createSecureContext({
          ca: tls.ca,
          cert: tls.cert,
          key: tls.key,
          pfx: tls.pfx,
          passphrase: tls.passphrase,
        }),
        servername: tls.servername,
        ...(tls.rejectUnauthorized === undefined ? {} : {rejectUnauthorized: tls.rejectUnauthorized}),
      })
    } else {
      agent = new http.Agent({keepAlive: true})
    }
    return {base, agent, secure, headers, dynamicAuth: Boolean(user?.exec || user?.authProvider)}
  }

  /** Headers and TLS options from the kubeconfig user (runs exec plugins, reads token files). */
  private async credentials(): Promise<{headers: Record<string, string>; tls: https.RequestOptions}> {
    const tls: https.RequestOptions = {}
    try {
      await this.kc.applyToHTTPSOptions(tls)
    } catch (error) {
      throw new CliError(
        this.redact(
          `cannot load credentials of context "${this.contextName}": ${credentialFailure(this.kc, error)}`,
        ),
        ExitCode.Unreachable,
        {hint: `oc login ${this.server}`},
      )
    }
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(tls.headers ?? {})) {
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : String(v)
    }
    if (tls.auth) headers.Authorization = `Basic ${Buffer.from(tls.auth).toString('base64')}`
    for (const [k, v] of Object.entries(headers)) {
      if (k.toLowerCase() === 'authorization') {
        this.secrets.add(v)
        const token = v.replace(/^\S+\s+/, '')
        if (token) this.secrets.add(token)
      }
    }
    return {headers, tls}
  }

  private url(conn: Connection, path: string, query: Query | undefined): URL {
    // Keep a path prefix of the server URL (Rancher-style proxies: https://host/k8s/clusters/c-x).
    const url = new URL(conn.base.href)
    url.pathname = conn.base.pathname.replace(/\/$/, '') + path
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v === undefined || v === null) continue
      if (Array.isArray(v)) for (const item of v) url.searchParams.append(k, item)
      else url.searchParams.set(k, String(v))
    }
    return url
  }

  private async once(
    req: ApiRequest,
    attempt: number,
    streaming: boolean,
  ): Promise<{status: number; headers: http.IncomingHttpHeaders; body?: string; res?: http.IncomingMessage}> {
    const conn = await this.conn()
    const method = req.method ?? 'GET'
    const url = this.url(conn, req.path, req.query)
    const pathAndQuery = url.pathname.slice(conn.base.pathname.replace(/\/$/, '').length) + url.search
    const authHeaders = conn.dynamicAuth ? (await this.credentials()).headers : conn.headers
    // Requests issued while the first TLS handshake is under way (status starts five lists at once)
    // wait for its session and then resume it on their own connections: one full handshake — one
    // certificate check here, one signature on the server — instead of one per request, as kubectl's
    // single HTTP/2 connection has. Nothing is awaited between this check and the request below.
    if (conn.firstTls) await conn.firstTls
    const payload = encodeBody(req.body)
    const headers: Record<string, string> = {
      ...authHeaders,
      Accept: req.accept ?? 'application/json, */*',
      'User-Agent': this.opts.userAgent ?? 'oc-jupyter',
      ...req.headers,
    }
    if (payload !== undefined) {
      headers['Content-Type'] = req.contentType ?? 'application/json'
      headers['Content-Length'] = String(payload.length)
    }
    const timeoutMs = req.timeoutMs ?? this.requestTimeoutMs
    const started = Date.now()
    const record = (status?: number, error?: string) =>
      this.opts.onRequest?.({
        method,
        path: pathAndQuery,
        attempt,
        status,
        error,
        durationMs: Date.now() - started,
      })

    return new Promise((resolve, reject) => {
      let settled = false
      let timer: NodeJS.Timeout | undefined
      const signal = req.signal
      // Checked before the request exists: a ClientRequest that is created but never ended has no
      // 'error' listener once we return, and the agent's socket closing later crashes the process.
      if (signal?.aborted) {
        record(undefined, 'aborted')
        reject(abortReason(signal))
        return
      }
      const mod = conn.secure ? https : http
      const r = mod.request(url, {method, headers, agent: conn.agent})
      if (conn.secure && !conn.firstTls) conn.firstTls = tlsSessionOf(r)

      const cleanup = () => {
        if (timer) clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
      }
      const fail = (error: unknown) => {
        if (settled) return
        settled = true
        cleanup()
        if (signal?.aborted) {
          record(undefined, 'aborted')
          reject(abortReason(signal))
          return
        }
        const mapped = this.transportError(error, req, method, timeoutMs)
        record(undefined, mapped instanceof NetworkError ? mapped.code : 'error')
        reject(mapped)
      }
      const onAbort = () => r.destroy(abortReason(signal))
      signal?.addEventListener('abort', onAbort, {once: true})
      if (timeoutMs > 0) {
        timer = setTimeout(() => {
          const err = Object.assign(new Error('request timeout'), {code: REQUEST_TIMEOUT_CODE})
          r.destroy(err)
        }, timeoutMs)
      }

      r.on('error', fail)
      r.on('response', res => {
        const status = res.statusCode ?? 0
        if (!req.quietWarnings) this.noteWarnings(res)
        if (streaming && status < 400) {
          settled = true
          cleanup()
          record(status)
          // Abort keeps working for the life of the stream.
          if (signal) {
            const stop = () => res.destroy(abortReason(signal))
            signal.addEventListener('abort', stop, {once: true})
            res.once('close', () => signal.removeEventListener('abort', stop))
          }
          resolve({status, headers: res.headers, res})
          return
        }
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('error', fail)
        res.on('aborted', () => fail(Object.assign(new Error('aborted'), {code: 'ECONNRESET'})))
        res.on('close', () => {
          if (!res.complete) fail(Object.assign(new Error('aborted'), {code: 'ECONNRESET'}))
        })
        res.on('end', () => {
          if (settled) return
          settled = true
          cleanup()
          const body = Buffer.concat(chunks).toString('utf8')
          record(status)
          if (status >= 400) {
            reject(
              new ApiError({
                code: status,
                body,
                method,
                path: pathAndQuery,
                server: this.server,
                headers: res.headers,
                secrets: this.secretsFor(req),
              }),
            )
          } else {
            resolve({status, headers: res.headers, body})
          }
        })
      })
      r.end(payload)
    })
  }

  private secretsFor(req: ApiRequest): string[] {
    const body = req.body
    const fromBody =
      typeof body === 'object' && body !== null && !Buffer.isBuffer(body) ? secretValues(body) : []
    return [...this.secrets, ...fromBody]
  }

  /** Maps a transport error; AbortErrors and ApiErrors pass through. */
  private transportError(error: unknown, req: ApiRequest, method: HttpMethod, timeoutMs?: number): unknown {
    if (error instanceof CliError) return error
    const e = error as NodeJS.ErrnoException
    if (e?.name === 'AbortError') return error
    const code = typeof e?.code === 'string' ? e.code : 'ECONNRESET'
    return new NetworkError({
      code,
      server: this.server,
      method,
      path: req.path,
      timeoutMs,
      cause: error,
      secrets: this.secrets,
      proxy: this.kc.getCurrentCluster()?.proxyUrl,
    })
  }

  private noteWarnings(res: http.IncomingMessage): void {
    if (!this.opts.onWarning) return
    const values = res.headersDistinct?.warning ?? []
    for (const value of values) {
      for (const text of parseWarningHeader(value)) {
        if (this.warnings.has(text)) continue
        this.warnings.add(text)
        this.opts.onWarning(this.redact(text))
      }
    }
  }
}

interface Discovered {
  names: Set<string>
  fromDisk: boolean
}

function resourceNames(list: ApiResourceList): Set<string> {
  return new Set((list.resources ?? []).map(r => r.name ?? ''))
}

/** `Warning: 299 - "text"` (RFC 7234 §5.5); several may be comma-joined in one header value. */
export function parseWarningHeader(value: string): string[] {
  const out: string[] = []
  const re = /\d{3}\s+\S+\s+"((?:[^"\\]|\\.)*)"/g
  let m: RegExpExecArray | null
  while ((m = re.exec(value)) !== null) out.push(m[1].replace(/\\(.)/g, '$1'))
  return out
}

function writeQuery(opts: WriteOptions): Query {
  return {dryRun: opts.dryRun ? 'All' : undefined, fieldManager: opts.fieldManager ?? FIELD_MANAGER}
}

function encodeBody(body: unknown): Buffer | undefined {
  if (body === undefined) return undefined
  if (Buffer.isBuffer(body)) return body
  if (typeof body === 'string') return Buffer.from(body, 'utf8')
  return Buffer.from(JSON.stringify(body), 'utf8')
}

function parseBody(text: string, headers: http.IncomingHttpHeaders): unknown {
  const type = headers['content-type'] ?? ''
  if (type.includes('json') || /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text)
    } catch {
      return text
    }
  }
  return text
}

/** Settles when the request's TLS socket has a session to resume, or the request is over either way. */
function tlsSessionOf(r: http.ClientRequest): Promise<void> {
  return new Promise(resolve => {
    const done = () => resolve()
    r.once('socket', socket => {
      socket.once('session', done)
      socket.once('close', done)
    })
    r.once('response', done)
    r.once('error', done)
    r.once('close', done)
  })
}

function isWatchEvent(v: unknown): v is WatchEvent {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as {type?: unknown}).type === 'string' &&
    typeof (v as {object?: unknown}).object === 'object'
  )
}

/** Convenience: a client for a resolved context. */
export function createClient(ctx: KubeContext, opts: KubeClientOptions = {}): KubeClient {
  return new KubeClient(ctx, opts)
}

/**
 * Every request's way in, before routing: the body is read, the request recorded (and its status
 * once answered), injected faults applied (delay, connection reset, a status, a watch that ends
 * early), then the caller authenticated. WebSocket upgrades (exec) take the same steps.
 */
import type {IncomingMessage, ServerResponse} from 'node:http'
import type {Duplex} from 'node:stream'

import {load as loadYaml} from 'js-yaml'

import {defaultMessage, defaultReason, type FaultAction, type Faults} from '../faults.js'
import type {RecordedRequest, Recorder} from '../recorder.js'
import {ApiError, type UserInfo} from '../types.js'
import type {Authenticator} from './authn.js'
import {mediaType, readBody} from './body.js'
import {send} from './respond.js'

const PUBLIC_PATHS = new Set(['/version', '/version/', '/healthz', '/readyz', '/livez'])

export interface IntakeOptions {
  auth: Authenticator
  faults: Faults
  recorder: Recorder
}

/** A request that passed the intake: recorded, not answered by a fault, authenticated. */
export interface Incoming {
  req: IncomingMessage
  res: ServerResponse
  path: string
  q: URLSearchParams
  method: string
  /** `?watch=true` or a legacy `/watch/` path */
  watch: boolean
  user: UserInfo
  rawBody: Buffer
  entry: RecordedRequest
  /** an injected fault: end the watch after this many events */
  closeWatchAfter?: number
}

/** undefined: a fault has already answered (or reset) the request. */
export async function receive(
  o: IntakeOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<Incoming | undefined> {
  const url = new URL(req.url ?? '/', 'https://fake')
  const path = url.pathname
  const q = url.searchParams
  const method = (req.method ?? 'GET').toUpperCase()
  const watch = q.get('watch') === 'true' || q.get('watch') === '1' || /^\/apis?\/(.+\/)?watch\//.test(path)
  let rawBody: Buffer = Buffer.alloc(0)
  let bodyError: unknown
  try {
    rawBody = await readBody(req)
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
  const entry = o.recorder.start({
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
  ;(res as unknown as {writeHead: (...a: unknown[]) => ServerResponse}).writeHead = (...args: unknown[]) => {
    entry.status = args[0] as number
    const out = origWriteHead(...args)
    o.recorder.touch(entry)
    return out
  }

  // injected faults
  let closeWatchAfter: number | undefined
  const actions: FaultAction[] = o.faults.match({method, path, watch})
  for (const a of actions) if (a.type === 'delay') await new Promise(r => setTimeout(r, a.ms))
  for (const a of actions) {
    if ((a.type === 'reset' || a.type === 'status') && a.after) {
      if (WRITES.has(method) && !watch) replaceAnswer(req, res, entry, a)
      continue
    }
    if (a.type === 'reset') {
      entry.fault = 'reset'
      entry.status = 0
      req.socket.destroy()
      return undefined
    }
    if (a.type === 'status') {
      entry.fault = `status ${a.status}`
      const headers: Record<string, string> = {}
      if (a.retryAfterSeconds !== undefined) headers['Retry-After'] = String(a.retryAfterSeconds)
      const details = a.retryAfterSeconds !== undefined ? {retryAfterSeconds: a.retryAfterSeconds} : undefined
      const err = new ApiError(
        a.status,
        a.reason ?? defaultReason(a.status),
        a.message ?? faultMessage(a.status, path),
        details,
      )
      send(res, a.status, err.toStatus(), headers)
      return undefined
    }
    if (a.type === 'closeWatch') closeWatchAfter = a.afterEvents
  }

  // authentication: /version and health checks are public (system:public-info-viewer), but a
  // wrong token is a 401 everywhere, as with the real token authenticator
  let user: UserInfo | undefined
  if (PUBLIC_PATHS.has(path) && !req.headers.authorization)
    user = {username: 'system:anonymous', groups: ['system:unauthenticated']}
  else user = o.auth.authenticate(req)
  entry.user = user.username
  if (bodyError) throw bodyError
  return {req, res, path, q, method, watch, user, rawBody, entry, closeWatchAfter}
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * A fault after handling: the handler runs (the write is persisted) and its answer is replaced by a
 * reset connection or a Status, as when a proxy or the apiserver's own timeout cuts the response.
 */
function replaceAnswer(
  req: IncomingMessage,
  res: ServerResponse,
  entry: RecordedRequest,
  a: Extract<FaultAction, {type: 'reset' | 'status'}>,
): void {
  const writeHead = res.writeHead.bind(res) as (
    code: number,
    headers: Record<string, string>,
  ) => ServerResponse
  const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse
  let body: string | undefined
  ;(res as unknown as {writeHead: (...args: unknown[]) => ServerResponse}).writeHead = (
    ...args: unknown[]
  ) => {
    // What the handler answered, for counting what was really executed (e.g. duplicate creates).
    entry.handledStatus = args[0] as number
    if (a.type === 'reset') {
      entry.fault = 'reset after handling'
      entry.status = 0
      req.socket.destroy()
      return res
    }
    entry.fault = `status ${a.status} after handling`
    const details = a.retryAfterSeconds !== undefined ? {retryAfterSeconds: a.retryAfterSeconds} : undefined
    body = JSON.stringify(
      new ApiError(
        a.status,
        a.reason ?? defaultReason(a.status),
        a.message ?? defaultMessage(a.status),
        details,
      ).toStatus(),
    )
    return writeHead(a.status, {
      'Content-Type': 'application/json',
      'Content-Length': String(Buffer.byteLength(body)),
      ...(a.retryAfterSeconds !== undefined ? {'Retry-After': String(a.retryAfterSeconds)} : {}),
    })
  }
  ;(res as unknown as {write: () => boolean}).write = () => true
  ;(res as unknown as {end: (...args: unknown[]) => ServerResponse}).end = () =>
    body === undefined ? res : end(body)
}

function faultMessage(status: number, path: string): string {
  if (status === 409) {
    const m = path.match(/\/([^/]+)\/([^/]+)$/)
    return `Operation cannot be fulfilled on ${m ? `${m[1]} "${m[2]}"` : 'the object'}: the object has been modified; please apply your changes to the latest version and try again`
  }
  return defaultMessage(status)
}

/** An upgrade request (exec) that passed the intake. */
export interface IncomingUpgrade {
  req: IncomingMessage
  socket: Duplex
  path: string
  q: URLSearchParams
  user: UserInfo
  entry: RecordedRequest
}

/** undefined: a fault has reset the connection. Errors are recorded with their status and thrown. */
export async function receiveUpgrade(
  o: IntakeOptions,
  req: IncomingMessage,
  socket: Duplex,
): Promise<IncomingUpgrade | undefined> {
  const url = new URL(req.url ?? '/', 'https://fake')
  const path = url.pathname
  const q = url.searchParams
  const entry = o.recorder.start({
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
    for (const a of o.faults.match({method: req.method ?? 'GET', path, watch: false})) {
      if (a.type === 'delay') await new Promise(r => setTimeout(r, a.ms))
      if (a.type === 'reset') {
        entry.fault = 'reset'
        socket.destroy()
        return undefined
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
    const user = o.auth.authenticate(req)
    entry.user = user.username
    return {req, socket, path, q, user, entry}
  } catch (err) {
    entry.status = err instanceof ApiError ? err.code : 500
    throw err
  }
}

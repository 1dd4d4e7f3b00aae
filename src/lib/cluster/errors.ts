/**
 * API and transport failures as CliErrors with SPEC.md's exit codes, worded for a person: one line
 * saying what failed and why, and a `Try:` command where one exists. The raw `Status` stays available
 * on ApiError for callers that branch on it (404 on delete = done, 409 AlreadyExists = unchanged).
 *
 * Nothing here may leak a credential: every message goes through `redact` with the client's known
 * secrets (the bearer token, Secret values it sent) plus token-shaped patterns.
 */
import {CliError, ExitCode} from '../errors.js'
import {formatDuration} from './format.js'
import {parseApiPath, qualifiedResource} from './kinds.js'
import type {KubeObject, KubeStatus} from './types.js'

// ---------------------------------------------------------------------------------------------
// Redaction

const REDACTED = '<redacted>'
const TOKEN_PATTERNS: Array<[RegExp, string]> = [
  [/(\bBearer\s+)[^\s"',;]+/gi, `$1${REDACTED}`],
  [/(\bBasic\s+)[A-Za-z0-9+/=]+/gi, `$1${REDACTED}`],
  // OpenShift OAuth access tokens (`oc whoami -t`).
  [/sha256~[A-Za-z0-9_-]+/g, `sha256~${REDACTED}`],
  // Service-account and OIDC tokens are JWTs.
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, REDACTED],
  [/("?(?:access_token|id_token|refresh_token|token|password)"?\s*[:=]\s*"?)[^\s",}]+/gi, `$1${REDACTED}`],
]

/**
 * Removes credentials from text: known secret values (exact occurrences; values shorter than 4
 * characters are ignored, they would shred ordinary words) and anything shaped like a token.
 */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text
  // Longest first, so a secret that contains another is removed whole.
  const known = [...new Set(secrets)].filter(s => s.length >= 4).sort((a, b) => b.length - a.length)
  for (const s of known) out = out.split(s).join(REDACTED)
  for (const [re, replacement] of TOKEN_PATTERNS) out = out.replace(re, replacement)
  return out
}

/** The values of a Secret in every form they may be echoed back: base64 (data) and plain. */
export function secretValues(obj: {kind?: string; data?: unknown; stringData?: unknown}): string[] {
  if (obj.kind !== 'Secret') return []
  const out: string[] = []
  for (const v of Object.values(asRecord(obj.stringData))) if (typeof v === 'string') out.push(v)
  for (const v of Object.values(asRecord(obj.data))) {
    if (typeof v !== 'string') continue
    out.push(v)
    const plain = Buffer.from(v, 'base64').toString('utf8')
    if (plain) out.push(plain)
  }
  return out
}

/**
 * A copy safe to print in --verbose output: Secret data/stringData values replaced, and the
 * last-applied annotation dropped (client-side apply stores the whole Secret, data included, in it).
 * Lists are walked. Other kinds are returned as they are (deep-copied).
 */
export function redactObject<T extends KubeObject>(obj: T): T {
  const copy = structuredClone(obj)
  walkRedact(copy)
  return copy
}

function walkRedact(obj: KubeObject): void {
  if (Array.isArray(obj.items)) for (const item of obj.items) if (isObject(item)) walkRedact(item)
  if (obj.kind !== 'Secret') return
  for (const field of ['data', 'stringData'] as const) {
    const rec = obj[field]
    if (isObject(rec)) for (const k of Object.keys(rec)) rec[k] = REDACTED
  }
  const ann = obj.metadata?.annotations
  if (ann && 'kubectl.kubernetes.io/last-applied-configuration' in ann) {
    ann['kubectl.kubernetes.io/last-applied-configuration'] = REDACTED
  }
}

// ---------------------------------------------------------------------------------------------
// Status parsing

/** Parses an error body into a Status; undefined when it is not one (HTML from a proxy, empty). */
export function parseStatus(body: string | undefined): KubeStatus | undefined {
  if (!body) return undefined
  try {
    const parsed: unknown = JSON.parse(body)
    if (isObject(parsed) && (parsed.kind === 'Status' || typeof parsed.reason === 'string')) {
      return parsed as KubeStatus
    }
  } catch {
    // not JSON
  }
  return undefined
}

// ---------------------------------------------------------------------------------------------
// ApiError: the server answered with an HTTP error

export interface ApiErrorInit {
  code: number
  /** Raw response body; parsed as a Status when it is one. */
  body?: string
  method: string
  /** The request path, with or without query. */
  path: string
  server: string
  headers?: Record<string, string | string[] | undefined>
  /** Values that must not appear in the message (token, Secret data). */
  secrets?: Iterable<string>
}

export class ApiError extends CliError {
  /** HTTP status code. */
  readonly code: number
  /** Status.reason (`NotFound`, `AlreadyExists`, `Conflict`, `Forbidden`, `Invalid`, ...) or ''. */
  readonly reason: string
  readonly status?: KubeStatus
  readonly method: string
  readonly path: string
  readonly server: string
  /** The Retry-After header as sent, for the retry policy. */
  readonly retryAfter?: string

  constructor(init: ApiErrorInit) {
    const status = parseStatus(init.body)
    const secrets = [...(init.secrets ?? [])]
    const words = describeApiError(init, status)
    super(redact(words.message, secrets), words.exitCode, {
      hint: words.hint === undefined ? undefined : redact(words.hint, secrets),
      details: words.details?.map(d => redact(d, secrets)),
    })
    this.name = 'ApiError'
    this.code = init.code
    this.reason = status?.reason ?? ''
    this.status = status
    this.method = init.method
    this.path = init.path
    this.server = init.server
    const ra = init.headers?.['retry-after']
    this.retryAfter = Array.isArray(ra) ? ra[0] : ra
  }
}

interface Words {
  message: string
  exitCode: ExitCode
  hint?: string
  details?: string[]
}

/** kubectl's verb for a request: GET on a name is get, on a collection list (or watch). */
export function requestVerb(method: string, path: string): string {
  const parsed = parseApiPath(path)
  const query = path.includes('?') ? new URLSearchParams(path.slice(path.indexOf('?') + 1)) : undefined
  const named = parsed?.name !== undefined
  switch (method.toUpperCase()) {
    case 'GET':
      if (query?.get('watch') === 'true' || query?.get('watch') === '1') return 'watch'
      return named ? 'get' : 'list'
    case 'POST':
      return 'create'
    case 'PUT':
      return 'update'
    case 'PATCH':
      return 'patch'
    case 'DELETE':
      return named ? 'delete' : 'deletecollection'
    default:
      return method.toLowerCase()
  }
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim()
}

function describeApiError(init: ApiErrorInit, status: KubeStatus | undefined): Words {
  const {code, server} = init
  const parsed = parseApiPath(init.path)
  const pathOnly = init.path.split('?')[0]
  const serverMessage = status?.message ? oneLine(status.message) : ''
  const where = `${init.method.toUpperCase()} ${pathOnly}`
  switch (code) {
    case 401:
      return {
        message: `the server rejected the credentials (401 Unauthorized) for ${server}: log in again`,
        exitCode: ExitCode.Unreachable,
        hint: `oc login ${server}`,
      }
    case 403:
      return describeForbidden(init, status, serverMessage)
    case 404: {
      const details = status?.details
      const ns = parsed?.namespace
      // A write into (or a read of) a project that does not exist: the server says `namespaces "x"`.
      if (details?.name && (details.kind === 'namespaces' || details.kind === 'projects')) {
        return {
          message: `namespace "${details.name}" not found`,
          exitCode: ExitCode.Failed,
          hint: `oc new-project ${details.name}`,
        }
      }
      if (details?.name) {
        const inNs = ns && !serverMessage.includes(`namespace "${ns}"`) ? ` in namespace "${ns}"` : ''
        return {
          message: `${serverMessage || `${details.kind} "${details.name}" not found`}${inNs}`,
          exitCode: 1,
        }
      }
      // No name in the Status: the URL itself is unknown, i.e. the API (group) is not served.
      const res = parsed?.resource
        ? qualifiedResource(parsed.resource, parsed.group, parsed.subresource)
        : pathOnly
      const openshift = parsed?.group.endsWith('openshift.io')
      return {
        message: `the server does not serve ${res} (${where})${openshift ? ': is this an OpenShift cluster?' : ''}`,
        exitCode: ExitCode.Failed,
        hint: parsed?.group ? `oc api-resources --api-group=${parsed.group}` : undefined,
      }
    }
    case 409:
      return {
        message: serverMessage || `conflict (409) on ${where}`,
        exitCode: ExitCode.Failed,
        hint:
          status?.reason === 'AlreadyExists'
            ? undefined
            : 're-run the command; it continues where it stopped',
      }
    case 410:
      return {message: serverMessage || `resource version expired (410 Gone) on ${where}`, exitCode: 1}
    case 422: {
      const causes = (status?.details?.causes ?? []).map(c =>
        oneLine(c.field ? `${c.field}: ${c.message ?? c.reason ?? ''}` : (c.message ?? c.reason ?? '')),
      )
      return {
        message: serverMessage || `the server rejected the object as invalid (422) on ${where}`,
        exitCode: ExitCode.Failed,
        details: causes.length > 0 ? causes : undefined,
      }
    }
    case 429:
      return {
        message: `the server at ${server} is throttling requests (429 Too Many Requests)${serverMessage ? `: ${serverMessage}` : ''}`,
        exitCode: ExitCode.Unreachable,
        hint: 'wait a minute and re-run the command',
      }
    case 502:
    case 503:
    case 504:
      return {
        message: `the server at ${server} is unavailable (${code})${serverMessage ? `: ${serverMessage}` : ''}`,
        exitCode: ExitCode.Unreachable,
        hint: 'oc get --raw /readyz',
      }
    default:
      return {
        message: `${serverMessage || `the server answered ${code}`} (${code}${status?.reason ? ` ${status.reason}` : ''}, ${where})`,
        exitCode: ExitCode.Failed,
      }
  }
}

// `User "dev" cannot patch resource "deployments" in API group "apps" in the namespace "p"`
const FORBIDDEN_RE =
  /(?:User|user) "([^"]*)" cannot (\S+) resource "([^"]+)"(?: in API group "([^"]*)")?(?: in the namespace "([^"]+)")?/

function describeForbidden(init: ApiErrorInit, status: KubeStatus | undefined, serverMessage: string): Words {
  const parsed = parseApiPath(init.path)
  const m = FORBIDDEN_RE.exec(serverMessage)
  // The server's own words are authoritative (an SSA PATCH may be refused as `create`); the request
  // is the fallback when the Status carries no sentence (aggregated APIs, proxies).
  let user = m?.[1]
  let verb = m?.[2] ?? requestVerb(init.method, init.path)
  let resourceText: string
  let group = m?.[4] ?? status?.details?.group ?? parsed?.group ?? ''
  const namespace = m ? m[5] : parsed?.namespace
  if (m) {
    const [resource, sub] = m[3].split('/')
    resourceText = qualifiedResource(resource, group, sub)
  } else {
    const resource = status?.details?.kind ?? parsed?.resource ?? 'resources'
    resourceText = qualifiedResource(resource, group, parsed?.subresource)
  }
  user ||= undefined
  verb ||= 'access'
  group ||= ''
  const scope = namespace ? `in namespace ${namespace}` : 'at the cluster scope'
  const who = user ? `user "${user}"` : 'you'
  return {
    message: `forbidden: ${who} cannot ${verb} ${resourceText} ${scope}`,
    exitCode: ExitCode.Forbidden,
    hint: `oc auth can-i ${verb} ${resourceText}${namespace ? ` -n ${namespace}` : ''}`,
    details: [
      ...(serverMessage ? [serverMessage] : []),
      // OpenShift hides projects a user cannot see: a project that does not exist also answers 403.
      ...(namespace
        ? [`if project ${namespace} does not exist, OpenShift answers "forbidden" too: oc get projects`]
        : []),
    ],
  }
}

// ---------------------------------------------------------------------------------------------
// NetworkError: no HTTP answer

/** Our own code for --request-timeout expiring; Node has no code for it. */
export const REQUEST_TIMEOUT_CODE = 'OCJ_REQUEST_TIMEOUT'

const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
])

export function isTlsErrorCode(code: string | undefined): boolean {
  return (
    code !== undefined && (TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_'))
  )
}

export interface NetworkErrorInit {
  code: string
  server: string
  method: string
  path: string
  /** Milliseconds, for timeouts. */
  timeoutMs?: number
  cause?: unknown
  secrets?: Iterable<string>
  /** The kubeconfig's proxy-url: a failure to connect is a failure to reach it, not the API server. */
  proxy?: string
}

export class NetworkError extends CliError {
  /** Node's error code (ECONNREFUSED, ECONNRESET, ...) or REQUEST_TIMEOUT_CODE. */
  readonly code: string
  readonly server: string
  readonly method: string
  readonly path: string

  constructor(init: NetworkErrorInit) {
    const words = describeNetworkError(init)
    const secrets = [...(init.secrets ?? [])]
    super(redact(words.message, secrets), ExitCode.Unreachable, {hint: words.hint, cause: init.cause})
    this.name = 'NetworkError'
    this.code = init.code
    this.server = init.server
    this.method = init.method
    this.path = init.path
  }
}

/** Failures to open a connection: with a proxy-url, the connection is to the proxy. */
const CONNECT_FAILURES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found (DNS)',
  EAI_AGAIN: 'host not found (DNS)',
  ETIMEDOUT: 'connection timed out',
  ECONNABORTED: 'connection timed out',
  EHOSTUNREACH: 'network unreachable',
  ENETUNREACH: 'network unreachable',
}

/** The proxy URL without the user and password it may carry. */
function shownProxy(proxy: string): string {
  try {
    const u = new URL(proxy)
    u.username = ''
    u.password = ''
    return u.origin
  } catch {
    return 'from the kubeconfig'
  }
}

function describeNetworkError(init: NetworkErrorInit): {message: string; hint?: string} {
  const {code, server} = init
  const host = hostOf(server)
  const kubeconfigHint = 'oc config view --minify'
  const connect = CONNECT_FAILURES[code]
  if (connect && init.proxy) {
    return {
      message: `cannot connect to the proxy ${shownProxy(init.proxy)} (proxy-url of the cluster ${server}): ${connect}`,
      hint: kubeconfigHint,
    }
  }
  switch (code) {
    case 'ECONNREFUSED':
      return {message: `cannot connect to ${server}: connection refused`, hint: kubeconfigHint}
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return {message: `cannot connect to ${server}: host ${host} not found (DNS)`, hint: kubeconfigHint}
    case 'ETIMEDOUT':
    case 'ECONNABORTED':
      return {message: `cannot connect to ${server}: connection timed out`, hint: kubeconfigHint}
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return {message: `cannot connect to ${server}: network unreachable`, hint: kubeconfigHint}
    case 'ECONNRESET':
    case 'EPIPE':
      return {message: `the connection to ${server} was reset (${init.method} ${init.path.split('?')[0]})`}
    case REQUEST_TIMEOUT_CODE: {
      return {
        message: `no answer from ${server} within ${formatDuration(init.timeoutMs ?? 0)} (${init.method} ${init.path.split('?')[0]})`,
        hint: 're-run with a longer --request-timeout (0 = no limit)',
      }
    }
    default:
      if (isTlsErrorCode(code)) {
        return {
          message: `cannot verify the TLS certificate of ${server} (${code})`,
          hint: `oc login --certificate-authority=CA_FILE ${server}`,
        }
      }
      return {message: `cannot talk to ${server}: ${code}`, hint: kubeconfigHint}
  }
}

function hostOf(server: string): string {
  try {
    return new URL(server).hostname
  } catch {
    return server
  }
}

// ---------------------------------------------------------------------------------------------
// Predicates for callers

export function isApiError(err: unknown, code?: number): err is ApiError {
  return err instanceof ApiError && (code === undefined || err.code === code)
}
export const isNotFound = (err: unknown): err is ApiError => isApiError(err, 404)
export const isConflict = (err: unknown): err is ApiError =>
  isApiError(err, 409) && err.reason !== 'AlreadyExists'
export const isAlreadyExists = (err: unknown): err is ApiError =>
  isApiError(err, 409) && err.reason === 'AlreadyExists'
export const isForbidden = (err: unknown): err is ApiError => isApiError(err, 403)
export const isGone = (err: unknown): err is ApiError => isApiError(err, 410)
/** A 404 because the namespace is missing (as opposed to the object). */
export const isNamespaceNotFound = (err: unknown): boolean =>
  isNotFound(err) && (err.status?.details?.kind === 'namespaces' || err.status?.details?.kind === 'projects')

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
function asRecord(v: unknown): Record<string, unknown> {
  return isObject(v) ? v : {}
}

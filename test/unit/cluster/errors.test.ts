import {describe, expect, it} from 'vitest'
import {
  ApiError,
  NetworkError,
  isAlreadyExists,
  isConflict,
  isNamespaceNotFound,
  isNotFound,
  parseStatus,
  redact,
  redactObject,
  requestVerb,
  secretValues,
} from '../../../src/lib/cluster/errors.js'
import {CliError} from '../../../src/lib/errors.js'

const server = 'https://api.crc.testing:6443'
const TOKEN = 'sha256~AbCdEf0123456789_secretTokenValue'

function apiError(
  code: number,
  status: Record<string, unknown> | string | undefined,
  method = 'GET',
  path = '/api/v1/namespaces/proj/pods',
) {
  return new ApiError({
    code,
    body:
      typeof status === 'string'
        ? status
        : status
          ? JSON.stringify({kind: 'Status', apiVersion: 'v1', status: 'Failure', code, ...status})
          : undefined,
    method,
    path,
    server,
    secrets: [TOKEN],
  })
}

describe('ApiError wording and exit codes', () => {
  it('401 → exit 3, oc login hint', () => {
    const e = apiError(401, {reason: 'Unauthorized', message: 'Unauthorized'})
    expect(e).toBeInstanceOf(CliError)
    expect(e.exitCode).toBe(3)
    expect(e.message).toContain('the server rejected the credentials')
    expect(e.hint).toBe(`oc login ${server}`)
  })

  it('403 → exit 4 naming verb, resource and namespace from the Status', () => {
    const e = apiError(
      403,
      {
        reason: 'Forbidden',
        message:
          'deployments.apps "notebook" is forbidden: User "developer" cannot patch resource "deployments" in API group "apps" in the namespace "proj"',
        details: {name: 'notebook', group: 'apps', kind: 'deployments'},
      },
      'PATCH',
      '/apis/apps/v1/namespaces/proj/deployments/notebook?fieldManager=oc-jupyter',
    )
    expect(e.exitCode).toBe(4)
    expect(e.message).toBe('forbidden: user "developer" cannot patch deployments.apps in namespace proj')
    expect(e.hint).toBe('oc auth can-i patch deployments.apps -n proj')
    expect(e.details?.[0]).toContain('is forbidden')
    // a missing project also answers 403 on OpenShift
    expect(e.details?.[1]).toContain('oc get projects')
  })

  it('403 on a subresource and at cluster scope, without a server sentence', () => {
    const e = apiError(
      403,
      {
        reason: 'Forbidden',
        message: 'forbidden',
        details: {kind: 'buildconfigs', group: 'build.openshift.io'},
      },
      'POST',
      '/apis/build.openshift.io/v1/namespaces/proj/buildconfigs/nb/instantiate',
    )
    expect(e.message).toBe(
      'forbidden: you cannot create buildconfigs.build.openshift.io/instantiate in namespace proj',
    )
    const c = apiError(
      403,
      {
        reason: 'Forbidden',
        message:
          'securitycontextconstraints.security.openshift.io "anyuid" is forbidden: User "dev" cannot get resource "securitycontextconstraints" in API group "security.openshift.io" at the cluster scope',
      },
      'GET',
      '/apis/security.openshift.io/v1/securitycontextconstraints/anyuid',
    )
    expect(c.message).toBe(
      'forbidden: user "dev" cannot get securitycontextconstraints.security.openshift.io at the cluster scope',
    )
    expect(c.hint).toBe('oc auth can-i get securitycontextconstraints.security.openshift.io')
  })

  it('404 of the namespace → exit 1 with oc new-project', () => {
    const e = apiError(
      404,
      {
        reason: 'NotFound',
        message: 'namespaces "nope" not found',
        details: {name: 'nope', kind: 'namespaces'},
      },
      'PATCH',
      '/api/v1/namespaces/nope/secrets/x',
    )
    expect(e.exitCode).toBe(1)
    expect(e.message).toBe('namespace "nope" not found')
    expect(e.hint).toBe('oc new-project nope')
    expect(isNamespaceNotFound(e)).toBe(true)
    expect(isNotFound(e)).toBe(true)
  })

  it('404 of an object names it and the namespace; 404 of an API says it is not served', () => {
    const e = apiError(404, {
      reason: 'NotFound',
      message: 'deployments.apps "nb" not found',
      details: {name: 'nb', group: 'apps', kind: 'deployments'},
    })
    expect(e.message).toBe('deployments.apps "nb" not found in namespace "proj"')
    expect(isNamespaceNotFound(e)).toBe(false)
    const api = apiError(
      404,
      {reason: 'NotFound', message: 'the server could not find the requested resource', details: {}},
      'GET',
      '/apis/route.openshift.io/v1/namespaces/proj/routes',
    )
    expect(api.message).toBe(
      'the server does not serve routes.route.openshift.io (GET /apis/route.openshift.io/v1/namespaces/proj/routes): is this an OpenShift cluster?',
    )
    expect(api.hint).toBe('oc api-resources --api-group=route.openshift.io')
  })

  it('422 → exit 1 with the field causes as detail lines', () => {
    const e = apiError(422, {
      reason: 'Invalid',
      message:
        'Route.route.openshift.io "nb" is invalid: spec.host: Invalid value: "A_B": a lowercase RFC 1123 subdomain',
      details: {
        name: 'nb',
        kind: 'Route',
        causes: [
          {
            reason: 'FieldValueInvalid',
            message: 'Invalid value: "A_B": a lowercase RFC 1123 subdomain',
            field: 'spec.host',
          },
        ],
      },
    })
    expect(e.exitCode).toBe(1)
    expect(e.message).toContain('is invalid')
    expect(e.details).toEqual(['spec.host: Invalid value: "A_B": a lowercase RFC 1123 subdomain'])
  })

  it('409 → exit 1; predicates tell AlreadyExists from Conflict', () => {
    const exists = apiError(409, {reason: 'AlreadyExists', message: 'secrets "nb-password" already exists'})
    expect(exists.exitCode).toBe(1)
    expect(isAlreadyExists(exists)).toBe(true)
    expect(isConflict(exists)).toBe(false)
    const conflict = apiError(409, {reason: 'Conflict', message: 'Operation cannot be fulfilled'})
    expect(isConflict(conflict)).toBe(true)
    expect(conflict.hint).toContain('re-run')
  })

  it('429 and 503 → exit 3; other codes → exit 1 with method and path', () => {
    expect(apiError(429, {reason: 'TooManyRequests', message: 'slow down'}).exitCode).toBe(3)
    expect(apiError(503, undefined).exitCode).toBe(3)
    const e = apiError(
      415,
      '<html>Unsupported</html>',
      'PATCH',
      '/apis/security.openshift.io/v1/securitycontextconstraints/anyuid',
    )
    expect(e.exitCode).toBe(1)
    expect(e.message).toBe(
      'the server answered 415 (415, PATCH /apis/security.openshift.io/v1/securitycontextconstraints/anyuid)',
    )
  })

  it('keeps Retry-After and the parsed Status', () => {
    const e = new ApiError({
      code: 429,
      body: '{"kind":"Status","reason":"TooManyRequests"}',
      method: 'GET',
      path: '/',
      server,
      headers: {'retry-after': '7'},
    })
    expect(e.retryAfter).toBe('7')
    expect(e.reason).toBe('TooManyRequests')
  })

  it('never shows the token or Secret data, even when the server echoes them', () => {
    const e = apiError(422, {
      reason: 'Invalid',
      message: `Secret "nb-password" is invalid: data[password]: Invalid value: "hunter2-long-password" (token ${TOKEN}, Authorization: Bearer ${TOKEN})`,
      details: {causes: [{field: 'data[password]', message: `Invalid value: "${TOKEN}"`}]},
    })
    const all = [e.message, e.hint ?? '', ...(e.details ?? [])].join('\n')
    expect(all).not.toContain(TOKEN)
    expect(all).not.toContain('secretTokenValue')
    const withSecret = new ApiError({
      code: 422,
      body: JSON.stringify({kind: 'Status', message: 'value "hunter2-long-password" is bad'}),
      method: 'POST',
      path: '/',
      server,
      secrets: ['hunter2-long-password'],
    })
    expect(withSecret.message).not.toContain('hunter2')
  })
})

describe('NetworkError', () => {
  it('names the server and maps codes to exit 3', () => {
    const refused = new NetworkError({code: 'ECONNREFUSED', server, method: 'GET', path: '/api'})
    expect(refused.exitCode).toBe(3)
    expect(refused.message).toBe(`cannot connect to ${server}: connection refused`)
    expect(new NetworkError({code: 'ENOTFOUND', server, method: 'GET', path: '/'}).message).toContain(
      'host api.crc.testing not found',
    )
    const tls = new NetworkError({code: 'SELF_SIGNED_CERT_IN_CHAIN', server, method: 'GET', path: '/'})
    expect(tls.message).toContain('cannot verify the TLS certificate')
    expect(tls.hint).toContain('--certificate-authority')
    expect(
      new NetworkError({
        code: 'OCJ_REQUEST_TIMEOUT',
        server,
        method: 'GET',
        path: '/api/v1/pods?limit=1',
        timeoutMs: 30_000,
      }).message,
    ).toBe(`no answer from ${server} within 30s (GET /api/v1/pods)`)
  })
})

describe('redaction', () => {
  it('removes bearer/basic tokens, OpenShift and JWT tokens and known secrets', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJl'
    const text = `Authorization: Bearer ${TOKEN} basic: Basic dXNlcjpwYXNz jwt ${jwt} pw=s3cretpass other`
    const out = redact(text, ['s3cretpass'])
    expect(out).not.toContain('secretTokenValue')
    expect(out).not.toContain('dXNlcjpwYXNz')
    expect(out).not.toContain(jwt)
    expect(out).not.toContain('s3cretpass')
    expect(out).toContain('other')
    expect(redact(`x ${TOKEN} y`)).toBe('x sha256~<redacted> y')
    expect(redact('"token": "abc123xyz"')).toBe('"token": "<redacted>"')
  })

  it('ignores very short secrets that would shred ordinary words', () => {
    expect(redact('a deployment', ['a'])).toBe('a deployment')
  })

  it('redactObject hides Secret data in objects and lists, leaving the input untouched', () => {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 's',
        annotations: {'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"password":"aHVudGVy"}}'},
      },
      data: {password: 'aHVudGVy'},
      stringData: {token: 'plain'},
    }
    const list = {kind: 'List', items: [secret, {kind: 'ConfigMap', data: {a: 'visible'}}]}
    const out = redactObject(list)
    expect(JSON.stringify(out)).not.toContain('aHVudGVy')
    expect(JSON.stringify(out)).not.toContain('plain')
    expect(JSON.stringify(out)).toContain('visible')
    expect(secret.data.password).toBe('aHVudGVy')
  })

  it('secretValues gives base64 and plain forms', () => {
    expect(
      secretValues({
        kind: 'Secret',
        data: {p: Buffer.from('hunter22').toString('base64')},
        stringData: {q: 'zzz'},
      }),
    ).toEqual(['zzz', 'aHVudGVyMjI=', 'hunter22'])
    expect(secretValues({kind: 'ConfigMap', data: {a: 'b'}})).toEqual([])
  })
})

describe('helpers', () => {
  it('requestVerb follows kubectl', () => {
    expect(requestVerb('GET', '/api/v1/namespaces/p/pods/x')).toBe('get')
    expect(requestVerb('GET', '/api/v1/namespaces/p/pods')).toBe('list')
    expect(requestVerb('GET', '/api/v1/namespaces/p/pods?watch=true')).toBe('watch')
    expect(requestVerb('DELETE', '/api/v1/namespaces/p/pods')).toBe('deletecollection')
    expect(requestVerb('PATCH', '/api/v1/namespaces/p/pods/x')).toBe('patch')
  })

  it('parseStatus accepts Status JSON only', () => {
    expect(parseStatus('{"kind":"Status","reason":"NotFound"}')?.reason).toBe('NotFound')
    expect(parseStatus('<html/>')).toBeUndefined()
    expect(parseStatus('{"kind":"Pod"}')).toBeUndefined()
    expect(parseStatus(undefined)).toBeUndefined()
  })
})

describe('NetworkError with a proxy-url', () => {
  it('a connection that cannot be opened names the proxy (without its credentials), not the API server', () => {
    const e = new NetworkError({
      code: 'ECONNREFUSED',
      server: 'https://api.example:6443',
      method: 'GET',
      path: '/version',
      proxy: 'http://user:secret@proxy.example:3128',
    })
    expect(e.message).toBe(
      'cannot connect to the proxy http://proxy.example:3128 (proxy-url of the cluster https://api.example:6443): connection refused',
    )
    expect(e.exitCode).toBe(3)
  })

  it('a reset after connecting is still the connection to the server', () => {
    const e = new NetworkError({
      code: 'ECONNRESET',
      server: 'https://api.example:6443',
      method: 'GET',
      path: '/version',
      proxy: 'http://proxy.example:3128',
    })
    expect(e.message).toMatch(/^the connection to https:\/\/api\.example:6443 was reset/)
  })
})

/**
 * A synthetic /openapi/v3: the index and one document per group/version. kubectl >= 1.27
 * validates `create|apply|replace -f` by first asking whether the server supports the
 * `fieldValidation` query parameter — client-go's QueryParamVerifierV3 looks for a PATCH operation
 * carrying the resource's `x-kubernetes-group-version-kind` with a `fieldValidation` query
 * parameter — and then sends `fieldValidation=Strict` instead of validating client-side.
 * Schemas are permissive (`x-kubernetes-preserve-unknown-fields`) so no real object is rejected.
 */
import {createHash} from 'node:crypto'

import {apiVersionOf, type Registry} from '../registry.js'
import type {ResourceType} from '../types.js'

/** The name real clusters give a kind's schema, e.g. io.k8s.api.apps.v1.Deployment. */
export function schemaName(rt: ResourceType): string {
  const g = rt.group
  if (!g) return `io.k8s.api.core.${rt.version}.${rt.kind}`
  if (g.endsWith('.openshift.io'))
    return `com.github.openshift.api.${g.split('.')[0]}.${rt.version}.${rt.kind}`
  const short = g.replace(/\.k8s\.io$/, '').replace(/\.authorization$/, '')
  return `io.k8s.api.${short}.${rt.version}.${rt.kind}`
}

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`
}

/** API groups whose types kubectl's scheme knows (k8s.io/client-go/kubernetes/scheme). */
const KUBECTL_BUILTIN_GROUPS = new Set([
  '',
  'apps',
  'rbac.authorization.k8s.io',
  'storage.k8s.io',
  'authorization.k8s.io',
  'authentication.k8s.io',
])

const QUERY = (name: string, type = 'string') => ({name, in: 'query', schema: {type}, uniqueItems: true})

function documentFor(reg: Registry, group: string, version: string, minor: number): Record<string, unknown> {
  const paths: Record<string, unknown> = {}
  const schemas: Record<string, unknown> = {
    'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
    },
    'io.k8s.apimachinery.pkg.apis.meta.v1.Patch': {type: 'object'},
    'io.k8s.apimachinery.pkg.runtime.Unknown': {type: 'object', 'x-kubernetes-preserve-unknown-fields': true},
  }
  for (const rt of reg.inGroupVersion(group, version)) {
    const gvk = {group: rt.group, version: rt.version, kind: rt.kind}
    const builtin = KUBECTL_BUILTIN_GROUPS.has(rt.group)
    const ref = {
      $ref: `#/components/schemas/${builtin ? 'io.k8s.apimachinery.pkg.runtime.Unknown' : schemaName(rt)}`,
    }
    // No schema for kinds compiled into kubectl: `kubectl apply` then computes its strategic merge
    // patch from the built-in Go types (with the right merge keys). A permissive schema would make
    // it try openapi first and warn "error calculating patch from openapi v3 spec: unable to find
    // api field". The PATCH operation below is still enough for the fieldValidation probe.
    if (!builtin)
      schemas[schemaName(rt)] = {
        type: 'object',
        'x-kubernetes-preserve-unknown-fields': true,
        properties: {
          apiVersion: {type: 'string'},
          kind: {type: 'string'},
          metadata: {
            allOf: [{$ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'}],
            default: {},
          },
        },
        'x-kubernetes-group-version-kind': [gvk],
      }
    const base = `/${gvPath(group, version)}${rt.namespaced ? '/namespaces/{namespace}' : ''}/${rt.plural}`
    const ok = {'200': {description: 'OK', content: {'application/json': {schema: ref}}}}
    const ops: Record<string, unknown> = {}
    if (rt.verbs.includes('get'))
      ops.get = {
        operationId: `read${rt.kind}`,
        responses: ok,
        'x-kubernetes-action': 'get',
        'x-kubernetes-group-version-kind': gvk,
      }
    if (rt.verbs.includes('update'))
      ops.put = {
        operationId: `replace${rt.kind}`,
        parameters: [QUERY('dryRun'), QUERY('fieldManager'), QUERY('fieldValidation')],
        requestBody: {content: {'*/*': {schema: ref}}, required: true},
        responses: ok,
        'x-kubernetes-action': 'put',
        'x-kubernetes-group-version-kind': gvk,
      }
    if (rt.verbs.includes('patch')) {
      const patchTypes = [
        'application/apply-patch+yaml',
        'application/json-patch+json',
        'application/merge-patch+json',
      ]
      // kubectl apply tries a strategic merge patch computed from openapi for every kind whose PATCH
      // operation lists this media type; our schemas are permissive (no fields, no merge keys), so it
      // is listed only for kubectl's built-in kinds, whose schema is omitted (see above) — kubectl then
      // uses its compiled-in types. OpenShift kinds get a three-way JSON merge patch, as from kubectl
      // against a real OpenShift. The server still accepts strategic merge wherever rt.strategicMerge.
      if (rt.strategicMerge && builtin) patchTypes.push('application/strategic-merge-patch+json')
      ops.patch = {
        operationId: `patch${rt.kind}`,
        parameters: [
          QUERY('dryRun'),
          QUERY('fieldManager'),
          QUERY('fieldValidation'),
          QUERY('force', 'boolean'),
        ],
        requestBody: {
          content: Object.fromEntries(
            patchTypes.map(t => [
              t,
              {schema: {$ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch'}},
            ]),
          ),
          required: true,
        },
        responses: ok,
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': gvk,
      }
    }
    if (rt.verbs.includes('delete'))
      ops.delete = {
        operationId: `delete${rt.kind}`,
        parameters: [QUERY('dryRun'), QUERY('propagationPolicy')],
        responses: ok,
        'x-kubernetes-action': 'delete',
        'x-kubernetes-group-version-kind': gvk,
      }
    if (Object.keys(ops).length) paths[`${base}/{name}`] = ops
    if (rt.verbs.includes('create'))
      paths[base] = {
        post: {
          operationId: `create${rt.kind}`,
          parameters: [QUERY('dryRun'), QUERY('fieldManager'), QUERY('fieldValidation')],
          requestBody: {content: {'*/*': {schema: ref}}, required: true},
          responses: ok,
          'x-kubernetes-action': 'post',
          'x-kubernetes-group-version-kind': gvk,
        },
      }
  }
  return {
    openapi: '3.0.0',
    info: {title: 'Kubernetes', version: `v1.${minor}.0`},
    paths,
    components: {schemas},
  }
}

export class OpenApi {
  private readonly docs = new Map<string, {body: string; hash: string}>()

  constructor(reg: Registry, minor: number) {
    for (const group of ['', ...reg.groups()])
      for (const version of reg.versions(group)) {
        const body = JSON.stringify(documentFor(reg, group, version, minor))
        const hash = createHash('sha512').update(body).digest('hex').toUpperCase()
        this.docs.set(gvPath(group, version), {body, hash})
      }
  }

  index(): unknown {
    const paths: Record<string, unknown> = {}
    for (const [p, d] of this.docs) paths[p] = {serverRelativeURL: `/openapi/v3/${p}?hash=${d.hash}`}
    return {paths}
  }

  /** The document for `api/v1` or `apis/G/V`, or undefined. */
  document(path: string): {body: string; hash: string} | undefined {
    return this.docs.get(path.replace(/^\/+|\/+$/g, ''))
  }

  static gvPathOf(rt: ResourceType): string {
    const [g, v] = apiVersionOf(rt).includes('/') ? apiVersionOf(rt).split('/') : ['', apiVersionOf(rt)]
    return gvPath(g, v)
  }
}

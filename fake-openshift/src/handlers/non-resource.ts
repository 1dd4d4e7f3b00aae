/**
 * The paths that are not resources: /version, the health checks, discovery (/api, /apis, legacy
 * and aggregated; /apis/GROUP; /api/VERSION and /apis/GROUP/VERSION), /openapi/v2 and /openapi/v3.
 * The documents come from discovery.ts and openapi/.
 */
import type {IncomingMessage, ServerResponse} from 'node:http'

import {
  aggregatedContentType,
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  versionInfo,
  wantsAggregated,
} from '../discovery.js'
import {send, status404} from '../http/respond.js'
import {OPENAPI_V2_PROTOBUF, OPENAPI_V2_PROTOBUF_CONTENT_TYPE} from '../openapi/v2.js'
import type {Deps} from './context.js'

/** true when `path` was one of these and has been answered */
export function serveNonResource(d: Deps, req: IncomingMessage, res: ServerResponse, path: string): boolean {
  const reg = d.store.registry
  const accept = req.headers.accept
  if (path === '/version' || path === '/version/') {
    send(res, 200, versionInfo(d.kubernetesMinor))
    return true
  }
  if (path === '/healthz' || path === '/readyz' || path === '/livez') {
    send(res, 200, 'ok')
    return true
  }
  if (path === '/api' || path === '/api/' || path === '/apis' || path === '/apis/') {
    const legacy = path.startsWith('/api/') || path === '/api'
    const agg = wantsAggregated(accept)
    if (agg)
      send(res, 200, aggregatedDiscovery(reg, legacy, agg), {
        'Content-Type': aggregatedContentType(agg),
        Vary: 'Accept',
      })
    else
      send(res, 200, legacy ? apiVersions(req.headers.host ?? '127.0.0.1') : apiGroupList(reg), {
        Vary: 'Accept',
      })
    return true
  }
  if (path === '/openapi/v2' || path === '/openapi/v2/') {
    // kubectl asks for protobuf (and decodes whatever comes back as protobuf); others get JSON
    const proto = (accept ?? '').includes(OPENAPI_V2_PROTOBUF)
    const body = proto ? d.openapiV2.protobuf() : d.openapiV2.jsonText()
    res.writeHead(200, {
      'Content-Type': proto ? OPENAPI_V2_PROTOBUF_CONTENT_TYPE : 'application/json',
      'Content-Length': Buffer.byteLength(body),
      Vary: 'Accept',
    })
    res.end(body)
    return true
  }
  if (path === '/openapi/v3' || path === '/openapi/v3/') {
    send(res, 200, d.openapi.index())
    return true
  }
  if (path.startsWith('/openapi/v3/')) {
    const doc = d.openapi.document(path.slice('/openapi/v3/'.length))
    if (!doc) throw status404()
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'public, immutable',
      Etag: `"${doc.hash}"`,
    })
    res.end(doc.body)
    return true
  }
  return false
}

/** /apis/GROUP */
export function serveGroup(d: Deps, res: ServerResponse, group: string): void {
  const g = apiGroup(d.store.registry, group)
  if (!g) throw status404()
  send(res, 200, g)
}

/** /api/VERSION, /apis/GROUP/VERSION */
export function serveResourceList(d: Deps, res: ServerResponse, group: string, version: string): void {
  const list = apiResourceList(d.store.registry, group, version)
  if (!list) throw status404()
  send(res, 200, list)
}

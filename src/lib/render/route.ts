import {labelsFor, objectMeta} from './labels.js'
import type {NotebookParams} from './params.js'
import {PROXY_PORT_NAME} from './oauth.js'
import {NOTEBOOK_PORT_NAME} from './service.js'
import type {KObject} from './types.js'

/**
 * Router timeouts (FACTS.md §What the recipe's oc commands create): the server timeout (default
 * 30 s) cuts long requests such as large uploads and saves; kernels and terminals are websockets,
 * governed by the tunnel timeout (default 1 h), after which an idle notebook tab loses its kernel.
 */
export const ROUTE_TIMEOUT = '5m'
export const ROUTE_TUNNEL_TIMEOUT = '24h'

/**
 * Route NAME: edge TLS with http → https redirect (`--insecure-policy`), optional `--hostname`. With
 * `--auth openshift`: reencrypt to the proxy's port — the router verifies the service CA's certificate.
 */
export function renderRoute(
  p: Pick<NotebookParams, 'name' | 'namespace' | 'hostname' | 'insecurePolicy' | 'auth'>,
): KObject {
  const openshiftAuth = p.auth === 'openshift'
  const spec: Record<string, unknown> = {}
  if (p.hostname !== undefined) spec.host = p.hostname
  Object.assign(spec, {
    to: {kind: 'Service', name: p.name, weight: 100},
    port: {targetPort: openshiftAuth ? PROXY_PORT_NAME : NOTEBOOK_PORT_NAME},
    tls: {termination: openshiftAuth ? 'reencrypt' : 'edge', insecureEdgeTerminationPolicy: p.insecurePolicy},
    wildcardPolicy: 'None',
  })
  return {
    apiVersion: 'route.openshift.io/v1',
    kind: 'Route',
    metadata: objectMeta(p.name, labelsFor(p.name, 'notebook'), {
      namespace: p.namespace,
      annotations: {
        'haproxy.router.openshift.io/timeout': ROUTE_TIMEOUT,
        'haproxy.router.openshift.io/timeout-tunnel': ROUTE_TUNNEL_TIMEOUT,
      },
    }),
    spec,
  }
}

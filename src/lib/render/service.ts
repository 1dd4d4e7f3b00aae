import {labelsFor, objectMeta, selectorFor} from './labels.js'
import {PROXY_PORT_NAME, tlsSecretName} from './oauth.js'
import type {AuthMode} from './params.js'
import type {KObject} from './types.js'

/** The notebook server's port; the s2i run script serves Jupyter on 8888. */
export const NOTEBOOK_PORT = 8888
/** The port name `oc new-app` gives it; the Route targets it by name. */
export const NOTEBOOK_PORT_NAME = '8888-tcp'

/**
 * Service NAME: the notebook's port — or, with `--auth openshift`, only the proxy's HTTPS port (the
 * notebook is not reachable past it), with the service CA's serving certificate annotation.
 */
export function renderService(p: {name: string; namespace?: string; auth?: AuthMode}): KObject {
  const openshiftAuth = p.auth === 'openshift'
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: objectMeta(p.name, labelsFor(p.name, 'notebook'), {
      namespace: p.namespace,
      ...(openshiftAuth
        ? {annotations: {'service.beta.openshift.io/serving-cert-secret-name': tlsSecretName(p.name)}}
        : {}),
    }),
    spec: {
      selector: selectorFor(p.name),
      ports: openshiftAuth
        ? [{name: PROXY_PORT_NAME, protocol: 'TCP', port: 443, targetPort: PROXY_PORT_NAME}]
        : [{name: NOTEBOOK_PORT_NAME, protocol: 'TCP', port: NOTEBOOK_PORT, targetPort: NOTEBOOK_PORT}],
    },
  }
}

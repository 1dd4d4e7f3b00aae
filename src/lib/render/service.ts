import {labelsFor, objectMeta, selectorFor} from './labels.js'
import type {KObject} from './types.js'

/** The notebook server's port; the s2i run script serves Jupyter on 8888. */
export const NOTEBOOK_PORT = 8888
/** The port name `oc new-app` gives it; the Route targets it by name. */
export const NOTEBOOK_PORT_NAME = '8888-tcp'

export function renderService(p: {name: string; namespace?: string}): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: objectMeta(p.name, labelsFor(p.name, 'notebook'), {namespace: p.namespace}),
    spec: {
      selector: selectorFor(p.name),
      ports: [{name: NOTEBOOK_PORT_NAME, protocol: 'TCP', port: NOTEBOOK_PORT, targetPort: NOTEBOOK_PORT}],
    },
  }
}

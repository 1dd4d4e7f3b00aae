import {labelsFor, objectMeta} from './labels.js'
import type {NotebookParams} from './params.js'
import type {KObject} from './types.js'

export const dataClaimName = (instance: string): string => `${instance}-data`

/**
 * PVC NAME-data: the notebook's persistent volume. Unlike `oc set volume --claim-size` (random name,
 * no labels) it is named and labelled, so a re-run finds it and `delete` can keep it.
 */
export function renderDataClaim(
  p: Pick<NotebookParams, 'name' | 'namespace' | 'volumeSize' | 'accessMode' | 'storageClass'>,
): KObject {
  const spec: Record<string, unknown> = {
    accessModes: [p.accessMode],
    resources: {requests: {storage: p.volumeSize}},
  }
  if (p.storageClass !== undefined) spec.storageClassName = p.storageClass
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: objectMeta(dataClaimName(p.name), labelsFor(p.name, 'notebook'), {namespace: p.namespace}),
    spec,
  }
}

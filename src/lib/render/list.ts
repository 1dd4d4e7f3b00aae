import type {KList, KObject} from './types.js'

/** A `v1 List`, as `kubectl get -o yaml` prints several objects; `oc apply -f` accepts it. */
export function renderList(items: KObject[]): KList {
  return {apiVersion: 'v1', kind: 'List', metadata: {resourceVersion: ''}, items}
}

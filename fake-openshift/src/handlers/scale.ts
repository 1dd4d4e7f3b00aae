/** The scale subresource: an autoscaling/v1 Scale over spec.replicas (`kubectl scale`). */
import {conflict, type MemoryStore} from '../store.js'
import type {KObject, ResourceType} from '../types.js'
import type {WriteOpts} from './context.js'

export function scaleOf(rt: ResourceType, obj: KObject): KObject {
  const spec = (obj.spec ?? {}) as {
    replicas?: number
    selector?: {matchLabels?: Record<string, string>} | Record<string, string>
  }
  const st = (obj.status ?? {}) as {replicas?: number}
  const sel =
    spec.selector && 'matchLabels' in spec.selector
      ? spec.selector.matchLabels
      : (spec.selector as Record<string, string> | undefined)
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: {replicas: spec.replicas ?? 0},
    status: {
      replicas: st.replicas ?? 0,
      selector: Object.entries(sel ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
    },
  }
  void rt
}

export function writeScale(
  store: MemoryStore,
  rt: ResourceType,
  old: KObject,
  scale: KObject,
  opts: WriteOpts,
): KObject {
  const next = structuredClone(old)
  next.spec = {
    ...((old.spec as object) ?? {}),
    replicas: (scale.spec as {replicas?: number})?.replicas ?? 0,
  }
  if (scale.metadata.resourceVersion && scale.metadata.resourceVersion !== old.metadata.resourceVersion)
    throw conflict(
      rt,
      old.metadata.name!,
      'the object has been modified; please apply your changes to the latest version and try again',
    )
  delete next.metadata.resourceVersion
  return scaleOf(rt, store.update(rt, next, opts))
}

/**
 * The kubelet's volume setup before any container of a pod starts (pkg/volume/secret, configmap,
 * projected): a Secret or ConfigMap a volume (or a projected source) names must exist unless marked
 * optional; until it does, the pod stays ContainerCreating and the kubelet reports
 * `MountVolume.SetUp failed for volume "V" : secret "S" not found` (FailedMount) each time it retries.
 */
import type {KObject} from '../types.js'
import type {SimContext} from './context.js'
import {arr, isObj, nsOf, obj, spec, str} from './kube.js'

export function missingVolumeSource(ctx: SimContext, pod: KObject): string | undefined {
  const ns = nsOf(pod)
  const missing = (kind: 'secret' | 'configmap', name: string | undefined, optional: unknown) =>
    name !== undefined &&
    optional !== true &&
    !ctx.get('v1', kind === 'secret' ? 'secrets' : 'configmaps', ns, name)
  for (const v of arr(spec(pod).volumes)) {
    const volume = str(v.name) ?? ''
    const fail = (kind: string, name: string) =>
      `MountVolume.SetUp failed for volume "${volume}" : ${kind} "${name}" not found`
    if (isObj(v.secret) && missing('secret', str(v.secret.secretName), v.secret.optional))
      return fail('secret', str(v.secret.secretName) as string)
    if (isObj(v.configMap) && missing('configmap', str(v.configMap.name), v.configMap.optional))
      return fail('configmap', str(v.configMap.name) as string)
    for (const source of arr(obj(v.projected).sources)) {
      if (isObj(source.secret) && missing('secret', str(source.secret.name), source.secret.optional))
        return fail('secret', str(source.secret.name) as string)
      if (
        isObj(source.configMap) &&
        missing('configmap', str(source.configMap.name), source.configMap.optional)
      )
        return fail('configmap', str(source.configMap.name) as string)
    }
  }
  return undefined
}

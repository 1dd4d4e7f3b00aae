/** --exec: read-only probes in the running notebook container (judged by checks/exec.ts). */
import type {KubeConfig} from '@kubernetes/client-node'

import {execInPod} from '../cluster/exec.js'
import {claimsOf} from './gather.js'
import {arr, nameOf, rec, str} from './obj.js'
import {execProbes} from './checks/exec.js'
import type {DoctorData, ExecResult} from './types.js'

/** Picks the first Running pod with a ready-or-running notebook container; undefined when none runs. */
export async function probeNotebookPod(
  kc: KubeConfig,
  data: DoctorData,
  opts: {signal?: AbortSignal; timeoutMs?: number} = {},
): Promise<ExecResult | undefined> {
  for (const pod of data.pods) {
    if (rec(pod.status).phase !== 'Running') continue
    const spec = rec(pod.spec)
    const containers = arr(spec.containers)
    const c = containers.find(x => x.name === 'notebook') ?? containers[0]
    const status = arr(rec(pod.status).containerStatuses).find(s => s.name === c?.name)
    if (!c || !rec(status?.state).running) continue
    const claims = new Set(claimsOf(spec))
    const volumes = arr(spec.volumes).filter(v =>
      claims.has(str(rec(v.persistentVolumeClaim).claimName) ?? ''),
    )
    const mounts = arr(c.volumeMounts)
      .filter(m => volumes.some(v => v.name === m.name))
      .map(m => str(m.mountPath))
      .filter((m): m is string => m !== undefined)
    const container = str(c.name) ?? ''
    const probes = []
    for (const p of execProbes(mounts)) {
      const r = await execInPod(kc, {
        namespace: data.namespace,
        pod: nameOf(pod),
        container,
        command: p.argv,
        ...opts,
      })
      probes.push({command: p.key, ...r})
    }
    return {pod: nameOf(pod), container, mounts, probes}
  }
  return undefined
}

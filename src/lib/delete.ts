/**
 * `oc jupyter delete`: removes an instance's objects by label. The PVC (the notebooks) and the
 * password Secret stay unless --delete-data, so a later deploy picks both up again.
 */
import {deleteIfExists, type KubeClient} from './cluster/index.js'
import {DATA_KINDS, findInstance, type FoundObject} from './instance.js'

export interface DeletePlan {
  remove: FoundObject[]
  keep: FoundObject[]
}

export async function planDelete(
  client: KubeClient,
  namespace: string,
  name: string,
  deleteData: boolean,
): Promise<DeletePlan> {
  const found = await findInstance(client, namespace, name)
  return {
    remove: found.filter(f => deleteData || !DATA_KINDS.has(f.kind)),
    keep: found.filter(f => !deleteData && DATA_KINDS.has(f.kind)),
  }
}

export async function executeDelete(
  client: KubeClient,
  namespace: string,
  plan: DeletePlan,
  opts: {dryRun: boolean; onDeleted?: (f: FoundObject, outcome: 'deleted' | 'absent') => void},
): Promise<Array<{kind: string; name: string; outcome: 'deleted' | 'absent'}>> {
  const out: Array<{kind: string; name: string; outcome: 'deleted' | 'absent'}> = []
  // Workload first (INSTANCE_KINDS order): its pods stop before their volume and Secret go.
  for (const f of plan.remove) {
    const outcome = await deleteIfExists(
      client,
      {kind: f.kind, name: f.name, namespace},
      {dryRun: opts.dryRun},
    )
    opts.onDeleted?.(f, outcome)
    out.push({kind: f.kind, name: f.name, outcome})
  }
  return out
}

/**
 * `oc jupyter delete`: removes an instance's objects by label. The PVC (the notebooks) and the
 * password Secret stay unless --delete-data, so a later deploy picks both up again.
 */
import {
  deleteIfExists,
  formatDuration,
  resourcePath,
  watchObject,
  type KindName,
  type KubeClient,
} from './cluster/index.js'
import {CliError, ExitCode} from './errors.js'
import {mountedClaim} from './foreign.js'
import {DATA_KINDS, findInstance, type FoundObject} from './instance.js'

export interface DeletePlan {
  remove: FoundObject[]
  keep: FoundObject[]
  /**
   * The claim the notebook mounts that oc-jupyter did not make (deploy --existing-claim): never
   * deleted, not even with --delete-data — it is the user's.
   */
  userClaim?: string
}

export async function planDelete(
  client: KubeClient,
  namespace: string,
  name: string,
  deleteData: boolean,
): Promise<DeletePlan> {
  const found = await findInstance(client, namespace, name)
  const workload = found.find(f => f.kind === 'Deployment' || f.kind === 'DeploymentConfig')
  const mounted = workload ? mountedClaim(workload.object)?.claim : undefined
  const userClaim =
    mounted !== undefined && !found.some(f => f.kind === 'PersistentVolumeClaim' && f.name === mounted)
      ? mounted
      : undefined
  return {
    remove: found.filter(f => deleteData || !DATA_KINDS.has(f.kind)),
    keep: found.filter(f => !deleteData && DATA_KINDS.has(f.kind)),
    ...(userClaim ? {userClaim} : {}),
  }
}

export async function executeDelete(
  client: KubeClient,
  namespace: string,
  plan: DeletePlan,
  opts: {dryRun: boolean; onDeleted?: (f: FoundObject, outcome: 'deleted' | 'absent') => void},
): Promise<Array<{kind: KindName; name: string; outcome: 'deleted' | 'absent'}>> {
  const out: Array<{kind: KindName; name: string; outcome: 'deleted' | 'absent'}> = []
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

/**
 * Waits until deleted objects are gone, as `kubectl delete` does by default: a claim stays Terminating
 * (finalizer kubernetes.io/pvc-protection) until the pods using it are gone, and a deploy that ran
 * before that would re-apply a claim about to vanish. `onWaiting` is told about each object still there.
 */
export async function waitGone(
  client: KubeClient,
  namespace: string,
  objects: ReadonlyArray<Pick<FoundObject, 'kind' | 'name'>>,
  opts: {
    timeoutMs: number
    signal?: AbortSignal
    onWaiting?: (o: Pick<FoundObject, 'kind' | 'name'>) => void
  },
): Promise<void> {
  const ctl = new AbortController()
  const timedOut = new Error('timeout')
  const onAbort = () => ctl.abort(opts.signal?.reason)
  opts.signal?.addEventListener('abort', onAbort, {once: true})
  const timer = opts.timeoutMs > 0 ? setTimeout(() => ctl.abort(timedOut), opts.timeoutMs) : undefined
  const remaining = new Set(objects.map(o => `${o.kind}/${o.name}`))
  try {
    await Promise.all(
      objects.map(async o => {
        let told = false
        for await (const ev of watchObject(client, {
          path: resourcePath(o.kind, {namespace}),
          name: o.name,
          signal: ctl.signal,
        })) {
          if (ev.type === 'DELETED' || (ev.type === 'SYNC' && !ev.object)) break
          if (!told) opts.onWaiting?.(o)
          told = true
        }
        remaining.delete(`${o.kind}/${o.name}`)
      }),
    )
  } catch (error) {
    if (ctl.signal.reason === timedOut) {
      throw new CliError(
        `timed out after ${formatDuration(opts.timeoutMs)} waiting for ${[...remaining].join(', ')} to be deleted`,
        ExitCode.Timeout,
        {hint: `oc get ${[...remaining].map(r => r.toLowerCase()).join(' ')} -n ${namespace} -o yaml`},
      )
    }
    throw error
  } finally {
    if (timer) clearTimeout(timer)
    opts.signal?.removeEventListener('abort', onAbort)
    ctl.abort()
  }
}

/**
 * Only current evidence: the objects that make up the live rollout, and the events about them. A
 * ReplicaSet scaled to zero by an earlier rollout keeps its FailedCreate events for an hour (the event
 * TTL); they describe a template that no longer runs, so after a fix they must not keep the doctor
 * failing. Live: a Deployment's newest ReplicaSet (its revision) and every ReplicaSet still asked for
 * or holding pods; events of pods, ReplicaSets, claims and builds that exist now (same uid when the
 * event names one — a re-created object of the same name is another object).
 */
import type {KubeObject} from '../cluster/index.js'
import {arr, nameOf, num, rec, str} from './obj.js'

const REVISION = 'deployment.kubernetes.io/revision'

function ownerName(o: KubeObject, kind: string): string | undefined {
  return str(arr(o.metadata?.ownerReferences).find(r => r.kind === kind)?.name)
}

const revision = (rs: KubeObject): number => Number(rs.metadata?.annotations?.[REVISION] ?? '0') || 0

/** The ReplicaSets of the live rollout, in the order given. */
export function liveReplicaSets(replicaSets: readonly KubeObject[]): KubeObject[] {
  const newest = new Map<string, number>()
  for (const rs of replicaSets) {
    const owner = ownerName(rs, 'Deployment')
    if (owner !== undefined) newest.set(owner, Math.max(newest.get(owner) ?? 0, revision(rs)))
  }
  return replicaSets.filter(rs => {
    const wanted = (num(rec(rs.spec).replicas) ?? 1) > 0 || (num(rec(rs.status).replicas) ?? 0) > 0
    if (wanted) return true
    const owner = ownerName(rs, 'Deployment')
    return owner !== undefined && revision(rs) === newest.get(owner)
  })
}

export interface LiveObjects {
  pods: readonly KubeObject[]
  /** every ReplicaSet read (to tell a stale one from an unknown one) */
  replicaSets: readonly KubeObject[]
  liveReplicaSets: readonly KubeObject[]
  pvcs: readonly KubeObject[]
  builds: readonly KubeObject[]
}

/** Whether an event is about an object of the live rollout (events about other kinds are kept). */
export function isCurrentEvent(event: KubeObject, live: LiveObjects): boolean {
  const io = rec(event.involvedObject)
  const name = str(io.name)
  const uid = str(io.uid)
  const same = (o: KubeObject) =>
    nameOf(o) === name && (uid === undefined || o.metadata?.uid === undefined || o.metadata.uid === uid)
  switch (str(io.kind)) {
    case 'Pod':
      return live.pods.some(same)
    case 'ReplicaSet':
      // An unknown ReplicaSet (not of this instance, or not listed) is not ours to judge.
      return live.liveReplicaSets.some(same)
    case 'PersistentVolumeClaim':
      return live.pvcs.some(same)
    case 'Build':
      return live.builds.some(same)
    default:
      return true
  }
}

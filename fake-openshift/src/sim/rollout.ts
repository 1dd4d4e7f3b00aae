/**
 * Workload controllers: Deployment → ReplicaSet (pod-template-hash, revision, Recreate/RollingUpdate) →
 * Pods, with the status fields `kubectl rollout status` reads (k8s pkg/controller/deployment,
 * replicaset); and a DeploymentConfig deployer good enough for `oc rollout status`-style judging.
 * Pods are created through the store, so SCC admission runs on them; a rejection becomes a
 * `FailedCreate` event and a `ReplicaFailure` condition, as the ReplicaSet controller reports it.
 */
import {serviceAccountUser} from '../rbac.js'
import {ApiError, type KObject, type UserInfo} from '../types.js'
import {ownedBy, ownerRef, type SimContext} from './context.js'
import {splitTag, tagImage} from './images.js'
import {
  arr,
  clone,
  getCondition,
  nsOf,
  num,
  obj,
  type Obj,
  removeCondition,
  setCondition,
  spec,
  stableJson,
  str,
  templateHash,
} from './kube.js'

const REVISION = 'deployment.kubernetes.io/revision'
const RS_CONTROLLER: UserInfo = serviceAccountUser('kube-system', 'replicaset-controller')
const RC_CONTROLLER: UserInfo = serviceAccountUser('kube-system', 'replication-controller')

export function podReady(pod: KObject): boolean {
  return getCondition(obj(pod.status), 'Ready')?.status === 'True'
}

function livePods(ctx: SimContext, owner: KObject): KObject[] {
  return ctx.list('v1', 'pods', nsOf(owner)).filter(p => ownedBy(p, owner) && !p.metadata.deletionTimestamp)
}

/**
 * Creates pods from a template until `count` more exist or one is rejected. A rejection is recorded on
 * the owner (event FailedCreate `Error creating: <message>`, condition ReplicaFailure) and stops the batch.
 */
function createPods(
  ctx: SimContext,
  owner: KObject,
  template: Obj,
  count: number,
  extra: {labels?: Record<string, string>; annotations?: Record<string, string>},
  user: UserInfo,
  component: string,
): {created: number; failure?: string} {
  const rt = ctx.mustRt('v1', 'pods')
  const tmd = obj(template.metadata)
  let created = 0
  for (let i = 0; i < count; i++) {
    const pod: KObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        generateName: `${owner.metadata.name}-`,
        namespace: nsOf(owner),
        labels: {...(obj(tmd.labels) as Record<string, string>), ...(extra.labels ?? {})},
        annotations: {...(obj(tmd.annotations) as Record<string, string>), ...(extra.annotations ?? {})},
        ownerReferences: [ownerRef(owner)],
      },
      spec: clone(obj(template.spec)),
      status: {phase: 'Pending', qosClass: 'BestEffort'},
    }
    if (Object.keys(pod.metadata.annotations ?? {}).length === 0) delete pod.metadata.annotations
    try {
      const p = ctx.store.create(rt, pod, {user})
      ctx.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${p.metadata.name}`, component)
      created++
    } catch (err) {
      if (!(err instanceof ApiError)) throw err
      // The controller retries every step. Recording the same rejection again would write every step
      // too, and in auto mode each write schedules the next step: a busy loop that runs the progress
      // deadline out in milliseconds. Real controllers back off and the event recorder aggregates.
      // A rejection by a validating plugin (PodSecurity) names the generated pod, new on every retry:
      // the same rejection all the same.
      const generated = (m: string) => m.replace(/pods "[a-z0-9.-]+-[a-z0-9]{5}"/, 'pods "*"')
      const reported = arr(obj(owner.status).conditions).find(
        c => c.type === 'ReplicaFailure' && generated(String(c.message)) === generated(err.message),
      )
      if (!reported) ctx.event(owner, 'Warning', 'FailedCreate', `Error creating: ${err.message}`, component)
      return {created, failure: reported ? String(reported.message) : err.message}
    }
  }
  return {created}
}

/** Deletes surplus pods: unready ones first, then the newest (controller.ActivePods ordering, simplified). */
function deletePods(
  ctx: SimContext,
  owner: KObject,
  pods: KObject[],
  count: number,
  component: string,
): number {
  const rt = ctx.mustRt('v1', 'pods')
  const order = [...pods].sort(
    (a, b) =>
      Number(podReady(a)) - Number(podReady(b)) ||
      (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''),
  )
  let n = 0
  for (const p of order.slice(0, count)) {
    try {
      ctx.store.delete(rt, nsOf(p), p.metadata.name ?? '')
      ctx.event(owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, component)
      n++
    } catch (err) {
      if (!(err instanceof ApiError)) throw err
    }
  }
  return n
}

/** The ReplicaSet controller: keeps `spec.replicas` pods and reports counts and ReplicaFailure. */
export function replicaSetStep(ctx: SimContext): boolean {
  let changed = false
  for (const rs of ctx.list('apps/v1', 'replicasets')) {
    if (rs.metadata.deletionTimestamp) continue
    const desired = num(spec(rs).replicas) ?? 1
    let pods = livePods(ctx, rs)
    const after = clone(rs)
    const st = obj(after.status)
    if (pods.length < desired) {
      const r = createPods(
        ctx,
        rs,
        obj(spec(rs).template),
        desired - pods.length,
        {},
        RS_CONTROLLER,
        'replicaset-controller',
      )
      if (r.created) changed = true
      if (r.failure)
        setCondition(
          st,
          {type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: r.failure},
          ctx.ts(),
        )
      else removeCondition(st, 'ReplicaFailure')
    } else if (pods.length > desired) {
      if (deletePods(ctx, rs, pods, pods.length - desired, 'replicaset-controller')) changed = true
    } else removeCondition(st, 'ReplicaFailure')
    pods = livePods(ctx, rs)
    const ready = pods.filter(podReady).length
    st.replicas = pods.length
    st.fullyLabeledReplicas = pods.length
    st.readyReplicas = ready
    st.availableReplicas = ready
    st.observedGeneration = rs.metadata.generation ?? 1
    if (arr(st.conditions).length === 0) delete st.conditions
    after.status = st
    const latest = ctx.get('apps/v1', 'replicasets', nsOf(rs), rs.metadata.name ?? '') ?? rs
    after.metadata = latest.metadata
    if (ctx.save('apps/v1', 'replicasets', latest, after)) changed = true
  }
  return changed
}

function revisionOf(o: KObject): number {
  return Number(o.metadata.annotations?.[REVISION] ?? '0') || 0
}

function maxSurge(d: KObject, replicas: number): number {
  const v = obj(obj(spec(d).strategy).rollingUpdate).maxSurge ?? '25%'
  if (typeof v === 'number') return v
  const m = /^(\d+)%$/.exec(String(v))
  return m ? Math.ceil((replicas * Number(m[1])) / 100) : Number(v) || 0
}

function maxUnavailable(d: KObject, replicas: number): number {
  if (obj(spec(d).strategy).type === 'Recreate') return 0
  const v = obj(obj(spec(d).strategy).rollingUpdate).maxUnavailable ?? '25%'
  if (typeof v === 'number') return v
  const m = /^(\d+)%$/.exec(String(v))
  return m ? Math.floor((replicas * Number(m[1])) / 100) : Number(v) || 0
}

function scaleRs(ctx: SimContext, d: KObject, rs: KObject, to: number): boolean {
  const from = num(spec(rs).replicas) ?? 0
  if (from === to) return false
  const after = clone(rs)
  after.spec = {...spec(after), replicas: to}
  after.metadata.annotations = {
    ...(after.metadata.annotations ?? {}),
    'deployment.kubernetes.io/desired-replicas': String(num(spec(d).replicas) ?? 1),
  }
  ctx.save('apps/v1', 'replicasets', rs, after)
  const verb = to > from ? 'up' : 'down'
  ctx.event(
    d,
    'Normal',
    'ScalingReplicaSet',
    `Scaled ${verb} replica set ${rs.metadata.name} to ${to} from ${from}`,
    'deployment-controller',
  )
  return true
}

/** The Deployment controller: one rollout transition per step, then the status rollout tools read. */
export function deploymentStep(ctx: SimContext): boolean {
  const rsRt = ctx.rt('apps/v1', 'replicasets')
  if (!rsRt) return false
  let changed = false
  for (const d of ctx.list('apps/v1', 'deployments')) {
    if (d.metadata.deletionTimestamp) continue
    const replicas = num(spec(d).replicas) ?? 1
    const template = obj(spec(d).template)
    const hash = templateHash(template)
    const owned = ctx.list('apps/v1', 'replicasets', nsOf(d)).filter(rs => ownedBy(rs, d))
    let newRs = owned.find(rs => rs.metadata.labels?.['pod-template-hash'] === hash)
    const olds = owned.filter(rs => rs !== newRs)
    const recreate = obj(spec(d).strategy).type === 'Recreate'
    let acted = false
    let created = false
    if (!spec(d).paused) {
      if (recreate) {
        // Recreate: scale every old ReplicaSet to 0, wait for their pods to go, then scale up the new one
        for (const old of olds) acted = scaleRs(ctx, d, old, 0) || acted
        const oldPodsLeft = olds.some(old => livePods(ctx, old).length > 0)
        if (!acted && !oldPodsLeft) {
          if (!newRs) {
            newRs = createRs(ctx, d, template, hash, replicas, owned)
            acted = created = true
          } else acted = scaleRs(ctx, d, newRs, replicas) || acted
        }
      } else {
        // RollingUpdate, simplified: the new ReplicaSet gets all replicas (maxSurge rounds up to one pod
        // for small deployments); old ones are scaled down once the new pods are available
        if (!newRs) {
          newRs = createRs(ctx, d, template, hash, replicas, owned)
          acted = created = true
        } else acted = scaleRs(ctx, d, newRs, replicas) || acted
        if ((num(obj(newRs.status).availableReplicas) ?? 0) >= replicas) {
          for (const old of olds) acted = scaleRs(ctx, d, old, 0) || acted
        }
      }
    }
    if (acted) changed = true
    if (syncDeploymentStatus(ctx, d, hash, created)) changed = true
  }
  return changed
}

function createRs(
  ctx: SimContext,
  d: KObject,
  template: Obj,
  hash: string,
  replicas: number,
  owned: KObject[],
): KObject {
  const rsRt = ctx.mustRt('apps/v1', 'replicasets')
  const revision = Math.max(0, ...owned.map(revisionOf)) + 1
  const name = `${d.metadata.name}-${hash}`
  const labels = {
    ...(obj(obj(template.metadata).labels) as Record<string, string>),
    'pod-template-hash': hash,
  }
  const selector = obj(spec(d).selector)
  const rs: KObject = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: nsOf(d),
      labels,
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(replicas),
        'deployment.kubernetes.io/max-replicas': String(replicas + maxSurge(d, replicas)),
        [REVISION]: String(revision),
      },
      ownerReferences: [ownerRef(d)],
    },
    spec: {
      replicas,
      ...(num(spec(d).minReadySeconds) ? {minReadySeconds: spec(d).minReadySeconds} : {}),
      selector: {
        ...selector,
        matchLabels: {...(obj(selector.matchLabels) as Record<string, string>), 'pod-template-hash': hash},
      },
      template: {...clone(template), metadata: {...clone(obj(template.metadata)), labels}},
    },
    status: {replicas: 0},
  }
  const created = ctx.store.create(rsRt, rs)
  ctx.event(
    d,
    'Normal',
    'ScalingReplicaSet',
    `Scaled up replica set ${name} to ${replicas}`,
    'deployment-controller',
  )
  const latest = ctx.get('apps/v1', 'deployments', nsOf(d), d.metadata.name ?? '') ?? d
  const after = clone(latest)
  after.metadata.annotations = {...(after.metadata.annotations ?? {}), [REVISION]: String(revision)}
  ctx.save('apps/v1', 'deployments', latest, after)
  return created
}

/** Deployment status (deployment/sync.go syncRolloutStatus, progress.go) from its ReplicaSets. */
function syncDeploymentStatus(ctx: SimContext, d0: KObject, hash: string, justCreated: boolean): boolean {
  const d = ctx.get('apps/v1', 'deployments', nsOf(d0), d0.metadata.name ?? '') ?? d0
  const replicas = num(spec(d).replicas) ?? 1
  const owned = ctx.list('apps/v1', 'replicasets', nsOf(d)).filter(rs => ownedBy(rs, d))
  const newRs = owned.find(rs => rs.metadata.labels?.['pod-template-hash'] === hash)
  const sum = (k: string) => owned.reduce((n, rs) => n + (num(obj(rs.status)[k]) ?? 0), 0)
  const after = clone(d)
  const st = obj(after.status)
  const now = ctx.ts()
  const total = sum('replicas')
  const available = sum('availableReplicas')
  const updated = num(obj(newRs?.status).replicas) ?? 0
  st.observedGeneration = d.metadata.generation ?? 1
  st.replicas = total
  st.updatedReplicas = updated
  st.readyReplicas = sum('readyReplicas')
  st.availableReplicas = available
  const unavailable = Math.max(0, total - available, replicas - available)
  if (unavailable > 0) st.unavailableReplicas = unavailable
  else delete st.unavailableReplicas
  for (const k of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas'])
    if (st[k] === 0) delete st[k]

  const minAvailable = available >= replicas - maxUnavailable(d, replicas)
  setCondition(
    st,
    minAvailable
      ? {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        }
      : {
          type: 'Available',
          status: 'False',
          reason: 'MinimumReplicasUnavailable',
          message: 'Deployment does not have minimum availability.',
        },
    now,
    true,
  )
  const failure = owned
    .map(rs => getCondition(obj(rs.status), 'ReplicaFailure'))
    .find(c => c?.status === 'True')
  if (failure)
    setCondition(
      st,
      {type: 'ReplicaFailure', status: 'True', reason: failure.reason, message: failure.message},
      now,
      true,
    )
  else removeCondition(st, 'ReplicaFailure')

  const rsName = newRs?.metadata.name ?? `${d.metadata.name}-${hash}`
  const complete = !!newRs && updated === replicas && total === replicas && available === replicas
  const fingerprint = stableJson([rsName, total, updated, st.readyReplicas ?? 0, available, !!failure])
  const key = d.metadata.uid ?? ''
  const last = ctx.progress.get(key)
  const progressed = !last || last.fingerprint !== fingerprint
  if (progressed) ctx.progress.set(key, {step: ctx.stepCount, fingerprint})
  const stalledFor = ctx.stepCount - (ctx.progress.get(key)?.step ?? ctx.stepCount)
  const current = getCondition(st, 'Progressing')
  type P = Parameters<typeof setCondition>[1]
  let next: P | undefined
  if (complete) {
    next = {
      type: 'Progressing',
      status: 'True',
      reason: 'NewReplicaSetAvailable',
      message: `ReplicaSet "${rsName}" has successfully progressed.`,
    }
  } else if (current?.reason === 'ProgressDeadlineExceeded' && !progressed) {
    next = undefined // stays failed until something moves
  } else if (stalledFor >= ctx.opts.progressDeadlineSteps) {
    next = {
      type: 'Progressing',
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: `ReplicaSet "${rsName}" has timed out progressing.`,
    }
  } else if (justCreated) {
    next = {
      type: 'Progressing',
      status: 'True',
      reason: 'NewReplicaSetCreated',
      message: `Created new replica set "${rsName}"`,
    }
  } else if (
    !current ||
    progressed ||
    current.status !== 'True' ||
    current.reason === 'NewReplicaSetAvailable'
  ) {
    next = {
      type: 'Progressing',
      status: 'True',
      reason: 'ReplicaSetUpdated',
      message: `ReplicaSet "${rsName}" is progressing.`,
    }
  }
  if (next) setCondition(st, next, now, true)
  // conditions in the order kubectl shows them
  const order = ['Available', 'Progressing', 'ReplicaFailure']
  st.conditions = arr(st.conditions).sort(
    (a, b) => order.indexOf(String(a.type)) - order.indexOf(String(b.type)),
  )
  after.status = st
  return ctx.save('apps/v1', 'deployments', d, after)
}

// --- DeploymentConfig ---------------------------------------------------------------------------------

const DC_API = 'apps.openshift.io/v1'

/**
 * apps.openshift.io DeploymentConfigs: ImageChange triggers set the container image from the tag,
 * ConfigChange (and the first resolvable image) starts version N; the deployer keeps `replicas` pods of
 * the latest version (labels `deployment=NAME-N`, `deploymentconfig=NAME`) and retires older ones.
 */
export function deploymentConfigStep(ctx: SimContext): boolean {
  if (!ctx.rt(DC_API, 'deploymentconfigs')) return false
  let changed = false
  for (const dc0 of ctx.list(DC_API, 'deploymentconfigs')) {
    if (dc0.metadata.deletionTimestamp) continue
    let dc = dc0
    // image change triggers
    const withImages = clone(dc)
    for (const t of arr(spec(withImages).triggers)) {
      if (t.type !== 'ImageChange') continue
      const p = obj(t.imageChangeParams)
      const from = obj(p.from)
      if (p.automatic === false || from.kind !== 'ImageStreamTag' || !str(from.name)) continue
      const [stream, tag] = splitTag(str(from.name) as string)
      const img = tagImage(ctx, str(from.namespace) ?? nsOf(dc), stream, tag)
      if (!img) continue
      const names = (Array.isArray(p.containerNames) ? p.containerNames : []) as string[]
      for (const c of arr(obj(obj(spec(withImages).template).spec).containers)) {
        if (names.includes(str(c.name) ?? '') && c.image !== img.reference) c.image = img.reference
      }
      p.lastTriggeredImage = img.reference
    }
    if (ctx.save(DC_API, 'deploymentconfigs', dc, withImages)) {
      changed = true
      dc = ctx.get(DC_API, 'deploymentconfigs', nsOf(dc), dc.metadata.name ?? '') ?? withImages
    }
    const template = obj(spec(dc).template)
    const hash = templateHash(template)
    const triggers = arr(spec(dc).triggers)
    const configChange = triggers.some(t => t.type === 'ConfigChange')
    const imageTriggers = triggers.filter(t => t.type === 'ImageChange')
    const imagesReady = imageTriggers.every(t => str(obj(t.imageChangeParams).lastTriggeredImage))
    let version = num(obj(dc.status).latestVersion) ?? 0
    const key = `dc:${dc.metadata.uid}`
    const deployedHash = ctx.progress.get(`${key}:hash`)?.fingerprint
    const after = clone(dc)
    const st = obj(after.status)
    const wantsNew =
      version === 0
        ? (configChange || imageTriggers.length > 0) && imagesReady
        : configChange && deployedHash !== undefined && deployedHash !== hash
    if (wantsNew) {
      version++
      st.latestVersion = version
      st.details = {
        message: version === 1 && !configChange ? 'image change' : 'config change',
        causes: [{type: configChange ? 'ConfigChange' : 'ImageChange'}],
      }
      ctx.progress.set(`${key}:hash`, {step: ctx.stepCount, fingerprint: hash})
      ctx.event(
        dc,
        'Normal',
        'DeploymentCreated',
        `Created new replication controller "${dc.metadata.name}-${version}" for version ${version}`,
        'deploymentconfig-controller',
      )
      changed = true
    } else if (version > 0 && deployedHash === undefined)
      ctx.progress.set(`${key}:hash`, {step: ctx.stepCount, fingerprint: hash})
    const replicas = num(spec(dc).replicas) ?? 1
    const rcName = `${dc.metadata.name}-${version}`
    const pods = livePods(ctx, dc)
    const current = pods.filter(p => p.metadata.labels?.deployment === rcName)
    const old = pods.filter(p => p.metadata.labels?.deployment !== rcName)
    const recreate = obj(spec(dc).strategy).type === 'Recreate'
    if (version > 0) {
      if (old.length && (recreate || current.filter(podReady).length >= replicas)) {
        if (deletePods(ctx, dc, old, old.length, 'deployer')) changed = true
      } else if (current.length < replicas && (!recreate || old.length === 0)) {
        const r = createPods(
          ctx,
          dc,
          template,
          replicas - current.length,
          {
            labels: {deployment: rcName, deploymentconfig: dc.metadata.name ?? ''},
            annotations: {
              'openshift.io/deployment-config.latest-version': String(version),
              'openshift.io/deployment-config.name': dc.metadata.name ?? '',
              'openshift.io/deployment.name': rcName,
            },
          },
          RC_CONTROLLER,
          'replication-controller',
        )
        if (r.created) changed = true
        if (r.failure)
          setCondition(
            st,
            {type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: r.failure},
            ctx.ts(),
            true,
          )
        else removeCondition(st, 'ReplicaFailure')
      } else if (current.length > replicas) {
        if (deletePods(ctx, dc, current, current.length - replicas, 'deployer')) changed = true
      }
    }
    const all = livePods(ctx, dc)
    const updated = all.filter(p => p.metadata.labels?.deployment === rcName)
    const available = all.filter(podReady).length
    st.observedGeneration = dc.metadata.generation ?? 1
    st.latestVersion = version
    st.replicas = all.length
    st.updatedReplicas = updated.length
    st.readyReplicas = available
    st.availableReplicas = available
    st.unavailableReplicas = Math.max(0, all.length - available)
    const now = ctx.ts()
    setCondition(
      st,
      available >= replicas
        ? {
            type: 'Available',
            status: 'True',
            reason: 'MinimumReplicasAvailable',
            message: 'Deployment config has minimum availability.',
          }
        : {
            type: 'Available',
            status: 'False',
            reason: 'MinimumReplicasUnavailable',
            message: 'Deployment config does not have minimum availability.',
          },
      now,
      true,
    )
    if (version > 0) {
      const complete =
        updated.length === replicas && all.length === replicas && updated.filter(podReady).length === replicas
      const fingerprint = stableJson([version, all.length, updated.length, available])
      const last = ctx.progress.get(key)
      if (!last || last.fingerprint !== fingerprint) ctx.progress.set(key, {step: ctx.stepCount, fingerprint})
      const stalled =
        ctx.stepCount - (ctx.progress.get(key)?.step ?? ctx.stepCount) >= ctx.opts.progressDeadlineSteps
      setCondition(
        st,
        complete
          ? {
              type: 'Progressing',
              status: 'True',
              reason: 'NewReplicationControllerAvailable',
              message: `replication controller "${rcName}" successfully rolled out`,
            }
          : stalled
            ? {
                type: 'Progressing',
                status: 'False',
                reason: 'ProgressDeadlineExceeded',
                message: `replication controller "${rcName}" has failed progressing`,
              }
            : {
                type: 'Progressing',
                status: 'True',
                reason: 'ReplicationControllerUpdated',
                message: `replication controller "${rcName}" is progressing`,
              },
        now,
        true,
      )
    }
    after.status = st
    const latest = ctx.get(DC_API, 'deploymentconfigs', nsOf(dc), dc.metadata.name ?? '') ?? dc
    after.metadata = latest.metadata
    after.spec = latest.spec
    if (ctx.save(DC_API, 'deploymentconfigs', latest, after)) changed = true
  }
  return changed
}

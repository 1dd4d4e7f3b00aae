/**
 * The node: schedules pods (waiting for bound PVCs), pulls images, verifies runAsNonRoot, starts the
 * image's program through the permission model and reports container states, events and logs as the
 * kubelet does — Running/Ready, CrashLoopBackOff (restartCount growing per step), ErrImagePull /
 * ImagePullBackOff, CreateContainerConfigError. Exec probes answer from the same model.
 */
import {ApiError, type ExecResult, type KObject, type LogSource} from '../types.js'
import {type ContainerSim, NODE_NAME, ownedByRef, type PodSim, type SimContext} from './context.js'
import {pull} from './images.js'
import {
  arr,
  clone,
  globMatch,
  isObj,
  nsOf,
  obj,
  type Obj,
  removeCondition,
  setCondition,
  sha256Hex,
  spec,
  str,
} from './kube.js'
import {LogStream} from './logs.js'
import type {PodOverride} from './options.js'
import {missingVolumeSource} from './mounts.js'
import {execCommand, formatPod, identityFor, mountsFor, type Runtime, startContainer} from './process.js'
import {volumeBinding} from './volumes.js'

const KUBELET = 'kubelet'

interface PodSimEx extends PodSim {
  managed: boolean
  /** the FailedMount message last reported, so each is reported once */
  mountFailure?: string
}

function podOverride(ctx: SimContext, pod: KObject, container: string): PodOverride | undefined {
  return ctx.opts.pods.find(
    o =>
      (!o.match.namespace || globMatch(o.match.namespace, nsOf(pod))) &&
      (!o.match.name || globMatch(o.match.name, pod.metadata.name ?? '')) &&
      (!o.match.owner || ownedByRef(ctx, pod, o.match.owner)) &&
      (!o.match.container || globMatch(o.match.container, container)),
  )
}

/** Container environment as the kubelet builds it; a missing Secret/ConfigMap key is a config error. */
function containerEnv(
  ctx: SimContext,
  pod: KObject,
  c: Obj,
): {env: Record<string, string>} | {error: string} {
  const env: Record<string, string> = {HOSTNAME: pod.metadata.name ?? ''}
  const ns = nsOf(pod)
  for (const e of arr(c.env)) {
    const name = str(e.name) ?? ''
    if (e.value !== undefined) {
      env[name] = String(e.value)
      continue
    }
    const from = obj(e.valueFrom)
    if (isObj(from.secretKeyRef) || isObj(from.configMapKeyRef)) {
      const isSecret = isObj(from.secretKeyRef)
      const ref = obj(isSecret ? from.secretKeyRef : from.configMapKeyRef)
      const refName = str(ref.name) ?? ''
      const key = str(ref.key) ?? ''
      const o = ctx.get('v1', isSecret ? 'secrets' : 'configmaps', ns, refName)
      const data = obj(o?.data)
      const optional = ref.optional === true
      if (!o) {
        if (optional) continue
        return {error: `${isSecret ? 'secret' : 'configmap'} "${refName}" not found`}
      }
      const raw = str(data[key]) ?? (isSecret ? undefined : str(obj(o.binaryData)[key]))
      if (raw === undefined) {
        if (optional) continue
        return {error: `couldn't find key ${key} in ${isSecret ? 'Secret' : 'ConfigMap'} ${ns}/${refName}`}
      }
      env[name] = isSecret ? Buffer.from(raw, 'base64').toString('utf8') : raw
    } else if (isObj(from.fieldRef)) {
      const path = str(from.fieldRef.fieldPath)
      if (path === 'metadata.name') env[name] = pod.metadata.name ?? ''
      else if (path === 'metadata.namespace') env[name] = ns
      else if (path === 'spec.serviceAccountName') env[name] = str(spec(pod).serviceAccountName) ?? ''
    }
  }
  return {env}
}

function newContainer(): ContainerSim {
  return {state: 'waiting', restarts: 0, crashLog: [], exitCode: 0, current: new LogStream(), ready: false}
}

/** Back-off before the next restart: 10s doubling up to 5m (kubelet's MaxContainerBackOff). */
function backoff(restarts: number): string {
  const s = Math.min(300, 10 * 2 ** Math.max(0, restarts - 1))
  return s >= 60 ? `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : '0s'}` : `${s}s`
}

/** Tries to start one container; records the outcome in `cs`. */
function start(ctx: SimContext, pod: KObject, c: Obj, cs: ContainerSim): void {
  const name = str(c.name) ?? ''
  const image = str(c.image) ?? ''
  const field = `spec.containers{${name}}`
  const override = podOverride(ctx, pod, name)
  const forced = override?.outcome
  if (forced === 'Pending') return
  const pulled =
    forced === 'ErrImagePull'
      ? ({ok: false, message: override?.message ?? 'manifest unknown'} as const)
      : pull(ctx, nsOf(pod), image)
  if (cs.state === 'waiting') ctx.event(pod, 'Normal', 'Pulling', `Pulling image "${image}"`, KUBELET, field)
  if (!pulled.ok) {
    if (cs.state === 'waiting' || cs.state === 'pull-failed') {
      cs.state = 'pull-failed'
      cs.reason = 'ErrImagePull'
      cs.message = pulled.message
      ctx.event(
        pod,
        'Warning',
        'Failed',
        `Failed to pull image "${image}": ${pulled.message}`,
        KUBELET,
        field,
      )
      ctx.event(pod, 'Warning', 'Failed', 'Error: ErrImagePull', KUBELET, field)
    }
    return
  }
  if (cs.state === 'waiting' || cs.state === 'pull-failed' || cs.state === 'pull-backoff') {
    ctx.event(
      pod,
      'Normal',
      'Pulled',
      `Successfully pulled image "${image}" in 1.42s (1.42s including waiting). Image size: 1234567890 bytes.`,
      KUBELET,
      field,
    )
  }
  const profile = pulled.profile
  const id = identityFor({metadata: pod.metadata as Obj, spec: spec(pod)}, c, profile)
  const envResult = containerEnv(ctx, pod, c)
  cs.imageID = pulled.imageID
  let failure: {reason: string; message: string} | undefined
  if (forced === 'CreateContainerConfigError') {
    failure = {reason: 'CreateContainerConfigError', message: override?.message ?? 'configuration error'}
  } else if ('reason' in id) failure = {reason: id.reason, message: id.message}
  else if ('error' in envResult) failure = {reason: 'CreateContainerConfigError', message: envResult.error}
  if (failure || !('identity' in id) || !('env' in envResult)) {
    cs.state = 'config-error'
    cs.reason = failure?.reason ?? 'CreateContainerConfigError'
    cs.message = failure?.message
    ctx.event(pod, 'Warning', 'Failed', `Error: ${cs.message ?? cs.reason}`, KUBELET, field)
    return
  }
  const mounts = mountsFor({spec: spec(pod)}, c, ctx.opts.pvc, claim => volumeContents(ctx, nsOf(pod), claim))
  const strs = (v: unknown) => (Array.isArray(v) ? v.map(String) : undefined)
  const result = startContainer(
    profile,
    id.identity,
    mounts,
    envResult.env,
    pod.metadata.name ?? '',
    ctx.logTime(),
    {
      command: strs(c.command),
      args: strs(c.args),
      namespace: nsOf(pod),
    },
  )
  cs.runtime = result.runtime
  cs.startedAt = ctx.ts()
  ctx.event(pod, 'Normal', 'Created', `Created container ${name}`, KUBELET, field)
  ctx.event(pod, 'Normal', 'Started', `Started container ${name}`, KUBELET, field)
  const crash = forced === 'CrashLoopBackOff' || (forced !== 'Running' && !result.ok)
  if (crash) {
    cs.state = 'crashed'
    cs.crashLog = override?.log ?? result.log
    cs.exitCode = override?.exitCode ?? (result.ok ? 1 : result.exitCode)
    cs.finishedAt = ctx.ts()
    cs.ready = false
    cs.current.end()
    cs.current = new LogStream(cs.crashLog, true)
  } else {
    cs.state = 'running'
    cs.ready = override?.ready ?? true
    cs.current.end()
    cs.current = new LogStream(override?.log ?? result.log)
  }
}

/** One kubelet transition for a container already past scheduling. */
function advance(ctx: SimContext, pod: KObject, c: Obj, cs: ContainerSim): void {
  const name = str(c.name) ?? ''
  const field = `spec.containers{${name}}`
  switch (cs.state) {
    case 'waiting':
    case 'config-error':
      start(ctx, pod, c, cs)
      break
    case 'pull-failed':
      cs.state = 'pull-backoff'
      cs.reason = 'ImagePullBackOff'
      cs.message = `Back-off pulling image "${str(c.image) ?? ''}"`
      ctx.event(pod, 'Normal', 'BackOff', cs.message, KUBELET, field)
      ctx.event(pod, 'Warning', 'Failed', 'Error: ImagePullBackOff', KUBELET, field)
      break
    case 'pull-backoff': {
      // the kubelet keeps retrying: an image that appeared meanwhile (a finished build) is pulled now
      if (pull(ctx, nsOf(pod), str(c.image) ?? '').ok) start(ctx, pod, c, cs)
      break
    }
    case 'crashed':
    case 'backoff':
      if (cs.state === 'backoff' && cs.restarts >= ctx.opts.maxRestarts) break
      cs.restarts++
      cs.state = 'backoff'
      ctx.event(
        pod,
        'Warning',
        'BackOff',
        `Back-off restarting failed container ${name} in pod ${formatPod({metadata: pod.metadata as Obj})}`,
        KUBELET,
        field,
      )
      cs.previous = cs.current
      cs.current = new LogStream(cs.crashLog, true)
      cs.finishedAt = ctx.ts()
      break
    default:
      break
  }
}

function terminated(cs: ContainerSim, containerID: string): Obj {
  return {
    exitCode: cs.exitCode,
    reason: 'Error',
    startedAt: cs.startedAt,
    finishedAt: cs.finishedAt,
    containerID,
  }
}

function containerStatus(pod: KObject, c: Obj, cs: ContainerSim): Obj {
  const name = str(c.name) ?? ''
  const image = str(c.image) ?? ''
  const containerID = `cri-o://${sha256Hex(`${pod.metadata.uid}/${name}/${cs.restarts}`)}`
  const base: Obj = {
    name,
    image,
    imageID: cs.imageID ?? '',
    ready: cs.ready,
    restartCount: cs.restarts,
    started: cs.state === 'running',
  }
  switch (cs.state) {
    case 'running':
      return {...base, containerID, state: {running: {startedAt: cs.startedAt}}, lastState: {}}
    case 'crashed':
      return {...base, containerID, state: {terminated: terminated(cs, containerID)}, lastState: {}}
    case 'backoff':
      return {
        ...base,
        containerID,
        state: {
          waiting: {
            reason: 'CrashLoopBackOff',
            message: `back-off ${backoff(cs.restarts)} restarting failed container=${name} pod=${formatPod({metadata: pod.metadata as Obj})}`,
          },
        },
        lastState: {terminated: terminated(cs, containerID)},
      }
    case 'waiting':
      return {...base, imageID: '', state: {waiting: {reason: 'ContainerCreating'}}, lastState: {}}
    default:
      return {
        ...base,
        imageID: '',
        state: {waiting: {reason: cs.reason, ...(cs.message ? {message: cs.message} : {})}},
        lastState: {},
      }
  }
}

function renderStatus(ctx: SimContext, pod: KObject, sim: PodSimEx): KObject {
  const after = clone(pod)
  const st = obj(after.status)
  const now = ctx.ts()
  const containers = arr(spec(pod).containers)
  const statuses = containers.map(c =>
    containerStatus(pod, c, sim.containers.get(str(c.name) ?? '') ?? newContainer()),
  )
  const started = [...sim.containers.values()].some(
    cs => cs.state === 'running' || cs.state === 'crashed' || cs.state === 'backoff',
  )
  const allReady = containers.length > 0 && statuses.every(s => s.ready === true)
  const unready = statuses.filter(s => s.ready !== true).map(s => s.name)
  st.phase = started ? 'Running' : 'Pending'
  st.hostIP = '10.0.0.10'
  st.hostIPs = [{ip: '10.0.0.10'}]
  st.podIP = sim.ip
  st.podIPs = [{ip: sim.ip}]
  st.startTime = str(st.startTime) ?? now
  st.qosClass = str(st.qosClass) ?? 'BestEffort'
  st.containerStatuses = statuses
  setCondition(st, {type: 'PodReadyToStartContainers', status: 'True'}, now)
  setCondition(st, {type: 'Initialized', status: 'True'}, now)
  const notReady = {
    reason: 'ContainersNotReady',
    message: `containers with unready status: [${unready.join(' ')}]`,
  }
  setCondition(
    st,
    allReady ? {type: 'Ready', status: 'True'} : {type: 'Ready', status: 'False', ...notReady},
    now,
  )
  setCondition(
    st,
    allReady
      ? {type: 'ContainersReady', status: 'True'}
      : {type: 'ContainersReady', status: 'False', ...notReady},
    now,
  )
  setCondition(st, {type: 'PodScheduled', status: 'True'}, now)
  for (const c of arr(st.conditions)) c.lastProbeTime = null
  after.status = st
  return after
}

/** One kubelet/scheduler step over all pods. */
export function kubeletStep(ctx: SimContext): boolean {
  const rt = ctx.rt('v1', 'pods')
  if (!rt) return false
  let changed = false
  const seen = new Set<string>()
  for (const pod of ctx.store.list(rt)) {
    const uid = pod.metadata.uid ?? ''
    seen.add(uid)
    let sim = ctx.pods.get(uid) as PodSimEx | undefined
    if (!sim) {
      const st = obj(pod.status)
      // pods a scenario seeds with container states (or finished pods) are scripted: leave them alone
      const scripted =
        arr(st.containerStatuses).length > 0 || st.phase === 'Succeeded' || st.phase === 'Failed'
      sim = {scheduled: false, containers: new Map(), ip: '', managed: !scripted}
      ctx.pods.set(uid, sim)
    }
    if (!sim.managed || pod.metadata.deletionTimestamp) continue
    if (!sim.scheduled) {
      const binding = volumeBinding(ctx, pod)
      // a WaitForFirstConsumer claim is being provisioned for the node the scheduler chose: wait
      if (binding.state === 'binding') continue
      const blocked = binding.state === 'unschedulable' ? binding.message : undefined
      const after = clone(pod)
      const st = obj(after.status)
      st.phase = 'Pending'
      st.qosClass = str(st.qosClass) ?? 'BestEffort'
      if (blocked) {
        setCondition(
          st,
          {type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: blocked},
          ctx.ts(),
        )
        for (const c of arr(st.conditions)) c.lastProbeTime = null
        after.status = st
        if (ctx.save('v1', 'pods', pod, after)) {
          changed = true
          ctx.event(pod, 'Warning', 'FailedScheduling', blocked, 'default-scheduler')
        }
        continue
      }
      sim.scheduled = true
      sim.ip = ctx.nextPodIp()
      for (const c of arr(spec(pod).containers)) sim.containers.set(str(c.name) ?? '', newContainer())
      after.spec = {...spec(after), nodeName: NODE_NAME}
      removeCondition(st, 'PodScheduled')
      after.status = st
      const rendered = renderStatus(ctx, after, sim)
      ctx.save('v1', 'pods', pod, rendered)
      ctx.event(
        pod,
        'Normal',
        'Scheduled',
        `Successfully assigned ${nsOf(pod)}/${pod.metadata.name} to ${NODE_NAME}`,
        'default-scheduler',
      )
      ctx.event(pod, 'Normal', 'AddedInterface', `Add eth0 [${sim.ip}/23] from ovn-kubernetes`, 'multus')
      changed = true
      continue
    }
    // Volumes are set up before any container starts: a missing Secret/ConfigMap holds the pod.
    const notStarted = [...sim.containers.values()].every(cs => cs.state === 'waiting')
    const mountFailure = notStarted ? missingVolumeSource(ctx, pod) : undefined
    if (mountFailure) {
      if (sim.mountFailure !== mountFailure) ctx.event(pod, 'Warning', 'FailedMount', mountFailure, KUBELET)
      sim.mountFailure = mountFailure
      continue
    }
    sim.mountFailure = undefined
    for (const c of arr(spec(pod).containers)) {
      const name = str(c.name) ?? ''
      let cs = sim.containers.get(name)
      if (!cs) sim.containers.set(name, (cs = newContainer()))
      advance(ctx, pod, c, cs)
    }
    const latest = ctx.store.get(rt, nsOf(pod), pod.metadata.name ?? '') ?? pod
    if (ctx.save('v1', 'pods', latest, renderStatus(ctx, latest, sim))) changed = true
  }
  for (const [uid, sim] of ctx.pods) {
    if (seen.has(uid)) continue
    for (const cs of sim.containers.values()) cs.current.end()
    ctx.pods.delete(uid)
  }
  return changed
}

function findContainer(
  ctx: SimContext,
  namespace: string,
  podName: string,
  container: string | undefined,
): {pod: KObject; name: string; cs?: ContainerSim} {
  const pod = ctx.get('v1', 'pods', namespace, podName)
  if (!pod) throw new ApiError(404, 'NotFound', `pods "${podName}" not found`, {name: podName, kind: 'pods'})
  const names = arr(spec(pod).containers).map(c => str(c.name) ?? '')
  const name = container ?? names[0] ?? ''
  const cs = ctx.pods.get(pod.metadata.uid ?? '')?.containers.get(name)
  return {pod, name, cs}
}

/** GET pods/NAME/log: the current (or previous) run's lines; a container that never started is an error. */
export function podLog(
  ctx: SimContext,
  namespace: string,
  podName: string,
  container: string | undefined,
  previous: boolean,
): LogSource {
  const {pod, name, cs} = findContainer(ctx, namespace, podName, container)
  const sim = ctx.pods.get(pod.metadata.uid ?? '') as PodSimEx | undefined
  if (sim && !sim.managed) return new LogStream([], true)
  if (previous) {
    if (!cs?.previous)
      throw new ApiError(
        400,
        'BadRequest',
        `previous terminated container "${name}" in pod "${podName}" not found`,
      )
    return cs.previous
  }
  if (
    !cs ||
    cs.state === 'waiting' ||
    cs.state === 'pull-failed' ||
    cs.state === 'pull-backoff' ||
    cs.state === 'config-error'
  ) {
    const reason = !cs || cs.state === 'waiting' ? 'ContainerCreating' : (cs.reason ?? 'ContainerCreating')
    throw new ApiError(
      400,
      'BadRequest',
      `container "${name}" in pod "${podName}" is waiting to start: ${reason === 'ImagePullBackOff' || reason === 'ErrImagePull' ? 'trying and failing to pull image' : reason}`,
    )
  }
  return cs.current
}

/** An exec'd command, answered from the container's runtime (or a scenario's scripted answer). */
export function podExec(
  ctx: SimContext,
  namespace: string,
  podName: string,
  container: string | undefined,
  command: string[],
): ExecResult {
  const {pod, name, cs} = findContainer(ctx, namespace, podName, container)
  const scripted = podOverride(ctx, pod, name)?.exec?.[command.join(' ')]
  if (scripted)
    return {stdout: scripted.stdout ?? '', stderr: scripted.stderr ?? '', exitCode: scripted.exitCode ?? 0}
  const runtime: Runtime | undefined = cs?.runtime
  if (!cs || cs.state !== 'running' || !runtime) {
    throw new ApiError(400, 'BadRequest', `unable to upgrade connection: container not found ("${name}")`)
  }
  return execCommand(runtime, command)
}

/** The files on the PersistentVolume a claim is bound to (none for an unbound claim). */
function volumeContents(ctx: SimContext, namespace: string, claimName: string): Set<string> | undefined {
  const claim = ctx.get('v1', 'persistentvolumeclaims', namespace, claimName)
  const pv = str(obj(claim?.spec).volumeName)
  if (!pv) return undefined
  let files = ctx.volumeContents.get(pv)
  if (!files) ctx.volumeContents.set(pv, (files = new Set()))
  return files
}

/**
 * Shared state of one simulator instance: the store, the normalized options, the clock (advanced by
 * steps, never by timers), events, the image registry, log streams and per-object controller memory.
 */
import {ApiError, type KObject, type ResourceType, type Store} from '../types.js'
import {mustRt, rtOf, sha256Hex, stableJson} from './kube.js'
import {LogStream} from './logs.js'
import type {Normalized} from './options.js'
import type {Runtime} from './process.js'
import type {ImageProfile} from './profiles.js'

export const INTERNAL_REGISTRY = 'image-registry.openshift-image-registry.svc:5000'
export const NODE_NAME = 'worker-0.sandbox.example.com'

export interface RegistryImage {
  /** `sha256:...` */
  digest: string
  /** pull spec by digest */
  reference: string
  profile: ImageProfile
  created: string
}

export interface ContainerSim {
  state: 'waiting' | 'pull-failed' | 'pull-backoff' | 'config-error' | 'running' | 'crashed' | 'backoff'
  restarts: number
  runtime?: Runtime
  crashLog: string[]
  exitCode: number
  imageID?: string
  reason?: string
  message?: string
  current: LogStream
  previous?: LogStream
  startedAt?: string
  finishedAt?: string
  ready: boolean
}

export interface PodSim {
  scheduled: boolean
  containers: Map<string, ContainerSim>
  ip: string
}

/** What a build will do, decided from its source and strategy when it starts running (builds.ts). */
export interface BuildPlan {
  /** log lines after the clone */
  lines: string[]
  outcome: 'Complete' | 'Failed' | 'Error' | 'Cancelled'
  reason?: string
  message?: string
  /** the pushed image's profile, when it completes */
  profile?: ImageProfile
}

export interface BuildSim {
  log: LogStream
  runningSteps: number
  stepsRunning: number
  /** step in which the build was created: it shows phase New until the next step */
  createdStep: number
  plan?: BuildPlan
}

export class SimContext {
  store!: Store
  readonly opts: Normalized
  stepCount = 0
  private readonly startMs: number
  private eventSeq = 0
  private podIpSeq = 0
  private digestSeq = 0
  /** dedupe key → event name, so repeated events bump `count` like the kubelet's event aggregator */
  private readonly eventKeys = new Map<string, string>()
  readonly registry = new Map<string, RegistryImage>()
  readonly pods = new Map<string, PodSim>()
  readonly builds = new Map<string, BuildSim>()
  /** deployment/DC uid → step of the last observed progress and what it looked like */
  readonly progress = new Map<string, {step: number; fingerprint: string}>()
  /** route uid → admission order (older routes win a host) */
  readonly routeOrder = new Map<string, number>()
  /**
   * PersistentVolume name → paths written on it (relative to its root): a volume's files outlive the
   * pods that wrote them and appear in every later pod that mounts its claim, as on real storage.
   */
  readonly volumeContents = new Map<string, Set<string>>()
  /** bumped on every change of an RBAC object or SCC: who may use which SCC may have changed */
  grantsGeneration = 0

  constructor(opts: Normalized) {
    this.opts = opts
    this.startMs = opts.clock.start ?? Date.now()
  }

  /** Virtual time when the scenario pinned a start, else the wall clock (timestamps only, never waits). */
  now(): Date {
    if (this.opts.clock.start !== undefined)
      return new Date(this.startMs + this.stepCount * this.opts.clock.secondsPerStep * 1000)
    return new Date()
  }

  ts(): string {
    return this.now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z')
  }

  /** `HH:MM:SS.mmm` for Jupyter-style log lines. */
  logTime(): string {
    return this.now().toISOString().slice(0, 23).replace('T', ' ')
  }

  rt(apiVersion: string, plural: string): ResourceType | undefined {
    return rtOf(this.store, apiVersion, plural)
  }

  mustRt(apiVersion: string, plural: string): ResourceType {
    return mustRt(this.store, apiVersion, plural)
  }

  list(apiVersion: string, plural: string, namespace?: string): KObject[] {
    const rt = this.rt(apiVersion, plural)
    return rt ? this.store.list(rt, namespace) : []
  }

  get(apiVersion: string, plural: string, namespace: string | undefined, name: string): KObject | undefined {
    const rt = this.rt(apiVersion, plural)
    return rt ? this.store.get(rt, namespace, name) : undefined
  }

  /** Writes a changed object; returns false (and writes nothing) when it equals what is stored. */
  save(apiVersion: string, plural: string, before: KObject, after: KObject): boolean {
    if (stableJson(before) === stableJson(after)) return false
    const rt = this.mustRt(apiVersion, plural)
    this.store.update(rt, after)
    return true
  }

  nextPodIp(): string {
    this.podIpSeq++
    return `10.128.${Math.floor(this.podIpSeq / 250) + 2}.${(this.podIpSeq % 250) + 2}`
  }

  /** A deterministic digest for something new (an import, a build's push). */
  newDigest(seed: string): string {
    this.digestSeq++
    return `sha256:${sha256Hex(`${seed}#${this.digestSeq}`)}`
  }

  /**
   * Records a core/v1 Event on `involved`. Repeats of the same reason and message update `count` and
   * `lastTimestamp` of the first one (client-go's event correlator does the same).
   */
  event(
    involved: KObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    component: string,
    fieldPath?: string,
  ): void {
    const rt = this.rt('v1', 'events')
    const ns = involved.metadata.namespace ?? 'default'
    if (!rt) return
    const key = `${involved.metadata.uid}|${reason}|${message}|${fieldPath ?? ''}`
    const now = this.ts()
    const existingName = this.eventKeys.get(key)
    if (existingName) {
      const ev = this.store.get(rt, ns, existingName)
      if (ev) {
        ev.count = ((ev.count as number | undefined) ?? 1) + 1
        ev.lastTimestamp = now
        this.store.update(rt, ev)
        return
      }
    }
    this.eventSeq++
    const name = `${involved.metadata.name}.${(0x17a0000000000000n + BigInt(this.eventSeq)).toString(16)}`
    const ev: KObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {name, namespace: ns},
      involvedObject: {
        apiVersion: involved.apiVersion,
        kind: involved.kind,
        name: involved.metadata.name,
        namespace: involved.metadata.namespace,
        uid: involved.metadata.uid,
        resourceVersion: involved.metadata.resourceVersion,
        ...(fieldPath ? {fieldPath} : {}),
      },
      reason,
      message,
      type,
      source: {component, ...(component === 'kubelet' ? {host: NODE_NAME} : {})},
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      eventTime: null,
      reportingComponent: component,
      reportingInstance: component === 'kubelet' ? NODE_NAME : '',
    }
    try {
      this.store.create(rt, ev)
      this.eventKeys.set(key, name)
    } catch (err) {
      // an event into a terminating namespace is dropped, as the real recorder drops it
      if (!(err instanceof ApiError)) throw err
    }
  }
}

export function ownerRef(
  o: KObject,
  controller = true,
): NonNullable<KObject['metadata']['ownerReferences']>[number] {
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.metadata.name ?? '',
    uid: o.metadata.uid ?? '',
    controller,
    blockOwnerDeletion: true,
  }
}

export function ownedBy(o: KObject, owner: KObject): boolean {
  return (o.metadata.ownerReferences ?? []).some(r => r.uid === owner.metadata.uid)
}

/** Kinds an `owner: Kind/name` may name or an event rule may match, with where they are served. */
const KINDS: Record<string, [string, string]> = {
  Pod: ['v1', 'pods'],
  ReplicaSet: ['apps/v1', 'replicasets'],
  Deployment: ['apps/v1', 'deployments'],
  DeploymentConfig: ['apps.openshift.io/v1', 'deploymentconfigs'],
  PersistentVolumeClaim: ['v1', 'persistentvolumeclaims'],
  BuildConfig: ['build.openshift.io/v1', 'buildconfigs'],
  Build: ['build.openshift.io/v1', 'builds'],
  Route: ['route.openshift.io/v1', 'routes'],
  Service: ['v1', 'services'],
}

export function servedKind(kind: string): [string, string] | undefined {
  return KINDS[kind]
}

/**
 * Whether `o` is owned, directly or through its owners (a pod through its ReplicaSet), by the object
 * `owner` names as `Kind/name` in the same namespace.
 */
export function ownedByRef(ctx: SimContext, o: KObject, owner: string): boolean {
  const [kind, name] = owner.split('/', 2)
  let current: KObject | undefined = o
  for (let depth = 0; current && depth < 5; depth++) {
    const refs: NonNullable<KObject['metadata']['ownerReferences']> = current.metadata.ownerReferences ?? []
    if (refs.some(r => r.kind === kind && r.name === name)) return true
    const ref = refs.find(r => r.controller) ?? refs[0]
    const where = ref ? KINDS[ref.kind] : undefined
    current = where ? ctx.get(where[0], where[1], current.metadata.namespace, ref!.name) : undefined
  }
  return false
}

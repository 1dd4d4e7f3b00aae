/**
 * REST-strategy rules applied to API requests only (simulators write through the store directly):
 * status is not taken from a create or a main-resource update on kinds with a status subresource,
 * `Secret.stringData` is folded into `data`, and the defaulting that clients see in responses
 * (and `kubectl get -o yaml`) — Deployment strategy, pod template fields, Service type, ...
 */
import type {KObject, ResourceType} from './types.js'

type Obj = Record<string, any>

function imagePullPolicy(image: string): string {
  // the apiserver defaults to Always for :latest or no tag, IfNotPresent otherwise
  const last = image.split('/').pop() ?? ''
  if (image.includes('@')) return 'IfNotPresent'
  const tag = last.includes(':') ? last.split(':').pop() : undefined
  return !tag || tag === 'latest' ? 'Always' : 'IfNotPresent'
}

function defaultContainer(c: Obj): void {
  if (!c || typeof c !== 'object') return
  if (c.image && !c.imagePullPolicy) c.imagePullPolicy = imagePullPolicy(c.image)
  c.terminationMessagePath ??= '/dev/termination-log'
  c.terminationMessagePolicy ??= 'File'
  c.resources ??= {}
  for (const p of c.ports ?? []) p.protocol ??= 'TCP'
  for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) {
    if (!probe) continue
    probe.timeoutSeconds ??= 1
    probe.periodSeconds ??= 10
    probe.successThreshold ??= 1
    probe.failureThreshold ??= 3
    if (probe.httpGet) probe.httpGet.scheme ??= 'HTTP'
  }
}

export function defaultPodSpec(spec: Obj | undefined): void {
  if (!spec || typeof spec !== 'object') return
  spec.restartPolicy ??= 'Always'
  spec.terminationGracePeriodSeconds ??= 30
  spec.dnsPolicy ??= 'ClusterFirst'
  spec.securityContext ??= {}
  spec.schedulerName ??= 'default-scheduler'
  for (const c of spec.containers ?? []) defaultContainer(c)
  for (const c of spec.initContainers ?? []) defaultContainer(c)
  for (const v of spec.volumes ?? []) {
    if (v.secret) v.secret.defaultMode ??= 420
    if (v.configMap) v.configMap.defaultMode ??= 420
  }
}

let nextClusterIp = 10

function defaults(obj: KObject): void {
  const o = obj as Obj
  switch (obj.kind) {
    case 'Namespace':
      o.spec = {finalizers: ['kubernetes'], ...(o.spec ?? {})}
      break
    case 'Secret':
      o.type ??= 'Opaque'
      if (o.stringData && typeof o.stringData === 'object') {
        // the apiserver folds stringData into data (base64) and never returns stringData
        o.data = {...(o.data ?? {})}
        for (const [k, v] of Object.entries(o.stringData))
          o.data[k] = Buffer.from(String(v)).toString('base64')
        delete o.stringData
      }
      break
    case 'Service': {
      const spec = (o.spec ??= {})
      spec.type ??= 'ClusterIP'
      spec.sessionAffinity ??= 'None'
      if (spec.type !== 'ExternalName' && spec.clusterIP === undefined) {
        spec.clusterIP = `172.30.${Math.floor(nextClusterIp / 250)}.${(nextClusterIp % 250) + 1}`
        nextClusterIp++
      }
      if (spec.clusterIP && !spec.clusterIPs) spec.clusterIPs = [spec.clusterIP]
      spec.ipFamilies ??= ['IPv4']
      spec.ipFamilyPolicy ??= 'SingleStack'
      spec.internalTrafficPolicy ??= 'Cluster'
      for (const p of spec.ports ?? []) {
        p.protocol ??= 'TCP'
        p.targetPort ??= p.port
      }
      break
    }
    case 'PersistentVolumeClaim':
      o.spec ??= {}
      o.spec.volumeMode ??= 'Filesystem'
      break
    case 'Pod':
      defaultPodSpec(o.spec)
      if (o.spec) {
        o.spec.serviceAccountName ??= o.spec.serviceAccount ?? 'default'
        o.spec.serviceAccount ??= o.spec.serviceAccountName
      }
      break
    case 'Deployment': {
      const spec = (o.spec ??= {})
      spec.replicas ??= 1
      spec.revisionHistoryLimit ??= 10
      spec.progressDeadlineSeconds ??= 600
      // kubectl create deployment sends `strategy: {}`: an empty type defaults too
      spec.strategy ??= {}
      spec.strategy.type ??= 'RollingUpdate'
      if (spec.strategy.type === 'RollingUpdate')
        spec.strategy.rollingUpdate ??= {maxUnavailable: '25%', maxSurge: '25%'}
      defaultPodSpec(spec.template?.spec)
      break
    }
    case 'ReplicaSet':
      o.spec ??= {}
      o.spec.replicas ??= 1
      defaultPodSpec(o.spec.template?.spec)
      break
    case 'DeploymentConfig':
      o.spec ??= {}
      o.spec.replicas ??= 1
      o.spec.strategy ??= {type: 'Rolling'}
      defaultPodSpec(o.spec.template?.spec)
      break
    case 'Route': {
      const spec = (o.spec ??= {})
      spec.wildcardPolicy ??= 'None'
      if (spec.to) spec.to.weight ??= 100
      break
    }
    case 'BuildConfig':
      o.spec ??= {}
      o.spec.runPolicy ??= 'Serial'
      break
  }
}

/** Prepares an object POSTed by a client. */
export function prepareForCreate(rt: ResourceType, obj: KObject): KObject {
  if (rt.subresources.includes('status')) {
    delete obj.status
    if (obj.kind === 'Namespace') obj.status = {phase: 'Active'}
    if (obj.kind === 'Pod') obj.status = {phase: 'Pending', qosClass: 'BestEffort'}
    if (obj.kind === 'PersistentVolumeClaim') obj.status = {phase: 'Pending'}
  }
  defaults(obj)
  return obj
}

/**
 * Values an update may leave out and the server keeps (for idempotent `replace`/`apply` of the object
 * that created them): a Service's allocated cluster IPs (pkg/registry/core/service/storage
 * patchAllocatedValues) and a Route's host (openshift-apiserver route strategy PrepareForUpdate:
 * "Ignore attempts to clear the spec Host").
 */
function keepAllocated(obj: KObject, old: KObject): void {
  const o = obj as Obj
  const prev = (old as Obj).spec ?? {}
  if (obj.kind === 'Service' && o.spec && o.spec.type !== 'ExternalName' && prev.type !== 'ExternalName') {
    if (!o.spec.clusterIP && prev.clusterIP) o.spec.clusterIP = prev.clusterIP
    if (!o.spec.clusterIPs?.length && prev.clusterIPs?.length)
      o.spec.clusterIPs = structuredClone(prev.clusterIPs)
  }
  if (obj.kind === 'Route' && o.spec && !o.spec.host && prev.host) o.spec.host = prev.host
}

/** Prepares an object PUT (or patched) on the main resource: status stays what it was. */
export function prepareForUpdate(rt: ResourceType, obj: KObject, old: KObject): KObject {
  if (rt.subresources.includes('status')) {
    if (old.status === undefined) delete obj.status
    else obj.status = structuredClone(old.status)
  }
  keepAllocated(obj, old)
  defaults(obj)
  return obj
}

/** Prepares a PUT/PATCH on the status subresource: only status changes. */
export function prepareForStatusUpdate(obj: KObject, old: KObject): KObject {
  const out = structuredClone(old)
  if (obj.status === undefined) delete out.status
  else out.status = obj.status
  out.metadata.resourceVersion = obj.metadata?.resourceVersion
  return out
}

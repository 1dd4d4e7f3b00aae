/**
 * `oc jupyter status`: objects, workload and pod state (UID and SCC), storage, route, last build.
 * Never shows the password: only the Secret's name and the command that prints it.
 */
import {isForbidden, resourcePath, type KindName, type KubeClient, type KubeObject} from './cluster/index.js'
import {noSuchNotebook, stateOf, type NotebookRow} from './notebooks.js'
import {adoptCommand, findForeign, selectorString, type ForeignNotebook} from './foreign.js'
import {findInstance, loginMode, workloadImageStreamTag, type FoundObject} from './instance.js'
import {passwordSecretName} from './render/secret.js'
import {instanceSelector} from './render/labels.js'
import {arr, count, rec, str, type Rec} from './cluster/obj.js'

export interface StatusReport {
  name: string
  namespace: string
  /** Running, Starting, Failing, or Stopped (oc jupyter stop: scaled to 0, data and password kept) */
  state?: NotebookRow['state']
  objects: Array<{kind: string; name: string}>
  workload?: {
    kind: string
    replicas: number
    ready: number
    available: number
    image?: string
    imageStreamTag?: string
    /** why pods cannot be created (ReplicaFailure, e.g. SCC admission), verbatim */
    failure?: string
  }
  pods: Array<{
    name: string
    phase: string
    ready: boolean
    uid?: number
    scc?: string
    problem?: string
    restarts: number
    /** the latest Warning events of a pod that is not ready: `Reason: message` */
    events?: string[]
  }>
  storage?: {
    name: string
    phase: string
    size?: string
    requested?: string
    accessModes: string[]
    storageClass?: string
  }
  route?: {host?: string; url?: string; admitted: boolean; reason?: string}
  build?: {name: string; phase: string; reason?: string}
  passwordSecret?: string
  passwordCommand: string
  /** how people log in: the Secret's password, or their OpenShift account (--auth openshift) */
  login: 'password' | 'openshift'
  /** what the user may not read (a `view` user may not list Secrets), with the server's reason */
  notVisible?: Array<{kind: string; message: string}>
  /** made without oc-jupyter (the recipe's oc new-app): how to move it under oc-jupyter */
  foreign?: {adoptCommand: string}
}

export function summarizePod(pod: KubeObject): StatusReport['pods'][number] {
  const status = rec(pod.status)
  const statuses = arr(status.containerStatuses)
  const nb = statuses.find(c => c.name === 'notebook') ?? statuses[0]
  const spec = rec(pod.spec)
  const container = arr(spec.containers).find(c => c.name === 'notebook') ?? arr(spec.containers)[0]
  const uid = rec(container?.securityContext).runAsUser ?? rec(spec.securityContext).runAsUser
  const waiting = rec(rec(nb?.state).waiting)
  const reason = str(waiting.reason)
  return {
    name: pod.metadata?.name as string,
    phase: str(status.phase) ?? 'Pending',
    ready: nb?.ready === true,
    ...(typeof uid === 'number' ? {uid} : {}),
    ...(pod.metadata?.annotations?.['openshift.io/scc']
      ? {scc: pod.metadata.annotations['openshift.io/scc']}
      : {}),
    ...(reason ? {problem: `${reason}${str(waiting.message) ? `: ${str(waiting.message)}` : ''}`} : {}),
    restarts: count(nb?.restartCount),
  }
}

export async function gatherStatus(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<StatusReport> {
  const hidden: Array<{kind: KindName; message: string}> = []
  let found = await findInstance(client, namespace, name, {hidden})
  let podSelector = instanceSelector(name)
  let foreign: StatusReport['foreign']
  if (found.length === 0 && hidden.length === 0) {
    // Made without oc-jupyter (the recipe's oc new-app): found by name, its pods by its own selector.
    const other = await findForeign(client, namespace, name)
    if (!other) throw await noSuchNotebook(client, namespace, name, 'status')
    found = await foreignObjects(client, namespace, other.workload, other.foreign)
    podSelector = selectorString(other.foreign.selector)
    foreign = {adoptCommand: adoptCommand(other.foreign, namespace)}
  }
  const report: StatusReport = {
    name,
    namespace,
    objects: found.map(f => ({kind: f.kind, name: f.name})),
    pods: [],
    passwordCommand: `oc jupyter password ${name} -n ${namespace}`,
    login: 'password',
    ...(hidden.length > 0 ? {notVisible: hidden} : {}),
    ...(foreign ? {foreign} : {}),
  }
  const byKind = (k: string) => found.find(f => f.kind === k)?.object
  const workload = byKind('Deployment') ?? byKind('DeploymentConfig')
  report.login = loginMode(workload)
  if (workload) {
    const s = rec(workload.status)
    const containers = arr(rec(rec(rec(workload.spec).template).spec).containers)
    const c = containers.find(x => x.name === 'notebook') ?? (foreign ? containers[0] : undefined)
    report.workload = {
      kind: workload.kind ?? 'Deployment',
      replicas: count(rec(workload.spec).replicas),
      ready: count(s.readyReplicas),
      available: count(s.availableReplicas),
      ...(str(c?.image) ? {image: str(c?.image)} : {}),
      ...(workloadImageStreamTag(workload) ? {imageStreamTag: workloadImageStreamTag(workload)} : {}),
    }
    const failure = arr(s.conditions).find(x => x.type === 'ReplicaFailure' && x.status === 'True')
    if (str(failure?.message)) report.workload.failure = str(failure?.message)
  }
  const pvc = byKind('PersistentVolumeClaim')
  if (pvc) {
    const spec = rec(pvc.spec)
    report.storage = {
      name: pvc.metadata?.name as string,
      phase: str(rec(pvc.status).phase) ?? 'Pending',
      ...(str(rec(rec(pvc.status).capacity).storage)
        ? {size: str(rec(rec(pvc.status).capacity).storage)}
        : {}),
      ...(str(rec(rec(spec.resources).requests).storage)
        ? {requested: str(rec(rec(spec.resources).requests).storage)}
        : {}),
      accessModes: Array.isArray(spec.accessModes) ? (spec.accessModes as string[]) : [],
      ...(str(spec.storageClassName) ? {storageClass: str(spec.storageClassName)} : {}),
    }
  }
  const route = byKind('Route')
  if (route) {
    const ingress = arr(rec(route.status).ingress)
    const cond = (i: Rec) => arr(i.conditions).find(c => c.type === 'Admitted')
    const admitted = ingress.find(i => cond(i)?.status === 'True')
    const rejected = ingress.find(i => cond(i)?.status === 'False')
    const host = str(admitted?.host) ?? str(rec(route.spec).host)
    const tls = rec(rec(route.spec).tls).termination
    report.route = {
      ...(host ? {host, url: `${tls ? 'https' : 'http'}://${host}`} : {}),
      admitted: Boolean(admitted),
      ...(rejected && !admitted ? {reason: str(cond(rejected)?.reason)} : {}),
    }
  }
  const secret = found.find(f => f.kind === 'Secret' && f.name === passwordSecretName(name))
  if (secret && report.login === 'password') report.passwordSecret = secret.name

  const [pods, build] = await Promise.all([
    client
      .list<KubeObject>(resourcePath('Pod', {namespace}), {labelSelector: podSelector})
      .catch((error: unknown) => {
        if (!isForbidden(error)) throw error
        hidden.push({kind: 'Pod', message: error.message})
        return {items: [] as KubeObject[]}
      }),
    lastBuild(client, namespace, report.workload?.imageStreamTag),
  ])
  if (hidden.length > 0) report.notVisible = hidden
  const live = pods.items.filter(p => !p.metadata?.deletionTimestamp)
  report.pods = live.map(summarizePod)
  if (workload) report.state = stateOf(workload, live).state
  await Promise.all(
    report.pods
      .filter(p => !p.ready)
      .map(async p => {
        const events = await podWarnings(client, namespace, p.name)
        if (events.length > 0) p.events = events
      }),
  )
  if (build) report.build = build
  return report
}

/** A foreign notebook's objects, found by name: its workload, Service, Route and mounted claim. */
async function foreignObjects(
  client: KubeClient,
  namespace: string,
  workload: KubeObject,
  foreign: ForeignNotebook,
): Promise<FoundObject[]> {
  const get = async (kind: KindName, name: string): Promise<FoundObject[]> => {
    const object = await client
      .getIfExists<KubeObject>(resourcePath(kind, {namespace, name}))
      .catch(() => undefined)
    return object ? [{kind, name, object}] : []
  }
  const rest = await Promise.all([
    get('Route', foreign.name),
    get('Service', foreign.name),
    foreign.claim ? get('PersistentVolumeClaim', foreign.claim) : [],
  ])
  return [{kind: foreign.kind, name: foreign.name, object: workload}, ...rest.flat()]
}

/** The last three Warning events of a pod, oldest first (what `oc describe pod` ends with). */
async function podWarnings(client: KubeClient, namespace: string, pod: string): Promise<string[]> {
  const list = await client
    .list<KubeObject>(resourcePath('Event', {namespace}), {
      fieldSelector: `involvedObject.kind=Pod,involvedObject.name=${pod},type=Warning`,
    })
    .catch(() => ({items: [] as KubeObject[]}))
  const when = (e: KubeObject) =>
    str(e.lastTimestamp) ?? str(e.eventTime) ?? e.metadata?.creationTimestamp ?? ''
  return list.items
    .sort((a, b) => String(when(a)).localeCompare(String(when(b))))
    .slice(-3)
    .map(e => `${str(e.reason) ?? ''}: ${str(e.message) ?? ''}`)
}

/** The last build of the BuildConfig that produces the deployed image stream (same name by convention). */
async function lastBuild(
  client: KubeClient,
  namespace: string,
  tag: string | undefined,
): Promise<StatusReport['build']> {
  if (!tag) return undefined
  const stream = tag.split(':')[0]
  const bc = await client
    .getIfExists<KubeObject>(resourcePath('BuildConfig', {namespace, name: stream}))
    .catch(() => undefined)
  const version = count(rec(bc?.status).lastVersion)
  if (!bc || version === 0) return undefined
  const b = await client
    .getIfExists<KubeObject>(resourcePath('Build', {namespace, name: `${stream}-${version}`}))
    .catch(() => undefined)
  if (!b) return undefined
  const s = rec(b.status)
  return {
    name: b.metadata?.name as string,
    phase: str(s.phase) ?? 'New',
    ...(str(s.reason) ? {reason: str(s.reason)} : {}),
  }
}

export function formatStatus(r: StatusReport): string {
  const lines = [`Notebook ${r.name} in project ${r.namespace}`]
  const row = (k: string, v: string) => lines.push(`  ${(k + ':').padEnd(11)} ${v}`)
  if (r.state === 'Stopped')
    row(
      'State',
      `Stopped (no pods; volume and ${r.login === 'openshift' ? 'Secrets' : 'password'} kept) — start it: oc jupyter start ${r.name} -n ${r.namespace}`,
    )
  else if (r.state) row('State', r.state)
  row('Objects', r.objects.map(o => `${o.kind}/${o.name}`).join(', '))
  if (r.route)
    row(
      'URL',
      `${r.route.url ?? '(no host yet)'} ${r.route.admitted ? '(admitted)' : `(not admitted${r.route.reason ? `: ${r.route.reason}` : ''})`}`,
    )
  if (r.workload) {
    const w = r.workload
    row(
      w.kind,
      `${w.available}/${w.replicas} available${w.imageStreamTag ? `, image ${w.imageStreamTag}` : ''}`,
    )
    if (w.image) row('Image', w.image)
    if (w.failure) row('Failure', w.failure)
  }
  if (r.pods.length === 0) row('Pod', 'none')
  for (const p of r.pods) {
    const who = [p.uid !== undefined ? `uid ${p.uid}` : undefined, p.scc ? `scc ${p.scc}` : undefined]
      .filter(Boolean)
      .join(', ')
    row(
      'Pod',
      `${p.name} ${p.phase}${p.ready ? ' (ready)' : ''}${p.problem ? ` — ${p.problem}` : ''}${p.restarts ? `, ${p.restarts} restarts` : ''}${who ? `; ${who}` : ''}`,
    )
    for (const e of p.events ?? []) lines.push(`  ${''.padEnd(11)}   event ${e}`)
  }
  if (r.storage) {
    const s = r.storage
    row(
      'Storage',
      `${s.name} ${s.phase} ${s.size ?? s.requested ?? ''} ${s.accessModes.join(',')}${s.storageClass ? ` (${s.storageClass})` : ''}`
        .replace(/\s+/g, ' ')
        .trim(),
    )
  }
  if (r.build) row('Build', `${r.build.name} ${r.build.phase}${r.build.reason ? ` (${r.build.reason})` : ''}`)
  const cannotSee = new Set((r.notVisible ?? []).map(h => h.kind))
  if (r.foreign) {
    row('Made by', "not oc-jupyter (e.g. the recipe's oc new-app): no password Secret, no labels")
    row('Adopt', r.foreign.adoptCommand)
    return lines.join('\n')
  }
  if (r.login === 'openshift')
    row(
      'Login',
      `OpenShift accounts (oauth-proxy): anyone who may view project ${r.namespace}; let someone in: oc adm policy add-role-to-user view USER -n ${r.namespace}`,
    )
  else
    row(
      'Password',
      r.passwordSecret
        ? `in Secret ${r.passwordSecret}: ${r.passwordCommand}`
        : cannotSee.has('Secret')
          ? 'not visible to you (you may not read Secrets in this project)'
          : 'no password Secret found',
    )
  if (r.notVisible?.length) {
    row(
      'Not visible',
      `${r.notVisible.map(h => h.kind).join(', ')}: your role in ${r.namespace} may not list them (e.g. view); an admin or editor sees all`,
    )
  }
  return lines.join('\n')
}

/**
 * The notebooks of a project, as `list` shows them and as every command that takes a NAME checks it:
 * workloads labelled as oc-jupyter notebooks, with their Route, claim and pod. Reads only; four LISTs
 * in parallel whatever the number of notebooks.
 */
import {isForbidden, isNotFound, resourcePath, type KubeClient, type KubeObject} from './cluster/index.js'
import {arr, count, rec, str} from './cluster/obj.js'
import {CliError, ExitCode} from './errors.js'
import {adoptCommand, adoptExplanation, findForeign, mountedClaim} from './foreign.js'
import {loginMode, workloadImageStreamTag} from './instance.js'
import {LABEL_COMPONENT, LABEL_INSTANCE, LABEL_MANAGED_BY, MANAGED_BY} from './render/labels.js'

/** Every notebook of the project (not the builder or notebook-image sets). */
export const NOTEBOOKS_SELECTOR = `${LABEL_MANAGED_BY}=${MANAGED_BY},${LABEL_COMPONENT}=notebook`

export interface NotebookRow {
  name: string
  kind: 'Deployment' | 'DeploymentConfig'
  /** Running (ready), Starting, Stopped (scaled to 0), Failing (a pod in CrashLoopBackOff...) */
  state: 'Running' | 'Starting' | 'Stopped' | 'Failing'
  ready: string
  url?: string
  /** image stream tag, else the image */
  image?: string
  volume?: string
  uid?: number
  login: 'password' | 'openshift'
  /** creation time of the workload, ISO */
  created?: string
}

const instanceOf = (o: KubeObject) => o.metadata?.labels?.[LABEL_INSTANCE] ?? o.metadata?.name ?? ''

function imageStreamTag(workload: KubeObject): string | undefined {
  const c = arr(rec(rec(rec(workload.spec).template).spec).containers).find(x => x.name === 'notebook')
  return workloadImageStreamTag(workload) ?? str(c?.image)
}

/** A notebook's state from its workload and pods: what list and status show. */
export function stateOf(
  workload: KubeObject,
  pods: readonly KubeObject[],
): {state: NotebookRow['state']; ready: string} {
  const replicas = count(rec(workload.spec).replicas)
  const ready = count(rec(workload.status).readyReplicas)
  if (replicas === 0) return {state: 'Stopped', ready: '0/0'}
  const failing = pods.some(p =>
    arr(rec(p.status).containerStatuses).some(cs =>
      ['CrashLoopBackOff', 'CreateContainerConfigError', 'ImagePullBackOff', 'ErrImagePull'].includes(
        str(rec(rec(cs.state).waiting).reason) ?? '',
      ),
    ),
  )
  return {
    state: ready >= replicas ? 'Running' : failing ? 'Failing' : 'Starting',
    ready: `${ready}/${replicas}`,
  }
}

export async function listNotebooks(client: KubeClient, namespace: string): Promise<NotebookRow[]> {
  const q = {labelSelector: NOTEBOOKS_SELECTOR}
  const list = (kind: 'Deployment' | 'Route' | 'PersistentVolumeClaim' | 'Pod') =>
    client.listAll<KubeObject>(resourcePath(kind, {namespace}), q).then(l => l.items)
  const [deployments, routes, claims, pods] = await Promise.all([
    list('Deployment'),
    list('Route'),
    // every claim: a notebook deployed --existing-claim mounts one that is not labelled as ours
    client.listAll<KubeObject>(resourcePath('PersistentVolumeClaim', {namespace})).then(l => l.items),
    list('Pod'),
  ])
  // DeploymentConfigs only when asked for by their presence: listing them draws a deprecation warning
  // on 4.14+, so only a project without Deployments of ours is searched for them.
  const dcs =
    deployments.length > 0
      ? []
      : await client
          .listAll<KubeObject>(resourcePath('DeploymentConfig', {namespace}), q, {quietWarnings: true})
          .then(l => l.items)
          .catch((error: unknown) => {
            if (isNotFound(error) || isForbidden(error)) return [] as KubeObject[]
            throw error
          })
  return [...deployments, ...dcs]
    .map(w => {
      const name = instanceOf(w)
      const mine = (o: KubeObject) => instanceOf(o) === name
      const podsOf = pods.filter(p => mine(p) && !p.metadata?.deletionTimestamp)
      const route = routes.find(mine)
      const host = str(arr(rec(route?.status).ingress)[0]?.host) ?? str(rec(route?.spec).host) ?? undefined
      const claimName = mountedClaim(w)?.claim
      const claim = claims.find(c => c.metadata?.name === claimName)
      const running = podsOf.find(p => str(rec(p.status).phase) === 'Running') ?? podsOf[0]
      const container = arr(rec(running?.spec).containers).find(c => c.name === 'notebook')
      const uid =
        rec(container?.securityContext).runAsUser ?? rec(rec(running?.spec).securityContext).runAsUser
      const size =
        str(rec(rec(claim?.status).capacity).storage) ??
        str(rec(rec(rec(claim?.spec).resources).requests).storage)
      const row: NotebookRow = {
        name,
        kind: w.kind === 'DeploymentConfig' ? 'DeploymentConfig' : 'Deployment',
        ...stateOf(w, podsOf),
        login: loginMode(w),
        ...(host ? {url: `https://${host}`} : {}),
        ...(imageStreamTag(w) ? {image: imageStreamTag(w)} : {}),
        ...(size ? {volume: size} : {}),
        ...(typeof uid === 'number' ? {uid} : {}),
        ...(str(w.metadata?.creationTimestamp) ? {created: str(w.metadata?.creationTimestamp)} : {}),
      }
      return row
    })
    .sort((a, b) => a.name.localeCompare(b.name))
}

/** `5m`, `3h`, `2d` — kubectl's AGE column. */
export function age(created: string | undefined, now = Date.now()): string {
  if (!created) return '?'
  const s = Math.max(0, Math.floor((now - Date.parse(created)) / 1000))
  if (s < 120) return `${s}s`
  if (s < 7200) return `${Math.floor(s / 60)}m`
  if (s < 172800) return `${Math.floor(s / 3600)}h`
  return `${Math.floor(s / 86400)}d`
}

export function formatNotebookTable(rows: NotebookRow[], namespace: string, now = Date.now()): string {
  if (rows.length === 0)
    return `No notebooks in project ${namespace}. Create one: oc jupyter deploy -n ${namespace}`
  const header = ['NAME', 'STATE', 'READY', 'URL', 'IMAGE', 'VOLUME', 'UID', 'LOGIN', 'AGE']
  const table = rows.map(r => [
    r.name,
    r.state,
    r.ready,
    r.url ?? '-',
    r.image ?? '-',
    r.volume ?? '-',
    r.uid === undefined ? '-' : String(r.uid),
    r.login,
    age(r.created, now),
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...table.map(row => row[i].length)))
  return [header, ...table]
    .map(row =>
      row
        .map((c, i) => c.padEnd(widths[i]))
        .join('   ')
        .trimEnd(),
    )
    .join('\n')
}

/**
 * A NAME that is not a notebook of the project: exit 1 naming the notebooks that are (a misspelt
 * `delete notebok --yes` must not look like success).
 */
export async function noSuchNotebook(
  client: KubeClient,
  namespace: string,
  name: string,
  /** the command the user ran, for the hint with the right name */
  command: string,
): Promise<CliError> {
  // Made without oc-jupyter (the recipe's oc new-app): say so, with the move, rather than "no notebook".
  const other = await findForeign(client, namespace, name).catch(() => undefined)
  if (other) {
    return new CliError(
      `${adoptExplanation(other.foreign)}; oc jupyter ${command} works once it is moved`,
      ExitCode.Failed,
      {hint: adoptCommand(other.foreign, namespace)},
    )
  }
  const names = await listNotebooks(client, namespace)
    .then(rows => rows.map(r => r.name))
    .catch(() => [] as string[])
  const close = names.filter(n => similar(n, name))
  return new CliError(
    `no notebook ${name} in project ${namespace}${names.length ? `; notebooks here: ${names.join(', ')}` : ''}`,
    ExitCode.Failed,
    {
      hint: close.length
        ? `oc jupyter ${command} ${close[0]} -n ${namespace}`
        : names.length
          ? `oc jupyter list -n ${namespace}`
          : `oc jupyter deploy ${name} -n ${namespace}`,
    },
  )
}

/** Levenshtein distance at most 2 (or a prefix): what a typo of a notebook name looks like. */
export function similar(a: string, b: string): boolean {
  if (a.startsWith(b) || b.startsWith(a)) return true
  const d = Array.from({length: b.length + 1}, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]
    d[0] = i
    for (let j = 1; j <= b.length; j++) {
      const cur = d[j]
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = cur
    }
  }
  return d[b.length] <= 2
}

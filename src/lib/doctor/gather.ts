/**
 * One pass of reads for the doctor (the only I/O besides --exec): independent lists run concurrently,
 * every list is paged (`limit`/`continue`) and filtered page by page, so memory stays bounded by what
 * the checks need, not by the namespace's size. A 403 or an unserved API is recorded as "not visible"
 * (a project admin may not read cluster-scoped SCCs or ClusterRoleBindings) instead of failing.
 */
import {
  isApiError,
  isForbidden,
  isNotFound,
  resourcePath,
  tailLog,
  type KindName,
  type KubeClient,
  type KubeObject,
} from '../cluster/index.js'
import {requireProject} from '../preflight.js'
import {LABEL_INSTANCE, LABEL_PART_OF, PART_OF} from '../render/labels.js'
import {annotationsOf, arr, labelsOf, nameOf, podTemplate, rec, str} from './obj.js'
import type {BuildInfo, DoctorData, PodLogs, ReviewAnswer, Unread} from './types.js'

export interface GatherOptions {
  namespace: string
  name?: string
  serviceAccount?: string
  signal?: AbortSignal
  /** page size of every LIST (default 250) */
  pageSize?: number
}

/** Event reasons the checks read; everything else (Pulled, Started...) is dropped while paging. */
export const RELEVANT_EVENT_REASONS: ReadonlySet<string> = new Set([
  'FailedCreate',
  'BackOff',
  'FailedScheduling',
  'ProvisioningFailed',
  'FailedMount',
  'FailedAttachVolume',
  'FailedBinding',
  'Failed',
  'FailedSync',
])
/** Upper bound of kept events (the newest win). */
const MAX_EVENTS = 200
/** Crash-looping pods whose logs are read. */
const MAX_LOGGED_PODS = 3
const LOG_TAIL = 60
const BUILD_LOG_TAIL = 100

/** SCCs whose grant to the notebook's service account the doctor looks for. */
export const WATCHED_SCCS = ['anyuid', 'privileged'] as const
export const sccBinding = (scc: string): string => `system:openshift:scc:${scc}`

/** Whether an object belongs to the instance NAME (every instance when no NAME was given). */
export function belongsTo(o: KubeObject, name: string | undefined): boolean {
  if (name === undefined) return true
  const l = labelsOf(o)
  return (
    nameOf(o) === name ||
    l.app === name ||
    l[LABEL_INSTANCE] === name ||
    l.deployment === name ||
    l.deploymentconfig === name ||
    l['openshift.io/deployment-config.name'] === name
  )
}

/** Pods: labels as above, or owned by a ReplicaSet/RC named after the workload (`NAME-<hash>`). */
function podBelongsTo(pod: KubeObject, name: string | undefined): boolean {
  if (belongsTo(pod, name) || name === undefined) return true
  const owners = arr(rec(pod.metadata).ownerReferences)
  return owners.some(o => (str(o.name) ?? '').startsWith(`${name}-`))
}

export async function gather(client: KubeClient, opts: GatherOptions): Promise<DoctorData> {
  const {namespace, name} = opts
  const unread: Unread[] = []
  const pageSize = opts.pageSize ?? 250
  const signal = opts.signal

  /** Runs a read; 403 / 404-on-collection / other API errors become an Unread, transport errors throw. */
  async function attempt<T>(what: string, fn: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await fn()
    } catch (error) {
      if (isForbidden(error)) unread.push({what, reason: 'forbidden', message: error.message})
      else if (isNotFound(error)) unread.push({what, reason: 'not-served', message: error.message})
      else if (isApiError(error)) unread.push({what, reason: 'error', message: error.message})
      else throw error
      return fallback
    }
  }

  /** Pages a namespaced LIST, keeping only what `keep` accepts. */
  async function collect(
    kind: KindName,
    keep: (o: KubeObject) => boolean = () => true,
    query: Record<string, string> = {},
  ): Promise<KubeObject[]> {
    return attempt(
      `${kind} list`,
      async () => {
        const out: KubeObject[] = []
        for await (const page of client.listPages<KubeObject>(resourcePath(kind, {namespace}), query, {
          pageSize,
          signal,
        })) {
          for (const o of page.items) if (keep(o)) out.push(o)
        }
        return out
      },
      [],
    )
  }

  const getOptional = (kind: KindName, objName: string, ns?: string): Promise<KubeObject | undefined> =>
    attempt(
      `${kind} ${objName}`,
      async () =>
        client.getIfExists<KubeObject>(resourcePath(kind, {namespace: ns, name: objName}), undefined, {
          signal,
        }),
      undefined,
    )

  // The project: a 404 is a real answer (wrong -n), so it fails the run with requireProject's message.
  const projectP = (async (): Promise<KubeObject | undefined> => {
    try {
      return await requireProject(client, namespace)
    } catch (error) {
      // requireProject words a 404 ("does not exist": wrong -n) and a 403; only the 403 is survivable.
      if (!isForbidden((error as Error).cause)) throw error
      // Not allowed to read the Project: try the Namespace (same annotations and labels).
      unread.push({what: `Project ${namespace}`, reason: 'forbidden'})
      return getOptional('Namespace', namespace)
    }
  })()

  const eventsP = (async () => {
    const kept: KubeObject[] = []
    await collect('Event', e => {
      if (e.type === 'Normal' || !RELEVANT_EVENT_REASONS.has(String(e.reason ?? ''))) return false
      const involved = str(rec(e.involvedObject).name) ?? ''
      if (name !== undefined && involved !== name && !involved.startsWith(`${name}-`)) {
        // PVC events are kept regardless: a claim's name need not carry the instance's name.
        if (rec(e.involvedObject).kind !== 'PersistentVolumeClaim') return false
      }
      kept.push(e)
      if (kept.length > MAX_EVENTS * 2) {
        kept.sort(byEventTime)
        kept.splice(0, kept.length - MAX_EVENTS)
      }
      return false
    })
    kept.sort(byEventTime)
    return kept.slice(-MAX_EVENTS)
  })()

  const buildsP = (async () => {
    const latest = new Map<string, KubeObject>()
    await collect('Build', b => {
      const bc =
        labelsOf(b)['openshift.io/build-config.name'] ?? annotationsOf(b)['openshift.io/build-config.name']
      if (!bc) return false
      const prev = latest.get(bc)
      if (!prev || buildNumber(b) > buildNumber(prev)) latest.set(bc, b)
      return false
    })
    return [...latest.values()]
  })()

  const [project, pods, events, deployments, replicaSets, allPvcs, routes, imageStreams, buildConfigs] =
    await Promise.all([
      projectP,
      collect('Pod', p => podBelongsTo(p, name)),
      eventsP,
      collect('Deployment', d => belongsTo(d, name)),
      collect('ReplicaSet', rs => podBelongsTo(rs, name)),
      collect('PersistentVolumeClaim'),
      collect('Route', r => belongsTo(r, name)),
      collect('ImageStream'),
      collect('BuildConfig'),
    ])
  const builds = await buildsP
  // DeploymentConfigs only when there is no Deployment (as findInstance does): listing them makes
  // OpenShift 4.14+ answer with a deprecation warning the user did not ask about.
  const dcs = deployments.length > 0 ? [] : await collect('DeploymentConfig', d => belongsTo(d, name))
  const workloads = [...deployments, ...dcs]

  // PVCs of the instance: mounted by its workloads or pods, or labelled for it.
  const claimed = new Set<string>()
  for (const w of workloads) for (const c of claimsOf(podTemplate(w).spec)) claimed.add(c)
  for (const p of pods) for (const c of claimsOf(rec(p.spec))) claimed.add(c)
  const pvcs =
    name === undefined ? allPvcs : allPvcs.filter(p => claimed.has(nameOf(p)) || belongsTo(p, name))

  const sa = opts.serviceAccount ?? serviceAccountOf(workloads, pods)

  const second = await Promise.all([
    attempt(
      'RoleBinding list',
      async () => {
        const out: KubeObject[] = []
        for await (const page of client.listPages<KubeObject>(
          resourcePath('RoleBinding', {namespace}),
          {},
          {
            pageSize,
            signal,
          },
        )) {
          for (const rb of page.items) {
            const role = str(rec(rb.roleRef).name) ?? ''
            if (role.startsWith('system:openshift:scc:')) out.push(rb)
          }
        }
        return out
      },
      [] as KubeObject[],
    ),
    Promise.all(WATCHED_SCCS.map(s => getOptional('SecurityContextConstraints', s))),
    Promise.all(WATCHED_SCCS.map(s => getOptional('ClusterRoleBinding', sccBinding(s)))),
    pvcs.some(p => p.status && rec(p.status).phase === 'Pending')
      ? attempt(
          'StorageClass list',
          async () => (await client.listAll<KubeObject>(resourcePath('StorageClass'), {}, {signal})).items,
          undefined as KubeObject[] | undefined,
        )
      : Promise.resolve(undefined),
    review(client, namespace, sa, probeTemplate(sa), `probe pod (runAsUser 1000) as service account ${sa}`),
    Promise.all(
      workloads.map(async w => {
        const t = podTemplate(w)
        const answer = await review(
          client,
          namespace,
          str(t.spec.serviceAccountName) ?? sa,
          {metadata: t.metadata, spec: t.spec},
          `pod template of ${w.kind}/${nameOf(w)}`,
        )
        return answer ? {...answer, workload: {kind: w.kind ?? 'Deployment', name: nameOf(w)}} : undefined
      }),
    ),
    Promise.all(workloads.map(w => imageStreamTagOf(w, namespace))).then(async refs => {
      const out: Record<string, KubeObject> = {}
      const unique = [...new Set(refs.filter((r): r is string => r !== undefined))]
      await Promise.all(
        unique.map(async ref => {
          const [ns, tag] = ref.includes('/') ? ref.split('/', 2) : [namespace, ref]
          const ist = await getOptional('ImageStreamTag', tag, ns)
          if (ist) out[tag] = ist
        }),
      )
      return out
    }),
    Promise.all(
      builds.map(async (b): Promise<BuildInfo> => {
        const phase = rec(b.status).phase
        if (phase !== 'Failed' && phase !== 'Error') return {build: b}
        const log = await attempt(
          `Build ${nameOf(b)} log`,
          () =>
            tailLog(client, `${resourcePath('Build', {namespace, name: nameOf(b)})}/log`, BUILD_LOG_TAIL, {
              signal,
            }),
          [] as string[],
        )
        return {build: b, log}
      }),
    ),
    podLogs(pods),
  ])
  const [
    roleBindings,
    sccList,
    crbList,
    storageClasses,
    probeReview,
    templateReviews,
    imageStreamTags,
    buildInfos,
    logs,
  ] = second

  const sccs: Record<string, KubeObject> = {}
  const clusterRoleBindings: Record<string, KubeObject> = {}
  WATCHED_SCCS.forEach((s, i) => {
    if (sccList[i]) sccs[s] = sccList[i]
    if (crbList[i]) clusterRoleBindings[s] = crbList[i]
  })

  return {
    namespace,
    ...(name === undefined ? {} : {name}),
    serviceAccount: sa,
    ...(project ? {project} : {}),
    pods,
    events,
    workloads,
    replicaSets,
    pvcs,
    ...(storageClasses ? {storageClasses} : {}),
    routes,
    imageStreams,
    imageStreamTags,
    buildConfigs,
    builds: buildInfos,
    roleBindings,
    sccs,
    clusterRoleBindings,
    ...(probeReview ? {probeReview} : {}),
    templateReviews: templateReviews.filter(<T>(r: T | undefined): r is T => r !== undefined),
    podLogs: logs,
    unread,
  }

  async function review(
    c: KubeClient,
    ns: string,
    serviceAccount: string,
    template: {metadata?: unknown; spec: unknown},
    subject: string,
  ): Promise<ReviewAnswer | undefined> {
    return attempt(
      `SCC review (${subject})`,
      async () => {
        const res = await c.create<KubeObject>(
          resourcePath('PodSecurityPolicySubjectReview', {namespace: ns}),
          {
            apiVersion: 'security.openshift.io/v1',
            kind: 'PodSecurityPolicySubjectReview',
            spec: {
              template: {
                ...rec(template),
                spec: {...rec(rec(template).spec), serviceAccountName: serviceAccount},
              },
              // Review as the service account (what the ReplicaSet's pods are admitted with).
              user: `system:serviceaccount:${ns}:${serviceAccount}`,
              groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
            },
          },
          {idempotent: true}, // a review persists nothing
        )
        const status = rec(res.body.status)
        const allowedBy = str(rec(status.allowedBy).name) ?? null
        const reason = str(status.reason)
        return {allowedBy, subject, ...(reason ? {reason} : {})}
      },
      undefined,
    )
  }

  async function podLogs(list: KubeObject[]): Promise<PodLogs[]> {
    // Crashed containers first (their previous log says why); then running notebook containers,
    // whose log shows runtime failures (pip/conda Permission denied, a generated login token).
    const crashedTargets: Array<{pod: string; container: string; previous: boolean}> = []
    const runningTargets: Array<{pod: string; container: string; previous: boolean}> = []
    for (const p of list) {
      const notebook = name !== undefined || labelsOf(p)[LABEL_PART_OF] === PART_OF
      for (const cs of arr(rec(p.status).containerStatuses)) {
        const waiting = str(rec(rec(cs.state).waiting).reason)
        const crashed =
          waiting === 'CrashLoopBackOff' || (waiting === undefined && (cs.restartCount as number) > 0)
        const target = {pod: nameOf(p), container: str(cs.name) ?? ''}
        if (crashed || waiting === 'RunContainerError') crashedTargets.push({...target, previous: true})
        else if (notebook && rec(rec(cs.state).running).startedAt !== undefined)
          runningTargets.push({...target, previous: false})
      }
      if (crashedTargets.length >= MAX_LOGGED_PODS) break
    }
    const targets = [...crashedTargets, ...runningTargets]
    return Promise.all(
      targets.slice(0, MAX_LOGGED_PODS).map(async t => {
        const path = `${resourcePath('Pod', {namespace, name: t.pod})}/log`
        const read = (previous: boolean) =>
          attempt(
            `Pod ${t.pod} log${previous ? ' (previous)' : ''}`,
            () =>
              tailLog(client, path, LOG_TAIL, {
                query: {container: t.container, previous: previous || undefined},
                signal,
              }),
            [] as string[],
          )
        const [current, previous] = await Promise.all([
          read(false),
          t.previous ? read(true) : Promise.resolve([] as string[]),
        ])
        // A missing previous container log is normal (400 from the kubelet): not worth a line.
        return {pod: t.pod, container: t.container, current, previous}
      }),
    )
  }
}

function byEventTime(a: KubeObject, b: KubeObject): number {
  const t = (e: KubeObject) => String(e.lastTimestamp ?? rec(e.series).lastObservedTime ?? e.eventTime ?? '')
  return t(a).localeCompare(t(b))
}

function buildNumber(b: KubeObject): number {
  const n = Number(annotationsOf(b)['openshift.io/build.number'])
  if (Number.isFinite(n)) return n
  const m = /-(\d+)$/.exec(nameOf(b))
  return m ? Number(m[1]) : 0
}

export function claimsOf(podSpec: Record<string, unknown>): string[] {
  return arr(podSpec.volumes)
    .map(v => str(rec(v.persistentVolumeClaim).claimName))
    .filter((c): c is string => c !== undefined)
}

function serviceAccountOf(workloads: KubeObject[], pods: KubeObject[]): string {
  for (const w of workloads) {
    const sa = str(podTemplate(w).spec.serviceAccountName)
    if (sa) return sa
  }
  for (const p of pods) {
    const sa = str(rec(p.spec).serviceAccountName)
    if (sa) return sa
  }
  return 'default'
}

/**
 * The probe pod: a container with runAsUser 1000 (the docker-stacks USER) and no seccomp profile —
 * anyuid has no seccompProfiles, so an explicit RuntimeDefault would never be admitted by it and hide
 * the grant. restricted-v2 rejects runAsUser 1000; if the review answers `anyuid`, the SA can use it.
 */
export function probeTemplate(sa: string): {
  metadata: Record<string, unknown>
  spec: Record<string, unknown>
} {
  return {
    metadata: {labels: {'app.kubernetes.io/managed-by': 'oc-jupyter-doctor'}},
    spec: {
      serviceAccountName: sa,
      containers: [
        {
          name: 'probe',
          image: 'registry.access.redhat.com/ubi9/ubi-minimal',
          securityContext: {runAsUser: 1000},
        },
      ],
    },
  }
}

/**
 * The `[NS/]IS:TAG` a workload deploys: the `image.openshift.io/triggers` annotation, a DC's
 * ImageChange trigger, or a bare `IS:TAG` container image (resolved through lookupPolicy.local).
 */
export function imageStreamTagOf(w: KubeObject, namespace: string): string | undefined {
  const raw = annotationsOf(w)['image.openshift.io/triggers']
  if (raw) {
    try {
      const t = JSON.parse(raw) as unknown
      const from = rec(arr(t)[0]?.from)
      const tag = str(from.name)
      if (tag && str(from.kind) === 'ImageStreamTag') {
        const ns = str(from.namespace)
        return ns && ns !== namespace ? `${ns}/${tag}` : tag
      }
    } catch {
      // a malformed annotation: fall through to the other sources
    }
  }
  const ic = arr(rec(w.spec).triggers).find(t => t.type === 'ImageChange')
  const from = rec(rec(ic?.imageChangeParams).from)
  if (str(from.kind) === 'ImageStreamTag' && str(from.name)) {
    const ns = str(from.namespace)
    return ns && ns !== namespace ? `${ns}/${str(from.name)}` : str(from.name)
  }
  const image = str(arr(podTemplate(w).spec.containers)[0]?.image)
  if (image && !image.includes('/') && /^[a-z0-9.-]+:[\w.-]+$/.test(image)) return image
  return undefined
}

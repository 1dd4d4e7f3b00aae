/**
 * One pass of reads for the doctor (the only I/O besides --exec): independent lists run concurrently,
 * every list is paged (`limit`/`continue`) and filtered page by page, so memory stays bounded by what
 * the checks need, not by the namespace's size. A refused or unserved read is recorded (what, and the
 * permission that would allow it) instead of failing: the checks that need it are then unknown, never
 * passed. A project that cannot be read at all — it does not exist, or the user has no role in it —
 * makes the run blind: nothing else is read.
 *
 * Reads, in three rounds: (1) the project and the namespace's lists; (2) what those name — the service
 * account, RBAC bindings reaching it, SCC reviews of the templates, image stream tags, logs; (3) the
 * roles of those bindings, the SCCs that matter, and SelfSubjectAccessReviews of the changes a fix
 * would make (so a fix that needs a cluster administrator says so).
 */
import {setMaxListeners} from 'node:events'

import {
  isApiError,
  isForbidden,
  isNotFound,
  KINDS,
  resourcePath,
  tailLog,
  type KindName,
  type KubeClient,
  type KubeObject,
} from '../cluster/index.js'
import {
  DEFAULT_SCCS,
  accessKey,
  bindingReaches,
  locateSccGrants,
  planGrantRemoval,
  requiredAccess,
  roleRefOf,
  type AccessQuestion,
} from '../grants/index.js'
import {LABEL_INSTANCE, LABEL_PART_OF, PART_OF} from '../render/labels.js'
import {isCurrentEvent, liveReplicaSets} from './live.js'
import {annotationsOf, arr, labelsOf, nameOf, podTemplate, rec, str} from './obj.js'
import type {BuildInfo, DoctorData, PodLogs, ReadKey, ReviewAnswer, Unread} from './types.js'

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
/**
 * Reasons that matter although the event is Normal: the PV controller records FailedBinding ("no
 * persistent volumes available for this claim and no storage class is set") as Normal (kubernetes
 * pkg/controller/volume/persistentvolume/pv_controller.go).
 */
const RELEVANT_NORMAL_REASONS: ReadonlySet<string> = new Set(['FailedBinding'])
/** Upper bound of kept events (the newest win). */
const MAX_EVENTS = 200
/** Crash-looping pods whose logs are read. */
const MAX_LOGGED_PODS = 3
const LOG_TAIL = 60
const BUILD_LOG_TAIL = 100

/** SCCs whose grant to the notebook's service account the doctor always looks for. */
export const WATCHED_SCCS = ['anyuid', 'privileged'] as const

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

/** `list pods -n ns`, `get projects.project.openshift.io/x`: a permission in `oc auth can-i` words. */
export function permission(
  verb: string,
  kind: KindName,
  opts: {namespace?: string; name?: string} = {},
): string {
  const info = KINDS[kind]
  const res = info.group ? `${info.plural}.${info.group}` : info.plural
  return `${verb} ${res}${opts.name ? `/${opts.name}` : ''}${info.namespaced && opts.namespace ? ` -n ${opts.namespace}` : ''}`
}

export async function gather(client: KubeClient, opts: GatherOptions): Promise<DoctorData> {
  const {namespace, name} = opts
  const unread: Unread[] = []
  const pageSize = opts.pageSize ?? 250
  const signal = opts.signal
  // every read of a round shares the signal: more than Node's default 10 listeners, and no leak
  if (signal) setMaxListeners(0, signal)

  /** Runs a read; 403 / 404-on-collection / other API errors become an Unread, transport errors throw. */
  async function attempt<T>(
    key: ReadKey,
    what: string,
    perm: string | undefined,
    fn: () => Promise<T>,
    fallback: T,
  ): Promise<T> {
    try {
      return await fn()
    } catch (error) {
      const base = {key, what, ...(perm ? {permission: perm} : {})}
      if (isForbidden(error)) unread.push({...base, reason: 'forbidden', message: error.message})
      else if (isNotFound(error)) unread.push({...base, reason: 'not-served', message: error.message})
      else if (isApiError(error)) unread.push({...base, reason: 'error', message: error.message})
      else throw error
      return fallback
    }
  }

  /** Pages a namespaced LIST, keeping only what `keep` accepts; undefined when it could not be read. */
  const collectOrUndefined = (
    key: ReadKey,
    kind: KindName,
    keep: (o: KubeObject) => boolean = () => true,
    quietWarnings = false,
  ): Promise<KubeObject[] | undefined> => {
    const ns = KINDS[kind].namespaced ? namespace : undefined
    return attempt(
      key,
      `${kind} list${ns ? ` in ${ns}` : ''}`,
      permission('list', kind, {namespace: ns}),
      async () => {
        const out: KubeObject[] = []
        for await (const page of client.listPages<KubeObject>(
          resourcePath(kind, {namespace: ns}),
          {},
          {pageSize, signal, quietWarnings},
        ))
          for (const o of page.items) if (keep(o)) out.push(o)
        return out
      },
      undefined as KubeObject[] | undefined,
    )
  }
  const collect = async (
    key: ReadKey,
    kind: KindName,
    keep?: (o: KubeObject) => boolean,
    quietWarnings = false,
  ) => (await collectOrUndefined(key, kind, keep, quietWarnings)) ?? []

  /** GET; null when it does not exist, undefined when it could not be read. */
  const getOrNull = (
    key: ReadKey,
    kind: KindName,
    objName: string,
    ns?: string,
  ): Promise<KubeObject | null | undefined> =>
    attempt(
      key,
      `${kind} ${objName}`,
      permission('get', kind, {namespace: ns, name: objName}),
      async () =>
        (await client.getIfExists<KubeObject>(resourcePath(kind, {namespace: ns, name: objName}), undefined, {
          signal,
        })) ?? null,
      undefined as KubeObject | null | undefined,
    )

  // --- round 1: the project and the namespace's lists --------------------------------------------------
  let projectMissing = false
  const projectP = (async (): Promise<KubeObject | undefined> => {
    try {
      return await client.get<KubeObject>(resourcePath('Project', {name: namespace}), undefined, {signal})
    } catch (error) {
      if (isNotFound(error)) {
        projectMissing = true
        return undefined
      }
      if (!isForbidden(error)) throw error
      unread.push({
        key: 'project',
        what: `Project ${namespace}`,
        reason: 'forbidden',
        permission: permission('get', 'Project', {name: namespace}),
      })
      // A project admin may always get its own Namespace (same annotations and labels).
      const nsObj = await getOrNull('project', 'Namespace', namespace)
      return nsObj ?? undefined
    }
  })()

  const eventsP = (async () => {
    const kept: KubeObject[] = []
    const read = await collectOrUndefined('events', 'Event', e => {
      const reason = String(e.reason ?? '')
      if (!RELEVANT_EVENT_REASONS.has(reason)) return false
      if (e.type === 'Normal' && !RELEVANT_NORMAL_REASONS.has(reason)) return false
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
    return read === undefined ? [] : kept.slice(-MAX_EVENTS)
  })()

  const buildsP = (async () => {
    const latest = new Map<string, KubeObject>()
    await collect('builds', 'Build', b => {
      const bc =
        labelsOf(b)['openshift.io/build-config.name'] ?? annotationsOf(b)['openshift.io/build-config.name']
      if (!bc) return false
      const prev = latest.get(bc)
      if (!prev || buildNumber(b) > buildNumber(prev)) latest.set(bc, b)
      return false
    })
    return [...latest.values()]
  })()

  const [
    project,
    podsRead,
    allEvents,
    deployments,
    allReplicaSets,
    allPvcs,
    allRoutes,
    imageStreams,
    buildConfigs,
    services,
  ] = await Promise.all([
    projectP,
    collectOrUndefined('pods', 'Pod', p => podBelongsTo(p, name)),
    eventsP,
    collect('workloads', 'Deployment', d => belongsTo(d, name)),
    collect('replicaSets', 'ReplicaSet', rs => podBelongsTo(rs, name)),
    collect('pvcs', 'PersistentVolumeClaim'),
    collectOrUndefined('routes', 'Route'),
    collect('imageStreams', 'ImageStream'),
    collect('buildConfigs', 'BuildConfig'),
    collectOrUndefined('services', 'Service', svc => belongsTo(svc, name)),
  ])
  const routes = (allRoutes ?? []).filter(r => belongsTo(r, name))
  const latestBuilds = await buildsP

  const base = {
    namespace,
    ...(name === undefined ? {} : {name}),
    imageStreamTags: {},
    rbac: {roles: {}},
    sccs: {},
    access: {},
    templateReviews: [],
    podLogs: [],
    unread,
  }
  // Blind: neither the project nor its pods can be read (or the project does not exist).
  if (projectMissing || (project === undefined && podsRead === undefined)) {
    if (projectMissing)
      unread.push({key: 'project', what: `Project ${namespace}`, reason: 'not-served', message: 'not found'})
    return {
      ...base,
      serviceAccount: opts.serviceAccount ?? 'default',
      visibility: 'blind',
      pods: [],
      events: [],
      workloads: [],
      replicaSets: [],
      pvcs: [],
      routes: [],
      imageStreams: [],
      buildConfigs: [],
      builds: [],
    }
  }
  const allPods = podsRead ?? []

  // DeploymentConfigs only when there is no Deployment (as findInstance does): listing them makes
  // OpenShift 4.14+ answer with a deprecation warning the user did not ask about.
  const dcs =
    deployments.length > 0
      ? []
      : await collect('workloads', 'DeploymentConfig', d => belongsTo(d, name), true)
  const workloads = [...deployments, ...dcs]

  // Only the live rollout: stale ReplicaSets and their events describe a template that no longer runs.
  const replicaSets = liveReplicaSets(allReplicaSets)
  const pods = allPods.filter(p => !p.metadata?.deletionTimestamp)

  // PVCs of the instance: mounted by its workloads or pods, or labelled for it.
  const claimed = new Set<string>()
  for (const w of workloads) for (const c of claimsOf(podTemplate(w).spec)) claimed.add(c)
  for (const p of pods) for (const c of claimsOf(rec(p.spec))) claimed.add(c)
  const pvcs =
    name === undefined ? allPvcs : allPvcs.filter(p => claimed.has(nameOf(p)) || belongsTo(p, name))
  const events = allEvents.filter(e =>
    isCurrentEvent(e, {
      pods,
      replicaSets: allReplicaSets,
      liveReplicaSets: replicaSets,
      pvcs: allPvcs,
      builds: latestBuilds,
    }),
  )

  const sa = opts.serviceAccount ?? serviceAccountOf(workloads, pods)
  const saId = {namespace, name: sa}

  // --- round 2: what the lists name -----------------------------------------------------------------
  const [
    saObj,
    roleBindings,
    clusterRoleBindings,
    storageClasses,
    probeReview,
    templateReviews,
    imageStreamTags,
    buildInfos,
    logs,
  ] = await Promise.all([
    getOrNull('serviceAccounts', 'ServiceAccount', sa, namespace),
    collectOrUndefined('roleBindings', 'RoleBinding', rb => bindingReaches(rb, saId)),
    collectOrUndefined('clusterRoleBindings', 'ClusterRoleBinding', crb => bindingReaches(crb, saId)),
    pvcs.some(p => rec(p.status).phase === 'Pending')
      ? attempt(
          'storageClasses',
          'StorageClass list',
          permission('list', 'StorageClass'),
          async () => (await client.listAll<KubeObject>(resourcePath('StorageClass'), {}, {signal})).items,
          undefined as KubeObject[] | undefined,
        )
      : Promise.resolve(undefined),
    review(sa, probeTemplate(sa), `probe pod (runAsUser 1000) as service account ${sa}`),
    Promise.all(
      workloads.map(async w => {
        const t = podTemplate(w)
        const answer = await review(
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
          const ist = await getOrNull('imageStreamTags', 'ImageStreamTag', tag, ns)
          if (ist) out[tag] = ist
        }),
      )
      return out
    }),
    Promise.all(
      latestBuilds.map(async (b): Promise<BuildInfo> => {
        const phase = rec(b.status).phase
        if (phase !== 'Failed' && phase !== 'Error') return {build: b}
        const log = await attempt(
          'buildLogs',
          `Build ${nameOf(b)} log`,
          `get builds.build.openshift.io/${nameOf(b)}/log -n ${namespace}`,
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

  // --- round 3: roles, SCCs, and who may change them -----------------------------------------------
  const bindings = [...(roleBindings ?? []), ...(clusterRoleBindings ?? [])]
  const roleRefs = new Map(
    bindings.map(b => [roleRefOf(b).key, {ref: roleRefOf(b), ns: b.metadata?.namespace}]),
  )
  const reviews = [probeReview, ...templateReviews].filter(<T>(r: T | undefined): r is T => r !== undefined)
  const interesting = new Set<string>([
    ...WATCHED_SCCS,
    ...reviews.map(r => r.allowedBy).filter((s): s is string => s !== null),
    ...pods.map(p => annotationsOf(p)['openshift.io/scc']).filter((s): s is string => s !== undefined),
  ])
  for (const d of DEFAULT_SCCS) interesting.delete(d)
  const [roleList, sccList] = await Promise.all([
    Promise.all(
      [...roleRefs.entries()].map(async ([key, {ref, ns}]) => {
        const o =
          ref.kind === 'Role'
            ? await getOrNull('roles', 'Role', ref.name, ns ?? namespace)
            : await getOrNull('roles', 'ClusterRole', ref.name)
        return [key, o] as const
      }),
    ),
    Promise.all(
      [...interesting].map(async s => [s, await getOrNull('sccs', 'SecurityContextConstraints', s)] as const),
    ),
  ])
  const roles: Record<string, KubeObject | null> = {}
  for (const [key, o] of roleList) if (o !== undefined) roles[key] = o
  const sccs: Record<string, KubeObject | null> = {}
  for (const [s, o] of sccList) if (o !== undefined) sccs[s] = o

  // What the fixes would change, asked once each: SelfSubjectAccessReviews.
  const questions = new Map<string, AccessQuestion>()
  for (const scc of interesting) {
    const where = locateSccGrants({
      scc,
      serviceAccount: saId,
      ...(scc in sccs ? {sccObject: sccs[scc]} : {}),
      ...(roleBindings ? {roleBindings} : {}),
      ...(clusterRoleBindings ? {clusterRoleBindings} : {}),
      roles,
    })
    for (const g of where.grants) {
      const req = requiredAccess(planGrantRemoval(g))
      for (const q of [...req.all, ...req.anyOf]) questions.set(accessKey(q), q)
    }
  }
  const access: Record<string, boolean> = {}
  await Promise.all(
    [...questions.entries()].map(async ([key, q]) => {
      const allowed = await attempt(
        'access',
        `SelfSubjectAccessReview (${key})`,
        'create selfsubjectaccessreviews.authorization.k8s.io',
        async () => {
          const res = await client.create<KubeObject>(
            resourcePath('SelfSubjectAccessReview'),
            {
              apiVersion: 'authorization.k8s.io/v1',
              kind: 'SelfSubjectAccessReview',
              spec: {resourceAttributes: q},
            },
            {idempotent: true}, // a review persists nothing
          )
          return rec(res.body.status).allowed === true
        },
        undefined as boolean | undefined,
      )
      if (allowed !== undefined) access[key] = allowed
    }),
  )

  return {
    ...base,
    serviceAccount: sa,
    visibility: unread.length > 0 ? 'partial' : 'full',
    ...(project ? {project} : {}),
    pods,
    events,
    workloads,
    replicaSets,
    ...(saObj === undefined ? {} : {serviceAccounts: saObj === null ? [] : [sa]}),
    ...(saObj ? {serviceAccountObject: saObj} : {}),
    ...(services ? {services} : {}),
    ...(allRoutes ? {routeNames: allRoutes.map(nameOf)} : {}),
    pvcs,
    ...(storageClasses ? {storageClasses} : {}),
    routes,
    imageStreams,
    imageStreamTags,
    buildConfigs,
    builds: buildInfos,
    rbac: {
      ...(roleBindings ? {roleBindings} : {}),
      ...(clusterRoleBindings ? {clusterRoleBindings} : {}),
      roles,
    },
    sccs,
    access,
    ...(probeReview ? {probeReview} : {}),
    templateReviews: templateReviews.filter(<T>(r: T | undefined): r is T => r !== undefined),
    podLogs: logs,
  }

  async function review(
    serviceAccount: string,
    template: {metadata?: unknown; spec: unknown},
    subject: string,
  ): Promise<ReviewAnswer | undefined> {
    return attempt(
      'reviews',
      `SCC review (${subject})`,
      permission('create', 'PodSecurityPolicySubjectReview', {namespace}),
      async () => {
        const res = await client.create<KubeObject>(
          resourcePath('PodSecurityPolicySubjectReview', {namespace}),
          {
            apiVersion: 'security.openshift.io/v1',
            kind: 'PodSecurityPolicySubjectReview',
            spec: {
              template: {
                ...rec(template),
                spec: {...rec(rec(template).spec), serviceAccountName: serviceAccount},
              },
              // Review as the service account (what the ReplicaSet's pods are admitted with).
              user: `system:serviceaccount:${namespace}:${serviceAccount}`,
              groups: [
                'system:serviceaccounts',
                `system:serviceaccounts:${namespace}`,
                'system:authenticated',
              ],
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
      const notebook =
        name !== undefined || labelsOf(p)[LABEL_PART_OF] === PART_OF || labelsOf(p).app !== undefined
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
            'podLogs',
            `Pod ${t.pod} log${previous ? ' (previous)' : ''}`,
            `get pods/${t.pod}/log -n ${namespace}`,
            () =>
              tailLog(client, path, LOG_TAIL, {
                query: {container: t.container, previous: previous || undefined},
                signal,
              }),
            [] as string[],
          )
        const [current, previous] = await Promise.all([
          read(false),
          t.previous ? readPrevious(t.pod, t.container) : Promise.resolve([] as string[]),
        ])
        return {pod: t.pod, container: t.container, current, previous}
      }),
    )
  }

  /** A missing previous container log is normal (400 from the kubelet): not an unread. */
  async function readPrevious(pod: string, container: string): Promise<string[]> {
    try {
      return await tailLog(client, `${resourcePath('Pod', {namespace, name: pod})}/log`, LOG_TAIL, {
        query: {container, previous: true},
        signal,
      })
    } catch (error) {
      if (isApiError(error, 400)) return []
      if (isForbidden(error)) {
        unread.push({
          key: 'podLogs',
          what: `Pod ${pod} log (previous)`,
          reason: 'forbidden',
          permission: `get pods/${pod}/log -n ${namespace}`,
        })
        return []
      }
      if (isApiError(error)) return []
      throw error
    }
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

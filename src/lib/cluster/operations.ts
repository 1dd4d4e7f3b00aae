/**
 * Small operations several commands share, built on the client: start a build (`oc start-build`),
 * require API groups ("OpenShift required"), and ask the server what we may do (`oc auth can-i`).
 */
import {CliError, ExitCode} from '../errors.js'
import type {KubeClient} from './client.js'
import {qualifiedResource, resourcePath, splitApiVersion} from './kinds.js'
import type {KubeObject} from './types.js'

/**
 * `oc start-build NAME`: POST buildconfigs/NAME/instantiate with a BuildRequest; returns the Build.
 * A build is never started twice: when the outcome of the POST is unknown (a reset, a 5xx), the
 * BuildConfig is read again, and a `status.lastVersion` beyond the one before the POST means the
 * build was started — that Build is the answer (retry.ts, RETRY_RULES). `lastVersion` is the one the
 * caller saw; unknown, it is read before the POST.
 */
export async function instantiateBuild(
  client: KubeClient,
  opts: {
    name: string
    namespace?: string
    message?: string
    dryRun?: boolean
    signal?: AbortSignal
    lastVersion?: number
  },
): Promise<KubeObject> {
  const namespace = opts.namespace ?? client.namespace
  const bcPath = resourcePath('BuildConfig', {namespace, name: opts.name})
  const path = resourcePath('BuildConfig', {namespace, name: opts.name, subresource: 'instantiate'})
  const versionOf = (bc: KubeObject | undefined) =>
    Number((bc?.status as {lastVersion?: unknown} | undefined)?.lastVersion ?? 0) || 0
  const before =
    opts.dryRun || opts.lastVersion !== undefined
      ? (opts.lastVersion ?? 0)
      : versionOf(await client.getIfExists<KubeObject>(bcPath, undefined, {signal: opts.signal}))
  const reread = async (): Promise<KubeObject | undefined> => {
    const now = versionOf(await client.getIfExists<KubeObject>(bcPath, undefined, {signal: opts.signal}))
    if (now <= before) return undefined
    return client.getIfExists<KubeObject>(
      resourcePath('Build', {namespace, name: `${opts.name}-${now}`}),
      undefined,
      {
        signal: opts.signal,
      },
    )
  }
  const body = {
    kind: 'BuildRequest',
    apiVersion: 'build.openshift.io/v1',
    metadata: {name: opts.name},
    triggeredBy: [{message: opts.message ?? 'Started by oc-jupyter'}],
  }
  return (await client.create<KubeObject>(path, body, {dryRun: opts.dryRun, signal: opts.signal, reread}))
    .body
}

export interface RequiredApi {
  /** `route.openshift.io/v1` */
  groupVersion: string
  /** `routes` */
  plural: string
}

/** The APIs `deploy` needs on OpenShift 4 (Deployment path); add DeploymentConfig for --deployment-config. */
export const OPENSHIFT_APIS: readonly RequiredApi[] = [
  {groupVersion: 'route.openshift.io/v1', plural: 'routes'},
  {groupVersion: 'image.openshift.io/v1', plural: 'imagestreams'},
  {groupVersion: 'build.openshift.io/v1', plural: 'buildconfigs'},
  {groupVersion: 'project.openshift.io/v1', plural: 'projects'},
]

/**
 * Fails (exit 1, before any write) when the server does not serve one of the APIs: the usual cause
 * is a plain Kubernetes cluster. Discovery is cached per client, so repeated checks are free.
 */
export async function requireApis(
  client: KubeClient,
  apis: readonly RequiredApi[] = OPENSHIFT_APIS,
): Promise<void> {
  const served = await Promise.all(apis.map(a => client.isServed(a.groupVersion, a.plural)))
  const missing = apis.filter((_a, i) => !served[i])
  if (missing.length === 0) return
  const names = missing.map(a => {
    const {group, version} = splitApiVersion(a.groupVersion)
    return `${qualifiedResource(a.plural, group)}/${version}`
  })
  const group = splitApiVersion(missing[0].groupVersion).group
  throw new CliError(
    `${client.server} does not serve ${names.join(', ')}: OpenShift is required (is this a plain Kubernetes cluster?)`,
    ExitCode.Failed,
    {hint: group ? `oc api-resources --api-group=${group}` : 'oc api-resources'},
  )
}

export interface AccessQuery {
  verb: string
  resource: string
  group?: string
  namespace?: string
  name?: string
  subresource?: string
}

/** `oc auth can-i`: a SelfSubjectAccessReview. Lets a command warn before a write that would be refused. */
export async function canI(
  client: KubeClient,
  q: AccessQuery,
  opts: {signal?: AbortSignal} = {},
): Promise<{allowed: boolean; reason?: string}> {
  const review = {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    spec: {resourceAttributes: {...q, group: q.group ?? ''}},
  }
  // A review is a create of a virtual object: nothing is stored, so re-sending it is harmless.
  const res = await client.request<{status?: {allowed?: boolean; reason?: string}}>({
    method: 'POST',
    path: resourcePath('SelfSubjectAccessReview'),
    body: review,
    idempotent: true,
    signal: opts.signal,
  })
  return {allowed: res.body.status?.allowed === true, reason: res.body.status?.reason}
}

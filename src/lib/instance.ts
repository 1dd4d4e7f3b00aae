/**
 * The notebook instance as found on the cluster by its labels: what `status` reports and what
 * `delete` removes. Reads only.
 */
import {
  isForbidden,
  isNotFound,
  resourcePath,
  type KindName,
  type KubeClient,
  type KubeObject,
} from './cluster/index.js'
import {instanceSelector} from './render/labels.js'

/** Kinds an instance consists of, in the order they are reported and deleted (workload first). */
export const INSTANCE_KINDS: readonly KindName[] = [
  'Deployment',
  'DeploymentConfig',
  'Route',
  'Service',
  // --auth openshift: the OAuth client and the notebook's Jupyter config
  'ServiceAccount',
  'ConfigMap',
  'PersistentVolumeClaim',
  'Secret',
]

/**
 * Kept by `delete` unless --delete-data: the notebooks and the Secrets — the password, and with
 * --auth openshift the proxy's cookie secret (SPEC: no data lost by default).
 */
export const DATA_KINDS: ReadonlySet<string> = new Set(['PersistentVolumeClaim', 'Secret'])

export interface FoundObject {
  kind: KindName
  name: string
  object: KubeObject
}

export interface FindOptions {
  /**
   * Kinds the user may not list are reported here instead of failing the whole read (a `view` user
   * may not list Secrets): for status, which shows what it can. Without it a 403 is thrown (delete
   * cannot remove what it cannot see).
   */
  hidden?: Array<{kind: KindName; message: string}>
}

export async function findInstance(
  client: KubeClient,
  namespace: string,
  name: string,
  opts: FindOptions = {},
): Promise<FoundObject[]> {
  const selector = instanceSelector(name)
  const listKind = async (kind: KindName): Promise<FoundObject[]> => {
    try {
      const {items} = await client.listAll<KubeObject>(
        resourcePath(kind, {namespace}),
        {labelSelector: selector},
        // a probe for DeploymentConfigs the user may never have made: no deprecation warning for it
        {quietWarnings: kind === 'DeploymentConfig'},
      )
      return items.map(object => ({kind, name: object.metadata?.name as string, object}))
    } catch (error) {
      if (!opts.hidden || !isForbidden(error)) throw error
      opts.hidden.push({kind, message: error.message})
      return []
    }
  }
  const [deployments, ...rest] = await Promise.all(
    INSTANCE_KINDS.filter(k => k !== 'DeploymentConfig').map(listKind),
  )
  // DeploymentConfigs only when there is no Deployment: listing them makes OpenShift 4.14+ answer with a
  // deprecation warning the user did not ask about, and some clusters do not serve them at all.
  let dcs: FoundObject[] = []
  if (deployments.length === 0) {
    dcs = await listKind('DeploymentConfig').catch((error: unknown) => {
      if (isNotFound(error) || isForbidden(error)) return []
      throw error
    })
  }
  return [...deployments, ...dcs, ...rest.flat()]
}

/** The container oauth-proxy runs in with `--auth openshift` (render/oauth.ts PROXY_CONTAINER). */
const PROXY_CONTAINER = 'oauth-proxy'

/** How people log in to this workload: OpenShift accounts when it runs the oauth-proxy sidecar. */
export function loginMode(workload: KubeObject | undefined): 'password' | 'openshift' {
  const containers =
    (workload?.spec as {template?: {spec?: {containers?: Array<{name?: string}>}}} | undefined)?.template
      ?.spec?.containers ?? []
  return containers.some(c => c.name === PROXY_CONTAINER) ? 'openshift' : 'password'
}

/**
 * The image stream tag a workload runs: the `image.openshift.io/triggers` annotation of a Deployment,
 * or a DeploymentConfig's ImageChange trigger.
 */
export function workloadImageStreamTag(workload: KubeObject | undefined): string | undefined {
  const raw = workload?.metadata?.annotations?.['image.openshift.io/triggers']
  if (raw) {
    try {
      const name = (JSON.parse(raw) as Array<{from?: {name?: string}}>)[0]?.from?.name
      if (name) return name
    } catch {
      // not a trigger list: fall through
    }
  }
  type Trigger = {type?: string; imageChangeParams?: {from?: {name?: string}}}
  const triggers = (workload?.spec as {triggers?: Trigger[]} | undefined)?.triggers ?? []
  return triggers.find(t => t.type === 'ImageChange')?.imageChangeParams?.from?.name
}

/**
 * `oc jupyter imagestream --apply`: the annotated builder image stream, applied. In the `openshift`
 * namespace it joins the OpenShift 4 Developer Catalog (which lists builders only from there,
 * FACTS.md §Builder image stream annotations); elsewhere the console opens it by URL.
 */
import {
  ApiError,
  applyObject,
  canI,
  isForbidden,
  resourcePath,
  type KubeClient,
  type KubeObject,
} from './cluster/index.js'
import {CliError, ExitCode} from './errors.js'
import {renderBuilderImageStream} from './render/imagestream.js'

export const CATALOG_NAMESPACE = 'openshift'

export interface ImageStreamApplyResult {
  name: string
  namespace: string
  action: string
  dryRun: boolean
  /** the tag tracks the builder built in this project */
  source?: string
  inCatalog: boolean
  /** console page that opens the S2I form for this builder */
  consoleUrl?: string
  consolePath: string
}

export async function applyBuilderStream(
  client: KubeClient,
  opts: {name: string; namespace: string; sourceNamespace?: string; dryRun: boolean},
): Promise<ImageStreamApplyResult> {
  const {name, namespace} = opts
  const from =
    opts.sourceNamespace && opts.sourceNamespace !== namespace
      ? {namespace: opts.sourceNamespace, name: `${name}:latest`}
      : undefined
  const stream = renderBuilderImageStream({name, namespace, from})
  let action: string
  try {
    action = (await applyObject(client, stream, {dryRun: opts.dryRun, namespace})).action
  } catch (error) {
    if (isForbidden(error)) {
      const why = await missingWrite(client, namespace, error)
      throw new CliError(
        why +
          (namespace === CATALOG_NAMESPACE
            ? ': adding a builder to the Developer Catalog needs write access to image streams in the openshift namespace (cluster-admin)'
            : ''),
        ExitCode.Forbidden,
        {
          hint:
            namespace === CATALOG_NAMESPACE
              ? `oc jupyter imagestream ${name} --apply   # project-local instead; or ask a cluster-admin to run it with -n openshift`
              : `oc auth can-i patch imagestreams -n ${namespace}`,
          cause: error,
        },
      )
    }
    throw error
  }
  const consolePath = `/catalog/source-to-image?imagestream=${encodeURIComponent(name)}&imagestream-ns=${encodeURIComponent(namespace)}`
  const base = await consoleBaseUrl(client)
  return {
    name,
    namespace,
    action,
    dryRun: opts.dryRun,
    ...(from ? {source: `${from.namespace}/${from.name}`} : {}),
    inCatalog: namespace === CATALOG_NAMESPACE,
    ...(base ? {consoleUrl: `${base}${consolePath}`} : {}),
    consolePath,
  }
}

/**
 * The permission that is missing, in the server's words (`forbidden: user "x" cannot patch
 * imagestreams.image.openshift.io in namespace openshift`). When the refused request was the read
 * before the apply, that names `get`; what the user lacks is the write, so ask the server about it.
 */
async function missingWrite(client: KubeClient, namespace: string, error: unknown): Promise<string> {
  const said = error instanceof Error ? error.message : `forbidden in namespace ${namespace}`
  if (!(error instanceof ApiError) || error.method.toUpperCase() !== 'GET') return said
  const review = await canI(client, {
    verb: 'patch',
    resource: 'imagestreams',
    group: 'image.openshift.io',
    namespace,
  }).catch(() => undefined)
  if (!review || review.allowed) return said
  const user = /user "([^"]+)"/.exec(said)?.[1]
  return `forbidden: ${user ? `user "${user}"` : 'you'} cannot patch imagestreams.image.openshift.io in namespace ${namespace} (nor get them)`
}

/**
 * The web console's URL, where this user may read it: the `console-public` ConfigMap that
 * `oc whoami --show-console` reads (readable by every authenticated user), else the console Route.
 */
async function consoleBaseUrl(client: KubeClient): Promise<string | undefined> {
  const tryGet = async (path: string) => client.getIfExists<KubeObject>(path).catch(() => undefined)
  const cm = await tryGet(
    resourcePath('ConfigMap', {namespace: 'openshift-config-managed', name: 'console-public'}),
  )
  const url = (cm?.data as Record<string, string> | undefined)?.consoleURL
  if (url) return url.replace(/\/$/, '')
  const route = await tryGet(resourcePath('Route', {namespace: 'openshift-console', name: 'console'}))
  const host = (route?.spec as {host?: string} | undefined)?.host
  return host ? `https://${host}` : undefined
}

export function formatImageStreamResult(r: ImageStreamApplyResult): string {
  const lines = [
    `${r.dryRun ? 'Server dry run: ' : ''}ImageStream ${r.namespace}/${r.name} ${r.action}${r.source ? `, tracking ${r.source}` : ''}.`,
  ]
  if (r.inCatalog) {
    lines.push('It appears in the Developer Catalog (Builder Images) once its tag has an image.')
  } else {
    lines.push(
      'The Developer Catalog lists builders only from the openshift namespace; open this project-local builder directly:',
      `  ${r.consoleUrl ?? `<console URL>${r.consolePath}`}`,
    )
    if (!r.consoleUrl)
      lines.push('  (the console URL is not readable here; `oc whoami --show-console` prints it)')
  }
  return lines.join('\n')
}

/**
 * Notebooks made without oc-jupyter — by the upstream recipe (`oc new-app IS --name NAME`, then
 * `oc set volume … --add --claim-size=1G`, `oc expose svc/NAME`; FACTS.md §What the oc commands create)
 * or by an older `oc new-app --as-deployment-config` — and how to move one under oc-jupyter.
 *
 * Such a workload selects its pods by `deployment: NAME` (openshift/oc pkg/helpers/newapp/app/app.go
 * DeploymentConfig/Deployment: `selector := map[string]string{"deployment": name}`; a DeploymentConfig
 * by `deploymentconfig: NAME`). A Deployment's selector is immutable (apps/v1), so deploying over it
 * would be refused by the server after the Secret, claim, Service and Route had been written. Instead
 * deploy stops before any write and prints the move: delete the workload, its Service and its Route
 * (none holds data; the Route's host is kept with --hostname when it was not generated), then deploy
 * with the old claim mounted at the old path (`--existing-claim`), running the same image.
 */
import {resourcePath, type KubeClient, type KubeObject} from './cluster/index.js'
import {arr, rec, str} from './cluster/obj.js'
import {workloadImageStreamTag} from './instance.js'
import {selectorFor} from './render/labels.js'
import {DEFAULT_MOUNT_PATH} from './values/defaults.js'

export type WorkloadKind = 'Deployment' | 'DeploymentConfig'

export interface ForeignNotebook {
  kind: WorkloadKind
  name: string
  /** its pod selector, as the server has it */
  selector: Record<string, string>
  /** the persistent volume claim its notebook container mounts, and where */
  claim?: string
  mountPath?: string
  /** the image stream tag it runs (trigger), else the image */
  imageStreamTag?: string
  image?: string
  /** Route NAME's host when the user chose it (not `openshift.io/host.generated`) */
  hostname?: string
}

/** A workload's pod selector: a Deployment's matchLabels, a DeploymentConfig's plain map. */
export function podSelectorOf(workload: KubeObject): Record<string, string> {
  const selector = rec(rec(workload.spec).selector)
  const labels = workload.kind === 'DeploymentConfig' ? selector : rec(selector.matchLabels)
  return Object.fromEntries(
    Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === 'string'),
  )
}

/** `k=v,k2=v2`, for a label selector query. */
export function selectorString(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',')
}

/** Whether the live workload selects its pods as oc-jupyter does (then deploy may apply over it). */
export function selectsAsOurs(workload: KubeObject, name: string): boolean {
  const ours = selectorFor(name)
  const live = podSelectorOf(workload)
  const keys = Object.keys(live)
  return keys.length === Object.keys(ours).length && keys.every(k => live[k] === ours[k])
}

/**
 * The claim the notebook container mounts: the volume named `data` (ours), else the first persistent
 * volume claim mounted by the first container (what `oc set volume --add` makes: `volume-xxxxx`).
 */
export function mountedClaim(workload: KubeObject): {claim: string; mountPath?: string} | undefined {
  const podSpec = rec(rec(rec(workload.spec).template).spec)
  const volumes = arr(podSpec.volumes).filter(v => str(rec(v.persistentVolumeClaim).claimName))
  if (volumes.length === 0) return undefined
  const containers = arr(podSpec.containers)
  const container = containers.find(c => c.name === 'notebook') ?? containers[0]
  const mounts = arr(container?.volumeMounts)
  const volume =
    volumes.find(v => v.name === 'data') ??
    volumes.find(v => mounts.some(m => m.name === v.name)) ??
    volumes[0]
  const mount = mounts.find(m => m.name === volume.name)
  return {
    claim: str(rec(volume.persistentVolumeClaim).claimName) as string,
    ...(str(mount?.mountPath) ? {mountPath: str(mount?.mountPath)} : {}),
  }
}

export function describeForeign(workload: KubeObject, route: KubeObject | undefined): ForeignNotebook {
  const kind: WorkloadKind = workload.kind === 'DeploymentConfig' ? 'DeploymentConfig' : 'Deployment'
  const containers = arr(rec(rec(rec(workload.spec).template).spec).containers)
  const container = containers.find(c => c.name === 'notebook') ?? containers[0]
  const mounted = mountedClaim(workload)
  const tag = workloadImageStreamTag(workload)
  const host = str(rec(route?.spec).host)
  const generated = route?.metadata?.annotations?.['openshift.io/host.generated'] === 'true'
  return {
    kind,
    name: workload.metadata?.name as string,
    selector: podSelectorOf(workload),
    ...(mounted ? {claim: mounted.claim, ...(mounted.mountPath ? {mountPath: mounted.mountPath} : {})} : {}),
    ...(tag ? {imageStreamTag: tag} : str(container?.image) ? {image: str(container?.image)} : {}),
    ...(host && !generated ? {hostname: host} : {}),
  }
}

/**
 * The commands that move a foreign notebook under oc-jupyter, as one line: delete what holds no data
 * (workload, Service, Route — `--ignore-not-found` for the last two, which the user may not have made),
 * then deploy with the same claim, mount path, image and host. The claim and its files stay.
 */
export function adoptCommand(f: ForeignNotebook, namespace: string): string {
  const workload = f.kind === 'DeploymentConfig' ? `dc/${f.name}` : `deployment/${f.name}`
  const flags = [
    f.claim ? `--existing-claim ${f.claim}` : undefined,
    f.claim && f.mountPath && f.mountPath !== DEFAULT_MOUNT_PATH ? `--mount-path ${f.mountPath}` : undefined,
    f.imageStreamTag && !f.imageStreamTag.includes('/')
      ? `--image ${f.imageStreamTag}`
      : f.image && !f.image.includes('@')
        ? `--image ${f.image}`
        : undefined,
    f.hostname ? `--hostname ${f.hostname}` : undefined,
  ].filter(Boolean)
  return (
    `oc delete ${workload} -n ${namespace} && ` +
    `oc delete service/${f.name} route/${f.name} -n ${namespace} --ignore-not-found && ` +
    `oc jupyter deploy ${f.name} ${[...flags, `-n ${namespace}`].join(' ')}`
  )
}

/** What the move changes, for the message that precedes the command. */
export function adoptExplanation(f: ForeignNotebook): string {
  const selector = selectorString(f.selector) || '(none)'
  const kind = f.kind === 'DeploymentConfig' ? 'DeploymentConfig' : 'Deployment'
  const why =
    f.kind === 'Deployment'
      ? `it selects its pods by ${selector}, which cannot change, so deploying over it would fail half-way`
      : `deploying would start a Deployment beside it (it selects its pods by ${selector})`
  return (
    `${kind} ${f.name} was not made by oc-jupyter: ${why}. ` +
    `Moving it under oc-jupyter replaces its workload, Service and Route (edge TLS, a password in a Secret, Recreate)` +
    (f.claim
      ? `; claim ${f.claim} and its files are kept and mounted again`
      : '; it has no persistent volume, so nothing of it is kept')
  )
}

/**
 * A notebook of this NAME made without oc-jupyter: its Deployment (or DeploymentConfig, probed without
 * the deprecation warning) when that does not select pods as ours, with its Route.
 */
export async function findForeign(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<{foreign: ForeignNotebook; workload: KubeObject} | undefined> {
  const deployment = await client.getIfExists<KubeObject>(resourcePath('Deployment', {namespace, name}))
  let workload = deployment && !selectsAsOurs(deployment, name) ? deployment : undefined
  if (!deployment) {
    const dc = await client
      .getIfExists<KubeObject>(resourcePath('DeploymentConfig', {namespace, name}), undefined, {
        quietWarnings: true,
      })
      .catch(() => undefined)
    if (dc && !selectsAsOurs(dc, name)) workload = dc
  }
  if (!workload) return undefined
  const route = await client
    .getIfExists<KubeObject>(resourcePath('Route', {namespace, name}))
    .catch(() => undefined)
  return {foreign: describeForeign(workload, route), workload}
}

/**
 * Checks that run before any write: the project exists and is an OpenShift project (the
 * cluster-policy-controller gave it a UID range), and the APIs a command needs are served.
 */
import {CliError, ExitCode} from './errors.js'
import {isForbidden, isNotFound, resourcePath, type KubeClient, type KubeObject} from './cluster/index.js'

export const UID_RANGE_ANNOTATION = 'openshift.io/sa.scc.uid-range'
export const SUPPLEMENTAL_GROUPS_ANNOTATION = 'openshift.io/sa.scc.supplemental-groups'
export const MCS_ANNOTATION = 'openshift.io/sa.scc.mcs'

export interface UidBlock {
  start: number
  size: number
  /** last UID of the block, inclusive */
  end: number
}

/**
 * Parses the block format of `openshift.io/sa.scc.uid-range` and `supplemental-groups`:
 * `<start>/<size>` (as written by the allocator) or `<start>-<end>` (also accepted by OpenShift's
 * parser, openshift/library-go pkg/security/uid). Several blocks may be comma-separated; the first
 * one is what MustRunAsRange assigns from. Returns undefined when malformed.
 */
export function parseUidBlock(value: string | undefined): UidBlock | undefined {
  if (value === undefined) return undefined
  const first = value.split(',')[0].trim()
  let m = /^(\d+)\/(\d+)$/.exec(first)
  if (m) {
    const start = Number(m[1])
    const size = Number(m[2])
    if (size < 1) return undefined
    return {start, size, end: start + size - 1}
  }
  m = /^(\d+)-(\d+)$/.exec(first)
  if (m) {
    const start = Number(m[1])
    const end = Number(m[2])
    if (end < start) return undefined
    return {start, size: end - start + 1, end}
  }
  return undefined
}

/**
 * GET the project (project.openshift.io, what `oc project NS` reads). A user who may not see a
 * project gets 403 whether or not it exists, as on OpenShift; both cases say how to go on.
 */
export async function requireProject(client: KubeClient, namespace: string): Promise<KubeObject> {
  try {
    return await client.get<KubeObject>(resourcePath('Project', {name: namespace}))
  } catch (error) {
    if (isNotFound(error)) {
      throw new CliError(`project "${namespace}" does not exist`, ExitCode.Failed, {
        hint: `oc new-project ${namespace}`,
        cause: error,
      })
    }
    if (isForbidden(error)) {
      throw new CliError(
        `project "${namespace}" does not exist or you are not allowed to use it`,
        ExitCode.Forbidden,
        {hint: `oc get projects   # or: oc new-project ${namespace}`, cause: error},
      )
    }
    throw error
  }
}

/** The project's UID block, or a clear failure when it is not (yet) an OpenShift project. */
export function requireUidRange(project: KubeObject): UidBlock {
  const ns = project.metadata?.name ?? '?'
  const value = project.metadata?.annotations?.[UID_RANGE_ANNOTATION]
  if (value === undefined) {
    throw new CliError(
      `namespace "${ns}" has no ${UID_RANGE_ANNOTATION} annotation: SCC admission will reject every pod ` +
        `("unable to find annotation ${UID_RANGE_ANNOTATION}"); it was probably created with kubectl, not as an OpenShift project`,
      ExitCode.Failed,
      {
        hint: `oc new-project ${ns}-notebooks   # or ask an administrator to check the cluster-policy-controller`,
      },
    )
  }
  const block = parseUidBlock(value)
  if (!block) {
    throw new CliError(
      `namespace "${ns}" has a malformed ${UID_RANGE_ANNOTATION} annotation "${value}" (expected START/SIZE, e.g. 1000040000/10000)`,
      ExitCode.Failed,
      {hint: `oc get namespace ${ns} -o yaml`},
    )
  }
  return block
}

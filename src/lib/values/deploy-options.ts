import {UsageError} from '../errors.js'
import type {AccessMode, AuthMode, InsecurePolicy, NotebookParams} from '../render/params.js'
import {defaultBuildFor, type BuildOptions} from './build-options.js'
import {parseChoice} from './choice.js'
import {
  DEFAULT_ACCESS_MODE,
  DEFAULT_IMAGE,
  DEFAULT_INSECURE_POLICY,
  DEFAULT_MEMORY,
  DEFAULT_MOUNT_PATH,
  DEFAULT_NOTEBOOK_NAME,
  DEFAULT_SERVICE_ACCOUNT,
  DEFAULT_VOLUME_SIZE,
} from './defaults.js'
import {parseEnvPairs} from './env.js'
import {
  baseStreamTagFor,
  formatImageRef,
  formatStreamTag,
  parseImageRef,
  parseImageStreamTag,
} from './image.js'
import {parseHostname, parseInstanceName, parseName} from './name.js'
import {parseMountPath} from './path.js'
import {invalid} from './invalid.js'
import {parseCpu, parseSize, Quantity} from './quantity.js'

/** `deploy` flags as oclif parses them (kebab-case keys), before validation. */
export interface DeployFlags {
  image?: string
  'volume-size'?: string
  'access-mode'?: string
  'storage-class'?: string
  'mount-path'?: string
  env?: string[]
  memory?: string
  cpu?: string
  hostname?: string
  'insecure-policy'?: string
  'service-account'?: string
  'deployment-config'?: boolean
  'keep-anyuid'?: boolean
  build?: boolean
  'password-from-stdin'?: boolean
  'rotate-password'?: boolean
  auth?: string
  'oauth-proxy-image'?: string
  start?: boolean
  'existing-claim'?: string
}

/**
 * Where the password comes from: `keep` an existing Secret (a new random one when absent — a
 * re-run never rotates), `stdin` (`--password-from-stdin`), or `rotate` to a new random one.
 */
export type PasswordSource = 'keep' | 'stdin' | 'rotate'

/** Validated `deploy` input: what to render plus how to run the deploy. */
export interface DeployOptions extends NotebookParams {
  /** --volume-size as a value, to compare with an existing claim (never shrink) */
  volumeQuantity: Quantity
  /**
   * The claim settings the user gave: the others default for a new claim and follow an existing one
   * (its size may have grown; access modes and class are immutable once bound).
   */
  explicit: {volumeSize: boolean; accessMode: boolean; storageClass: boolean}
  password: PasswordSource
  /** leave anyuid grants alone */
  keepAnyuid: boolean
  /** `--build`: run this build first */
  build?: BuildOptions
  /** `--start`: start a stopped notebook (else a re-run keeps it stopped) */
  start: boolean
}

interface Bounds {
  min: string
  max: string
  /** why the bounds, for the message */
  why: {min: string; max: string}
}

/**
 * Sizes a notebook can run with: below, Jupyter's server alone (about 100 MiB resident) is killed at
 * start; above, no provisioner creates the volume (cloud block volumes end at 16–64 TiB).
 */
const MEMORY_BOUNDS: Bounds = {
  min: '128Mi',
  max: '1Ti',
  why: {min: "less than Jupyter's server needs to start (about 100 MiB)", max: 'more than any node has'},
}
const VOLUME_BOUNDS: Bounds = {
  min: '1Mi',
  max: '64Ti',
  why: {min: 'too small for a filesystem', max: 'larger than any cloud or ODF volume (64 TiB at most)'},
}

function parseBounded(text: string, label: string, b: Bounds): Quantity {
  const q = parseSize(text, label)
  const min = Quantity.tryParse(b.min) as Quantity
  const max = Quantity.tryParse(b.max) as Quantity
  if (q.compare(min) < 0) throw invalid(label, text, `${b.why.min}: at least ${b.min}`)
  if (q.compare(max) > 0) throw invalid(label, text, `${b.why.max}: at most ${b.max}`)
  return q
}

export const AUTH_MODES: readonly AuthMode[] = ['password', 'openshift']
export const ACCESS_MODES: readonly AccessMode[] = ['ReadWriteOnce', 'ReadWriteOncePod', 'ReadWriteMany']
export const INSECURE_POLICIES: readonly InsecurePolicy[] = ['Redirect', 'Allow', 'None']

/**
 * Validates everything `deploy` was given, before any request. Throws UsageError (exit 2) with
 * one line naming the flag and the rule.
 */
export function parseDeployOptions(
  args: {name?: string},
  flags: DeployFlags,
  namespace?: string,
): DeployOptions {
  if (flags['password-from-stdin'] && flags['rotate-password']) {
    throw new UsageError(
      '--password-from-stdin and --rotate-password cannot be combined: both set a new password',
    )
  }
  const name = parseInstanceName(args.name ?? DEFAULT_NOTEBOOK_NAME)
  const auth = parseChoice(flags.auth ?? 'password', '--auth', AUTH_MODES)
  if (auth === 'openshift') {
    for (const [given, flag] of [
      [flags['password-from-stdin'], '--password-from-stdin'],
      [flags['rotate-password'], '--rotate-password'],
    ] as const) {
      if (given)
        throw new UsageError(
          `${flag} sets the notebook's password; with --auth openshift people log in with their OpenShift account`,
        )
    }
    if (flags['service-account'] !== undefined && flags['service-account'] !== name)
      throw new UsageError(
        `--auth openshift runs the notebook as service account ${name}, its OAuth client: --service-account does not apply`,
      )
  } else if (flags['oauth-proxy-image'] !== undefined) {
    throw new UsageError('--oauth-proxy-image only applies with --auth openshift')
  }
  const {image, importImage} = parseDeployImage(flags.image ?? DEFAULT_IMAGE)
  if (importImage && flags.build) {
    throw new UsageError(
      `--build builds an image stream of this project; --image ${flags.image} is imported from its registry`,
    )
  }
  const volumeQuantity = parseBounded(
    flags['volume-size'] ?? DEFAULT_VOLUME_SIZE,
    '--volume-size',
    VOLUME_BOUNDS,
  )
  const accessMode = parseChoice(flags['access-mode'] ?? DEFAULT_ACCESS_MODE, '--access-mode', ACCESS_MODES, {
    RWO: 'ReadWriteOnce',
    RWOP: 'ReadWriteOncePod',
    RWX: 'ReadWriteMany',
  })
  const opts: DeployOptions = {
    name,
    ...(namespace === undefined ? {} : {namespace}),
    image,
    ...(importImage === undefined ? {} : {importImage}),
    volumeSize: volumeQuantity.text,
    volumeQuantity,
    accessMode,
    mountPath: parseMountPath(flags['mount-path'] ?? DEFAULT_MOUNT_PATH),
    env: parseEnvPairs(flags.env ?? []),
    memory: parseBounded(flags.memory ?? DEFAULT_MEMORY, '--memory', MEMORY_BOUNDS).text,
    insecurePolicy: parseChoice(
      flags['insecure-policy'] ?? DEFAULT_INSECURE_POLICY,
      '--insecure-policy',
      INSECURE_POLICIES,
    ),
    serviceAccount: parseName(
      flags['service-account'] ?? (auth === 'openshift' ? name : DEFAULT_SERVICE_ACCOUNT),
      {
        label: '--service-account',
        rule: 'dns1123-subdomain',
      },
    ),
    workload: flags['deployment-config'] ? 'DeploymentConfig' : 'Deployment',
    password: flags['password-from-stdin'] ? 'stdin' : flags['rotate-password'] ? 'rotate' : 'keep',
    keepAnyuid: flags['keep-anyuid'] ?? false,
    start: flags.start ?? false,
    auth,
    ...(flags['oauth-proxy-image'] === undefined
      ? {}
      : {oauthProxyImage: formatImageRef(parseImageRef(flags['oauth-proxy-image'], '--oauth-proxy-image'))}),
    explicit: {
      volumeSize: flags['volume-size'] !== undefined,
      accessMode: flags['access-mode'] !== undefined,
      storageClass: flags['storage-class'] !== undefined,
    },
  }
  if (flags['storage-class'] !== undefined) {
    opts.storageClass = parseName(flags['storage-class'], {
      label: '--storage-class',
      rule: 'dns1123-subdomain',
    })
  }
  if (flags['existing-claim'] !== undefined) {
    opts.existingClaim = parseName(flags['existing-claim'], {
      label: '--existing-claim',
      rule: 'dns1123-subdomain',
    })
    const claimFlag = (['volume-size', 'access-mode', 'storage-class'] as const).find(
      f => flags[f] !== undefined,
    )
    if (claimFlag) {
      throw new UsageError(
        `--existing-claim ${opts.existingClaim} and --${claimFlag} cannot be combined: the existing claim keeps its own size, access mode and class`,
      )
    }
  }
  if (flags.cpu !== undefined) opts.cpu = parseCpu(flags.cpu, '--cpu').text
  if (flags.hostname !== undefined) opts.hostname = parseHostname(flags.hostname)
  if (flags.build) opts.build = defaultBuildFor(image, namespace)
  return opts
}

/**
 * `--image`: an image stream tag of this project (`STREAM:TAG`), or an image in a registry
 * (`quay.io/jupyter/scipy-notebook:2025-12-31` — anything with a `/`), which deploy imports into the
 * image stream named after its last path part (`scipy-notebook:2025-12-31`) and runs from there.
 */
export function parseDeployImage(text: string): {image: string; importImage?: NotebookParams['importImage']} {
  if (!text.includes('/')) return {image: formatStreamTag(parseImageStreamTag(text, '--image'))}
  const ref = parseImageRef(text, '--image')
  const ist = baseStreamTagFor(ref)
  return {
    image: formatStreamTag(ist),
    importImage: {stream: ist.stream, tag: ist.tag, image: formatImageRef(ref)},
  }
}

/**
 * Inputs of the renderers: plain, already-validated values (src/lib/values parses them). Strings
 * rather than value objects so the Template renderer can pass `${NAME}`-style parameters through
 * the same code.
 */

import type {EnvVar} from '../values/env.js'

export type {EnvVar}

/** `build`: the builder image set, or with `--from-source` a notebook image built from a repo. */
export interface BuildParams {
  /** the output image stream and the BuildConfig */
  name: string
  namespace?: string
  git: {uri: string; ref?: string}
  contextDir?: string
  /** `resources.limits.memory` of the build pod */
  buildMemory: string
  /** the output tag, NAME:TAG (default latest) */
  outputTag: string
  strategy: DockerStrategyParams | SourceStrategyParams
}

/** Docker strategy over a Dockerfile repo; FROM is replaced by the base image stream tag. */
export interface DockerStrategyParams {
  type: 'Docker'
  base: {
    /** the base image stream (`minimal-notebook`) and tag */
    stream: string
    tag: string
    /** what that tag imports: `quay.io/jupyter/minimal-notebook:2025-12-31` */
    image: string
  }
  /**
   * An inline Dockerfile (`source.dockerfile`) that replaces the repository's; the checkout stays the
   * build context. Absent: the repository's own Dockerfile is built.
   */
  dockerfile?: string
}

/** S2I Source strategy: the builder image runs over a repo of notebooks and requirements.txt. */
export interface SourceStrategyParams {
  type: 'Source'
  /** `STREAM:TAG` of the builder image stream in this project */
  builder: string
}

export type AccessMode = 'ReadWriteOnce' | 'ReadWriteOncePod' | 'ReadWriteMany'
export type InsecurePolicy = 'Redirect' | 'Allow' | 'None'
export type WorkloadKind = 'Deployment' | 'DeploymentConfig'
/** How people log in: the Secret's password (default), or their OpenShift account (oauth-proxy). */
export type AuthMode = 'password' | 'openshift'

/** `deploy`: Secret, PVC, Service, Route and Deployment (or DeploymentConfig) of one notebook. */
export interface NotebookParams {
  name: string
  namespace?: string
  /** image stream tag `STREAM:TAG` in this project */
  image: string
  /**
   * `--image REGISTRY/PATH:TAG`: the image stream STREAM that imports it (its tag TAG is `image`), so
   * the pod runs it through `lookupPolicy.local` and the trigger like a built image.
   */
  importImage?: {stream: string; tag: string; image: string}
  volumeSize: string
  accessMode: AccessMode
  storageClass?: string
  mountPath: string
  env: EnvVar[]
  memory?: string
  cpu?: string
  hostname?: string
  insecurePolicy: InsecurePolicy
  serviceAccount: string
  workload: WorkloadKind
  /** default `password` */
  auth?: AuthMode
  /** `--auth openshift`: the oauth-proxy image (default: the cluster's, else DEFAULT_OAUTH_PROXY_IMAGE) */
  oauthProxyImage?: string
  /** `oc jupyter stop`ped (replicas 0), kept so by a re-run of deploy without --start */
  stopped?: boolean
  /**
   * `--existing-claim CLAIM`: mount this claim (made before, e.g. by the recipe's `oc set volume`)
   * instead of rendering NAME-data. It is the user's: never created, resized or deleted.
   */
  existingClaim?: string
}

/** Defaults of SPEC.md, in one place: flags, help text, renderers and manifests/ all read these. */
export const DEFAULT_BUILD_NAME = 's2i-minimal-notebook'
export const DEFAULT_REPO = 'https://github.com/getwarped/s2i-minimal-notebook'
export const DEFAULT_REF = 's2i-assigned-uid'
export const DEFAULT_BASE_IMAGE = 'docker.io/jupyter/minimal-notebook:latest'
export const DEFAULT_BUILD_MEMORY = '1Gi'
export const DEFAULT_OUTPUT_TAG = 'latest'

export const DEFAULT_NOTEBOOK_NAME = 'notebook'
export const DEFAULT_IMAGE = `${DEFAULT_BUILD_NAME}:latest`
export const DEFAULT_VOLUME_SIZE = '1Gi'
export const DEFAULT_ACCESS_MODE = 'ReadWriteOnce'
export const DEFAULT_MOUNT_PATH = '/home/jovyan/volume'
export const DEFAULT_MEMORY = '1Gi'
export const DEFAULT_SERVICE_ACCOUNT = 'default'
export const DEFAULT_INSECURE_POLICY = 'Redirect'

/** `--timeout`: a whole build plus rollout; builds that install packages take minutes. */
export const DEFAULT_TIMEOUT = '30m'

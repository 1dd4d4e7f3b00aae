/** Defaults of SPEC.md, in one place: flags, help text, renderers and manifests/ all read these. */
export const DEFAULT_BUILD_NAME = 's2i-minimal-notebook'
export const DEFAULT_REPO = 'https://github.com/getwarped/s2i-minimal-notebook'
export const DEFAULT_REF = 's2i-assigned-uid'
/**
 * The maintained docker-stacks image at a date tag that exists: docker-stacks' own repository pins
 * `quay.io/jupyter/minimal-notebook:2025-12-31@sha256:5bb65b1758fca6915271353932d8fcd577a17cc73299a557197747555e6f142a`
 * in examples/make-deploy/Dockerfile (commit b9e9c06c, "Pin container images to digest hashes", #2450).
 * Ubuntu 24.04, Python 3.13, Notebook 7 / jupyter_server 2. Docker Hub's `jupyter/*` froze in Oct 2023.
 */
export const DEFAULT_BASE_IMAGE = 'quay.io/jupyter/minimal-notebook:2025-12-31'
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
/**
 * Per request. kubectl has none, but kube-apiserver ends any request that is not a watch or a stream
 * after 60 s (its own --request-timeout, default 1m0s) with a 504: past that no answer is coming.
 */
export const DEFAULT_REQUEST_TIMEOUT = '60s'

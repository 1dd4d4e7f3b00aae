/**
 * `--auth openshift`: people log in with their OpenShift account, as in OpenShift AI workbenches — an
 * oauth-proxy sidecar (openshift/oauth-proxy) in front of the notebook:
 * - the pod's own ServiceAccount NAME is the OAuth client (`--openshift-service-account`), its redirect
 *   reference annotation pointing at Route NAME (OpenShift's "service accounts as OAuth clients");
 * - `--openshift-sar` admits exactly the users who may `get` Service NAME in the project — a SubjectAccessReview
 *   made with the user's own token, so the proxy's service account needs no extra permission and granting
 *   `view` on the project lets a colleague in;
 * - TLS from the service CA (`service.beta.openshift.io/serving-cert-secret-name` on the Service), a
 *   reencrypt Route to the proxy's HTTPS port;
 * - a cookie secret in Secret NAME-oauth-config, generated once and kept;
 * - the notebook listens on 127.0.0.1 only (a mounted Jupyter config), so nothing else in the cluster can
 *   reach it past the proxy; its own token and password are off in this mode only.
 * Sources: openshift/oauth-proxy README and contrib/sidecar.yaml; providers/openshift/provider.go (the SAR
 * is POSTed to authorization.openshift.io/v1/subjectaccessreviews with the user's access token).
 */
import {randomBytes} from 'node:crypto'

import {labelsFor, objectMeta} from './labels.js'
import type {NotebookParams} from './params.js'
import type {KObject} from './types.js'

/**
 * Used when the cluster has no `oauth-proxy` image stream in `openshift` (OpenShift 4 ships one, tag
 * v4.4, which deploy prefers): the community build of openshift/oauth-proxy on quay.io.
 */
export const DEFAULT_OAUTH_PROXY_IMAGE = 'quay.io/openshift/origin-oauth-proxy:4.16'
/** The image stream OpenShift 4 ships for it, and its tag. */
export const OAUTH_PROXY_STREAM = {namespace: 'openshift', name: 'oauth-proxy', tag: 'v4.4'}

export const PROXY_CONTAINER = 'oauth-proxy'
export const PROXY_PORT = 8443
export const PROXY_PORT_NAME = 'oauth-proxy'
export const TLS_MOUNT = '/etc/tls/private'
export const COOKIE_MOUNT = '/etc/oauth/config'
export const COOKIE_KEY = 'cookie_secret'
/** Where the service account token is projected, in the proxy container only. */
export const SA_TOKEN_MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount'
/** The Jupyter config that binds the notebook to 127.0.0.1, and the variable that points Jupyter at it. */
export const JUPYTER_CONFIG_MOUNT = '/etc/oc-jupyter/jupyter'
export const JUPYTER_CONFIG_PATH_ENV = 'JUPYTER_CONFIG_PATH'

export const tlsSecretName = (name: string) => `${name}-tls`
export const oauthConfigSecretName = (name: string) => `${name}-oauth-config`
export const jupyterConfigMapName = (name: string) => `${name}-jupyter-config`

/**
 * The SAR a user must pass: may they `get` this notebook's Service? (`view` on the project grants it.)
 * The namespace is `$(NAMESPACE)`, which the kubelet expands from the container's env (the downward
 * API): the objects stay the same whatever project they are applied to.
 */
export function accessReview(name: string): string {
  return JSON.stringify({namespace: '$(NAMESPACE)', resource: 'services', resourceName: name, verb: 'get'})
}

/** ServiceAccount NAME, the OAuth client, redirecting to Route NAME. */
export function renderServiceAccount(p: Pick<NotebookParams, 'name' | 'namespace'>): KObject {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: objectMeta(p.name, labelsFor(p.name, 'notebook'), {
      namespace: p.namespace,
      annotations: {
        'serviceaccounts.openshift.io/oauth-redirectreference.notebook': JSON.stringify({
          kind: 'OAuthRedirectReference',
          apiVersion: 'v1',
          reference: {kind: 'Route', name: p.name},
        }),
      },
    }),
  }
}

/** 32 random bytes, base64: oauth-proxy's cookie secret must be 16, 24 or 32 bytes. */
export const randomCookieSecret = (): string => randomBytes(32).toString('base64')

/** Secret NAME-oauth-config with the proxy's cookie secret; created once, never rotated by a re-run. */
export function renderOAuthConfigSecret(p: {
  name: string
  namespace?: string
  cookieSecret: string
  /** `stringData` where a Template generates the value */
  encoding?: 'data' | 'stringData'
}): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: objectMeta(oauthConfigSecretName(p.name), labelsFor(p.name, 'notebook'), {
      namespace: p.namespace,
    }),
    type: 'Opaque',
    ...(p.encoding === 'stringData'
      ? {stringData: {[COOKIE_KEY]: p.cookieSecret}}
      : {data: {[COOKIE_KEY]: Buffer.from(p.cookieSecret, 'utf8').toString('base64')}}),
  }
}

/**
 * The Jupyter settings of this mode, for every server the images run: Notebook 6 (`NotebookApp`),
 * jupyter_server 1 and 2 (`ServerApp`; 2 also reads `IdentityProvider`). Listening on 127.0.0.1 with no
 * token or password, behind the proxy on localhost (`allow_remote_access`: the proxy forwards the
 * route's Host header; `trust_xheaders`: redirects keep https).
 */
export function jupyterConfig(): Record<string, Record<string, unknown>> {
  const app = {ip: '127.0.0.1', allow_remote_access: true, trust_xheaders: true, token: '', password: ''}
  return {
    'jupyter_server_config.json': {ServerApp: app, IdentityProvider: {token: ''}},
    'jupyter_notebook_config.json': {NotebookApp: app},
  }
}

/** ConfigMap NAME-jupyter-config, mounted at JUPYTER_CONFIG_MOUNT and named in JUPYTER_CONFIG_PATH. */
export function renderJupyterConfigMap(p: Pick<NotebookParams, 'name' | 'namespace'>): KObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: objectMeta(jupyterConfigMapName(p.name), labelsFor(p.name, 'notebook'), {
      namespace: p.namespace,
    }),
    data: Object.fromEntries(
      Object.entries(jupyterConfig()).map(([file, content]) => [
        file,
        `${JSON.stringify(content, null, 2)}\n`,
      ]),
    ),
  }
}

/** The restricted-v2 / Pod Security `restricted` container settings both containers share. */
export const RESTRICTED_CONTAINER = {
  allowPrivilegeEscalation: false,
  capabilities: {drop: ['ALL']},
  runAsNonRoot: true,
  seccompProfile: {type: 'RuntimeDefault'},
}

/** The oauth-proxy sidecar: HTTPS on 8443, the notebook on localhost upstream. */
export function renderProxyContainer(
  p: Pick<NotebookParams, 'name'>,
  image: string,
  notebookPort: number,
): Record<string, unknown> {
  return {
    name: PROXY_CONTAINER,
    image,
    env: [{name: 'NAMESPACE', valueFrom: {fieldRef: {fieldPath: 'metadata.namespace'}}}],
    args: [
      '--provider=openshift',
      `--https-address=:${PROXY_PORT}`,
      '--http-address=',
      `--openshift-service-account=${p.name}`,
      `--upstream=http://127.0.0.1:${notebookPort}`,
      `--tls-cert=${TLS_MOUNT}/tls.crt`,
      `--tls-key=${TLS_MOUNT}/tls.key`,
      `--cookie-secret-file=${COOKIE_MOUNT}/${COOKIE_KEY}`,
      `--openshift-sar=${accessReview(p.name)}`,
      '--skip-provider-button',
    ],
    ports: [{name: PROXY_PORT_NAME, containerPort: PROXY_PORT, protocol: 'TCP'}],
    readinessProbe: {
      httpGet: {path: '/oauth/healthz', port: PROXY_PORT_NAME, scheme: 'HTTPS'},
      initialDelaySeconds: 5,
      periodSeconds: 10,
    },
    livenessProbe: {
      httpGet: {path: '/oauth/healthz', port: PROXY_PORT_NAME, scheme: 'HTTPS'},
      initialDelaySeconds: 30,
      periodSeconds: 20,
    },
    resources: {requests: {cpu: '100m', memory: '64Mi'}, limits: {cpu: '100m', memory: '64Mi'}},
    securityContext: RESTRICTED_CONTAINER,
    volumeMounts: [
      {name: 'oauth-tls', mountPath: TLS_MOUNT, readOnly: true},
      {name: 'oauth-config', mountPath: COOKIE_MOUNT, readOnly: true},
      {name: 'oauth-sa-token', mountPath: SA_TOKEN_MOUNT, readOnly: true},
    ],
  }
}

/**
 * The pod volumes of this mode. The service account token is projected into the proxy only: the pod
 * keeps `automountServiceAccountToken: false`, so code run in the notebook never holds it.
 */
export function proxyVolumes(name: string): Array<Record<string, unknown>> {
  return [
    {name: 'oauth-tls', secret: {secretName: tlsSecretName(name)}},
    {name: 'oauth-config', secret: {secretName: oauthConfigSecretName(name)}},
    {
      name: 'oauth-sa-token',
      projected: {
        sources: [
          {serviceAccountToken: {path: 'token', expirationSeconds: 3600}},
          {configMap: {name: 'kube-root-ca.crt', items: [{key: 'ca.crt', path: 'ca.crt'}]}},
          {downwardAPI: {items: [{path: 'namespace', fieldRef: {fieldPath: 'metadata.namespace'}}]}},
        ],
      },
    },
    {name: 'jupyter-config', configMap: {name: jupyterConfigMapName(name)}},
  ]
}

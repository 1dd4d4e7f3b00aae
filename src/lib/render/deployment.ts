import {labelsFor, objectMeta, selectorFor} from './labels.js'
import type {NotebookParams} from './params.js'
import {dataClaimName} from './pvc.js'
import {
  DEFAULT_OAUTH_PROXY_IMAGE,
  JUPYTER_CONFIG_MOUNT,
  JUPYTER_CONFIG_PATH_ENV,
  proxyVolumes,
  renderProxyContainer,
  RESTRICTED_CONTAINER,
} from './oauth.js'
import {PASSWORD_KEY, passwordSecretName} from './secret.js'
import {NOTEBOOK_PORT, NOTEBOOK_PORT_NAME} from './service.js'
import type {KObject} from './types.js'

export const CONTAINER_NAME = 'notebook'
export const DATA_VOLUME_NAME = 'data'
/**
 * docker-stacks images make /home/jovyan and /opt/conda writable by group 100 (users), not 0: the
 * assigned UID runs with gid 0, so the pod adds group 100 (FACTS.md §Assigned user IDs).
 */
export const SUPPLEMENTAL_GROUP_USERS = 100

/**
 * The variable that carries the Secret's password into the notebook. Every Jupyter server reads
 * JUPYTER_TOKEN as its token — Notebook 6 (`NotebookApp._token_default`), jupyter_server 1
 * (`ServerApp._token_default`) and 2 (`IdentityProvider._token_default`), so Notebook 7 and JupyterLab
 * 4 too — and the login form accepts the token in its password field (`process_login_form`:
 * `self.token == typed_password`). Unlike JUPYTER_NOTEBOOK_PASSWORD it is not touched by the upstream
 * s2i run script, whose `import notebook.auth` crashes on Notebook 7 (FACTS.md §The upstream builder).
 * The startup log shows `?token=...`, not the value, because the token was not generated.
 */
export const PASSWORD_ENV = 'JUPYTER_TOKEN'

/** The `image.openshift.io/triggers` field path for the notebook container. */
export const TRIGGER_FIELD_PATH = `spec.template.spec.containers[?(@.name=="${CONTAINER_NAME}")].image`

/**
 * The pod template shared by the Deployment and the DeploymentConfig. Restricted-v2 compatible:
 * the container drops everything and asks for nothing, and there is deliberately no runAsUser or
 * fsGroup — the SCC assigns both from the project's ranges, which is the point of this tool.
 */
export function renderPodTemplate(p: NotebookParams): Record<string, unknown> {
  const openshiftAuth = p.auth === 'openshift'
  const resources: Record<string, Record<string, string>> = {}
  const amounts: Record<string, string> = {}
  if (p.cpu !== undefined) amounts.cpu = p.cpu
  if (p.memory !== undefined) amounts.memory = p.memory
  if (Object.keys(amounts).length > 0) {
    resources.requests = {...amounts}
    resources.limits = {...amounts}
  }
  // In --auth openshift the notebook listens on 127.0.0.1 only: the kubelet's probes, which connect to
  // the pod IP, cannot reach it, so they run inside the container (python is in every Jupyter image).
  const probe = openshiftAuth
    ? {
        exec: {
          command: [
            'python3',
            '-c',
            `import socket; socket.create_connection(('127.0.0.1', ${NOTEBOOK_PORT}), 5).close()`,
          ],
        },
      }
    : // tcpSocket, not httpGet: the server's base_url and auth redirects vary with the image and
      // Notebook version, while "listening on 8888" is what ready means for all of them.
      {tcpSocket: {port: NOTEBOOK_PORT}}
  const container = {
    name: CONTAINER_NAME,
    image: p.image,
    // --auth openshift: the notebook listens on 127.0.0.1 only; the proxy's port is the pod's
    ...(openshiftAuth
      ? {}
      : {ports: [{name: NOTEBOOK_PORT_NAME, containerPort: NOTEBOOK_PORT, protocol: 'TCP'}]}),
    env: [
      {name: 'PERSISTENT_VOLUME_ROOTDIR', value: p.mountPath},
      openshiftAuth
        ? {name: JUPYTER_CONFIG_PATH_ENV, value: JUPYTER_CONFIG_MOUNT}
        : {
            name: PASSWORD_ENV,
            valueFrom: {secretKeyRef: {name: passwordSecretName(p.name), key: PASSWORD_KEY}},
          },
      ...p.env.map(e => ({name: e.name, value: e.value})),
    ],
    resources,
    readinessProbe: {...probe, initialDelaySeconds: 5, periodSeconds: 10, failureThreshold: 3},
    // Generous: the first start may set up the virtualenv on the volume before it listens.
    livenessProbe: {...probe, initialDelaySeconds: 60, periodSeconds: 20, failureThreshold: 6},
    securityContext: RESTRICTED_CONTAINER,
    terminationMessagePolicy: 'FallbackToLogsOnError',
    volumeMounts: [
      {name: DATA_VOLUME_NAME, mountPath: p.mountPath},
      ...(openshiftAuth ? [{name: 'jupyter-config', mountPath: JUPYTER_CONFIG_MOUNT, readOnly: true}] : []),
    ],
  }
  return {
    metadata: {labels: labelsFor(p.name, 'notebook')},
    spec: {
      serviceAccountName: openshiftAuth ? p.name : p.serviceAccount,
      automountServiceAccountToken: false,
      securityContext: {supplementalGroups: [SUPPLEMENTAL_GROUP_USERS]},
      containers: [
        container,
        ...(openshiftAuth
          ? [renderProxyContainer(p, p.oauthProxyImage ?? DEFAULT_OAUTH_PROXY_IMAGE, NOTEBOOK_PORT)]
          : []),
      ],
      volumes: [
        {
          name: DATA_VOLUME_NAME,
          persistentVolumeClaim: {claimName: p.existingClaim ?? dataClaimName(p.name)},
        },
        ...(openshiftAuth ? proxyVolumes(p.name) : []),
      ],
    },
  }
}

/** The trigger annotation value `oc new-app` writes, for one image stream tag. */
export function imageTriggerAnnotation(imageStreamTag: string): string {
  return JSON.stringify([
    {from: {kind: 'ImageStreamTag', name: imageStreamTag}, fieldPath: TRIGGER_FIELD_PATH},
  ])
}

/**
 * Deployment NAME: one replica, Recreate (an RWO volume cannot attach to the old and the new pod
 * at once — RollingUpdate deadlocks on Multi-Attach), image `STREAM:TAG` resolved through the
 * stream's `lookupPolicy.local`, and the trigger annotation that rolls out each new build.
 */
export function renderDeployment(p: NotebookParams): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: objectMeta(p.name, labelsFor(p.name, 'notebook'), {
      namespace: p.namespace,
      annotations: {'image.openshift.io/triggers': imageTriggerAnnotation(p.image)},
    }),
    spec: {
      replicas: p.stopped ? 0 : 1,
      selector: {matchLabels: selectorFor(p.name)},
      strategy: {type: 'Recreate'},
      template: renderPodTemplate(p),
    },
  }
}

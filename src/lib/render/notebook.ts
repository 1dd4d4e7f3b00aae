import {renderBuildObjects} from './build.js'
import {renderDeployment} from './deployment.js'
import {renderDeploymentConfig} from './deploymentconfig.js'
import {renderBaseImageStream} from './imagestream.js'
import {
  randomCookieSecret,
  renderJupyterConfigMap,
  renderOAuthConfigSecret,
  renderServiceAccount,
} from './oauth.js'
import type {BuildParams, NotebookParams} from './params.js'
import {renderDataClaim} from './pvc.js'
import {renderRoute} from './route.js'
import {renderPasswordSecret} from './secret.js'
import {renderService} from './service.js'
import type {KObject} from './types.js'

export interface NotebookObjects {
  /** `--image REGISTRY/...`: the stream that imports it */
  imageStream?: KObject
  /** the password Secret (`--auth password`) */
  secret?: KObject
  /** `--auth openshift`: the OAuth client, the proxy's cookie secret, the notebook's Jupyter config */
  serviceAccount?: KObject
  oauthConfig?: KObject
  jupyterConfig?: KObject
  /** NAME-data, unless --existing-claim names the user's own */
  claim?: KObject
  service: KObject
  route: KObject
  workload: KObject
}

/**
 * The objects of one notebook. The password is an input, not generated here: the caller decides
 * between an existing Secret (never rotated by a re-run), stdin, and a fresh random one.
 */
export function renderNotebook(
  p: NotebookParams,
  password: string,
  opts: {secretEncoding?: 'data' | 'stringData'; cookieSecret?: string} = {},
): NotebookObjects {
  const openshiftAuth = p.auth === 'openshift'
  return {
    ...(p.importImage === undefined
      ? {}
      : {
          imageStream: renderBaseImageStream({
            namespace: p.namespace,
            ...p.importImage,
            component: 'notebook-image',
          }),
        }),
    ...(openshiftAuth
      ? {
          serviceAccount: renderServiceAccount(p),
          oauthConfig: renderOAuthConfigSecret({
            name: p.name,
            namespace: p.namespace,
            cookieSecret: opts.cookieSecret ?? randomCookieSecret(),
            encoding: opts.secretEncoding,
          }),
          jupyterConfig: renderJupyterConfigMap(p),
        }
      : {
          secret: renderPasswordSecret({
            name: p.name,
            namespace: p.namespace,
            password,
            encoding: opts.secretEncoding,
          }),
        }),
    ...(p.existingClaim === undefined ? {claim: renderDataClaim(p)} : {}),
    service: renderService(p),
    route: renderRoute(p),
    workload: p.workload === 'DeploymentConfig' ? renderDeploymentConfig(p) : renderDeployment(p),
  }
}

/**
 * In apply order: an imported image stream first (the workload runs it), Secret and PVC before the
 * workload that mounts them, Service before its Route.
 */
export function renderNotebookObjects(
  p: NotebookParams,
  password: string,
  opts: {secretEncoding?: 'data' | 'stringData'; cookieSecret?: string} = {},
): KObject[] {
  const o = renderNotebook(p, password, opts)
  return [
    o.imageStream,
    o.serviceAccount,
    o.secret,
    o.oauthConfig,
    o.jupyterConfig,
    o.claim,
    o.service,
    o.route,
    o.workload,
  ].filter((x): x is KObject => x !== undefined)
}

/** `deploy --dry-run=client`: the builder set first when `--build` asks for it, then the notebook. */
export function renderDeployObjects(p: NotebookParams & {build?: BuildParams}, password: string): KObject[] {
  return [
    ...(p.build === undefined ? [] : renderBuildObjects(p.build)),
    ...renderNotebookObjects(p, password),
  ]
}

/**
 * Writes a kubeconfig for the fake server: inline CA data (both kubectl and
 * @kubernetes/client-node 1.4 verify TLS with it — client-node refuses http:// without
 * insecure-skip-tls-verify), a bearer token and the current namespace. Context and cluster names
 * follow `oc login`'s `NAMESPACE/SERVER/USER` shape so CLI code that parses them sees the usual form.
 */
import {mkdirSync, writeFileSync} from 'node:fs'
import {dirname} from 'node:path'

import {dump} from 'js-yaml'

export interface KubeconfigOptions {
  server: string
  caPem: string
  token: string
  username: string
  namespace?: string
  /** authenticate with this client certificate instead of the token */
  clientCertificate?: {certPem: string; keyPem: string}
}

export function renderKubeconfig(o: KubeconfigOptions): string {
  const host = new URL(o.server).host.replace(/[.:]/g, '-')
  const cluster = host
  const user = `${o.username}/${host}`
  const context = `${o.namespace ?? 'default'}/${host}/${o.username}`
  return dump(
    {
      apiVersion: 'v1',
      kind: 'Config',
      preferences: {},
      clusters: [
        {
          name: cluster,
          cluster: {server: o.server, 'certificate-authority-data': Buffer.from(o.caPem).toString('base64')},
        },
      ],
      users: [
        {
          name: user,
          user: o.clientCertificate
            ? {
                'client-certificate-data': Buffer.from(o.clientCertificate.certPem).toString('base64'),
                'client-key-data': Buffer.from(o.clientCertificate.keyPem).toString('base64'),
              }
            : {token: o.token},
        },
      ],
      contexts: [{name: context, context: {cluster, user, ...(o.namespace ? {namespace: o.namespace} : {})}}],
      'current-context': context,
    },
    {lineWidth: -1},
  )
}

/** Writes the kubeconfig with mode 0600 (kubectl warns about world-readable configs holding tokens). */
export function writeKubeconfig(path: string, o: KubeconfigOptions): string {
  mkdirSync(dirname(path), {recursive: true})
  writeFileSync(path, renderKubeconfig(o), {mode: 0o600})
  return path
}

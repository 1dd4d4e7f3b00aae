/**
 * Certificates a namespace gets without asking:
 * - the service CA (openshift/service-ca-operator, "serving cert signer"): a Service annotated
 *   `service.beta.openshift.io/serving-cert-secret-name: X` (or the `service.alpha` form) gets Secret X of
 *   type kubernetes.io/tls, owned by the Service, with `tls.crt`/`tls.key` for
 *   `NAME.NAMESPACE.svc`; the Service is annotated `service.beta.openshift.io/serving-cert-signed-by`. A
 *   Secret of that name that another Service's certificate already holds is not overwritten: the
 *   Service gets `service.beta.openshift.io/serving-cert-generation-error` instead.
 * - the root CA publisher (kube-controller-manager, since 1.20) and the service CA's injector: ConfigMaps
 *   `kube-root-ca.crt` and `openshift-service-ca.crt` in every namespace (projected service account
 *   token volumes read `kube-root-ca.crt`).
 * The certificates are placeholders: nothing in the fake speaks TLS to a pod.
 */
import type {KObject} from '../types.js'
import {ownerRef, type SimContext} from './context.js'
import {clone, nsOf, sha256Hex} from './kube.js'

const SECRET_ANNOTATIONS = [
  'service.beta.openshift.io/serving-cert-secret-name',
  'service.alpha.openshift.io/serving-cert-secret-name',
]
const SIGNED_BY = 'service.beta.openshift.io/serving-cert-signed-by'
const GENERATION_ERROR = 'service.beta.openshift.io/serving-cert-generation-error'
const ORIGINATING_UID = 'service.beta.openshift.io/originating-service-uid'
const SIGNER = 'openshift-service-serving-signer@1700000000'

const pem = (kind: string, seed: string) =>
  `-----BEGIN ${kind}-----\n${Buffer.from(sha256Hex(seed).repeat(4)).toString('base64').slice(0, 64)}\n-----END ${kind}-----\n`

export function serviceCaStep(ctx: SimContext): boolean {
  if (!ctx.opts.serviceCA) return false
  let changed = publishCaBundles(ctx)
  for (const svc of ctx.list('v1', 'services')) {
    const annotations = svc.metadata.annotations ?? {}
    const secretName = SECRET_ANNOTATIONS.map(a => annotations[a]).find(Boolean)
    if (!secretName || annotations[SIGNED_BY] || annotations[GENERATION_ERROR]) continue
    const ns = nsOf(svc)
    const existing = ctx.get('v1', 'secrets', ns, secretName)
    if (existing && existing.metadata.annotations?.[ORIGINATING_UID] !== svc.metadata.uid) {
      changed =
        annotate(ctx, svc, {
          [GENERATION_ERROR]: `secret/${secretName} references serviceUID ${existing.metadata.annotations?.[ORIGINATING_UID] ?? ''}, which does not match ${svc.metadata.uid ?? ''}`,
        }) || changed
      continue
    }
    if (!existing) {
      const host = `${svc.metadata.name}.${ns}.svc`
      ctx.store.create(ctx.mustRt('v1', 'secrets'), {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/tls',
        metadata: {
          name: secretName,
          namespace: ns,
          annotations: {
            'service.beta.openshift.io/originating-service-name': svc.metadata.name ?? '',
            [ORIGINATING_UID]: svc.metadata.uid ?? '',
            'service.beta.openshift.io/expiry': '2028-12-06T00:00:00Z',
          },
          ownerReferences: [ownerRef(svc)],
        },
        data: {
          'tls.crt': Buffer.from(pem('CERTIFICATE', host)).toString('base64'),
          'tls.key': Buffer.from(pem('RSA PRIVATE KEY', `${host}/key`)).toString('base64'),
        },
      })
    }
    changed = annotate(ctx, svc, {[SIGNED_BY]: SIGNER}) || changed
  }
  return changed
}

function annotate(ctx: SimContext, svc: KObject, add: Record<string, string>): boolean {
  const after = clone(svc)
  after.metadata.annotations = {...(svc.metadata.annotations ?? {}), ...add}
  return ctx.save('v1', 'services', svc, after)
}

function publishCaBundles(ctx: SimContext): boolean {
  const rt = ctx.rt('v1', 'configmaps')
  if (!rt) return false
  let changed = false
  for (const ns of ctx.list('v1', 'namespaces')) {
    if (ns.metadata.deletionTimestamp) continue
    const name = ns.metadata.name ?? ''
    for (const [cm, key, annotations] of [
      [
        'kube-root-ca.crt',
        'ca.crt',
        {
          'kubernetes.io/description':
            'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.',
        },
      ],
      ['openshift-service-ca.crt', 'service-ca.crt', {'service.beta.openshift.io/inject-cabundle': 'true'}],
    ] as const) {
      if (ctx.store.get(rt, name, cm)) continue
      ctx.store.create(rt, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {name: cm, namespace: name, annotations: {...annotations}},
        data: {[key]: pem('CERTIFICATE', `${cm}/${name}`)},
      })
      changed = true
    }
  }
  return changed
}

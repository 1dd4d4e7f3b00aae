/**
 * `deploy --auth openshift` (src/lib/render/oauth.ts): an oauth-proxy sidecar in front of the notebook,
 * the pod's ServiceAccount as OAuth client, a serving certificate from the service CA. What stops it:
 * - the serving-cert Secret never comes (the service CA did not act, or the Service lost its
 *   annotation): the kubelet holds the pod (FailedMount) — the root of a proxy that is not Ready;
 * - the ServiceAccount's `serviceaccounts.openshift.io/oauth-redirectreference.*` names a Route that
 *   does not exist: the OAuth server has no redirect URI for the client and refuses every login;
 * - the proxy's own log: its service account may not review tokens or access (delegation, which needs
 *   `system:auth-delegator`), or a user was refused by the `--openshift-sar` check;
 * - the proxy container is not Ready for another reason (it crashed: its log says why).
 * Sources: openshift/oauth-proxy providers/openshift/provider.go and oauthproxy.go (log lines),
 * openshift/service-ca-operator (annotations), OpenShift docs "Using a service account as an OAuth client".
 */
import {cause} from '../causes.js'
import {annotationsOf, arr, nameOf, podTemplate, rec, str, strs, type Rec} from '../obj.js'
import type {Check, DoctorData, Finding} from '../types.js'
import {deployedImage, finding, inNs, instanceName, workloadRef} from './util.js'

const SERVING_CERT = [
  'service.beta.openshift.io/serving-cert-secret-name',
  'service.alpha.openshift.io/serving-cert-secret-name',
]
const SIGNED_BY = 'service.beta.openshift.io/serving-cert-signed-by'
const GENERATION_ERROR = 'service.beta.openshift.io/serving-cert-generation-error'
const REDIRECT_REFERENCE = 'serviceaccounts.openshift.io/oauth-redirectreference.'

/** An oauth-proxy container in OpenShift mode: `--provider=openshift` among its arguments. */
const isProxy = (c: Rec): boolean => [...strs(c.command), ...strs(c.args)].includes('--provider=openshift')

const proxyOf = (spec: Rec): Rec | undefined => arr(spec.containers).find(isProxy)

const argOf = (c: Rec, flag: string): string | undefined =>
  [...strs(c.command), ...strs(c.args)].find(a => a.startsWith(`--${flag}=`))?.slice(flag.length + 3)

/** The Secret the proxy reads its certificate from: the volume mounted over `--tls-cert`'s directory. */
function tlsSecretOf(spec: Rec, proxy: Rec): string | undefined {
  const cert = argOf(proxy, 'tls-cert')
  if (!cert) return undefined
  const mount = arr(proxy.volumeMounts).find(m => cert.startsWith(`${str(m.mountPath) ?? '?'}/`))
  const volume = arr(spec.volumes).find(v => v.name === mount?.name)
  return str(rec(volume?.secret).secretName)
}

/** The workloads that run an oauth-proxy in OpenShift mode, with what they need. */
function proxied(d: DoctorData): Array<{w: (typeof d.workloads)[number]; proxy: Rec; tlsSecret?: string}> {
  return d.workloads.flatMap(w => {
    const spec = podTemplate(w).spec
    const proxy = proxyOf(spec)
    return proxy ? [{w, proxy, tlsSecret: tlsSecretOf(spec, proxy)}] : []
  })
}

/** `oc jupyter deploy NAME --auth MODE`, keeping a registry image the notebook runs (`--image`). */
function redeploy(d: DoctorData, what: string, auth = 'openshift'): string {
  const w = proxied(d)[0]?.w ?? d.workloads[0]
  const notebook = w ? arr(podTemplate(w).spec.containers).find(c => !isProxy(c)) : undefined
  const image = deployedImage(w, notebook)
  return `oc jupyter deploy ${instanceName(d)}${image ? ` --image ${image}` : ''} --auth ${auth} ${inNs(d)}   # ${what}`
}

/** `MountVolume.SetUp failed for volume "oauth-tls" : secret "notebook-tls" not found` on a current pod. */
function missingSecretEvents(d: DoctorData, secret: string): string[] {
  const pods = new Set(d.pods.map(nameOf))
  return d.events
    .filter(
      e =>
        e.reason === 'FailedMount' &&
        pods.has(str(rec(e.involvedObject).name) ?? '') &&
        (str(e.message) ?? '').includes(`secret "${secret}" not found`),
    )
    .map(e => `FailedMount (pod ${str(rec(e.involvedObject).name)}): ${str(e.message)}`)
}

export const servingCertMissing: Check<DoctorData> = {
  id: 'auth.serving-cert-missing',
  area: 'auth',
  title: "The oauth-proxy's serving certificate exists",
  severity: 'error',
  reads:
    'pod template of a workload with an oauth-proxy (--provider=openshift): the Secret over --tls-cert; FailedMount events of current pods; Service annotations service.beta.openshift.io/serving-cert-secret-name, -signed-by, -generation-error',
  fires:
    "the proxy's certificate Secret is missing (the kubelet holds the pod, FailedMount): the service CA did not sign the Service's certificate (the service-ca operator is degraded), it refused to (generation error), or no Service asks for it",
  fix: 'Re-run `oc jupyter deploy NAME --auth openshift` when the Service lost its annotation; while the service CA does not sign, log in with a password (`--auth password`) until an administrator repairs it.',
  needs: ['events', 'pods', 'services'],
  run(d) {
    return proxied(d).flatMap(({w, tlsSecret}): Finding[] => {
      if (!tlsSecret) return []
      const events = missingSecretEvents(d, tlsSecret)
      const svc = (d.services ?? []).find(s => SERVING_CERT.some(a => annotationsOf(s)[a] === tlsSecret))
      const error = svc ? annotationsOf(svc)[GENERATION_ERROR] : undefined
      if (events.length === 0 && !error) return []
      const name = instanceName(d)
      let message: string
      let evidence: string[]
      let fix: string[]
      if (!svc) {
        message = `Secret ${tlsSecret} (the oauth-proxy's certificate) does not exist and no Service asks the service CA for it`
        evidence = [
          ...events,
          `no Service of ${name} has service.beta.openshift.io/serving-cert-secret-name: ${tlsSecret}`,
        ]
        fix = [
          redeploy(
            d,
            'puts the serving-cert annotation back on the Service; the service CA then creates the Secret',
          ),
        ]
      } else if (error) {
        message = `the service CA refused to create Secret ${tlsSecret} for Service ${nameOf(svc)}: ${error}`
        evidence = [...events, `Service ${nameOf(svc)}: ${GENERATION_ERROR}: ${error}`]
        // A Secret of that name made for an earlier Service (another UID): once it and the error are
        // gone, the service CA signs the certificate again.
        fix = [
          `oc delete secret ${tlsSecret} ${inNs(d)} && oc annotate service ${nameOf(svc)} ${GENERATION_ERROR}- ${GENERATION_ERROR}-num- ${inNs(d)}   # the Secret of that name belongs to another Service UID`,
        ]
      } else {
        const signed = annotationsOf(svc)[SIGNED_BY]
        message = signed
          ? `Secret ${tlsSecret} (the oauth-proxy's certificate) is missing although the service CA signed Service ${nameOf(svc)}'s certificate`
          : `the service CA has not signed Service ${nameOf(svc)}'s certificate, so Secret ${tlsSecret} does not exist: the service-ca operator is not running or degraded (a cluster administrator sees why in ClusterOperator service-ca)`
        evidence = [
          ...events,
          `Service ${nameOf(svc)}: serving-cert-secret-name: ${tlsSecret}; ${SIGNED_BY}: ${signed ?? '(none)'}`,
        ]
        fix = signed
          ? [
              // the service CA re-creates a deleted Secret when the signed-by annotation is cleared
              `oc annotate service ${nameOf(svc)} ${SIGNED_BY}- ${inNs(d)}   # the service CA signs it again and re-creates the Secret`,
            ]
          : [
              redeploy(
                d,
                `meanwhile: the notebook without the proxy, password login (oc jupyter password ${name}); deploy --auth openshift again once the service CA signs certificates`,
                'password',
              ),
            ]
      }
      return [
        finding(this.id, this.severity, message, evidence, fix, w, {
          cause: cause.auth(`serving-cert:${tlsSecret}`),
          root: true,
        }),
      ]
    })
  },
}

export const redirectRouteMissing: Check<DoctorData> = {
  id: 'auth.redirect-route-missing',
  area: 'auth',
  title: "The OAuth client's redirect reference names an existing Route",
  severity: 'error',
  reads:
    'ServiceAccount annotations serviceaccounts.openshift.io/oauth-redirectreference.*; the Routes of the namespace',
  fires:
    "the notebook's ServiceAccount (the proxy's OAuth client) redirects to a Route that does not exist: the OAuth server has no redirect URI for it and refuses every login",
  fix: 'Re-run `oc jupyter deploy NAME --auth openshift`: it applies the Route and the annotation together.',
  needs: ['serviceAccounts', 'routes'],
  run(d) {
    const sa = d.serviceAccountObject
    if (!sa || d.routeNames === undefined || proxied(d).length === 0) return []
    const routes = new Set(d.routeNames)
    return Object.entries(annotationsOf(sa)).flatMap(([key, value]): Finding[] => {
      if (!key.startsWith(REDIRECT_REFERENCE)) return []
      let ref: Rec
      try {
        ref = rec(rec(JSON.parse(value) as unknown).reference)
      } catch {
        return []
      }
      const route = str(ref.name)
      if (str(ref.kind) !== 'Route' || !route || routes.has(route)) return []
      return [
        finding(
          this.id,
          this.severity,
          `ServiceAccount ${nameOf(sa)} (the oauth-proxy's OAuth client) redirects to Route ${route}, which does not exist: every login fails at the OAuth server`,
          [
            `ServiceAccount ${nameOf(sa)}: ${key}: ${value}`,
            `Routes in ${d.namespace}: ${[...routes].join(', ') || '(none)'}`,
          ],
          redeploy(d, `applies Route ${instanceName(d)} and the redirect reference to it`),
          sa,
          {cause: cause.auth(`redirect:${nameOf(sa)}`), root: true},
        ),
      ]
    })
  },
}

/** Lines of the proxy's log that say why logins fail, with the cause and fix they point to. */
interface LogPattern {
  re: RegExp
  what: string
  key: string
  fix: (d: DoctorData, w: (typeof d.workloads)[number]) => string[]
}

const authDelegator = (d: DoctorData, w: (typeof d.workloads)[number]): string[] => [
  `oc create clusterrolebinding ${instanceName(d)}-${d.namespace}-auth-delegator --clusterrole=system:auth-delegator --serviceaccount=${d.namespace}:${d.serviceAccount}   # as a cluster administrator: the proxy may review tokens and access (needed by --openshift-delegate-urls)`,
  `oc rollout restart ${workloadRef(w)} ${inNs(d)}   # the proxy checks once, at start`,
]

const LOG_PATTERNS: LogPattern[] = [
  {
    re: /unable to retrieve authentication information for tokens/,
    what: 'its service account may not create TokenReviews: bearer tokens sent to --openshift-delegate-urls are refused',
    key: 'delegation',
    fix: authDelegator,
  },
  {
    re: /unable to retrieve authorization information for users/,
    what: 'its service account may not create SubjectAccessReviews: requests to --openshift-delegate-urls are refused',
    key: 'delegation',
    fix: authDelegator,
  },
]

export const proxyLogErrors: Check<DoctorData> = {
  id: 'auth.proxy-log-errors',
  area: 'auth',
  title: "The oauth-proxy's log shows no OAuth errors",
  severity: 'error',
  reads: 'logs of the oauth-proxy containers (current and previous)',
  fires:
    'the proxy logs `unable to retrieve authentication information for tokens` or `... authorization information for users`: its service account lacks system:auth-delegator, which --openshift-delegate-urls needs',
  fix: 'Bind system:auth-delegator to the service account (a cluster administrator), then restart the pods.',
  needs: ['podLogs', 'workloads'],
  run(d) {
    const found = proxied(d)
    if (found.length === 0) return []
    const names = new Set(found.map(f => str(f.proxy.name)))
    const out: Finding[] = []
    for (const l of d.podLogs) {
      if (!names.has(l.container)) continue
      const lines = [...l.previous, ...l.current]
      const matched = LOG_PATTERNS.map(p => ({p, hits: lines.filter(x => p.re.test(x))})).filter(
        m => m.hits.length > 0,
      )
      for (const key of new Set(matched.map(m => m.p.key))) {
        const same = matched.filter(m => m.p.key === key)
        if (out.some(f => f.cause === cause.auth(`${key}:${d.serviceAccount}`))) continue
        const w = found.find(f => l.pod.startsWith(`${nameOf(f.w)}-`))?.w ?? found[0].w
        out.push(
          finding(
            this.id,
            this.severity,
            `the oauth-proxy of pod ${l.pod} reports: ${same.map(m => m.p.what).join('; ')}`,
            // the last line of each pattern (the proxy repeats them while it polls)
            same.map(m => `${l.pod}/${l.container}: ${m.hits[m.hits.length - 1]}`),
            same[0].p.fix(d, w),
            {kind: 'Pod', name: l.pod},
            {cause: cause.auth(`${key}:${d.serviceAccount}`), root: true},
          ),
        )
      }
    }
    return out
  },
}

export const proxyNotReady: Check<DoctorData> = {
  id: 'auth.proxy-not-ready',
  area: 'auth',
  title: 'The oauth-proxy container is Ready',
  severity: 'error',
  reads: 'container statuses of the oauth-proxy in current pods; its log',
  fires:
    'the proxy container of a current pod is not Ready: nobody can reach the notebook through the Route (a missing certificate or a crash; its waiting reason and log say which)',
  fix: 'Fix what the evidence names; when the pod spec was edited, `oc jupyter deploy NAME --auth openshift` restores it.',
  needs: ['pods'],
  run(d) {
    const found = proxied(d)
    if (found.length === 0) return []
    return d.pods.flatMap((p): Finding[] => {
      const w = found.find(f => nameOf(p).startsWith(`${nameOf(f.w)}-`))
      if (!w) return []
      const name = str(w.proxy.name) ?? 'oauth-proxy'
      const status = arr(rec(p.status).containerStatuses).find(c => c.name === name)
      if (status?.ready === true) return []
      const waiting = rec(rec(status?.state).waiting)
      const last = rec(rec(status?.lastState).terminated)
      const log = d.podLogs.find(l => l.pod === nameOf(p) && l.container === name)
      const tail = [...(log?.previous ?? []), ...(log?.current ?? [])].slice(-2)
      const tls = w.tlsSecret ? missingSecretEvents(d, w.tlsSecret) : []
      const evidence = [
        `container ${name}: ${str(waiting.reason) ?? (status ? 'not ready' : 'not started')}${str(waiting.message) ? `: ${str(waiting.message)}` : ''}`,
        ...(last.exitCode !== undefined
          ? [`last exit ${String(last.exitCode)}${str(last.reason) ? ` (${str(last.reason)})` : ''}`]
          : []),
        ...tail.map(x => `log: ${x}`),
      ]
      return [
        finding(
          this.id,
          this.severity,
          `the oauth-proxy of pod ${nameOf(p)} is not Ready: the notebook cannot be reached through its Route`,
          evidence,
          tls.length > 0
            ? `oc describe pod ${nameOf(p)} ${inNs(d)}`
            : redeploy(d, "restores the proxy's arguments, volumes and Secrets as deploy made them"),
          p,
          // waiting for its certificate: an effect of that cause; otherwise its own
          tls.length > 0 && w.tlsSecret
            ? {cause: cause.auth(`serving-cert:${w.tlsSecret}`)}
            : {cause: cause.start(nameOf(p), name), root: true},
        ),
      ]
    })
  },
}

export const authChecks = [servingCertMissing, redirectRouteMissing, proxyLogErrors, proxyNotReady]

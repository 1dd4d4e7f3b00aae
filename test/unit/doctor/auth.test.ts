/** The auth.* judges over data shaped as `deploy --auth openshift` renders it (src/lib/render/oauth.ts). */
import {describe, expect, it} from 'vitest'

import type {KubeObject} from '../../../src/lib/cluster/index.js'
import {
  proxyLogErrors,
  proxyNotReady,
  redirectRouteMissing,
  servingCertMissing,
} from '../../../src/lib/doctor/checks/auth.js'
import type {DoctorData} from '../../../src/lib/doctor/types.js'
import {proxyVolumes, renderProxyContainer, renderServiceAccount} from '../../../src/lib/render/oauth.js'
import {NS, deployment, event, healthy, pod} from './fixtures.js'

function proxied(): KubeObject {
  const w = deployment()
  const spec = (w.spec as {template: {spec: {containers: unknown[]; volumes: unknown[]}}}).template.spec
  spec.containers.push(renderProxyContainer({name: 'notebook'}, 'oauth-proxy:v4.4', 8888))
  spec.volumes.push(...proxyVolumes('notebook'))
  return w
}

const service = (annotations: Record<string, string>): KubeObject => ({
  kind: 'Service',
  metadata: {name: 'notebook', namespace: NS, annotations},
})
const CERT = {'service.beta.openshift.io/serving-cert-secret-name': 'notebook-tls'}
const MOUNT = event(
  'FailedMount',
  'MountVolume.SetUp failed for volume "oauth-tls" : secret "notebook-tls" not found',
  {kind: 'Pod', name: 'notebook-abc-x1'},
)

const data = (over: Partial<DoctorData> = {}): DoctorData =>
  healthy({workloads: [proxied()], pods: [pod()], services: [service(CERT)], ...over})

describe('auth.serving-cert-missing', () => {
  it('quiet when the Secret mounted (no FailedMount) or the notebook has no proxy', () => {
    expect(servingCertMissing.run(data())).toEqual([])
    expect(servingCertMissing.run(healthy({events: [MOUNT]}))).toEqual([])
  })

  it('not signed: the degraded service CA, password login meanwhile (keeping the image)', () => {
    const [f] = servingCertMissing.run(data({events: [MOUNT]}))
    expect(f.message).toContain('the service-ca operator is not running or degraded')
    expect(f.evidence).toContain(
      'Service notebook: serving-cert-secret-name: notebook-tls; service.beta.openshift.io/serving-cert-signed-by: (none)',
    )
    expect(f.remediation).toMatch(
      /^oc jupyter deploy notebook --image nb:latest --auth password -n myproject {3}# /,
    )
    expect(f).toMatchObject({cause: 'auth:serving-cert:notebook-tls', root: true})
  })

  it('a generation error: the Secret of that name goes, the error annotations too', () => {
    const [f] = servingCertMissing.run(
      data({
        services: [
          service({
            ...CERT,
            'service.beta.openshift.io/serving-cert-generation-error':
              'secret/notebook-tls references serviceUID x',
          }),
        ],
      }),
    )
    expect(f.remediation).toContain(
      'oc delete secret notebook-tls -n myproject && oc annotate service notebook service.beta.openshift.io/serving-cert-generation-error- service.beta.openshift.io/serving-cert-generation-error-num- -n myproject',
    )
  })

  it('no Service asks for it: redeploy', () => {
    const [f] = servingCertMissing.run(data({events: [MOUNT], services: [service({})]}))
    expect(f.message).toContain('no Service asks the service CA for it')
    expect(f.remediation).toMatch(
      /^oc jupyter deploy notebook --image nb:latest --auth openshift -n myproject /,
    )
  })
})

describe('auth.redirect-route-missing', () => {
  const sa = renderServiceAccount({name: 'notebook', namespace: NS}) as KubeObject
  it('fires only when the referenced Route is missing', () => {
    expect(redirectRouteMissing.run(data({serviceAccountObject: sa, routeNames: ['notebook']}))).toEqual([])
    const [f] = redirectRouteMissing.run(data({serviceAccountObject: sa, routeNames: ['other']}))
    expect(f.message).toContain('redirects to Route notebook, which does not exist')
    expect(f.evidence[1]).toBe('Routes in myproject: other')
    // unreadable routes: nothing judged
    expect(redirectRouteMissing.run(data({serviceAccountObject: sa}))).toEqual([])
  })
})

describe('auth.proxy-log-errors and auth.proxy-not-ready', () => {
  const denied = (what: string) =>
    `2026/01/01 00:00:00 provider.go:375: unable to retrieve ${what}: tokenreviews.authentication.k8s.io is forbidden`
  it('delegation errors: one finding with a line per pattern; the administrator binds system:auth-delegator', () => {
    const logs = [
      {
        pod: 'notebook-abc-x1',
        container: 'oauth-proxy',
        previous: [],
        current: [
          denied('authentication information for tokens'),
          denied('authorization information for users'),
        ],
      },
    ]
    const found = proxyLogErrors.run(data({podLogs: logs}))
    expect(found).toHaveLength(1)
    expect(found[0].evidence).toHaveLength(2)
    expect(found[0].remediation.split('\n')[0]).toContain(
      'oc create clusterrolebinding notebook-myproject-auth-delegator --clusterrole=system:auth-delegator --serviceaccount=myproject:default   # as a cluster administrator',
    )
    // the notebook container's log is not the proxy's
    expect(proxyLogErrors.run(data({podLogs: [{...logs[0], container: 'notebook'}]}))).toEqual([])
  })

  it('a proxy not Ready waiting for its certificate is an effect of that cause', () => {
    const waiting = pod()
    ;(waiting.status as {containerStatuses: unknown[]}).containerStatuses = [
      {name: 'notebook', ready: false, state: {waiting: {reason: 'ContainerCreating'}}},
      {name: 'oauth-proxy', ready: false, state: {waiting: {reason: 'ContainerCreating'}}},
    ]
    const [f] = proxyNotReady.run(data({pods: [waiting], events: [MOUNT]}))
    expect(f).toMatchObject({cause: 'auth:serving-cert:notebook-tls'})
    expect(f.root).toBeUndefined()
    const [alone] = proxyNotReady.run(data({pods: [waiting]}))
    expect(alone).toMatchObject({root: true})
  })
})

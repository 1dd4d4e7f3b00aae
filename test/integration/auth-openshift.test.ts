/**
 * `deploy --auth openshift` (log in with OpenShift accounts through an oauth-proxy sidecar) and back,
 * through the real CLI against the fake OpenShift: the service CA signs the proxy's certificate, the
 * kubelet holds the pod until its Secrets exist, both containers run under restricted-v2 with the
 * project's UID. What of the OAuth flow is not simulated: the login itself (redirects to the OAuth
 * server, the token exchange, the SubjectAccessReview the proxy makes with the user's token).
 */
import {describe, expect, test} from 'vitest'

import {runCli} from './helpers/cli.js'
import {
  both,
  builderStream,
  fakes,
  firstUid,
  get,
  list,
  pods,
  project,
  storedPassword,
} from './helpers/notebook.js'

const start = fakes()

describe('deploy --auth openshift', () => {
  test.concurrent(
    'Ready 2/2 on restricted-v2 with the first UID; status shows the mode; back to password keeps data and Secrets',
    async () => {
      const fake = await start()
      const ns = 'oauth'
      const kc = project(fake, ns, [builderStream()])
      const r = await runCli(['deploy', '--auth', 'openshift'], {kubeconfig: kc})
      expect(r.code, both(r)).toBe(0)
      expect(r.stdout).toContain('log in with your OpenShift account')
      expect(r.stdout).toContain(`oc adm policy add-role-to-user view USER -n ${ns}`)
      expect(r.stdout).not.toContain('oc jupyter password')

      const [pod] = pods(fake, ns)
      const statuses = (pod.status as {containerStatuses: Array<{name: string; ready: boolean}>})
        .containerStatuses
      expect(statuses.map(c => [c.name, c.ready])).toEqual([
        ['notebook', true],
        ['oauth-proxy', true],
      ])
      expect(pod.metadata.annotations?.['openshift.io/scc']).toBe('restricted-v2')
      const containers = (
        pod.spec as {containers: Array<{name: string; securityContext: {runAsUser?: number}}>}
      ).containers
      for (const c of containers) expect(c.securityContext.runAsUser, c.name).toBe(firstUid(fake, ns))
      // the proxy's log: the service account is its OAuth client, the notebook on localhost upstream
      const proxyLog = fake.sims
        .podLog(ns, pod.metadata.name as string, 'oauth-proxy', false)
        .lines()
        .join('\n')
      expect(proxyLog).toContain(`Defaulting client-id to system:serviceaccount:${ns}:notebook`)
      expect(proxyLog).toContain('mapping path "/" => upstream "http://127.0.0.1:8888/"')

      // the objects of the mode
      const sa = get(fake, 'v1', 'serviceaccounts', ns, 'notebook')
      expect(
        JSON.parse(
          sa?.metadata.annotations?.['serviceaccounts.openshift.io/oauth-redirectreference.notebook'] ?? '{}',
        ),
      ).toMatchObject({kind: 'OAuthRedirectReference', reference: {kind: 'Route', name: 'notebook'}})
      const svc = get(fake, 'v1', 'services', ns, 'notebook')
      expect(svc?.metadata.annotations?.['service.beta.openshift.io/serving-cert-secret-name']).toBe(
        'notebook-tls',
      )
      expect(get(fake, 'v1', 'secrets', ns, 'notebook-tls')?.type).toBe('kubernetes.io/tls')
      const route = get(fake, 'route.openshift.io/v1', 'routes', ns, 'notebook')
      expect(route?.spec).toMatchObject({tls: {termination: 'reencrypt'}, port: {targetPort: 'oauth-proxy'}})
      expect(get(fake, 'v1', 'secrets', ns, 'notebook-password')).toBeUndefined()
      const cookie = get(fake, 'v1', 'secrets', ns, 'notebook-oauth-config')?.data as Record<string, string>
      expect(Buffer.from(cookie.cookie_secret, 'base64').toString('utf8')).toHaveLength(44)

      const [status, text, password] = await Promise.all([
        runCli(['status', '-o', 'json'], {kubeconfig: kc}),
        runCli(['status'], {kubeconfig: kc}),
        runCli(['password'], {kubeconfig: kc}),
      ])
      expect(JSON.parse(status.stdout)).toMatchObject({login: 'openshift'})
      expect(text.stdout).toMatch(/Login: +OpenShift accounts \(oauth-proxy\)/)
      expect(password.code, both(password)).toBe(1)
      expect(password.stderr).toContain('has no password: people log in with their OpenShift account')
      expect(password.stdout).toBe('')

      // back to the password: the same claim, a password Secret, the cookie secret kept
      const claimUid = get(fake, 'v1', 'persistentvolumeclaims', ns, 'notebook-data')?.metadata.uid
      const back = await runCli(['deploy', '--auth', 'password'], {kubeconfig: kc})
      expect(back.code, both(back)).toBe(0)
      expect(back.stdout).toContain('paste the password into the "Password or token" field')
      expect(get(fake, 'v1', 'persistentvolumeclaims', ns, 'notebook-data')?.metadata.uid).toBe(claimUid)
      expect(get(fake, 'v1', 'secrets', ns, 'notebook-oauth-config')).toBeDefined()
      const [pod2] = pods(fake, ns)
      expect((pod2.spec as {containers: unknown[]}).containers).toHaveLength(1)
      const svc2 = get(fake, 'v1', 'services', ns, 'notebook')
      expect(
        svc2?.metadata.annotations?.['service.beta.openshift.io/serving-cert-secret-name'],
      ).toBeUndefined()
      const printed = await runCli(['password'], {kubeconfig: kc})
      expect(printed.stdout.trim()).toBe(storedPassword(fake, ns))

      // and to OpenShift accounts again: the same cookie secret; then a re-run changes nothing
      const twice = await runCli(['deploy', '--auth', 'openshift'], {kubeconfig: kc})
      expect(twice.code, both(twice)).toBe(0)
      expect(twice.stderr).toContain('Unchanged Secret/notebook-oauth-config')
      const again = await runCli(['deploy', '--auth', 'openshift'], {kubeconfig: kc})
      expect(again.stderr).toContain('Nothing changed.')
      expect(list(fake, 'v1', 'persistentvolumeclaims', ns)).toHaveLength(1)
    },
  )

  test.concurrent(
    'without the service CA the serving-cert Secret never comes: the pod waits, FailedMount',
    async () => {
      const fake = await start({simulatorOptions: {serviceCA: false}})
      const ns = 'no-ca'
      const kc = project(fake, ns, [builderStream()])
      const r = await runCli(['deploy', '--auth', 'openshift', '--timeout', '8s'], {kubeconfig: kc})
      expect(r.code, both(r)).toBe(5)
      expect(r.stderr).toContain(
        'MountVolume.SetUp failed for volume "oauth-tls" : secret "notebook-tls" not found',
      )
    },
  )
})

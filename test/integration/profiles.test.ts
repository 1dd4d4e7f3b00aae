/**
 * The whole flow — build, deploy, status, doctor, delete — through the real CLI on every cluster profile
 * of the fake (fake-openshift/src/profiles): OpenShift 4.12 (Kubernetes 1.25), 4.18 and 4.20 on AWS,
 * where the default StorageClass binds only once a pod using the claim is scheduled. One fake per
 * profile, the profiles side by side.
 */
import {describe, expect, it} from 'vitest'

import {CLUSTER_PROFILES, type FakeOpenShift} from '../../fake-openshift/src/index.js'
import {runCli} from './helpers/cli.js'
import {both, fakes, get, instanceObjects, list, pods, project} from './helpers/notebook.js'

const start = fakes()

const events = (fake: FakeOpenShift, ns: string, kind: string, name: string) =>
  list(fake, 'v1', 'events', ns).filter(
    e =>
      (e.involvedObject as {kind: string}).kind === kind &&
      (e.involvedObject as {name: string}).name === name,
  )

describe.concurrent('the flow on every cluster profile', () => {
  for (const profile of Object.values(CLUSTER_PROFILES)) {
    it(`${profile.name}: ${profile.title}`, async () => {
      const fake = await start({profile: profile.name})
      const ns = 'flow'
      const kc = project(fake, ns)

      const built = await runCli(['build'], {kubeconfig: kc})
      expect(built.code, both(built)).toBe(0)

      const deployed = await runCli(['deploy'], {kubeconfig: kc})
      expect(deployed.code, both(deployed)).toBe(0)
      // the rendered pod meets `restricted`: the synced warn label finds nothing to warn about
      expect(deployed.stderr).not.toContain('would violate PodSecurity')
      expect(get(fake, 'v1', 'namespaces', undefined, ns)?.metadata.labels).toMatchObject({
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/warn-version': 'v1.24',
      })
      const claim = get(fake, 'v1', 'persistentvolumeclaims', ns, 'notebook-data')!
      const [pod] = pods(fake, ns)
      expect((claim.status as {phase: string}).phase).toBe('Bound')
      expect((pod.spec as {nodeName?: string}).nodeName).toBeDefined()
      const claimEvents = events(fake, ns, 'PersistentVolumeClaim', 'notebook-data').map(e => e.reason)
      const className = (claim.spec as {storageClassName: string}).storageClassName
      if (profile.storage === 'aws-gp3-csi') {
        // WaitForFirstConsumer: Pending (normal, not a fault) until the scheduler chose the pod's node
        expect(className).toBe('gp3-csi')
        expect(claim.metadata.annotations?.['volume.kubernetes.io/selected-node']).toBe(
          (pod.spec as {nodeName: string}).nodeName,
        )
        expect(claimEvents).toEqual([
          'WaitForFirstConsumer',
          'ExternalProvisioning',
          'Provisioning',
          'ProvisioningSucceeded',
        ])
      } else {
        expect(className).toBe('standard-csi')
        expect(claimEvents).toEqual(['ExternalProvisioning', 'Provisioning', 'ProvisioningSucceeded'])
      }

      const status = await runCli(['status'], {kubeconfig: kc})
      expect(status.code, both(status)).toBe(0)
      expect(status.stdout).toContain(`notebook-data Bound 1Gi ReadWriteOnce (${className})`)

      const doctor = await runCli(['doctor'], {kubeconfig: kc})
      expect(doctor.code, both(doctor)).toBe(0)
      expect(doctor.stdout).toMatch(/^0 errors, 0 warnings, \d+ checks passed$/m)

      const deleted = await runCli(['delete', '--yes'], {kubeconfig: kc})
      expect(deleted.code, both(deleted)).toBe(0)
      expect(instanceObjects(fake, ns)).toEqual([
        'PersistentVolumeClaim/notebook-data',
        'Secret/notebook-password',
      ])
      // five CLI processes in a row, three profiles side by side with the other files on 2 cores
    }, 240_000)
  }
})

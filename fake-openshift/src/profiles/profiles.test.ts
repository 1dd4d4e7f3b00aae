import {afterEach, describe, expect, it} from 'vitest'

import {request, type Target} from '../client.js'
import {startFakeOpenShift, type FakeOpenShift} from '../index.js'
import {deployment, notebookContainer} from '../sim/test-helpers.js'
import {CLUSTER_PROFILES, clusterProfile, kubernetesMinorOf, openshiftHas, STORAGE_PROFILES} from './index.js'

let fake: FakeOpenShift | undefined
afterEach(async () => {
  await fake?.stop()
  fake = undefined
})
const target = (f: FakeOpenShift): Target => ({url: f.url, caPem: f.caPem, token: f.token})

describe('release rules', () => {
  it('OpenShift 4.N serves Kubernetes 1.(N+13); DeploymentConfig deprecation and required-scc from 4.14', () => {
    expect(kubernetesMinorOf(12)).toBe(25)
    expect(kubernetesMinorOf(20)).toBe(33)
    expect(openshiftHas('deploymentConfigDeprecated', 26)).toBe(false)
    expect(openshiftHas('deploymentConfigDeprecated', 27)).toBe(true)
    expect(openshiftHas('requiredSccAnnotation', 25)).toBe(false)
    expect(openshiftHas('podSecurityLabelSync', 25)).toBe(true)
    for (const p of Object.values(CLUSTER_PROFILES)) expect(STORAGE_PROFILES[p.storage]).toBeDefined()
    expect(() => clusterProfile('ocp-3.11')).toThrow('unknown cluster profile "ocp-3.11" (known: ocp-4.12,')
  })
})

describe('cluster profiles', () => {
  it('ocp-4.12: /version 1.25, no DeploymentConfig warning, required-scc ignored', async () => {
    fake = await startFakeOpenShift({profile: 'ocp-4.12', simulators: 'manual'})
    const t = target(fake)
    expect(fake.kubernetesMinor).toBe(25)
    expect((await request(t, '/version')).json).toMatchObject({major: '1', minor: '25'})
    const dcs = await request(t, '/apis/apps.openshift.io/v1/namespaces/myproject/deploymentconfigs')
    expect(dcs.headers.warning).toBeUndefined()
    const pinned = deployment('nb', {containers: [notebookContainer('quay.io/jupyter/minimal-notebook:x')]})
    ;(pinned.spec as any).template.metadata.annotations = {'openshift.io/required-scc': 'nonexistent'}
    fake.seed([pinned])
    fake.sims.settle()
    const pods = (await request(t, '/api/v1/namespaces/myproject/pods')).json.items
    expect(pods.map((p: any) => p.metadata.annotations['openshift.io/scc'])).toEqual(['restricted-v2'])
  })

  it('ocp-4.20-aws: /version 1.33, the DeploymentConfig warning, gp3-csi default, required-scc honoured', async () => {
    fake = await startFakeOpenShift({profile: 'ocp-4.20-aws', simulators: 'manual'})
    const t = target(fake)
    expect((await request(t, '/version')).json.minor).toBe('33')
    const dcs = await request(t, '/apis/apps.openshift.io/v1/namespaces/myproject/deploymentconfigs')
    expect(dcs.headers.warning).toBe(
      '299 - "apps.openshift.io/v1 DeploymentConfig is deprecated in v4.14+, unavailable in v4.10000+"',
    )
    const classes = (await request(t, '/apis/storage.k8s.io/v1/storageclasses')).json.items
    expect(
      classes.map((c: any) => [
        c.metadata.name,
        c.volumeBindingMode,
        c.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'],
      ]),
    ).toEqual([
      ['gp2-csi', 'WaitForFirstConsumer', undefined],
      ['gp3-csi', 'WaitForFirstConsumer', 'true'],
    ])
    const pinned = deployment('nb', {containers: [notebookContainer('quay.io/jupyter/minimal-notebook:x')]})
    ;(pinned.spec as any).template.metadata.annotations = {'openshift.io/required-scc': 'nonexistent'}
    fake.seed([pinned])
    fake.sims.settle()
    const events = (await request(t, '/api/v1/namespaces/myproject/events')).json.items
    const failed = events.find((e: any) => e.reason === 'FailedCreate')
    expect(failed.message).toBe(
      `Error creating: pods "${failed.involvedObject.name}-" is forbidden: failed to retrieve the required SCC "nonexistent": securitycontextconstraints.security.openshift.io "nonexistent" not found`,
    )
  })

  it('a storage profile overrides the cluster profile’s; unknown names are refused', async () => {
    fake = await startFakeOpenShift({profile: 'ocp-4.20-aws', storage: 'none', simulators: 'manual'})
    expect(fake.storage).toBe('none')
    expect((await request(target(fake), '/apis/storage.k8s.io/v1/storageclasses')).json.items).toEqual([])
    await expect(startFakeOpenShift({storage: 'nfs'})).rejects.toThrow('unknown storage profile "nfs"')
  })
})

import {describe, expect, it} from 'vitest'

import {storageProfile} from '../profiles/storage.js'
import type {KObject} from '../types.js'
import {cluster, deployment, notebookContainer, NS, podsOf} from './test-helpers.js'
import {SELECTED_NODE_ANNOTATION, VOLUME_EVENTS} from './volumes.js'

const claim = (name: string, extra: Record<string, unknown> = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: {name, namespace: NS},
  spec: {accessModes: ['ReadWriteOnce'], resources: {requests: {storage: '1Gi'}}, ...extra},
})

const notebookUsing = (claimName: string) =>
  deployment('nb', {
    volumes: [{name: 'data', persistentVolumeClaim: {claimName}}],
    containers: [
      notebookContainer('quay.io/jupyter/minimal-notebook:2025-01-01', {
        volumeMounts: [{name: 'data', mountPath: '/home/jovyan/work'}],
      }),
    ],
  })

const phase = (o: KObject) => (o.status as {phase?: string} | undefined)?.phase

/** reason → [type, source, message] of the events on one object, oldest first */
const events = (c: ReturnType<typeof cluster>, name: string) =>
  c.events(name).map(e => [e.reason, e.type, (e.source as {component: string}).component, e.message])

describe('WaitForFirstConsumer (aws-gp3-csi: gp3-csi is the default class)', () => {
  it('a claim no pod uses stays Pending with one Normal WaitForFirstConsumer event, and the simulators come to rest', () => {
    const c = cluster({}, undefined, 'aws-gp3-csi')
    c.store.seed([claim('data')])
    expect(c.sims.settle()).toBeLessThan(5)
    const pvc = c.get('v1', 'persistentvolumeclaims', 'data')
    expect((pvc.spec as {storageClassName: string}).storageClassName).toBe('gp3-csi')
    expect(phase(pvc)).toBe('Pending')
    expect(events(c, 'data')).toEqual([
      ['WaitForFirstConsumer', 'Normal', 'persistentvolume-controller', VOLUME_EVENTS.waitForFirstConsumer],
    ])
    expect(c.events('data')[0].message).toBe('waiting for first consumer to be created before binding')
  })

  it('binds once a pod using it is scheduled: selected node, provisioning, Bound, then the pod is placed', () => {
    const c = cluster({kubernetesMinor: 33}, undefined, 'aws-gp3-csi')
    c.store.seed([claim('data'), notebookUsing('data')])
    c.sims.settle()
    const [pod] = podsOf(c, 'nb-')
    const pvc = c.get('v1', 'persistentvolumeclaims', 'data')
    expect(phase(pvc)).toBe('Bound')
    expect(pvc.metadata.annotations).toMatchObject({
      [SELECTED_NODE_ANNOTATION]: 'worker-0.sandbox.example.com',
      'volume.kubernetes.io/storage-provisioner': 'ebs.csi.aws.com',
    })
    expect(phase(c.get('v1', 'pods', pod.metadata.name!))).toBe('Running')
    // as `kubectl describe pvc` shows it on a real cluster: the scheduler picks the node before the
    // PV controller's next sync, so there is no WaitForPodScheduled in between
    expect(events(c, 'data').map(e => e[0])).toEqual([
      'WaitForFirstConsumer',
      'ExternalProvisioning',
      'Provisioning',
      'ProvisioningSucceeded',
    ])
    expect(c.events('data').find(e => e.reason === 'ExternalProvisioning')?.message).toBe(
      "Waiting for a volume to be created either by the external provisioner 'ebs.csi.aws.com' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.",
    )
    // the scheduler waited for the bind: no Unschedulable condition, no FailedScheduling
    expect(c.events(pod.metadata.name).map(e => e.reason)).not.toContain('FailedScheduling')
    expect(c.events(pod.metadata.name).map(e => e.reason)).toContain('Scheduled')
  })
})

describe('claims without a usable class', () => {
  it('a pod that cannot be scheduled for another claim leaves a WaitForFirstConsumer claim WaitForPodScheduled', () => {
    const c = cluster({}, undefined, 'aws-gp3-csi')
    const nb = notebookUsing('data')
    const podSpec = (nb.spec as any).template.spec
    podSpec.volumes.push({name: 'more', persistentVolumeClaim: {claimName: 'more'}})
    c.store.seed([claim('data'), claim('more', {storageClassName: ''}), nb])
    c.sims.settle()
    const [pod] = podsOf(c, 'nb-')
    expect(phase(c.get('v1', 'persistentvolumeclaims', 'data'))).toBe('Pending')
    expect(c.events('data').at(-1)).toMatchObject({
      type: 'Normal',
      reason: 'WaitForPodScheduled',
      message: `waiting for pod ${pod.metadata.name} to be scheduled`,
    })
  })

  it('no StorageClass: Pending with the Normal FailedBinding the PV controller records', () => {
    const c = cluster({}, undefined, 'none')
    c.store.seed([claim('data'), notebookUsing('data')])
    c.sims.settle()
    expect(phase(c.get('v1', 'persistentvolumeclaims', 'data'))).toBe('Pending')
    expect(events(c, 'data')).toEqual([
      [
        'FailedBinding',
        'Normal',
        'persistentvolume-controller',
        'no persistent volumes available for this claim and no storage class is set',
      ],
    ])
    const [pod] = podsOf(c, 'nb-')
    expect(c.events(pod.metadata.name).find(e => e.reason === 'FailedScheduling')?.message).toContain(
      'pod has unbound immediate PersistentVolumeClaims',
    )
  })

  it('a default class created later is assigned to a claim that named none (1.26+), not on 1.25', () => {
    for (const [minor, bound] of [
      [31, true],
      [25, false],
    ] as const) {
      const c = cluster({kubernetesMinor: minor}, undefined, 'none')
      c.store.seed([claim('data')])
      c.sims.settle()
      c.store.seed(storageProfile('standard').classes)
      c.sims.settle()
      const pvc = c.get('v1', 'persistentvolumeclaims', 'data')
      expect([minor, phase(pvc)]).toEqual([minor, bound ? 'Bound' : 'Pending'])
      if (bound) expect((pvc.spec as {storageClassName: string}).storageClassName).toBe('standard-csi')
    }
  })

  it('storageClassName "" opts out of the default class; a missing class is a Warning ProvisioningFailed', () => {
    const c = cluster()
    c.store.seed([claim('none', {storageClassName: ''}), claim('gone', {storageClassName: 'fast'})])
    c.sims.settle()
    expect(phase(c.get('v1', 'persistentvolumeclaims', 'none'))).toBe('Pending')
    expect(events(c, 'none')[0][0]).toBe('FailedBinding')
    expect(events(c, 'gone')).toEqual([
      [
        'ProvisioningFailed',
        'Warning',
        'persistentvolume-controller',
        'storageclass.storage.k8s.io "fast" not found',
      ],
    ])
  })

  it('ExternalProvisioning: the older text before 1.28', () => {
    const c = cluster({kubernetesMinor: 25})
    c.store.seed([claim('data')])
    c.sims.settle()
    expect(c.events('data').find(e => e.reason === 'ExternalProvisioning')?.message).toBe(
      'waiting for a volume to be created, either by external provisioner "csi.sandbox.example.com" or manually created by system administrator',
    )
  })
})

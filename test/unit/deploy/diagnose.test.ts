import type {KubeObject} from '../../../src/lib/cluster/index.js'
import {describe, expect, it} from 'vitest'

import {
  eventConcerns,
  formatEvent,
  podOfCurrentRollout,
  podSummary,
  replicaFailure,
  stuckContainer,
  stuckError,
} from '../../../src/lib/deploy/diagnose.js'

const pod = (waiting: {reason: string; message?: string} | undefined, restartCount = 0, extra = {}) => ({
  metadata: {name: 'notebook-5c8d7f9b6-x2k9p', ...extra},
  status: {containerStatuses: [{name: 'notebook', restartCount, state: waiting ? {waiting} : {running: {}}}]},
})

describe('stuckContainer', () => {
  it('a crash loop is stuck from the second restart on', () => {
    expect(stuckContainer(pod({reason: 'CrashLoopBackOff', message: 'back-off 10s'}, 1))).toBeUndefined()
    expect(stuckContainer(pod({reason: 'CrashLoopBackOff', message: 'back-off 20s'}, 2))).toEqual({
      container: 'notebook',
      reason: 'CrashLoopBackOff',
      message: 'back-off 20s',
      restarts: 2,
    })
  })

  it('a config error about the image user is stuck; a Secret not there yet is not', () => {
    const root = 'container has runAsNonRoot and image will run as root (pod: "x", container: notebook)'
    expect(stuckContainer(pod({reason: 'CreateContainerConfigError', message: root}))?.reason).toBe(
      'CreateContainerConfigError',
    )
    expect(
      stuckContainer(
        pod({reason: 'CreateContainerConfigError', message: 'secret "notebook-password" not found'}),
      ),
    ).toBeUndefined()
  })

  it('running, pulling or terminating pods are not stuck', () => {
    expect(stuckContainer(pod(undefined))).toBeUndefined()
    expect(stuckContainer(pod({reason: 'ImagePullBackOff'}, 0))).toBeUndefined()
    expect(
      stuckContainer(pod({reason: 'CrashLoopBackOff'}, 5, {deletionTimestamp: '2024-01-01T00:00:00Z'})),
    ).toBeUndefined()
  })
})

describe('eventConcerns', () => {
  const ev = (kind: string, name: string) => ({involvedObject: {kind, name}})
  const none = new Set<string>()
  it('matches the instance objects and generated names', () => {
    expect(eventConcerns(ev('Deployment', 'notebook'), 'notebook', none)).toBe(true)
    expect(eventConcerns(ev('ReplicaSet', 'notebook-5c8d7f9b6'), 'notebook', none)).toBe(true)
    expect(eventConcerns(ev('Pod', 'notebook-5c8d7f9b6-x2k9p'), 'notebook', none)).toBe(true)
    expect(eventConcerns(ev('Pod', 'notebook-1-deploy'), 'notebook', none)).toBe(true)
    expect(eventConcerns(ev('ReplicationController', 'notebook-3'), 'notebook', none)).toBe(true)
    expect(eventConcerns(ev('PersistentVolumeClaim', 'notebook-data'), 'notebook', none)).toBe(true)
  })

  it('does not match another instance whose name starts the same, nor other kinds', () => {
    expect(eventConcerns(ev('Deployment', 'notebook-lab'), 'notebook', none)).toBe(false)
    expect(eventConcerns(ev('ReplicaSet', 'notebook-lab-5c8d7f9b6'), 'notebook', none)).toBe(false)
    expect(eventConcerns(ev('Pod', 'notebook-lab-5c8d7f9b6-x2k9p'), 'notebook', none)).toBe(false)
    expect(eventConcerns(ev('PersistentVolumeClaim', 'notebook-lab-data'), 'notebook', none)).toBe(false)
    expect(eventConcerns(ev('Build', 'notebook-1'), 'notebook', none)).toBe(false)
    // a pod known by label counts whatever its name
    expect(eventConcerns(ev('Pod', 'odd-name'), 'notebook', new Set(['odd-name']))).toBe(true)
  })

  it('formats kind/name, reason and the message verbatim', () => {
    expect(
      formatEvent({
        involvedObject: {kind: 'ReplicaSet', name: 'notebook-5c8d7f9b6'},
        reason: 'FailedCreate',
        message: 'Error creating: pods "notebook-5c8d7f9b6-" is forbidden: x',
      }),
    ).toBe(
      'ReplicaSet/notebook-5c8d7f9b6 FailedCreate: Error creating: pods "notebook-5c8d7f9b6-" is forbidden: x',
    )
  })
})

describe('rollout judges', () => {
  const dep = (generation: number, observed: number, revision: string) =>
    ({
      kind: 'Deployment',
      metadata: {name: 'nb', generation, annotations: {'deployment.kubernetes.io/revision': revision}},
      status: {observedGeneration: observed},
    }) as KubeObject
  const podOf = (rs: string) =>
    ({metadata: {name: `${rs}-x`, ownerReferences: [{kind: 'ReplicaSet', name: rs}]}}) as KubeObject

  it('podOfCurrentRollout: the ReplicaSet revision decides; unknown → ask; unobserved spec → not yet', () => {
    const revs = new Map([
      ['nb-new', '2'],
      ['nb-old', '1'],
    ])
    expect(podOfCurrentRollout(podOf('nb-new'), dep(2, 2, '2'), 'nb', false, r => revs.get(r))).toBe(true)
    expect(podOfCurrentRollout(podOf('nb-old'), dep(2, 2, '2'), 'nb', false, r => revs.get(r))).toBe(false)
    expect(podOfCurrentRollout(podOf('nb-other'), dep(2, 2, '2'), 'nb', false, r => revs.get(r))).toBe('ask')
    expect(podOfCurrentRollout(podOf('nb-new'), dep(3, 2, '2'), 'nb', false, r => revs.get(r))).toBe(false)
    const dc = {kind: 'DeploymentConfig', metadata: {name: 'nb'}, status: {latestVersion: 3}} as KubeObject
    const dcPod = {metadata: {name: 'nb-3-x', labels: {deployment: 'nb-3'}}} as KubeObject
    expect(podOfCurrentRollout(dcPod, dc, 'nb', true, () => undefined)).toBe(true)
  })

  it('replicaFailure: SCC rejections are fatal, other FailedCreate causes may heal', () => {
    const w = (message: string) =>
      ({status: {conditions: [{type: 'ReplicaFailure', status: 'True', message}]}}) as KubeObject
    expect(
      replicaFailure(
        w('pods "nb-" is forbidden: unable to validate against any security context constraint: []'),
      )?.fatal,
    ).toBe(true)
    expect(replicaFailure(w('pods "nb-" is forbidden: exceeded quota: q'))).toEqual({
      message: 'pods "nb-" is forbidden: exceeded quota: q',
      fatal: false,
    })
    expect(replicaFailure({status: {}} as KubeObject)).toBeUndefined()
  })

  it('stuckError: a known crash brings its cause and a one-line fix; otherwise the doctor', () => {
    const pod = {
      metadata: {name: 'nb-1'},
      spec: {containers: [{name: 'notebook', env: [{name: 'JUPYTER_TOKEN'}]}]},
    } as KubeObject
    const stuck = {container: 'notebook', reason: 'CrashLoopBackOff' as const, restarts: 3}
    const known = stuckError({name: 'nb', namespace: 'p', deploymentConfig: false}, pod, stuck, [
      "ModuleNotFoundError: No module named 'notebook.auth'",
    ])
    expect(known.hint).toBe('oc set env deployment/nb JUPYTER_NOTEBOOK_PASSWORD- -n p')
    expect(known.details).toContain('fix:')
    expect(known.details?.some(d => d.startsWith('cause: ') && d.includes('Notebook 7'))).toBe(true)
    const unknown = stuckError({name: 'nb', namespace: 'p', deploymentConfig: true}, pod, stuck, ['boom'])
    expect(unknown.hint).toBe('oc jupyter doctor nb -n p')
    expect(unknown.details).toEqual([
      'pod nb-1, container notebook: CrashLoopBackOff',
      'last log lines:',
      '  boom',
    ])
  })

  it('podSummary: name, admitted UID and SCC', () => {
    expect(
      podSummary({
        metadata: {name: 'nb-1', annotations: {'openshift.io/scc': 'restricted-v2'}},
        spec: {containers: [{name: 'notebook', securityContext: {runAsUser: 1000040000}}]},
      } as KubeObject),
    ).toEqual({name: 'nb-1', uid: 1000040000, scc: 'restricted-v2'})
  })
})

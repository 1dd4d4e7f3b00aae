import {describe, expect, it} from 'vitest'

import {eventConcerns, formatEvent, stuckContainer} from '../../../src/lib/deploy/diagnose.js'

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

import {describe, expect, it} from 'vitest'

import {startFakeOpenShift} from '../index.js'
import {ApiError, type KObject} from '../types.js'
import {cluster, container0, deployment, grantScc, notebookContainer, NS, podsOf} from './test-helpers.js'

const OLD_IMAGE = {images: [{image: 'docker.io/jupyter/minimal-notebook:2017*', profile: 'anyuid-era'}]}

function status(o: KObject): Record<string, any> {
  return o.status as Record<string, any>
}

function condition(o: KObject, type: string): Record<string, any> | undefined {
  return (status(o).conditions ?? []).find((c: any) => c.type === type)
}

describe('pods from the image model', () => {
  it('the anyuid-era image crash-loops under restricted-v2 and runs once anyuid is granted', () => {
    const c = cluster({...OLD_IMAGE, maxRestarts: 3})
    // what `oc new-app` made in the recipe's days: no securityContext at all
    c.store.seed([
      deployment('notebook', {
        containers: [{name: 'notebook', image: 'jupyter/minimal-notebook:2017-10-01'}],
      }),
    ])
    c.sims.settle()
    let [pod] = podsOf(c, 'notebook-')
    expect(pod.metadata.annotations?.['openshift.io/scc']).toBe('restricted-v2')
    const cs = container0(pod)
    expect(cs.state.waiting.reason).toBe('CrashLoopBackOff')
    expect(cs.state.waiting.message).toMatch(
      /^back-off 40s restarting failed container=notebook pod=notebook-.*_myproject\(uid-\d+\)$/,
    )
    expect(cs.restartCount).toBe(3)
    expect(cs.lastState.terminated).toMatchObject({exitCode: 1, reason: 'Error'})
    expect(status(pod).phase).toBe('Running')
    expect(condition(pod, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [notebook]',
    })
    const line = "PermissionError: [Errno 13] Permission denied: '/home/jovyan/.jupyter'"
    expect(c.sims.podLog(NS, pod.metadata.name!, 'notebook', false).lines()).toContain(line)
    expect(c.sims.podLog(NS, pod.metadata.name!, 'notebook', true).lines()).toContain(line)
    const backoff = c.events(pod.metadata.name).find(e => e.reason === 'BackOff')
    expect(backoff?.message).toBe(
      `Back-off restarting failed container notebook in pod ${pod.metadata.name}_${NS}(${pod.metadata.uid})`,
    )
    expect(backoff?.count).toBe(3)
    const d = c.get('apps/v1', 'deployments', 'notebook')
    expect(status(d)).toMatchObject({replicas: 1, updatedReplicas: 1, unavailableReplicas: 1})
    expect(status(d).availableReplicas).toBeUndefined()

    c.store.seed([grantScc('anyuid')])
    c.store.delete(c.store.resourceType('v1', 'pods')!, NS, pod.metadata.name!)
    c.sims.settle()
    ;[pod] = podsOf(c, 'notebook-')
    expect(pod.metadata.annotations?.['openshift.io/scc']).toBe('anyuid')
    expect(container0(pod)).toMatchObject({ready: true, started: true, restartCount: 0})
    expect(c.sims.exec(NS, pod.metadata.name!, 'notebook', ['id']).stdout).toBe(
      'uid=1000(jovyan) gid=100(users) groups=100(users)\n',
    )
    expect(condition(c.get('apps/v1', 'deployments', 'notebook'), 'Available')).toMatchObject({
      status: 'True',
    })
  })

  it('the docker-stacks image runs only in the pod that adds supplemental group 100', () => {
    const c = cluster()
    const image = 'quay.io/jupyter/minimal-notebook:2024-01-01'
    c.store.seed([
      deployment('with100', {
        securityContext: {supplementalGroups: [100]},
        containers: [notebookContainer(image)],
      }),
      deployment('without', {containers: [notebookContainer(image)]}),
    ])
    c.sims.settle()
    const [good] = podsOf(c, 'with100-')
    const [bad] = podsOf(c, 'without-')
    expect(container0(good)).toMatchObject({ready: true, state: {running: {}}})
    expect(container0(bad).state.waiting?.reason ?? container0(bad).state.terminated?.reason).toMatch(
      /CrashLoopBackOff|Error/,
    )
    expect(c.sims.podLog(NS, bad.metadata.name!, undefined, false).lines()).toContain(
      `WARNING: no write access to /home/jovyan. Try starting the container with group 'users' (100), e.g. using "--group-add=users".`,
    )
    expect(c.sims.exec(NS, good.metadata.name!, 'notebook', ['id']).stdout).toBe(
      'uid=1000040000(jovyan) gid=0(root) groups=0(root),100(users),1000040000\n',
    )
  })

  it('runAsNonRoot with a named image user under anyuid is a CreateContainerConfigError', () => {
    const c = cluster({
      profiles: {named: {extends: 'docker-stacks', user: 'jovyan'}},
      images: [{image: '*named*', profile: 'named'}],
    })
    c.store.seed([
      grantScc('anyuid'),
      deployment('nb', {
        containers: [{name: 'notebook', image: 'example.com/named:1', securityContext: {runAsNonRoot: true}}],
      }),
    ])
    c.sims.settle()
    const [pod] = podsOf(c, 'nb-')
    expect(pod.metadata.annotations?.['openshift.io/scc']).toBe('anyuid')
    const w = container0(pod).state.waiting
    expect(w.reason).toBe('CreateContainerConfigError')
    expect(w.message).toBe(
      `container has runAsNonRoot and image has non-numeric user (jovyan), cannot verify user is non-root (pod: "${pod.metadata.name}_${NS}(${pod.metadata.uid})", container: notebook)`,
    )
    expect(() => c.sims.podLog(NS, pod.metadata.name!, undefined, false)).toThrowError(
      'is waiting to start: CreateContainerConfigError',
    )
  })

  it('a missing password Secret keeps the container in CreateContainerConfigError until it exists', () => {
    const c = cluster()
    const env = [
      {name: 'JUPYTER_NOTEBOOK_PASSWORD', valueFrom: {secretKeyRef: {name: 'nb-password', key: 'password'}}},
    ]
    c.store.seed([
      deployment('nb', {
        containers: [notebookContainer('quay.io/jupyter/minimal-notebook:x', {env})],
        securityContext: {supplementalGroups: [100]},
      }),
    ])
    c.sims.settle()
    expect(container0(podsOf(c, 'nb-')[0]).state.waiting).toEqual({
      reason: 'CreateContainerConfigError',
      message: 'secret "nb-password" not found',
    })
    c.store.seed([
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {name: 'nb-password', namespace: NS},
        data: {password: Buffer.from('s3cret').toString('base64')},
      },
    ])
    c.sims.settle()
    const [pod] = podsOf(c, 'nb-')
    expect(container0(pod).ready).toBe(true)
    expect(
      c.sims.exec(NS, pod.metadata.name!, undefined, ['printenv', 'JUPYTER_NOTEBOOK_PASSWORD']).stdout,
    ).toBe('s3cret\n')
  })

  it('an image stream tag without local lookup is pulled from docker.io and fails: ErrImagePull then ImagePullBackOff', () => {
    const c = cluster()
    c.store.seed([
      {
        apiVersion: 'image.openshift.io/v1',
        kind: 'ImageStream',
        metadata: {name: 'notebook', namespace: NS},
        spec: {lookupPolicy: {local: false}},
      },
      deployment('nb', {containers: [notebookContainer('notebook:latest')]}),
    ])
    // step 1: ReplicaSet, pod and scheduling; step 2: the pull fails
    c.sims.step()
    c.sims.step()
    const [pod] = podsOf(c, 'nb-')
    expect(container0(pod).state.waiting.reason).toBe('ErrImagePull')
    c.sims.step()
    expect(container0(podsOf(c, 'nb-')[0]).state.waiting).toEqual({
      reason: 'ImagePullBackOff',
      message: 'Back-off pulling image "notebook:latest"',
    })
    const failed = c
      .events(pod.metadata.name)
      .filter(e => e.reason === 'Failed')
      .map(e => e.message)
    expect(failed[0]).toBe(
      'Failed to pull image "notebook:latest": rpc error: code = Unknown desc = reading manifest latest in docker.io/library/notebook: requested access to the resource is denied',
    )
    expect(failed).toContain('Error: ImagePullBackOff')
  })

  it('scenario pod overrides force a state and log', () => {
    const c = cluster({
      pods: [{match: {name: 'nb-*'}, outcome: 'CrashLoopBackOff', log: ['boom'], exitCode: 2}],
    })
    c.store.seed([deployment('nb', {containers: [notebookContainer('quay.io/jupyter/minimal-notebook:x')]})])
    c.sims.settle()
    const [pod] = podsOf(c, 'nb-')
    expect(container0(pod).lastState.terminated.exitCode).toBe(2)
    expect(c.sims.podLog(NS, pod.metadata.name!, undefined, true).lines()).toEqual(['boom'])
  })
})

describe('Deployment rollout', () => {
  it('reports what `kubectl rollout status` reads, step by step', () => {
    const c = cluster()
    c.store.seed([
      deployment('nb', {
        securityContext: {supplementalGroups: [100]},
        containers: [notebookContainer('quay.io/jupyter/minimal-notebook:x')],
      }),
    ])
    c.sims.step()
    let d = c.get('apps/v1', 'deployments', 'nb')
    const rs = c.store.find('apps/v1', 'replicasets', NS)[0]
    expect(rs.metadata.name).toMatch(/^nb-[bcdfghjklmnpqrstvwxz2456789]+$/)
    expect(rs.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1')
    expect(rs.metadata.labels?.['pod-template-hash']).toBe(rs.metadata.name!.slice(3))
    expect(rs.metadata.ownerReferences?.[0]).toMatchObject({kind: 'Deployment', name: 'nb', controller: true})
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1')
    expect(condition(d, 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'NewReplicaSetCreated',
      message: `Created new replica set "${rs.metadata.name}"`,
    })
    expect(condition(d, 'Available')).toMatchObject({status: 'False', reason: 'MinimumReplicasUnavailable'})
    const steps = c.sims.settle()
    expect(steps).toBeLessThan(15)
    d = c.get('apps/v1', 'deployments', 'nb')
    expect(status(d)).toMatchObject({
      observedGeneration: d.metadata.generation,
      replicas: 1,
      updatedReplicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
    })
    expect(condition(d, 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'NewReplicaSetAvailable',
      message: `ReplicaSet "${rs.metadata.name}" has successfully progressed.`,
    })
    expect(condition(d, 'Available')).toMatchObject({
      status: 'True',
      reason: 'MinimumReplicasAvailable',
      message: 'Deployment has minimum availability.',
    })
    const [pod] = podsOf(c, 'nb-')
    expect(pod.metadata.ownerReferences?.[0]).toMatchObject({kind: 'ReplicaSet', name: rs.metadata.name})
    expect(pod.metadata.labels?.['pod-template-hash']).toBe(rs.metadata.labels?.['pod-template-hash'])
    expect(c.events(pod.metadata.name).map(e => e.reason)).toEqual([
      'Scheduled',
      'AddedInterface',
      'Pulling',
      'Pulled',
      'Created',
      'Started',
    ])
  })

  it('Recreate scales the old ReplicaSet to zero before the new one starts', () => {
    const c = cluster()
    c.store.seed([
      deployment('nb', {
        securityContext: {supplementalGroups: [100]},
        containers: [notebookContainer('quay.io/jupyter/minimal-notebook:1')],
      }),
    ])
    c.sims.settle()
    const dRt = c.store.resourceType('apps/v1', 'deployments')!
    const d = c.get('apps/v1', 'deployments', 'nb')
    ;(d.spec as any).template.spec.containers[0].image = 'quay.io/jupyter/minimal-notebook:2'
    c.store.update(dRt, d)
    c.sims.step()
    const rss = c.store.find('apps/v1', 'replicasets', NS)
    expect(rss).toHaveLength(1)
    expect((rss[0].spec as any).replicas).toBe(0)
    expect(status(c.get('apps/v1', 'deployments', 'nb')).observedGeneration).toBe(2)
    c.sims.settle()
    const after = c.store.find('apps/v1', 'replicasets', NS)
    expect(after.map(r => r.metadata.annotations?.['deployment.kubernetes.io/revision']).sort()).toEqual([
      '1',
      '2',
    ])
    const pods = podsOf(c, 'nb-')
    expect(pods).toHaveLength(1)
    expect((pods[0].spec as any).containers[0].image).toBe('quay.io/jupyter/minimal-notebook:2')
    const dd = c.get('apps/v1', 'deployments', 'nb')
    expect(status(dd)).toMatchObject({replicas: 1, updatedReplicas: 1, availableReplicas: 1})
    expect(c.events('nb').map(e => e.message)).toContain(
      `Scaled down replica set ${rss[0].metadata.name} to 0 from 1`,
    )
  })

  it('reports ProgressDeadlineExceeded when nothing moves for the deadline', () => {
    const c = cluster({progressDeadlineSteps: 5})
    c.store.seed([
      deployment('nb', {containers: [{name: 'notebook', image: 'x', securityContext: {runAsUser: 1000}}]}),
    ])
    for (let i = 0; i < 10; i++) c.sims.step()
    const d = c.get('apps/v1', 'deployments', 'nb')
    expect(condition(d, 'Progressing')).toMatchObject({status: 'False', reason: 'ProgressDeadlineExceeded'})
    expect(condition(d, 'ReplicaFailure')?.reason).toBe('FailedCreate')
  })

  it('records a repeated rejection once: a write per retry busy-looped auto mode into the deadline', () => {
    const c = cluster()
    c.store.seed([
      deployment('nb', {containers: [{name: 'notebook', image: 'x', securityContext: {runAsUser: 1000}}]}),
    ])
    for (let i = 0; i < 10; i++) c.sims.step()
    const [rs] = c.store.list(c.store.resourceType('apps/v1', 'replicasets')!, NS)
    const failed = c.events(rs.metadata.name).filter(e => e.reason === 'FailedCreate')
    expect(failed).toHaveLength(1)
    expect(failed[0].count ?? 1).toBe(1)
    const rv = failed[0].metadata.resourceVersion
    c.sims.step()
    expect(c.events(rs.metadata.name).find(e => e.reason === 'FailedCreate')?.metadata.resourceVersion).toBe(
      rv,
    )
  })
})

describe('PersistentVolumeClaims', () => {
  const pvc = (name: string, extra: Record<string, unknown> = {}): KObject => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {name, namespace: NS},
    spec: {accessModes: ['ReadWriteOnce'], resources: {requests: {storage: '1G'}}, ...extra},
  })

  it('a deleted claim stays Terminating while a pod uses it and goes once none does (pvc-protection)', async () => {
    // the real store: the testing store ignores finalizers
    const fake = await startFakeOpenShift({simulators: 'manual'})
    try {
      const claims = fake.store.resourceType('v1', 'persistentvolumeclaims')!
      const podsRt = fake.store.resourceType('v1', 'pods')!
      fake.seed([
        {...pvc('data'), metadata: {name: 'data', namespace: 'myproject'}},
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {name: 'user', namespace: 'myproject'},
          spec: {
            volumes: [{name: 'data', persistentVolumeClaim: {claimName: 'data'}}],
            containers: [notebookContainer('quay.io/jupyter/minimal-notebook:x')],
          },
        },
      ])
      fake.sims.settle()
      expect(fake.store.get(claims, 'myproject', 'data')?.metadata.finalizers).toEqual([
        'kubernetes.io/pvc-protection',
      ])
      fake.store.delete(claims, 'myproject', 'data')
      fake.sims.settle()
      expect(fake.store.get(claims, 'myproject', 'data')?.metadata.deletionTimestamp).toBeDefined()
      fake.store.delete(podsRt, 'myproject', 'user', {gracePeriodSeconds: 0} as never)
      fake.sims.settle()
      expect(fake.store.get(podsRt, 'myproject', 'user')).toBeUndefined()
      expect(fake.store.get(claims, 'myproject', 'data')).toBeUndefined()
    } finally {
      await fake.stop()
    }
  })

  it('binds through the default StorageClass with the requested capacity', () => {
    const c = cluster()
    c.store.seed([pvc('data')])
    expect((c.get('v1', 'persistentvolumeclaims', 'data').spec as any).storageClassName).toBe('standard-csi')
    c.sims.step()
    const p = c.get('v1', 'persistentvolumeclaims', 'data')
    expect(status(p)).toEqual({phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: {storage: '1G'}})
    expect((p.spec as any).volumeName).toBe(`pvc-${p.metadata.uid}`)
  })

  it('a Pending claim leaves the pod unschedulable; fsGroup makes a bound claim writable', () => {
    const c = cluster({
      pvc: {
        behaviours: [
          {
            match: {name: 'stuck'},
            phase: 'Pending',
            event: {reason: 'ProvisioningFailed', message: 'failed to provision volume'},
          },
        ],
      },
    })
    const volumes = (claim: string) => [{name: 'data', persistentVolumeClaim: {claimName: claim}}]
    const mounts = [{name: 'data', mountPath: '/home/jovyan/volume'}]
    const env = [{name: 'PERSISTENT_VOLUME_ROOTDIR', value: '/home/jovyan/volume'}]
    c.store.seed([
      pvc('stuck'),
      pvc('good'),
      deployment('a', {
        volumes: volumes('stuck'),
        containers: [notebookContainer('quay.io/jupyter/minimal-notebook:x', {volumeMounts: mounts})],
      }),
      deployment('b', {
        securityContext: {supplementalGroups: [100]},
        volumes: volumes('good'),
        containers: [notebookContainer('s2i:1', {volumeMounts: mounts, env})],
      }),
    ])
    c.sims.context.opts.imageRules.unshift({image: '*s2i:1', profile: 's2i-assigned-uid'})
    c.sims.settle()
    const [a] = podsOf(c, 'a-')
    expect(status(a).phase).toBe('Pending')
    expect(condition(a, 'PodScheduled')).toMatchObject({status: 'False', reason: 'Unschedulable'})
    expect(condition(a, 'PodScheduled')?.message).toContain(
      'pod has unbound immediate PersistentVolumeClaims',
    )
    expect(c.events('stuck').map(e => e.reason)).toContain('ProvisioningFailed')
    // reported once, not rewritten on every retry (which kept auto mode stepping forever)
    for (let i = 0; i < 5; i++) c.sims.step()
    expect(c.events('stuck').find(e => e.reason === 'ProvisioningFailed')?.count ?? 1).toBe(1)
    const [b] = podsOf(c, 'b-')
    expect(container0(b).ready).toBe(true)
    expect(
      c.sims.exec(NS, b.metadata.name!, undefined, ['test', '-w', '/home/jovyan/volume/work']).exitCode,
    ).toBe(0)
  })
})

describe('ReadWriteOnce claims on several nodes (Multi-Attach)', () => {
  const volumes = [{name: 'data', persistentVolumeClaim: {claimName: 'data'}}]
  const podSpec = (env: string) => ({
    securityContext: {supplementalGroups: [100]},
    volumes,
    containers: [
      notebookContainer('quay.io/jupyter/minimal-notebook:x', {
        volumeMounts: [{name: 'data', mountPath: '/home/jovyan/work'}],
        env: [{name: 'X', value: env}],
      }),
    ],
  })
  const claim: KObject = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {name: 'data', namespace: NS},
    spec: {accessModes: ['ReadWriteOnce'], resources: {requests: {storage: '1G'}}},
  }

  it("a RollingUpdate new pod lands on another node and waits on the old pod's RWO volume; Recreate ends it", () => {
    const c = cluster({nodes: 2})
    c.store.seed([claim, deployment('nb', podSpec('1'), {strategy: 'RollingUpdate'})])
    c.sims.settle()
    const [first] = podsOf(c, 'nb-')
    expect(container0(first).ready).toBe(true)
    const d = c.get('apps/v1', 'deployments', 'nb')
    ;(d.spec as any).template = {metadata: {labels: {app: 'nb'}}, spec: podSpec('2')}
    c.store.update(c.store.resourceType('apps/v1', 'deployments')!, d)
    c.sims.settle()
    const pods = podsOf(c, 'nb-')
    expect(pods).toHaveLength(2)
    const second = pods.find(p => p.metadata.uid !== first.metadata.uid)!
    expect((second.spec as any).nodeName).not.toBe((first.spec as any).nodeName)
    expect(container0(second).state).toEqual({waiting: {reason: 'ContainerCreating'}})
    const attach = c.events(second.metadata.name!).find(e => e.reason === 'FailedAttachVolume')
    expect(attach?.message).toMatch(
      new RegExp(
        `^Multi-Attach error for volume "pvc-[^"]+" Volume is already used by pod\\(s\\) ${first.metadata.name}$`,
      ),
    )
    // the deadlock: more steps change nothing
    for (let i = 0; i < 3; i++) c.sims.step()
    expect(podsOf(c, 'nb-')).toHaveLength(2)
    // Recreate scales the old ReplicaSet down first; the volume detaches and the new pod starts
    const d2 = c.get('apps/v1', 'deployments', 'nb')
    ;(d2.spec as any).strategy = {type: 'Recreate'}
    c.store.update(c.store.resourceType('apps/v1', 'deployments')!, d2)
    c.sims.settle()
    const after = podsOf(c, 'nb-')
    expect(after.map(p => p.metadata.uid)).toEqual([second.metadata.uid])
    expect(container0(after[0]).ready).toBe(true)
  })

  it('one node: no Multi-Attach (RWO is per node)', () => {
    const c = cluster()
    c.store.seed([claim, deployment('nb', podSpec('1'), {strategy: 'RollingUpdate'})])
    c.sims.settle()
    const d = c.get('apps/v1', 'deployments', 'nb')
    ;(d.spec as any).template = {metadata: {labels: {app: 'nb'}}, spec: podSpec('2')}
    c.store.update(c.store.resourceType('apps/v1', 'deployments')!, d)
    c.sims.settle()
    const pods = podsOf(c, 'nb-')
    expect(pods).toHaveLength(1)
    expect(container0(pods[0]).ready).toBe(true)
  })
})

describe('DeploymentConfig', () => {
  it('rolls out version 1 from its ConfigChange trigger and reports status', () => {
    const c = cluster()
    c.store.seed([
      {
        apiVersion: 'apps.openshift.io/v1',
        kind: 'DeploymentConfig',
        metadata: {name: 'nb', namespace: NS},
        spec: {
          replicas: 1,
          selector: {deploymentconfig: 'nb'},
          strategy: {type: 'Recreate'},
          triggers: [{type: 'ConfigChange'}],
          template: {
            metadata: {labels: {deploymentconfig: 'nb'}},
            spec: {
              securityContext: {supplementalGroups: [100]},
              containers: [notebookContainer('quay.io/jupyter/minimal-notebook:x')],
            },
          },
        },
      },
    ])
    c.sims.settle()
    const dc = c.get('apps.openshift.io/v1', 'deploymentconfigs', 'nb')
    expect(status(dc)).toMatchObject({
      latestVersion: 1,
      observedGeneration: 1,
      replicas: 1,
      updatedReplicas: 1,
      availableReplicas: 1,
    })
    expect(condition(dc, 'Progressing')).toMatchObject({
      reason: 'NewReplicationControllerAvailable',
      message: 'replication controller "nb-1" successfully rolled out',
    })
    expect(podsOf(c, 'nb-')[0].metadata.labels).toMatchObject({deployment: 'nb-1', deploymentconfig: 'nb'})
  })
})

describe('logs and exec errors', () => {
  it('a container that has not started has no log, and exec needs a running container', () => {
    const c = cluster()
    c.store.seed([deployment('nb', {containers: [notebookContainer('quay.io/jupyter/minimal-notebook:x')]})])
    c.sims.step()
    const [pod] = podsOf(c, 'nb-')
    let err: unknown
    try {
      c.sims.podLog(NS, pod.metadata.name!, 'notebook', false)
    } catch (e) {
      err = e
    }
    expect((err as ApiError).message).toBe(
      `container "notebook" in pod "${pod.metadata.name}" is waiting to start: ContainerCreating`,
    )
    expect(() => c.sims.exec(NS, pod.metadata.name!, 'notebook', ['id'])).toThrowError(
      'unable to upgrade connection: container not found ("notebook")',
    )
    expect(() => c.sims.podLog(NS, pod.metadata.name!, 'notebook', true)).toThrowError(ApiError)
  })
})

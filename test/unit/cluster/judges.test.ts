import {describe, expect, it} from 'vitest'
import {
  buildPhase,
  deploymentConfigRolloutStatus,
  deploymentRolloutStatus,
  imageStreamTagHasImage,
  podProblem,
  routeAdmitted,
} from '../../../src/lib/cluster/judges.js'
import type {KubeObject} from '../../../src/lib/cluster/types.js'

function deployment(o: {
  generation?: number
  observed?: number
  replicas?: number
  status?: Record<string, unknown>
  revision?: string
}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'notebook',
      generation: o.generation ?? 1,
      annotations: o.revision ? {'deployment.kubernetes.io/revision': o.revision} : {},
    },
    spec: o.replicas === undefined ? {} : {replicas: o.replicas},
    status: {observedGeneration: o.observed ?? 1, ...o.status},
  }
}

describe('deploymentRolloutStatus (kubectl rollout status)', () => {
  it('waits for the spec update to be observed', () => {
    expect(deploymentRolloutStatus(deployment({generation: 2, observed: 1, replicas: 1}))).toEqual({
      state: 'waiting',
      message: 'Waiting for deployment spec update to be observed...',
    })
  })

  it('fails on ProgressDeadlineExceeded, before looking at replicas', () => {
    const d = deployment({
      replicas: 1,
      status: {conditions: [{type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded'}]},
    })
    expect(deploymentRolloutStatus(d)).toEqual({
      state: 'failed',
      message: 'deployment "notebook" exceeded its progress deadline',
    })
  })

  it('waits for updated, then old, then available replicas, with kubectl wording', () => {
    expect(deploymentRolloutStatus(deployment({replicas: 1, status: {updatedReplicas: 0}})).message).toBe(
      'Waiting for deployment "notebook" rollout to finish: 0 out of 1 new replicas have been updated...',
    )
    expect(
      deploymentRolloutStatus(deployment({replicas: 1, status: {replicas: 2, updatedReplicas: 1}})).message,
    ).toBe('Waiting for deployment "notebook" rollout to finish: 1 old replicas are pending termination...')
    expect(
      deploymentRolloutStatus(
        deployment({replicas: 1, status: {replicas: 1, updatedReplicas: 1, availableReplicas: 0}}),
      ),
    ).toEqual({
      state: 'waiting',
      message:
        'Waiting for deployment "notebook" rollout to finish: 0 of 1 updated replicas are available...',
    })
  })

  it('is done when all updated replicas are available', () => {
    expect(
      deploymentRolloutStatus(
        deployment({replicas: 1, status: {replicas: 1, updatedReplicas: 1, availableReplicas: 1}}),
      ),
    ).toEqual({
      state: 'done',
      message: 'deployment "notebook" successfully rolled out',
    })
  })

  it('skips the desired-replicas check when spec.replicas is unset, like kubectl', () => {
    expect(deploymentRolloutStatus(deployment({status: {}})).state).toBe('done')
  })

  it('a progressing condition with another reason does not fail', () => {
    const d = deployment({
      replicas: 1,
      status: {
        updatedReplicas: 1,
        replicas: 1,
        availableReplicas: 1,
        conditions: [{type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable'}],
      },
    })
    expect(deploymentRolloutStatus(d).state).toBe('done')
  })

  it('pins a revision like --revision', () => {
    const d = deployment({
      replicas: 1,
      revision: '3',
      status: {replicas: 1, updatedReplicas: 1, availableReplicas: 1},
    })
    expect(deploymentRolloutStatus(d, 3).state).toBe('done')
    expect(deploymentRolloutStatus(d, 2)).toEqual({
      state: 'failed',
      message: 'desired revision (2) is different from the running revision (3)',
    })
  })
})

function dc(o: {
  latest?: number
  generation?: number
  observed?: number
  replicas?: number
  triggers?: unknown[]
  status?: Record<string, unknown>
}): KubeObject {
  return {
    kind: 'DeploymentConfig',
    metadata: {name: 'notebook', generation: o.generation ?? 2},
    spec: {
      replicas: o.replicas ?? 1,
      triggers: o.triggers ?? [{type: 'ConfigChange'}, {type: 'ImageChange'}],
    },
    status: {latestVersion: o.latest ?? 1, observedGeneration: o.observed ?? 2, ...o.status},
  }
}
const progressing = (reason: string, message: string) => ({
  conditions: [{type: 'Progressing', status: 'True', reason, message}],
})

describe('deploymentConfigRolloutStatus (oc rollout status dc/)', () => {
  it('waits on an image while latestVersion is 0 with an ImageChange trigger', () => {
    expect(deploymentConfigRolloutStatus(dc({latest: 0}))).toEqual({
      state: 'waiting',
      message: 'Deployment config "notebook" waiting on image update',
    })
  })

  it('fails with no triggers and no deployment', () => {
    expect(deploymentConfigRolloutStatus(dc({latest: 0, triggers: []}))).toEqual({
      state: 'failed',
      message: `Deployment config "notebook" waiting on manual update (use 'oc rollout latest notebook')`,
    })
  })

  it('is done on NewReplicationControllerAvailable, with the condition message', () => {
    const r = deploymentConfigRolloutStatus(
      dc({
        status: progressing(
          'NewReplicationControllerAvailable',
          'replication controller "notebook-1" successfully rolled out',
        ),
      }),
    )
    expect(r).toEqual({state: 'done', message: 'replication controller "notebook-1" successfully rolled out'})
  })

  it('fails on ProgressDeadlineExceeded, RolloutCancelled and DeploymentConfigPaused', () => {
    expect(
      deploymentConfigRolloutStatus(
        dc({
          status: progressing(
            'ProgressDeadlineExceeded',
            'replication controller "notebook-1" has failed progressing',
          ),
        }),
      ),
    ).toEqual({
      state: 'failed',
      message: 'replication controller "notebook-1" has failed progressing',
    })
    expect(
      deploymentConfigRolloutStatus(
        dc({
          status: progressing(
            'RolloutCancelled',
            'rollout of replication controller "notebook-2" was cancelled',
          ),
        }),
      ).state,
    ).toBe('failed')
    expect(
      deploymentConfigRolloutStatus(dc({status: progressing('DeploymentConfigPaused', '')})).message,
    ).toBe('Deployment config "notebook" is paused. Resume to continue watching the status of the rollout.')
  })

  it('counts replicas with oc wording, and falls back to the controller-loop message', () => {
    expect(deploymentConfigRolloutStatus(dc({status: {updatedReplicas: 0}})).message).toBe(
      'Waiting for rollout to finish: 0 out of 1 new replicas have been updated...',
    )
    expect(deploymentConfigRolloutStatus(dc({status: {updatedReplicas: 1, replicas: 2}})).message).toBe(
      'Waiting for rollout to finish: 1 old replicas are pending termination...',
    )
    expect(
      deploymentConfigRolloutStatus(dc({status: {updatedReplicas: 1, replicas: 1, availableReplicas: 0}}))
        .message,
    ).toBe('Waiting for rollout to finish: 0 of 1 updated replicas are available...')
    // all counts fine but no NewReplicationControllerAvailable yet
    expect(
      deploymentConfigRolloutStatus(dc({status: {updatedReplicas: 1, replicas: 1, availableReplicas: 1}})),
    ).toEqual({
      state: 'waiting',
      message: 'Waiting for latest deployment config spec to be observed by the controller loop...',
    })
    expect(deploymentConfigRolloutStatus(dc({generation: 3, observed: 2})).message).toContain(
      'controller loop',
    )
  })

  it('pins a revision', () => {
    expect(deploymentConfigRolloutStatus(dc({latest: 2}), 1).message).toBe(
      'desired revision (1) is different from the running revision (2)',
    )
  })
})

describe('buildPhase', () => {
  const build = (status: Record<string, unknown>) => ({kind: 'Build', metadata: {name: 'nb-1'}, status})
  it('waits while New/Pending/Running', () => {
    expect(buildPhase(build({phase: 'New'}))).toEqual({state: 'waiting', message: 'build "nb-1" is New'})
    expect(
      buildPhase(build({phase: 'Pending', reason: 'CannotCreateBuildPod', message: 'quota'})).message,
    ).toBe('build "nb-1" is Pending (CannotCreateBuildPod): quota')
    expect(buildPhase(build({phase: 'Running'})).state).toBe('waiting')
    expect(buildPhase(build({})).state).toBe('waiting')
  })
  it('done on Complete', () => {
    expect(buildPhase(build({phase: 'Complete'}))).toEqual({state: 'done', message: 'build "nb-1" completed'})
  })
  it('fails on Failed, Error and Cancelled with reason and message', () => {
    expect(
      buildPhase(
        build({phase: 'Failed', reason: 'DockerBuildFailed', message: 'Docker build strategy has failed.'}),
      ),
    ).toEqual({
      state: 'failed',
      message: 'build "nb-1" Failed (DockerBuildFailed): Docker build strategy has failed.',
    })
    expect(buildPhase(build({phase: 'Error'})).state).toBe('failed')
    expect(buildPhase(build({phase: 'Cancelled', reason: 'CancelledBuild'})).message).toBe(
      'build "nb-1" Cancelled (CancelledBuild)',
    )
  })
})

describe('routeAdmitted', () => {
  const route = (ingress?: unknown[]) => ({
    kind: 'Route',
    metadata: {name: 'nb'},
    spec: {host: 'nb-proj.apps.example'},
    status: ingress ? {ingress} : {},
  })
  it('waits without an answer from a router', () => {
    expect(routeAdmitted(route())).toEqual({
      state: 'waiting',
      message: 'Waiting for route "nb" to be admitted by a router...',
    })
    expect(routeAdmitted(route([{routerName: 'default', conditions: []}])).state).toBe('waiting')
  })
  it('done when admitted, with the host', () => {
    const r = routeAdmitted(
      route([
        {
          host: 'nb-proj.apps.example',
          routerName: 'default',
          conditions: [{type: 'Admitted', status: 'True'}],
        },
      ]),
    )
    expect(r).toEqual({state: 'done', message: 'route "nb" admitted as nb-proj.apps.example'})
  })
  it('fails when rejected, with reason and message', () => {
    const r = routeAdmitted(
      route([
        {
          routerName: 'default',
          conditions: [
            {
              type: 'Admitted',
              status: 'False',
              reason: 'HostAlreadyClaimed',
              message: 'route x already exposes nb-proj.apps.example',
            },
          ],
        },
      ]),
    )
    expect(r).toEqual({
      state: 'failed',
      message:
        'route "nb" was not admitted by router "default": HostAlreadyClaimed: route x already exposes nb-proj.apps.example',
    })
  })
  it('one admitting router is enough (sharded routers)', () => {
    const r = routeAdmitted(
      route([
        {
          routerName: 'internal',
          conditions: [{type: 'Admitted', status: 'False', reason: 'RouteNotAdmitted'}],
        },
        {routerName: 'default', conditions: [{type: 'Admitted', status: 'True'}]},
      ]),
    )
    expect(r.state).toBe('done')
  })
})

describe('imageStreamTagHasImage', () => {
  const is = (tags: unknown[]) => ({kind: 'ImageStream', metadata: {name: 'builder'}, status: {tags}})
  const judge = imageStreamTagHasImage('latest')
  it('waits until status.tags has an item for the tag', () => {
    expect(judge(is([]))).toEqual({
      state: 'waiting',
      message: 'Waiting for image stream tag "builder:latest" to have an image...',
    })
    expect(judge(is([{tag: 'other', items: [{dockerImageReference: 'x'}]}])).state).toBe('waiting')
  })
  it('done with the image reference', () => {
    expect(
      judge(
        is([
          {
            tag: 'latest',
            items: [{dockerImageReference: 'image-registry/proj/builder@sha256:abc', image: 'sha256:abc'}],
          },
        ]),
      ),
    ).toEqual({
      state: 'done',
      message: 'image stream tag "builder:latest" has image image-registry/proj/builder@sha256:abc',
    })
  })
  it('fails on ImportSuccess=False without an image', () => {
    const r = judge(
      is([
        {
          tag: 'latest',
          conditions: [
            {type: 'ImportSuccess', status: 'False', reason: 'NotFound', message: 'docker.io/x: not found'},
          ],
        },
      ]),
    )
    expect(r).toEqual({
      state: 'failed',
      message: 'import of image stream tag "builder:latest" failed: NotFound: docker.io/x: not found',
    })
  })
  it('judges an ImageStreamTag too', () => {
    expect(
      judge({
        kind: 'ImageStreamTag',
        metadata: {name: 'builder:latest'},
        image: {dockerImageReference: 'r@sha256:1'},
      }).state,
    ).toBe('done')
    expect(judge({kind: 'ImageStreamTag', metadata: {name: 'builder:latest'}}).state).toBe('waiting')
  })
})

describe('podProblem', () => {
  it('reports the waiting reason with restarts', () => {
    const pod = {
      status: {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'notebook',
            restartCount: 4,
            state: {
              waiting: {reason: 'CrashLoopBackOff', message: 'back-off 1m20s restarting failed container'},
            },
          },
        ],
      },
    }
    expect(podProblem(pod)).toBe(
      'container "notebook" CrashLoopBackOff (4 restarts): back-off 1m20s restarting failed container',
    )
  })
  it('reports unschedulable pods and nothing for healthy or starting ones', () => {
    expect(
      podProblem({
        status: {
          phase: 'Pending',
          conditions: [
            {type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes'},
          ],
        },
      }),
    ).toBe('not scheduled (Unschedulable): 0/3 nodes')
    expect(
      podProblem({
        status: {
          phase: 'Pending',
          containerStatuses: [{name: 'c', state: {waiting: {reason: 'ContainerCreating'}}}],
        },
      }),
    ).toBeUndefined()
    expect(
      podProblem({status: {phase: 'Running', containerStatuses: [{name: 'c', state: {running: {}}}]}}),
    ).toBeUndefined()
  })
})

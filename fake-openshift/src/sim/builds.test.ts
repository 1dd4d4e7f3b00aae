import {describe, expect, it} from 'vitest'

import type {KObject} from '../types.js'
import type {SimOptions} from './index.js'
import {cluster, container0, deployment, DEVELOPER, notebookContainer, NS, podsOf} from './test-helpers.js'

const REPO = 'https://github.com/getwarped/s2i-minimal-notebook'

/** What `oc jupyter build` (and `oc new-build URL#REF`) create. */
function recipeBuild(ref = 's2i-assigned-uid'): KObject[] {
  return [
    {
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: {name: 'minimal-notebook', namespace: NS},
      spec: {
        tags: [
          {name: 'latest', from: {kind: 'DockerImage', name: 'docker.io/jupyter/minimal-notebook:latest'}},
        ],
      },
    },
    {
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: {name: 's2i-minimal-notebook', namespace: NS},
      spec: {lookupPolicy: {local: true}},
    },
    {
      apiVersion: 'build.openshift.io/v1',
      kind: 'BuildConfig',
      metadata: {name: 's2i-minimal-notebook', namespace: NS},
      spec: {
        source: {type: 'Git', git: {uri: REPO, ref}},
        strategy: {
          type: 'Docker',
          dockerStrategy: {from: {kind: 'ImageStreamTag', name: 'minimal-notebook:latest'}},
        },
        output: {to: {kind: 'ImageStreamTag', name: 's2i-minimal-notebook:latest'}},
        triggers: [{type: 'ConfigChange'}, {type: 'ImageChange', imageChange: {}}],
      },
    },
  ]
}

function build(c: ReturnType<typeof cluster>, name: string): KObject {
  return c.get('build.openshift.io/v1', 'builds', name)
}

const st = (o: KObject) => o.status as Record<string, any>

describe('builds', () => {
  it('the ConfigChange trigger starts build 1, which goes New → Pending → Running → Complete and tags the output', () => {
    const c = cluster()
    c.store.seed(recipeBuild())
    c.sims.step()
    const b1 = build(c, 's2i-minimal-notebook-1')
    expect(b1.metadata.labels?.['openshift.io/build-config.name']).toBe('s2i-minimal-notebook')
    expect(b1.metadata.annotations).toMatchObject({
      'openshift.io/build-config.name': 's2i-minimal-notebook',
      'openshift.io/build.number': '1',
    })
    expect((b1.spec as any).triggeredBy).toEqual([{message: 'Build configuration change'}])
    const phases = [st(b1).phase]
    for (let i = 0; i < 8; i++) {
      c.sims.step()
      const p = st(build(c, 's2i-minimal-notebook-1')).phase
      if (phases.at(-1) !== p) phases.push(p)
    }
    expect(phases).toEqual(['New', 'Pending', 'Running', 'Complete'])
    const done = build(c, 's2i-minimal-notebook-1')
    expect((done.spec as any).strategy.dockerStrategy.from).toMatchObject({
      kind: 'DockerImage',
      name: expect.stringMatching(/^docker\.io\/jupyter\/minimal-notebook@sha256:/),
    })
    expect(st(done)).toMatchObject({
      outputDockerImageReference:
        'image-registry.openshift-image-registry.svc:5000/myproject/s2i-minimal-notebook:latest',
      output: {to: {imageDigest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/)}},
    })
    expect(st(done).duration).toBeGreaterThanOrEqual(0)
    expect(st(done).startTimestamp).toBeTruthy()
    expect(st(done).completionTimestamp).toBeTruthy()
    const is = c.get('image.openshift.io/v1', 'imagestreams', 's2i-minimal-notebook')
    const item = st(is).tags.find((t: any) => t.tag === 'latest').items[0]
    expect(item.dockerImageReference).toBe(
      `image-registry.openshift-image-registry.svc:5000/myproject/s2i-minimal-notebook@${st(done).output.to.imageDigest}`,
    )
    const image = c.get('image.openshift.io/v1', 'images', item.image)
    expect((image.dockerImageMetadata as any).Config.User).toBe('1000')
    expect(c.get('build.openshift.io/v1', 'buildconfigs', 's2i-minimal-notebook').status).toMatchObject({
      lastVersion: 1,
    })
    expect(c.store.find('build.openshift.io/v1', 'builds', NS)).toHaveLength(1)
    const log = c.sims.buildLog(NS, 's2i-minimal-notebook-1')
    expect(log.ended()).toBe(true)
    expect(log.lines()[0]).toBe(`Cloning "${REPO}" ...`)
    expect(log.lines()).toContain('STEP 8/8: CMD [ "/opt/app-root/s2i/bin/run" ]')
    expect(log.lines().at(-1)).toBe('Push successful')
  })

  it('the whole recipe: the built image runs under restricted-v2 with a resolvable user name', () => {
    const c = cluster()
    c.store.seed(recipeBuild())
    c.sims.settle()
    const trigger = JSON.stringify([
      {
        from: {kind: 'ImageStreamTag', name: 's2i-minimal-notebook:latest'},
        fieldPath: 'spec.template.spec.containers[?(@.name=="notebook")].image',
      },
    ])
    c.store.seed([
      deployment(
        'notebook',
        {
          securityContext: {supplementalGroups: [100]},
          containers: [notebookContainer('s2i-minimal-notebook:latest')],
        },
        {annotations: {'image.openshift.io/triggers': trigger}},
      ),
    ])
    c.sims.settle()
    const [pod] = podsOf(c, 'notebook-')
    expect((pod.spec as any).containers[0].image).toMatch(
      /^image-registry\.openshift-image-registry\.svc:5000\/myproject\/s2i-minimal-notebook@sha256:/,
    )
    expect(pod.metadata.annotations?.['openshift.io/scc']).toBe('restricted-v2')
    expect(container0(pod)).toMatchObject({ready: true, restartCount: 0})
    expect(c.sims.exec(NS, pod.metadata.name!, 'notebook', ['whoami']).stdout).toBe('jovyan\n')
    expect(c.sims.podLog(NS, pod.metadata.name!, 'notebook', false).lines().join('\n')).toContain(
      'The Jupyter Notebook is running at:',
    )
  })

  it('a new build rolls the Deployment out through its image trigger', () => {
    const c = cluster()
    c.store.seed(recipeBuild())
    c.sims.settle()
    const trigger = JSON.stringify([
      {
        from: {kind: 'ImageStreamTag', name: 's2i-minimal-notebook:latest'},
        fieldPath: 'spec.template.spec.containers[?(@.name=="notebook")].image',
      },
    ])
    c.store.seed([
      deployment(
        'notebook',
        {securityContext: {supplementalGroups: [100]}, containers: [notebookContainer(' ')]},
        {annotations: {'image.openshift.io/triggers': trigger}},
      ),
    ])
    c.sims.settle()
    const first = (podsOf(c, 'notebook-')[0].spec as any).containers[0].image
    const b2 = c.sims.instantiate(
      NS,
      's2i-minimal-notebook',
      {apiVersion: 'build.openshift.io/v1', kind: 'BuildRequest', metadata: {name: 's2i-minimal-notebook'}},
      DEVELOPER,
    )
    expect(b2.metadata.name).toBe('s2i-minimal-notebook-2')
    expect((b2.spec as any).triggeredBy).toEqual([{message: 'Manually triggered'}])
    c.sims.settle()
    const pods = podsOf(c, 'notebook-')
    expect(pods).toHaveLength(1)
    expect((pods[0].spec as any).containers[0].image).not.toBe(first)
    expect(
      c.get('apps/v1', 'deployments', 'notebook').metadata.annotations?.['deployment.kubernetes.io/revision'],
    ).toBe('2')
  })

  it('fails with the scenario’s reason, message and log', () => {
    const options: SimOptions = {
      builds: [
        {
          match: {buildConfig: 's2i-minimal-notebook'},
          outcome: 'Failed',
          reason: 'DockerBuildFailed',
          log: [
            'STEP 3/8: RUN apt-get update && apt-get install -y libav-tools rsync',
            "E: Package 'libav-tools' has no installation candidate",
          ],
        },
      ],
    }
    const c = cluster(options)
    c.store.seed(recipeBuild())
    const lines: string[] = []
    let ended = false
    c.sims.step()
    c.sims.buildLog(NS, 's2i-minimal-notebook-1').subscribe(
      l => lines.push(l),
      () => (ended = true),
    )
    c.sims.settle()
    const b = build(c, 's2i-minimal-notebook-1')
    expect(st(b)).toMatchObject({
      phase: 'Failed',
      reason: 'DockerBuildFailed',
      message: 'Docker build strategy has failed.',
    })
    expect(st(b).logSnippet).toContain("E: Package 'libav-tools' has no installation candidate")
    expect(lines).toContain("E: Package 'libav-tools' has no installation candidate")
    expect(ended).toBe(true)
    expect(st(c.get('image.openshift.io/v1', 'imagestreams', 's2i-minimal-notebook'))?.tags).toBeUndefined()
    expect(c.events('s2i-minimal-notebook-1').map(e => e.reason)).toContain('BuildFailed')
  })

  it('hangs Running forever when told to, and a cancelled build ends Cancelled', () => {
    const c = cluster({builds: [{match: {buildConfig: '*'}, hang: true}]})
    c.store.seed(recipeBuild())
    c.sims.settle()
    c.sims.settle()
    const b = build(c, 's2i-minimal-notebook-1')
    expect(st(b).phase).toBe('Running')
    expect(c.sims.buildLog(NS, b.metadata.name!).ended()).toBe(false)
    st(b).cancelled = true
    c.store.update(c.store.resourceType('build.openshift.io/v1', 'builds')!, b)
    c.sims.settle()
    expect(st(build(c, 's2i-minimal-notebook-1'))).toMatchObject({
      phase: 'Cancelled',
      reason: 'CancelledBuild',
      message: 'The build was cancelled by the user.',
    })
    expect(c.sims.buildLog(NS, b.metadata.name!).ended()).toBe(true)
  })

  it('Error outcome, and a build without its output image stream waits with InvalidOutputReference', () => {
    const c = cluster({builds: [{match: {build: '*-1'}, outcome: 'Error', reason: 'OutOfMemoryKilled'}]})
    const [base, , bc] = recipeBuild()
    c.store.seed([base, bc])
    c.sims.settle()
    expect(st(build(c, 's2i-minimal-notebook-1'))).toMatchObject({
      phase: 'New',
      reason: 'InvalidOutputReference',
      message: 'Output image could not be resolved.',
    })
    c.store.seed([recipeBuild()[1]])
    c.sims.settle()
    expect(st(build(c, 's2i-minimal-notebook-1'))).toMatchObject({
      phase: 'Error',
      reason: 'OutOfMemoryKilled',
      message: 'The build pod was killed due to an out of memory condition.',
    })
  })

  it('an older branch of the builder repository produces the anyuid-era image', () => {
    const c = cluster()
    c.store.seed(recipeBuild('master'))
    c.sims.settle()
    c.store.seed([
      deployment('notebook', {
        securityContext: {supplementalGroups: [100]},
        containers: [notebookContainer('s2i-minimal-notebook:latest')],
      }),
    ])
    c.sims.settle()
    const [pod] = podsOf(c, 'notebook-')
    expect(c.sims.podLog(NS, pod.metadata.name!, undefined, false).lines()).toContain(
      "PermissionError: [Errno 13] Permission denied: '/home/jovyan/.jupyter'",
    )
  })

  it('instantiate of a missing BuildConfig is a 404', () => {
    const c = cluster()
    expect(() =>
      c.sims.instantiate(NS, 'nope', {
        apiVersion: 'build.openshift.io/v1',
        kind: 'BuildRequest',
        metadata: {name: 'nope'},
      }),
    ).toThrowError('buildconfigs.build.openshift.io "nope" not found')
  })
})

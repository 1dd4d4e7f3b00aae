import {describe, expect, it} from 'vitest'

import type {KObject} from '../types.js'
import type {SimOptions} from './index.js'
import {cluster, container0, deployment, DEVELOPER, notebookContainer, NS, podsOf} from './test-helpers.js'

const REPO = 'https://github.com/getwarped/s2i-minimal-notebook'
const TODAY = 'quay.io/jupyter/minimal-notebook:2025-12-31'

/** oc-jupyter's Dockerfile for the branch (render/dockerfile.ts), as a BuildConfig carries it. */
const OURS = [
  `FROM ${TODAY}`,
  'USER root',
  'RUN apt-get update --yes && apt-get install --yes --no-install-recommends ffmpeg rsync && apt-get clean && rm -rf /var/lib/apt/lists/* && chgrp -R 0 "/home/${NB_USER}" && chmod -R g=u "/home/${NB_USER}"',
  'LABEL io.openshift.s2i.scripts-url="image:///opt/app-root/s2i/bin" io.openshift.tags="builder,python,jupyter"',
  'COPY s2i /opt/app-root/s2i',
  'USER 1000',
  'CMD ["/opt/app-root/s2i/bin/run"]',
  '',
].join('\n')

/**
 * What `oc new-build URL#REF` creates (base image `jupyter/minimal-notebook:latest`, the branch's own
 * Dockerfile), or with `dockerfile` what `oc jupyter build` creates (an inline Dockerfile over `base`).
 */
function recipeBuild(
  ref = 's2i-assigned-uid',
  opts: {dockerfile?: string; base?: string; uri?: string} = {},
): KObject[] {
  const base = opts.base ?? (opts.dockerfile ? TODAY : 'docker.io/jupyter/minimal-notebook:latest')
  return [
    {
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: {name: 'minimal-notebook', namespace: NS},
      spec: {tags: [{name: 'latest', from: {kind: 'DockerImage', name: base}}]},
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
        source: {
          type: 'Git',
          git: {uri: opts.uri ?? REPO, ref},
          ...(opts.dockerfile ? {dockerfile: opts.dockerfile} : {}),
        },
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
    c.store.seed(recipeBuild('s2i-assigned-uid', {dockerfile: OURS}))
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
      name: expect.stringMatching(/^quay\.io\/jupyter\/minimal-notebook@sha256:/),
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
    expect(log.lines()).toContain(`Replaced Dockerfile FROM image ${TODAY}`)
    expect(log.lines()).toContain('STEP 7/7: CMD ["/opt/app-root/s2i/bin/run"]')
    expect(log.lines().at(-1)).toBe('Push successful')
  })

  it("the branch with oc-jupyter's Dockerfile: the built image runs under restricted-v2 with a resolvable user name", () => {
    const c = cluster()
    c.store.seed(recipeBuild('s2i-assigned-uid', {dockerfile: OURS}))
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
    // start.sh (the ENTRYPOINT) adds the UID's entry, the run script renames it as it always did
    expect(c.sims.exec(NS, pod.metadata.name!, 'notebook', ['whoami']).stdout).toBe('builder\n')
    expect(c.sims.podLog(NS, pod.metadata.name!, 'notebook', false).lines().join('\n')).toContain(
      'Jupyter Server 2.17 is running at:',
    )
  })

  it('a new build rolls the Deployment out through its image trigger', () => {
    const c = cluster()
    c.store.seed(recipeBuild('s2i-assigned-uid', {dockerfile: OURS}))
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

  it("the recipe exactly (the branch's own Dockerfile): DockerBuildFailed at apt-get, libav-tools quoted", () => {
    const c = cluster()
    c.store.seed(recipeBuild())
    c.sims.settle()
    const b = build(c, 's2i-minimal-notebook-1')
    expect(st(b)).toMatchObject({
      phase: 'Failed',
      reason: 'DockerBuildFailed',
      message: 'Docker build strategy has failed.',
    })
    const lines = c.sims.buildLog(NS, 's2i-minimal-notebook-1').lines()
    expect(lines).toContain('Replaced Dockerfile FROM image jupyter/minimal-notebook:latest')
    expect(
      lines.some(l =>
        /^STEP 3\/9: RUN apt-get update && apt-get install -y --no-install-recommends libav-tools rsync/.test(
          l,
        ),
      ),
    ).toBe(true)
    expect(lines).toContain("E: Package 'libav-tools' has no installation candidate")
    expect(lines.at(-1)).toMatch(
      /^error: build error: building at STEP "RUN apt-get update .*": while running runtime: exit status 100$/,
    )
    expect(st(b).logSnippet).toContain("E: Package 'libav-tools' has no installation candidate")
    expect(st(c.get('image.openshift.io/v1', 'imagestreams', 's2i-minimal-notebook'))?.tags).toBeUndefined()
  })

  it('master installs ffmpeg: the branch builds; with JUPYTER_NOTEBOOK_PASSWORD its run script dies on Notebook 7', () => {
    const c = cluster()
    c.store.seed(recipeBuild('master'))
    c.sims.settle()
    expect(st(build(c, 's2i-minimal-notebook-1')).phase).toBe('Complete')
    c.store.seed([
      deployment('notebook', {
        securityContext: {supplementalGroups: [100]},
        containers: [
          {
            ...notebookContainer('s2i-minimal-notebook:latest'),
            env: [{name: 'JUPYTER_NOTEBOOK_PASSWORD', value: 'pw'}],
          },
        ],
      }),
    ])
    c.sims.settle()
    const [pod] = podsOf(c, 'notebook-')
    expect(c.sims.podLog(NS, pod.metadata.name!, undefined, false).lines().at(-1)).toBe(
      "ModuleNotFoundError: No module named 'notebook.auth'",
    )
  })

  it("a ref the repository lacks, or a repository that cannot be fetched: FetchSourceFailed with git's words", () => {
    const c = cluster()
    c.store.seed(recipeBuild('nosuch', {dockerfile: OURS}))
    c.sims.settle()
    expect(st(build(c, 's2i-minimal-notebook-1'))).toMatchObject({
      phase: 'Failed',
      reason: 'FetchSourceFailed',
    })
    expect(c.sims.buildLog(NS, 's2i-minimal-notebook-1').lines()).toContain(
      "error: pathspec 'nosuch' did not match any file(s) known to git",
    )
    const d = cluster()
    d.store.seed(recipeBuild('main', {uri: 'https://example.com/nobody/nothing.git'}))
    d.sims.settle()
    expect(d.sims.buildLog(NS, 's2i-minimal-notebook-1').lines()).toContain(
      'error: failed to fetch requested repository "https://example.com/nobody/nothing.git" with provided credentials',
    )
  })

  it('the branch before the assigned-UID changes, on its 2017 base, crash-loops under restricted-v2', () => {
    const old = 'docker.io/jupyter/minimal-notebook:2d878db5cbff'
    const c = cluster({images: [{image: old, profile: 'anyuid-era'}]})
    c.store.seed(recipeBuild('s2i-anyuid-pvc-venv', {base: old}))
    c.sims.settle()
    expect(st(build(c, 's2i-minimal-notebook-1')).phase).toBe('Complete')
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

import {describe, expect, it} from 'vitest'

import {renderBuildObjects} from '../../../src/lib/render/build.js'
import {renderBuilderDockerfile} from '../../../src/lib/render/dockerfile.js'
import {renderBuilderImageStream} from '../../../src/lib/render/imagestream.js'
import {LABEL_KEYS, at, buildOpts} from './fixtures.js'

describe('renderBuildObjects (builder set)', () => {
  const [base, builder, bc] = renderBuildObjects(buildOpts())

  it('renders base ImageStream, builder ImageStream and BuildConfig', () => {
    expect([base, builder, bc].map(o => `${o.apiVersion} ${o.kind}/${o.metadata.name}`)).toEqual([
      'image.openshift.io/v1 ImageStream/minimal-notebook',
      'image.openshift.io/v1 ImageStream/s2i-minimal-notebook',
      'build.openshift.io/v1 BuildConfig/s2i-minimal-notebook',
    ])
    for (const o of [builder, bc]) {
      expect(Object.keys(o.metadata.labels)).toEqual(LABEL_KEYS)
      expect(o.metadata.labels).toMatchObject({
        app: 's2i-minimal-notebook',
        'app.kubernetes.io/instance': 's2i-minimal-notebook',
        'app.kubernetes.io/component': 'builder',
      })
    }
    // The base stream is shared by every builder in the project: it is its own instance.
    expect(Object.keys(base.metadata.labels)).toEqual(LABEL_KEYS)
    expect(base.metadata.labels).toMatchObject({
      app: 'minimal-notebook',
      'app.kubernetes.io/instance': 'minimal-notebook',
      'app.kubernetes.io/component': 'builder',
    })
  })

  it('base stream imports the pinned quay.io/jupyter/minimal-notebook, unscheduled, Source reference policy', () => {
    expect(at(base, 'spec.tags')).toEqual([
      {
        name: '2025-12-31',
        annotations: {'openshift.io/imported-from': 'quay.io/jupyter/minimal-notebook:2025-12-31'},
        from: {kind: 'DockerImage', name: 'quay.io/jupyter/minimal-notebook:2025-12-31'},
        importPolicy: {scheduled: false},
        referencePolicy: {type: 'Source'},
      },
    ])
  })

  it('builder stream: lookupPolicy.local and the S2I builder annotations', () => {
    expect(at(builder, 'spec.lookupPolicy')).toEqual({local: true})
    expect(builder.metadata.annotations).toEqual({
      'openshift.io/display-name': 'Jupyter Notebook (assigned UID)',
    })
    const tag = at(builder, 'spec.tags.0')
    expect(tag.name).toBe('latest')
    expect(tag.from).toBeUndefined()
    expect(Object.keys(tag.annotations)).toEqual([
      'openshift.io/display-name',
      'description',
      'iconClass',
      'tags',
      'supports',
      'sampleRepo',
      'version',
    ])
    expect(tag.annotations.tags).toBe('builder,python,jupyter')
    expect(tag.annotations.iconClass).toBe('icon-python')
    expect(tag.annotations.version).toBe('latest')
    expect(tag.annotations.sampleRepo).toMatch(/^https:\/\//)
  })

  it('BuildConfig: the branch as Git source with our Dockerfile, Docker strategy from the base tag, output, triggers, limits', () => {
    expect(at(bc, 'spec.source')).toEqual({
      type: 'Git',
      git: {uri: 'https://github.com/getwarped/s2i-minimal-notebook', ref: 's2i-assigned-uid'},
      dockerfile: renderBuilderDockerfile('quay.io/jupyter/minimal-notebook:2025-12-31'),
    })
    expect(at(bc, 'spec.strategy')).toEqual({
      type: 'Docker',
      dockerStrategy: {from: {kind: 'ImageStreamTag', name: 'minimal-notebook:2025-12-31'}},
    })
    expect(at(bc, 'spec.output')).toEqual({to: {kind: 'ImageStreamTag', name: 's2i-minimal-notebook:latest'}})
    expect(at(bc, 'spec.triggers')).toEqual([{type: 'ConfigChange'}, {type: 'ImageChange', imageChange: {}}])
    expect(at(bc, 'spec.resources')).toEqual({limits: {memory: '1Gi'}})
    expect(at(bc, 'spec.successfulBuildsHistoryLimit')).toBe(5)
    expect(at(bc, 'spec.failedBuildsHistoryLimit')).toBe(5)
  })

  it('the Docker strategy FROM is the tag the base stream imports', () => {
    expect(at(bc, 'spec.strategy.dockerStrategy.from.name')).toBe(
      `${base.metadata.name}:${at(base, 'spec.tags.0.name')}`,
    )
  })

  it('renders another repo, ref, context dir, base image and memory', () => {
    const [b2, , c2] = renderBuildObjects(
      buildOpts(
        {name: 'https://example.com/r.git#dev'},
        {
          'context-dir': 'docker',
          'base-image': 'quay.io/jupyter/minimal-notebook:2024-10-01',
          'build-memory': '2Gi',
        },
      ),
    )
    expect(at(c2, 'spec.source')).toEqual({
      type: 'Git',
      git: {uri: 'https://example.com/r.git', ref: 'dev'},
      contextDir: 'docker',
    })
    expect(at(c2, 'spec.strategy.dockerStrategy.from.name')).toBe('minimal-notebook:2024-10-01')
    expect(at(c2, 'spec.resources.limits.memory')).toBe('2Gi')
    expect(at(b2, 'spec.tags.0.from.name')).toBe('quay.io/jupyter/minimal-notebook:2024-10-01')
  })

  it('a repository without a ref has no git.ref', () => {
    const bc3 = renderBuildObjects(buildOpts({}, {repo: 'https://example.com/r.git'}))[2]
    expect(at(bc3, 'spec.source.git')).toEqual({uri: 'https://example.com/r.git'})
  })

  it("another repository's own Dockerfile is built: no source.dockerfile", () => {
    const bc4 = renderBuildObjects(buildOpts({}, {repo: 'https://example.com/r.git'}))[2]
    expect(at(bc4, 'spec.source.dockerfile')).toBeUndefined()
  })

  it('the default repository under another spelling or ref still gets our Dockerfile', () => {
    for (const flags of [{repo: 'https://github.com/getwarped/s2i-minimal-notebook.git'}, {ref: 'master'}]) {
      const bc5 = renderBuildObjects(buildOpts({}, flags))[2]
      expect(at(bc5, 'spec.source.dockerfile')).toContain('FROM quay.io/jupyter/minimal-notebook:2025-12-31')
    }
  })

  it('--upstream-dockerfile builds the branch unchanged: no source.dockerfile, same git source', () => {
    const [, , bc6] = renderBuildObjects(buildOpts({}, {'upstream-dockerfile': true}))
    expect(at(bc6, 'spec.source')).toEqual({
      type: 'Git',
      git: {uri: 'https://github.com/getwarped/s2i-minimal-notebook', ref: 's2i-assigned-uid'},
    })
  })

  it('--base-image changes both the base stream and the FROM of our Dockerfile', () => {
    const [b7, , c7] = renderBuildObjects(
      buildOpts({}, {'base-image': 'quay.io/jupyter/scipy-notebook:2025-12-31'}),
    )
    expect(at(b7, 'spec.tags.0.from.name')).toBe('quay.io/jupyter/scipy-notebook:2025-12-31')
    expect(at(c7, 'spec.strategy.dockerStrategy.from.name')).toBe('scipy-notebook:2025-12-31')
    expect(at(c7, 'spec.source.dockerfile')).toMatch(/^FROM quay\.io\/jupyter\/scipy-notebook:2025-12-31$/m)
  })
})

describe('renderBuilderDockerfile', () => {
  const text = renderBuilderDockerfile('quay.io/jupyter/minimal-notebook:2025-12-31')
  const instructions = text
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .filter(l => l.trim() && !l.startsWith('#'))

  it('keeps what the branch means: S2I labels, COPY s2i, numeric USER 1000, the run script as CMD', () => {
    expect(instructions[0]).toBe('FROM quay.io/jupyter/minimal-notebook:2025-12-31')
    expect(instructions).toContain('COPY s2i /opt/app-root/s2i')
    expect(instructions.at(-2)).toBe('USER 1000')
    expect(instructions.at(-1)).toBe('CMD ["/opt/app-root/s2i/bin/run"]')
    const label = instructions.find(l => l.startsWith('LABEL')) ?? ''
    expect(label).toContain('io.openshift.s2i.scripts-url="image:///opt/app-root/s2i/bin"')
    expect(label).toContain('io.openshift.tags="builder,python,jupyter"')
    expect(label).toContain('io.openshift.expose-services="8888:http"')
  })

  it('installs ffmpeg, not libav-tools, and fixes the home for group 0 in the same RUN', () => {
    const runs = instructions.filter(l => l.startsWith('RUN'))
    expect(runs).toHaveLength(1)
    expect(runs[0]).toContain('apt-get install --yes --no-install-recommends ffmpeg rsync')
    expect(runs[0]).toContain('chgrp -R 0 "/home/${NB_USER}" && chmod -R g=u "/home/${NB_USER}"')
    expect(text).not.toMatch(/^RUN.*libav-tools/m)
    expect(text).not.toMatch(/chmod g\+w \/etc\/passwd/)
  })
})

describe('renderBuildObjects (--from-source)', () => {
  const objs = renderBuildObjects(
    buildOpts({}, {'from-source': 'https://github.com/me/notebooks.git#main'}, 'proj'),
  )

  it('renders the output stream and a Source-strategy BuildConfig over the builder', () => {
    expect(objs.map(o => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ImageStream/notebooks',
      'BuildConfig/notebooks',
    ])
    const [is, bc] = objs
    expect(is.spec).toEqual({lookupPolicy: {local: true}})
    expect(is.metadata.labels['app.kubernetes.io/component']).toBe('notebook-image')
    expect(at(bc, 'spec.strategy')).toEqual({
      type: 'Source',
      sourceStrategy: {from: {kind: 'ImageStreamTag', name: 's2i-minimal-notebook:latest'}},
    })
    expect(at(bc, 'spec.source.git')).toEqual({uri: 'https://github.com/me/notebooks.git', ref: 'main'})
    expect(at(bc, 'spec.output.to.name')).toBe('notebooks:latest')
    for (const o of objs) expect(o.metadata.namespace).toBe('proj')
  })
})

describe('renderBuilderImageStream (imagestream command)', () => {
  it('uses the given name and namespace', () => {
    const is = renderBuilderImageStream({name: 'nb-builder', namespace: 'openshift'})
    expect(is.metadata.name).toBe('nb-builder')
    expect(is.metadata.namespace).toBe('openshift')
    expect(is.metadata.labels.app).toBe('nb-builder')
  })
})

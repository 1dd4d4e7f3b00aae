import {describe, expect, it} from 'vitest'

import {UsageError} from '../../../src/lib/errors.js'
import {renderBuilderDockerfile} from '../../../src/lib/render/dockerfile.js'
import {looksLikeGitUrl, parseBuildOptions} from '../../../src/lib/values/build-options.js'
import {parseDeployOptions} from '../../../src/lib/values/deploy-options.js'
import {parseImageStreamOptions} from '../../../src/lib/values/imagestream-options.js'
import {expectUsage} from './helpers.js'

describe('parseBuildOptions', () => {
  it("defaults to the recipe's branch with our Dockerfile on the pinned quay.io minimal-notebook", () => {
    const o = parseBuildOptions({}, {})
    expect(o.name).toBe('s2i-minimal-notebook')
    expect(o.git).toEqual({uri: 'https://github.com/getwarped/s2i-minimal-notebook', ref: 's2i-assigned-uid'})
    expect(o.strategy).toEqual({
      type: 'Docker',
      base: {
        stream: 'minimal-notebook',
        tag: '2025-12-31',
        image: 'quay.io/jupyter/minimal-notebook:2025-12-31',
      },
      dockerfile: renderBuilderDockerfile('quay.io/jupyter/minimal-notebook:2025-12-31'),
    })
    expect(o.buildMemory).toBe('1Gi')
    expect(o.outputTag).toBe('latest')
    expect(o).toMatchObject({rebuild: false, wait: true, follow: undefined})
    expect(o.namespace).toBeUndefined()
  })

  it('takes the oc new-build URL#ref form as the first argument', () => {
    const o = parseBuildOptions({name: 'https://example.com/r.git#dev'}, {})
    expect(o.name).toBe('s2i-minimal-notebook')
    expect(o.git).toEqual({uri: 'https://example.com/r.git', ref: 'dev'})
  })

  it('takes NAME then URL', () => {
    const o = parseBuildOptions({name: 'mybuilder', repo: 'git@github.com:me/b.git#v2'}, {})
    expect(o.name).toBe('mybuilder')
    expect(o.git).toEqual({uri: 'git@github.com:me/b.git', ref: 'v2'})
  })

  it('takes --repo and --ref; --ref alone replaces the default branch', () => {
    expect(parseBuildOptions({}, {repo: 'https://example.com/r.git', ref: 'dev'}).git).toEqual({
      uri: 'https://example.com/r.git',
      ref: 'dev',
    })
    expect(parseBuildOptions({}, {repo: 'https://example.com/r.git'}).git).toEqual({
      uri: 'https://example.com/r.git',
    })
    expect(parseBuildOptions({}, {ref: 'main'}).git).toEqual({
      uri: 'https://github.com/getwarped/s2i-minimal-notebook',
      ref: 'main',
    })
  })

  it('refuses the repository twice or the ref twice', () => {
    expectUsage(
      () => parseBuildOptions({name: 'https://a.com/x.git'}, {repo: 'https://a.com/y.git'}),
      'give the repository once',
    )
    expectUsage(() => parseBuildOptions({}, {repo: 'https://a.com/x.git#a', ref: 'b'}), 'give the ref once')
    expectUsage(
      () => parseBuildOptions({name: 'https://a.com/x.git', repo: 'https://a.com/y.git'}, {}),
      'NAME',
      'expected a name',
    )
  })

  it('validates every input with the flag in the message', () => {
    expectUsage(() => parseBuildOptions({name: 'Bad_Name'}, {}), 'NAME "Bad_Name"')
    expectUsage(() => parseBuildOptions({}, {repo: 'nope'}), '--repo "nope"')
    expectUsage(() => parseBuildOptions({}, {'build-memory': '1GB'}), '--build-memory "1GB"')
    expectUsage(() => parseBuildOptions({}, {'base-image': 'Not/Valid'}), '--base-image')
    expectUsage(() => parseBuildOptions({}, {'context-dir': '/abs'}), '--context-dir')
    expectUsage(() => parseBuildOptions({}, {ref: 'a..b'}), '--ref')
  })

  it('names the base stream after --base-image and refuses a clash with NAME', () => {
    const o = parseBuildOptions({}, {'base-image': 'quay.io/jupyter/minimal-notebook:2024-10-01'})
    expect(o.strategy).toEqual({
      type: 'Docker',
      base: {
        stream: 'minimal-notebook',
        tag: '2024-10-01',
        image: 'quay.io/jupyter/minimal-notebook:2024-10-01',
      },
      dockerfile: renderBuilderDockerfile('quay.io/jupyter/minimal-notebook:2024-10-01'),
    })
    expectUsage(() => parseBuildOptions({name: 'minimal-notebook'}, {}), 'base image stream')
  })

  it('--upstream-dockerfile: the branch as it is; refused with another repository or --from-source', () => {
    const o = parseBuildOptions({}, {'upstream-dockerfile': true})
    expect(o.strategy).toEqual({
      type: 'Docker',
      base: {
        stream: 'minimal-notebook',
        tag: '2025-12-31',
        image: 'quay.io/jupyter/minimal-notebook:2025-12-31',
      },
    })
    expectUsage(
      () => parseBuildOptions({}, {'upstream-dockerfile': true, repo: 'https://example.com/r.git'}),
      '--upstream-dockerfile only applies',
    )
    expectUsage(
      () => parseBuildOptions({}, {'upstream-dockerfile': true, 'from-source': 'https://example.com/n.git'}),
      '--from-source cannot be combined with --upstream-dockerfile',
    )
  })

  describe('--from-source', () => {
    it('builds with the builder and names the output after the repository', () => {
      const o = parseBuildOptions(
        {},
        {'from-source': 'https://github.com/me/My_Notebooks.git#main', 'context-dir': 'nb'},
        'proj',
      )
      expect(o.name).toBe('my-notebooks')
      expect(o.namespace).toBe('proj')
      expect(o.git).toEqual({uri: 'https://github.com/me/My_Notebooks.git', ref: 'main'})
      expect(o.contextDir).toBe('nb')
      expect(o.strategy).toEqual({type: 'Source', builder: 's2i-minimal-notebook:latest'})
    })
    it('takes NAME, --builder and --ref', () => {
      const o = parseBuildOptions(
        {name: 'lab'},
        {'from-source': 'https://github.com/me/nb.git', builder: 'mybuilder:v2', ref: 'dev'},
      )
      expect(o.name).toBe('lab')
      expect(o.git.ref).toBe('dev')
      expect(o.strategy).toEqual({type: 'Source', builder: 'mybuilder:v2'})
    })
    it.each([
      [{repo: 'https://a.com/b.git'}, '--repo'],
      [{'base-image': 'python:3'}, '--base-image'],
    ])('cannot be combined with %j', (extra, flag) => {
      expectUsage(
        () => parseBuildOptions({}, {'from-source': 'https://a.com/n.git', ...extra}),
        `--from-source cannot be combined with ${flag}`,
      )
    })
    it('cannot be combined with a repository argument', () => {
      expectUsage(
        () => parseBuildOptions({name: 'https://a.com/b.git'}, {'from-source': 'https://a.com/n.git'}),
        '--from-source cannot be combined',
      )
    })
    it('asks for NAME when the URL gives none', () => {
      expectUsage(() => parseBuildOptions({}, {'from-source': 'https://a.com/___.git'}), 'give NAME')
    })
    it('--builder needs --from-source', () => {
      expectUsage(() => parseBuildOptions({}, {builder: 'x:y'}), '--builder only applies with --from-source')
    })
  })

  it('recognises Git URLs where a NAME could be', () => {
    for (const u of ['https://a.com/b', 'git@github.com:a/b.git', 'ssh://h/r', 'repo.git', 'x.git#dev'])
      expect(looksLikeGitUrl(u)).toBe(true)
    for (const n of ['notebook', 's2i-minimal-notebook', 'a-git']) expect(looksLikeGitUrl(n)).toBe(false)
  })
})

describe('parseDeployOptions', () => {
  it('--image from a registry: imported into image stream LAST-PART:TAG, which the Deployment runs', () => {
    const o = parseDeployOptions({}, {image: 'quay.io/jupyter/scipy-notebook:2025-12-31'})
    expect(o.image).toBe('scipy-notebook:2025-12-31')
    expect(o.importImage).toEqual({
      stream: 'scipy-notebook',
      tag: '2025-12-31',
      image: 'quay.io/jupyter/scipy-notebook:2025-12-31',
    })
    expect(parseDeployOptions({}, {image: 'nb:v2'})).toMatchObject({image: 'nb:v2'})
    expect(parseDeployOptions({}, {image: 'nb:v2'}).importImage).toBeUndefined()
  })

  it('defaults to SPEC.md', () => {
    const o = parseDeployOptions({}, {})
    expect(o).toMatchObject({
      name: 'notebook',
      image: 's2i-minimal-notebook:latest',
      volumeSize: '1Gi',
      accessMode: 'ReadWriteOnce',
      mountPath: '/home/jovyan/volume',
      env: [],
      memory: '1Gi',
      insecurePolicy: 'Redirect',
      serviceAccount: 'default',
      workload: 'Deployment',
      password: 'keep',
      keepAnyuid: false,
    })
    expect(o.cpu).toBeUndefined()
    expect(o.storageClass).toBeUndefined()
    expect(o.hostname).toBeUndefined()
    expect(o.build).toBeUndefined()
    expect(o.volumeQuantity.value).toBe(2n ** 30n)
  })

  it('parses every flag', () => {
    const o = parseDeployOptions(
      {name: 'lab'},
      {
        image: 'my-nb',
        'volume-size': '1G',
        'access-mode': 'rwx',
        'storage-class': 'gp3-csi',
        'mount-path': '/data/',
        env: ['A=1', 'B=2'],
        memory: '2Gi',
        cpu: '500m',
        hostname: 'lab.apps.example.com',
        'insecure-policy': 'allow',
        'service-account': 'notebooks',
        'deployment-config': true,
        'keep-anyuid': true,
        'rotate-password': true,
      },
      'proj',
    )
    expect(o).toMatchObject({
      name: 'lab',
      namespace: 'proj',
      image: 'my-nb:latest',
      volumeSize: '1G',
      accessMode: 'ReadWriteMany',
      storageClass: 'gp3-csi',
      mountPath: '/data',
      env: [
        {name: 'A', value: '1'},
        {name: 'B', value: '2'},
      ],
      memory: '2Gi',
      cpu: '500m',
      hostname: 'lab.apps.example.com',
      insecurePolicy: 'Allow',
      serviceAccount: 'notebooks',
      workload: 'DeploymentConfig',
      keepAnyuid: true,
      password: 'rotate',
    })
  })

  it('--build builds the stream of --image, with its tag as output', () => {
    const o = parseDeployOptions({}, {build: true, image: 'custom:v1'}, 'proj')
    expect(o.build).toMatchObject({name: 'custom', outputTag: 'v1', namespace: 'proj'})
  })

  it.each([
    [{name: 'Bad_Name'}, {}, 'NAME "Bad_Name"'],
    [{}, {'volume-size': '1GB'}, '--volume-size "1GB": not a Kubernetes quantity'],
    [{}, {'volume-size': '-1Gi'}, '--volume-size "-1Gi": must not be negative'],
    [{}, {env: ['1X=y']}, '--env "1X=y"'],
    [{}, {'mount-path': 'rel/path'}, '--mount-path "rel/path": must be an absolute path'],
    [
      {},
      {'access-mode': 'ReadOnlyMany'},
      '--access-mode "ReadOnlyMany": must be one of ReadWriteOnce, ReadWriteOncePod, ReadWriteMany',
    ],
    [{}, {'insecure-policy': 'Deny'}, '--insecure-policy "Deny"'],
    [{}, {memory: 'lots'}, '--memory "lots"'],
    [{}, {cpu: '0'}, '--cpu "0"'],
    [{}, {hostname: 'bad host'}, '--hostname'],
    [{}, {image: 'quay.io/X/y:1'}, '--image "quay.io/X/y:1": not an image reference'],
    [{}, {image: 'quay.io/x/y:1', build: true}, '--build builds an image stream of this project'],
    [{}, {'service-account': 'Bad'}, '--service-account "Bad"'],
    [{}, {'storage-class': 'Fast_SSD'}, '--storage-class "Fast_SSD"'],
    [
      {},
      {'password-from-stdin': true, 'rotate-password': true},
      '--password-from-stdin and --rotate-password cannot be combined',
    ],
  ])('rejects %j %j', (args, flags, message) => {
    expectUsage(() => parseDeployOptions(args, flags), message)
  })

  it('--password-from-stdin selects stdin', () => {
    expect(parseDeployOptions({}, {'password-from-stdin': true}).password).toBe('stdin')
  })
})

describe('parseImageStreamOptions', () => {
  it('defaults to the builder name', () => {
    expect(parseImageStreamOptions({}, {}, {dryRun: 'none'})).toEqual({
      name: 's2i-minimal-notebook',
      apply: false,
    })
    expect(
      parseImageStreamOptions({name: 'b'}, {apply: true}, {dryRun: 'server', namespace: 'openshift'}),
    ).toEqual({
      name: 'b',
      namespace: 'openshift',
      apply: true,
    })
  })
  it('refuses --dry-run=server without --apply and bad names', () => {
    expectUsage(() => parseImageStreamOptions({}, {}, {dryRun: 'server'}), '--dry-run=server needs --apply')
    expect(() => parseImageStreamOptions({name: 'X'}, {}, {dryRun: 'none'})).toThrow(UsageError)
  })
})

import {describe, expect, it} from 'vitest'

import {commandArgsFromOptions} from '../../../src/lib/image-build/command.js'
import {diagnoseBuildLog, remedyForReason} from '../../../src/lib/image-build/known-failures.js'
import {parseBuildOptions} from '../../../src/lib/values/build-options.js'

const argsOf = (args: Record<string, string>, flags: Record<string, unknown>, ns = 'myproject') =>
  commandArgsFromOptions(parseBuildOptions(args, flags), ns)

const LIBAV = [
  'STEP 3/9: RUN apt-get update && apt-get install -y libav-tools rsync',
  'Reading package lists...',
  'Package libav-tools is not available, but is referred to by another package.',
  "E: Package 'libav-tools' has no installation candidate",
  'error: build error: exit status 100',
]

describe('diagnoseBuildLog', () => {
  it("recognises the branch's libav-tools break: the remedy builds it with oc-jupyter's Dockerfile", () => {
    const d = diagnoseBuildLog(LIBAV, argsOf({}, {'upstream-dockerfile': true}))
    expect(d?.id).toBe('upstream-libav-tools')
    expect(d?.evidence).toBe("E: Package 'libav-tools' has no installation candidate")
    expect(d?.explanation).toContain("the branch's own Dockerfile")
    expect(d?.remedies).toEqual(['oc jupyter build -n myproject'])
  })

  it('keeps the other choices of the failed build in the remedy', () => {
    const d = diagnoseBuildLog(
      LIBAV,
      argsOf(
        {name: 'mynb'},
        {
          'upstream-dockerfile': true,
          ref: 'master',
          'build-memory': '3Gi',
          'base-image': 'quay.io/jupyter/scipy-notebook:2025-12-31',
        },
        'p',
      ),
    )
    expect(d?.remedies).toEqual([
      'oc jupyter build mynb --ref master --base-image quay.io/jupyter/scipy-notebook:2025-12-31 --build-memory 3Gi -n p',
    ])
  })

  it("another repository's libav-tools: says to replace it, and offers the recipe's branch repaired", () => {
    const d = diagnoseBuildLog(
      ['E: Unable to locate package libav-tools'],
      argsOf({name: 'nb'}, {repo: 'https://github.com/me/fork.git'}),
    )
    expect(d?.explanation).toContain('replace it with ffmpeg')
    expect(d?.remedies).toEqual(['oc jupyter build nb -n myproject'])
  })

  it('no remedy carries a placeholder or --ref master', () => {
    for (const flags of [{}, {'upstream-dockerfile': true}, {repo: 'https://example.com/x/y.git'}]) {
      for (const line of [LIBAV[3], 'toomanyrequests: rate limit', 'manifest unknown', 'OOMKilled']) {
        const d = diagnoseBuildLog([line], argsOf({}, flags))
        for (const r of d?.remedies ?? []) {
          expect(r).not.toMatch(/YOUR-|ORG|BRANCH|--ref master/)
        }
      }
    }
  })

  it('a rate limit moves a Docker Hub base to the pinned quay.io image', () => {
    const d = diagnoseBuildLog(
      ['toomanyrequests: You have reached your pull rate limit.'],
      argsOf({name: 'mynb'}, {'base-image': 'jupyter/minimal-notebook'}, 'p'),
    )
    expect(d?.remedies).toEqual(['oc jupyter build mynb -n p'])
  })

  it('returns undefined for an unknown failure', () => {
    expect(diagnoseBuildLog(['error: something else broke'], argsOf({}, {}))).toBeUndefined()
  })

  it('prefers the last matching line', () => {
    const d = diagnoseBuildLog(
      ['manifest unknown', 'E: Unable to locate package libav-tools'],
      argsOf({}, {}),
    )
    expect(d?.id).toBe('upstream-libav-tools')
  })

  it('a missing ref of the default repository goes back to the default branch', () => {
    const d = diagnoseBuildLog(
      ["fatal: couldn't find remote ref nosuch"],
      argsOf({}, {ref: 'nosuch', 'build-memory': '2Gi'}),
    )
    expect(d?.remedies).toEqual(['oc jupyter build --build-memory 2Gi -n myproject'])
  })
})

describe('remedyForReason', () => {
  it('maps OutOfMemoryKilled to twice the build memory', () => {
    expect(remedyForReason('OutOfMemoryKilled', argsOf({}, {}))).toBe(
      'oc jupyter build --build-memory 2Gi --rebuild -n myproject',
    )
    expect(remedyForReason('OutOfMemoryKilled', argsOf({}, {'build-memory': '1536Mi'}))).toBe(
      'oc jupyter build --build-memory 3Gi --rebuild -n myproject',
    )
  })
  it('has nothing for an unknown reason', () => {
    expect(remedyForReason('GenericBuildFailed', argsOf({}, {}))).toBeUndefined()
  })
})

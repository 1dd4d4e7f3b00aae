import {describe, expect, it} from 'vitest'

import {diagnoseBuildLog, remedyForReason} from '../../../src/lib/image-build/known-failures.js'

const ctx = {name: 's2i-minimal-notebook', namespace: 'myproject'}

describe('diagnoseBuildLog', () => {
  it("recognises the upstream branch's libav-tools break and offers working sources", () => {
    const d = diagnoseBuildLog(
      [
        'STEP 3/9: RUN apt-get update && apt-get install -y libav-tools rsync',
        'Reading package lists...',
        "E: Package 'libav-tools' has no installation candidate",
        'error: build error: exit status 100',
      ],
      ctx,
    )
    expect(d?.id).toBe('upstream-libav-tools')
    expect(d?.evidence).toBe("E: Package 'libav-tools' has no installation candidate")
    expect(d?.remedies).toEqual([
      'oc jupyter build --ref master -n myproject',
      'oc jupyter build --repo https://github.com/YOUR-ORG/s2i-minimal-notebook --ref YOUR-BRANCH -n myproject',
      'oc jupyter build --base-image quay.io/jupyter/minimal-notebook:latest --repo https://github.com/YOUR-ORG/s2i-minimal-notebook -n myproject',
    ])
  })

  it('names a non-default build in the suggested command', () => {
    const d = diagnoseBuildLog(['toomanyrequests: You have reached your pull rate limit.'], {
      name: 'mynb',
      namespace: 'p',
    })
    expect(d?.remedies).toEqual([
      'oc jupyter build mynb --base-image quay.io/jupyter/minimal-notebook:latest -n p',
    ])
  })

  it('returns undefined for an unknown failure', () => {
    expect(diagnoseBuildLog(['error: something else broke'], ctx)).toBeUndefined()
  })

  it('prefers the last matching line', () => {
    const d = diagnoseBuildLog(['manifest unknown', 'E: Unable to locate package libav-tools'], ctx)
    expect(d?.id).toBe('upstream-libav-tools')
  })
})

describe('remedyForReason', () => {
  it('maps OutOfMemoryKilled to more build memory', () => {
    expect(remedyForReason('OutOfMemoryKilled', ctx)).toBe(
      'oc jupyter build --build-memory 2Gi --rebuild -n myproject',
    )
  })
  it('has nothing for an unknown reason', () => {
    expect(remedyForReason('GenericBuildFailed', ctx)).toBeUndefined()
  })
})

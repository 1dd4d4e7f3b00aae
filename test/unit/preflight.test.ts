import {describe, expect, it} from 'vitest'

import {CliError} from '../../src/lib/errors.js'
import {parseUidBlock, requireUidRange} from '../../src/lib/preflight.js'

describe('parseUidBlock', () => {
  it('reads START/SIZE', () => {
    expect(parseUidBlock('1000040000/10000')).toEqual({start: 1000040000, size: 10000, end: 1000049999})
  })
  it('reads START-END and takes the first of several blocks', () => {
    expect(parseUidBlock('1000-1999,5000/10')).toEqual({start: 1000, size: 1000, end: 1999})
  })
  it.each(['', 'abc', '10/0', '20-10', '1000040000'])('rejects %j', v => {
    expect(parseUidBlock(v)).toBeUndefined()
  })
})

describe('requireUidRange', () => {
  const project = (annotations?: Record<string, string>) => ({
    apiVersion: 'project.openshift.io/v1',
    kind: 'Project',
    metadata: {name: 'p', annotations},
  })
  it('returns the block', () => {
    expect(requireUidRange(project({'openshift.io/sa.scc.uid-range': '1000040000/10000'})).start).toBe(
      1000040000,
    )
  })
  it('explains a namespace without the annotation', () => {
    const err = (() => {
      try {
        requireUidRange(project())
      } catch (e) {
        return e as CliError
      }
    })()
    expect(err?.exitCode).toBe(1)
    expect(err?.message).toContain('has no openshift.io/sa.scc.uid-range annotation')
    expect(err?.hint).toContain('oc new-project')
  })
  it('explains a malformed annotation', () => {
    expect(() => requireUidRange(project({'openshift.io/sa.scc.uid-range': 'x'}))).toThrow(/malformed/)
  })
})

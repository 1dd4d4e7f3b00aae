import {describe, expect, it} from 'vitest'

import {parseContextDir, parseMountPath} from '../../../src/lib/values/path.js'
import {expectUsage} from './helpers.js'

describe('parseMountPath', () => {
  it.each([
    ['/home/jovyan/volume', '/home/jovyan/volume'],
    ['/data', '/data'],
    ['/home/jovyan//volume/', '/home/jovyan/volume'],
    ['/a/./b', '/a/b'],
  ])('accepts %s as %s', (text, want) => expect(parseMountPath(text)).toBe(want))

  it.each([
    ['rel/path', 'must be an absolute path'],
    ['volume', 'must be an absolute path'],
    ['/home/../etc', "must not contain '..'"],
    ['/data:/mnt', "must not contain ':'"],
    ['/', 'must not be /'],
    ['//', 'must not be /'],
    ['/a\nb', 'must not contain control characters'],
  ])('rejects %j (%s)', (text, why) => {
    expectUsage(() => parseMountPath(text), `--mount-path ${JSON.stringify(text)}: ${why}`)
  })
})

describe('parseContextDir', () => {
  it.each([
    ['notebooks', 'notebooks'],
    ['./notebooks/', 'notebooks'],
    ['a/b', 'a/b'],
  ])('accepts %s', (text, want) => expect(parseContextDir(text)).toBe(want))
  it.each(['/abs', '../up', 'a/../../b', '', '.'])('rejects %j', text => {
    expectUsage(() => parseContextDir(text), '--context-dir')
  })
})

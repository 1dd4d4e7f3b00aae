import {describe, expect, it} from 'vitest'

import {
  SETGID,
  applyMode,
  bit,
  formatMode,
  groupWritable,
  knownMode,
  parseMode,
  type Mode,
} from '../../../../src/lib/doctor/dockerfile/modes.js'

const apply = (mode: string, from: Mode = knownMode(0o755)) => {
  const spec = parseMode(mode)
  if (!spec) throw new Error(`not a mode: ${mode}`)
  return applyMode(from, spec)
}

describe('chmod modes', () => {
  it.each([
    ['g+w', true],
    ['g=u', true],
    ['g+rwX', true],
    ['ug+rwx', true],
    ['a+rwX', true],
    ['u+rwx,g+rwx,o-w', true],
    ['775', true],
    ['2775', true],
    ['g=rx', false],
    ['g-w', false],
    ['755', false],
    ['o+w', false],
    // no class given: the umask (022) protects group and other write
    ['+w', false],
    ['a+w', true],
  ])('%s on a 755 directory leaves group write %s', (mode, writable) => {
    expect(groupWritable(apply(mode))).toBe(writable)
  })

  it('g=u copies the owner bits, unknown when the owner bits are unknown', () => {
    expect(formatMode(apply('g=u', knownMode(0o700)))).toBe('rwxrwx---')
    expect(groupWritable(apply('g=u', {known: 0, value: 0}))).toBeUndefined()
  })

  it('X adds execute to directories; setgid with g+s and 2775; numeric modes keep a directory setgid', () => {
    expect(formatMode(apply('g+rwX', knownMode(0o700)))).toBe('rwxrwx---')
    expect(bit(apply('g+s'), SETGID)).toBe(true)
    expect(bit(apply('2775'), SETGID)).toBe(true)
    expect(bit(apply('775', knownMode(0o2755)), SETGID)).toBe(true)
    expect(bit(apply('00775', knownMode(0o2755)), SETGID)).toBe(false)
    expect(bit(apply('+6000'), SETGID)).toBe(true)
  })

  it('partial knowledge: g+w makes group write known even when the rest is not', () => {
    expect(groupWritable(apply('g+w', {known: 0, value: 0}))).toBe(true)
    expect(groupWritable(apply('g-w', {known: 0, value: 0}))).toBe(false)
  })

  it('rejects what is not a mode', () => {
    for (const s of ['/etc/passwd', '-R', 'g+q', '8777', 'user']) expect(parseMode(s)).toBeUndefined()
  })
})

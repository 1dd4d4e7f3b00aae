import {describe, expect, it} from 'vitest'

import {Quantity, parseCpu, parseQuantity, parseSize} from '../../../src/lib/values/quantity.js'
import {expectUsage} from './helpers.js'

const bytes = (t: string) => parseSize(t, '--volume-size').value

describe('Quantity grammar (k8s.io/apimachinery resource.Quantity)', () => {
  it.each([
    ['1Gi', 2n ** 30n],
    ['1G', 10n ** 9n],
    ['500Mi', 500n * 2n ** 20n],
    ['1.5Gi', 3n * 2n ** 29n],
    ['1Ki', 1024n],
    ['2Ti', 2n * 2n ** 40n],
    ['1Ei', 2n ** 60n],
    ['1k', 1000n],
    ['1M', 10n ** 6n],
    ['3T', 3n * 10n ** 12n],
    ['1P', 10n ** 15n],
    ['1E', 10n ** 18n],
    ['1e3', 1000n],
    ['1E3', 1000n],
    ['12e6', 12n * 10n ** 6n],
    ['1024', 1024n],
    ['+1Gi', 2n ** 30n],
    ['.5Gi', 2n ** 29n],
    ['5.', 5n],
    ['0.1', 1n],
    ['500m', 1n],
  ])('%s = %s bytes (rounded up)', (text, value) => {
    expect(bytes(text)).toBe(value)
  })

  it.each(['1 GB', '1GB', '1gi', 'abc', '', 'Gi', '1.2.3Gi', '1Gi ', ' 1Gi', '1iB', '0x10', '1e', '1Zi'])(
    'rejects %j',
    text => {
      expectUsage(
        () => parseSize(text, '--volume-size'),
        `--volume-size ${JSON.stringify(text)}: not a Kubernetes quantity (use e.g. 1Gi, 500Mi or 1G)`,
      )
    },
  )

  it('rejects negative and zero sizes', () => {
    expectUsage(() => parseSize('-1Gi', '--volume-size'), '--volume-size "-1Gi": must not be negative')
    expectUsage(() => parseSize('0', '--volume-size'), 'must be greater than zero')
    expectUsage(() => parseSize('0Gi', '--memory'), '--memory "0Gi": must be greater than zero')
  })

  it('allows zero when the caller allows it', () => {
    expect(parseQuantity('0', {label: '--x', examples: 'e.g. 1'}).value).toBe(0n)
  })

  it('rejects values beyond int64', () => {
    expectUsage(() => parseSize('9Ei', '--volume-size'), 'too large')
    expectUsage(() => parseSize('1e30', '--volume-size'), 'too large')
    expect(parseSize('7Ei', '--volume-size').value).toBe(7n * 2n ** 60n)
  })

  it('keeps the text as given', () => {
    expect(parseSize('1G', '--volume-size').text).toBe('1G')
    expect(String(parseSize('1Gi', '--volume-size'))).toBe('1Gi')
  })

  it('compares exactly across suffixes (never shrink a PVC)', () => {
    const q = (t: string) => Quantity.tryParse(t) as Quantity
    expect(q('1Gi').compare(q('1G'))).toBe(1)
    expect(q('1G').compare(q('1Gi'))).toBe(-1)
    expect(q('1024Mi').compare(q('1Gi'))).toBe(0)
    expect(q('1000M').compare(q('1G'))).toBe(0)
    expect(q('1e9').compare(q('1G'))).toBe(0)
    expect(q('1.5Gi').compare(q('1536Mi'))).toBe(0)
    expect(q('1500m').compare(q('1.5'))).toBe(0)
    expect(q('999999999n').compare(q('1'))).toBe(-1)
  })
})

describe('parseCpu', () => {
  it.each(['500m', '1', '0.5', '2', '100m'])('accepts %s', t => {
    expect(parseCpu(t, '--cpu').text).toBe(t)
  })
  it('rejects zero, negative and words with the cpu examples', () => {
    expectUsage(() => parseCpu('0', '--cpu'), 'greater than zero')
    expectUsage(() => parseCpu('-1', '--cpu'), 'negative')
    expectUsage(
      () => parseCpu('two', '--cpu'),
      '--cpu "two": not a Kubernetes quantity (use e.g. 500m, 1 or 2)',
    )
  })
})

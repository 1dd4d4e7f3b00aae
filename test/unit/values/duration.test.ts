import {describe, expect, it} from 'vitest'

import {formatDuration, parseDuration} from '../../../src/lib/values/duration.js'
import {expectUsage} from './helpers.js'

describe('parseDuration (Go time.ParseDuration, as kubectl)', () => {
  it.each([
    ['30s', 30_000],
    ['2m', 120_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['1.5h', 5_400_000],
    ['0', 0],
    ['0s', 0],
    ['45', 45_000],
    ['1m30.5s', 90_500],
    ['100us', 1],
    ['1ns', 1],
    ['2h0m0s', 7_200_000],
  ])('%s = %d ms', (text, ms) => {
    expect(parseDuration(text, '--timeout').ms).toBe(ms)
  })

  it.each(['forever', '', '1d', '10 s', 's', '1h-5m', '5S', 'm5', '1.2.3s'])('rejects %j', text => {
    expectUsage(
      () => parseDuration(text, '--timeout'),
      `--timeout ${JSON.stringify(text)}: not a duration (use e.g. 30s, 2m, 1h30m or 0 for none)`,
    )
  })

  it('rejects negative durations', () => {
    expectUsage(
      () => parseDuration('-5s', '--request-timeout'),
      '--request-timeout "-5s": must not be negative',
    )
  })

  it('formats like Go for messages', () => {
    expect(formatDuration(150)).toBe('150ms')
    expect(formatDuration(2500)).toBe('2.5s')
    expect(formatDuration(5_400_000)).toBe('1h30m0s')
    expect(formatDuration(120_000)).toBe('2m0s')
  })
})

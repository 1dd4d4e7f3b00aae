import {describe, expect, it} from 'vitest'

import {normalizeArgv, parseGlobals, sniffOutput} from '../../src/base-command.js'
import {expectUsage} from './values/helpers.js'

const flags = (over: Record<string, unknown> = {}) =>
  ({
    'request-timeout': '0',
    timeout: '30m',
    output: 'text',
    'dry-run': 'none',
    quiet: false,
    'no-color': false,
    verbose: false,
    ...over,
  }) as Parameters<typeof parseGlobals>[0]

describe('normalizeArgv (bare --dry-run means client, as kubectl)', () => {
  it.each([
    [
      ['deploy', '--dry-run'],
      ['deploy', '--dry-run=client'],
    ],
    [
      ['deploy', '--dry-run', '-o', 'yaml'],
      ['deploy', '--dry-run=client', '-o', 'yaml'],
    ],
    [
      ['deploy', '--dry-run', 'mynb'],
      ['deploy', '--dry-run=client', 'mynb'],
    ],
    [
      ['deploy', '--dry-run', 'server'],
      ['deploy', '--dry-run', 'server'],
    ],
    [
      ['deploy', '--dry-run=none'],
      ['deploy', '--dry-run=none'],
    ],
    [
      ['deploy', '--', '--dry-run'],
      ['deploy', '--', '--dry-run'],
    ],
  ])('%j → %j', (argv, want) => {
    expect(normalizeArgv(argv)).toEqual(want)
  })
})

describe('sniffOutput (for errors before parsing)', () => {
  it.each([
    [['-o', 'json'], 'json'],
    [['-ojson'], 'json'],
    [['--output=yaml'], 'yaml'],
    [['--output', 'yaml'], 'yaml'],
    [['-o', 'xml'], 'text'],
    [['--', '-o', 'json'], 'text'],
    [[], 'text'],
  ])('%j → %s', (argv, want) => {
    expect(sniffOutput(argv)).toBe(want)
  })
})

describe('parseGlobals', () => {
  it('parses durations and keeps the namespace undefined unless given', () => {
    const g = parseGlobals(flags({'request-timeout': '30s', timeout: '1h30m'}))
    expect(g).toMatchObject({requestTimeoutMs: 30_000, timeoutMs: 5_400_000, output: 'text', dryRun: 'none'})
    expect(g.namespace).toBeUndefined()
    expect(parseGlobals(flags({namespace: 'proj'})).namespace).toBe('proj')
  })
  it('rejects bad durations and namespaces with the flag in the message', () => {
    expectUsage(() => parseGlobals(flags({timeout: 'forever'})), '--timeout "forever": not a duration')
    expectUsage(() => parseGlobals(flags({'request-timeout': '-1s'})), '--request-timeout')
    expectUsage(() => parseGlobals(flags({namespace: 'My_Project'})), '--namespace "My_Project"')
  })
})

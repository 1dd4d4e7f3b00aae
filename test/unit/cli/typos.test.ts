/**
 * Typos end in the house style (#13): an unknown command or flag is one `Error:` line with "did you
 * mean", a `Try:` line with the corrected command, exit 2 — not oclif's ` ›   Error: command statuz not
 * found`. The suggestions are kubectl's rule (distance <= 2 or a prefix).
 */
import {beforeAll, describe, expect, it} from 'vitest'

import {unknownFlagReport} from '../../../src/base-command.js'
import {replaceArg, shellLine, suggestionsFor} from '../../../src/lib/suggest.js'
import {ensureBuilt, run} from './cli.js'

beforeAll(ensureBuilt, 180_000)

describe('suggestions', () => {
  it('closest first; a prefix counts; far words do not', () => {
    expect(suggestionsFor('statuz', ['deploy', 'status', 'start'])).toEqual(['status'])
    expect(suggestionsFor('stat', ['start', 'status', 'stop', 'list'])).toEqual(['start', 'status', 'stop'])
    expect(suggestionsFor('dep', ['deploy', 'delete'])).toEqual(['deploy'])
    expect(suggestionsFor('frobnicate', ['deploy', 'status'])).toEqual([])
  })

  it('the command line comes back with the word replaced, quoted for a shell', () => {
    expect(replaceArg(['--volume-sise', '1Gi', '-n', 'x'], '--volume-sise', '--volume-size')).toEqual([
      '--volume-size',
      '1Gi',
      '-n',
      'x',
    ])
    expect(shellLine(['--env', 'A=b c', "it's"])).toBe(`--env 'A=b c' 'it'\\''s'`)
  })

  it('only an oclif NonExistentFlagsError is rewritten', () => {
    class NonExistentFlagsError extends Error {
      flags = ['--memroy=2Gi']
    }
    const flags = {memory: {}, cpu: {}, secret: {hidden: true}}
    expect(unknownFlagReport(new NonExistentFlagsError('x'), 'deploy', flags, ['--memroy=2Gi'])).toEqual({
      message: 'unknown flag --memroy for "oc jupyter deploy"; did you mean --memory?',
      hint: 'oc jupyter deploy --memory=2Gi',
    })
    expect(unknownFlagReport(new Error('x'), 'deploy', flags, [])).toBeUndefined()
  })
})

describe('the CLI', () => {
  it('an unknown command: did you mean, the corrected line, exit 2', async () => {
    const r = await run(['statuz', 'mynb', '-n', 'ds'])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(
      'Error: unknown command "statuz" for "oc jupyter"; did you mean "status"?\nTry: oc jupyter status mynb -n ds\n',
    )
    const none = await run(['frobnicate'])
    expect(none.code).toBe(2)
    expect(none.stderr).toBe('Error: unknown command "frobnicate" for "oc jupyter"\nTry: oc jupyter --help\n')
  })

  it('an unknown flag: did you mean, the corrected line, exit 2, nothing else', async () => {
    const r = await run(['deploy', '--volume-sise', '1Gi', '--dry-run=client'])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe(
      'Error: unknown flag --volume-sise for "oc jupyter deploy"; did you mean --volume-size?\nTry: oc jupyter deploy --volume-size 1Gi --dry-run=client\n',
    )
    // the printed line runs
    const fixed = await run(['deploy', '--volume-size', '1Gi', '--dry-run=client'])
    expect(fixed.code, fixed.stderr).toBe(0)
  })
})

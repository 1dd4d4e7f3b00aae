import {describe, expect, it} from 'vitest'

import {parseEnvPair, parseEnvPairs} from '../../../src/lib/values/env.js'
import {expectUsage} from './helpers.js'

describe('parseEnvPair', () => {
  it.each([
    ['A=1', {name: 'A', value: '1'}],
    ['JUPYTER_ENABLE_LAB=true', {name: 'JUPYTER_ENABLE_LAB', value: 'true'}],
    ['EMPTY=', {name: 'EMPTY', value: ''}],
    ['URL=http://x/?a=b', {name: 'URL', value: 'http://x/?a=b'}],
    ['my.var-name=x', {name: 'my.var-name', value: 'x'}],
    ['_X=1', {name: '_X', value: '1'}],
    ['-X=1', {name: '-X', value: '1'}],
  ])('accepts %s', (text, want) => {
    expect(parseEnvPair(text)).toEqual(want)
  })

  it('rejects a name starting with a digit, naming flag, pair and rule', () => {
    expectUsage(
      () => parseEnvPair('1X=y'),
      '--env "1X=y": invalid variable name "1X"',
      'not starting with a digit',
    )
  })
  it.each(['NOVALUE', '=x', 'A B=1', 'Ä=1', 'a/b=1'])('rejects %j', text => {
    expectUsage(() => parseEnvPair(text), '--env')
  })
  it('refuses the variables the CLI sets itself, saying which flag to use', () => {
    expectUsage(() => parseEnvPair('PERSISTENT_VOLUME_ROOTDIR=/x'), 'reserved', '--mount-path')
    expectUsage(() => parseEnvPair('JUPYTER_TOKEN=x'), 'reserved', '--password-from-stdin')
    expectUsage(() => parseEnvPair('JUPYTER_TOKEN_FILE=/x'), 'reserved', '--password-from-stdin')
  })
  it('refuses JUPYTER_NOTEBOOK_PASSWORD: the upstream run script crashes on it with Notebook 7', () => {
    expectUsage(() => parseEnvPair('JUPYTER_NOTEBOOK_PASSWORD=x'), 'notebook.auth', 'JUPYTER_TOKEN')
  })
})

describe('parseEnvPairs', () => {
  it('lets a later pair win, keeping the first position (env is a list keyed by name)', () => {
    expect(parseEnvPairs(['A=1', 'B=2', 'A=3'])).toEqual([
      {name: 'A', value: '3'},
      {name: 'B', value: '2'},
    ])
  })
  it('is empty for no flags', () => expect(parseEnvPairs([])).toEqual([]))
})

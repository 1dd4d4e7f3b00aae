import {describe, expect, it} from 'vitest'

import {
  INSTANCE_NAME_MAX,
  parseHostname,
  parseInstanceName,
  parseName,
  parseStreamName,
  toDnsLabel,
} from '../../../src/lib/values/name.js'
import {expectUsage} from './helpers.js'

describe('parseName', () => {
  it.each(['a', 'notebook', 'my-notebook-2', 'a'.repeat(63)])('accepts DNS-1123 label %s', v => {
    expect(parseName(v, {label: 'NAME', rule: 'dns1123-label'})).toBe(v)
  })
  it.each(['Bad_Name', 'UPPER', '-lead', 'trail-', 'a.b', '', 'a'.repeat(64), 'ünï'])(
    'rejects label %j',
    v => {
      expectUsage(() => parseName(v, {label: 'NAME', rule: 'dns1123-label'}), 'NAME')
    },
  )
  it('DNS-1035 (Service names) must start with a letter', () => {
    expect(parseName('nb1', {label: 'NAME', rule: 'dns1035-label'})).toBe('nb1')
    expectUsage(
      () => parseName('1nb', {label: 'NAME', rule: 'dns1035-label'}),
      'NAME "1nb"',
      'starting with a letter',
    )
  })
  it('subdomains allow dots and 253 characters', () => {
    const long = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`
    expect(long.length).toBe(253)
    expect(parseName(long, {label: '--storage-class', rule: 'dns1123-subdomain'})).toBe(long)
    expect(parseName('gp3-csi.example', {label: '--storage-class', rule: 'dns1123-subdomain'})).toBe(
      'gp3-csi.example',
    )
    expectUsage(
      () => parseName(`${long}x`, {label: '--storage-class', rule: 'dns1123-subdomain'}),
      '--storage-class',
    )
    expectUsage(() => parseName('a..b', {label: '--storage-class', rule: 'dns1123-subdomain'}))
  })
  it('says which flag, which value and which rule', () => {
    expectUsage(
      () => parseName('Bad_Name', {label: 'NAME', rule: 'dns1123-label'}),
      'NAME "Bad_Name": not a valid name (lowercase letters',
      'at most 63 characters',
    )
    expectUsage(() => parseName('', {label: 'NAME', rule: 'dns1123-label'}), 'must not be empty')
  })
})

describe('parseInstanceName', () => {
  it('keeps NAME-password a 63-character label', () => {
    expect(INSTANCE_NAME_MAX).toBe(54)
    const max = `n${'a'.repeat(53)}`
    expect(parseInstanceName(max)).toBe(max)
    expect(`${max}-password`.length).toBe(63)
    expectUsage(
      () => parseInstanceName(`${max}a`),
      'too long (55 characters, at most 54',
      '-password must stay a 63-character DNS label',
    )
  })
  it('is a Service name: DNS-1035', () => {
    expectUsage(() => parseInstanceName('1notebook'), 'NAME')
    expectUsage(() => parseInstanceName('Bad_Name'), 'NAME "Bad_Name"')
  })
})

describe('parseStreamName', () => {
  it('accepts labels and names the flag', () => {
    expect(parseStreamName('s2i-minimal-notebook')).toBe('s2i-minimal-notebook')
    expectUsage(() => parseStreamName('has.dot', '--image'), '--image "has.dot"')
  })
})

describe('toDnsLabel', () => {
  it.each([
    ['My_Notebooks', 'my-notebooks'],
    ['--a--b--', 'a-b'],
    ['repo.v2', 'repo-v2'],
    ['___', undefined],
    ['x'.repeat(80), 'x'.repeat(63)],
  ])('%s → %s', (input, out) => {
    expect(toDnsLabel(input)).toBe(out)
  })
})

describe('parseHostname', () => {
  it('accepts a fully qualified host', () => {
    expect(parseHostname('notebook.apps.example.com')).toBe('notebook.apps.example.com')
  })
  it.each([
    ['*.apps.example.com', 'wildcard'],
    ['localhost', 'fully qualified'],
    ['Notebook.example.com', 'not a valid name'],
    ['a_b.example.com', 'not a valid name'],
  ])('rejects %s', (v, why) => {
    expectUsage(() => parseHostname(v), '--hostname', why)
  })
})

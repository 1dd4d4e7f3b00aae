import {describe, expect, it} from 'vitest'

import {parseGitRef, parseGitUrl, repoName} from '../../../src/lib/values/git.js'
import {expectUsage} from './helpers.js'

describe('parseGitUrl', () => {
  it.each([
    [
      'https://github.com/getwarped/s2i-minimal-notebook',
      {uri: 'https://github.com/getwarped/s2i-minimal-notebook'},
    ],
    [
      'https://github.com/getwarped/s2i-minimal-notebook#s2i-assigned-uid',
      {uri: 'https://github.com/getwarped/s2i-minimal-notebook', ref: 's2i-assigned-uid'},
    ],
    ['https://example.com/r.git#dev', {uri: 'https://example.com/r.git', ref: 'dev'}],
    ['http://git.internal:8080/team/repo.git', {uri: 'http://git.internal:8080/team/repo.git'}],
    ['ssh://git@github.com/org/repo.git#v1.2.3', {uri: 'ssh://git@github.com/org/repo.git', ref: 'v1.2.3'}],
    ['git://example.org/repo', {uri: 'git://example.org/repo'}],
    ['git@github.com:org/repo.git', {uri: 'git@github.com:org/repo.git'}],
    ['git@github.com:org/repo.git#feature/x', {uri: 'git@github.com:org/repo.git', ref: 'feature/x'}],
    ['github.com:org/repo.git', {uri: 'github.com:org/repo.git'}],
    ['https://user@github.com/org/repo', {uri: 'https://user@github.com/org/repo'}],
    ['https://github.com/org/repo#0123abcd', {uri: 'https://github.com/org/repo', ref: '0123abcd'}],
  ])('accepts %s', (text, want) => {
    expect(parseGitUrl(text, '--repo')).toEqual(want)
  })

  it.each([
    ['', 'not a Git URL'],
    ['not a url', 'not a Git URL'],
    ['/local/path', 'not a Git URL'],
    ['./repo', 'not a Git URL'],
    ['file:///tmp/repo', 'unsupported scheme file:'],
    ['ftp://example.com/repo.git', 'unsupported scheme ftp:'],
    ['https://', 'not a Git URL'],
    ['https://github.com', 'not a Git URL'],
    ['x:y', 'not a Git URL'],
    ['https://github.com/org/repo#', 'the ref after # is empty'],
    ['https://github.com/org/repo#bad..ref', 'not a valid Git branch'],
    ['https://github.com/org/repo#-x', 'not a valid Git branch'],
    ['https://github.com/org/repo#a b', 'not a valid Git branch'],
  ])('rejects %j (%s)', (text, why) => {
    expectUsage(() => parseGitUrl(text, '--repo'), `--repo ${JSON.stringify(text)}`, why)
  })

  it('refuses credentials in the URL, which would be stored in the BuildConfig', () => {
    const err = expectUsage(
      () => parseGitUrl('https://me:token@github.com/org/repo', '--repo'),
      'use a source secret',
    )
    expect(err.hint).toContain('oc set build-secret')
  })
})

describe('parseGitRef', () => {
  it.each(['main', 'v1.0', 'feature/x', 'a1b2c3d', 'release-2024.01'])('accepts %s', r =>
    expect(parseGitRef(r, '--ref')).toBe(r),
  )
  it.each(['', 'a..b', '-x', 'x.lock', 'x/', 'a b', 'a~1', 'a^', 'a:b', 'a@{1}', 'a\\b', 'a*'])(
    'rejects %j',
    r => {
      expectUsage(() => parseGitRef(r, '--ref'), '--ref')
    },
  )
})

describe('repoName', () => {
  it.each([
    ['https://github.com/org/My_Notebooks.git', 'my-notebooks'],
    ['https://github.com/org/repo/', 'repo'],
    ['git@github.com:org/data-science.git', 'data-science'],
    ['git@host:repo.git', 'repo'],
    ['https://example.com/___.git', undefined],
  ])('%s → %s', (uri, name) => {
    expect(repoName(uri)).toBe(name)
  })
})

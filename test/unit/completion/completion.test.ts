import {execFileSync} from 'node:child_process'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {describe, expect, it} from 'vitest'

import {
  completionLines,
  completionNeed,
  completionScript,
  type CommandInfo,
} from '../../../src/lib/completion.js'

const commands: CommandInfo[] = [
  {
    id: 'deploy',
    aliases: [],
    notebookArg: true,
    flags: {
      'volume-size': {type: 'option'},
      output: {type: 'option', char: 'o', options: ['text', 'json', 'yaml']},
      namespace: {type: 'option', char: 'n'},
      kubeconfig: {type: 'option'},
      build: {type: 'boolean'},
      color: {type: 'boolean', allowNo: true},
      secret: {type: 'boolean', hidden: true},
    },
  },
  {id: 'list', aliases: ['ls'], notebookArg: false, flags: {namespace: {type: 'option', char: 'n'}}},
  {id: '__complete', aliases: [], notebookArg: false, flags: {}, hidden: true},
]

describe('completionNeed', () => {
  it('commands and aliases first, hidden ones never', () => {
    expect(completionNeed(commands, [''])).toEqual({kind: 'words', words: ['deploy', 'list', 'ls']})
    expect(completionNeed(commands, ['l'])).toEqual({kind: 'words', words: ['list', 'ls']})
    expect(completionNeed(commands, ['__'])).toEqual({kind: 'words', words: []})
  })

  it('flags by prefix, --no- forms for negatable ones, hidden flags never', () => {
    expect(completionNeed(commands, ['deploy', '--'])).toEqual({
      kind: 'words',
      words: ['--build', '--color', '--kubeconfig', '--namespace', '--no-color', '--output', '--volume-size'],
    })
    expect(completionNeed(commands, ['deploy', '--vo'])).toEqual({kind: 'words', words: ['--volume-size']})
  })

  it('flag values: options after the flag or after =, nothing for free text', () => {
    expect(completionNeed(commands, ['deploy', '-o', 'j'])).toEqual({kind: 'words', words: ['json']})
    expect(completionNeed(commands, ['deploy', '--output=y'])).toEqual({
      kind: 'words',
      words: ['--output=yaml'],
    })
    expect(completionNeed(commands, ['deploy', '--volume-size', ''])).toEqual({kind: 'words', words: []})
  })

  it('notebook names for the first argument, in the namespace and kubeconfig typed so far', () => {
    expect(completionNeed(commands, ['deploy', '-n', 'ds', '--kubeconfig=/k', 'l'])).toEqual({
      kind: 'notebooks',
      partial: 'l',
      cluster: {namespace: 'ds', kubeconfig: '/k'},
    })
    // a second argument is not a notebook; list takes none
    expect(completionNeed(commands, ['deploy', 'lab', ''])).toEqual({kind: 'words', words: []})
    expect(completionNeed(commands, ['list', ''])).toEqual({kind: 'words', words: []})
  })

  it('namespaces after -n / --namespace / --namespace=', () => {
    expect(completionNeed(commands, ['list', '-n', 'd'])).toMatchObject({kind: 'namespaces', partial: 'd'})
    expect(completionNeed(commands, ['deploy', '--namespace=d'])).toMatchObject({
      kind: 'namespaces',
      partial: 'd',
    })
  })

  it("answers in cobra's protocol: candidates, then :4 (no file completion)", () => {
    expect(completionLines(['a', 'b'])).toBe('a\nb\n:4\n')
    expect(completionLines([])).toBe(':4\n')
  })
})

describe('completionScript', () => {
  it('the bash script is valid bash and registers the program', () => {
    const script = completionScript('bash', 'oc-jupyter')
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ocj-compl-')), 'c.bash')
    writeFileSync(file, script)
    execFileSync('bash', ['-n', file])
    expect(script).toContain('complete -F _oc_jupyter oc-jupyter')
  })

  it('zsh and fish ask the same protocol and drop the directive', () => {
    expect(completionScript('zsh', 'oc-jupyter')).toContain(`oc-jupyter __complete "\${(@)words[2,CURRENT]}"`)
    expect(completionScript('zsh', 'oc-jupyter')).toContain('compdef _oc_jupyter oc-jupyter')
    expect(completionScript('fish', 'oc-jupyter')).toContain(`complete -c oc-jupyter -f -a '(__`)
    for (const shell of ['zsh', 'fish'] as const)
      expect(completionScript(shell, 'oc-jupyter')).toContain("'^:'")
  })
})

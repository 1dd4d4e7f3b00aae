/**
 * bin/run.js runs a known command from its own bundle (bin/command.js) instead of through oclif's
 * `execute`; both must behave the same. OC_JUPYTER_NO_FAST_PATH=1 sends everything through oclif:
 * every case below must print the same and exit the same both ways. And the compile cache that the
 * bundle loader keeps is an optimisation only: written on the first run, same output with or without.
 */
import {existsSync, mkdtempSync, readdirSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'

import {ensureBuilt, ROOT, run} from './cli.js'

beforeAll(ensureBuilt, 180_000)

const CASES: string[][] = [
  ['imagestream'],
  ['imagestream', 'lab', '-o', 'json'],
  ['build', '--dry-run=client', '-o', 'yaml'],
  ['build', '--dry-run', 'mine', '--repo', 'https://github.com/example/notebooks#main', '-o', 'json'],
  ['status', '--nope'],
  ['status', '-x'],
  ['status', '--timeout'],
  ['status', '--timeout', '5x'],
  ['status', '-n', 'Bad_NS'],
  ['deploy', '--output', 'foo'],
  ['deploy', 'a', 'b', 'c'],
  ['deploy', '--dry-run=client', '--memory', '1x'],
  ['delete'],
  ['doctor', '--dockerfile', '/nonexistent'],
  ['status'],
  ['password', '-o', 'yaml'],
  ['status', '--', '--help'],
  ['list'],
  ['list', '-o', 'wide'],
  ['stop', 'a', 'b'],
  ['start', '--timeout', '5x'],
  ['logs', '--tail', 'x'],
  ['logs', '-f', '--previous'],
  ['open', '--print'],
  // completion reads the commands' flags: from oclif.manifest.json in the bundle, from oclif's Config
  ['__complete', ''],
  ['__complete', 'deploy', '--vol'],
  ['__complete', 'deploy', '--auth', ''],
  ['__complete', 'logs', '-'],
  ['status', '--volume-sise', '1'],
]

describe('every command has a bundle of its own', () => {
  it('dist/commands.json names each src/commands/*.ts, and its bundle is there', async () => {
    const ids = readdirSync(join(ROOT, 'src', 'commands'))
      .filter(f => f.endsWith('.ts'))
      .map(f => f.replace(/\.ts$/, ''))
      .sort()
    expect(ids).toEqual(expect.arrayContaining(['list', 'logs', 'open', 'start', 'stop']))
    const bundled = JSON.parse(readFileSync(join(ROOT, 'dist', 'commands.json'), 'utf8')) as object
    expect(Object.keys(bundled).sort()).toEqual(ids)
    for (const id of ids) expect(existsSync(join(ROOT, 'dist', 'commands', `${id}.cjs`)), id).toBe(true)
  })
})

describe('a command from its bundle = the same command through oclif', () => {
  for (const args of CASES) {
    it(args.join(' '), async () => {
      const bundle = await run(args)
      const oclif = await run(args, {env: {OC_JUPYTER_NO_FAST_PATH: '1'}})
      expect(bundle).toEqual(oclif)
    })
  }
})

describe('compile cache', () => {
  it('the first run writes it, the next one uses it, the output is the same; NODE_DISABLE_COMPILE_CACHE writes none', async () => {
    const cacheHome = mkdtempSync(join(tmpdir(), 'ocj-compile-cache-'))
    const dir = join(cacheHome, 'oc-jupyter', 'compile-cache')
    const args = ['imagestream', '-o', 'json']
    const first = await run(args, {env: {XDG_CACHE_HOME: cacheHome}})
    expect(first.code).toBe(0)
    const files = readdirSync(dir)
    expect(files).toEqual([expect.stringMatching(/^imagestream-[0-9a-f]{32}-v\d+\.\d+\.\d+-\w+\.v8$/)])
    const second = await run(args, {env: {XDG_CACHE_HOME: cacheHome}})
    expect(second).toEqual(first)
    expect(readdirSync(dir)).toEqual(files)

    const noCache = mkdtempSync(join(tmpdir(), 'ocj-compile-cache-'))
    const third = await run(args, {env: {XDG_CACHE_HOME: noCache, NODE_DISABLE_COMPILE_CACHE: '1'}})
    expect(third).toEqual(first)
    expect(existsSync(join(noCache, 'oc-jupyter'))).toBe(false)
  })
})

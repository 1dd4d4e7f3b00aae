import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'

import {ROOT, ensureBuilt, run} from './cli.js'

beforeAll(ensureBuilt, 180_000)

/** The commands a user sees (not the hidden __complete of the completion scripts). */
const visibleIds = (): string[] =>
  Object.entries(
    JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')).commands as Record<
      string,
      {hidden?: boolean}
    >,
  )
    .filter(([, c]) => !c.hidden)
    .map(([id]) => id)
    .sort()
/** Our commands; `help` is oclif's own (bundled from @oclif/plugin-help, see scripts/build.mjs). */
const commandIds = (): string[] => visibleIds().filter(id => id !== 'help')

/** Each of these runs the CLI once or twice per command: minutes on 2 loaded cores, not seconds. */
const HELP_TIMEOUT = 120_000

describe('help', () => {
  it('lists every command at the root, as oc jupyter', async () => {
    const r = await run(['--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('$ oc jupyter [COMMAND]')
    for (const id of ['build', 'deploy', 'imagestream']) expect(commandIds()).toContain(id)
    for (const id of visibleIds()) expect(r.stdout).toMatch(new RegExp(`^  ${id} `, 'm'))
  })

  it(
    'every command has a description and at least one `oc jupyter ...` example',
    async () => {
      for (const id of commandIds()) {
        const r = await run([id, '--help'])
        expect(r.code, id).toBe(0)
        expect(r.stdout, id).toMatch(/^DESCRIPTION\n {2}\S/m)
        expect(r.stdout, id).toMatch(/^EXAMPLES\n/m)
        expect(r.stdout, id).toMatch(new RegExp(`^ {4}\\$ oc jupyter ${id}\\b`, 'm'))
        expect(r.stdout, id).toMatch(new RegExp(`^ {2}\\$ oc jupyter ${id} `, 'm'))
        expect(r.stdout, id).not.toContain('oc-jupyter ')
      }
    },
    HELP_TIMEOUT,
  )

  it(
    'the fast path prints exactly what oclif prints',
    async () => {
      for (const args of [['--help'], ['deploy', '--help'], ['help', 'build'], ['--version']]) {
        const fast = await run(args)
        const slow = await run(args, {env: {OC_JUPYTER_NO_FAST_PATH: '1'}})
        expect(fast.stdout, args.join(' ')).toBe(slow.stdout)
        expect(fast.code).toBe(0)
      }
    },
    HELP_TIMEOUT,
  )

  it('--version names the package', async () => {
    const r = await run(['--version'])
    expect(r.stdout).toMatch(/^oc-jupyter\/\d+\.\d+\.\d+ \S+ node-v\d+/)
  })
})

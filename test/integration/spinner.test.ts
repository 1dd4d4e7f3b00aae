/**
 * Progress on a terminal (#13): a rollout wait draws an ora spinner on a pseudo-terminal (util-linux
 * `script`) and leaves the plain step lines above it; without a terminal the same wait prints plain
 * lines only (no escape sequences, no spinner frames).
 */
import {spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import path from 'node:path'

import {beforeAll, describe, expect, test} from 'vitest'

import type {FakeOpenShift} from '../../fake-openshift/src/index.js'
import {kubeCacheDir, repoRoot, runCli} from './helpers/cli.js'
import {both, builderStream, fakes, project} from './helpers/notebook.js'

const start = fakes()
let fake: FakeOpenShift
beforeAll(async () => {
  fake = await start()
})

/** ora's default spinner ("dots") */
const FRAMES =
  /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] (Waiting for deployment "notebook" rollout|deployment "notebook" successfully rolled out|route "notebook" admitted)/

function runInTerminal(args: string[], kubeconfig: string): Promise<{code: number; out: string}> {
  const cli = [process.execPath, path.join(repoRoot, 'bin/run.js'), ...args].map(a => `'${a}'`).join(' ')
  // The pty of `script` reports no width until told: a terminal of 120 columns, as a user's.
  const command = `stty cols 120 rows 40; ${cli}`
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        KUBECONFIG: kubeconfig,
        KUBECACHEDIR: kubeCacheDir(kubeconfig),
        TERM: 'xterm-256color',
      },
    })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', d => (out += d))
    child.on('error', reject)
    child.on('close', code => resolve({code: code ?? -1, out}))
    child.stdin.end()
  })
}

const hasScript = existsSync('/usr/bin/script') || existsSync('/bin/script')

describe('progress', () => {
  test.skipIf(!hasScript)(
    'a terminal gets a spinner for the rollout wait (needs util-linux script)',
    async () => {
      const kc = project(fake, 'spin-tty', [builderStream()])
      const r = await runInTerminal(['deploy'], kc)
      expect(r.code, r.out).toBe(0)
      // colours and cursor moves out of the way
      const plain = r.out.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[a-zA-Z]`, 'g'), '')
      expect(plain).toMatch(FRAMES)
      expect(r.out).toContain('\u001B[?25l') // ora hides the cursor while it spins...
      expect(r.out).toContain('\u001B[?25h') // ...and shows it again
      expect(r.out).toContain('Created Deployment/notebook')
      expect(r.out).toContain('Notebook notebook is running at https://notebook-spin-tty.')
    },
  )

  test('without a terminal: plain lines only', async () => {
    const kc = project(fake, 'spin-pipe', [builderStream()])
    const r = await runCli(['deploy'], {kubeconfig: kc})
    expect(r.code, both(r)).toBe(0)
    expect(r.stderr).toContain('Created Deployment/notebook')
    expect(r.stderr).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/)
    expect(r.stderr).not.toContain('\u001B[')
  })
})

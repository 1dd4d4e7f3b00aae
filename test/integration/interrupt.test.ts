/**
 * Ctrl-C and SIGTERM (SPEC.md §Exit codes, src/lib/interrupt.ts): the real CLI, signalled while it
 * waits on the fake, exits 130 / 143 promptly with one line on what was done and what a re-run does;
 * the re-run converges. The fake steps its simulators on a timer, so a rollout or a build is in
 * progress (not finished) when the signal arrives.
 */
import {spawn} from 'node:child_process'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, test} from 'vitest'

import type {FakeOpenShift} from '../../fake-openshift/src/index.js'
import {assertBuilt, repoRoot, runCli} from './helpers/cli.js'
import {both, builderStream, fakes, pods, project} from './helpers/notebook.js'

const start = fakes()
const runJs = path.join(repoRoot, 'bin/run.js')

interface Signalled {
  code: number | null
  stderr: string
  /** from the signal to the process's exit */
  ms: number
}

/** Runs the CLI, sends `signal` once stderr matches `when` (or `when()` holds), and reports how it ended. */
function signalWhen(
  args: string[],
  kubeconfig: string,
  when: RegExp | (() => boolean),
  signal: NodeJS.Signals,
) {
  const reached = (stderr: string) => (typeof when === 'function' ? when() : when.test(stderr))
  assertBuilt()
  return new Promise<Signalled>((resolve, reject) => {
    const child = spawn(process.execPath, [runJs, ...args], {
      cwd: repoRoot,
      env: {PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', KUBECONFIG: kubeconfig},
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    let sentAt: number | undefined
    const guard = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${args.join(' ')}: never reached ${when}\n${stderr}`))
    }, 60_000)
    const check = () => {
      if (sentAt !== undefined || !reached(stderr)) return
      sentAt = performance.now()
      child.kill(signal)
    }
    const poll = setInterval(check, 20)
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d
      check()
    })
    child.on('error', reject)
    child.on('close', code => {
      clearTimeout(guard)
      clearInterval(poll)
      resolve({code, stderr, ms: sentAt === undefined ? NaN : performance.now() - sentAt})
    })
  })
}

/**
 * Generous on purpose: the CLI ends itself within 0.8 s of a signal (InterruptGuard, unit-tested with a
 * fake clock); this only catches a command that ignores the signal, not a slow machine.
 */
const PROMPT_MS = 5_000

/** Steps the fake's simulators while `work` runs (a manual-mode fake moves only when stepped). */
async function stepping<T>(fake: FakeOpenShift, work: Promise<T>): Promise<T> {
  const timer = setInterval(() => fake.sims.step(), 100)
  try {
    return await work
  } finally {
    clearInterval(timer)
  }
}

describe('interrupting deploy', () => {
  // No simulator steps until the test says so: the rollout cannot finish before the signal. The tests
  // of this block run one after the other, as each settles the whole fake.
  let fake: FakeOpenShift
  beforeAll(async () => {
    fake = await start({simulators: 'manual'})
  })

  test.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s during the rollout wait: exit %i, what is done, the re-run converges',
    async (sig, code) => {
      const ns = `int-${sig.toLowerCase()}`
      const kc = project(fake, ns, [builderStream()])
      fake.sims.settle() // the image stream imports its tag
      const r = await signalWhen(['deploy'], kc, /Waiting for deployment/, sig)
      expect(r.code, r.stderr).toBe(code)
      expect(r.ms).toBeLessThan(PROMPT_MS)
      const [error, tryLine] = r.stderr.trimEnd().split('\n').slice(-2)
      expect(error).toBe(
        `Error: interrupted (${sig}) while waiting for the rollout of notebook: every object is applied and the rollout goes on in the cluster`,
      )
      expect(tryLine).toBe(
        `Try: oc jupyter deploy notebook -n ${ns}   # changes nothing and waits again; or: oc jupyter status notebook -n ${ns}`,
      )
      // The rollout goes on without the CLI; the re-run changes nothing and waits for it.
      fake.sims.settle()
      const again = await runCli(['deploy'], {kubeconfig: kc})
      expect(again.code, both(again)).toBe(0)
      expect(again.stderr).toContain('Nothing changed.')
      expect(pods(fake, ns)).toHaveLength(1)
    },
  )

  test('SIGINT during the writes: exit 130 and the command to run again', async () => {
    const ns = 'int-apply'
    const kc = project(fake, ns, [builderStream()])
    fake.sims.settle() // the image stream imports its tag
    // The Route's apply hangs until the CLI gives up on it.
    fake.faults.delay('PATCH', `/apis/route.openshift.io/v1/namespaces/${ns}/routes/notebook`, 30_000, 1)
    const held = () =>
      fake.recorder.count({
        method: 'PATCH',
        path: `/apis/route.openshift.io/v1/namespaces/${ns}/routes/notebook`,
      }) > 0
    const r = await signalWhen(['deploy'], kc, held, 'SIGINT')
    expect(r.code, r.stderr).toBe(130)
    expect(r.ms).toBeLessThan(PROMPT_MS)
    expect(r.stderr.trimEnd().split('\n').slice(-2)).toEqual([
      'Error: interrupted (SIGINT): what the server answered stays applied; the same command run again completes it',
      'Try: oc jupyter deploy',
    ])
    const again = await stepping(fake, runCli(['deploy'], {kubeconfig: kc}))
    expect(again.code, both(again)).toBe(0)
    expect(again.stderr).toContain('Created Route/notebook')
  })
})

describe('--timeout bounds the whole command', () => {
  test.concurrent(
    'a write the server holds past --timeout: exit 5 at the deadline, not when the server answers',
    async () => {
      const fake = await start({simulators: 'manual'})
      const ns = 'deadline'
      const kc = project(fake, ns, [builderStream()])
      fake.sims.settle()
      fake.faults.delay('PATCH', `/apis/route.openshift.io/v1/namespaces/${ns}/routes/notebook`, 60_000, 1)
      const t0 = performance.now()
      const r = await runCli(['deploy', '--timeout', '3s'], {kubeconfig: kc, timeoutMs: 50_000})
      const ms = performance.now() - t0
      expect(r.code, both(r)).toBe(5)
      expect(r.stderr.trimEnd().split('\n').slice(-2)).toEqual([
        'Error: timed out after 3s (--timeout): what the server answered stays applied; the same command run again completes it',
        'Try: oc jupyter deploy --timeout 3s   # or with a longer --timeout',
      ])
      // Well before the server would have answered (60 s); generous for a loaded machine.
      expect(ms).toBeLessThan(30_000)
    },
  )
})

describe('interrupting build --follow', () => {
  let fake: FakeOpenShift
  let stepper: NodeJS.Timeout
  beforeAll(async () => {
    fake = await start({
      simulators: 'manual',
      simulatorOptions: {builds: [{match: {buildConfig: '*'}, hang: true, log: ['STEP 1/7: FROM base']}]},
    })
    stepper = setInterval(() => fake.sims.step(), 150)
  })
  afterAll(() => clearInterval(stepper))

  test('SIGINT while the log streams: exit 130, no second build on a re-run', async () => {
    const ns = 'int-build'
    const kc = project(fake, ns)
    const r = await signalWhen(['build', '--follow'], kc, /Build s2i-minimal-notebook-1: Running/, 'SIGINT')
    expect(r.code, r.stderr).toBe(130)
    expect(r.ms).toBeLessThan(PROMPT_MS)
    expect(r.stderr.trimEnd().split('\n').slice(-2)).toEqual([
      'Error: interrupted (SIGINT) while waiting for build s2i-minimal-notebook-1: it keeps running on the cluster',
      `Try: oc logs -f build/s2i-minimal-notebook-1 -n ${ns}   # follows it; a re-run of this command starts no second build`,
    ])
    const mark = fake.recorder.mark()
    const again = await runCli(['build', '--no-wait'], {kubeconfig: kc})
    expect(again.code, both(again)).toBe(0)
    const instantiates = fake.recorder
      .writes({since: mark, path: new RegExp(`/namespaces/${ns}/`)})
      .filter(w => w.path.endsWith('/instantiate'))
    expect(instantiates).toEqual([])
  })
})

import {EventEmitter} from 'node:events'

import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest'

import {ExitCode} from '../../src/lib/errors.js'
import {InterruptGuard, Interrupted, interruptedWhile, interruption} from '../../src/lib/interrupt.js'

/** A process stand-in: signals are emitted by the test, exit() is recorded. */
function fakeProcess() {
  const em = new EventEmitter() as EventEmitter & {
    exitCode?: number
    exits: number[]
    exit(code: number): never
  }
  em.exits = []
  em.exit = ((code: number) => {
    em.exits.push(code)
  }) as never
  return em
}

describe('InterruptGuard', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s aborts with exit %i, stops spinners first, and ends the process after the grace time',
    (sig, code) => {
      const proc = fakeProcess()
      const lines: string[] = []
      const order: string[] = []
      const guard = new InterruptGuard({
        proc,
        graceMs: 800,
        write: l => lines.push(l),
        onSignal: () => order.push(`spinners stopped, aborted=${guard.signal.aborted}`),
        fallbackLine: r => `Error: ${r.message}`,
      })
      proc.emit(sig)
      expect(order).toEqual(['spinners stopped, aborted=false'])
      expect(guard.signal.aborted).toBe(true)
      expect(interruption(guard.signal)?.exitCode).toBe(code)
      expect(proc.exitCode).toBe(code)
      vi.advanceTimersByTime(799)
      expect(proc.exits).toEqual([])
      vi.advanceTimersByTime(1)
      expect(proc.exits).toEqual([code])
      expect(lines).toEqual([`Error: interrupted (${sig})\n`])
    },
  )

  it('prints no fallback line when the command reported the interruption itself', () => {
    const proc = fakeProcess()
    const lines: string[] = []
    const guard = new InterruptGuard({proc, write: l => lines.push(l), fallbackLine: () => 'fallback'})
    proc.emit('SIGINT')
    guard.reported = true
    vi.advanceTimersByTime(1000)
    expect(lines).toEqual([])
    expect(proc.exits).toEqual([130])
  })

  it('a second signal ends the process at once, with the first signal’s code', () => {
    const proc = fakeProcess()
    new InterruptGuard({proc, write: () => {}, fallbackLine: () => ''})
    proc.emit('SIGINT')
    proc.emit('SIGTERM')
    expect(proc.exits).toEqual([130])
  })

  it('dispose removes its handlers and its timer', () => {
    const proc = fakeProcess()
    const guard = new InterruptGuard({proc, write: () => {}, fallbackLine: () => ''})
    guard.dispose()
    expect(proc.listenerCount('SIGINT') + proc.listenerCount('SIGTERM')).toBe(0)
  })
})

describe('interruptedWhile', () => {
  it('words what was done and what the re-run does, with the signal’s exit code', () => {
    const ctl = new AbortController()
    ctl.abort(new Interrupted('SIGTERM'))
    const e = interruptedWhile(ctl.signal, 'waiting for build b-1', {
      done: 'it keeps running on the cluster',
      again: 'oc logs -f build/b-1 -n p',
      againDoes: 'follows it',
    })
    expect(e.message).toBe(
      'interrupted (SIGTERM) while waiting for build b-1: it keeps running on the cluster',
    )
    expect(e.exitCode).toBe(ExitCode.Terminated)
    expect(e.hint).toBe('oc logs -f build/b-1 -n p   # follows it')
  })

  it('an abort for another reason (a deadline) is not an interruption', () => {
    const ctl = new AbortController()
    ctl.abort(new Error('timeout'))
    expect(interruption(ctl.signal)).toBeUndefined()
  })
})

/**
 * The one interrupt path (SPEC.md §Exit codes: 130 on SIGINT, 143 on SIGTERM).
 *
 * A signal aborts the command's AbortSignal with an `Interrupted` reason: every request in flight is
 * destroyed (the client carries the signal), every wait stops and words what was done and what a
 * re-run does (`interruptedWhile`). Every write is an idempotent apply, so a re-run of the same
 * command completes the work. A command that does not end by itself within `graceMs` is ended by
 * the guard with the signal's exit code and a generic line; a second signal ends it at once.
 */
import {CliError, ExitCode} from './errors.js'

export type StopSignal = 'SIGINT' | 'SIGTERM'

/** 128 + the signal number, as shells report a process killed by it. */
export const SIGNAL_EXIT: Readonly<Record<StopSignal, ExitCode>> = {
  SIGINT: ExitCode.Interrupted,
  SIGTERM: ExitCode.Terminated,
}

/** The abort reason when the user stops the command. */
export class Interrupted extends CliError {
  readonly signal: StopSignal
  constructor(signal: StopSignal) {
    super(`interrupted (${signal})`, SIGNAL_EXIT[signal])
    this.name = 'Interrupted'
    this.signal = signal
  }
}

/** The Interrupted reason of an aborted signal, if that is why it was aborted. */
export function interruption(signal: AbortSignal | undefined): Interrupted | undefined {
  return signal?.aborted && signal.reason instanceof Interrupted ? signal.reason : undefined
}

/**
 * The one wording of an interrupted wait: `interrupted (SIGINT) while DOING: DONE` and a `Try:` line
 * with the command that picks up where this one stopped and what it does.
 */
export function interruptedWhile(
  signal: AbortSignal | undefined,
  doing: string,
  what: {done: string; again: string; againDoes?: string},
): CliError {
  const reason = interruption(signal)
  const exitCode = reason?.exitCode ?? ExitCode.Interrupted
  const head = reason?.message ?? 'interrupted'
  return new CliError(`${head} while ${doing}: ${what.done}`, exitCode, {
    hint: what.againDoes ? `${what.again}   # ${what.againDoes}` : what.again,
  })
}

/** What the guard needs of `process` (a stand-in in tests). */
export interface SignalSource {
  on(event: StopSignal, listener: () => void): unknown
  removeListener(event: StopSignal, listener: () => void): unknown
  exit(code: number): void
  exitCode?: number | string | null
}

export interface GuardOptions {
  /** Called once on the first signal, before anything else (stop spinners). */
  onSignal?: (signal: StopSignal) => void
  /** The line printed when the command has not ended `graceMs` after the signal. */
  fallbackLine: (reason: Interrupted) => string
  /** How long a command may take to wind down after the signal (SPEC: ends within 1 s). */
  graceMs?: number
  /** For tests: the process to listen on and to end. */
  proc?: SignalSource
  write?: (line: string) => void
}

/** Abort on SIGINT/SIGTERM, exit with the signal's code no later than `graceMs` afterwards. */
export class InterruptGuard {
  readonly controller = new AbortController()
  private readonly opts: GuardOptions
  private readonly proc: SignalSource
  private readonly handlers = new Map<StopSignal, () => void>()
  private timer?: NodeJS.Timeout
  /** The command printed its own account of the interruption: the fallback line is not needed. */
  reported = false

  constructor(opts: GuardOptions) {
    this.opts = opts
    this.proc = opts.proc ?? process
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      const handler = () => this.fire(sig)
      this.handlers.set(sig, handler)
      this.proc.on(sig, handler)
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal
  }

  private fire(sig: StopSignal): void {
    const reason = interruption(this.signal)
    if (reason) {
      // A second signal: the user means it.
      this.proc.exit(reason.exitCode)
      return
    }
    const now = new Interrupted(sig)
    this.proc.exitCode = now.exitCode
    this.opts.onSignal?.(sig)
    this.controller.abort(now)
    this.timer = setTimeout(() => {
      const write = this.opts.write ?? ((l: string) => process.stderr.write(l))
      if (!this.reported) write(`${this.opts.fallbackLine(now)}\n`)
      this.proc.exit(now.exitCode)
    }, this.opts.graceMs ?? 800)
    // The timer must not keep a command that has ended alive.
    this.timer.unref?.()
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer)
    for (const [sig, h] of this.handlers) this.proc.removeListener(sig, h)
  }
}

/**
 * One error type for the whole CLI. Every failure that reaches the user is a CliError carrying the
 * exit code of SPEC.md §Exit codes and, where one exists, the command that fixes it (`Try:` line).
 */
export const ExitCode = {
  Ok: 0,
  Failed: 1,
  Usage: 2,
  Unreachable: 3,
  Forbidden: 4,
  Timeout: 5,
  /** SIGINT (Ctrl-C): 128 + 2, as shells report it */
  Interrupted: 130,
  /** SIGTERM: 128 + 15 */
  Terminated: 143,
} as const
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

export class CliError extends Error {
  readonly exitCode: ExitCode
  /** A command the user can copy to fix or investigate the failure, printed as `Try: ...`. */
  readonly hint?: string
  /** Extra lines (log tail, evidence) printed after the message in text mode. */
  readonly details?: string[]

  constructor(
    message: string,
    exitCode: ExitCode,
    opts: {hint?: string; details?: string[]; cause?: unknown} = {},
  ) {
    super(message, opts.cause === undefined ? undefined : {cause: opts.cause})
    this.name = 'CliError'
    this.exitCode = exitCode
    this.hint = opts.hint
    this.details = opts.details
  }
}

/** Bad input: exit 2, raised before any request is sent. */
export class UsageError extends CliError {
  constructor(message: string, opts: {hint?: string} = {}) {
    super(message, ExitCode.Usage, opts)
    this.name = 'UsageError'
  }
}

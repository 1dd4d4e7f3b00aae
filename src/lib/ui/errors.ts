import {CliError, ExitCode} from '../errors.js'

/** An error reduced to what the user sees, in text or as `{"error": ...}` JSON. */
export interface ErrorReport {
  exitCode: ExitCode
  /** one line */
  message: string
  hint?: string
  details?: string[]
  /** only with --verbose / DEBUG */
  stack?: string
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
])

interface OclifLike {
  message: string
  code?: string
  oclif?: {exit?: number | false}
  parse?: unknown
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null

/** Collapses a multi-line message into one line, dropping oclif's "See more help" trailer. */
export function oneLine(message: string): string {
  return message
    .split('\n')
    .map(l => l.trim())
    .filter(l => l !== '' && !/^See more help with/.test(l))
    .join(' ')
}

/**
 * Maps any thrown value to an exit code and one line (SPEC.md §Exit codes). CliError carries its
 * own code; oclif's parse errors are usage errors (2); network-level failures that escaped the
 * cluster layer mean the cluster cannot be reached (3); anything else is a failure (1).
 */
export function describeError(err: unknown, opts: {verbose: boolean}): ErrorReport {
  const stack = opts.verbose && err instanceof Error ? err.stack : undefined
  const withStack = (r: ErrorReport): ErrorReport => (stack === undefined ? r : {...r, stack})
  if (err instanceof CliError) {
    return withStack({
      exitCode: err.exitCode,
      message: oneLine(err.message),
      ...(err.hint === undefined ? {} : {hint: err.hint}),
      ...(err.details === undefined || err.details.length === 0 ? {} : {details: err.details}),
    })
  }
  if (isObject(err) && typeof err.message === 'string') {
    const e = err as unknown as OclifLike
    if (e.parse !== undefined || (e.oclif !== undefined && e.oclif.exit === 2)) {
      return withStack({exitCode: ExitCode.Usage, message: oneLine(e.message)})
    }
    if (e.code !== undefined && NETWORK_CODES.has(e.code)) {
      return withStack({
        exitCode: ExitCode.Unreachable,
        message: `cannot reach the cluster: ${oneLine(e.message)}`,
      })
    }
    return withStack({exitCode: ExitCode.Failed, message: oneLine(e.message) || 'unexpected error'})
  }
  return withStack({exitCode: ExitCode.Failed, message: `unexpected error: ${String(err)}`})
}

export function errorJson(r: ErrorReport): {error: Omit<ErrorReport, 'stack'>} {
  const {stack: _stack, ...rest} = r
  return {error: rest}
}

import {UsageError} from '../errors.js'

/**
 * The one message shape for rejected input: `LABEL "VALUE": RULE`, where LABEL names the flag or
 * argument (`--volume-size`, `NAME`). One line, so it reads well after `Error:` and in JSON.
 */
export function invalid(label: string, value: string, rule: string, hint?: string): UsageError {
  return new UsageError(`${label} ${JSON.stringify(value)}: ${rule}`, hint === undefined ? {} : {hint})
}

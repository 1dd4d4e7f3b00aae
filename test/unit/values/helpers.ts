import {expect} from 'vitest'

import {UsageError} from '../../../src/lib/errors.js'

/** Expects fn to throw a one-line UsageError (exit 2) whose message matches all of `parts`. */
export function expectUsage(fn: () => unknown, ...parts: Array<string | RegExp>): UsageError {
  let caught: unknown
  try {
    fn()
  } catch (error) {
    caught = error
  }
  expect(caught, 'expected a UsageError').toBeInstanceOf(UsageError)
  const err = caught as UsageError
  expect(err.exitCode).toBe(2)
  expect(err.message).not.toContain('\n')
  for (const p of parts) {
    if (typeof p === 'string') expect(err.message).toContain(p)
    else expect(err.message).toMatch(p)
  }
  return err
}

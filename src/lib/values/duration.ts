import {invalid} from './invalid.js'

/**
 * A duration as Go's time.ParseDuration (and so kubectl's --request-timeout / --timeout) reads it:
 * a sequence of decimal numbers with units — `30s`, `2m`, `1h30m`, `500ms`, `1.5h` — or `0`.
 * Like kubectl, a bare integer means seconds. Negative durations are refused.
 */
const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
}
const WHOLE = /^(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g

export interface Duration {
  text: string
  /** milliseconds, rounded up (so `1ns` is not mistaken for "no timeout") */
  ms: number
}

export function parseDuration(text: string, label: string): Duration {
  const t = text.trim()
  if (/^\d+$/.test(t)) return {text, ms: Number(t) * 1000}
  if (t.startsWith('-')) throw invalid(label, text, 'must not be negative')
  if (!WHOLE.test(t)) throw invalid(label, text, 'not a duration (use e.g. 30s, 2m, 1h30m or 0 for none)')
  let ms = 0
  for (const [, n, unit] of t.matchAll(PART)) ms += Number(n) * UNIT_MS[unit]
  if (!Number.isFinite(ms)) throw invalid(label, text, 'too large')
  return {text, ms: Math.ceil(ms)}
}

/** Formats milliseconds the way Go prints durations (`1h30m0s`, `2.5s`, `150ms`), for messages. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`
  const h = Math.floor(ms / 3_600_000)
  const m = Math.floor((ms % 3_600_000) / 60_000)
  const s = (ms % 60_000) / 1000
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`
}

/**
 * Tolerant readers for the loosely typed objects the API returns: judges, status and doctor read
 * fields that may be absent or of an unexpected type, and must never throw on odd input.
 */
export type Rec = Record<string, unknown>

export const rec = (v: unknown): Rec =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : {}
export const arr = (v: unknown): Rec[] => (Array.isArray(v) ? v.map(rec) : [])
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
export const strs = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []
/** A count from status (replicas, restarts, versions): absent or not a finite number reads as 0. */
export const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0)

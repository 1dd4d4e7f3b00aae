import {invalid} from './invalid.js'

/**
 * One of a fixed set of values, matched case-insensitively and through aliases (`RWO`), returned
 * in its canonical spelling.
 */
export function parseChoice<T extends string>(
  text: string,
  label: string,
  choices: readonly T[],
  aliases: Record<string, T> = {},
): T {
  const lower = text.toLowerCase()
  const hit =
    choices.find(c => c.toLowerCase() === lower) ??
    Object.entries(aliases).find(([a]) => a.toLowerCase() === lower)?.[1]
  if (hit === undefined) throw invalid(label, text, `must be one of ${choices.join(', ')}`)
  return hit
}

/**
 * "Did you mean" for unknown commands and flags, as kubectl does it (cobra's SuggestionsFor: a
 * Levenshtein distance of at most 2, or the typed word as a prefix), with fastest-levenshtein for the
 * distance.
 */
import {distance} from 'fastest-levenshtein'

const MAX_DISTANCE = 2

/** The candidates close to `word`, closest first (ties in the candidates' order). */
export function suggestionsFor(word: string, candidates: Iterable<string>): string[] {
  const w = word.toLowerCase()
  const scored: Array<{c: string; d: number}> = []
  for (const c of candidates) {
    const d = distance(w, c.toLowerCase())
    if (d <= MAX_DISTANCE || (w.length >= 2 && c.toLowerCase().startsWith(w))) scored.push({c, d})
  }
  return scored.sort((a, b) => a.d - b.d).map(s => s.c)
}

/** `argv` with `from` replaced by `to` (the first occurrence); shellLine quotes it for printing. */
export function replaceArg(argv: readonly string[], from: string, to: string): string[] {
  const i = argv.indexOf(from)
  return i < 0 ? [...argv] : [...argv.slice(0, i), to, ...argv.slice(i + 1)]
}

/** Words of a command line as a user would type them back. */
export function shellLine(words: readonly string[]): string {
  return words.map(w => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ')
}

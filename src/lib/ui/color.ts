/**
 * Colour on or off, decided once: off with --no-color, with NO_COLOR set to anything non-empty
 * (no-color.org), with TERM=dumb, or when the stream is not a terminal.
 */
export interface Colors {
  enabled: boolean
  green(s: string): string
  yellow(s: string): string
  red(s: string): string
  bold(s: string): string
  dim(s: string): string
}

export function colorEnabled(opts: {noColor: boolean; isTTY: boolean; env?: NodeJS.ProcessEnv}): boolean {
  const env = opts.env ?? process.env
  if (opts.noColor || (env.NO_COLOR ?? '') !== '' || env.TERM === 'dumb') return false
  return opts.isTTY
}

export function colors(enabled: boolean): Colors {
  const wrap = (open: number, close: number) => (s: string) =>
    enabled ? `\u001B[${open}m${s}\u001B[${close}m` : s
  return {
    enabled,
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    red: wrap(31, 39),
    bold: wrap(1, 22),
    dim: wrap(2, 22),
  }
}

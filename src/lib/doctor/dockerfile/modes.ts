/**
 * File modes as far as a Dockerfile tells them: each of the 12 permission bits is known or not.
 * chmod's octal and symbolic modes (GNU coreutils semantics, umask 022 as in a RUN) are applied to
 * such a partial mode. Pure.
 */

/** `known`: which bits are known; `value`: their values (bits outside `known` are 0). */
export interface Mode {
  known: number
  value: number
}

export const SETUID = 0o4000
export const SETGID = 0o2000
const STICKY = 0o1000
const ALL = 0o7777
/** the umask of a RUN (Docker's default) */
export const UMASK = 0o022

export const UNKNOWN_MODE: Mode = {known: 0, value: 0}

export function knownMode(bits: number): Mode {
  return {known: ALL, value: bits & ALL}
}

/** true / false when known, undefined when not */
export function bit(mode: Mode, mask: number): boolean | undefined {
  if ((mode.known & mask) !== mask) return undefined
  return (mode.value & mask) === mask
}

export const groupWritable = (m: Mode) => bit(m, 0o020)
export const otherWritable = (m: Mode) => bit(m, 0o002)

interface Clause {
  /** the classes named: any of u g o (a = all three); empty = not given */
  who: string
  ops: Array<{op: '+' | '-' | '='; perms: string}>
}

export type ModeSpec =
  /** `op`: `+6000` / `-022` / `=755` (GNU: add, remove, or set exactly, clearing a directory's setgid) */
  | {kind: 'octal'; bits: number; digits: number; op?: '+' | '-' | '='; source: string}
  | {kind: 'symbolic'; clauses: Clause[]; source: string}

/** Parses a chmod MODE argument (`g+w`, `g=u`, `ug+rwX,o-w`, `+w`, `775`, `02775`); undefined if it is not one. */
export function parseMode(s: string): ModeSpec | undefined {
  if (/^[0-7]{1,5}$/.test(s)) return {kind: 'octal', bits: parseInt(s, 8), digits: s.length, source: s}
  const op = /^([-+=])([0-7]{1,5})$/.exec(s)
  if (op) return {kind: 'octal', bits: parseInt(op[2], 8), digits: 5, op: op[1] as '+' | '-' | '=', source: s}
  const clauses: Clause[] = []
  for (const part of s.split(',')) {
    const m = /^([ugoa]*)((?:[-+=](?:[ugo]|[rwxXst]*))+)$/.exec(part)
    if (!m) return undefined
    const who = m[1].includes('a') ? 'ugo' : m[1]
    const ops = [...m[2].matchAll(/([-+=])([ugo]|[rwxXst]*)/g)].map(o => ({
      op: o[1] as '+' | '-' | '=',
      perms: o[2],
    }))
    clauses.push({who, ops})
  }
  return clauses.length > 0 ? {kind: 'symbolic', clauses, source: s} : undefined
}

/** The rwx bits of the named classes. */
function classBits(who: string): number {
  return (who.includes('u') ? 0o700 : 0) | (who.includes('g') ? 0o070 : 0) | (who.includes('o') ? 0o007 : 0)
}

/** The bits of class `from` (u/g/o), copied onto every class, with their known-ness. */
function copyClass(mode: Mode, from: string): Mode {
  const shift = from === 'u' ? 6 : from === 'g' ? 3 : 0
  const v = (mode.value >> shift) & 7
  const k = (mode.known >> shift) & 7
  return {value: v * 0o111, known: k * 0o111}
}

/** Applies a chmod mode to a (partially known) mode; `isDir` decides X and directory special bits. */
export function applyMode(mode: Mode, spec: ModeSpec, isDir = true, umask = UMASK): Mode {
  if (spec.kind === 'octal' && spec.op === '+')
    return {known: mode.known | spec.bits, value: mode.value | spec.bits}
  if (spec.kind === 'octal' && spec.op === '-')
    return {known: mode.known | spec.bits, value: mode.value & ~spec.bits}
  if (spec.kind === 'octal') {
    // GNU chmod keeps a directory's setuid/setgid with a numeric mode of up to 4 digits
    // unless the digits set them (0 clears them only with 5 digits: 00755).
    const keep = isDir && spec.digits < 5 ? (SETUID | SETGID) & ~spec.bits : 0
    return {
      known: (ALL & ~keep) | (mode.known & keep),
      value: (spec.bits & ~keep) | (mode.value & keep),
    }
  }
  let m = {...mode}
  for (const clause of spec.clauses) {
    // no class named: as if `a`, but bits set in the umask are not affected (`chmod +w` is u+w under 022)
    const rwx = clause.who === '' ? 0o777 & ~umask : classBits(clause.who)
    const who = clause.who === '' ? 'ugo' : clause.who
    for (const {op, perms} of clause.ops) {
      let p: Mode
      if (/^[ugo]$/.test(perms)) {
        const c = copyClass(m, perms)
        p = {value: c.value & rwx, known: (c.known & rwx) | (ALL & ~rwx)}
      } else {
        let v = 0
        if (perms.includes('r')) v |= 0o444
        if (perms.includes('w')) v |= 0o222
        if (perms.includes('x') || (perms.includes('X') && (isDir || (m.value & 0o111) !== 0))) v |= 0o111
        v &= rwx
        if (perms.includes('s')) v |= (who.includes('u') ? SETUID : 0) | (who.includes('g') ? SETGID : 0)
        if (perms.includes('t') && who.includes('o')) v |= STICKY
        p = {value: v, known: ALL}
      }
      const sure1 = p.value & p.known
      const unsure = ~p.known & ALL
      if (op === '+') {
        m = {known: (m.known | sure1) & ~(unsure & ~(m.known & m.value)), value: m.value | sure1}
      } else if (op === '-') {
        const stillKnown = ~(unsure & ~(m.known & ~m.value)) & ALL
        m = {known: (m.known | sure1) & stillKnown, value: m.value & ~sure1 & stillKnown}
      } else {
        // `=`: the classes named get exactly these bits; a directory keeps setuid/setgid unless `s` is named
        let cleared = rwx
        if (perms.includes('s') || !isDir)
          cleared |= (who.includes('u') ? SETUID : 0) | (who.includes('g') ? SETGID : 0)
        m = {
          known: (m.known & ~cleared) | (p.known & cleared) | (p.value & ~cleared & ALL),
          value: (m.value & ~cleared) | (p.value & p.known & cleared) | (p.value & ~cleared),
        }
      }
      m.value &= m.known
    }
  }
  return m
}

/** True when applying the spec leaves group write on (for findings that ask "does this make it g+w?"). */
export function makesGroupWritable(spec: ModeSpec, before: Mode = knownMode(0o755)): boolean | undefined {
  return groupWritable(applyMode(before, spec))
}

export function formatMode(m: Mode): string {
  const ch = (mask: number, c: string) => {
    const b = bit(m, mask)
    return b === undefined ? '?' : b ? c : '-'
  }
  return [
    ch(0o400, 'r'),
    ch(0o200, 'w'),
    ch(0o100, 'x'),
    ch(0o040, 'r'),
    ch(0o020, 'w'),
    ch(0o010, 'x'),
    ch(0o004, 'r'),
    ch(0o002, 'w'),
    ch(0o001, 'x'),
  ].join('')
}

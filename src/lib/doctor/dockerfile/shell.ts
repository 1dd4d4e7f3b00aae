/**
 * Quote-aware word splitting and variable expansion, for the shell of a RUN (`/bin/sh -c`) and for
 * Docker's own word processing of ENV/ARG/USER/COPY/WORKDIR/EXPOSE arguments. Every word remembers
 * the Dockerfile line it came from, so a finding can point at the command inside a multi-line RUN.
 * Pure: no I/O; variables come from a lookup function.
 */

/** Text with the 1-based Dockerfile line of each character (continuations joined, heredocs cut out). */
export interface Src {
  text: string
  lines: number[]
}

export function src(text: string, line: number): Src {
  return {text, lines: Array.from(text, () => line)}
}

/**
 * A variable's value: a string when set, `null` when declared without a value (an ARG with no
 * default: empty unless a build arg sets it), `undefined` when unknown (perhaps set by an unknown
 * base image).
 */
export type VarValue = string | null | undefined
export type Lookup = (name: string) => VarValue

export interface Word {
  /** after quote removal and expansion */
  value: string
  line: number
  /** an expansion could not be resolved (unknown variable, command substitution, positional) */
  unresolved: boolean
}

export interface Command {
  words: Word[]
  /** line of the first word */
  line: number
  /** targets of `>`/`>>` redirections (files the command writes) */
  writes: Word[]
}

interface Options {
  /** shell mode: operators, redirections, comments; off for Docker's word processing */
  shell: boolean
  /** escape character: `\` (the shell always; Docker unless `# escape=`) */
  escape: string
}

class WordBuilder {
  value = ''
  started = false
  unresolved = false
  quoted = false
  line = 0
  start(line: number) {
    if (!this.started) {
      this.started = true
      this.line = line
    }
  }
  take(): Word | undefined {
    if (!this.started) return undefined
    // an unquoted expansion to nothing is no word at all
    const empty = this.value === '' && !this.quoted && !this.unresolved
    const w = {value: this.value, line: this.line, unresolved: this.unresolved}
    this.value = ''
    this.started = false
    this.unresolved = false
    this.quoted = false
    return empty ? undefined : w
  }
}

const NAME_START = /[A-Za-z_]/
const NAME_CHAR = /\w/
const SPECIAL_PARAM = /[0-9@*#?$!-]/

/** Index of the bracket closing the one opened just before `i` (nesting and quotes aware). */
function closing(text: string, i: number, open: string, close: string): number {
  let depth = 1
  for (let j = i; j < text.length; j++) {
    const c = text[j]
    if (c === '\\') {
      j++
      continue
    }
    if (c === "'") {
      const k = text.indexOf("'", j + 1)
      if (k < 0) return text.length
      j = k
      continue
    }
    if (c === open) depth++
    else if (c === close && --depth === 0) return j
  }
  return text.length
}

/** Expands `${...}` contents (the part between the braces). */
function expandBraced(inner: string, lookup: Lookup): {value: string; unresolved: boolean} {
  const m = /^([A-Za-z_]\w*)(?:(:?[-+=?])([\s\S]*))?$/.exec(inner)
  if (!m) return {value: '', unresolved: true} // ${#X}, ${X%pat}, ${X/a/b}, ${1}: not modelled
  const [, name, op, rest = ''] = m
  const v = lookup(name)
  const alt = () => expandText(rest, lookup)
  if (op === undefined)
    return v === undefined ? {value: '', unresolved: true} : {value: v ?? '', unresolved: false}
  const colon = op.startsWith(':')
  // ${X:-d} treats empty as unset; ${X-d} only unset. An unknown variable counts as unset: the
  // default is what the author expects without build args.
  const isSet = v !== undefined && v !== null && (!colon || v !== '')
  switch (op.at(-1)) {
    case '-':
    case '=':
      return isSet ? {value: v as string, unresolved: false} : alt()
    case '+':
      return isSet ? alt() : {value: '', unresolved: v === undefined}
    default: // ?: error when unset
      return isSet ? {value: v as string, unresolved: false} : {value: '', unresolved: true}
  }
}

/** Expands the variables of a string as inside double quotes (used for `${X:-default}` words). */
function expandText(text: string, lookup: Lookup): {value: string; unresolved: boolean} {
  const words = lex(src(text, 0), lookup, {shell: false, escape: '\\'}, true)
  const w = words[0]?.words[0]
  return {value: w?.value ?? '', unresolved: w?.unresolved ?? false}
}

/**
 * Splits into commands (shell mode: on `&& || ; | & ( )` and newlines) and words, removing quotes
 * and expanding `$X`, `${X}`, `${X:-d}`, `${X-d}`, `${X:+a}`, `${X+a}`. Command substitutions and
 * unknown variables leave the word `unresolved`. In shell mode redirections are taken out of the
 * words (their targets recorded), comments dropped, and `<<EOF` bodies inside the text skipped.
 * `whole`: the text is one word (whitespace kept), for expanding a default value.
 */
function lex(input: Src, lookup: Lookup, opts: Options, whole = false): Command[] {
  const {text, lines} = input
  const commands: Command[] = []
  let words: Word[] = []
  let writes: Word[] = []
  const w = new WordBuilder()
  let redirect: 'write' | 'read' | 'heredoc' | 'heredoc-tabs' | undefined
  const pendingHeredocs: Array<{delim: string; tabs: boolean}> = []
  const lineAt = (i: number) => lines[Math.min(i, lines.length - 1)] ?? 0

  const endWord = () => {
    const word = w.take()
    if (!word) return
    if (redirect === 'heredoc' || redirect === 'heredoc-tabs') {
      pendingHeredocs.push({delim: word.value, tabs: redirect === 'heredoc-tabs'})
    } else if (redirect === 'write') writes.push(word)
    else if (redirect === undefined) words.push(word)
    redirect = undefined
  }
  const endCommand = () => {
    endWord()
    if (words.length > 0 || writes.length > 0)
      commands.push({words, line: words[0]?.line ?? writes[0].line, writes})
    words = []
    writes = []
  }
  const dollar = (i: number, quoted: boolean): number => {
    // text[i] === '$'; returns the index after the expansion
    const next = text[i + 1]
    if (next === '{') {
      const end = closing(text, i + 2, '{', '}')
      const r = expandBraced(text.slice(i + 2, end), lookup)
      w.value += r.value
      w.unresolved ||= r.unresolved
      return end + 1
    }
    if (next === '(') {
      const end = closing(text, i + 2, '(', ')')
      w.unresolved = true
      return end + 1
    }
    if (next === "'" && !quoted) {
      // $'...': ANSI-C quoting, kept literally (escapes are rare in paths)
      const end = text.indexOf("'", i + 2)
      w.value += text.slice(i + 2, end < 0 ? text.length : end)
      return end < 0 ? text.length : end + 1
    }
    if (next !== undefined && NAME_START.test(next)) {
      let j = i + 1
      while (j < text.length && NAME_CHAR.test(text[j])) j++
      const v = lookup(text.slice(i + 1, j))
      if (v === undefined) w.unresolved = true
      else w.value += v ?? ''
      return j
    }
    if (next !== undefined && SPECIAL_PARAM.test(next)) {
      w.unresolved = true
      return i + 2
    }
    w.value += '$'
    return i + 1
  }

  let i = 0
  while (i < text.length) {
    const c = text[i]
    if (c === '\n') {
      if (whole) {
        w.start(lineAt(i))
        w.value += c
        i++
        continue
      }
      endCommand()
      i++
      // skip the bodies of heredocs opened on the line just ended
      for (const h of pendingHeredocs.splice(0)) {
        while (i < text.length) {
          const eol = text.indexOf('\n', i)
          const lineText = text.slice(i, eol < 0 ? text.length : eol)
          i = eol < 0 ? text.length : eol + 1
          if ((h.tabs ? lineText.replace(/^\t+/, '') : lineText) === h.delim) break
        }
      }
      continue
    }
    if ((c === ' ' || c === '\t' || c === '\r') && !whole) {
      endWord()
      i++
      continue
    }
    if (c === opts.escape) {
      if (text[i + 1] === '\n') {
        i += 2 // line continuation inside a heredoc script or sh -c string
        continue
      }
      w.start(lineAt(i))
      if (i + 1 < text.length) w.value += text[i + 1]
      i += 2
      continue
    }
    if (c === "'") {
      w.start(lineAt(i))
      w.quoted = true
      const end = text.indexOf("'", i + 1)
      w.value += text.slice(i + 1, end < 0 ? text.length : end)
      i = end < 0 ? text.length : end + 1
      continue
    }
    if (c === '"') {
      w.start(lineAt(i))
      w.quoted = true
      let j = i + 1
      while (j < text.length && text[j] !== '"') {
        const d = text[j]
        if (d === opts.escape && '$`"\\\n'.includes(text[j + 1] ?? '')) {
          if (text[j + 1] !== '\n') w.value += text[j + 1]
          j += 2
        } else if (d === '$') j = dollar(j, true)
        else if (d === '`' && opts.shell) {
          const end = text.indexOf('`', j + 1)
          w.unresolved = true
          j = end < 0 ? text.length : end + 1
        } else {
          w.value += d
          j++
        }
      }
      i = j + 1
      continue
    }
    if (c === '$') {
      w.start(lineAt(i))
      i = dollar(i, false)
      continue
    }
    if (opts.shell && !whole) {
      if (c === '`') {
        w.start(lineAt(i))
        const end = text.indexOf('`', i + 1)
        w.unresolved = true
        i = end < 0 ? text.length : end + 1
        continue
      }
      if (c === '#' && !w.started) {
        const eol = text.indexOf('\n', i)
        i = eol < 0 ? text.length : eol
        continue
      }
      if (c === '&' || c === '|' || c === ';' || c === '(' || c === ')') {
        if (c === '&' && text[i + 1] === '>') {
          // &> file: redirect stdout and stderr
          endWord()
          redirect = 'write'
          i += text[i + 2] === '>' ? 3 : 2
          continue
        }
        endCommand()
        i += (c === '&' || c === '|' || c === ';') && text[i + 1] === c ? 2 : 1
        continue
      }
      if (c === '>' || c === '<') {
        // an all-digit word just before is the redirected descriptor (2>, 1>>)
        if (w.started && /^\d+$/.test(w.value) && !w.unresolved) w.take()
        else endWord()
        if (c === '<' && text[i + 1] === '<' && text[i + 2] !== '<') {
          const tabs = text[i + 2] === '-'
          redirect = tabs ? 'heredoc-tabs' : 'heredoc'
          i += tabs ? 3 : 2
          continue
        }
        redirect = c === '>' ? 'write' : 'read'
        i++
        while (text[i] === '>' || text[i] === '|' || text[i] === '<') i++
        if (text[i] === '&') {
          // 2>&1, >&2: a descriptor, not a file
          i++
          while (i < text.length && /[\d-]/.test(text[i])) i++
          redirect = undefined
        }
        continue
      }
    }
    w.start(lineAt(i))
    w.value += c
    i++
  }
  endCommand()
  return commands
}

/** The simple commands of a shell script, with quote removal and expansion. */
export function shellCommands(input: Src, lookup: Lookup): Command[] {
  return lex(input, lookup, {shell: true, escape: '\\'})
}

/** Docker's word processing of an instruction's arguments (ENV, ARG, USER, COPY, WORKDIR, EXPOSE...). */
export function dockerWords(input: Src, lookup: Lookup, escape = '\\'): Word[] {
  return lex(input, lookup, {shell: false, escape}).flatMap(c => c.words)
}

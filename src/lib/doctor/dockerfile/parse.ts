/**
 * Dockerfile syntax on top of `dockerfile-ast` (the parser of VS Code's Docker language server):
 * it finds the instructions, their line ranges, flags, heredocs and the parser directives
 * (`# syntax=`, `# escape=` in any order). This module turns each instruction into its argument
 * text with the line of every character — continuation lines joined the way BuildKit joins them
 * (escape + newline removed; blank and comment lines inside a continuation skipped) — and its
 * heredoc bodies. Pure.
 */
import {DockerfileParser, type Instruction as AstInstruction} from 'dockerfile-ast'

import type {Src} from './shell.js'

export interface Heredoc {
  name: string
  body: Src
}

export interface Instruction {
  /** upper-case keyword: FROM, RUN, USER... */
  keyword: string
  /** 1-based first and last line */
  line: number
  endLine: number
  /** `--name=value` flags (COPY --chown, --chmod, --from; RUN --mount...), by lower-case name */
  flags: Record<string, string | null>
  /** the arguments after the keyword and its flags, continuations joined, heredoc bodies cut out */
  args: Src
  /** exec form: the arguments are a JSON array of strings */
  json?: string[]
  heredocs: Heredoc[]
}

export interface ParsedDockerfile {
  instructions: Instruction[]
  /** the escape character (`\`, or `` ` `` by `# escape=`) */
  escape: string
  /** parser directives by lower-case name */
  directives: Record<string, string>
  /** the file's lines, for evidence */
  lines: string[]
}

const EXEC_FORM = new Set(['RUN', 'CMD', 'ENTRYPOINT', 'COPY', 'ADD', 'SHELL', 'VOLUME'])

function flagsOf(ins: AstInstruction): Record<string, string | null> {
  const out: Record<string, string | null> = {}
  const withFlags = ins as AstInstruction & {
    getFlags?: () => Array<{getName(): string; getValue(): string | null}>
  }
  if (typeof withFlags.getFlags !== 'function') return out
  for (const f of withFlags.getFlags()) out[f.getName().toLowerCase()] = f.getValue()
  return out
}

function heredocCount(ins: AstInstruction): number {
  const h = ins as AstInstruction & {getHeredocs?: () => unknown[]}
  return typeof h.getHeredocs === 'function' ? h.getHeredocs().length : 0
}

/** Appends `text` (all on `line`) to a Src. */
function push(out: Src, text: string, line: number) {
  out.text += text
  for (let i = 0; i < text.length; i++) out.lines.push(line)
}

function slice(s: Src, from: number): Src {
  return {text: s.text.slice(from), lines: s.lines.slice(from)}
}

/**
 * Joins the physical lines of one instruction from `first` (0-based) and column `col`, stopping
 * at the first line that does not end with the escape character. Returns the text and the
 * 0-based index of the line where the instruction's own text ends.
 */
function joinContinuations(lines: string[], first: number, col: number, last: number, escape: string) {
  const out: Src = {text: '', lines: []}
  const continued = new RegExp(`${escape.replace(/[\\^$.*+?()[\]{}|`]/g, '\\$&')}[ \\t]*$`)
  let l = first
  let text = lines[l].slice(col)
  for (;;) {
    const m = continued.exec(text)
    if (!m) {
      push(out, text, l + 1)
      break
    }
    push(out, text.slice(0, m.index), l + 1)
    l++
    // BuildKit skips empty lines and comment lines inside a continuation
    while (l <= last && (lines[l].trim() === '' || lines[l].trimStart().startsWith('#'))) l++
    if (l > last) {
      l = last
      break
    }
    text = lines[l]
  }
  return {args: out, end: l}
}

const HEREDOC_MARK = /<<(-?)(["']?)([A-Za-z_][\w.-]*)\2/g

/** Heredoc bodies follow the instruction line, in the order their `<<NAME` markers appear. */
function heredocsOf(args: Src, lines: string[], from: number, last: number): Heredoc[] {
  const out: Heredoc[] = []
  let l = from
  for (const m of args.text.matchAll(HEREDOC_MARK)) {
    const strip = m[1] === '-'
    const body: Src = {text: '', lines: []}
    for (; l <= last; l++) {
      const raw = strip ? lines[l].replace(/^\t+/, '') : lines[l]
      if (raw === m[3]) {
        l++
        break
      }
      push(body, `${raw}\n`, l + 1)
    }
    out.push({name: m[3], body})
  }
  return out
}

export function parseDockerfile(text: string): ParsedDockerfile {
  const lines = text.split(/\r?\n/)
  const ast = DockerfileParser.parse(text)
  const escape = ast.getEscapeCharacter()
  const directives: Record<string, string> = {}
  for (const d of ast.getDirectives()) directives[d.getName().toLowerCase()] = d.getValue()

  const instructions: Instruction[] = []
  for (const ins of ast.getInstructions()) {
    const range = ins.getRange()
    const keyword = ins.getKeyword().toUpperCase()
    const first = range.start.line
    const last = Math.min(range.end.line, lines.length - 1)
    const col = ins.getInstructionRange().end.character
    const joined = joinContinuations(lines, first, col, last, escape)
    let args = joined.args
    // strip the flags (their values come from the parser)
    const flags = flagsOf(ins)
    if (Object.keys(flags).length > 0) {
      const m = /^(\s*--[A-Za-z][\w-]*(=("[^"]*"|'[^']*'|\S*))?)+\s*/.exec(args.text)
      if (m) args = slice(args, m[0].length)
    }
    const lead = /^\s*/.exec(args.text)?.[0].length ?? 0
    args = slice(args, lead)
    args = {text: args.text.trimEnd(), lines: args.lines.slice(0, args.text.trimEnd().length)}
    const heredocs = heredocCount(ins) > 0 ? heredocsOf(args, lines, joined.end + 1, last) : []
    let json: string[] | undefined
    if (EXEC_FORM.has(keyword) && args.text.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(args.text)
        if (Array.isArray(parsed) && parsed.every(x => typeof x === 'string')) json = parsed as string[]
      } catch {
        // not JSON: Docker runs it through the shell
      }
    }
    instructions.push({
      keyword,
      line: first + 1,
      endLine: last + 1,
      flags,
      args,
      ...(json ? {json} : {}),
      heredocs,
    })
  }
  return {instructions, escape, directives, lines}
}

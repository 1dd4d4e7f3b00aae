/**
 * What the commands of a RUN do to the filesystem, as far as permissions go: chmod/chgrp/chown
 * (also under `find ... -exec`), `fix-permissions`, mkdir/install -d, rm, the commands that create
 * or fill a directory (git clone, conda/pip install, venv, tar -C, cp...), and useradd/groupadd.
 * Paths are made absolute against the working directory (`cd` inside the RUN is followed).
 * Anything that cannot be resolved (unknown variable, glob, command substitution) is left out
 * rather than guessed. Pure.
 */
import {parseMode, type ModeSpec} from './modes.js'
import {shellCommands, src, type Command, type Lookup, type Src, type Word} from './shell.js'

/** A path an operation applies to; `contents`: only what is below it (`DIR/*`). */
export interface Target {
  path: string
  contents: boolean
}

interface OpBase {
  line: number
  /** the command as run (expanded), for evidence */
  text: string
}

export type Op =
  | (OpBase & {
      kind: 'chmod'
      targets: Target[]
      mode: ModeSpec
      recursive: boolean
      /** `find -type f`: directories are not changed */
      filesOnly?: boolean
      via?: string
    })
  | (OpBase & {
      kind: 'chown'
      targets: Target[]
      /** new owner, if changed */
      owner?: string
      /** new group, if changed; `loginGroup`: the owner's login group (`chown user: x`) */
      group?: string
      loginGroup?: boolean
      recursive: boolean
      filesOnly?: boolean
      via?: string
    })
  | (OpBase & {kind: 'fix-permissions'; targets: Target[]})
  | (OpBase & {
      kind: 'mkdir'
      targets: Target[]
      parents: boolean
      mode?: ModeSpec
      owner?: string
      group?: string
    })
  /** creates the path if absent (git clone, venv, cp/mv destination, download) */
  | (OpBase & {kind: 'create'; targets: Target[]; what: string})
  /** adds files below an existing path (conda/pip install, tar -C) */
  | (OpBase & {kind: 'fill'; targets: Target[]; what: string})
  | (OpBase & {kind: 'remove'; targets: Target[]})
  | (OpBase & {
      kind: 'useradd'
      name: string
      uid?: string
      group?: string
      home?: string
      createHome: boolean
    })
  | (OpBase & {kind: 'groupadd'; name: string; gid?: string})

export interface RunContext {
  /** working directory of the RUN */
  cwd: string
  lookup: Lookup
}

export function normalizePath(p: string): string {
  const out: string[] = []
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') out.pop()
    else out.push(part)
  }
  return `/${out.join('/')}`
}

export function joinPath(cwd: string, p: string): string {
  return normalizePath(p.startsWith('/') ? p : `${cwd}/${p}`)
}

/** A word as a target path; undefined when it cannot be known (variable, glob, substitution). */
export function targetOf(w: Word, cwd: string, lookup: Lookup): Target | undefined {
  if (w.unresolved || w.value === '') return undefined
  let v = w.value
  if (v === '~' || v.startsWith('~/')) {
    const home = lookup('HOME')
    if (typeof home !== 'string') return undefined
    v = home + v.slice(1)
  }
  let contents = false
  if (/\/\*$/.test(v) || v === '*') {
    contents = true
    v = v === '*' ? '.' : v.slice(0, -2)
  }
  if (/[*?[]/.test(v)) return undefined
  return {path: joinPath(cwd, v), contents}
}

const RESERVED_LEAD = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', 'time'])
const RESERVED_END = new Set(['fi', 'done', 'esac', '}'])
const WRAPPERS = new Set(['exec', 'command', 'nohup', 'builtin'])

const base = (w: string) => w.slice(w.lastIndexOf('/') + 1)

/** Strips reserved words, assignments and wrappers (sudo, env, nice, gosu...) off a command. */
export function commandWords(words: Word[]): Word[] {
  let ws = words
  for (;;) {
    const first = ws[0]
    if (!first) return ws
    const v = first.value
    if (RESERVED_LEAD.has(v) || RESERVED_END.has(v) || WRAPPERS.has(v)) {
      ws = ws.slice(1)
    } else if (/^[A-Za-z_]\w*=/.test(v)) {
      ws = ws.slice(1)
    } else if (v === 'sudo' || v === 'env') {
      let i = 1
      while (i < ws.length && (ws[i].value.startsWith('-') || /^[A-Za-z_]\w*=/.test(ws[i].value))) {
        // sudo -u USER / -g GROUP take a value
        if (v === 'sudo' && /^-[ugCDhprTU]$/.test(ws[i].value)) i++
        i++
      }
      ws = ws.slice(i)
    } else if (v === 'nice') {
      ws = ws.slice(ws[1]?.value === '-n' ? 3 : /^-/.test(ws[1]?.value ?? '') ? 2 : 1)
    } else if (v === 'gosu' || v === 'su-exec') {
      ws = ws.slice(2)
    } else if (v === 'runuser') {
      const dd = ws.findIndex(w => w.value === '--')
      ws = dd < 0 ? [] : ws.slice(dd + 1)
    } else {
      return ws
    }
  }
}

/** Splits `-Rf`-style options from operands; `valued`: short/long options that take the next word. */
function splitArgs(
  args: Word[],
  isOption: (w: string) => boolean,
  valued: Set<string> = new Set(),
): {opts: string[]; values: Record<string, string>; operands: Word[]} {
  const opts: string[] = []
  const values: Record<string, string> = {}
  const operands: Word[] = []
  let i = 0
  for (; i < args.length; i++) {
    const v = args[i].value
    if (v === '--') {
      i++
      break
    }
    if (!isOption(v)) {
      operands.push(args[i])
      continue
    }
    const eq = v.indexOf('=')
    if (v.startsWith('--') && eq > 0) {
      values[v.slice(0, eq)] = v.slice(eq + 1)
      opts.push(v.slice(0, eq))
    } else if (valued.has(v)) {
      values[v] = args[i + 1]?.value ?? ''
      opts.push(v)
      i++
    } else if (!v.startsWith('--') && v.length > 2 && valued.has(v.slice(0, 2))) {
      values[v.slice(0, 2)] = v.slice(2) // -m755
      opts.push(v.slice(0, 2))
    } else {
      opts.push(v)
    }
  }
  operands.push(...args.slice(i))
  return {opts, values, operands}
}

const hasShort = (opts: string[], c: string) => opts.some(o => /^-[A-Za-z]+$/.test(o) && o.includes(c))

/** chmod/chgrp/chown options (anything else that starts with `-` is a chmod mode like `-w`). */
const PERM_OPTION =
  /^(-[RfvchHLP]+|--(recursive|silent|quiet|verbose|changes|dereference|no-dereference|preserve-root|no-preserve-root|reference|from)(=.*)?)$/

function targetsOf(words: Word[], ctx: RunContext): Target[] {
  return words.flatMap(w => targetOf(w, ctx.cwd, ctx.lookup) ?? [])
}

const join = (ws: Word[]) => ws.map(w => (w.unresolved ? `${w.value}?` : w.value)).join(' ')

function owner(spec: string): {owner?: string; group?: string; loginGroup?: boolean} {
  const m = /^([^:.]*)(?:([:.])(.*))?$/.exec(spec)
  if (!m) return {}
  const [, user, sep, group] = m
  return {
    ...(user ? {owner: user} : {}),
    ...(group ? {group} : {}),
    ...(sep === ':' && user && !group ? {loginGroup: true} : {}),
  }
}

/** One simple command (after wrappers) → its filesystem operations. */
function interpret(words: Word[], ctx: RunContext, depth: number): Op[] {
  const ws = commandWords(words)
  if (ws.length === 0) return []
  const name = base(ws[0].value)
  const args = ws.slice(1)
  const line = ws[0].line
  const text = join(ws)
  const at = {line, text}
  if (ws[0].unresolved) return []

  switch (name) {
    case 'sh':
    case 'bash':
    case 'dash': {
      const c = args.findIndex(w => /^-[a-z]*c[a-z]*$/.test(w.value))
      if (c < 0 || !args[c + 1] || depth > 3) return []
      return interpretScript(src(args[c + 1].value, args[c + 1].line), ctx, depth + 1)
    }
    case 'chmod': {
      if (args.some(w => w.value.startsWith('--reference'))) return []
      const {opts, operands} = splitArgs(args, v => PERM_OPTION.test(v))
      const mode = operands[0] && !operands[0].unresolved ? parseMode(operands[0].value) : undefined
      if (!mode) return []
      const recursive = hasShort(opts, 'R') || opts.includes('--recursive')
      return [{kind: 'chmod', ...at, targets: targetsOf(operands.slice(1), ctx), mode, recursive}]
    }
    case 'chgrp':
    case 'chown': {
      if (args.some(w => w.value.startsWith('--reference'))) return []
      const {opts, operands} = splitArgs(args, v => PERM_OPTION.test(v))
      const spec = operands[0]
      if (!spec || spec.unresolved) return []
      const recursive = hasShort(opts, 'R') || opts.includes('--recursive')
      const who = name === 'chgrp' ? {group: spec.value} : owner(spec.value)
      return [{kind: 'chown', ...at, targets: targetsOf(operands.slice(1), ctx), ...who, recursive}]
    }
    case 'fix-permissions':
      return [
        {
          kind: 'fix-permissions',
          ...at,
          targets: targetsOf(
            args.filter(w => !w.value.startsWith('-')),
            ctx,
          ),
        },
      ]
    case 'find':
      return interpretFind(args, ctx, at, depth)
    case 'mkdir': {
      const {opts, values, operands} = splitArgs(
        args,
        v => v.startsWith('-'),
        new Set(['-m', '--mode', '-Z']),
      )
      const mode = values['-m'] ?? values['--mode']
      return [
        {
          kind: 'mkdir',
          ...at,
          targets: targetsOf(operands, ctx),
          parents: hasShort(opts, 'p') || opts.includes('--parents'),
          ...(mode && parseMode(mode) ? {mode: parseMode(mode)} : {}),
        },
      ]
    }
    case 'install': {
      const {opts, values, operands} = splitArgs(
        args,
        v => v.startsWith('-'),
        new Set(['-m', '--mode', '-o', '--owner', '-g', '--group', '-t', '-S']),
      )
      if (!hasShort(opts, 'd') && !opts.includes('--directory')) return []
      const mode = values['-m'] ?? values['--mode']
      const own = values['-o'] ?? values['--owner']
      const grp = values['-g'] ?? values['--group']
      return [
        {
          kind: 'mkdir',
          ...at,
          targets: targetsOf(operands, ctx),
          parents: true,
          ...(mode && parseMode(mode) ? {mode: parseMode(mode)} : {}),
          ...(own ? {owner: own} : {}),
          ...(grp ? {group: grp} : {}),
        },
      ]
    }
    case 'rm':
    case 'rmdir': {
      const {operands} = splitArgs(args, v => v.startsWith('-'))
      return [{kind: 'remove', ...at, targets: targetsOf(operands, ctx)}]
    }
    case 'useradd':
    case 'adduser': {
      const {opts, values, operands} = splitArgs(
        args,
        v => v.startsWith('-'),
        new Set([
          '-u',
          '--uid',
          '-g',
          '--gid',
          '-G',
          '--groups',
          '--ingroup',
          '-d',
          '--home-dir',
          '--home',
          '-h',
          '-s',
          '--shell',
          '-c',
          '--comment',
          '--gecos',
          '-k',
          '-K',
          '-p',
          '-e',
          '-f',
        ]),
      )
      const user = operands[0]?.value
      if (!user || operands[0].unresolved) return []
      const busybox = name === 'adduser' && (hasShort(opts, 'D') || '-h' in values || '-G' in values)
      const group =
        name === 'useradd'
          ? (values['-g'] ?? values['--gid'])
          : busybox
            ? values['-G']
            : (values['--gid'] ?? values['--ingroup'])
      const home =
        values['-d'] ?? values['--home-dir'] ?? values['--home'] ?? (busybox ? values['-h'] : undefined)
      const createHome =
        name === 'useradd'
          ? hasShort(opts, 'm') || opts.includes('--create-home')
          : !hasShort(opts, 'H') && !opts.includes('--no-create-home')
      const uid = values['-u'] ?? values['--uid']
      return [
        {
          kind: 'useradd',
          ...at,
          name: user,
          ...(uid ? {uid} : {}),
          ...(group ? {group} : {}),
          ...(home ? {home: joinPath('/', home)} : {}),
          createHome,
        },
      ]
    }
    case 'groupadd':
    case 'addgroup': {
      const {values, operands} = splitArgs(args, v => v.startsWith('-'), new Set(['-g', '--gid', '-K']))
      const group = operands[0]?.value
      if (!group || operands[0].unresolved) return []
      const gid = values['-g'] ?? values['--gid']
      return [{kind: 'groupadd', ...at, name: group, ...(gid ? {gid} : {})}]
    }
    default:
      return interpretFilling(name, args, ctx, at)
  }
}

/** Commands that create or fill directories (for "created in an earlier layer" and ownership). */
function interpretFilling(name: string, args: Word[], ctx: RunContext, at: OpBase): Op[] {
  const valueOf = (...names: string[]) => {
    const i = args.findIndex(w => names.includes(w.value))
    if (i >= 0) return args[i + 1]
    const eq = args.find(w => names.some(n => n.startsWith('--') && w.value.startsWith(`${n}=`)))
    return eq ? {...eq, value: eq.value.slice(eq.value.indexOf('=') + 1)} : undefined
  }
  const to = (w: Word | undefined) => (w ? targetsOf([w], ctx) : [])
  const conda = () => {
    const prefix = valueOf('-p', '--prefix')
    if (prefix) return to(prefix)
    const dir = ctx.lookup('CONDA_DIR')
    return typeof dir === 'string' && dir !== '' ? [{path: normalizePath(dir), contents: false}] : []
  }
  const sub = args.find(w => !w.value.startsWith('-'))?.value
  switch (name) {
    case 'conda':
    case 'mamba':
    case 'micromamba':
      if (sub === 'create' && valueOf('-p', '--prefix'))
        return [{kind: 'create', ...at, targets: conda(), what: name}]
      if (sub === 'install' || sub === 'update' || sub === 'upgrade' || sub === 'env')
        return [{kind: 'fill', ...at, targets: conda(), what: `${name} ${sub}`}]
      return []
    case 'pip':
    case 'pip3':
    case 'python':
    case 'python3': {
      const pipArgs = name.startsWith('pip') ? args : args[0]?.value === '-m' ? args.slice(2) : []
      const mod = name.startsWith('python') ? args[1]?.value : 'pip'
      if (name.startsWith('python') && (mod === 'venv' || mod === 'virtualenv')) {
        const dir = args.slice(2).find(w => !w.value.startsWith('-'))
        return [{kind: 'create', ...at, targets: to(dir), what: `python -m ${mod}`}]
      }
      if (mod !== 'pip' || pipArgs.find(w => !w.value.startsWith('-'))?.value !== 'install') return []
      const target = valueOf('--target', '-t', '--prefix', '--root')
      return [{kind: 'fill', ...at, targets: target ? to(target) : conda(), what: 'pip install'}]
    }
    case 'virtualenv': {
      const dir = args.find(w => !w.value.startsWith('-'))
      return [{kind: 'create', ...at, targets: to(dir), what: 'virtualenv'}]
    }
    case 'git': {
      if (sub !== 'clone') return []
      const operands = args.filter(w => !w.value.startsWith('-'))
      // git clone [opts] URL [DIR]; options with values (-b x, --depth n) are rare enough to skip
      const url = operands[1]
      const dir = operands[2]
      if (dir) return [{kind: 'create', ...at, targets: to(dir), what: 'git clone'}]
      if (!url || url.unresolved) return []
      const repo = base(url.value.replace(/\/$/, '')).replace(/\.git$/, '')
      return [{kind: 'create', ...at, targets: to({...url, value: repo}), what: 'git clone'}]
    }
    case 'cp':
    case 'mv':
    case 'rsync': {
      const operands = args.filter(w => !w.value.startsWith('-'))
      if (operands.length < 2) return []
      return [{kind: 'fill', ...at, targets: to(operands.at(-1)), what: name}]
    }
    case 'tar': {
      const dir = valueOf('-C', '--directory')
      return dir ? [{kind: 'fill', ...at, targets: to(dir), what: 'tar'}] : []
    }
    case 'unzip': {
      const dir = valueOf('-d')
      return dir ? [{kind: 'fill', ...at, targets: to(dir), what: 'unzip'}] : []
    }
    case 'curl':
    case 'wget': {
      const file = valueOf('-o', '--output', '-O', '--output-document')
      const dir = name === 'wget' ? valueOf('-P', '--directory-prefix') : undefined
      if (file && file.value !== '-') return [{kind: 'create', ...at, targets: to(file), what: name}]
      return dir ? [{kind: 'fill', ...at, targets: to(dir), what: name}] : []
    }
    default:
      return []
  }
}

/** `find PATH... [tests] -exec CMD ARGS {} ;|+` → CMD over PATH, recursively. */
function interpretFind(args: Word[], ctx: RunContext, at: OpBase, depth: number): Op[] {
  let i = 0
  while (i < args.length && /^-[HLP]$/.test(args[i].value)) i++
  const paths: Word[] = []
  while (i < args.length && !/^[-!(]/.test(args[i].value)) paths.push(args[i++])
  const out: Op[] = []
  let filesOnly = false
  while (i < args.length) {
    const v = args[i].value
    if (v === '-type') {
      filesOnly = args[i + 1]?.value === 'f'
      i += 2
      continue
    }
    if (v === '-exec' || v === '-execdir') {
      const end = args.findIndex((w, j) => j > i && (w.value === ';' || w.value === '+'))
      const cmd = args.slice(i + 1, end < 0 ? args.length : end)
      i = end < 0 ? args.length : end + 1
      const braces = cmd.findIndex(w => w.value === '{}')
      if (braces < 0 || paths.length === 0) continue
      const expanded = [...cmd.slice(0, braces), ...paths, ...cmd.slice(braces + 1)]
      for (const op of interpret(expanded, ctx, depth + 1)) {
        if (op.kind === 'chmod' || op.kind === 'chown')
          out.push({...op, recursive: true, via: 'find', ...(filesOnly ? {filesOnly} : {})})
      }
      continue
    }
    i++
  }
  return out
}

/** The operations of a shell script (a RUN's shell form or a heredoc script), `cd` followed. */
export function interpretScript(script: Src, ctx: RunContext, depth = 0): Op[] {
  return interpretCommands(shellCommands(script, ctx.lookup), ctx, depth)
}

export function interpretCommands(commands: Command[], ctx: RunContext, depth = 0): Op[] {
  let cwd = ctx.cwd
  const out: Op[] = []
  for (const c of commands) {
    const ws = commandWords(c.words)
    if (ws[0]?.value === 'cd') {
      const t = ws[1] ? targetOf(ws[1], cwd, ctx.lookup) : undefined
      if (t) cwd = t.path
      continue
    }
    // `for x in ...`, `case`: the loop variable is not known
    if (ws[0]?.value === 'for' || ws[0]?.value === 'case' || ws[0]?.value === 'select') continue
    const ops = interpret(c.words, {...ctx, cwd}, depth)
    out.push(...ops)
    // `cmd > FILE` creates FILE
    for (const w of c.writes) {
      const t = targetOf(w, cwd, ctx.lookup)
      if (t && !t.path.startsWith('/dev/'))
        out.push({kind: 'create', line: w.line, text: join(c.words), targets: [t], what: 'redirection'})
    }
  }
  return out
}

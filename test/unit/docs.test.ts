/**
 * The documentation stays true to the repository: relative links and their #anchors resolve, the
 * assigned-UID page has its one diagram, every `oc jupyter CMD --flag` the docs show is a real
 * command with real flags (read from the oclif command classes themselves), and the recipe page has
 * a row for each command of the recipe.
 */
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {beforeAll, describe, expect, test} from 'vitest'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const DOCS = path.join(ROOT, 'docs')

const docFiles = (): string[] =>
  readdirSync(DOCS)
    .filter(f => f.endsWith('.md'))
    .map(f => path.join(DOCS, f))
const read = (file: string): string => readFileSync(file, 'utf8')
const rel = (file: string): string => path.relative(ROOT, file)

// ---- markdown, as GitHub reads it -------------------------------------------------------------

interface Fence {
  lang: string
  body: string
}

/** Splits a document into prose (fenced blocks blanked out, lines kept) and its fenced blocks. */
function splitFences(md: string): {prose: string; fences: Fence[]} {
  const prose: string[] = []
  const fences: Fence[] = []
  let open: {marker: string; lang: string; lines: string[]} | undefined
  for (const line of md.split('\n')) {
    const m = /^\s{0,3}(`{3,}|~{3,})\s*([\w-]*)/.exec(line)
    if (open) {
      if (m && m[1][0] === open.marker[0] && m[1].length >= open.marker.length && m[2] === '') {
        fences.push({lang: open.lang, body: open.lines.join('\n')})
        open = undefined
      } else open.lines.push(line)
      prose.push('')
    } else if (m) {
      open = {marker: m[1], lang: m[2], lines: []}
      prose.push('')
    } else prose.push(line)
  }
  return {prose: prose.join('\n'), fences}
}

const withoutCodeSpans = (text: string): string => text.replace(/`+[^`\n]*`+/g, '')

/** GitHub's heading anchor (github-slugger): lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  const text = heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1') // [text](url) renders as text
    .replace(/`/g, '')
    .trim()
    .toLowerCase()
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-')
}

/** The anchors a document's headings get, with GitHub's -1, -2 suffixes for repeats. */
function anchors(md: string): Set<string> {
  const seen = new Map<string, number>()
  const out = new Set<string>()
  for (const line of splitFences(md).prose.split('\n')) {
    const m = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line)
    if (!m) continue
    const base = slug(m[1])
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    out.add(n === 0 ? base : `${base}-${n}`)
  }
  return out
}

/** Link targets of a document: inline `[text](target)` and reference definitions `[id]: target`. */
function linkTargets(md: string): string[] {
  const prose = withoutCodeSpans(splitFences(md).prose)
  const inline = [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map(m => m[1])
  const defs = [...prose.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm)].map(m => m[1])
  return [...inline, ...defs]
}

/** Reference-style uses `[text][id]` whose id has no definition (GitHub shows them as plain text). */
function undefinedReferences(md: string): string[] {
  const prose = withoutCodeSpans(splitFences(md).prose)
  const defined = new Set([...prose.matchAll(/^\s{0,3}\[([^\]]+)\]:/gm)].map(m => m[1].toLowerCase()))
  return [...prose.matchAll(/\]\[([^\]]+)\]/g)].map(m => m[1]).filter(id => !defined.has(id.toLowerCase()))
}

/** Which relative links of `file` do not resolve (missing file, or missing heading for #anchor). */
function brokenLinks(file: string): string[] {
  const broken: string[] = []
  for (const target of linkTargets(read(file))) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue // https:, mailto: ...
    const [pathPart, anchor] = target.split('#', 2) as [string, string | undefined]
    const dest = pathPart === '' ? file : path.resolve(path.dirname(file), decodeURI(pathPart))
    if (!existsSync(dest)) {
      broken.push(`${target}: no file ${rel(dest)}`)
      continue
    }
    if (anchor === undefined || anchor === '') continue
    if (!dest.endsWith('.md') || statSync(dest).isDirectory()) {
      broken.push(`${target}: #anchor on a file that is not markdown`)
      continue
    }
    if (!anchors(read(dest)).has(decodeURIComponent(anchor).toLowerCase()))
      broken.push(`${target}: no heading for #${anchor} in ${rel(dest)}`)
  }
  return broken
}

// ---- oc jupyter command lines shown in the docs -----------------------------------------------

/** Every `oc jupyter ...` command line inside code (code spans and fenced blocks) of a document. */
function jupyterCommandLines(md: string): string[] {
  const {prose, fences} = splitFences(md)
  const code = [
    ...[...prose.matchAll(/(`+)([^`\n]*?)\1/g)].map(m => m[2]),
    ...fences.filter(f => f.lang !== 'mermaid').flatMap(f => f.body.split('\n')),
  ]
  const lines: string[] = []
  for (const snippet of code) {
    for (const m of snippet.matchAll(/(?:^|[\s$(|&;])oc jupyter\s+([^|&;#)]*)/g)) {
      const rest = m[1].trim()
      if (rest !== '') lines.push(rest)
    }
  }
  return lines
}

interface FlagInfo {
  type: 'boolean' | 'option'
  char?: string
  allowNo?: boolean
  options?: readonly string[]
}
interface CommandInfo {
  flags: Record<string, FlagInfo>
  inapplicable: Record<string, {values?: readonly string[]}>
}

async function loadCommands(): Promise<Map<string, CommandInfo>> {
  const dir = path.join(ROOT, 'src/commands')
  const out = new Map<string, CommandInfo>()
  for (const file of readdirSync(dir).filter(f => f.endsWith('.ts'))) {
    const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as {
      default: {
        flags?: Record<string, FlagInfo>
        baseFlags?: Record<string, FlagInfo>
        aliases?: string[]
        inapplicable?: CommandInfo['inapplicable']
      }
    }
    const cls = mod.default
    const info = {flags: {...cls.baseFlags, ...cls.flags}, inapplicable: cls.inapplicable ?? {}}
    for (const id of [path.basename(file, '.ts'), ...(cls.aliases ?? [])]) out.set(id, info)
  }
  return out
}

/**
 * Flags the docs name before the code has them, each with why. An entry here must NOT exist yet:
 * once the flag lands the test fails, so the entry is removed and the flag is checked like the rest.
 */
const PENDING: Record<string, string> = {}

/** What is wrong with one command line (`deploy NAME --volume-size 1G -n NS`), judged by the classes. */
function commandLineProblems(line: string, commands: Map<string, CommandInfo>): string[] {
  const tokens = line.split(/\s+/).filter(t => t !== '')
  const id = tokens[0]
  const cmd = commands.get(id)
  if (!cmd) return [`oc jupyter ${line}: no command "${id}"`]
  const problems: string[] = []
  const byChar = new Map(
    Object.entries(cmd.flags)
      .filter(([, f]) => f.char !== undefined)
      .map(([name, f]) => [f.char as string, name]),
  )
  for (let i = 1; i < tokens.length; i++) {
    const token = tokens[i]
    if (!token.startsWith('-') || token === '-' || token === '--') continue
    if (token === '--help' || token === '-h') continue
    const [flagText, inlineValue] = token.split('=', 2) as [string, string | undefined]
    let name: string | undefined
    if (flagText.startsWith('--')) name = flagText.slice(2)
    else if (flagText.length === 2) name = byChar.get(flagText[1])
    let flag = name === undefined ? undefined : cmd.flags[name]
    if (!flag && name?.startsWith('no-') && cmd.flags[name.slice(3)]?.allowNo) flag = cmd.flags[name.slice(3)]
    if (!flag || name === undefined) {
      if (!(`${id} ${flagText}` in PENDING))
        problems.push(`oc jupyter ${line}: ${id} has no flag ${flagText}`)
      continue
    }
    let value = inlineValue
    if (flag.type === 'option' && value === undefined) value = tokens[++i]
    if (flag.options && value !== undefined && !/^[A-Z_]+$/.test(value)) {
      for (const v of value.split('|'))
        if (!flag.options.includes(v)) problems.push(`oc jupyter ${line}: ${flagText} does not take "${v}"`)
    }
    const refused = cmd.inapplicable[name]
    if (refused && (refused.values === undefined || (value !== undefined && refused.values.includes(value))))
      problems.push(`oc jupyter ${line}: ${id} refuses ${flagText}${value === undefined ? '' : `=${value}`}`)
  }
  return problems
}

// ---- the tests --------------------------------------------------------------------------------

describe('the documentation', () => {
  test('every relative link in README.md and docs/*.md resolves, #anchors included', () => {
    const files = [path.join(ROOT, 'README.md'), ...docFiles()]
    expect(files.length).toBeGreaterThan(3)
    const broken = files.flatMap(f => brokenLinks(f).map(b => `${rel(f)}: ${b}`))
    expect(broken).toEqual([])
    const unresolved = files.flatMap(f => undefinedReferences(read(f)).map(id => `${rel(f)}: [${id}]`))
    expect(unresolved).toEqual([])
  })

  test('README.md links both guides near the top', () => {
    const readme = read(path.join(ROOT, 'README.md'))
    const docsList = readme.indexOf('\n## Documentation\n')
    expect(docsList).toBeGreaterThan(0)
    expect(docsList).toBeLessThan(readme.indexOf('\n## Commands\n'))
    for (const page of ['docs/assigned-uid.md', 'docs/from-the-recipe.md']) {
      expect(linkTargets(readme)).toContain(page)
    }
  })

  test('assigned-uid.md has exactly one mermaid diagram, a flowchart GitHub can render', () => {
    const {fences} = splitFences(read(path.join(DOCS, 'assigned-uid.md')))
    const diagrams = fences.filter(f => f.lang === 'mermaid')
    expect(diagrams).toHaveLength(1)
    const lines = diagrams[0].body.split('\n').filter(l => l.trim() !== '')
    expect(lines[0]).toMatch(/^(flowchart|graph) (TD|TB|LR|RL|BT)$/)
    // Unbalanced quotes or brackets are what break GitHub's renderer ("Parse error on line N").
    for (const l of lines.slice(1)) {
      expect((l.match(/"/g) ?? []).length % 2, l).toBe(0)
      const outside = l.replace(/"[^"]*"/g, '')
      for (const [o, c] of [
        ['[', ']'],
        ['{', '}'],
        ['(', ')'],
      ]) {
        expect(outside.split(o).length, l).toBe(outside.split(c).length)
      }
    }
    // every node an edge names is declared with a label (a misspelt id would draw an empty box)
    const declared = new Set(lines.map(l => /^\s*(\w+)\s*[[{(]/.exec(l)?.[1]).filter(Boolean))
    const edges = lines.filter(l => /-->|\.->/.test(l))
    expect(edges.length).toBeGreaterThan(3)
    for (const l of edges) {
      const ends = l
        .replace(/"[^"]*"/g, '')
        .replace(/\|[^|]*\|/g, '')
        .split(/-->|-\.->|\.->|-\.|--/)
        .map(p => p.trim())
        .filter(p => p !== '')
      for (const id of ends) expect(declared, l).toContain(id)
    }
  })

  describe('oc jupyter commands and flags in docs/*.md', () => {
    let commands: Map<string, CommandInfo>
    beforeAll(async () => {
      commands = await loadCommands()
    }, 60_000)

    test('name real commands and real flags, with values the flags accept', () => {
      expect(commands.get('deploy')?.flags['volume-size']).toBeDefined()
      const lines = docFiles().flatMap(f => jupyterCommandLines(read(f)).map(l => ({f, l})))
      expect(lines.length).toBeGreaterThan(40)
      const problems = lines.flatMap(({f, l}) => commandLineProblems(l, commands).map(p => `${rel(f)}: ${p}`))
      expect(problems).toEqual([])
    })

    test('the checker itself catches a wrong command, flag, value and a refused global flag', () => {
      expect(commandLineProblems('statuz', commands)).toHaveLength(1)
      expect(commandLineProblems('deploy --volume-sise 1Gi', commands)).toHaveLength(1)
      expect(commandLineProblems('deploy --volume-size 1Gi -n NS --no-color', commands)).toEqual([])
      expect(commandLineProblems('build --no-follow --dry-run=client -o yaml', commands)).toEqual([])
      expect(commandLineProblems('deploy -o xml', commands)).toHaveLength(1)
      expect(commandLineProblems('password --dry-run=client', commands)).toHaveLength(1)
      expect(commandLineProblems('stop --dry-run=client', commands)).toHaveLength(1)
      expect(commandLineProblems('stop --dry-run=server', commands)).toEqual([])
      expect(commandLineProblems('ls -o json', commands)).toEqual([])
    })

    test('a pending flag is named in the docs and does not exist yet (remove it from PENDING once it does)', () => {
      const all = docFiles().flatMap(f => jupyterCommandLines(read(f)))
      for (const key of Object.keys(PENDING)) {
        const [id, flag] = key.split(' ')
        expect(
          commands.get(id)?.flags[flag.slice(2)],
          `${key} exists now: remove it from PENDING`,
        ).toBeUndefined()
        expect(
          all.some(l => l.startsWith(`${id} `) && l.split(/\s+/).includes(flag)),
          key,
        ).toBe(true)
      }
    })
  })

  test("from-the-recipe.md has a row for each of the recipe's commands, each mapped to an oc jupyter command", () => {
    const RECIPE_COMMANDS = [
      'oc new-build',
      'oc create -f image-streams.json',
      'oc import-image',
      'oc create imagestream',
      'oc new-app',
      'oc set volume',
      'oc expose',
      'oc create route edge',
      'oc set env',
      'oc adm policy add-scc-to-user anyuid',
      'oc adm policy remove-scc-from-user anyuid',
      'oc rollout status',
      'oc get route',
      'oc logs',
      'oc start-build',
      'oc patch bc',
      'oc set image-lookup',
      'oc delete all',
      'oc scale',
      'oc rsh',
    ]
    const {prose} = splitFences(read(path.join(DOCS, 'from-the-recipe.md')))
    const rows = prose
      .split('\n')
      .filter(l => l.startsWith('|') && !/^\|[\s|:-]+\|$/.test(l))
      .map(l =>
        l
          .replace(/\\\|/g, '\u0000')
          .split('|')
          .slice(1, -1)
          .map(c => c.trim()),
      )
      .filter(cells => cells[0].startsWith('`'))
    for (const recipe of RECIPE_COMMANDS) {
      const row = rows.find(cells =>
        [...cells[0].matchAll(/`([^`]+)`/g)].some(
          m => m[1] === recipe || m[1].startsWith(`${recipe} `) || m[1].startsWith(`${recipe}/`),
        ),
      )
      expect(row, `no row for ${recipe}`).toBeDefined()
      const [, ours, differs] = row as string[]
      expect(ours, recipe).toMatch(/`oc jupyter \w+/)
      expect(differs, recipe).not.toBe('')
    }
  })
})

/**
 * Runs a command line the CLI printed — a `Try:` hint or a doctor fix — the way a user pastes it into
 * a shell next to the sandbox: `oc jupyter ...` is this CLI; `oc VERB ...` for a verb oc shares with
 * kubectl (oc is kubectl plus OpenShift's own verbs) runs the machine's real kubectl, because the
 * sandbox has no `oc`. `A && B` runs B when A succeeded. A printed command this cannot run (an
 * OpenShift-only verb such as `oc adm`, or a placeholder) fails the test: it was not proven to work.
 */
import {execFile} from 'node:child_process'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {runCli, type CliResult} from './cli.js'

/** kubectl verbs that `oc` runs with the same arguments. */
const SHARED_VERBS = new Set([
  'annotate',
  'apply',
  'create',
  'delete',
  'describe',
  'get',
  'label',
  'logs',
  'patch',
  'rollout',
  'scale',
  'set',
])

/** Shell words of a printed command (single and double quotes; a trailing `# comment` dropped). */
export function words(line: string): string[] {
  const out: string[] = []
  let cur = ''
  let quote: string | undefined
  let has = false
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]
    if (quote) {
      if (ch === quote) quote = undefined
      else cur += ch
      continue
    }
    if (ch === '#' && !has) break
    if (ch === "'" || ch === '"') {
      quote = ch
      has = true
    } else if (/\s/.test(ch)) {
      if (has) out.push(cur)
      cur = ''
      has = false
    } else {
      cur += ch
      has = true
    }
  }
  if (has) out.push(cur)
  return out
}

export function kubectl(args: string[], kubeconfig: string): Promise<CliResult> {
  const home = mkdtempSync(path.join(tmpdir(), 'ocj-remedy-'))
  return new Promise(resolve => {
    execFile(
      'kubectl',
      ['--kubeconfig', kubeconfig, '--cache-dir', path.join(home, 'cache'), ...args],
      {env: {PATH: process.env.PATH, HOME: home}, timeout: 60_000},
      (err, stdout, stderr) =>
        resolve({
          code: err ? (typeof err.code === 'number' ? err.code : 1) : 0,
          stdout: String(stdout),
          stderr: String(stderr),
        }),
    )
  })
}

/** Runs one printed command line; the result of the last command run. */
export async function runPrinted(line: string, kubeconfig: string): Promise<CliResult> {
  let last: CliResult = {code: 0, stdout: '', stderr: ''}
  // A shell drops a `# comment` before it sees any `&&` in it.
  for (const part of withoutComment(line).split(/\s&&\s/)) {
    const w = words(part)
    if (w.some(x => /^(NAME|NS|URL|REF|BRANCH|IMAGE|SA)$/.test(x) || x.includes('YOUR-')))
      throw new Error(`printed command has a placeholder: ${part}`)
    if (w[0] === 'oc' && w[1] === 'jupyter') last = await runCli(w.slice(2), {kubeconfig})
    else if (w[0] === 'oc' && SHARED_VERBS.has(w[1] ?? '')) last = await kubectl(w.slice(1), kubeconfig)
    else throw new Error(`cannot run a printed command in the sandbox: ${part}`)
    if (last.code !== 0) return last
  }
  return last
}

/** The line up to a `#` that starts a word outside quotes (a shell comment). */
function withoutComment(line: string): string {
  let quote: string | undefined
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]
    if (quote) {
      if (ch === quote) quote = undefined
    } else if (ch === "'" || ch === '"') quote = ch
    else if (ch === '#' && (i === 0 || /\s/.test(line[i - 1]))) return line.slice(0, i)
  }
  return line
}

/** The command of the `Try:` line of an error output. */
export function tryLine(stderr: string): string {
  const m = /^Try: (.+)$/m.exec(stderr)
  if (!m) throw new Error(`no Try: line in:\n${stderr}`)
  return m[1]
}

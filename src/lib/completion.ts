/**
 * Shell completion. The shells ask the CLI itself (`oc-jupyter __complete WORD... PARTIAL`), as cobra
 * CLIs (oc, kubectl) do, and print what it answers: commands, flags, flag values, notebook names and
 * namespaces from the cluster. The answer is in cobra's protocol — one candidate per line, then
 * `:DIRECTIVE` — which is also what kubectl >= 1.26 expects from a plugin's `kubectl_complete-PLUGIN`
 * executable (kubectl pkg/cmd/plugin completion; cobra ShellCompDirective: 4 = no file completion).
 *
 * This module is pure: what is to be completed (`completionNeed`) and the shell scripts.
 */

/** cobra.ShellCompDirectiveNoFileComp */
export const NO_FILE_COMPLETION = 4

export interface FlagInfo {
  char?: string
  type: 'option' | 'boolean'
  options?: readonly string[]
  hidden?: boolean
  /** boolean flags oclif also accepts as --no-NAME */
  allowNo?: boolean
}

export interface CommandInfo {
  id: string
  aliases: readonly string[]
  flags: Readonly<Record<string, FlagInfo>>
  /** the first argument is a notebook NAME */
  notebookArg: boolean
  hidden?: boolean
}

export type CompletionNeed =
  | {kind: 'words'; words: string[]}
  | {kind: 'notebooks'; partial: string; cluster: ClusterFlags}
  | {kind: 'namespaces'; partial: string; cluster: ClusterFlags}

/** The global flags that say which cluster and namespace the typed command would use. */
export interface ClusterFlags {
  namespace?: string
  kubeconfig?: string
  context?: string
}

const byPrefix = (partial: string, words: Iterable<string>) => [...words].filter(w => w.startsWith(partial))

/** What the last word (`partial`, '' after a space) of `words` completes to. */
export function completionNeed(commands: readonly CommandInfo[], words: readonly string[]): CompletionNeed {
  const partial = words.at(-1) ?? ''
  const before = words.slice(0, -1)
  const visible = commands.filter(c => !c.hidden)
  if (before.length === 0) {
    const names = new Set(visible.flatMap(c => [c.id, ...c.aliases]))
    return {kind: 'words', words: byPrefix(partial, [...names].sort())}
  }
  const command = visible.find(c => c.id === before[0] || c.aliases.includes(before[0]))
  if (!command) return {kind: 'words', words: []}
  const flagOf = (word: string): [string, FlagInfo] | undefined => {
    if (word.startsWith('--')) {
      const name = word.slice(2).split('=')[0]
      const f = command.flags[name]
      return f ? [name, f] : undefined
    }
    if (/^-[a-zA-Z]$/.test(word))
      return Object.entries(command.flags).find(([, f]) => f.char === word.slice(1))
    return undefined
  }

  // Walk the typed words: flag values, positionals, the cluster flags.
  const cluster: ClusterFlags = {}
  let positionals = 0
  let pending: [string, FlagInfo] | undefined
  for (const word of before.slice(1)) {
    if (pending) {
      setCluster(cluster, pending[0], word)
      pending = undefined
      continue
    }
    if (word.startsWith('-')) {
      const flag = flagOf(word)
      if (flag?.[1].type === 'option') {
        if (word.includes('=')) setCluster(cluster, flag[0], word.slice(word.indexOf('=') + 1))
        else pending = flag
      }
      continue
    }
    positionals++
  }

  // The value of an option flag: after it, or after `--flag=`.
  const valueOf = (flag: [string, FlagInfo], value: string, prefix: string): CompletionNeed => {
    if (flag[0] === 'namespace') return {kind: 'namespaces', partial: value, cluster}
    if (flag[1].options) return {kind: 'words', words: byPrefix(value, flag[1].options).map(o => prefix + o)}
    return {kind: 'words', words: []}
  }
  if (pending) return valueOf(pending, partial, '')
  if (partial.startsWith('--') && partial.includes('=')) {
    const flag = flagOf(partial)
    if (flag?.[1].type === 'option') {
      const prefix = partial.slice(0, partial.indexOf('=') + 1)
      return valueOf(flag, partial.slice(prefix.length), prefix)
    }
  }
  if (partial.startsWith('-')) {
    const names = Object.entries(command.flags)
      .filter(([, f]) => !f.hidden)
      .flatMap(([name, f]) => [`--${name}`, ...(f.type === 'boolean' && f.allowNo ? [`--no-${name}`] : [])])
    return {kind: 'words', words: byPrefix(partial, names.sort())}
  }
  if (command.notebookArg && positionals === 0) return {kind: 'notebooks', partial, cluster}
  return {kind: 'words', words: []}
}

function setCluster(cluster: ClusterFlags, flag: string, value: string): void {
  if (flag === 'namespace' || flag === 'kubeconfig' || flag === 'context') cluster[flag] = value
}

/** The lines of a `__complete` answer: candidates, then the directive. */
export function completionLines(candidates: readonly string[]): string {
  return `${[...candidates, `:${NO_FILE_COMPLETION}`].join('\n')}\n`
}

export type Shell = 'bash' | 'zsh' | 'fish'
export const SHELLS: readonly Shell[] = ['bash', 'zsh', 'fish']

/**
 * The completion script for `program` (oc-jupyter or kubectl-jupyter: the executable the shell
 * completes; `oc jupyter` and `kubectl jupyter` are completed by oc's and kubectl's own completion,
 * kubectl's through kubectl_complete-jupyter).
 */
export function completionScript(shell: Shell, program: string): string {
  const fn = `_${program.replace(/[^A-Za-z0-9]/g, '_')}`
  const ask = (words: string) => `${program} __complete ${words} 2>/dev/null`
  switch (shell) {
    case 'bash':
      // The words come from COMP_LINE, not COMP_WORDS: bash splits those at '=' (COMP_WORDBREAKS), so
      // `--output=js` would arrive as three words; it still replaces only what follows the '='.
      return [
        `# bash completion for ${program}. Load it: source <(${program} completion bash)`,
        `${fn}() {`,
        `  local line="\${COMP_LINE:0:COMP_POINT}"`,
        `  local -a words found`,
        `  read -ra words <<< "$line"`,
        `  [[ "$line" == *[[:space:]] || \${#words[@]} -eq 0 ]] && words+=('')`,
        `  local cur="\${words[\${#words[@]}-1]}"`,
        `  local IFS=$'\\n'`,
        `  found=($(${ask('"${words[@]:1}"')} | grep -v '^:'))`,
        `  [[ "$cur" == *=* && "$COMP_WORDBREAKS" == *=* ]] && found=("\${found[@]#*=}")`,
        `  COMPREPLY=("\${found[@]}")`,
        `  return 0`,
        `}`,
        `complete -F ${fn} ${program}`,
        '',
      ].join('\n')
    case 'zsh':
      return [
        `#compdef ${program}`,
        `# zsh completion for ${program}. Load it: source <(${program} completion zsh)`,
        `${fn}() {`,
        `  local -a candidates`,
        `  candidates=("\${(@f)$(${ask('"${(@)words[2,CURRENT]}"')} | grep -v '^:')}")`,
        `  compadd -Q -- "\${(@)candidates:#}"`,
        `}`,
        `if (( $+functions[compdef] )); then compdef ${fn} ${program}; fi`,
        '',
      ].join('\n')
    case 'fish':
      return [
        `# fish completion for ${program}. Load it: ${program} completion fish | source`,
        `function __${fn}_complete`,
        `  set -l words (commandline -opc) (commandline -ct)`,
        `  ${program} __complete $words[2..-1] 2>/dev/null | string match -v -r '^:'`,
        `end`,
        `complete -c ${program} -f -a '(__${fn}_complete)'`,
        '',
      ].join('\n')
  }
}

import {Command} from '@oclif/core'

/**
 * The completion protocol the scripts of `oc jupyter completion SHELL` and kubectl's plugin completion
 * (kubectl_complete-jupyter) call: the words typed so far, the last being the one to complete.
 * Answers one candidate per line and `:4`; never fails (a shell completing must not print errors).
 */
export default class Complete extends Command {
  static override hidden = true
  static override strict = false
  static override summary = 'Completion candidates for the words typed so far (used by the shell scripts).'

  public async run(): Promise<void> {
    // The words are read as typed, not parsed as flags (they are the line being completed): without
    // this, oclif warns "did not parse its arguments" on stderr outside production (NODE_ENV).
    this.parsed = true
    const {completionNeed, completionLines} = await import('../lib/completion.js')
    const commands = this.config.commands.map(c => ({
      id: c.id,
      aliases: c.aliases,
      hidden: c.hidden,
      notebookArg: /^Notebook name/.test(c.args?.name?.description ?? ''),
      flags: Object.fromEntries(
        Object.entries(c.flags).map(([name, f]) => [
          name,
          {
            type: f.type,
            ...(f.char ? {char: f.char} : {}),
            ...(f.type === 'option' && f.options ? {options: f.options} : {}),
            ...(f.hidden ? {hidden: true} : {}),
            ...(f.type === 'boolean' && f.allowNo ? {allowNo: true} : {}),
          },
        ]),
      ),
    }))
    const need = completionNeed(commands, this.argv.length ? this.argv : [''])
    let words: string[] = []
    if (need.kind === 'words') words = need.words
    else {
      const {clusterCandidates} = await import('../lib/completion-cluster.js')
      words = await clusterCandidates(need).catch(() => [])
    }
    process.stdout.write(completionLines(words))
  }
}

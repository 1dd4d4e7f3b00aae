import {Args} from '@oclif/core'

import {BaseCommand, type Inapplicable} from '../base-command.js'

export default class Completion extends BaseCommand<typeof Completion> {
  static override summary = 'Print the shell completion script (bash, zsh or fish).'

  static override description = `Completes commands, flags, flag values, and — asking the cluster of your kubeconfig, within about 2 s — notebook names and namespaces for -n. The script completes the executable of this plugin; oc jupyter and kubectl jupyter are completed by oc's and kubectl's own completion: kubectl (>= 1.26) asks the kubectl_complete-jupyter executable installed beside this one.`

  static override examples = [
    {
      description: 'bash (bash-completion loads it when the command is first completed).',
      command: 'oc jupyter completion bash > ~/.local/share/bash-completion/completions/oc-jupyter',
    },
    {description: 'zsh.', command: 'oc jupyter completion zsh > "${fpath[1]}/_oc-jupyter"'},
    {
      description: 'fish.',
      command: 'oc jupyter completion fish > ~/.config/fish/completions/oc-jupyter.fish',
    },
  ]

  static override args = {
    shell: Args.string({description: 'The shell.', options: ['bash', 'zsh', 'fish'], required: true}),
  }

  static override inapplicable: Inapplicable = {
    'dry-run': {why: 'it only prints a script'},
    timeout: {why: 'it only prints a script'},
  }

  public async run(): Promise<void> {
    const {completionScript} = await import('../lib/completion.js')
    const shell = this.args.shell as 'bash' | 'zsh' | 'fish'
    this.ui.print(completionScript(shell, this.config.bin.replace(' ', '-')))
  }
}

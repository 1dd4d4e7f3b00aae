import {BaseCommand, notebookArgs, READ_ONLY} from '../base-command.js'

export default class Password extends BaseCommand<typeof Password> {
  static override summary = "Print a notebook's password (from Secret NAME-password)."

  static override description = `Prints the password stored in Secret NAME-password on stdout and nothing else, so it can be piped or copied.

Where to type it: open the notebook's URL (<%= config.bin %> status NAME); Jupyter shows its login page, whose field is labelled "Password or token" (Notebook 7 / JupyterLab 4) or "Password" (Notebook 6). Paste the password there. The notebook receives it as its token (JUPYTER_TOKEN), which every Jupyter server accepts in that field; the server's startup log shows only "token=...".

To change it: <%= config.bin %> deploy NAME --rotate-password, or --password-from-stdin (the notebook restarts with the new one).`

  static override examples = [
    {description: 'Print the password of the default notebook.', command: '<%= config.bin %> password'},
    {description: 'As JSON: {"name", "password"}.', command: '<%= config.bin %> password lab -o json'},
    {
      description: 'Copy it to the clipboard (Linux).',
      command: '<%= config.bin %> password lab | xclip -selection clipboard',
    },
  ]

  static override inapplicable = READ_ONLY

  static override args = notebookArgs

  public async run(): Promise<void> {
    const name = this.notebookName()
    const client = await this.kubeClient()
    const {readPassword} = await import('../lib/password.js')
    const password = await readPassword(client, client.namespace, name)
    // stdout only, nothing else: `oc jupyter password | pbcopy` must copy just the password.
    this.ui.result({name, password}, () => password)
  }
}

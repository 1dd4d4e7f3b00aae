import {BaseCommand, notebookArgs, READ_ONLY} from '../base-command.js'

export default class Status extends BaseCommand<typeof Status> {
  static override summary = "Show a notebook's objects, pod and build state, and its URL."

  static override description = `Lists the objects <%= config.bin %> manages for NAME (by label), the state of its pod (with the waiting reason or last events when it is not running), the last build, and the Route URL. -o json prints the same as a document. Never shows the password.`

  static override examples = [
    {description: 'Status of the default notebook.', command: '<%= config.bin %> status'},
    {description: 'As JSON, for scripts.', command: '<%= config.bin %> status lab -o json'},
  ]

  static override inapplicable = READ_ONLY

  static override args = notebookArgs

  public async run(): Promise<void> {
    const name = this.notebookName()
    const client = await this.kubeClient()
    const {gatherStatus, formatStatus} = await import('../lib/status.js')
    const report = await gatherStatus(client, client.namespace, name)
    this.ui.result(report, () => formatStatus(report))
  }
}

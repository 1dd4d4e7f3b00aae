import {Args} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {DEFAULT_NOTEBOOK_NAME} from '../lib/values/defaults.js'
import {parseInstanceName} from '../lib/values/name.js'

export default class Status extends BaseCommand<typeof Status> {
  static override summary = "Show a notebook's objects, pod and build state, and its URL."

  static override description = `Lists the objects oc jupyter manages for NAME (by label), the state of its pod (with the waiting reason or last events when it is not running), the last build, and the Route URL. -o json prints the same as a document. Never shows the password.`

  static override examples = [
    {description: 'Status of the default notebook.', command: 'oc jupyter status'},
    {description: 'As JSON, for scripts.', command: 'oc jupyter status lab -o json'},
  ]

  static override args = {
    name: Args.string({description: `Notebook name (default ${DEFAULT_NOTEBOOK_NAME}).`}),
  }

  public async run(): Promise<void> {
    const name = parseInstanceName(this.args.name ?? DEFAULT_NOTEBOOK_NAME)
    const client = await this.kubeClient()
    const {gatherStatus, formatStatus} = await import('../lib/status.js')
    const report = await gatherStatus(client, client.namespace, name)
    this.ui.result(report, () => formatStatus(report))
  }
}

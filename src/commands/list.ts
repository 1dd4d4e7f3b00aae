import {BaseCommand, READ_ONLY} from '../base-command.js'

export default class List extends BaseCommand<typeof List> {
  static override summary = 'List the notebooks of the project: state, URL, image, volume, UID, login, age.'

  static override description = `One row per notebook <%= config.bin %> deployed in the project (found by its labels): Running, Starting, Failing or Stopped (<%= config.bin %> stop), ready replicas, the Route URL, the image stream tag it runs, the volume size, the UID its pod runs as, how people log in (password or openshift) and its age. -o json or -o yaml prints {"namespace", "notebooks": [...]}.`

  static override examples = [
    {description: 'Notebooks of the current project.', command: '<%= config.bin %> list'},
    {description: 'Of another project, as JSON.', command: '<%= config.bin %> list -n team-a -o json'},
  ]

  static override aliases = ['ls']

  static override inapplicable = READ_ONLY

  public async run(): Promise<void> {
    const client = await this.kubeClient()
    const {listNotebooks, formatNotebookTable} = await import('../lib/notebooks.js')
    const notebooks = await listNotebooks(client, client.namespace)
    this.ui.result({namespace: client.namespace, notebooks}, () =>
      formatNotebookTable(notebooks, client.namespace),
    )
  }
}

import {BaseCommand, notebookArgs, SCALE_ONLY} from '../base-command.js'

export default class Stop extends BaseCommand<typeof Stop> {
  static override summary =
    'Stop a notebook to free its CPU and memory quota; its volume and password are kept.'

  static override description = `Scales the notebook's Deployment (or DeploymentConfig) to 0 through its scale subresource, as oc scale does, and waits until its pod is gone. The claim NAME-data (your notebooks), the Secret with the password and every other object stay; status and list say Stopped. A re-run of deploy keeps it stopped (deploy --start starts it). Start it again with <%= config.bin %> start NAME: same URL, password and data.`

  static override examples = [
    {description: 'Stop the default notebook.', command: '<%= config.bin %> stop'},
    {description: 'Stop notebook lab in project team-a.', command: '<%= config.bin %> stop lab -n team-a'},
  ]

  static override args = notebookArgs

  static override inapplicable = SCALE_ONLY

  public async run(): Promise<void> {
    const name = this.notebookName()
    const {stopNotebook, formatStopResult} = await import('../lib/lifecycle.js')
    const result = await stopNotebook(await this.runContext(), name)
    this.ui.result(result, () => formatStopResult(result))
  }
}

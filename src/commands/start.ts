import {BaseCommand, notebookArgs, SCALE_ONLY} from '../base-command.js'

export default class Start extends BaseCommand<typeof Start> {
  static override summary =
    'Start a stopped notebook and wait until it serves, with the same password and data.'

  static override description = `Scales the notebook's Deployment (or DeploymentConfig) back to 1 and waits like deploy: the rollout (showing why a pod is not ready; a crash loop or an SCC rejection ends it with exit 1 and the evidence), then the Route. Prints the URL. Nothing else changes: the volume, the password and the Route are the ones it had. A notebook that is not stopped is only awaited.`

  static override examples = [
    {description: 'Start the default notebook.', command: '<%= config.bin %> start'},
    {
      description: 'Start notebook lab, waiting at most 5 minutes.',
      command: '<%= config.bin %> start lab --timeout 5m',
    },
  ]

  static override args = notebookArgs

  static override inapplicable = SCALE_ONLY

  public async run(): Promise<void> {
    const name = this.notebookName()
    const {startNotebook, formatStartResult} = await import('../lib/lifecycle.js')
    const result = await startNotebook(await this.runContext(), name)
    this.ui.result(result, () => formatStartResult(result))
  }
}

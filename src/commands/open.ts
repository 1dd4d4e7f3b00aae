import {Flags} from '@oclif/core'

import {BaseCommand, notebookArgs, type Inapplicable} from '../base-command.js'

export default class Open extends BaseCommand<typeof Open> {
  static override summary = "Open a notebook's URL in the browser (or print it with --print)."

  static override description = `Prints the URL of the notebook's admitted Route on stdout and, on a desktop, opens it in the browser ($BROWSER, else open on macOS, start on Windows, xdg-open with a display). Over SSH or in a container it only prints. The URL never carries the password (it would stay in the browser history and the router's log): the login page asks for it; <%= config.bin %> password NAME prints it.`

  static override examples = [
    {description: 'Open the default notebook.', command: '<%= config.bin %> open'},
    {description: 'Only print the URL.', command: '<%= config.bin %> open lab --print'},
  ]

  static override args = notebookArgs

  static override flags = {
    print: Flags.boolean({description: 'Only print the URL; do not start a browser.'}),
  }

  static override inapplicable: Inapplicable = {
    'dry-run': {why: 'it only reads (use --print to not start a browser)'},
    timeout: {why: 'it does not wait (use --request-timeout to bound each request)'},
  }

  public async run(): Promise<void> {
    const name = this.notebookName()
    const client = await this.kubeClient()
    const {notebookUrl, browserCommand} = await import('../lib/open.js')
    const target = await notebookUrl(client, client.namespace, name)
    if (target.stopped)
      this.ui.warn(
        `notebook ${name} is stopped: the URL answers "Application is not available" until: oc jupyter start ${name} -n ${client.namespace}`,
      )
    this.ui.result(target, () => target.url)
    if (target.passwordCommand) this.ui.info(`Password: ${target.passwordCommand}`)
    if (this.flags.print || this.globals.output !== 'text') return
    const browser = browserCommand(target.url)
    if (!browser) {
      this.ui.info('No desktop here (no $BROWSER or display): open the URL in your browser.')
      return
    }
    const {spawn} = await import('node:child_process')
    await new Promise<void>(resolve => {
      const child = spawn(browser.command, browser.args, {detached: true, stdio: 'ignore'})
      child.once('error', error => {
        this.ui.warn(`could not start ${browser.command} (${error.message}): open the URL in your browser`)
        resolve()
      })
      child.once('spawn', () => {
        child.unref()
        this.ui.info(`Opened with ${browser.command}.`)
        resolve()
      })
    })
  }
}

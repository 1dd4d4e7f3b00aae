import {Flags} from '@oclif/core'

import {BaseCommand, notebookArgs, type Inapplicable} from '../base-command.js'
import {UsageError} from '../lib/errors.js'
import {interruption} from '../lib/interrupt.js'

export default class Logs extends BaseCommand<typeof Logs> {
  static override summary = "Print a notebook's log (-f to follow), or its last build's with --build."

  static override description = `The log of the notebook container of the notebook's current pod, as oc logs prints it; -f follows it until the pod stops (a stream a proxy cuts is resumed without repeating lines), --previous shows the run before the last restart (why it crashed). --container oauth-proxy shows the login proxy of an --auth openshift notebook. --build prints the log of the last build of the image stream the notebook runs.

The log is the notebook's own output: what it prints at start (its URL with token=... is Jupyter's, not the password Secret) and every request it logged.`

  static override examples = [
    {description: 'Follow the default notebook.', command: '<%= config.bin %> logs -f'},
    {
      description: 'Why did it crash? The run before the restart.',
      command: '<%= config.bin %> logs lab --previous',
    },
    {description: 'The log of the last build.', command: '<%= config.bin %> logs --build'},
  ]

  static override args = notebookArgs

  static override flags = {
    follow: Flags.boolean({char: 'f', description: 'Keep printing new lines until the pod (or build) ends.'}),
    previous: Flags.boolean({description: "The container's previous run (before its last restart)."}),
    build: Flags.boolean({
      description: 'The last build of the image the notebook runs, instead of the notebook.',
    }),
    container: Flags.string({
      char: 'c',
      description: 'Container of the pod: notebook (default) or oauth-proxy (--auth openshift).',
      default: 'notebook',
      helpValue: 'NAME',
    }),
    tail: Flags.string({description: 'Only the last N lines.', helpValue: 'N'}),
  }

  static override inapplicable: Inapplicable = {
    'dry-run': {why: 'it only reads'},
    output: {values: ['json', 'yaml'], why: 'a log is text, printed as the container wrote it'},
    timeout: {why: 'it does not wait for anything but the log (Ctrl-C ends -f)'},
  }

  public async run(): Promise<void> {
    const name = this.notebookName()
    const {follow, previous, build, container} = this.flags
    const tail = this.flags.tail === undefined ? undefined : parseTail(this.flags.tail)
    if (build && (previous || container !== 'notebook'))
      throw new UsageError('--build prints a build log: --previous and --container are for the notebook pod')
    if (previous && follow)
      throw new UsageError('--previous prints a run that has ended: it cannot be followed (drop -f)')
    const client = await this.kubeClient()
    const {printLogs} = await import('../lib/notebook-logs.js')
    const signal = follow ? this.abortSignal() : undefined
    try {
      await printLogs(
        {client, namespace: client.namespace, out: process.stdout, signal, info: line => this.ui.info(line)},
        {name, follow, previous, build, container, ...(tail === undefined ? {} : {tail})},
      )
    } catch (error) {
      // Ctrl-C is how a followed log ends (as with oc logs -f): the signal's exit code, no message.
      if (!signal?.aborted) throw error
    }
    // Ctrl-C is how a followed log ends (as with oc logs -f): the signal's exit code (base command),
    // one progress line, no error.
    const stopped = interruption(signal)
    if (stopped) this.ui.info(`Stopped following the log (${stopped.signal}); the notebook keeps running.`)
  }
}

/** `--tail N`: a whole number of lines, 0 or more (as kubectl's --tail, without its -1 = all). */
export function parseTail(text: string): number {
  if (!/^\d{1,7}$/.test(text)) throw new UsageError(`--tail "${text}": not a number of lines (0 to 9999999)`)
  return Number(text)
}

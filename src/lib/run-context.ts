/** What a command that writes and waits hands to src/lib (BaseCommand.runContext builds it). */
import type {KubeClient} from './cluster/client.js'
import type {Ui} from './ui/ui.js'

export interface RunContext {
  client: KubeClient
  namespace: string
  ui: Ui
  /** the whole command's --timeout; 0 = none */
  timeoutMs: number
  serverDryRun: boolean
  /** aborted on Ctrl-C / SIGTERM */
  signal: AbortSignal
}

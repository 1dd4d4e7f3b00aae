import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {CliError, ExitCode} from '../lib/errors.js'
import {parseInstanceName} from '../lib/values/name.js'

export default class Doctor extends BaseCommand<typeof Doctor> {
  static override summary =
    'Explain what stops a notebook from running under the assigned UID, and how to fix it.'

  static override description = `Inspects the project (and the notebook NAME, when given or found by label) and reports every problem that stops a notebook from running under the project's assigned UID: missing UID-range annotations, anyuid grants, SCC admission failures, pods crash-looping on permissions, images with a root or non-numeric USER, unbound volumes, unadmitted routes, failed builds. Each finding has a stable ID, a severity, the evidence and a copy-paste fix.

--fail-on picks the severity that makes the exit code 1. --exec also runs read-only probes inside the running pod. --dockerfile lints a Dockerfile for arbitrary-UID readiness, offline.`

  static override examples = [
    {description: 'Check the current project and its notebook.', command: 'oc jupyter doctor'},
    {
      description: 'Fail on warnings too, with SARIF output for CI.',
      command: 'oc jupyter doctor --fail-on warning -o sarif',
    },
    {
      description: 'Lint a Dockerfile without a cluster.',
      command: 'oc jupyter doctor --dockerfile ./Dockerfile',
    },
  ]

  static override args = {
    name: Args.string({description: 'Notebook name (default: any notebook found by label).'}),
  }

  static override flags = {
    output: Flags.string({
      char: 'o',
      helpGroup: 'GLOBAL',
      description: 'Output format: text (grouped, with a summary), json, yaml, junit or sarif.',
      options: ['text', 'json', 'yaml', 'junit', 'sarif'],
      default: 'text',
    }),
    'fail-on': Flags.string({
      description: 'Lowest severity that makes the exit code 1.',
      options: ['error', 'warning'],
      default: 'error',
    }),
    exec: Flags.boolean({description: 'Also run read-only probes inside the running notebook pod.'}),
    dockerfile: Flags.string({
      description: 'Lint this Dockerfile for arbitrary-UID readiness (no cluster needed).',
      helpValue: 'PATH',
    }),
  }

  public async run(): Promise<void> {
    if (this.args.name !== undefined) parseInstanceName(this.args.name)
    if (this.flags.dockerfile !== undefined) {
      throw new CliError('doctor --dockerfile is not available yet in this build', ExitCode.Failed)
    }
    throw new CliError('doctor is not available yet in this build', ExitCode.Failed, {
      hint: `oc jupyter status ${this.args.name ?? 'notebook'}`,
    })
  }
}

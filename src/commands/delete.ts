import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {DEFAULT_NOTEBOOK_NAME} from '../lib/values/defaults.js'
import {parseInstanceName} from '../lib/values/name.js'

export default class Delete extends BaseCommand<typeof Delete> {
  static override summary = 'Delete a notebook, keeping its volume and password unless --delete-data.'

  static override description = `Lists the objects it will remove (found by label), asks for confirmation in a terminal (--yes is required without one), and deletes them. The PVC NAME-data and the Secret NAME-password are kept unless --delete-data, so no data is lost by default and a later deploy picks them up again.`

  static override examples = [
    {description: 'Delete the default notebook, keeping its data.', command: 'oc jupyter delete'},
    {
      description: 'Delete everything, without a prompt.',
      command: 'oc jupyter delete lab --delete-data --yes',
    },
  ]

  static override args = {
    name: Args.string({description: `Notebook name (default ${DEFAULT_NOTEBOOK_NAME}).`}),
  }

  static override flags = {
    yes: Flags.boolean({
      char: 'y',
      description: 'Do not ask for confirmation (required when stdin is not a terminal).',
    }),
    'delete-data': Flags.boolean({
      description: 'Also delete the PVC NAME-data and the Secret NAME-password.',
    }),
  }

  public async run(): Promise<void> {
    parseInstanceName(this.args.name ?? DEFAULT_NOTEBOOK_NAME)
    return this.clusterModeUnavailable('delete')
  }
}

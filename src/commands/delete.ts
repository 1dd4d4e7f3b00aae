import {Flags} from '@oclif/core'

import {BaseCommand, notebookArgs} from '../base-command.js'
import {CliError, ExitCode, UsageError} from '../lib/errors.js'

export default class Delete extends BaseCommand<typeof Delete> {
  static override summary = 'Delete a notebook, keeping its volume and password unless --delete-data.'

  static override description = `Lists the objects it will remove (found by label), asks for confirmation in a terminal (--yes is required without one), deletes them and waits until they are gone, like kubectl delete (a claim goes only after the pod using it; --timeout bounds the wait, exit 5). Deleting a notebook whose objects are already gone succeeds; a NAME that never was a notebook here is an error (exit 1, with the names that exist) unless --ignore-not-found. The PVC NAME-data and the Secret NAME-password are kept unless --delete-data, so no data is lost by default and a later deploy picks them up again.`

  static override examples = [
    {description: 'Delete the default notebook, keeping its data.', command: '<%= config.bin %> delete'},
    {
      description: 'Delete everything, without a prompt.',
      command: '<%= config.bin %> delete lab --delete-data --yes',
    },
  ]

  static override args = notebookArgs

  static override flags = {
    yes: Flags.boolean({
      char: 'y',
      description: 'Do not ask for confirmation (required when stdin is not a terminal).',
    }),
    'delete-data': Flags.boolean({
      description: 'Also delete the PVC NAME-data and the Secret NAME-password.',
    }),
    'ignore-not-found': Flags.boolean({
      description:
        'Succeed when no notebook NAME exists (as kubectl delete --ignore-not-found); without it a misspelt NAME is an error.',
    }),
  }

  public async run(): Promise<void> {
    const name = this.notebookName()
    const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY)
    const dryRun = this.globals.dryRun
    // Decided before any request: without a terminal to ask on, only --yes may delete.
    if (!this.flags.yes && !interactive && dryRun === 'none') {
      throw new UsageError('delete needs --yes when stdin is not a terminal (nothing was deleted)', {
        hint: `oc jupyter delete ${name} --yes`,
      })
    }
    const client = await this.kubeClient()
    const {planDelete, executeDelete, waitGone} = await import('../lib/delete.js')
    const ns = client.namespace
    const plan = await planDelete(client, ns, name, this.flags['delete-data'])
    const list = (items: typeof plan.remove) => items.map(f => `${f.kind}/${f.name}`).join(', ')
    if (plan.remove.length === 0 && plan.keep.length === 0 && !this.flags['ignore-not-found']) {
      // A misspelt name must not look like success: `delete notebok --yes` exits 1 naming the notebooks.
      const {noSuchNotebook} = await import('../lib/notebooks.js')
      throw await noSuchNotebook(client, ns, name, 'delete')
    }
    if (plan.remove.length === 0) {
      this.ui.result(
        {name, namespace: ns, deleted: [], kept: plan.keep.map(f => ({kind: f.kind, name: f.name}))},
        () =>
          `Nothing to delete for notebook ${name} in project ${ns}${plan.keep.length ? ` (kept: ${list(plan.keep)})` : ''}.`,
      )
      return
    }
    if (this.flags['delete-data']) {
      this.ui.warn(
        `--delete-data: the notebooks on the volume and the password are deleted too (${list(plan.remove.filter(f => f.kind === 'PersistentVolumeClaim' || f.kind === 'Secret'))})`,
      )
    }
    this.ui.info(`Will delete from project ${ns}: ${list(plan.remove)}`)
    if (plan.keep.length > 0) this.ui.info(`Keeping: ${list(plan.keep)} (--delete-data deletes them too)`)
    const userClaim = plan.userClaim
      ? `PersistentVolumeClaim/${plan.userClaim} is not oc-jupyter's (deploy --existing-claim) and is kept, even with --delete-data; to delete it: oc delete pvc/${plan.userClaim} -n ${ns}`
      : undefined
    if (userClaim) this.ui.info(`Keeping: ${userClaim}`)
    if (dryRun === 'client') {
      this.ui.result(
        {
          name,
          namespace: ns,
          dryRun: 'client',
          wouldDelete: plan.remove.map(f => ({kind: f.kind, name: f.name})),
        },
        () => 'Dry run (client): nothing was deleted.',
      )
      return
    }
    if (
      !this.flags.yes &&
      dryRun === 'none' &&
      !(await confirm(`Delete ${plan.remove.length} objects of notebook ${name}? [y/N] `))
    ) {
      throw new CliError('not confirmed; nothing was deleted', ExitCode.Failed)
    }
    const deleted = await executeDelete(client, ns, plan, {
      dryRun: dryRun === 'server',
      onDeleted: (f, outcome) =>
        this.ui.info(
          `${this.ui.c.green('✔')} ${outcome === 'deleted' ? 'Deleted' : 'Already gone:'} ${f.kind}/${f.name}`,
        ),
    })
    if (dryRun === 'none') {
      await waitGone(
        client,
        ns,
        deleted.filter(d => d.outcome === 'deleted'),
        {
          timeoutMs: this.globals.timeoutMs,
          signal: this.abortSignal(),
          again: `oc jupyter delete ${name} -n ${ns} --yes${this.flags['delete-data'] ? ' --delete-data' : ''}`,
          onWaiting: o =>
            this.ui.info(
              `Waiting for ${o.kind}/${o.name} to be removed${o.kind === 'PersistentVolumeClaim' ? ' (until no pod uses it)' : ''}...`,
            ),
        },
      )
    }
    const result = {
      name,
      namespace: ns,
      dryRun: dryRun === 'server',
      deleted,
      kept: [
        ...plan.keep.map(f => ({kind: f.kind, name: f.name})),
        ...(plan.userClaim ? [{kind: 'PersistentVolumeClaim', name: plan.userClaim}] : []),
      ],
    }
    this.ui.result(result, () =>
      [
        `${dryRun === 'server' ? 'Would delete' : 'Deleted'} ${deleted.length} objects of notebook ${name}.`,
        ...(plan.keep.length > 0
          ? [`Kept ${list(plan.keep)}: oc jupyter deploy ${name} -n ${ns} reuses them.`]
          : []),
        ...(plan.userClaim
          ? [
              `Kept PersistentVolumeClaim/${plan.userClaim} (mounted with --existing-claim, not oc-jupyter's); to delete it: oc delete pvc/${plan.userClaim} -n ${ns}`,
            ]
          : []),
      ].join('\n'),
    )
  }
}

async function confirm(question: string): Promise<boolean> {
  const {createInterface} = await import('node:readline/promises')
  const rl = createInterface({input: process.stdin, output: process.stderr})
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim())
  } finally {
    rl.close()
  }
}

import {Args, Flags} from '@oclif/core'

import {BaseCommand, READ_ONLY} from '../base-command.js'
import type {FailOn} from '../lib/doctor/report.js'
import type {DoctorData, ExecResult} from '../lib/doctor/types.js'
import {ExitCode} from '../lib/errors.js'
import {parseInstanceName} from '../lib/values/name.js'

export default class Doctor extends BaseCommand<typeof Doctor> {
  static override summary =
    'Explain what stops a notebook from running under the assigned UID, and how to fix it.'

  static override description = `Inspects the project (and the notebook NAME, when given or found by label) and reports every problem that stops a notebook from running under the project's assigned UID: missing UID-range annotations, anyuid grants, SCC admission failures, pods crash-looping on permissions, images with a root or non-numeric USER, unbound volumes, unadmitted routes, failed builds. Each finding has a stable ID, a severity, the evidence and a copy-paste fix.

Problems are listed root cause first: findings with one cause (an SCC grant, a template field, a volume, an image) are one problem, its first line the cause and the rest "because of it", ordered along the chain project → SCC grants → admission → volumes → builds → mounts → image. Every check is passed, failed or unknown: unknown when a read it needs was refused (the permission that would allow it is named); a run that cannot read the project at all says "cannot see" and exits 4.

--fail-on picks what makes the exit code 1 besides errors: warning, unknown, or both (--fail-on warning,unknown). --exec also runs read-only probes inside the running pod. --dockerfile lints a Dockerfile for arbitrary-UID readiness, offline.`

  static override examples = [
    {description: 'Check the current project and its notebook.', command: '<%= config.bin %> doctor'},
    {
      description: 'Fail on warnings too, with SARIF output for CI.',
      command: '<%= config.bin %> doctor --fail-on warning -o sarif',
    },
    {
      description: 'In CI, also fail when a check could not see what it needs (a missing permission).',
      command: 'oc jupyter doctor --fail-on warning,unknown -o junit',
    },
    {
      description: 'Lint a Dockerfile without a cluster.',
      command: '<%= config.bin %> doctor --dockerfile ./Dockerfile',
    },
  ]

  static override inapplicable = READ_ONLY

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
      description:
        'What makes the exit code 1: error (always), warning (also warnings), unknown (also checks that could not read what they need); comma-separated.',
      options: ['error', 'warning', 'unknown'],
      multiple: true,
      delimiter: ',',
      default: ['error'],
    }),
    exec: Flags.boolean({description: 'Also run read-only probes inside the running notebook pod.'}),
    dockerfile: Flags.string({
      description: 'Lint this Dockerfile for arbitrary-UID readiness (no cluster needed).',
      helpValue: 'PATH',
    }),
  }

  public async run(): Promise<void> {
    // Validate before any I/O (exit 2, nothing sent).
    const name = this.args.name === undefined ? undefined : parseInstanceName(this.args.name)
    const failOn = this.flags['fail-on'] as FailOn[]
    const {renderDoctor, exitCodeFor} = await import('../lib/doctor/index.js')
    let report
    let checks
    if (this.flags.dockerfile !== undefined) {
      const {readDockerfile, runDockerfileDoctor, DOCKERFILE_CHECKS} = await import('../lib/doctor/index.js')
      const text = readDockerfile(this.flags.dockerfile)
      report = runDockerfileDoctor(this.flags.dockerfile, text)
      checks = DOCKERFILE_CHECKS
    } else {
      const {runClusterDoctor, CLUSTER_CHECKS, EXEC_CHECKS} = await import('../lib/doctor/index.js')
      const client = await this.kubeClient()
      const execProbe = this.flags.exec ? await this.execProber() : undefined
      const run = await this.ui.step(`Inspecting project ${client.namespace}`, () =>
        runClusterDoctor(client, {
          namespace: client.namespace,
          name,
          signal: this.abortSignal(),
          exec: execProbe,
        }),
      )
      report = run.report
      checks = this.flags.exec ? [...CLUSTER_CHECKS, ...EXEC_CHECKS] : CLUSTER_CHECKS
    }
    const format = this.globals.output
    this.ui.result(report, () =>
      renderDoctor(report, format, {checks, file: this.flags.dockerfile, version: this.config.version}),
    )
    // 4: the project could not be seen at all (SPEC.md: never "healthy" when blind); 1: a threshold was met.
    const code = exitCodeFor(report, failOn)
    if (code === 4) this.exit(ExitCode.Forbidden)
    if (code !== 0) this.exit(ExitCode.Failed)
  }

  /** The --exec prober: client-node's Exec over the same kubeconfig context. */
  private async execProber(): Promise<(data: DoctorData) => Promise<ExecResult | undefined>> {
    const ctx = await this.kubeContext()
    const {probeNotebookPod} = await import('../lib/doctor/exec.js')
    return data => probeNotebookPod(ctx.kc, data, {signal: this.abortSignal()})
  }
}

import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {renderBuildObjects} from '../lib/render/build.js'
import {
  DEFAULT_BASE_IMAGE,
  DEFAULT_BUILD_MEMORY,
  DEFAULT_BUILD_NAME,
  DEFAULT_IMAGE,
  DEFAULT_REF,
  DEFAULT_REPO,
} from '../lib/values/defaults.js'
import {parseBuildOptions} from '../lib/values/build-options.js'

export default class Build extends BaseCommand<typeof Build> {
  static override summary = 'Build the S2I Jupyter builder image, or a notebook image from a repository.'

  static override description = `Creates or updates (server-side apply) the base image stream, the builder image stream NAME (annotated as an S2I builder, lookupPolicy.local) and BuildConfig NAME (Docker strategy from the base image stream tag, ConfigChange and ImageChange triggers), then follows the build and waits for it.

Exactly one build per run: the one a trigger started (ConfigChange when the BuildConfig is created, ImageChange when a new base image was imported), else one started with buildconfigs/NAME/instantiate when the BuildConfig changed, the last build failed, or --rebuild is given. Failed, Error and Cancelled builds exit 1 with the reason and the end of the log; --timeout exits 5 and the build keeps running.

The repository defaults to ${DEFAULT_REPO}#${DEFAULT_REF} (the recipe's builder): its s2i/ scripts are built with oc-jupyter's own Dockerfile (the BuildConfig's source.dockerfile), because the branch's Dockerfile installs libav-tools, which Ubuntu no longer has, and its run script cannot hash a password on Notebook 7. Ours keeps what the branch means (S2I labels, the s2i scripts, numeric USER 1000, the run script as CMD) on ${DEFAULT_BASE_IMAGE}, with ffmpeg instead of libav-tools and a group-0 writable home. --upstream-dockerfile builds the branch's own Dockerfile unchanged (the recipe exactly; it fails today). Give another repository with --repo/--ref or as an argument, in the URL#ref form oc new-build takes: its own Dockerfile is built.

--from-source GIT_URL[#ref] builds a notebook image instead: an S2I Source build that runs the builder over a repository of notebooks and requirements.txt. The output image stream is named after the repository unless NAME is given.`

  static override examples = [
    {
      description: 'Build the default builder image (s2i-minimal-notebook) and follow the build.',
      command: '<%= config.bin %> build',
    },
    {
      description: 'Show what would be created, without a cluster.',
      command: '<%= config.bin %> build --dry-run=client -o yaml',
    },
    {
      description: 'Build from a fork and branch, in URL#ref form.',
      command: '<%= config.bin %> build https://github.com/me/s2i-minimal-notebook.git#main',
    },
    {
      description: 'Use another docker-stacks base image.',
      command: '<%= config.bin %> build --base-image quay.io/jupyter/scipy-notebook:2025-12-31',
    },
    {
      description: "Build the recipe's branch with its own Dockerfile, unchanged.",
      command: '<%= config.bin %> build --upstream-dockerfile',
    },
    {
      description: 'Build a notebook image with your notebooks and requirements.txt.',
      command: '<%= config.bin %> build --from-source https://github.com/me/my-notebooks.git',
    },
  ]

  static override args = {
    name: Args.string({
      description: `Image stream and BuildConfig name (default ${DEFAULT_BUILD_NAME}); a Git URL here is taken as the repository.`,
    }),
    repo: Args.string({description: 'Git repository URL[#ref] (same as --repo).'}),
  }

  static override flags = {
    repo: Flags.string({
      description: `Git repository of the builder, optionally URL#ref (default ${DEFAULT_REPO}).`,
      helpValue: 'URL',
    }),
    ref: Flags.string({
      description: `Branch, tag or commit (default ${DEFAULT_REF} with the default repository).`,
      helpValue: 'REF',
    }),
    'context-dir': Flags.string({
      description: 'Directory inside the repository to build from.',
      helpValue: 'DIR',
    }),
    'base-image': Flags.string({
      description: `Base image the Dockerfile builds on (default ${DEFAULT_BASE_IMAGE}).`,
      helpValue: 'IMAGE',
    }),
    'build-memory': Flags.string({
      description: 'Memory limit of the build pod.',
      default: DEFAULT_BUILD_MEMORY,
      helpValue: 'SIZE',
    }),
    'from-source': Flags.string({
      description: 'Build a notebook image from this repository of notebooks with the builder (S2I).',
      helpValue: 'URL',
    }),
    builder: Flags.string({
      description: `Builder image stream tag for --from-source (default ${DEFAULT_IMAGE}).`,
      helpValue: 'STREAM:TAG',
    }),
    rebuild: Flags.boolean({description: 'Start a new build even when the configuration did not change.'}),
    follow: Flags.boolean({
      description: 'Stream the build log (default: when stderr is a terminal).',
      allowNo: true,
    }),
    'upstream-dockerfile': Flags.boolean({
      description: `Build the repository's own Dockerfile instead of oc-jupyter's (only for ${DEFAULT_REPO}; the recipe exactly).`,
    }),
    wait: Flags.boolean({
      description: 'Wait for the build to finish (--no-wait returns once it started).',
      allowNo: true,
      default: true,
    }),
  }

  public async run(): Promise<void> {
    const opts = parseBuildOptions(this.args, this.flags, this.globals.namespace)
    if (this.globals.dryRun === 'client') return this.printRendered(renderBuildObjects(opts), 'build')
    const client = await this.kubeClient()
    const {runBuild, formatBuildResult} = await import('../lib/image-build/run.js')
    const result = await runBuild(
      {
        client,
        namespace: client.namespace,
        ui: this.ui,
        timeoutMs: this.globals.timeoutMs,
        startedAt: this.startedAt,
        serverDryRun: this.globals.dryRun === 'server',
        logOut: process.stdout,
        signal: this.abortSignal(),
      },
      opts,
    )
    this.ui.result(result, () => formatBuildResult(result))
  }
}

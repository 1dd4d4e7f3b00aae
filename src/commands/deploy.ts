import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {UsageError} from '../lib/errors.js'
import {DEFAULT_OAUTH_PROXY_IMAGE} from '../lib/render/oauth.js'
import {renderDeployObjects} from '../lib/render/notebook.js'
import {randomPassword} from '../lib/render/secret.js'
import {readSecretFromStdin} from '../lib/ui/input.js'
import {
  DEFAULT_IMAGE,
  DEFAULT_INSECURE_POLICY,
  DEFAULT_MEMORY,
  DEFAULT_MOUNT_PATH,
  DEFAULT_NOTEBOOK_NAME,
  DEFAULT_SERVICE_ACCOUNT,
  DEFAULT_VOLUME_SIZE,
} from '../lib/values/defaults.js'
import {parseDeployOptions} from '../lib/values/deploy-options.js'

export default class Deploy extends BaseCommand<typeof Deploy> {
  static override summary =
    'Deploy a password-protected Jupyter notebook with a persistent volume, under the assigned UID.'

  static override description = `Applies Secret NAME-password (a random password, created only when absent), PVC NAME-data, Service NAME, an edge-TLS Route NAME and Deployment NAME (Recreate, restricted-v2 security context, no runAsUser/fsGroup: the project assigns the UID). Unless --keep-anyuid, removes every grant of the anyuid SCC to the service account — a RoleBinding or ClusterRoleBinding of any name whose role grants use of it, or the SCC's users — and says what it removed; a grant it may not change, or that also reaches others (a group, a role with more permissions), is reported with the exact command for an administrator. Then waits for the rollout and the Route, and prints the URL. A re-run with the same flags changes nothing; a volume is never shrunk.

While waiting it shows why the pod is not ready (waiting reasons, Warning events). A crash loop, a container config error or an SCC rejection (FailedCreate) ends the deploy with exit 1, the evidence and an <%= config.bin %> doctor hint; --timeout ends the wait with exit 5.

The password is never printed: read it with <%= config.bin %> password NAME. A new password (--password-from-stdin, --rotate-password) restarts the pod.

With --dry-run=client nothing is sent and no kubeconfig is needed: -o yaml or -o json prints a v1 List of the objects (with a fresh random password in the Secret).`

  static override examples = [
    {description: 'Deploy notebook from the builder image stream tag.', command: '<%= config.bin %> deploy'},
    {description: 'Build the builder image first, then deploy.', command: '<%= config.bin %> deploy --build'},
    {
      description:
        'Log in with OpenShift accounts instead of a shared password (like OpenShift AI workbenches).',
      command: '<%= config.bin %> deploy --auth openshift',
    },
    {
      description: 'Run a docker-stacks image straight from its registry (no build).',
      command: '<%= config.bin %> deploy lab --image quay.io/jupyter/scipy-notebook:2025-12-31',
    },
    {
      description: 'Show the objects without a cluster.',
      command: '<%= config.bin %> deploy --dry-run=client -o yaml',
    },
    {
      description: 'A bigger volume, more memory and an extra variable.',
      command: '<%= config.bin %> deploy lab --volume-size 10Gi --memory 4Gi --env JUPYTER_ENABLE_LAB=true',
    },
    {
      description: 'Set the password yourself.',
      command: 'printf %s "$PASSWORD" | <%= config.bin %> deploy --password-from-stdin',
    },
  ]

  static override args = {
    name: Args.string({
      description: `Notebook name (default ${DEFAULT_NOTEBOOK_NAME}); also names NAME-data and NAME-password.`,
    }),
  }

  static override flags = {
    image: Flags.string({
      description:
        'Image stream tag in this project to run, or an image in a registry (REGISTRY/PATH:TAG), which is imported into image stream PATH-last-part:TAG and run from there.',
      default: DEFAULT_IMAGE,
      helpValue: 'STREAM:TAG|IMAGE',
    }),
    'volume-size': Flags.string({
      description: `Size of the persistent volume (1Gi, 1G, 500Mi): ${DEFAULT_VOLUME_SIZE} for a new claim; an existing claim keeps its size unless a larger one is given; never shrunk.`,
      helpValue: 'SIZE',
    }),
    'access-mode': Flags.string({
      description: `Volume access mode of a new claim: ReadWriteOnce (RWO, default), ReadWriteOncePod (RWOP) or ReadWriteMany (RWX). Fixed once the claim exists.`,
      helpValue: 'MODE',
    }),
    'storage-class': Flags.string({
      description:
        "Storage class of a new claim (default: the cluster's default). Fixed once the claim exists.",
      helpValue: 'NAME',
    }),
    'existing-claim': Flags.string({
      description:
        'Mount this existing claim (e.g. made by oc set volume for a notebook you migrate) instead of creating NAME-data. It is never resized or deleted; re-runs keep it.',
      helpValue: 'CLAIM',
    }),
    'mount-path': Flags.string({
      description: 'Where the volume is mounted; also PERSISTENT_VOLUME_ROOTDIR.',
      default: DEFAULT_MOUNT_PATH,
      helpValue: 'PATH',
    }),
    env: Flags.string({
      description: 'Extra environment variable KEY=VALUE (repeatable).',
      multiple: true,
      multipleNonGreedy: true,
      helpValue: 'KEY=VALUE',
    }),
    memory: Flags.string({
      description: 'Memory request and limit.',
      default: DEFAULT_MEMORY,
      helpValue: 'SIZE',
    }),
    cpu: Flags.string({
      description: 'CPU request and limit (e.g. 500m, 2); default: none.',
      helpValue: 'CPU',
    }),
    hostname: Flags.string({
      description: 'Host name of the Route (default: generated by the router).',
      helpValue: 'HOST',
    }),
    'insecure-policy': Flags.string({
      description: 'What the Route does with plain http: Redirect, Allow or None.',
      default: DEFAULT_INSECURE_POLICY,
      helpValue: 'POLICY',
    }),
    'service-account': Flags.string({
      description: `Service account of the pod (anyuid grants to it are removed); default ${DEFAULT_SERVICE_ACCOUNT}, or NAME with --auth openshift.`,
      helpValue: 'NAME',
    }),
    'deployment-config': Flags.boolean({
      description: 'Create a DeploymentConfig instead of a Deployment (OpenShift 3.x).',
    }),
    'keep-anyuid': Flags.boolean({description: 'Do not remove anyuid SCC grants from the service account.'}),
    build: Flags.boolean({description: 'Run <%= config.bin %> build first for the image stream in --image.'}),
    'password-from-stdin': Flags.boolean({
      description: 'Set the password from stdin (replaces an existing one).',
    }),
    'rotate-password': Flags.boolean({description: 'Replace the password with a new random one.'}),
    start: Flags.boolean({
      description:
        'Start the notebook if it is stopped (<%= config.bin %> stop); without it a re-run applies changes and keeps a stopped notebook stopped.',
    }),
    auth: Flags.string({
      description:
        'How people log in: password (the Secret NAME-password, default) or openshift (their OpenShift account through an oauth-proxy sidecar; anyone who may view the project gets in). A re-run with the other mode switches; no data or Secret is lost.',
      options: ['password', 'openshift'],
      helpValue: 'MODE',
    }),
    'oauth-proxy-image': Flags.string({
      description: `oauth-proxy image for --auth openshift (default: the cluster's image stream openshift/oauth-proxy:v4.4, else ${DEFAULT_OAUTH_PROXY_IMAGE}).`,
      helpValue: 'IMAGE',
    }),
  }

  public async run(): Promise<void> {
    const opts = parseDeployOptions(this.args, this.flags, this.globals.namespace)
    if (this.globals.dryRun === 'client') {
      if (opts.password === 'rotate') {
        // A client dry run never reads the existing Secret: its output always holds a fresh password.
        throw new UsageError(
          '--rotate-password changes the password on the cluster; a client dry run renders a fresh one anyway: drop one of them',
        )
      }
      const password =
        opts.password === 'stdin' ? await readSecretFromStdin('--password-from-stdin') : randomPassword()
      return this.printRendered(renderDeployObjects(opts, password), 'deploy')
    }
    // Read before any request: an empty or multi-line password is a usage error (exit 2).
    const stdinPassword =
      opts.password === 'stdin' ? await readSecretFromStdin('--password-from-stdin') : undefined
    const client = await this.kubeClient()
    const {runDeploy, formatDeployResult} = await import('../lib/deploy/run.js')
    const signal = this.abortSignal()
    const timeoutMs = this.globals.timeoutMs
    const serverDryRun = this.globals.dryRun === 'server'
    const build = opts.build
    const result = await runDeploy(
      {
        client,
        namespace: client.namespace,
        ui: this.ui,
        timeoutMs,
        startedAt: this.startedAt,
        serverDryRun,
        readPassword: async () => stdinPassword as string,
        signal,
        runBuild:
          build === undefined
            ? undefined
            : async () => {
                const {runBuild} = await import('../lib/image-build/run.js')
                return runBuild(
                  {
                    client,
                    namespace: client.namespace,
                    ui: this.ui,
                    timeoutMs,
                    startedAt: this.startedAt,
                    serverDryRun,
                    logOut: process.stdout,
                    signal,
                  },
                  build,
                )
              },
      },
      opts,
    )
    this.ui.result(result, () => formatDeployResult(result))
  }
}

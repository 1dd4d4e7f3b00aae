import {Args, Flags} from '@oclif/core'

import {BaseCommand, type Inapplicable} from '../base-command.js'
import {parseName} from '../lib/values/name.js'
import {renderBuilderImageStream} from '../lib/render/imagestream.js'
import {toYaml} from '../lib/render/serialize.js'
import {DEFAULT_BUILD_NAME} from '../lib/values/defaults.js'
import {parseImageStreamOptions} from '../lib/values/imagestream-options.js'

export default class ImageStream extends BaseCommand<typeof ImageStream> {
  static override summary =
    'Print (or apply) the builder image stream, annotated so the console lists it as an S2I builder.'

  static override description = `Prints the image stream NAME as YAML (or JSON with -o json), with the builder annotations: openshift.io/display-name on the stream; display-name, description, iconClass, tags (builder,python,jupyter), supports, sampleRepo and version on the tag.

--apply applies it instead. Only image streams in the openshift namespace appear in the OpenShift 4 Developer Catalog: --apply -n openshift does that (cluster-admin).`

  static override examples = [
    {description: 'Print the annotated builder image stream.', command: '<%= config.bin %> imagestream'},
    {
      description: 'Add it to the Developer Catalog for everyone (cluster-admin).',
      command: '<%= config.bin %> imagestream --apply -n openshift',
    },
    {description: 'Apply it in the current project.', command: '<%= config.bin %> imagestream --apply'},
  ]

  static override args = {
    name: Args.string({description: `Image stream name (default ${DEFAULT_BUILD_NAME}).`}),
  }

  static override inapplicable: Inapplicable = {
    timeout: {why: 'it does not wait (use --request-timeout to bound each request)'},
  }

  static override flags = {
    apply: Flags.boolean({description: 'Apply the image stream instead of printing it.'}),
    'source-project': Flags.string({
      description:
        'Project where the builder was built; the applied tag tracks NAME:latest there (default: the current project, when -n names another).',
      helpValue: 'NS',
    }),
  }

  public async run(): Promise<void> {
    const opts = parseImageStreamOptions(this.args, this.flags, this.globals)
    const stream = renderBuilderImageStream(opts)
    if (!opts.apply || this.globals.dryRun === 'client') {
      this.ui.result(stream, () => toYaml(stream))
      return
    }
    const source = this.flags['source-project']
    if (source !== undefined) parseName(source, {label: '--source-project', rule: 'dns1123-label'})
    const client = await this.kubeClient()
    const ctx = await this.kubeContext()
    const {applyBuilderStream, formatImageStreamResult} = await import('../lib/imagestream.js')
    const result = await applyBuilderStream(client, {
      name: opts.name,
      namespace: client.namespace,
      // With -n openshift (or another project), track the builder built in the current project.
      sourceNamespace: source ?? ctx.kc.getContextObject(ctx.contextName)?.namespace,
      dryRun: this.globals.dryRun === 'server',
    })
    this.ui.result(result, () => formatImageStreamResult(result))
  }
}

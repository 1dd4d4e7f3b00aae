import {renderBuildConfig} from './buildconfig.js'
import {renderBaseImageStream, renderBuilderImageStream, renderImageStream} from './imagestream.js'
import type {BuildParams} from './params.js'
import type {KObject} from './types.js'

/**
 * What `build` applies, in apply order (streams before the BuildConfig whose triggers resolve
 * them): base ImageStream, builder ImageStream, BuildConfig — or, for `--from-source`, the output
 * ImageStream and the BuildConfig.
 */
export function renderBuildObjects(p: BuildParams): KObject[] {
  if (p.strategy.type === 'Docker') {
    const {base} = p.strategy
    return [
      renderBaseImageStream({
        namespace: p.namespace,
        stream: base.stream,
        tag: base.tag,
        image: base.image,
      }),
      renderBuilderImageStream({name: p.name, namespace: p.namespace, tag: p.outputTag}),
      renderBuildConfig(p),
    ]
  }
  return [
    renderImageStream({name: p.name, namespace: p.namespace, component: 'notebook-image'}),
    renderBuildConfig(p),
  ]
}

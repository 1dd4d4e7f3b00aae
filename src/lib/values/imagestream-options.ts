import {UsageError} from '../errors.js'
import {DEFAULT_BUILD_NAME} from './defaults.js'
import {parseStreamName} from './name.js'

export interface ImageStreamOptions {
  name: string
  namespace?: string
  /** apply it to the cluster instead of printing it */
  apply: boolean
}

export function parseImageStreamOptions(
  args: {name?: string},
  flags: {apply?: boolean},
  ctx: {namespace?: string; dryRun: 'none' | 'client' | 'server'},
): ImageStreamOptions {
  const name = parseStreamName(args.name ?? DEFAULT_BUILD_NAME)
  if (ctx.dryRun === 'server' && !flags.apply) {
    throw new UsageError('--dry-run=server needs --apply: without it nothing is sent anyway')
  }
  return {
    name,
    ...(ctx.namespace === undefined ? {} : {namespace: ctx.namespace}),
    apply: flags.apply ?? false,
  }
}

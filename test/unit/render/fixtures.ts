import {parseBuildOptions} from '../../../src/lib/values/build-options.js'
import {parseDeployOptions, type DeployFlags} from '../../../src/lib/values/deploy-options.js'

export const PASSWORD = 'test-password-0123456789abcdef'

export const LABEL_KEYS = [
  'app',
  'app.kubernetes.io/instance',
  'app.kubernetes.io/component',
  'app.kubernetes.io/part-of',
  'app.kubernetes.io/managed-by',
]

export const deployOpts = (flags: DeployFlags = {}, name?: string, ns?: string) =>
  parseDeployOptions(name === undefined ? {} : {name}, flags, ns)

export const buildOpts = (args: {name?: string; repo?: string} = {}, flags = {}, ns?: string) =>
  parseBuildOptions(args, flags, ns)

/** Walks a value by a dotted/indexed path like `spec.template.spec.containers.0.name`. */
export function at(obj: unknown, path: string): any {
  return path.split('.').reduce<any>((o, k) => (o === undefined || o === null ? undefined : o[k]), obj)
}

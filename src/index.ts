/**
 * Package entry (`main`). The CLI itself starts from bin/run.js; this exposes oclif's `run` and the
 * pure parts — value parsers and renderers — for programs that want the same objects.
 */
export {run} from '@oclif/core'
export * as render from './lib/render/index.js'
export * as values from './lib/values/index.js'

#!/usr/bin/env node
/**
 * Writes oclif.manifest.json (what `oclif manifest` does, without the oclif CLI as a dependency):
 * load this package as a plugin while ignoring any existing manifest, so every command class is
 * imported once here, and store the resulting manifest. At run time oclif then reads flags, help
 * and command ids from this file instead of importing every command — which keeps `--version` and
 * `--help` fast. Runs after tsc (it loads dist/commands); the file is gitignored.
 */
import {Plugin} from '@oclif/core'
import {writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const plugin = new Plugin({
  root,
  type: 'core',
  isRoot: true,
  ignoreManifest: true,
  errorOnManifestCreate: true,
})
await plugin.load()
const ids = Object.keys(plugin.manifest.commands)
if (ids.length === 0) {
  console.error('oclif-manifest: no commands found under dist/commands; did tsc run?')
  process.exit(1)
}
writeFileSync(join(root, 'oclif.manifest.json'), `${JSON.stringify(plugin.manifest, null, 2)}\n`)
console.log(`oclif.manifest.json: ${ids.length} commands (${ids.sort().join(', ')})`)

#!/usr/bin/env node
/**
 * Writes oclif.manifest.json (what `oclif manifest` does, without the oclif CLI as a dependency):
 * load this package as a plugin while ignoring any existing manifest, so every command class is
 * imported once here, and store the resulting manifest. At run time oclif then reads flags, help
 * and command ids from this file instead of importing every command — which keeps `--version` and
 * `--help` fast. Runs after tsc (it loads dist/commands); the file is gitignored.
 */
import {Plugin} from '@oclif/core'
import {spawn} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
// Each command bundle carries its own copy of oclif's command module, which adds an `error` listener
// to process.stdout as it loads: loading them all in one process is not a leak.
process.stdout.setMaxListeners(0)
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

// Pre-render help for bin/run.js's fast path: the root help and each command's, exactly as oclif
// prints them to a pipe (80 columns, no colour), under each name the CLI is run as (package.json
// `bin`: `oc jupyter`, `kubectl jupyter`), from that executable. Two at a time: each is a process.
const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const env = {...process.env, OC_JUPYTER_NO_FAST_PATH: '1', NO_COLOR: '1'}
delete env.OCLIF_COLUMNS
delete env.FORCE_COLOR
// (kubectl_complete-jupyter only answers completions: no help of its own)
const jobs = Object.entries(pjson.bin)
  .filter(([exe]) => !exe.startsWith('kubectl_complete-'))
  .flatMap(([exe, file]) => ['', ...ids].map(key => ({bin: exe.replace('-', ' '), file, key})))
const help = {}
const render = async ({bin, file, key}) => {
  const args = key === '' ? ['--help'] : [key, '--help']
  const r = await new Promise(resolve => {
    const child = spawn(process.execPath, [join(root, file), ...args], {env})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', d => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', d => (stderr += d))
    child.on('close', status => resolve({status, stdout, stderr}))
  })
  if (r.status !== 0) {
    console.error(`oclif-manifest: ${file} ${args.join(' ')} failed:\n${r.stderr}`)
    process.exit(1)
  }
  ;(help[bin] ??= {})[key] = r.stdout
}
const queue = [...jobs]
await Promise.all(
  [1, 2].map(async () => {
    while (queue.length > 0) await render(queue.shift())
  }),
)
writeFileSync(join(root, 'dist', 'help-cache.json'), `${JSON.stringify(help)}\n`)
console.log(`dist/help-cache.json: help for ${ids.length + 1} entries as ${Object.keys(help).join(', ')}`)

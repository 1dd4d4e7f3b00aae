// Runs one command from its bundle (dist/commands/<id>.js) the way oclif's `execute` does for a known
// command id: Config.runCommand → `Command.run(argv, config)` → init (parse) / run / catch / finally,
// and oclif's `handle` for an error that escapes (bin/run.js). What is skipped is oclif's Config.load
// — reading plugins, manifests and themes to find this same command — and the hooks it would run:
// this package registers none. The config below carries what the command path reads of a loaded
// oclif Config (scripts/build.mjs keeps the rest of oclif out of the command bundles).
import {fileURLToPath} from 'node:url'

/** The parts of oclif's Config that Command, its parser and our commands read. */
export function commandConfig(pjson) {
  const bin = pjson.oclif.bin
  const scopedEnvVarKeys = k =>
    [bin].map(alias => [alias.replaceAll('@', '').replaceAll(/[/-]/g, '_'), k].join('_').toUpperCase())
  return {
    name: pjson.name,
    version: pjson.version,
    pjson,
    bin,
    root: fileURLToPath(new URL('..', import.meta.url)),
    platform: process.platform,
    arch: process.arch,
    userAgent: `${pjson.name}/${pjson.version} ${process.platform}-${process.arch} node-${process.version}`,
    topicSeparator: pjson.oclif.topicSeparator ?? ':',
    // No hooks: `preparse` leaves argv as it is.
    async runHook() {
      return {successes: [], failures: []}
    },
    scopedEnvVarKeys,
    scopedEnvVarKey: k => scopedEnvVarKeys(k)[0],
    scopedEnvVar: k => process.env[scopedEnvVarKeys(k).find(key => process.env[key])],
    scopedEnvVarTrue(k) {
      const v = this.scopedEnvVar(k)
      return v === '1' || v === 'true'
    },
  }
}

export async function runCommand(id, argv, pjson) {
  try {
    const {default: Cmd} = await import(`../dist/commands/${id}.js`)
    Cmd.id = id
    // Resolves after the command's own catch (BaseCommand.catch sets process.exitCode).
    await Cmd.run(argv, commandConfig(pjson))
  } catch (error) {
    const {handle} = await import('../dist/oclif.js')
    await handle(error)
  }
}

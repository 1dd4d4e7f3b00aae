// Runs one command from its bundle (dist/commands/<id>.cjs) the way oclif's `execute` does for a known
// command id: Config.runCommand → `Command.run(argv, config)` → init (parse) / run / catch / finally,
// and oclif's `handle` for an error that escapes (bin/run.js). What is skipped is oclif's Config.load
// — reading plugins, manifests and themes to find this same command — and the hooks it would run:
// this package registers none. The config below carries what the command path reads of a loaded
// oclif Config (scripts/build.mjs keeps the rest of oclif out of the command bundles).
'use strict'
const {mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync} = require('node:fs')
const nodeModule = require('node:module')
const {homedir} = require('node:os')
const path = require('node:path')
const vm = require('node:vm')

/** The parts of oclif's Config that Command, its parser and our commands read. */
function commandConfig(pjson, bin = pjson.oclif.bin) {
  // as oclif's Config.scopedEnvVarKeys with bin and binAliases (bin/run.js): OC_JUPYTER_* either way
  const scopedEnvVarKeys = k =>
    [...new Set([bin, pjson.oclif.bin])].map(alias =>
      [alias.replaceAll('@', '').replaceAll(/[/-]/g, '_'), k].join('_').toUpperCase(),
    )
  return {
    name: pjson.name,
    version: pjson.version,
    pjson,
    bin,
    root: path.join(__dirname, '..'),
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
    // the commands as oclif's Config lists them (completion reads their flags): from the manifest
    get commands() {
      const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', 'oclif.manifest.json'), 'utf8'))
      return Object.values(manifest.commands)
    },
    scopedEnvVarTrue(k) {
      const v = this.scopedEnvVar(k)
      return v === '1' || v === 'true'
    },
  }
}

/**
 * Where compiled code is kept between runs (Node's own compile cache on Node >= 22.1, ours below on
 * older Nodes); NODE_DISABLE_COMPILE_CACHE turns both off, as it does Node's.
 */
function compileCacheDir(env = process.env) {
  if (env.NODE_DISABLE_COMPILE_CACHE) return undefined
  return path.join(env.XDG_CACHE_HOME || path.join(homedir(), '.cache'), 'oc-jupyter', 'compile-cache')
}

/**
 * Loads a CommonJS bundle. Compiling it is a good part of a quick command's start-up, so the code V8
 * compiled is kept between runs (what Node 22's module.enableCompileCache does; Node 20 has no such
 * API): the first run writes it as it exits, the next ones skip most of the compiling. The cache is
 * keyed by the bundle's hash (`hash`, from dist/commands.json, computed by the build) and the Node
 * version and architecture; V8 refuses a cache of another V8 or other flags by itself. A cache that
 * cannot be read or written is no cache. With source maps on (--verbose), Node's own loader runs the
 * bundle, which maps stack traces.
 */
function loadBundle(file, {hash, sourceMaps = false} = {}) {
  const require = nodeModule.createRequire(file)
  const dir = compileCacheDir()
  if (!dir || !hash || sourceMaps) return require(file)
  if (typeof nodeModule.enableCompileCache === 'function') {
    nodeModule.enableCompileCache(dir)
    return require(file)
  }
  // ASCII (scripts/build.mjs): as latin1, the bytes are the characters — no UTF-8 decoding
  const source = readFileSync(file, 'latin1')
  const name = path.basename(file, path.extname(file))
  const suffix = `${process.version}-${process.arch}.v8`
  const cacheFile = path.join(dir, `${name}-${hash}-${suffix}`)
  let cachedData
  try {
    cachedData = readFileSync(cacheFile)
  } catch {
    cachedData = undefined
  }
  const wrapper = `(function (exports, require, module, __filename, __dirname) { ${source}\n})`
  const script = new vm.Script(wrapper, {filename: file, cachedData})
  if (!cachedData || script.cachedDataRejected) {
    // At exit, so that the functions this run compiled lazily are in it too.
    process.once('exit', () => writeCompileCache(dir, `${name}-`, suffix, cacheFile, script))
  }
  const module = {exports: {}, filename: file, id: file, loaded: false}
  script.runInThisContext().call(module.exports, module.exports, require, module, file, path.dirname(file))
  module.loaded = true
  return module.exports
}

function writeCompileCache(dir, prefix, suffix, cacheFile, script) {
  try {
    mkdirSync(dir, {recursive: true, mode: 0o700})
    const tmp = `${cacheFile}.${process.pid}`
    writeFileSync(tmp, script.createCachedData())
    renameSync(tmp, cacheFile)
    // the caches of this command's earlier bundles (an upgrade) are of no further use; one written
    // lately may belong to another installation still in use
    const stale = Date.now() - 24 * 3600_000
    for (const f of readdirSync(dir)) {
      const other = path.join(dir, f)
      if (
        f.startsWith(prefix) &&
        f.endsWith(suffix) &&
        other !== cacheFile &&
        statSync(other).mtimeMs < stale
      ) {
        rmSync(other, {force: true})
      }
    }
  } catch {
    // read-only or full home: the next run compiles again
  }
}

async function runCommand(id, argv, pjson, {bin, hash, sourceMaps = false} = {}) {
  try {
    const file = path.join(__dirname, '..', 'dist', 'commands', `${id}.cjs`)
    const Cmd = loadBundle(file, {hash, sourceMaps}).default
    Cmd.id = id
    // Resolves after the command's own catch (BaseCommand.catch sets process.exitCode).
    await Cmd.run(argv, commandConfig(pjson, bin))
  } catch (error) {
    const {handle} = await import('../dist/oclif.js')
    await handle(error)
  }
}

module.exports = {commandConfig, compileCacheDir, loadBundle, runCommand}

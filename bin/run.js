#!/usr/bin/env node
// The CLI's entry. Start-up is most of what a quick command costs (SPEC.md §Quality bars, issue #12),
// so this file decides what to load:
// - `--version`, and `--help` to a pipe, are answered from package.json and from help text the build
//   pre-rendered with oclif itself (dist/help-cache.json, scripts/oclif-manifest.mjs): oclif wraps at
//   80 columns and prints no colour there, so the bytes are identical.
// - A command (`status ...`) loads its own bundle (dist/commands/<id>.cjs, see scripts/build.mjs) and
//   runs it the way oclif's `execute` would, minus the plugin discovery that finds what is known at
//   build time: no hooks are registered, no plugins installed (bin/command.js).
// - Everything else (help in a terminal, `help`, unknown commands) goes to oclif (dist/oclif.js).
// OC_JUPYTER_NO_FAST_PATH=1 sends everything to oclif (the build uses it to render the help cache).
//
// bin/ is CommonJS (bin/package.json): an ES module entry starts Node's ES module loader, which
// reads files on libuv's thread pool — four more threads to start and to join at exit, on every
// run. A command never needs it: its bundle is CommonJS too.
'use strict'
const {readFileSync} = require('node:fs')
const path = require('node:path')

const root = path.join(__dirname, '..')
const argv = process.argv.slice(2)
const read = rel => JSON.parse(readFileSync(path.join(root, rel), 'utf8'))
const pjson = read('package.json')

// The name the CLI gives itself in usage, examples and help: each executable of package.json `bin`
// (oc-jupyter → `oc jupyter`, kubectl-jupyter → `kubectl jupyter`, the plugin names oc and kubectl
// look up on PATH; kubectl_complete-jupyter completes for `kubectl jupyter`) is its own file here,
// so this holds through npm's links, Windows shims and krew.
const invokedAs = Object.entries(pjson.bin).find(
  ([, file]) => path.join(root, file) === (require.main ?? module).filename,
)?.[0]
const bin = invokedAs
  ? invokedAs.replace(/^kubectl_complete-/, 'kubectl-').replace('-', ' ')
  : pjson.oclif.bin

// Stack traces (--verbose, DEBUG) name the TypeScript sources; the source maps are read only then.
const sourceMaps = argv.includes('--verbose') || Boolean(process.env.DEBUG)
if (sourceMaps) process.setSourceMapsEnabled(true)

const fastPath = !process.env.OC_JUPYTER_NO_FAST_PATH

if (fastPath && argv.length === 1 && argv[0] === '--version') {
  const {name, version} = pjson
  process.stdout.write(`${name}/${version} ${process.platform}-${process.arch} node-${process.version}\n`)
  process.exit(0)
}

if (fastPath && !process.stdout.isTTY && !process.env.OCLIF_COLUMNS) {
  const key =
    argv.length === 0 || (argv.length === 1 && (argv[0] === '--help' || argv[0] === 'help'))
      ? ''
      : argv.length === 2 && argv[1] === '--help'
        ? argv[0]
        : argv.length === 2 && argv[0] === 'help'
          ? argv[1]
          : undefined
  let cache
  try {
    if (key !== undefined) cache = read('dist/help-cache.json')
  } catch {
    // no cache (partial build): oclif renders it
  }
  if (cache && typeof cache[bin]?.[key] === 'string') {
    process.stdout.write(cache[bin][key])
    process.exit(0)
  }
}

/** oclif's rule (main.js helpAddition): `--help` anywhere before `--` shows help instead of running. */
function helpRequested(args) {
  for (const a of args) {
    if (a === '--help') return true
    if (a === '--') return false
  }
  return false
}

/** The commands with a bundle of their own: {id: hash of the bundle} (scripts/build.mjs). */
let commands = {}
try {
  commands = fastPath ? read('dist/commands.json') : {}
} catch {
  // a partial build: oclif finds the commands itself
}

if (argv.length > 0 && Object.hasOwn(commands, argv[0]) && !helpRequested(argv)) {
  const {runCommand} = require('./command.js')
  runCommand(argv[0], argv.slice(1), pjson, {bin, hash: commands[argv[0]], sourceMaps})
} else {
  import('../dist/oclif.js').then(({execute, settings}) => {
    // dist/ is compiled: without this, NODE_ENV=development|test (a developer's shell, vitest) makes
    // oclif look for TypeScript sources and print a warning on every run.
    settings.enableAutoTranspile = false
    // The package's root, not this file: oclif would take bin/package.json for the plugin's manifest.
    // Its name as run (`bin`); environment variables keep their OC_JUPYTER_ names (binAliases).
    const oclif = bin === pjson.oclif.bin ? pjson.oclif : {...pjson.oclif, bin, binAliases: [pjson.oclif.bin]}
    return execute({loadOptions: {root, pjson: {...pjson, oclif}}})
  })
}

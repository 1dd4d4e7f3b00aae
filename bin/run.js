#!/usr/bin/env node
// Start-up fast path (SPEC.md §Quality bars: --version and --help within 2x of `node -e 0`).
// Loading @oclif/core alone costs ~100 ms, so `--version` and plain `--help` are answered from
// package.json and from help text that the build pre-rendered with oclif itself
// (dist/help-cache.json, see scripts/oclif-manifest.mjs). Only for non-terminal stdout, where oclif
// wraps at 80 columns and prints no colour, so the bytes are identical; everything else goes to oclif.
import {readFileSync} from 'node:fs'

const argv = process.argv.slice(2)
if (!process.env.OC_JUPYTER_NO_FAST_PATH) {
  const read = rel => JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8'))
  if (argv.length === 1 && argv[0] === '--version') {
    const {name, version} = read('../package.json')
    process.stdout.write(`${name}/${version} ${process.platform}-${process.arch} node-${process.version}\n`)
    process.exit(0)
  }
  if (!process.stdout.isTTY && !process.env.OCLIF_COLUMNS) {
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
      if (key !== undefined) cache = read('../dist/help-cache.json')
    } catch {
      // no cache (dev tree, partial build): oclif renders it
    }
    if (cache && typeof cache[key] === 'string') {
      process.stdout.write(cache[key])
      process.exit(0)
    }
  }
}

const {execute, settings} = await import('@oclif/core')
// This entry always runs the compiled dist/: without this, NODE_ENV=development|test (a developer's
// shell, vitest) makes oclif look for TypeScript sources and print a warning on every run.
settings.enableAutoTranspile = false
await execute({dir: import.meta.url})

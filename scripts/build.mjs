#!/usr/bin/env node
/**
 * The production build: esbuild bundles of only the code that runs (issue #12).
 *
 * Three builds write into dist/:
 *
 * 1. Commands — one CommonJS file per src/commands/*.ts (`dist/commands/<id>.cjs`) holding all that
 *    the command can run; what src imports lazily (`await import(...)`) is evaluated on first use
 *    only. bin/command.js loads the one file of the command it runs — one compile, with V8's code
 *    cache (ES modules have none on Node 20) — and calls its static `run` with a small config.
 *    Inside:
 *    - @oclif/core's Command, parser, flags and args, but not its plugin loader or help renderer:
 *      the four modules in OCLIF_LITE below are replaced by the few lines the command path uses.
 *      Nothing else of oclif changes, so flags, parsing and parse errors are oclif's own.
 *    - @kubernetes/client-node reduced to KubeConfig (+ Exec for doctor --exec): its index and its
 *      generated-code index re-export every generated API and model (13 MB); CLIENT_NODE below
 *      points them at the few modules really used.
 *    - client-node's auth and proxy helpers that a plain token kubeconfig never uses (node-fetch with
 *      its URL tables, openid-client, jsonpath-plus, the SOCKS and HTTP proxy agents) are loaded on
 *      first use instead of at start-up (LAZY below): same code, same behaviour, later. So are
 *      child_process and readline (ON_FIRST_USE), oclif's output formatters (OCLIF_ON_FIRST_USE)
 *      and its `debug` logger (only under DEBUG).
 * 2. Those helpers and ora (terminal spinners), one CommonJS file each (`dist/vendor/`).
 * 3. oclif — the full @oclif/core (`dist/oclif.js`) for what bin/run.js does not answer itself
 *    (help in a terminal, unknown commands), oclif's own `help` command (`dist/commands/help.js`,
 *    formerly the @oclif/plugin-help plugin) and the package entry `dist/index.js`.
 *
 * Everything is bundled, so the installed package needs no runtime dependencies. Source maps
 * (without sources) sit beside the bundles; bin/run.js turns them on under --verbose / DEBUG, so
 * stack traces name src/… .ts lines.
 */
import {build} from 'esbuild'
import {createHash} from 'node:crypto'
import {mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const dist = path.join(root, 'dist')
const require = createRequire(import.meta.url)
const oclifLib = path.dirname(require.resolve('@oclif/core'))

// ESM bundles of CommonJS code (oclif, client-node's dependencies) need `require` for Node's
// built-in modules, and a few of those modules read __dirname / __filename.
const banner = [
  "import {createRequire as __ocjCreateRequire} from 'node:module';",
  "import {fileURLToPath as __ocjFileURLToPath} from 'node:url';",
  "import {dirname as __ocjDirname} from 'node:path';",
  'const require = __ocjCreateRequire(import.meta.url);',
  'const __filename = __ocjFileURLToPath(import.meta.url);',
  'const __dirname = __ocjDirname(__filename);',
].join(' ')

const common = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  splitting: true,
  outdir: dist,
  outbase: root,
  entryNames: '[dir]/[name]',
  sourcemap: 'linked',
  sourcesContent: false,
  // The TypeScript loader of oclif's development mode; bin/run.js turns it off.
  external: ['typescript', 'ts-node', 'tsx'],
  banner: {js: banner},
  legalComments: 'none',
  // Whitespace and syntax only: smaller files to read and parse, while stack traces (--verbose) keep
  // the functions' and classes' own names.
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
  metafile: true,
  logLevel: 'warning',
  logOverride: {
    // client-node's dist has `//# sourceMappingURL` comments for maps it does not ship.
    'unsupported-source-map-comment': 'silent',
  },
}

/**
 * oclif modules that the command path reaches through `require` but never calls: the Config class
 * (plugin discovery, globbing, themes — Command.run only calls `Config.load(config)`, which returns a
 * loaded config as it is), the help renderer (used by `Flags.help()` and error `handle()`, neither on
 * this path), help/util (deprecation wording and argv normalisation for aliases; our commands
 * have neither) and the terminal spinner (`ux.action`, unused: our spinners are ora).
 */
const OCLIF_LITE = {
  'config/index.js': `
    exports.Config = {
      async load(opts) {
        if (opts && typeof opts === 'object' && typeof opts.runHook === 'function') return opts
        throw new Error('oc-jupyter: commands are started by bin/run.js with a loaded config')
      },
    }`,
  'help/index.js': `
    const unavailable = () => { throw new Error('oc-jupyter: help is rendered by dist/oclif.js') }
    exports.loadHelpClass = unavailable
    exports.Help = unavailable
    exports.getHelpFlagAdditions = () => ['--help']`,
  'help/util.js': `
    // Only read for command aliases (none here): the argv's first word is the id as given.
    exports.normalizeArgv = (_config, argv = process.argv.slice(2)) => argv
    const unavailable = () => { throw new Error('oc-jupyter: deprecation warnings are not in the command bundles') }
    exports.formatCommandDeprecationWarning = unavailable
    exports.formatFlagDeprecationWarning = unavailable`,
  'ux/action/spinner.js': `module.exports = require('./simple.js')`,
}

/** See oclifLite: what oclif's command path requires at load and uses only for output or debugging. */
const OCLIF_ON_FIRST_USE = [
  'ansis',
  'clean-stack',
  'indent-string',
  'string-width',
  'supports-color',
  'wrap-ansi',
]

const oclifLite = {
  name: 'oclif-lite',
  setup(b) {
    // src imports Command, Flags and Args from the package index, which also loads the rest of oclif.
    b.onResolve({filter: /^@oclif\/core$/}, args =>
      args.importer.startsWith(path.join(root, 'src') + path.sep)
        ? {path: '@oclif/core', namespace: 'oclif-lite'}
        : undefined,
    )
    b.onLoad({filter: /.*/, namespace: 'oclif-lite'}, () => ({
      contents: [
        `export {Command} from '@oclif/core/command'`,
        `export * as Args from '@oclif/core/args'`,
        `export * as Flags from '@oclif/core/flags'`,
      ].join('\n'),
      loader: 'js',
      resolveDir: root,
    }))
    // Packages oclif requires as it loads but calls only to format output (colours, wrapping, stack
    // cleaning) or to debug-log: loaded on first use. The stand-in forwards every property read and
    // call to the real module; `__esModule` is answered from the module as built, without loading it.
    const onDemand = new RegExp(`^(${OCLIF_ON_FIRST_USE.join('|')})$`)
    b.onResolve({filter: onDemand}, args =>
      args.importer.startsWith(oclifLib + path.sep)
        ? {path: require.resolve(args.path, {paths: [args.importer]}), namespace: 'oclif-on-first-use'}
        : undefined,
    )
    b.onLoad({filter: /.*/, namespace: 'oclif-on-first-use'}, args => ({
      contents: [
        `let real`,
        `const load = () => (real ??= require(${JSON.stringify(args.path)}))`,
        `module.exports = new Proxy(function () {}, {`,
        `  get: (_, key) => (key === '__esModule' ? ${Boolean(require(args.path).__esModule)} : load()[key]),`,
        `  has: (_, key) => key in load(),`,
        `  apply: (_, self, args) => Reflect.apply(load(), self, args),`,
        `  construct: (_, args) => Reflect.construct(load(), args),`,
        `})`,
      ].join('\n'),
      loader: 'js',
      resolveDir: path.dirname(args.path),
    }))
    // oclif's logger makes a `debug` logger per command and writes to it as it parses: `debug` itself
    // (reading the environment, probing the terminal's colours) is loaded only when DEBUG is set —
    // without DEBUG it prints nothing either way.
    b.onResolve({filter: /^debug$/}, args =>
      args.importer.startsWith(oclifLib + path.sep)
        ? {path: require.resolve('debug', {paths: [args.importer]}), namespace: 'debug-when-asked'}
        : undefined,
    )
    b.onLoad({filter: /.*/, namespace: 'debug-when-asked'}, args => ({
      contents: [
        `const quiet = namespace =>`,
        `  Object.assign(() => {}, {enabled: false, namespace, extend: ns => quiet(namespace + ':' + ns)})`,
        `module.exports = namespace =>`,
        `  process.env.DEBUG ? require(${JSON.stringify(args.path)})(namespace) : quiet(namespace)`,
      ].join('\n'),
      loader: 'js',
      resolveDir: path.dirname(args.path),
    }))
    const files = new Map(Object.entries(OCLIF_LITE).map(([rel, code]) => [path.join(oclifLib, rel), code]))
    const used = new Set()
    b.onLoad({filter: /@oclif[\\/]core[\\/]lib[\\/].*\.js$/}, args => {
      const contents = files.get(args.path)
      if (contents === undefined) return undefined
      used.add(args.path)
      return {contents, loader: 'js', resolveDir: path.dirname(args.path)}
    })
    b.onEnd(() => {
      // A newer oclif that moved these modules would silently bundle them again: say so.
      for (const f of files.keys()) if (!used.has(f)) throw new Error(`oclif-lite: ${f} was not bundled`)
    })
  },
}

/**
 * client-node's two index modules re-export all of its generated code; a bundle that reaches them
 * through a lazily evaluated module keeps all of it. Both are replaced by the modules that define
 * what is used: each src file's `@kubernetes/client-node` value imports (KubeConfig, Exec; types are
 * erased) and config.js's `./gen/index.js` import (createConfiguration, ServerConfiguration). A src
 * import of anything else fails the build until it is added here.
 */
const CLIENT_NODE_EXPORTS = {KubeConfig: './config.js', Exec: './exec.js'}
const CLIENT_NODE_GEN = [
  `export {createConfiguration} from './gen/configuration.js'`,
  `export {ServerConfiguration} from './gen/servers.js'`,
]

/** The value (not `type`) names a module imports from `@kubernetes/client-node`. */
function clientNodeImports(file) {
  const names = []
  const re = /import\s+(type\s+)?\{([^}]*)\}\s+from\s+'@kubernetes\/client-node'/g
  for (const m of readFileSync(file, 'utf8').matchAll(re)) {
    if (m[1]) continue
    for (const part of m[2].split(',').map(p => p.trim())) {
      if (part && !part.startsWith('type ')) names.push(part.split(/\s+as\s+/)[0])
    }
  }
  return names
}

const clientNodeApi = {
  name: 'client-node-api',
  setup(b) {
    const dir = path.dirname(require.resolve('@kubernetes/client-node'))
    b.onResolve({filter: /^@kubernetes\/client-node$/}, args =>
      args.importer.startsWith(path.join(root, 'src') + path.sep)
        ? {path: args.importer, namespace: 'client-node-api'}
        : undefined,
    )
    b.onResolve({filter: /^\.\/gen\/index\.js$/}, args =>
      args.importer === path.join(dir, 'config.js') ? {path: 'gen', namespace: 'client-node-api'} : undefined,
    )
    b.onLoad({filter: /.*/, namespace: 'client-node-api'}, args => {
      if (args.path === 'gen') return {contents: CLIENT_NODE_GEN.join('\n'), loader: 'js', resolveDir: dir}
      const lines = clientNodeImports(args.path).map(name => {
        const from = CLIENT_NODE_EXPORTS[name]
        if (!from)
          throw new Error(
            `${args.path} imports ${name} from @kubernetes/client-node: add it to CLIENT_NODE_EXPORTS`,
          )
        return `export {${name}} from '${from}'`
      })
      return {contents: lines.join('\n'), loader: 'js', resolveDir: dir}
    })
  },
}

/**
 * Packages client-node imports at the top of config.js and its authenticators but uses only for one
 * kind of kubeconfig (OIDC, GCP/Azure token paths, HTTP and SOCKS proxies) or not at all on our path
 * (node-fetch). Each is bundled on its own (dist/vendor/<name>.cjs) and replaced in the command
 * bundles by functions that `require` it on first call: it is read and evaluated only when such a
 * kubeconfig needs it. Only function exports can be deferred; a build that needs another kind of
 * export from one of them fails (esbuild: no matching export) instead of misbehaving.
 */
const LAZY = ['node-fetch', 'openid-client', 'jsonpath-plus', 'socks-proxy-agent', 'hpagent']
/** Packages src imports with `await import(...)` for one case only: ora draws spinners on a terminal. */
const DEFERRED = ['ora']
const vendorFile = name => `${name.replaceAll('/', '__')}.cjs`

const lazyDeps = {
  name: 'lazy-client-node-deps',
  setup(b) {
    const filter = new RegExp(`^(${LAZY.join('|')})$`)
    b.onResolve({filter}, args => {
      if (!/[\\/]@kubernetes[\\/]client-node[\\/]/.test(args.importer)) return undefined
      return {path: args.path, namespace: 'lazy', pluginData: {resolveDir: args.resolveDir}}
    })
    b.onLoad({filter: /.*/, namespace: 'lazy'}, args => {
      // The real module's export names and kinds, as Node loads it for `require` (what the bundle does).
      const real = require(require.resolve(args.path, {paths: [args.pluginData.resolveDir]}))
      const names = Object.keys(real).filter(k => k !== '__esModule' && k !== 'default')
      const lines = [
        // a path relative to the chunk (dist/chunks/), resolved by Node at run time
        `const load = () => require(${JSON.stringify(`../vendor/${vendorFile(args.path)}`)})`,
        // `new` on the stand-in returns an instance of the real class (instanceof its real bases holds)
        `const defer = pick => function (...args) {`,
        `  const target = pick(load())`,
        `  return new.target ? Reflect.construct(target, args) : target.apply(this, args)`,
        `}`,
      ]
      if (typeof real === 'function' || typeof real.default === 'function') {
        lines.push(`export default defer(m => (typeof m === 'function' ? m : m.default))`)
      }
      for (const name of names) {
        // not deferrable: export nothing under that name, so an import of it fails the build
        if (typeof real[name] !== 'function') continue
        lines.push(`export const ${name} = defer(m => m[${JSON.stringify(name)}])`)
      }
      return {contents: lines.join('\n'), loader: 'js', resolveDir: args.pluginData.resolveDir}
    })
  },
}

/**
 * `await import(...)` of a Node built-in would stay a real import() in a CommonJS bundle, which
 * bin/command.js cannot serve (vm.Script): it is required instead — same module, loaded at the same
 * moment. A DEFERRED package is required from its own file in dist/vendor/, so the bundles of the
 * commands do not carry it.
 */
const dynamicImports = {
  name: 'dynamic-imports',
  setup(b) {
    const filter = new RegExp(`^(node:.*|${DEFERRED.join('|')})$`)
    b.onResolve({filter}, args =>
      args.kind === 'dynamic-import' ? {path: args.path, namespace: 'require-instead'} : undefined,
    )
    b.onLoad({filter: /.*/, namespace: 'require-instead'}, args => ({
      contents: args.path.startsWith('node:')
        ? `module.exports = require(${JSON.stringify(args.path)})`
        : // The vendor file is an ES module compiled to CommonJS ({default, ...named}). src is an ES
          // module, so esbuild gives `import()` Node's view of a CommonJS module: `default` is its
          // module.exports. That must be the package's default export (ora itself), with the named
          // exports beside it — what `import('ora')` of the real package returns.
          [
            `const m = require(${JSON.stringify(`../vendor/${vendorFile(args.path)}`)})`,
            `module.exports = typeof m.default === 'function' ? Object.assign(m.default, m) : m`,
          ].join('\n'),
      loader: 'js',
    }))
  },
}

/**
 * Built-in modules that oclif (readline, for arguments piped on stdin; fs/promises, for file flags)
 * and client-node's authenticators (child_process, for exec plugins and gcp/azure helpers) import as
 * they load but use for one kind of input or kubeconfig only. Loading child_process alone pulls in net, dgram and the
 * process machinery — a good part of a quick command's start-up — so these are required on first use.
 */
const ON_FIRST_USE = ['node:child_process', 'node:fs/promises', 'node:readline']

const builtinsOnFirstUse = {
  name: 'builtins-on-first-use',
  setup(b) {
    const filter = new RegExp(`^(${ON_FIRST_USE.join('|')})$`)
    b.onResolve({filter}, args =>
      /[\\/]node_modules[\\/]/.test(args.importer)
        ? {path: args.path, namespace: 'builtin-on-first-use', pluginData: {kind: args.kind}}
        : undefined,
    )
    b.onLoad({filter: /.*/, namespace: 'builtin-on-first-use'}, args => {
      // A stand-in with the module's exports: functions that load it when called (client-node's
      // ExecAuth keeps a reference to child_process.spawn from its constructor on), the rest getters.
      const lines = [
        `let real`,
        `const load = () => (real ??= require(${JSON.stringify(args.path)}))`,
        `const stand = {}`,
      ]
      for (const [key, value] of Object.entries(require(args.path))) {
        const k = JSON.stringify(key)
        lines.push(
          typeof value === 'function'
            ? `stand[${k}] = function (...args) { const f = load()[${k}]; return new.target ? Reflect.construct(f, args) : f.apply(this, args) }`
            : `Object.defineProperty(stand, ${k}, {get: () => load()[${k}], enumerable: true})`,
        )
      }
      // `require()` (oclif) gets the stand-in itself; `import x from` (client-node) its default export
      lines.push(args.pluginData.kind === 'require-call' ? `module.exports = stand` : `export default stand`)
      return {contents: lines.join('\n'), loader: 'js'}
    })
  },
}

/**
 * `import fs from 'node:fs'` in an ES module becomes `__toESM(require('node:fs'))` in a CommonJS
 * bundle: a copy of every export of the built-in (a getter each), about 0.5 ms per module and a dozen
 * of them per command. For a built-in the default export is its exports object, so the import is
 * written as the `require` it means.
 */
const builtinDefaultImports = {
  name: 'builtin-default-imports',
  setup(b) {
    const line = /^import\s+([A-Za-z_$][\w$]*)\s+from\s+'(node:[\w/]+)';?$/gm
    b.onLoad({filter: /\.(ts|js|mjs)$/}, args => {
      if (/[\\/]node_modules[\\/]@oclif[\\/]/.test(args.path)) return undefined
      const source = readFileSync(args.path, 'utf8')
      if (!line.test(source)) return undefined
      line.lastIndex = 0
      return {
        contents: source.replace(line, (_, name, id) => `const ${name} = require('${id}')`),
        loader: args.path.endsWith('.ts') ? 'ts' : 'js',
        resolveDir: path.dirname(args.path),
      }
    })
  },
}

function failOnWarnings(result, what) {
  const bad = result.warnings.filter(w => !/sourceMappingURL/.test(w.text))
  if (bad.length > 0) {
    throw new Error(`${what}: ${bad.length} warning(s), e.g. ${bad[0].text} (${bad[0].location?.file})`)
  }
}

rmSync(dist, {recursive: true, force: true})
mkdirSync(dist, {recursive: true})

const commandFiles = readdirSync(path.join(root, 'src/commands')).filter(f => f.endsWith('.ts'))
const commandIds = commandFiles.map(f => f.replace(/\.ts$/, ''))

const commands = await build({
  ...common,
  format: 'cjs',
  splitting: false,
  banner: {},
  outExtension: {'.js': '.cjs'},
  entryPoints: Object.fromEntries(commandIds.map(id => [`commands/${id}`, `src/commands/${id}.ts`])),
  external: [...common.external, '../vendor/*'],
  plugins: [oclifLite, clientNodeApi, lazyDeps, dynamicImports, builtinsOnFirstUse, builtinDefaultImports],
})
failOnWarnings(commands, 'commands build')
if (process.env.BUILD_METAFILE) writeFileSync(process.env.BUILD_METAFILE, JSON.stringify(commands.metafile))
for (const [file, out] of Object.entries(commands.metafile.outputs)) {
  // bin/command.js compiles these with vm.Script, which has no loader for a real `import()`
  if (file.endsWith('.cjs') && out.imports.some(i => i.kind === 'dynamic-import')) {
    throw new Error(`${file}: a dynamic import() of an external module; bundle it or require() it`)
  }
}

const clientNodeDir = path.dirname(require.resolve('@kubernetes/client-node'))
const vendor = await build({
  ...common,
  format: 'cjs',
  splitting: false,
  banner: {},
  entryPoints: Object.fromEntries([
    ...LAZY.map(name => [
      `vendor/${vendorFile(name).replace(/\.cjs$/, '')}`,
      require.resolve(name, {paths: [clientNodeDir]}),
    ]),
    ...DEFERRED.map(name => [`vendor/${vendorFile(name).replace(/\.cjs$/, '')}`, require.resolve(name)]),
  ]),
  outExtension: {'.js': '.cjs'},
})
failOnWarnings(vendor, 'vendor build')

const helpCommand = path.join(path.dirname(require.resolve('@oclif/plugin-help')), 'commands', 'help.js')
const oclif = await build({
  ...common,
  stdin: undefined,
  entryPoints: {
    oclif: 'virtual:oclif',
    'commands/help': helpCommand,
    index: 'src/index.ts',
    // oclif's hooks (package.json oclif.hooks: dist/hooks/<name>.js), run on oclif's path only
    ...Object.fromEntries(
      readdirSync(path.join(root, 'src/hooks'))
        .filter(f => f.endsWith('.ts'))
        .map(f => [`hooks/${f.replace(/\.ts$/, '')}`, `src/hooks/${f}`]),
    ),
  },
  chunkNames: 'oclif/[name]-[hash]',
  plugins: [
    {
      name: 'virtual-oclif',
      setup(b) {
        b.onResolve({filter: /^virtual:oclif$/}, () => ({path: 'oclif', namespace: 'virtual'}))
        b.onLoad({filter: /.*/, namespace: 'virtual'}, () => ({
          contents: `export {execute, flush, handle, settings} from '@oclif/core'`,
          resolveDir: root,
          loader: 'js',
        }))
      },
    },
  ],
})
failOnWarnings(oclif, 'oclif build')

// bin/run.js runs these ids from their bundle; anything else (help, unknown ids) goes to dist/oclif.js.
// Each with the hash of its bundle: the key of its compiled code in the compile cache (bin/command.js).
const hashes = {}
for (const id of commandIds) {
  const file = path.join(dist, 'commands', `${id}.cjs`)
  // ASCII only, so that bin/command.js reads it as latin1 into a one-byte string: esbuild leaves a few
  // characters in regular expressions (µs, ESC) as they are, and one such character makes the whole
  // source a two-byte string, UTF-8-decoded on every run. `\uXXXX` means the same in a regular
  // expression, a string, a template or an identifier.
  const code = Buffer.from(
    readFileSync(file, 'utf8').replace(
      /[\u0080-\uffff]/g,
      c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    ),
  )
  writeFileSync(file, code)
  hashes[id] = createHash('sha256').update(code).digest('hex').slice(0, 32)
}
writeFileSync(path.join(dist, 'commands.json'), `${JSON.stringify(hashes, null, 2)}\n`)

const bytes = result =>
  Object.entries(result.metafile.outputs)
    .filter(([f]) => /\.c?js$/.test(f))
    .reduce((n, [, o]) => n + o.bytes, 0)
const kb = n => `${Math.round(n / 1024)} KiB`
console.log(
  `dist/: ${commandIds.length} command bundles (${kb(bytes(commands))}), client-node's deferred dependencies (${kb(bytes(vendor))}), oclif and help (${kb(bytes(oclif))})`,
)

#!/usr/bin/env node
/**
 * Writes the krew plugin manifest (plugins/jupyter.yaml) for a release: `kubectl krew install jupyter`
 * once it is in an index, or `kubectl krew install --manifest=plugins/jupyter.yaml
 * --archive=oc-jupyter-VERSION.tgz` from the release's files.
 *
 * The archive krew downloads is the npm tarball itself (`npm pack`): krew unpacks gzipped tars, and
 * the tarball holds only what runs (package.json `files`), under `package/`. The manifest takes its
 * version, homepage and release URL from package.json and the sha256 from the tarball, so run this
 * on the tarball you publish:
 *
 *   npm run build && npm pack && node scripts/krew-manifest.mjs --archive oc-jupyter-0.1.0.tgz
 *
 * Options: --archive FILE (default: packs one into a temporary directory), --uri URL (default: the
 * GitHub release asset of package.json's repository), --out FILE (default: plugins/jupyter.yaml;
 * `-` for stdout). Field rules: krew's internal/index/validation/validate.go (test/unit/krew.test.ts).
 */
import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** `--name value` options; anything else is an error. */
function options(argv) {
  const known = new Set(['--archive', '--uri', '--out'])
  const opts = {}
  for (let i = 0; i < argv.length; i += 2) {
    if (!known.has(argv[i]) || argv[i + 1] === undefined) {
      throw new Error(`usage: krew-manifest.mjs [--archive FILE] [--uri URL] [--out FILE|-] (got ${argv[i]})`)
    }
    opts[argv[i].slice(2)] = argv[i + 1]
  }
  return opts
}

/** The GitHub repository page of package.json's `repository` (`git+https://github.com/O/R.git`). */
export function repositoryUrl(pjson) {
  const url = typeof pjson.repository === 'string' ? pjson.repository : pjson.repository?.url
  if (!url) throw new Error('package.json has no repository')
  return url.replace(/^git\+/, '').replace(/\.git$/, '')
}

/** The release asset krew downloads: `npm pack`'s file name, on the release tagged vVERSION. */
export function releaseUri(pjson) {
  return `${repositoryUrl(pjson)}/releases/download/v${pjson.version}/${pjson.name}-${pjson.version}.tgz`
}

/** The manifest as YAML text (a fixed layout: no YAML library in a build script). */
export function renderManifest(pjson, {uri, sha256}) {
  const description = [
    'Deploys a password-protected, persistent Jupyter notebook on OpenShift under the',
    "project's assigned user ID (restricted-v2, no anyuid SCC): builds the notebook image,",
    'creates the volume, Secret, Deployment, Service and TLS Route, waits for the rollout and',
    'prints the URL. `kubectl jupyter doctor` explains why a notebook does not start, with',
    'evidence and commands that fix it. Also: status, list, logs, open, stop/start, password,',
    'delete. Needs Node.js >= 20.19 on PATH.',
  ]
  const lines = [
    'apiVersion: krew.googlecontainertools.github.com/v1alpha2',
    'kind: Plugin',
    'metadata:',
    '  name: jupyter',
    'spec:',
    `  version: v${pjson.version}`,
    `  homepage: ${pjson.homepage}`,
    '  shortDescription: Deploy a persistent Jupyter notebook on OpenShift, no anyuid',
    '  description: |',
    ...description.map(l => `    ${l}`),
    '  caveats: |',
    '    This plugin is a Node.js program: it needs `node` (>= 20.19) on PATH.',
    '    On OpenShift, `oc jupyter` runs it too.',
    '  platforms:',
    '    - selector:',
    '        matchExpressions:',
    '          - key: os',
    '            operator: In',
    '            values: [linux, darwin]',
    `      uri: ${uri}`,
    `      sha256: ${sha256}`,
    '      files:',
    '        - from: package/*',
    '          to: .',
    '      bin: bin/kubectl-jupyter.js',
  ]
  return `${lines.join('\n')}\n`
}

export function sha256Of(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex')
}

/** `npm pack` into a new temporary directory; the tarball's path. */
export function pack() {
  const dir = mkdtempSync(path.join(tmpdir(), 'oc-jupyter-pack-'))
  execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], {cwd: root, stdio: 'ignore'})
  const tgz = readdirSync(dir).find(f => f.endsWith('.tgz'))
  if (!tgz) throw new Error('npm pack wrote no tarball')
  return path.join(dir, tgz)
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const opts = options(process.argv.slice(2))
  const pjson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'))
  const archive = opts.archive ?? pack()
  const text = renderManifest(pjson, {uri: opts.uri ?? releaseUri(pjson), sha256: sha256Of(archive)})
  if (!opts.archive) rmSync(path.dirname(archive), {recursive: true, force: true})
  const out = opts.out ?? path.join(root, 'plugins', 'jupyter.yaml')
  if (out === '-') {
    process.stdout.write(text)
  } else {
    mkdirSync(path.dirname(out), {recursive: true})
    writeFileSync(out, text)
    console.error(`${path.relative(process.cwd(), out)}: jupyter v${pjson.version}, sha256 of ${archive}`)
  }
}

/**
 * The package as users get it (#13): `npm pack`, `npm install -g` of the tarball into an empty prefix
 * (offline: the tarball has no runtime dependencies), then the real kubectl on PATH finds the plugin
 * and runs it — `kubectl plugin list`, `kubectl jupyter --help`, `kubectl jupyter deploy
 * --dry-run=client -o yaml` — and `oc-jupyter` from the same install calls itself `oc jupyter`.
 * And krew's way: the manifest's sha256 is the tarball's, and the tarball laid out as the manifest's
 * `files` say, linked as krew links `bin`, runs as `kubectl jupyter`.
 */
import {execFile} from 'node:child_process'
import {createHash} from 'node:crypto'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'

import {loadAll} from 'js-yaml'
import {beforeAll, describe, expect, it} from 'vitest'

import {detectKubectl, kubectlOrSkip} from '../conformance/kubectl.js'
import {assertBuilt, repoRoot} from './helpers/cli.js'

const run = promisify(execFile)
const kubectl = detectKubectl()
const gate = kubectlOrSkip(kubectl)

interface Out {
  code: number
  stdout: string
  stderr: string
}

async function sh(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd = repoRoot): Promise<Out> {
  try {
    const r = await run(cmd, args, {cwd, env, maxBuffer: 16 << 20})
    return {code: 0, stdout: r.stdout, stderr: r.stderr}
  } catch (e) {
    const err = e as {code?: number; stdout?: string; stderr?: string}
    return {
      code: typeof err.code === 'number' ? err.code : -1,
      stdout: err.stdout ?? '',
      stderr: err.stderr ?? '',
    }
  }
}

const work = mkdtempSync(path.join(tmpdir(), 'oc-jupyter-package-'))
const prefix = path.join(work, 'prefix')
const home = path.join(work, 'home')
let tarball = ''

/** A user's shell: the install's bin first, then node and kubectl; no kubeconfig, a fresh HOME. */
function userEnv(binDir: string): NodeJS.ProcessEnv {
  return {
    PATH: [
      binDir,
      path.dirname(process.execPath),
      path.dirname(kubectl.dispatcher ?? '/usr/bin/kubectl'),
    ].join(path.delimiter),
    HOME: home,
    KUBECONFIG: path.join(home, 'no-kubeconfig'),
    NO_COLOR: '1',
  }
}

describe.skipIf(gate.skip)(
  `the packed tarball, installed${gate.skip ? ` — skipped: ${gate.reason}` : ''}`,
  () => {
    beforeAll(async () => {
      assertBuilt()
      mkdirSync(home)
      const npmEnv = {...process.env, npm_config_cache: path.join(work, 'npm-cache')}
      const packed = await sh('npm', ['pack', '--silent', '--pack-destination', work], npmEnv)
      expect(packed.code, packed.stderr).toBe(0)
      tarball = path.join(work, readdirSync(work).find(f => f.endsWith('.tgz')) ?? 'missing.tgz')
      const installed = await sh(
        'npm',
        ['install', '-g', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball],
        npmEnv,
      )
      expect(installed.code, installed.stderr).toBe(0)
    }, 120_000)

    it('holds only what runs: the CLI, its build and the license; no sources, tests or dev entry', async () => {
      const listed = await sh('tar', ['tzf', tarball], process.env)
      const files = listed.stdout.trim().split('\n').sort()
      const outside = files.filter(f => !f.startsWith('package/dist/'))
      expect(outside).toEqual([
        'package/LICENSE',
        'package/README.md',
        'package/bin/command.js',
        'package/bin/kubectl-jupyter.js',
        'package/bin/kubectl_complete-jupyter.js',
        'package/bin/package.json',
        'package/bin/run.js',
        'package/oclif.manifest.json',
        'package/package.json',
      ])
      // every command bundle with its source map (stack traces under --verbose)
      expect(files).toContain('package/dist/commands/deploy.cjs')
      expect(files).toContain('package/dist/commands/deploy.cjs.map')
    })

    it('installs both executables and no dependencies', () => {
      expect(existsSync(path.join(prefix, 'bin', 'oc-jupyter'))).toBe(true)
      expect(existsSync(path.join(prefix, 'bin', 'kubectl-jupyter'))).toBe(true)
      expect(existsSync(path.join(prefix, 'bin', 'kubectl_complete-jupyter'))).toBe(true)
      expect(existsSync(path.join(prefix, 'lib', 'node_modules', 'oc-jupyter', 'node_modules'))).toBe(false)
    })

    it('kubectl plugin list finds kubectl-jupyter', async () => {
      const r = await sh('kubectl', ['plugin', 'list'], userEnv(path.join(prefix, 'bin')))
      expect(r.stdout).toContain(path.join(prefix, 'bin', 'kubectl-jupyter'))
      expect(r.stderr).not.toMatch(/warning: .*kubectl-jupyter/)
    })

    it('kubectl jupyter --help says `kubectl jupyter`; oc-jupyter --help says `oc jupyter`', async () => {
      const env = userEnv(path.join(prefix, 'bin'))
      const root = await sh('kubectl', ['jupyter', '--help'], env)
      expect(root.code, root.stderr).toBe(0)
      expect(root.stdout).toContain('$ kubectl jupyter [COMMAND]')
      expect(root.stdout).not.toContain('oc jupyter')
      const deploy = await sh('kubectl', ['jupyter', 'deploy', '--help'], env)
      expect(deploy.stdout).toContain('$ kubectl jupyter deploy --build')
      expect(deploy.stdout).not.toContain('oc jupyter')
      const bad = await sh('kubectl', ['jupyter', 'status', '--nope'], env)
      expect(bad.code).toBe(2)
      expect(bad.stderr).toContain('Try: kubectl jupyter status --help')

      const oc = await sh('oc-jupyter', ['deploy', '--help'], env)
      expect(oc.code, oc.stderr).toBe(0)
      expect(oc.stdout).toContain('$ oc jupyter deploy --build')
      expect(oc.stdout).not.toContain('kubectl jupyter')
    })

    it('kubectl jupyter deploy --dry-run=client -o yaml renders the notebook without a cluster', async () => {
      const r = await sh(
        'kubectl',
        ['jupyter', 'deploy', '--dry-run=client', '-o', 'yaml'],
        userEnv(path.join(prefix, 'bin')),
      )
      expect(r.code, r.stderr).toBe(0)
      const docs = loadAll(r.stdout) as Array<{kind?: string; items?: Array<{kind: string}>}>
      const kinds = docs.flatMap(d => (d?.items ? d.items.map(i => i.kind) : d?.kind ? [d.kind] : []))
      expect(kinds).toEqual(
        expect.arrayContaining(['PersistentVolumeClaim', 'Secret', 'Deployment', 'Service', 'Route']),
      )
    })

    it("krew's way: the manifest's sha256 is the tarball's, and its files/bin layout runs as kubectl jupyter", async () => {
      const written = await sh(
        process.execPath,
        [path.join(repoRoot, 'scripts', 'krew-manifest.mjs'), '--archive', tarball, '--out', '-'],
        process.env,
      )
      expect(written.code, written.stderr).toBe(0)
      const manifest = loadAll(written.stdout)[0] as {
        spec: {platforms: Array<{sha256: string; files: Array<{from: string; to: string}>; bin: string}>}
      }
      const [platform] = manifest.spec.platforms
      expect(platform.sha256).toBe(createHash('sha256').update(readFileSync(tarball)).digest('hex'))

      // krew: unpack, move each `files` glob match into the install dir, link `bin` as kubectl-NAME
      const unpacked = path.join(work, 'krew-download')
      const installDir = path.join(work, 'krew-store', 'jupyter', 'v0.1.0')
      const krewBin = path.join(work, 'krew-bin')
      for (const d of [unpacked, installDir, krewBin]) mkdirSync(d, {recursive: true})
      expect((await sh('tar', ['xzf', tarball, '-C', unpacked], process.env)).code).toBe(0)
      for (const op of platform.files) {
        const [dir, glob] = [path.dirname(op.from), path.basename(op.from)]
        expect(glob).toBe('*')
        for (const entry of readdirSync(path.join(unpacked, dir))) {
          renameSync(path.join(unpacked, dir, entry), path.join(installDir, op.to, entry))
        }
      }
      symlinkSync(path.join(installDir, platform.bin), path.join(krewBin, 'kubectl-jupyter'))
      const r = await sh('kubectl', ['jupyter', 'deploy', '--help'], userEnv(krewBin))
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toContain('$ kubectl jupyter deploy --build')
    })
  },
)

/**
 * Runs the built CLI (`node bin/run.js ...`) as a child process, the way oc runs the plugin.
 * The CLI tests need dist/: `npm test` builds first; a standalone `npx vitest run test/unit`
 * builds here when dist/ is missing or older than src/ (once, under a lock shared by the files).
 */
import {execFile, execFileSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
const BIN = join(ROOT, 'bin', 'run.js')
const BUILT = [
  join(ROOT, 'oclif.manifest.json'),
  join(ROOT, 'dist', 'help-cache.json'),
  join(ROOT, 'dist', 'commands', 'deploy.cjs'),
]

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, {withFileTypes: true})) {
    const p = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)
  }
  return newest
}

function isFresh(): boolean {
  if (!BUILT.every(f => existsSync(f))) return false
  const built = Math.min(...BUILT.map(f => statSync(f).mtimeMs))
  return built >= newestMtime(join(ROOT, 'src'))
}

export async function ensureBuilt(): Promise<void> {
  if (isFresh()) return
  const lock = join(ROOT, 'tmp', 'cli-test-build.lock')
  mkdirSync(dirname(lock), {recursive: true})
  const deadline = Date.now() + 120_000
  for (;;) {
    try {
      mkdirSync(lock)
      break
    } catch {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${lock} (remove it if no build is running)`)
      await new Promise(r => setTimeout(r, 200))
    }
  }
  try {
    if (!isFresh()) execFileSync('npm', ['run', 'build'], {cwd: ROOT, stdio: 'pipe'})
  } finally {
    rmSync(lock, {recursive: true, force: true})
  }
}

/** A HOME without ~/.kube and a KUBECONFIG that does not exist: no cluster can be found. */
export const noKubeHome = mkdtempSync(join(tmpdir(), 'oc-jupyter-cli-'))

export interface RunResult {
  code: number
  stdout: string
  stderr: string
}

export function run(
  args: string[],
  opts: {input?: string; env?: Record<string, string | undefined>} = {},
): Promise<RunResult> {
  return new Promise(resolvePromise => {
    const env: Record<string, string | undefined> = {
      ...process.env,
      HOME: noKubeHome,
      KUBECONFIG: join(noKubeHome, 'missing-kubeconfig'),
      NO_COLOR: '1',
      DEBUG: undefined,
      CI: process.env.CI,
      ...opts.env,
    }
    for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k]
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      {cwd: ROOT, env: env as NodeJS.ProcessEnv, timeout: 30_000},
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1
        resolvePromise({code, stdout, stderr})
      },
    )
    child.stdin?.end(opts.input ?? '')
  })
}

/**
 * Runs the real, built CLI (`node bin/run.js`) as a child process, the way a user's shell would:
 * no TTY, its own environment, a kubeconfig pointing at the fake OpenShift server.
 */
import {spawn} from 'node:child_process'
import {existsSync, mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const runJs = path.join(repoRoot, 'bin/run.js')

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

export interface RunOptions {
  kubeconfig?: string
  env?: Record<string, string | undefined>
  stdin?: string
  timeoutMs?: number
}

export function assertBuilt(): void {
  if (!existsSync(path.join(repoRoot, 'dist/commands'))) {
    throw new Error('dist/ is missing: run `npm run build` before the integration tests (npm test does it)')
  }
}

/** Discovery cache of runs without a kubeconfig of their own (see kubeCacheDir). */
const sharedKubeCache = mkdtempSync(path.join(tmpdir(), 'oc-jupyter-kube-cache-'))

/**
 * The CLI caches discovery per server host:port, like kubectl (~/.kube/cache/discovery). Fake servers
 * come and go on random ports, and some fake a server without the OpenShift APIs: each fake's
 * kubeconfig directory gets its own cache, so no test reads what another server answered (and the
 * developer's ~/.kube/cache stays untouched).
 */
export function kubeCacheDir(kubeconfig: string | undefined): string {
  return kubeconfig ? path.join(path.dirname(kubeconfig), 'kube-cache') : sharedKubeCache
}

export function runCli(args: string[], opts: RunOptions = {}): Promise<CliResult> {
  assertBuilt()
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NO_COLOR: '1',
    KUBECACHEDIR: kubeCacheDir(opts.kubeconfig),
    ...(opts.kubeconfig ? {KUBECONFIG: opts.kubeconfig} : {}),
    ...opts.env,
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [runJs, ...args], {
      cwd: repoRoot,
      env: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', d => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', d => (stderr += d))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(
        new Error(`oc-jupyter ${args.join(' ')} did not finish in ${opts.timeoutMs ?? 60_000} ms\n${stderr}`),
      )
    }, opts.timeoutMs ?? 60_000)
    child.on('error', reject)
    child.on('close', code => {
      clearTimeout(timer)
      resolve({code: code ?? -1, stdout, stderr})
    })
    child.stdin.end(opts.stdin ?? '')
  })
}

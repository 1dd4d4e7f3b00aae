/**
 * Running the machine's real kubectl against the fake server.
 *
 * The machines' `kubectl` is the Google Cloud SDK dispatcher: it reads the server's /version and
 * execs `kubectl.1.<minor>` from its own directory (1.27 … 1.33 here). The suite therefore picks a
 * kubectl version by starting the fake server with that `kubernetesMinor`, and checks that the
 * dispatcher really ran that version.
 *
 * Every invocation gets `--kubeconfig` and an isolated `--cache-dir` (kubectl caches discovery and
 * openapi there; a shared cache would leak one server's API into another's run) and a private
 * HOME, so nothing of the developer's ~/.kube is read or written.
 */
import {execFile, spawn, type ChildProcess} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync, realpathSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {delimiter, dirname, join} from 'node:path'

export interface KubectlInstall {
  available: boolean
  /** why the suite is skipped when kubectl is missing */
  reason?: string
  /** the `kubectl` found on PATH (the dispatcher, or a plain kubectl) */
  dispatcher?: string
  /** minors with a `kubectl.1.<minor>` next to the dispatcher, ascending */
  minors: number[]
  /** path of `kubectl.1.<minor>` for a given minor */
  binary(minor: number): string | undefined
}

export function detectKubectl(): KubectlInstall {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean)
  const found = dirs.map(d => join(d, 'kubectl')).find(p => existsSync(p))
  if (!found)
    return {available: false, reason: 'kubectl not found on PATH', minors: [], binary: () => undefined}
  const real = realpathSync(found)
  const dir = dirname(real)
  const minors = readdirSync(dir)
    .map(f => f.match(/^kubectl\.1\.(\d+)$/)?.[1])
    .filter((m): m is string => !!m)
    .map(Number)
    .sort((a, b) => a - b)
  return {
    available: true,
    dispatcher: found,
    minors,
    binary: minor => (minors.includes(minor) ? join(dir, `kubectl.1.${minor}`) : undefined),
  }
}

/**
 * vitest's `describe` to use: the real one when kubectl exists; otherwise one that skips with the
 * reason in the suite name — except under CI, where a missing kubectl is an error.
 */
export function kubectlOrSkip(install: KubectlInstall): {skip: boolean; reason: string} {
  if (install.available) return {skip: false, reason: ''}
  if (process.env.CI)
    throw new Error(`conformance: ${install.reason} (CI is set, so this is a failure, not a skip)`)
  return {skip: true, reason: install.reason ?? 'kubectl unavailable'}
}

export interface Result {
  code: number
  stdout: string
  stderr: string
}

export interface Running {
  proc: ChildProcess
  stdout(): string
  stderr(): string
  /** resolves once stdout contains the text (or rejects after timeoutMs) */
  waitForOutput(text: string | RegExp, timeoutMs?: number): Promise<void>
  done: Promise<Result>
  kill(): void
}

export class Kubectl {
  readonly cacheDir: string
  readonly home: string

  constructor(
    readonly bin: string,
    readonly kubeconfig: string,
  ) {
    this.home = mkdtempSync(join(tmpdir(), 'kubectl-home-'))
    this.cacheDir = join(this.home, 'cache')
  }

  /** The same kubectl for another kubeconfig (another user), sharing nothing else. */
  as(kubeconfig: string): Kubectl {
    return new Kubectl(this.bin, kubeconfig)
  }

  /** The same kubeconfig with another binary (the suite pins protobuf-sending commands to 1.31). */
  withBinary(bin: string): Kubectl {
    return new Kubectl(bin, this.kubeconfig)
  }

  private args(args: string[]): string[] {
    return ['--kubeconfig', this.kubeconfig, '--cache-dir', this.cacheDir, ...args]
  }

  private env(): NodeJS.ProcessEnv {
    const {KUBECONFIG: _k, ...rest} = process.env
    return {...rest, HOME: this.home, NO_COLOR: '1'}
  }

  run(args: string[], o: {stdin?: string; timeoutMs?: number} = {}): Promise<Result> {
    return new Promise(resolve => {
      const child = execFile(
        this.bin,
        this.args(args),
        {env: this.env(), timeout: o.timeoutMs ?? 30_000, maxBuffer: 16 * 1024 * 1024},
        (err, stdout, stderr) => {
          const code = err
            ? typeof (err as {code?: unknown}).code === 'number'
              ? (err as {code: number}).code
              : 1
            : 0
          resolve({code, stdout: String(stdout), stderr: String(stderr)})
        },
      )
      if (o.stdin !== undefined) child.stdin?.end(o.stdin)
      else child.stdin?.end()
    })
  }

  start(args: string[]): Running {
    const proc = spawn(this.bin, this.args(args), {env: this.env(), stdio: ['ignore', 'pipe', 'pipe']})
    let out = ''
    let err = ''
    const waiters: Array<() => void> = []
    proc.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c
      for (const w of [...waiters]) w()
    })
    proc.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c))
    const done = new Promise<Result>(resolve =>
      proc.on('close', code => resolve({code: code ?? 1, stdout: out, stderr: err})),
    )
    return {
      proc,
      stdout: () => out,
      stderr: () => err,
      waitForOutput: (text, timeoutMs = 20_000) =>
        new Promise((resolve, reject) => {
          const has = () => (typeof text === 'string' ? out.includes(text) : text.test(out))
          if (has()) return resolve()
          const timer = setTimeout(
            () => reject(new Error(`kubectl output never contained ${text}; got:\n${out}\n${err}`)),
            timeoutMs,
          )
          const check = () => {
            if (!has()) return
            clearTimeout(timer)
            waiters.splice(waiters.indexOf(check), 1)
            resolve()
          }
          waiters.push(check)
          void done.then(() => {
            if (!has()) {
              clearTimeout(timer)
              reject(new Error(`kubectl exited before printing ${text}; got:\n${out}\n${err}`))
            }
          })
        }),
      done,
      kill: () => proc.kill('SIGTERM'),
    }
  }

  cleanup(): void {
    rmSync(this.home, {recursive: true, force: true})
  }
}

/**
 * Protobuf and kubectl >= 1.32. Newer kubectl encodes the request bodies of its typed clients as
 * protobuf (`application/vnd.kubernetes.protobuf`) and does not retry with JSON on 415. The fake
 * server decodes protobuf for the kinds those commands send most (see fake-openshift/src/http/protobuf.ts):
 *   `auth can-i` (SelfSubjectAccessReview), `create configmap|secret|serviceaccount|namespace|
 *   deployment|role|rolebinding|clusterrole|clusterrolebinding`
 * Other typed generators are pinned to kubectl 1.31 in the suite, because their kinds are not
 * decoded and the server answers 415 naming the kind:
 */
export const PINNED_TO_1_31 = [
  'create service',
  'create quota',
  'create job',
  'create cronjob',
  'create ingress',
  'create poddisruptionbudget',
  'create priorityclass',
  'create token',
]

/**
 * kubeconfig resolution with kubectl's rules (client-go clientcmd):
 * - `--kubeconfig PATH` (must exist), else `$KUBECONFIG` (a ':'-separated list; missing files are
 *   skipped; merged so that the FIRST file to define a name — cluster, user, context, or
 *   current-context — wins), else `~/.kube/config`;
 * - `--context` overrides current-context;
 * - namespace: flag → the context's namespace (what `oc project` sets) → `default`.
 *
 * client-node's own `loadFromDefault(undefined, true)` keeps the first file's current-context even
 * when that file has none, and throws on duplicate names; kubectl does neither, so the merge is done
 * here on parsed files.
 *
 * Exit codes: a kubeconfig that is unreadable, malformed or inconsistent (bad YAML, unknown context,
 * dangling cluster/user reference) is invalid input → exit 2, before any request (SPEC §Quality bars,
 * "every invalid ... kubeconfig ends with exit 2"). Having no kubeconfig or no current context at all
 * means "not logged in" → exit 3 with an `oc login` hint.
 * Messages name files and contexts, never credentials.
 */
import {KubeConfig} from '@kubernetes/client-node'
import type {Cluster, Context, User} from '@kubernetes/client-node'
import {load as loadYaml, YAMLException} from 'js-yaml'
import type {ChildProcess} from 'node:child_process'
import {existsSync, readFileSync, statSync} from 'node:fs'
import {homedir} from 'node:os'
import path from 'node:path'
import {CliError, ExitCode, UsageError} from '../errors.js'

export interface LoadKubeContextOptions {
  kubeconfig?: string
  context?: string
  namespace?: string
  /** --request-timeout in ms; 0 or undefined = no limit. Carried to the client. */
  requestTimeoutMs?: number
  /** For tests: the environment to read KUBECONFIG from (default process.env). */
  env?: Record<string, string | undefined>
  /** For tests: the home directory holding .kube/config (default os.homedir()). */
  homeDir?: string
}

export interface KubeContext {
  kc: KubeConfig
  contextName: string
  namespace: string
  /** Where the namespace came from, for messages ("namespace from your current oc project"). */
  namespaceSource: 'flag' | 'context' | 'default'
  server: string
  /** The kubeconfig user entry name (not a credential). */
  user: string
  /** 0 = no limit (kubectl's --request-timeout=0). */
  requestTimeoutMs: number
  /** The files that were read, in precedence order. */
  files: string[]
}

export function loadKubeContext(opts: LoadKubeContextOptions = {}): KubeContext {
  const env = opts.env ?? process.env
  const files = kubeconfigFiles(opts, env)
  const kc = mergeFiles(files)

  const contextName = opts.context || kc.currentContext
  const available = kc.contexts.map(c => c.name)
  if (!contextName) {
    throw new CliError(
      `no current context in kubeconfig ${files.join(', ')}: not logged in to a cluster`,
      3,
      {
        hint: available.length > 0 ? `oc config use-context ${available[0]}` : 'oc login <server>',
      },
    )
  }
  const context = kc.contexts.find(c => c.name === contextName)
  if (!context) {
    const list =
      available.length > 0 ? `available: ${available.join(', ')}` : 'the kubeconfig has no contexts'
    const origin = opts.context ? '' : ' (current-context)'
    throw new UsageError(`context "${contextName}"${origin} not found in kubeconfig; ${list}`, {
      hint: 'oc config get-contexts',
    })
  }
  const cluster = kc.clusters.find(c => c.name === context.cluster)
  if (!cluster) {
    throw new UsageError(
      `context "${contextName}" refers to cluster "${context.cluster}", which is not in the kubeconfig`,
      {hint: 'oc config get-clusters'},
    )
  }
  // A context without a user is anonymous access, which kubectl allows; a named but absent user is not.
  if (context.user && !kc.users.some(u => u.name === context.user)) {
    throw new UsageError(
      `context "${contextName}" refers to user "${context.user}", which is not in the kubeconfig`,
      {hint: `oc login ${cluster.server}`},
    )
  }
  validateServer(cluster, contextName)
  validateFiles(
    cluster,
    kc.users.find(u => u.name === context.user),
    contextName,
  )
  kc.setCurrentContext(contextName)

  const namespace = opts.namespace || context.namespace || 'default'
  const namespaceSource = opts.namespace ? 'flag' : context.namespace ? 'context' : 'default'
  const timeout = opts.requestTimeoutMs ?? 0
  if (!Number.isFinite(timeout) || timeout < 0) throw new UsageError(`invalid request timeout ${timeout}`)
  return {
    kc,
    contextName,
    namespace,
    namespaceSource,
    server: cluster.server,
    user: context.user ?? '',
    requestTimeoutMs: timeout,
    files,
  }
}

/** The files to read, in precedence order (kubectl's loading rules). */
export function kubeconfigFiles(
  opts: Pick<LoadKubeContextOptions, 'kubeconfig' | 'homeDir'>,
  env: Record<string, string | undefined>,
): string[] {
  if (opts.kubeconfig) {
    if (!existsSync(opts.kubeconfig)) {
      throw new UsageError(`kubeconfig file ${opts.kubeconfig} does not exist`, {
        hint: 'oc login <server> --kubeconfig ' + opts.kubeconfig,
      })
    }
    return [opts.kubeconfig]
  }
  const fromEnv = env.KUBECONFIG
  if (fromEnv) {
    // Empty entries are ignored and duplicates read once, as clientcmd does.
    const listed = [...new Set(fromEnv.split(path.delimiter).filter(Boolean))]
    const present = listed.filter(f => existsSync(f))
    if (present.length === 0) {
      throw new CliError(
        `no kubeconfig found: none of the files in $KUBECONFIG exists (${listed.join(', ')})`,
        3,
        {
          hint: 'oc login <server>',
        },
      )
    }
    return present
  }
  const home = opts.homeDir ?? homedir()
  const file = path.join(home, '.kube', 'config')
  if (!existsSync(file)) {
    throw new CliError(`no kubeconfig found at ${file}: not logged in to a cluster`, ExitCode.Unreachable, {
      hint: 'oc login <server>',
    })
  }
  return [file]
}

function mergeFiles(files: string[]): KubeConfig {
  const clusters = new Map<string, Cluster>()
  const users = new Map<string, User>()
  const contexts = new Map<string, Context>()
  let currentContext = ''
  for (const file of files) {
    const one = parseFile(file)
    // First definition of a name wins (clientcmd's merge); later duplicates are ignored silently.
    for (const c of one.clusters) if (!clusters.has(c.name)) clusters.set(c.name, c)
    for (const u of one.users) if (!users.has(u.name)) users.set(u.name, u)
    for (const c of one.contexts) if (!contexts.has(c.name)) contexts.set(c.name, c)
    if (!currentContext && one.currentContext) currentContext = one.currentContext
  }
  const kc = new KubeConfig()
  watchExecPlugin(kc)
  kc.loadFromOptions({
    clusters: [...clusters.values()],
    users: [...users.values()],
    contexts: [...contexts.values()],
    currentContext,
  })
  return kc
}

function parseFile(file: string): KubeConfig {
  let text: string
  try {
    if (statSync(file).isDirectory()) throw new UsageError(`kubeconfig ${file} is a directory, not a file`)
    text = readFileSync(file, 'utf8')
  } catch (error) {
    if (error instanceof CliError) throw error
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable'
    throw new UsageError(`cannot read kubeconfig ${file}: ${code}`)
  }
  let doc: unknown
  try {
    doc = loadYaml(text)
  } catch (error) {
    // js-yaml's `reason` and mark say where, without echoing the content (which may hold a token).
    const where =
      error instanceof YAMLException ? `${error.reason} at line ${error.mark.line + 1}` : 'unparsable YAML'
    throw new UsageError(`invalid kubeconfig ${file}: ${where}`, {
      hint: `oc config view --kubeconfig ${file}`,
    })
  }
  const kc = new KubeConfig()
  // An empty file is an empty config for clientcmd; it only matters if nothing else defines a context.
  if (doc === null || doc === undefined) {
    kc.loadFromOptions({clusters: [], users: [], contexts: [], currentContext: ''})
    return kc
  }
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new UsageError(`invalid kubeconfig ${file}: not a mapping (expected kind: Config)`)
  }
  try {
    kc.loadFromString(text, {onInvalidEntry: 'throw'})
  } catch (error) {
    // client-node names the entry: "clusters[0].cluster.server is missing".
    throw new UsageError(`invalid kubeconfig ${file}: ${(error as Error).message}`, {
      hint: `oc config view --kubeconfig ${file}`,
    })
  }
  // Relative certificate-authority / client-certificate paths are relative to the file (kubectl).
  kc.makePathsAbsolute(path.dirname(path.resolve(file)))
  kc.clusters ??= []
  kc.users ??= []
  kc.contexts ??= []
  return kc
}

/**
 * Files the kubeconfig names must exist (kubectl: "unable to read certificate-authority ... no such
 * file"): an invalid kubeconfig is exit 2 before any request, not a TLS failure (exit 3) later.
 */
function validateFiles(cluster: Cluster, user: User | undefined, contextName: string): void {
  const files: Array<[string, string | undefined]> = [
    [`cluster "${cluster.name}" certificate-authority`, cluster.caFile],
    [`user "${user?.name ?? ''}" client-certificate`, user?.certFile],
    [`user "${user?.name ?? ''}" client-key`, user?.keyFile],
  ]
  for (const [what, file] of files) {
    if (file && !existsSync(file)) {
      throw new UsageError(`${what} ${file} (context "${contextName}") does not exist`, {
        hint: `oc config view --minify --context ${contextName}`,
      })
    }
  }
}

function validateServer(cluster: Cluster, contextName: string): void {
  if (cluster.proxyUrl !== undefined && cluster.proxyUrl !== '') {
    // kubectl accepts http, https and socks5 proxies (client-go's proxy-url validation).
    let proxy: URL | undefined
    try {
      proxy = new URL(cluster.proxyUrl)
    } catch {
      proxy = undefined
    }
    if (!proxy || !['http:', 'https:', 'socks5:'].includes(proxy.protocol) || !proxy.hostname) {
      throw new UsageError(
        `cluster "${cluster.name}" (context "${contextName}") has a proxy-url that is not an http, https or socks5 URL`,
        {hint: `oc config set clusters.${cluster.name}.proxy-url http://proxy.example.com:3128`},
      )
    }
  }
  let url: URL
  try {
    url = new URL(cluster.server)
  } catch {
    throw new UsageError(`cluster "${cluster.name}" (context "${contextName}") has an invalid server URL`, {
      hint: 'oc login <server>',
    })
  }
  if (url.protocol === 'http:' && !cluster.skipTLSVerify) {
    // client-node 1.4 refuses plain HTTP unless insecure-skip-tls-verify is set; say so up front.
    throw new UsageError(`cluster "${cluster.name}" uses http:// without insecure-skip-tls-verify`, {
      hint: `oc login https://${url.host}`,
    })
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(`cluster "${cluster.name}" has an unsupported server URL scheme ${url.protocol}`)
  }
}

// ---------------------------------------------------------------------------------------------
// exec credential plugins

interface ExecRun {
  command: string
  code: number | null
  signal: NodeJS.Signals | null
  lastStderrLine?: string
}

const execRuns = new WeakMap<KubeConfig, ExecRun>()

/**
 * client-node rejects a failing exec plugin with its whole stderr as the message (empty when the
 * plugin printed nothing) and drops the exit status. Its ExecAuth spawns through `execFn`: wrapped
 * here, the last run's command, status and last stderr line are kept for the error message.
 */
function watchExecPlugin(kc: KubeConfig): void {
  // `authenticators` is not in client-node's typings; absent in another version, messages stay as they were.
  const auths = (kc as unknown as {authenticators?: Array<{execFn?: unknown}>}).authenticators ?? []
  for (const auth of auths) {
    const spawnFn = auth.execFn
    if (typeof spawnFn !== 'function') continue
    auth.execFn = (command: string, args: string[], opts: object): ChildProcess => {
      const child = (spawnFn as (c: string, a: string[], o: object) => ChildProcess)(command, args, opts)
      const run: ExecRun = {command, code: null, signal: null}
      let stderr = ''
      child.stderr?.on('data', (d: Buffer | string) => (stderr += d.toString()))
      child.on('close', (code, signal) => {
        run.code = code
        run.signal = signal
        run.lastStderrLine = stderr
          .split('\n')
          .map(l => l.trim())
          .filter(Boolean)
          .pop()
        execRuns.set(kc, run)
      })
      return child
    }
  }
}

/** Why the credentials of the context could not be loaded, in one line (never the token). */
export function credentialFailure(kc: KubeConfig, error: unknown): string {
  const run = execRuns.get(kc)
  const user = kc.getCurrentUser()
  if (user?.exec && run && (run.code !== 0 || run.signal)) {
    const status = run.signal ? `was killed by ${run.signal}` : `exited with status ${run.code}`
    return `the exec credential plugin ${path.basename(run.command)} ${status}${run.lastStderrLine ? `: ${run.lastStderrLine}` : ' without a message'}`
  }
  const e = error as NodeJS.ErrnoException
  if (user?.exec && e?.code === 'ENOENT')
    return `the exec credential plugin ${user.exec.command} is not installed (not found on PATH)`
  const message = (e?.message ?? String(error)).trim().split('\n').filter(Boolean).pop()
  return message || 'no reason given'
}

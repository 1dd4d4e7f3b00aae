import {Args, Command, Flags, type Interfaces} from '@oclif/core'

import type {KubeClient} from './lib/cluster/client.js'
import type {RunContext} from './lib/run-context.js'
import type {KubeContext} from './lib/cluster/kubeconfig.js'
import {formatDuration} from './lib/cluster/format.js'
import {CliError, ExitCode, UsageError} from './lib/errors.js'
import {Interrupted, InterruptGuard, interruption} from './lib/interrupt.js'
import {renderList} from './lib/render/list.js'
import type {KList, KObject} from './lib/render/types.js'
import {replaceArg, shellLine, suggestionsFor} from './lib/suggest.js'
import {colorEnabled} from './lib/ui/color.js'
import {describeError} from './lib/ui/errors.js'
import {Ui, type OutputFormat} from './lib/ui/ui.js'
import {DEFAULT_NOTEBOOK_NAME, DEFAULT_REQUEST_TIMEOUT, DEFAULT_TIMEOUT} from './lib/values/defaults.js'
import {parseDuration} from './lib/values/duration.js'
import {parseInstanceName, parseName} from './lib/values/name.js'

export type DryRun = 'none' | 'client' | 'server'

/** How long after --timeout the whole-command deadline cuts what is still running (see startDeadline). */
const DEADLINE_GRACE_MS = 1000

/** The global flags of SPEC.md, validated. */
export interface GlobalOptions {
  kubeconfig?: string
  context?: string
  /** -n as given; undefined = the context's namespace (resolved only when a cluster is contacted) */
  namespace?: string
  /** 0 = no per-request limit */
  requestTimeoutMs: number
  /** 0 = wait without limit */
  timeoutMs: number
  output: OutputFormat
  dryRun: DryRun
  quiet: boolean
  noColor: boolean
  verbose: boolean
}

const GLOBAL = 'GLOBAL'

/** Every command takes these; they are parsed by the base command, once. */
export const globalFlags = {
  kubeconfig: Flags.string({
    helpGroup: GLOBAL,
    description: 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config).',
    helpValue: 'PATH',
  }),
  context: Flags.string({
    helpGroup: GLOBAL,
    description: 'The kubeconfig context to use.',
    helpValue: 'NAME',
  }),
  namespace: Flags.string({
    char: 'n',
    helpGroup: GLOBAL,
    description: "Project/namespace (default: the context's namespace, i.e. the current oc project).",
    helpValue: 'NS',
  }),
  'request-timeout': Flags.string({
    helpGroup: GLOBAL,
    description: `Time limit for each request to the server (e.g. 30s, 2m); 0 means none. The default, ${DEFAULT_REQUEST_TIMEOUT}, is when the API server itself gives up on a request (kube-apiserver --request-timeout): a server that has not answered by then never will, and a hung one must not hang the command. Watches and log streams are bounded only until the server starts answering.`,
    default: DEFAULT_REQUEST_TIMEOUT,
    helpValue: 'DUR',
  }),
  timeout: Flags.string({
    helpGroup: GLOBAL,
    description:
      'Time limit for the whole command: its writes and its waits (build, rollout, route); exit 5 when it is hit. 0 means none.',
    default: DEFAULT_TIMEOUT,
    helpValue: 'DUR',
  }),
  output: Flags.string({
    char: 'o',
    helpGroup: GLOBAL,
    description:
      'Output format: text for people; json or yaml print only machine-readable results on stdout.',
    options: ['text', 'json', 'yaml'],
    default: 'text',
  }),
  'dry-run': Flags.string({
    helpGroup: GLOBAL,
    description:
      'client: render only, no cluster contact (a bare --dry-run means client); server: send with dryRun=All.',
    options: ['none', 'client', 'server'],
    default: 'none',
  }),
  quiet: Flags.boolean({char: 'q', helpGroup: GLOBAL, description: 'No progress output.'}),
  'no-color': Flags.boolean({helpGroup: GLOBAL, description: 'No colours (also when NO_COLOR is set).'}),
  verbose: Flags.boolean({helpGroup: GLOBAL, description: 'More detail, and stack traces for errors.'}),
}

export type InferredFlags<T extends typeof Command> = Interfaces.InferredFlags<
  (typeof BaseCommand)['baseFlags'] & T['flags']
>
export type InferredArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

const DRY_RUN_VALUES = new Set(['none', 'client', 'server'])

/**
 * kubectl's old bare `--dry-run` meant client; accept it too. `--dry-run` followed by nothing, by
 * another flag or by a word that is not a dry-run mode becomes `--dry-run=client` (the word stays an
 * argument, as with kubectl).
 */
export function normalizeArgv(argv: readonly string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--') {
      out.push(...argv.slice(i))
      break
    }
    if (a === '--dry-run' && !DRY_RUN_VALUES.has(argv[i + 1] ?? '')) out.push('--dry-run=client')
    else out.push(a)
  }
  return out
}

/** The -o value from raw argv, for reporting an error that happened before flags were parsed. */
export function sniffOutput(argv: readonly string[]): OutputFormat {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--') break
    const m = /^(?:-o|--output)(?:=?)(json|yaml|text)$/.exec(a)
    if (m) return m[1] as OutputFormat
    if ((a === '-o' || a === '--output') && /^(json|yaml|text)$/.test(argv[i + 1] ?? ''))
      return argv[i + 1] as OutputFormat
  }
  return 'text'
}

/**
 * The one base command (STYLE.md: Salesforce plugin-org / heroku): global flags, output (Ui),
 * the kube context on demand, and the single error path that maps every failure to SPEC.md's exit
 * codes — also under -o json, where oclif would otherwise exit 1 (FACTS.md §Libraries).
 */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override baseFlags = globalFlags

  /**
   * Global flags (or some of their values) that mean nothing to this command, with the reason: given
   * explicitly, they are refused (exit 2) rather than silently ignored (`password --dry-run`).
   */
  static inapplicable: Inapplicable = {}

  protected flags!: InferredFlags<T>
  protected args!: InferredArgs<T>
  protected globals!: GlobalOptions
  protected ui!: Ui
  private kube?: KubeContext

  public override async init(): Promise<void> {
    await super.init()
    const ctor = this.ctor as typeof BaseCommand & T
    // oclif reads a missing positional argument from piped stdin by default: `echo PASSWORD | oc
    // jupyter deploy --password-from-stdin` would make the password the NAME (and print it in an
    // error). Arguments never come from stdin here.
    const noStdinArgs = Object.fromEntries(
      Object.entries(ctor.args ?? {}).map(([k, a]) => [k, {...a, ignoreStdin: true}]),
    )
    const {args, flags, metadata} = await this.parse(
      {
        flags: ctor.flags,
        baseFlags: ctor.baseFlags,
        args: noStdinArgs,
        strict: ctor.strict,
        enableJsonFlag: false,
      },
      normalizeArgv(this.argv),
    )
    refuseInapplicable(this.id ?? '', ctor.inapplicable, flags, metadata)
    this.flags = flags as InferredFlags<T>
    this.args = args as InferredArgs<T>
    this.globals = parseGlobals(flags)
    this.ui = this.makeUi(this.globals.output, this.globals)
    // Every command: a signal ends it with 130/143 within a second, whatever it is doing.
    this.interrupts()
    this.startDeadline(ctor)
  }

  private deadline?: {controller: AbortController; timer: NodeJS.Timeout}
  /** When --timeout started counting: the waits end at startedAt + --timeout, before the deadline cuts. */
  protected startedAt = Date.now()

  /**
   * --timeout bounds the whole command, not only its waits: the waits end themselves at the deadline
   * with what they saw (exit 5); anything still running DEADLINE_GRACE_MS later — a write the server
   * holds, a slow list — is aborted with exit 5 too. Commands that do not wait have no deadline
   * (--request-timeout bounds each of their requests).
   */
  private startDeadline(ctor: typeof BaseCommand): void {
    const ms = this.globals.timeoutMs
    this.startedAt = Date.now()
    if (ms <= 0 || ctor.inapplicable.timeout) return
    const controller = new AbortController()
    const timer = setTimeout(() => {
      this.ui?.stopSpinners()
      controller.abort(
        new CliError(
          `timed out after ${formatDuration(ms)} (--timeout): what the server answered stays applied; the same command run again completes it`,
          ExitCode.Timeout,
          {hint: `${this.commandLine()}   # or with a longer --timeout`},
        ),
      )
    }, ms + DEADLINE_GRACE_MS)
    timer.unref()
    this.deadline = {controller, timer}
  }

  /** Aborted on Ctrl-C, SIGTERM, or when --timeout is past: what the cluster client carries. */
  private requestSignal(): AbortSignal {
    const stop = this.abortSignal()
    return this.deadline ? AbortSignal.any([stop, this.deadline.controller.signal]) : stop
  }

  /** The validated NAME argument (notebookArgs), or the default notebook name. */
  protected notebookName(): string {
    return parseInstanceName((this.args as {name?: string}).name ?? DEFAULT_NOTEBOOK_NAME)
  }

  /**
   * The cluster connection, resolved on first use only: `--dry-run=client` never reads a
   * kubeconfig. The loader (src/lib/cluster, with client-node) is imported here, not at start-up.
   */
  protected async kubeContext(): Promise<KubeContext> {
    if (this.kube === undefined) {
      const {loadKubeContext} = await import('./lib/cluster/kubeconfig.js')
      const g = this.globals
      this.kube = loadKubeContext({
        kubeconfig: g.kubeconfig,
        context: g.context,
        namespace: g.namespace,
        requestTimeoutMs: g.requestTimeoutMs,
      })
    }
    return this.kube
  }

  private client?: KubeClient

  /**
   * The REST client for the context, created on first use. Server warnings (deprecated APIs such as
   * DeploymentConfig, PodSecurity) are shown once each; --verbose lists every request (never bodies
   * or tokens).
   */
  protected async kubeClient(): Promise<KubeClient> {
    if (this.client === undefined) {
      const ctx = await this.kubeContext()
      const {createClient} = await import('./lib/cluster/client.js')
      const {defaultDiscoveryCacheDir} = await import('./lib/cluster/discovery-cache.js')
      this.client = createClient(ctx, {
        signal: this.requestSignal(),
        // kubectl's discovery cache (~/.kube/cache/discovery, $KUBECACHEDIR): a second command sends
        // no discovery requests
        discoveryCacheDir: defaultDiscoveryCacheDir(),
        onWarning: text => this.ui.warn(`server: ${text}`),
        onRequest: r =>
          this.ui.debug(`${r.method} ${r.path} → ${r.status ?? r.error ?? '?'} (${r.durationMs} ms)`),
        onRetry: (method, path, r) =>
          this.ui.debug(
            `${method} ${path}: ${r.reason}${r.found === undefined ? '' : r.found ? ', re-read: it was done' : ', re-read: not done'}; ${r.found ? 'not sent again' : `sent again after ${r.delayMs} ms`} (${r.rule.why})`,
          ),
      })
    }
    return this.client
  }

  /** What a command that writes and waits hands to src/lib: the client, where, how to report and wait. */
  protected async runContext(): Promise<RunContext> {
    const client = await this.kubeClient()
    return {
      client,
      namespace: client.namespace,
      ui: this.ui,
      timeoutMs: this.globals.timeoutMs,
      startedAt: this.startedAt,
      serverDryRun: this.globals.dryRun === 'server',
      signal: this.abortSignal(),
    }
  }

  /**
   * Aborted on Ctrl-C / SIGTERM (src/lib/interrupt.ts): requests in flight are destroyed, waits stop
   * and say what was done and what a re-run does; nothing half-written is left that a re-run cannot
   * complete (every write is an idempotent apply).
   */
  protected abortSignal(): AbortSignal {
    return this.interrupts().signal
  }

  private guard?: InterruptGuard

  private interrupts(): InterruptGuard {
    this.guard ??= new InterruptGuard({
      onSignal: () => this.ui?.stopSpinners(),
      fallbackLine: reason =>
        `Error: ${reason.message}: what the server answered stays applied; the same command run again completes it\nTry: ${this.commandLine()}`,
    })
    return this.guard
  }

  /** This invocation as the user can type it again (arguments never hold secrets: those come from stdin). */
  protected commandLine(): string {
    const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)
    return ['oc', 'jupyter', ...(this.id ?? '').split(':'), ...this.argv.map(quote)].join(' ')
  }

  /** Prints rendered objects the way `kubectl ... --dry-run=client` would. */
  protected printRendered(objects: KObject[] | KObject, what: string): void {
    const value: KObject | KList = Array.isArray(objects) ? renderList(objects) : objects
    const list = Array.isArray(objects) ? objects : [objects]
    this.ui.result(value, () => {
      const where =
        this.globals.namespace === undefined ? 'the current project' : `project ${this.globals.namespace}`
      const lines = [
        `Dry run (client): ${what} would apply ${list.length} object${list.length === 1 ? '' : 's'} to ${where}:`,
      ]
      for (const o of list) lines.push(`  ${o.kind}/${o.metadata.name}`)
      lines.push('Nothing was sent. See the objects with -o yaml or -o json.')
      return lines.join('\n')
    })
  }

  /**
   * The single error path: one line (+ `Try:`) on stderr, `{"error": ...}` on stdout under -o
   * json|yaml, process.exitCode from SPEC.md's table, and no stack unless --verbose or DEBUG.
   * Not rethrown: oclif would print it again and exit 1.
   */
  public override async catch(err: Error & {code?: string; oclif?: {exit?: number}}): Promise<void> {
    // A failed parse is handled here: keep oclif from warning "did not parse its arguments".
    this.parsed = true
    if (err.code === 'EEXIT') {
      process.exitCode = err.oclif?.exit ?? 0
      return
    }
    const verbose = (this.globals?.verbose ?? this.argv.includes('--verbose')) || Boolean(process.env.DEBUG)
    let report = describeError(err, {verbose})
    const late = this.deadline?.controller.signal.reason as CliError | undefined
    if (late && report.exitCode !== ExitCode.Timeout)
      report = {...describeError(late, {verbose}), stack: report.stack}
    const stopped = interruption(this.guard?.signal)
    if (stopped && (report.exitCode !== stopped.exitCode || err instanceof Interrupted)) {
      // Whatever the interruption broke (an aborted request, a half-read stream) is not the story.
      report = {
        exitCode: stopped.exitCode,
        message: `${stopped.message}: what the server answered stays applied; the same command run again completes it`,
        hint: this.commandLine(),
        ...(report.stack === undefined ? {} : {stack: report.stack}),
      }
    }
    const unknownFlag = unknownFlagReport(
      err,
      this.id ?? '',
      {...this.ctor.baseFlags, ...this.ctor.flags},
      this.argv,
      this.config.bin,
    )
    if (unknownFlag) report = {...report, ...unknownFlag}
    if (report.exitCode === ExitCode.Usage && report.hint === undefined && 'parse' in err) {
      report.hint = `${this.config.bin} ${this.id} --help`
    }
    const ui =
      this.ui ??
      this.makeUi(sniffOutput(this.argv), {quiet: false, noColor: this.argv.includes('--no-color'), verbose})
    ui.error(report)
    if (this.guard) this.guard.reported = true
    process.exitCode = report.exitCode
  }

  public override async finally(err: Error | undefined): Promise<void> {
    const stopped = interruption(this.guard?.signal)
    // A command that ended normally after the signal (a followed log) still reports the signal.
    if (stopped) process.exitCode = stopped.exitCode
    this.guard?.dispose()
    if (this.deadline) clearTimeout(this.deadline.timer)
    return super.finally(err)
  }

  private makeUi(output: OutputFormat, g: Pick<GlobalOptions, 'quiet' | 'noColor' | 'verbose'>): Ui {
    return new Ui({
      format: output,
      quiet: g.quiet,
      verbose: g.verbose,
      color: colorEnabled({noColor: g.noColor, isTTY: Boolean(process.stderr.isTTY)}),
      bin: this.config.bin,
    })
  }
}

export type GlobalFlagName = keyof typeof globalFlags

/** The NAME argument of the commands that act on one notebook. */
export const notebookArgs = {
  name: Args.string({description: `Notebook name (default ${DEFAULT_NOTEBOOK_NAME}).`}),
}

/** Commands that only read and do not wait: --dry-run and --timeout mean nothing to them. */
export const READ_ONLY: Inapplicable = {
  'dry-run': {why: 'it only reads'},
  timeout: {why: 'it does not wait (use --request-timeout to bound each request)'},
}

/** Commands that only scale (stop, start): there is nothing to render for a client dry run. */
export const SCALE_ONLY: Inapplicable = {
  'dry-run': {
    values: ['client'],
    why: 'it changes only the replica count on the cluster; --dry-run=server asks the server without changing it',
  },
}

/** flag → why it does not apply; `values` limits the refusal to those values (`--dry-run=client`). */
export type Inapplicable = Partial<Record<GlobalFlagName, {why: string; values?: readonly string[]}>>

/** Throws UsageError for an explicitly given global flag the command cannot honour. */
export function refuseInapplicable(
  command: string,
  inapplicable: Inapplicable,
  flags: Record<string, unknown>,
  metadata: {flags: Record<string, {setFromDefault?: boolean} | undefined>},
): void {
  for (const [flag, rule] of Object.entries(inapplicable) as Array<
    [GlobalFlagName, {why: string; values?: readonly string[]}]
  >) {
    const value = flags[flag]
    if (value === undefined || value === false || metadata.flags[flag]?.setFromDefault) continue
    if (rule.values && !rule.values.includes(String(value))) continue
    const given = typeof value === 'boolean' ? `--${flag}` : `--${flag}=${String(value)}`
    throw new UsageError(`${given} does not apply to ${command}: ${rule.why}`, {
      hint: `oc jupyter ${command} --help`,
    })
  }
}

/** Validates the global flags (durations, namespace) before anything else happens. */
export function parseGlobals(flags: Interfaces.InferredFlags<typeof globalFlags>): GlobalOptions {
  const g: GlobalOptions = {
    requestTimeoutMs: parseDuration(flags['request-timeout'], '--request-timeout').ms,
    timeoutMs: parseDuration(flags.timeout, '--timeout').ms,
    output: flags.output as OutputFormat,
    dryRun: flags['dry-run'] as DryRun,
    quiet: flags.quiet,
    noColor: flags['no-color'],
    verbose: flags.verbose,
  }
  if (flags.kubeconfig !== undefined) g.kubeconfig = flags.kubeconfig
  if (flags.context !== undefined) g.context = flags.context
  if (flags.namespace !== undefined)
    g.namespace = parseName(flags.namespace, {label: '--namespace', rule: 'dns1123-label'})
  return g
}

/**
 * An unknown flag (oclif's NonExistentFlagsError) in the house style: which flag, "did you mean" from
 * the command's own flags, and the command line again with the flag corrected as `Try:`.
 */
export function unknownFlagReport(
  err: Error & {flags?: unknown},
  id: string,
  flags: Record<string, {char?: string; hidden?: boolean} | undefined>,
  argv: readonly string[],
  /** the CLI's name as run: `oc jupyter`, or `kubectl jupyter` (bin/run.js) */
  bin = 'oc jupyter',
): {message: string; hint: string} | undefined {
  if (err.constructor.name !== 'NonExistentFlagsError' || !Array.isArray(err.flags)) return undefined
  const given = String(err.flags[0])
  const typed = given.split('=')[0]
  const names = Object.entries(flags)
    .filter(([, f]) => f && !f.hidden)
    .map(([name]) => `--${name}`)
  const [suggestion] = typed.startsWith('--')
    ? suggestionsFor(
        typed.slice(2),
        names.map(n => n.slice(2)),
      )
    : []
  const command = `${bin} ${id}`
  if (!suggestion) return {message: `unknown flag ${typed} for "${command}"`, hint: `${command} --help`}
  const fixed = given.replace(typed, `--${suggestion}`)
  return {
    message: `unknown flag ${typed} for "${command}"; did you mean --${suggestion}?`,
    hint: `${command} ${shellLine(replaceArg(argv, given, fixed))}`,
  }
}

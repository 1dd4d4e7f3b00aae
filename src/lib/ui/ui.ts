import {toJson, toYaml} from '../render/serialize.js'
import {colors, type Colors} from './color.js'
import {errorJson, type ErrorReport} from './errors.js'

/** text/json/yaml for every command; junit and sarif only where a command offers them (doctor). */
export type OutputFormat = 'text' | 'json' | 'yaml' | 'junit' | 'sarif'

export interface Stream {
  write(chunk: string): boolean
  isTTY?: boolean
  columns?: number
}

export interface UiOptions {
  format: OutputFormat
  quiet: boolean
  /** colour on stderr (progress, errors) */
  color: boolean
  verbose: boolean
  stdout?: Stream
  stderr?: Stream
  /**
   * How the user runs the CLI (`oc jupyter`, or `kubectl jupyter` through kubectl-jupyter): the
   * commands printed in text (Try:, Next:, fixes) name it; machine output (-o json|yaml) is unchanged.
   */
  bin?: string
}

/**
 * Everything the CLI prints goes through here (SPEC.md §Global flags):
 * - stdout carries the result: text for people, or JSON/YAML and nothing else with -o json|yaml;
 * - stderr carries progress and warnings — spinners only on a terminal, plain step lines
 *   otherwise, nothing at all in json/yaml mode or with -q;
 * - errors go to stderr as one line plus `Try:`; with -o json|yaml also as `{"error": ...}` on stdout.
 */
export class Ui {
  readonly format: OutputFormat
  readonly quiet: boolean
  readonly verbose: boolean
  readonly c: Colors
  readonly stdout: Stream
  readonly stderr: Stream
  private readonly spinners = new Set<import('ora').Ora>()

  constructor(opts: UiOptions) {
    this.format = opts.format
    this.quiet = opts.quiet
    this.verbose = opts.verbose
    this.stdout = opts.stdout ?? process.stdout
    this.stderr = opts.stderr ?? process.stderr
    this.c = colors(opts.color)
    this.bin = opts.bin ?? 'oc jupyter'
  }

  private readonly bin: string

  /** Text with its `oc jupyter ...` commands as the user runs this CLI. */
  own(text: string): string {
    return this.bin === 'oc jupyter' ? text : text.replace(/\boc jupyter\b/g, this.bin)
  }

  get machine(): boolean {
    return this.format !== 'text'
  }

  /** Progress on stderr is shown: text mode and not quiet. */
  get showProgress(): boolean {
    return !this.machine && !this.quiet
  }

  /**
   * Prints the command's result: serialised in json/yaml mode, else `text()` — the human text, or
   * the JUnit/SARIF document in those modes (no progress is shown in any machine mode).
   */
  result(value: unknown, text: () => string): void {
    this.endProgress()
    if (this.format === 'json') this.stdout.write(toJson(value))
    else if (this.format === 'yaml') this.stdout.write(toYaml(value))
    else {
      const out = this.own(text())
      this.stdout.write(out.endsWith('\n') ? out : `${out}\n`)
    }
  }

  /** Text on stdout (text mode only). */
  print(text: string): void {
    if (this.machine) return
    const out = this.own(text)
    this.stdout.write(out.endsWith('\n') ? out : `${out}\n`)
  }

  /** A status line on stderr, hidden in json/yaml mode and with -q. */
  info(line: string): void {
    if (this.showProgress) this.above(`${this.own(line)}\n`)
  }

  /** A warning on stderr: shown even in json/yaml mode (stdout stays clean), hidden only by -q. */
  warn(line: string): void {
    if (!this.quiet) this.above(`${this.c.yellow('!')} ${this.own(line)}\n`)
  }

  /** Writes lines to stderr above a running spinner (which is cleared and drawn again below them). */
  private above(text: string): void {
    if (!this.live) {
      this.stderr.write(text)
      return
    }
    this.live.clear()
    this.stderr.write(text)
    this.live.render()
  }

  /** Spinners are drawn: progress shown, stderr a terminal that reports its width. */
  get animates(): boolean {
    // A terminal that reports no width (some ptys) makes ora's redraw loop forever: plain lines then.
    return this.showProgress && this.stderr.isTTY === true && (this.stderr.columns ?? 0) > 0
  }

  private live?: import('ora').Ora
  private liveText = ''
  private liveWanted = false
  /**
   * What a wait is waiting for now (`Waiting for deployment "x" rollout to finish: 0 of 1 ...`): the
   * text of one spinner on a terminal, else a plain line. Ends with endProgress(), or when a result or
   * an error is printed.
   */
  progress(text: string): void {
    if (!this.animates) {
      this.info(text)
      return
    }
    this.liveText = text
    if (this.live) {
      this.live.text = text
      return
    }
    if (this.liveWanted) return
    this.liveWanted = true
    // ora is loaded for terminals only, on the first wait; the spinner starts once it is here, if the
    // wait has not ended meanwhile (then nothing is drawn), and there is only ever one.
    this.loadSpinner().then(
      ora => {
        if (!this.liveWanted || this.live) return
        this.live = ora({text: this.liveText, stream: this.stderr as NodeJS.WritableStream}).start()
      },
      // no spinner library: the wait goes on without one
      () => undefined,
    )
  }

  private oraLoading?: Promise<typeof import('ora').default>
  private loadSpinner(): Promise<typeof import('ora').default> {
    this.oraLoading ??= import('ora').then(m => m.default)
    return this.oraLoading
  }

  /** A wait is coming (a command about to write, then wait): on a terminal, ora is loaded meanwhile. */
  expectWait(): void {
    if (this.animates) void this.loadSpinner().catch(() => undefined)
  }

  /** Stops the progress spinner (its last text is not kept: the step's outcome line follows). */
  endProgress(): void {
    this.liveWanted = false
    this.live?.stop()
    this.live = undefined
  }

  /** Debug detail for --verbose, on stderr. Never pass secrets. */
  debug(line: string): void {
    if (this.verbose) this.stderr.write(`${this.c.dim(line)}\n`)
  }

  /** Prints an error: always the line on stderr; a JSON/YAML error object on stdout in machine mode. */
  error(r: ErrorReport): void {
    this.endProgress()
    const lines = [`${this.c.red('Error:')} ${this.own(r.message)}`]
    for (const d of r.details ?? []) lines.push(`  ${this.own(d)}`)
    if (r.hint !== undefined) lines.push(`Try: ${this.own(r.hint)}`)
    if (r.stack !== undefined) lines.push(this.c.dim(r.stack))
    this.stderr.write(`${lines.join('\n')}\n`)
    if (this.format === 'json') this.stdout.write(toJson(errorJson(r)))
    else if (this.format === 'yaml') this.stdout.write(toYaml(errorJson(r)))
  }

  /**
   * Runs one step with progress: a spinner on a terminal, else a plain line when it ends —
   * `✔ Created Route/notebook (0.3s)`. The step's own text can be updated while it runs.
   */
  async step<T>(
    title: string,
    fn: (update: (text: string) => void) => Promise<T>,
    done?: (value: T) => string,
  ): Promise<T> {
    const started = Date.now()
    const elapsed = () => `(${((Date.now() - started) / 1000).toFixed(1)}s)`
    const spinner = this.animates ? await this.spinner(title) : undefined
    try {
      const value = await fn(text => {
        if (spinner) spinner.text = text
      })
      const line = `${this.c.green('✔')} ${done ? done(value) : title} ${this.c.dim(elapsed())}`
      if (spinner) this.stopSpinner(spinner, line.trimStart())
      else this.info(line)
      return value
    } catch (error) {
      const line = `${this.c.red('✖')} ${title} ${this.c.dim(elapsed())}`
      if (spinner) this.stopSpinner(spinner, line)
      else this.info(line)
      throw error
    }
  }

  /**
   * Stops every spinner still turning (Ctrl-C): the terminal gets its cursor back and the step's line
   * is left as it was, before the interruption is reported.
   */
  stopSpinners(): void {
    this.endProgress()
    for (const s of this.spinners) this.stopSpinner(s, `${this.c.red('✖')} ${s.text}`)
  }

  private stopSpinner(spinner: import('ora').Ora, text: string): void {
    if (!this.spinners.delete(spinner)) return
    spinner.stopAndPersist({symbol: '', text})
  }

  private async spinner(text: string): Promise<import('ora').Ora> {
    // ora is imported only when a spinner is shown, to keep start-up light.
    const {default: ora} = await import('ora')
    const spinner = ora({text, stream: this.stderr as NodeJS.WritableStream}).start()
    this.spinners.add(spinner)
    return spinner
  }
}

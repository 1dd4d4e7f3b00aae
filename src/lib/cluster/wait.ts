/**
 * waitFor: feed every state of one object to a pure judge until it says done or failed, or the
 * overall timeout passes (exit 5, with the last status and how to keep following).
 */
import {CliError, ExitCode} from '../errors.js'
import type {KubeClient} from './client.js'
import type {Judge, JudgeResult} from './judges.js'
import {parseApiPath} from './kinds.js'
import type {RetryClock} from './retry.js'
import type {KubeObject} from './types.js'
import {watchObject} from './watch.js'
import {formatDuration} from './format.js'

export {formatDuration} from './format.js'

export interface WaitOptions {
  /** Collection path of the object, e.g. resourcePath('Deployment', {namespace: 'p'}). */
  path: string
  name: string
  judge: Judge
  /** Overall limit (--timeout); 0 = wait forever. */
  timeoutMs: number
  /**
   * The limit to name in a timeout message when this wait only got what was left of a larger one
   * (the user's --timeout shared by several waits); default timeoutMs.
   */
  reportedTimeoutMs?: number
  /** Called when the state or message changes (not for every identical event). */
  onUpdate?: (result: JudgeResult, object: KubeObject | undefined) => void
  /** For messages: `deployment "notebook" rollout`; default `<resource> "<name>"`. */
  description?: string
  /** How to keep following after a timeout; default `oc get <resource>/<name> -n <ns> -w`. */
  hint?: string
  signal?: AbortSignal
  /** Server-side duration of each watch request; default 300 s (tests use less). */
  watchTimeoutSeconds?: number
  clock?: RetryClock
  onReconnect?: (reason: string) => void
}

export interface WaitOutcome {
  object: KubeObject
  result: JudgeResult
}

/** The judge said failed (or the object was deleted): exit 1, with the object for the caller's report. */
export class WaitFailedError extends CliError {
  readonly result: JudgeResult
  readonly object?: KubeObject
  constructor(result: JudgeResult, object: KubeObject | undefined, hint?: string) {
    super(result.message, ExitCode.Failed, {hint})
    this.name = 'WaitFailedError'
    this.result = result
    this.object = object
  }
}

/** --timeout passed: exit 5, with the last state seen. */
export class WaitTimeoutError extends CliError {
  readonly last?: JudgeResult
  readonly object?: KubeObject
  constructor(message: string, last: JudgeResult | undefined, object: KubeObject | undefined, hint?: string) {
    super(message, ExitCode.Timeout, {hint})
    this.name = 'WaitTimeoutError'
    this.last = last
    this.object = object
  }
}

export async function waitFor(client: KubeClient, opts: WaitOptions): Promise<WaitOutcome> {
  const parsed = parseApiPath(opts.path)
  const resource = parsed?.resource ?? 'object'
  const description = opts.description ?? `${resource.replace(/s$/, '')} "${opts.name}"`
  const hint =
    opts.hint ?? `oc get ${resource}/${opts.name}${parsed?.namespace ? ` -n ${parsed.namespace}` : ''} -w`

  const timeoutSentinel = new Error('wait timeout')
  const ctl = new AbortController()
  const onOuterAbort = () => ctl.abort(opts.signal?.reason)
  if (opts.signal?.aborted) ctl.abort(opts.signal.reason)
  opts.signal?.addEventListener('abort', onOuterAbort, {once: true})
  const timer = opts.timeoutMs > 0 ? setTimeout(() => ctl.abort(timeoutSentinel), opts.timeoutMs) : undefined

  let last: JudgeResult | undefined
  let lastObject: KubeObject | undefined
  const report = (result: JudgeResult, obj: KubeObject | undefined) => {
    lastObject = obj
    if (last && last.state === result.state && last.message === result.message) return
    last = result
    opts.onUpdate?.(result, obj)
  }

  try {
    for await (const ev of watchObject(client, {
      path: opts.path,
      name: opts.name,
      signal: ctl.signal,
      watchTimeoutSeconds: opts.watchTimeoutSeconds,
      clock: opts.clock,
      onReconnect: opts.onReconnect,
    })) {
      let result: JudgeResult
      let obj: KubeObject | undefined = ev.object
      if (ev.type === 'DELETED') {
        result = {state: 'failed', message: `${description} was deleted while waiting`}
        obj = undefined
      } else if (!obj) {
        result = {state: 'waiting', message: `Waiting for ${description} to be created...`}
      } else {
        result = opts.judge(obj)
      }
      report(result, obj)
      if (result.state === 'done' && obj) return {object: obj, result}
      if (result.state === 'failed') throw new WaitFailedError(result, obj ?? ev.object)
    }
    // watchObject only ends by throwing; keep the compiler and a future refactor honest.
    throw new Error('internal: watch ended')
  } catch (error) {
    if (ctl.signal.aborted && ctl.signal.reason === timeoutSentinel) {
      const status = last ? `: ${last.message}` : ''
      throw new WaitTimeoutError(
        `timed out after ${formatDuration(opts.reportedTimeoutMs ?? opts.timeoutMs)} waiting for ${description}${status}`,
        last,
        lastObject,
        hint,
      )
    }
    throw error
  } finally {
    if (timer) clearTimeout(timer)
    opts.signal?.removeEventListener('abort', onOuterAbort)
  }
}

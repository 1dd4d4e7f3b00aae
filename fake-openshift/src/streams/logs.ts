/**
 * Streaming subresources: pod/build logs (plain text; follow=true streams until the LogSource
 * ends) and pod exec over WebSocket with the channel.k8s.io subprotocols:
 *   v5.channel.k8s.io  — v4 plus the CLOSE signal (client → server `[255, stream]` half-closes stdin);
 *                        kubectl >= 1.31 offers only this one by default
 *   v4.channel.k8s.io  — channel 3 carries a JSON Status (exit code in details.causes[ExitCode])
 *   v3/v2/channel.k8s.io — channel 3 carries the error text only
 * Each binary frame is one channel byte followed by data: 0 stdin, 1 stdout, 2 stderr, 3 status,
 * 4 resize (ignored).
 */
import type {IncomingMessage, ServerResponse} from 'node:http'

import type {WebSocket} from 'ws'

import type {ExecResult, KObject, LogSource} from '../types.js'

export interface LogQuery {
  follow: boolean
  tailLines?: number
  limitBytes?: number
  timestamps: boolean
}

export function parseLogQuery(q: URLSearchParams): LogQuery {
  const num = (k: string) => (q.has(k) ? Number(q.get(k)) : undefined)
  return {
    follow: q.get('follow') === 'true' || q.get('follow') === '1',
    tailLines: num('tailLines'),
    limitBytes: num('limitBytes'),
    timestamps: q.get('timestamps') === 'true',
  }
}

/** Writes a log: everything so far (or the last tailLines), then, with follow, each new line until the end. */
export function serveLog(res: ServerResponse, source: LogSource, q: LogQuery, onEnd?: () => void): void {
  res.writeHead(200, {'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private'})
  res.flushHeaders()
  let bytes = 0
  let done = false
  let unsubscribe: () => void = () => {}
  const finish = () => {
    if (done) return
    done = true
    unsubscribe()
    res.end()
    onEnd?.()
  }
  const emit = (line: string) => {
    if (done) return
    let text = (q.timestamps ? `${new Date().toISOString()} ` : '') + line + '\n'
    if (q.limitBytes !== undefined) {
      const left = q.limitBytes - bytes
      if (left <= 0) return finish()
      if (Buffer.byteLength(text) > left) text = Buffer.from(text).subarray(0, left).toString()
    }
    bytes += Buffer.byteLength(text)
    res.write(text)
    if (q.limitBytes !== undefined && bytes >= q.limitBytes) finish()
  }
  res.on('close', finish)
  let lines = source.lines()
  if (q.tailLines !== undefined && q.tailLines >= 0)
    lines = q.tailLines === 0 ? [] : lines.slice(-q.tailLines)
  // subscribe before writing the backlog so no line written meanwhile is lost (all synchronous)
  if (q.follow && !source.ended()) unsubscribe = source.subscribe(emit, finish)
  for (const l of lines) emit(l)
  if (!q.follow || source.ended()) finish()
}

/** A LogSource over fixed text (scenario logs), already ended. */
export function staticLog(text: string): LogSource {
  const lines = text.replace(/\n$/, '').split('\n')
  return {
    lines: () => (text === '' ? [] : [...lines]),
    ended: () => true,
    subscribe: (_onLine, onEnd) => {
      queueMicrotask(onEnd)
      return () => {}
    },
  }
}

export const EXEC_PROTOCOLS = [
  'v5.channel.k8s.io',
  'v4.channel.k8s.io',
  'v3.channel.k8s.io',
  'v2.channel.k8s.io',
  'channel.k8s.io',
] as const

export function pickExecProtocol(offered: Set<string>): string | false {
  if (offered.size === 0) return false
  for (const p of EXEC_PROTOCOLS) if (offered.has(p)) return p
  return false
}

export interface ExecRequest {
  command: string[]
  container?: string
  stdin: boolean
  stdout: boolean
  stderr: boolean
  tty: boolean
}

export function parseExecQuery(q: URLSearchParams): ExecRequest {
  const flag = (k: string) => q.get(k) === 'true' || q.get(k) === '1'
  return {
    command: q.getAll('command'),
    container: q.get('container') ?? undefined,
    stdin: flag('stdin'),
    stdout: flag('stdout'),
    stderr: flag('stderr'),
    tty: flag('tty'),
  }
}

function statusFor(result: ExecResult, command: string[]): KObject {
  if (result.exitCode === 0) return {metadata: {}, status: 'Success'} as unknown as KObject
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${result.exitCode}`,
    reason: 'NonZeroExitCode',
    details: {causes: [{reason: 'ExitCode', message: String(result.exitCode)}]},
  } as unknown as KObject
}

/**
 * Runs one exec session on an open WebSocket. With stdin on v5 the command runs once the client
 * half-closes stdin (so `echo x | kubectl exec -i ... -- cat` sees its input); otherwise at once.
 */
export function serveExec(
  ws: WebSocket,
  protocol: string,
  req: ExecRequest,
  run: (stdin: string | undefined) => ExecResult,
  onEnd?: () => void,
): void {
  const v4plus = protocol === 'v4.channel.k8s.io' || protocol === 'v5.channel.k8s.io'
  const stdinChunks: Buffer[] = []
  let ran = false
  const frame = (channel: number, data: string | Buffer) =>
    ws.send(Buffer.concat([Buffer.from([channel]), Buffer.isBuffer(data) ? data : Buffer.from(data)]))

  const execute = () => {
    if (ran) return
    ran = true
    let result: ExecResult
    try {
      result = run(req.stdin ? Buffer.concat(stdinChunks).toString() : undefined)
    } catch (err) {
      const e = err as {message?: string; reason?: string; code?: number}
      const message = e.message ?? String(err)
      frame(
        3,
        v4plus
          ? JSON.stringify({
              metadata: {},
              status: 'Failure',
              message,
              reason: e.reason ?? 'InternalError',
              code: e.code ?? 500,
            })
          : message,
      )
      ws.close(1000)
      onEnd?.()
      return
    }
    if (req.stdout && result.stdout) frame(1, result.stdout)
    if (result.stderr) {
      // with a TTY there is no separate stderr stream: it is merged into stdout
      if (req.tty && req.stdout) frame(1, result.stderr)
      else if (req.stderr) frame(2, result.stderr)
    }
    const status = statusFor(result, req.command)
    if (v4plus) frame(3, JSON.stringify(status))
    else if (result.exitCode !== 0) frame(3, String((status as {message?: string}).message))
    ws.close(1000)
    onEnd?.()
  }

  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const buf = isBinary ? data : Buffer.from(data)
    if (!buf.length) return
    const channel = buf[0]
    if (channel === 0) stdinChunks.push(buf.subarray(1))
    // v5 CLOSE signal: [255, streamId]; stdin (0) closed means the input is complete
    else if (channel === 255 && buf[1] === 0) execute()
  })
  ws.on('close', () => {
    if (!ran) {
      ran = true
      onEnd?.()
    }
  })
  if (!req.stdin || protocol !== 'v5.channel.k8s.io') setImmediate(execute)
}

export type {IncomingMessage}

/**
 * pods/NAME/exec over WebSocket with the channel.k8s.io subprotocols:
 *   v5.channel.k8s.io  — v4 plus the CLOSE signal (client → server `[255, stream]` half-closes stdin);
 *                        kubectl >= 1.31 offers only this one by default
 *   v4.channel.k8s.io  — channel 3 carries a JSON Status (exit code in details.causes[ExitCode])
 *   v3/v2/channel.k8s.io — channel 3 carries the error text only
 * Each binary frame is one channel byte followed by data: 0 stdin, 1 stdout, 2 stderr, 3 status,
 * 4 resize (ignored). The command's answer comes from the simulators (sims.exec).
 */
import type {WebSocket, WebSocketServer} from 'ws'

import {rtFor, type Deps} from '../handlers/context.js'
import type {IncomingUpgrade} from '../http/request.js'
import {badRequest, status404} from '../http/respond.js'
import type {Recorder} from '../recorder.js'
import {notFound} from '../store.js'
import {ApiError, type ExecResult, type KObject} from '../types.js'

/** The upgrade request, authenticated by http/request.ts: checks, authorization, then the session. */
export function serveExecUpgrade(
  d: Deps,
  recorder: Recorder,
  wss: WebSocketServer,
  up: IncomingUpgrade,
  head: Buffer,
): void {
  const {req, socket, path, q, user, entry} = up
  try {
    const m = path.match(/^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(exec|attach|portforward)$/)
    if (!m) throw status404()
    const [, ns, podName, sub] = m
    if (sub !== 'exec') throw badRequest(`${sub} is not supported by the fake OpenShift API server`)
    const podsRt = rtFor(d.store, 'v1', 'pods')
    // websocket exec is authorized as `create pods/exec` (AuthorizePodWebsocketUpgradeCreatePermission)
    d.authz.authorizeOrThrow(user, {
      verb: 'create',
      group: '',
      resource: 'pods',
      subresource: 'exec',
      namespace: ns,
      name: podName,
    })
    const pod = d.store.getRaw(podsRt, ns, podName)
    if (!pod) throw notFound(podsRt, podName)
    const exec = parseExecQuery(q)
    if (!exec.command.length) throw badRequest('you must specify at least 1 command')
    if (!exec.stdin && !exec.stdout && !exec.stderr)
      throw badRequest('you must specify at least 1 of stdin, stdout, stderr')
    const containers = ((pod.spec as {containers?: Array<{name: string}>})?.containers ?? []).map(c => c.name)
    const container = exec.container ?? containers[0]
    if (!containers.includes(container))
      throw badRequest(`container ${container} is not valid for pod ${podName}`)
    const phase = (pod.status as {phase?: string})?.phase
    if (phase === 'Succeeded' || phase === 'Failed')
      throw badRequest(`cannot exec into a container in a completed pod; current phase is ${phase}`)
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
    if (!offered.trim()) throw badRequest('websocket exec requires a channel.k8s.io subprotocol')
    if (!pickExecProtocol(new Set(offered.split(',').map(s => s.trim()))))
      throw badRequest(
        `none of the offered subprotocols (${offered}) is supported: ${'v5.channel.k8s.io, v4.channel.k8s.io, v3.channel.k8s.io, v2.channel.k8s.io, channel.k8s.io'}`,
      )
    // Without stdin the command runs before the upgrade, so a container that is not running
    // fails the upgrade itself with the kubelet's 400 ("unable to upgrade connection: ..."),
    // as on a real node; with stdin it runs once the client has sent its input.
    const early = exec.stdin ? undefined : d.sims.exec(ns, podName, container, exec.command)
    wss.handleUpgrade(req, socket, head, ws => {
      entry.status = 101
      recorder.touch(entry)
      serveExec(
        ws,
        ws.protocol,
        {...exec, container},
        stdin => early ?? d.sims.exec(ns, podName, container, exec.command, stdin),
      )
    })
  } catch (err) {
    entry.status = err instanceof ApiError ? err.code : 500
    throw err
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

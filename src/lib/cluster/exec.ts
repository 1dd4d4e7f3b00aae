/**
 * A one-shot command in a container over the pods/exec WebSocket, with client-node's Exec (it
 * negotiates v5..v1.channel.k8s.io and demultiplexes channel 1 stdout, 2 stderr, 3 status).
 * client-node resolves when the socket opens, not when the command ends (FACTS.md §Libraries): the
 * result is settled by the status frame (exit code in details.causes[reason=ExitCode]) or the close.
 */
// A named import (not `await import(...)` of the whole package): the production bundle then carries
// only Exec, in the chunk that doctor --exec loads (scripts/build.mjs).
import {Exec, type KubeConfig, type V1Status} from '@kubernetes/client-node'
import {Writable} from 'node:stream'

export interface ExecOptions {
  namespace: string
  pod: string
  container: string
  command: string[]
  /** whole command, default 15 s */
  timeoutMs?: number
  signal?: AbortSignal
}

export interface ExecOutcome {
  /** null when the server sent no status (socket closed, timeout) */
  exitCode: number | null
  stdout: string
  stderr: string
  /** transport failure or timeout, in words */
  error?: string
}

/** Exit code of a v4+ status frame: Success → 0, NonZeroExitCode → the ExitCode cause. */
export function exitCodeOfStatus(status: V1Status | undefined): number | null {
  if (!status) return null
  if (status.status === 'Success') return 0
  const cause = status.details?.causes?.find(c => c.reason === 'ExitCode')
  const n = Number(cause?.message)
  return Number.isFinite(n) && cause ? n : 1
}

const MAX_OUTPUT = 64 * 1024

function collector(): {stream: Writable; text: () => string} {
  const chunks: Buffer[] = []
  let size = 0
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      // Bounded: probes print a line; a runaway command must not grow memory.
      if (size < MAX_OUTPUT) chunks.push(chunk)
      size += chunk.length
      cb()
    },
  })
  return {stream, text: () => Buffer.concat(chunks).toString('utf8')}
}

export async function execInPod(kc: KubeConfig, opts: ExecOptions): Promise<ExecOutcome> {
  const out = collector()
  const err = collector()
  return new Promise<ExecOutcome>(resolve => {
    let done = false
    let socket: {close: () => void; on?: (ev: string, fn: () => void) => void} | undefined
    const finish = (exitCode: number | null, error?: string) => {
      if (done) return
      done = true
      clearTimeout(timer)
      opts.signal?.removeEventListener('abort', onAbort)
      socket?.close()
      resolve({exitCode, stdout: out.text(), stderr: err.text(), ...(error ? {error} : {})})
    }
    const onAbort = () => finish(null, 'interrupted')
    opts.signal?.addEventListener('abort', onAbort)
    const timer = setTimeout(
      () => finish(null, `no answer within ${opts.timeoutMs ?? 15_000} ms`),
      opts.timeoutMs ?? 15_000,
    )
    new Exec(kc)
      .exec(
        opts.namespace,
        opts.pod,
        opts.container,
        opts.command,
        out.stream,
        err.stream,
        null,
        false,
        status =>
          // Let the stream frames queued before the status frame be written first.
          setImmediate(() => finish(exitCodeOfStatus(status))),
      )
      .then(ws => {
        socket = ws
        if (done) ws.close()
        ws.on('close', () => setImmediate(() => finish(null, 'the exec stream closed without a status')))
        ws.on('error', (e: Error) => finish(null, e.message))
      })
      .catch((error: unknown) => finish(null, (error as Error).message))
  })
}

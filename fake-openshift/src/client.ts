/**
 * A tiny HTTPS client for tests of the fake server: plain node:https with the run's CA (no
 * insecure flag), bearer token, JSON bodies, watch streams and WebSocket exec.
 */
import {request as httpsRequest} from 'node:https'
import type {IncomingHttpHeaders} from 'node:http'

import WebSocket from 'ws'

export interface Target {
  url: string
  caPem: string
  token: string
}

export interface Response {
  status: number
  headers: IncomingHttpHeaders
  /** the raw body (protobuf answers) */
  body: Buffer
  text: string
  json: any
}

export interface RequestOptions {
  method?: string
  body?: unknown
  contentType?: string
  accept?: string
  /** override the bearer token; null sends none */
  token?: string | null
  headers?: Record<string, string>
}

export function request(t: Target, path: string, o: RequestOptions = {}): Promise<Response> {
  const url = new URL(path, t.url)
  const body = o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body)
  const token = o.token === undefined ? t.token : o.token
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method: o.method ?? (body === undefined ? 'GET' : 'POST'),
        ca: t.caPem,
        headers: {
          ...(token ? {Authorization: `Bearer ${token}`} : {}),
          // Node sends DELETE bodies without chunked encoding: Content-Length is required
          ...(body !== undefined
            ? {
                'Content-Type': o.contentType ?? 'application/json',
                'Content-Length': String(Buffer.byteLength(body)),
              }
            : {}),
          Accept: o.accept ?? 'application/json',
          ...o.headers,
        },
      },
      res => {
        const chunks: Buffer[] = []
        res.on('data', c => chunks.push(c))
        res.on('end', () => {
          const raw = Buffer.concat(chunks)
          const text = raw.toString()
          let json: any
          try {
            json = JSON.parse(text)
          } catch {
            json = undefined
          }
          resolve({status: res.statusCode ?? 0, headers: res.headers, body: raw, text, json})
        })
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    if (body !== undefined) req.write(body)
    req.end()
  })
}

export interface WatchEvent {
  type: string
  object: any
}

export interface WatchStream {
  status: number
  /** resolves with the next event, or undefined when the stream has ended */
  next(): Promise<WatchEvent | undefined>
  /** all events until the stream ends */
  rest(): Promise<WatchEvent[]>
  close(): void
  ended: Promise<void>
}

/** Opens a watch; resolves once the response headers have arrived (the server flushes them at once). */
export function watch(t: Target, path: string, o: {accept?: string} = {}): Promise<WatchStream> {
  const url = new URL(path, t.url)
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {ca: t.caPem, headers: {Authorization: `Bearer ${t.token}`, Accept: o.accept ?? 'application/json'}},
      res => {
        const queue: WatchEvent[] = []
        const waiters: Array<(e: WatchEvent | undefined) => void> = []
        let buf = ''
        let done = false
        let endResolve: () => void = () => {}
        const ended = new Promise<void>(r => (endResolve = r))
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          buf += chunk
          let i
          while ((i = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, i)
            buf = buf.slice(i + 1)
            if (!line.trim()) continue
            const ev = JSON.parse(line) as WatchEvent
            const w = waiters.shift()
            if (w) w(ev)
            else queue.push(ev)
          }
        })
        const finish = () => {
          done = true
          for (const w of waiters.splice(0)) w(undefined)
          endResolve()
        }
        res.on('end', finish)
        res.on('close', finish)
        resolve({
          status: res.statusCode ?? 0,
          next: () =>
            queue.length
              ? Promise.resolve(queue.shift())
              : done
                ? Promise.resolve(undefined)
                : new Promise(r => waiters.push(r)),
          rest: async () => {
            await ended
            return queue.splice(0)
          },
          close: () => req.destroy(),
          ended,
        })
      },
    )
    req.on('error', reject)
    req.end()
  })
}

export interface ExecOutput {
  protocol: string
  stdout: string
  stderr: string
  status: any
  /** raw channel-3 text */
  statusText: string
  closeCode: number
}

/** Runs an exec over WebSocket with the given subprotocols; `stdin` is sent then half-closed (v5). */
export function exec(
  t: Target,
  path: string,
  o: {protocols?: string[]; stdin?: string} = {},
): Promise<ExecOutput> {
  const url = new URL(path, t.url)
  url.protocol = 'wss:'
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, o.protocols ?? ['v5.channel.k8s.io'], {
      ca: t.caPem,
      headers: {Authorization: `Bearer ${t.token}`},
    })
    const out = {stdout: '', stderr: '', statusText: ''}
    ws.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = []
      res.on('data', c => chunks.push(c))
      res.on('end', () =>
        reject(
          Object.assign(new Error(`HTTP ${res.statusCode}`), {
            status: res.statusCode,
            body: Buffer.concat(chunks).toString(),
          }),
        ),
      )
    })
    ws.on('open', () => {
      if (o.stdin !== undefined) {
        ws.send(Buffer.concat([Buffer.from([0]), Buffer.from(o.stdin)]))
        if (ws.protocol === 'v5.channel.k8s.io') ws.send(Buffer.from([255, 0]))
      }
    })
    ws.on('message', (data: Buffer) => {
      const ch = data[0]
      const text = data.subarray(1).toString()
      if (ch === 1) out.stdout += text
      else if (ch === 2) out.stderr += text
      else if (ch === 3) out.statusText += text
    })
    ws.on('close', code => {
      let status: any
      try {
        status = out.statusText ? JSON.parse(out.statusText) : undefined
      } catch {
        status = undefined
      }
      resolve({protocol: ws.protocol, ...out, status, closeCode: code})
    })
    ws.on('error', reject)
  })
}

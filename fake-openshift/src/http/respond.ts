/**
 * Writing answers: JSON or text bodies with the apiserver's headers, and every error as a
 * `Status` (k8s.io/apiserver/pkg/endpoints/handlers/responsewriters) — on a normal response or on
 * a refused WebSocket upgrade.
 */
import type {ServerResponse} from 'node:http'
import type {Duplex} from 'node:stream'

import {ApiError} from '../types.js'

export function send(
  res: ServerResponse,
  code: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  res.writeHead(code, {
    'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-cache, private',
    ...headers,
  })
  res.end(text)
}

/**
 * Adds a `Warning: 299 - "text"` header (k8s.io/apiserver `endpoints/handlers/responsewriters`,
 * apimachinery `net.NewWarningHeader`: the text quoted with `"` and `\` escaped); a repeated text once.
 */
export function addWarning(res: ServerResponse, text: string): void {
  if (res.headersSent) return
  const value = `299 - "${text.replace(/["\\]/g, c => `\\${c}`)}"`
  const previous = res.getHeader('Warning')
  const values = previous === undefined ? [] : Array.isArray(previous) ? previous : [String(previous)]
  if (!values.includes(value)) res.setHeader('Warning', [...values, value])
}

/** An ApiError as its Status; anything else is a bug of the fake: 500 InternalError, logged. */
export function fail(res: ServerResponse, err: unknown): void {
  if (err instanceof ApiError) {
    send(res, err.code, err.toStatus(), err.headers ?? {})
    return
  }
  console.error('fake-openshift: internal error:', err)
  const e = new ApiError(
    500,
    'InternalError',
    `Internal error occurred: ${(err as Error)?.message ?? String(err)}`,
  )
  send(res, 500, e.toStatus())
}

/** A refused upgrade (exec) answers plain HTTP with the Status, then closes the socket. */
export function rejectUpgrade(socket: Duplex, err: unknown): void {
  const e =
    err instanceof ApiError
      ? err
      : new ApiError(500, 'InternalError', `Internal error occurred: ${(err as Error)?.message ?? err}`)
  const body = JSON.stringify(e.toStatus())
  const reason =
    e.code === 401
      ? 'Unauthorized'
      : e.code === 403
        ? 'Forbidden'
        : e.code === 404
          ? 'Not Found'
          : 'Bad Request'
  if (!socket.destroyed)
    socket.end(
      `HTTP/1.1 ${e.code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
}

/** The 404 of a path no resource serves (not the NotFound of a missing object: store.notFound). */
export function status404(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {})
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message)
}

export function methodNotAllowed(): ApiError {
  return new ApiError(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
  )
}

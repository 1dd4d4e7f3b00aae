/**
 * Bearer-token authentication. Tokens are opaque random strings (the `sha256~...` shape of
 * OpenShift OAuth access tokens) mapped to a UserInfo. Every authenticated user is in
 * `system:authenticated`; OpenShift users also in `system:authenticated:oauth`; service accounts in
 * `system:serviceaccounts` and `system:serviceaccounts:NS`, as the real authenticators add them.
 */
import {randomBytes} from 'node:crypto'
import type {IncomingMessage} from 'node:http'
import type {TLSSocket} from 'node:tls'

import {ApiError, type UserInfo} from '../types.js'

export const CLUSTER_ADMINS = 'system:cluster-admins'

export class Authenticator {
  private readonly byToken = new Map<string, UserInfo>()
  private readonly byUser = new Map<string, string>()

  /** Registers (or re-registers) a user and returns its token. Groups are added to the implicit ones. */
  addUser(username: string, groups: string[] = [], token?: string): string {
    const info: UserInfo = {username, groups: implicitGroups(username, groups)}
    const existing = this.byUser.get(username)
    const tok = token ?? existing ?? `sha256~${randomBytes(24).toString('base64url')}`
    if (existing && existing !== tok) this.byToken.delete(existing)
    this.byToken.set(tok, info)
    this.byUser.set(username, tok)
    return tok
  }

  /** The token of `username`, registering the user (no extra groups) on first use. */
  tokenFor(username: string): string {
    return this.byUser.get(username) ?? this.addUser(username)
  }

  userFor(token: string): UserInfo | undefined {
    const u = this.byToken.get(token)
    return u && {username: u.username, groups: [...u.groups]}
  }

  users(): UserInfo[] {
    return [...this.byToken.values()]
  }

  /**
   * The user of a request: a client certificate signed by the server's CA first (kube-apiserver's
   * x509 authenticator: CN is the user, each O a group), else the bearer token. No credentials and a
   * wrong token are both 401 Unauthorized (this fake has anonymous auth off, like a cluster behind an
   * OAuth proxy).
   */
  authenticate(req: IncomingMessage): UserInfo {
    const x509 = certificateUser(req)
    if (x509) return x509
    const header = req.headers.authorization
    const m = header?.match(/^Bearer\s+(\S+)\s*$/i)
    const user = m ? this.userFor(m[1]) : undefined
    if (!user) throw unauthorized()
    return user
  }
}

function certificateUser(req: IncomingMessage): UserInfo | undefined {
  const socket = req.socket as Partial<TLSSocket>
  if (!socket.authorized || typeof socket.getPeerCertificate !== 'function') return undefined
  const subject = socket.getPeerCertificate().subject as unknown as
    Record<string, string | string[]> | undefined
  const cn = subject?.CN
  const username = Array.isArray(cn) ? cn[0] : cn
  if (!username) return undefined
  const o = subject?.O
  const groups = o === undefined ? [] : Array.isArray(o) ? o : [o]
  return {username, groups: implicitGroups(username, groups)}
}

export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized')
}

function implicitGroups(username: string, groups: string[]): string[] {
  const out = new Set(groups)
  const sa = username.match(/^system:serviceaccount:([^:]+):[^:]+$/)
  if (sa) {
    out.add('system:serviceaccounts')
    out.add(`system:serviceaccounts:${sa[1]}`)
  } else if (!username.startsWith('system:')) out.add('system:authenticated:oauth')
  out.add('system:authenticated')
  return [...out]
}

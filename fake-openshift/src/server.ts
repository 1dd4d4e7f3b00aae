/**
 * FakeApiServer: the HTTPS listener of the fake OpenShift API server, wiring its parts. A request
 * goes through http/request.ts (record, faults, authentication) and http/route.ts (URL → resource
 * and verb, authorization) to one verb handler in handlers/; an upgrade (pods/exec) goes through
 * the same intake to streams/exec.ts. Errors become `Status` answers in http/respond.ts.
 */
import {createServer, type Server} from 'node:https'
import type {IncomingMessage, ServerResponse} from 'node:http'
import type {Duplex} from 'node:stream'

import {WebSocketServer} from 'ws'

import type {Faults} from './faults.js'
import type {Deps, PatchEngine} from './handlers/context.js'
import {ListSnapshots} from './handlers/list.js'
import type {Authenticator} from './http/authn.js'
import {Authz, type AuthorizeFn} from './http/authz.js'
import {receive, receiveUpgrade} from './http/request.js'
import {fail, rejectUpgrade} from './http/respond.js'
import {route} from './http/route.js'
import {OpenApiV2} from './openapi/v2.js'
import {OpenApi} from './openapi/v3.js'
import type {Recorder} from './recorder.js'
import type {MemoryStore} from './store.js'
import {pickExecProtocol, serveExecUpgrade} from './streams/exec.js'
import type {Simulators} from './types.js'

export interface ServerOptions {
  store: MemoryStore
  auth: Authenticator
  sims: Simulators
  faults: Faults
  recorder: Recorder
  patch: PatchEngine
  /** undefined: every authenticated request is allowed */
  authorize?: AuthorizeFn
  kubernetesMinor: number
  /** scripted logs (scenario files) that take precedence over the simulators' */
  scriptedLogs: Map<string, string>
  bookmarkIntervalMs?: number
  /** OpenShift's openapi.json for /openapi/v2 (openapi/schemas.ts: where it is looked for by default) */
  openapiSchema?: string
}

export class FakeApiServer {
  readonly https: Server
  private readonly o: ServerOptions
  private readonly deps: Deps
  private readonly wss = new WebSocketServer({noServer: true, handleProtocols: p => pickExecProtocol(p)})
  private readonly open = new Set<Duplex>()
  url = ''

  constructor(o: ServerOptions, tls: {certPem: string; keyPem: string; caPem?: string}) {
    this.o = o
    this.deps = {
      store: o.store,
      sims: o.sims,
      patch: o.patch,
      authz: new Authz(o.store, o.authorize),
      scriptedLogs: o.scriptedLogs,
      bookmarkIntervalMs: o.bookmarkIntervalMs,
      kubernetesMinor: o.kubernetesMinor,
      openapi: new OpenApi(o.store.registry, o.kubernetesMinor),
      openapiV2: new OpenApiV2(o.store.registry, o.kubernetesMinor, o.openapiSchema),
      lists: new ListSnapshots(),
    }
    // With a CA, client certificates are asked for but not required (kube-apiserver's --client-ca-file):
    // a verified one authenticates the request (http/authn.ts), a bearer token still works without one.
    const clientCa = tls.caPem ? {ca: tls.caPem, requestCert: true, rejectUnauthorized: false} : {}
    this.https = createServer({cert: tls.certPem, key: tls.keyPem, ...clientCa}, (req, res) => {
      this.handle(req, res).catch(err => fail(res, err))
    })
    this.https.on('connection', s => {
      this.open.add(s)
      s.on('close', () => this.open.delete(s))
    })
    this.https.on('secureConnection', s => {
      this.open.add(s)
      s.on('close', () => this.open.delete(s))
    })
    this.https.on('upgrade', (req, socket, head) => {
      this.upgrade(req, socket, head).catch(err => rejectUpgrade(socket, err))
    })
    // a client that goes away mid-TLS-handshake must not crash the server
    this.https.on('tlsClientError', () => {})
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>(resolve => this.https.listen(port, host, resolve))
    const addr = this.https.address()
    if (!addr || typeof addr === 'string') throw new Error('fake-openshift: no address')
    this.url = `https://${host}:${addr.port}`
    return this.url
  }

  async close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate()
    for (const s of this.open) s.destroy()
    this.https.closeAllConnections()
    await new Promise<void>(resolve => this.https.close(() => resolve()))
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const incoming = await receive(this.o, req, res)
    if (incoming) await route(this.deps, incoming)
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const incoming = await receiveUpgrade(this.o, req, socket)
    if (incoming) serveExecUpgrade(this.deps, this.o.recorder, this.wss, incoming, head)
  }
}

/**
 * A tiny HTTPS API server for the cluster layer's unit tests: a throwaway CA and a leaf for
 * 127.0.0.1, bearer-token check, a route handler per test, and a request log.
 * Keys come from node:crypto (fast); node-forge only signs the certificates.
 */
import forge from 'node-forge'
import {generateKeyPairSync} from 'node:crypto'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import type {IncomingMessage, ServerResponse} from 'node:http'
import https from 'node:https'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {loadKubeContext, type KubeContext} from '../../../../src/lib/cluster/kubeconfig.js'

export interface Tls {
  caPem: string
  certPem: string
  keyPem: string
}

function keyPair() {
  const {privateKey, publicKey} = generateKeyPairSync('rsa', {modulusLength: 2048})
  const keyPem = privateKey.export({type: 'pkcs8', format: 'pem'}).toString()
  return {
    keyPem,
    privateKey: forge.pki.privateKeyFromPem(keyPem),
    publicKey: forge.pki.publicKeyFromPem(publicKey.export({type: 'spki', format: 'pem'}).toString()),
  }
}

let cached: Tls | undefined

/** A CA and a server certificate for 127.0.0.1/localhost, generated once per test file. */
export function testTls(): Tls {
  if (cached) return cached
  const ca = keyPair()
  const caCert = forge.pki.createCertificate()
  caCert.publicKey = ca.publicKey
  caCert.serialNumber = '01'
  caCert.validity.notBefore = new Date(Date.now() - 60_000)
  caCert.validity.notAfter = new Date(Date.now() + 24 * 3600_000)
  const caName = [{name: 'commonName', value: 'oc-jupyter test CA'}]
  caCert.setSubject(caName)
  caCert.setIssuer(caName)
  caCert.setExtensions([
    {name: 'basicConstraints', cA: true},
    {name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true},
  ])
  caCert.sign(ca.privateKey, forge.md.sha256.create())

  const leaf = keyPair()
  const cert = forge.pki.createCertificate()
  cert.publicKey = leaf.publicKey
  cert.serialNumber = '02'
  cert.validity.notBefore = caCert.validity.notBefore
  cert.validity.notAfter = caCert.validity.notAfter
  cert.setSubject([{name: 'commonName', value: '127.0.0.1'}])
  cert.setIssuer(caName)
  cert.setExtensions([
    {name: 'basicConstraints', cA: false},
    {name: 'keyUsage', digitalSignature: true, keyEncipherment: true},
    {name: 'extKeyUsage', serverAuth: true},
    {
      name: 'subjectAltName',
      altNames: [
        {type: 7, ip: '127.0.0.1'},
        {type: 2, value: 'localhost'},
      ],
    },
  ])
  cert.sign(ca.privateKey, forge.md.sha256.create())
  cached = {
    caPem: forge.pki.certificateToPem(caCert),
    certPem: forge.pki.certificateToPem(cert),
    keyPem: leaf.keyPem,
  }
  return cached
}

export interface Recorded {
  method: string
  path: string
  url: URL
  headers: IncomingMessage['headers']
  body: string
}

export type Handler = (
  req: IncomingMessage & {body: string; url: string},
  res: ServerResponse,
  rec: Recorded,
) => void | Promise<void>

export interface TestServer {
  url: string
  token: string
  requests: Recorded[]
  /** TLS handshakes so far: full ones and resumed sessions. */
  handshakes: {full: number; resumed: number}
  /** Replace the handler. */
  handle(h: Handler): void
  /** Writes a kubeconfig for this server and loads it. */
  context(opts?: {namespace?: string; requestTimeoutMs?: number; caPem?: string}): KubeContext
  close(): Promise<void>
}

export const TOKEN = 'sha256~test-token-0123456789abcdef'

export async function startTestServer(
  handler: Handler = (_q, res) => json(res, 404, {}),
): Promise<TestServer> {
  const tls = testTls()
  let current = handler
  const requests: Recorded[] = []
  const server = https.createServer({key: tls.keyPem, cert: tls.certPem}, (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const url = new URL(req.url ?? '/', 'https://127.0.0.1')
      const rec: Recorded = {method: req.method ?? 'GET', path: url.pathname, url, headers: req.headers, body}
      requests.push(rec)
      if (req.headers.authorization !== `Bearer ${TOKEN}`) {
        json(res, 401, status(401, 'Unauthorized', 'Unauthorized'))
        return
      }
      Promise.resolve(current(Object.assign(req, {body, url: req.url ?? '/'}), res, rec)).catch(error => {
        res.destroy(error as Error)
      })
    })
  })
  const sockets = new Set<import('node:net').Socket>()
  const handshakes = {full: 0, resumed: 0}
  server.on('secureConnection', s => {
    if (s.isSessionReused()) handshakes.resumed++
    else handshakes.full++
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const url = `https://127.0.0.1:${port}`
  const dir = mkdtempSync(path.join(tmpdir(), 'ocj-cluster-'))
  return {
    url,
    token: TOKEN,
    requests,
    handshakes,
    handle(h) {
      current = h
    },
    context(opts = {}) {
      const file = path.join(dir, `kubeconfig-${Math.random().toString(36).slice(2)}`)
      writeFileSync(
        file,
        kubeconfigYaml({
          server: url,
          caPem: opts.caPem ?? tls.caPem,
          token: TOKEN,
          namespace: opts.namespace ?? 'proj',
        }),
      )
      return loadKubeContext({kubeconfig: file, requestTimeoutMs: opts.requestTimeoutMs})
    },
    async close() {
      for (const s of sockets) s.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
      rmSync(dir, {recursive: true, force: true})
    },
  }
}

export function kubeconfigYaml(o: {
  server: string
  caPem?: string
  token?: string
  namespace?: string
}): string {
  const ca = o.caPem ? `    certificate-authority-data: ${Buffer.from(o.caPem).toString('base64')}\n` : ''
  return `apiVersion: v1
kind: Config
clusters:
- name: test
  cluster:
    server: ${o.server}
${ca}contexts:
- name: test
  context:
    cluster: test
    user: dev
${o.namespace ? `    namespace: ${o.namespace}\n` : ''}users:
- name: dev
  user:
    token: ${o.token ?? 'x'}
current-context: test
`
}

export function json(
  res: ServerResponse,
  code: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body)
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  })
  res.end(text)
}

export function status(code: number, reason: string, message: string, details?: Record<string, unknown>) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
    ...(details ? {details} : {}),
  }
}

/** A RetryClock that never sleeps and records the delays asked for. */
export function fakeClock() {
  const sleeps: number[] = []
  return {
    sleeps,
    now: () => 1_700_000_000_000,
    random: () => 0.5,
    sleep: async (ms: number) => {
      sleeps.push(ms)
    },
  }
}

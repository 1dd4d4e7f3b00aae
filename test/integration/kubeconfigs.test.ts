/**
 * The shipped build authenticates with every kind of kubeconfig user and reaches the server through
 * proxies: client-node reads the kubeconfig and builds the credentials and the agent (its OIDC, GCP
 * and proxy helpers are deferred to first use in the bundle — scripts/build.mjs), our client sends
 * the requests. Each case runs `oc jupyter password` (one authenticated GET of the password Secret)
 * with the built CLI against the fake OpenShift server, and checks who the server saw.
 */
import {mkdtempSync, writeFileSync} from 'node:fs'
import http from 'node:http'
import net, {type AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {dump} from 'js-yaml'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'

import {startFakeOpenShift, type FakeOpenShift} from '../../fake-openshift/src/index.js'
import {runCli} from './helpers/cli.js'

const PASSWORD = 'kubeconfig-test-password-0123'
const dir = mkdtempSync(path.join(tmpdir(), 'ocj-kubeconfigs-'))
let fake: FakeOpenShift

/** Binds `user` to the admin role in the fake's project (what `oc new-project` gives its creator). */
function grantAdmin(user: string): void {
  fake.seed([
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: {name: `admin-${user}`, namespace: fake.namespace},
      roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin'},
      subjects: [{apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user}],
    },
  ] as never)
}

beforeAll(async () => {
  fake = await startFakeOpenShift({simulators: 'manual'})
}, 60_000)
afterAll(() => fake.stop())

let n = 0
/** A kubeconfig for the fake with the given user entry and extra cluster fields, in a directory of its own. */
function kubeconfig(user: Record<string, unknown>, cluster: Record<string, unknown> = {}): string {
  const file = path.join(mkdtempSync(path.join(dir, `kc-${++n}-`)), 'kubeconfig')
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'fake',
        cluster: {
          server: fake.url,
          'certificate-authority-data': Buffer.from(fake.caPem).toString('base64'),
          ...cluster,
        },
      },
    ],
    users: [{name: 'someone', user}],
    contexts: [{name: 'ctx', context: {cluster: 'fake', user: 'someone', namespace: fake.namespace}}],
    'current-context': 'ctx',
  }
  writeFileSync(file, dump(doc), {mode: 0o600})
  return file
}

/** A Node script on disk (exec credential plugins and gcp's cmd-path run a command). */
function script(name: string, body: string): string {
  const file = path.join(dir, name)
  writeFileSync(file, body)
  return file
}

/** `password NAME` with `kc` (NAME's Secret seeded first); the user the server authenticated for it. */
async function readPassword(kc: string, name: string): Promise<{user: string | undefined}> {
  fake.seed([
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {name: `${name}-password`, namespace: fake.namespace},
      type: 'Opaque',
      data: {password: Buffer.from(`${PASSWORD}-${name}`).toString('base64')},
    },
  ] as never)
  const r = await runCli(['password', name], {kubeconfig: kc})
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  expect(r.stdout).toBe(`${PASSWORD}-${name}\n`)
  const reqs = fake.recorder.filter({path: `/api/v1/namespaces/${fake.namespace}/secrets/${name}-password`})
  expect(reqs).toHaveLength(1)
  return {user: reqs[0].user}
}

describe('kubeconfig users', () => {
  test.concurrent('bearer token', async () => {
    expect(await readPassword(fake.kubeconfigPath, 'token')).toEqual({user: fake.user})
  })

  test.concurrent('client certificate (client-certificate-data / client-key-data)', async () => {
    const kc = path.join(mkdtempSync(path.join(dir, 'cert-')), 'kubeconfig')
    fake.writeKubeconfig(kc, {auth: 'client-certificate'})
    expect(await readPassword(kc, 'cert')).toEqual({user: fake.user})
  })

  test.concurrent('exec credential plugin (client.authentication.k8s.io/v1) returning a token', async () => {
    const plugin = script(
      'token-plugin.mjs',
      `process.stdout.write(JSON.stringify({apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: {token: ${JSON.stringify(fake.token)}}}))\n`,
    )
    const kc = kubeconfig({
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1',
        command: process.execPath,
        args: [plugin],
        interactiveMode: 'Never',
      },
    })
    expect(await readPassword(kc, 'exec-token')).toEqual({user: fake.user})
  })

  test.concurrent('exec credential plugin returning a client certificate', async () => {
    const certKc = path.join(mkdtempSync(path.join(dir, 'exec-cert-')), 'kubeconfig')
    fake.writeKubeconfig(certKc, {auth: 'client-certificate'})
    const {load} = await import('js-yaml')
    const user = (
      load((await import('node:fs')).readFileSync(certKc, 'utf8')) as {
        users: Array<{user: Record<string, string>}>
      }
    ).users[0].user
    const status = {
      clientCertificateData: Buffer.from(user['client-certificate-data'], 'base64').toString(),
      clientKeyData: Buffer.from(user['client-key-data'], 'base64').toString(),
    }
    const plugin = script(
      'cert-plugin.mjs',
      `process.stdout.write(JSON.stringify({apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: ${JSON.stringify(status)}}))\n`,
    )
    const kc = kubeconfig({
      exec: {apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: [plugin]},
    })
    expect(await readPassword(kc, 'exec-cert')).toEqual({user: fake.user})
  })

  test.concurrent('OIDC auth provider with an unexpired id-token', async () => {
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')
    const exp = Math.floor(Date.now() / 1000) + 3600
    const idToken = `${b64({alg: 'RS256'})}.${b64({iss: 'https://idp.example', sub: 'alice', exp})}.c2ln`
    fake.addUser('alice', [], idToken)
    grantAdmin('alice')
    const kc = kubeconfig({
      'auth-provider': {
        name: 'oidc',
        config: {'client-id': 'oc', 'idp-issuer-url': 'https://idp.example', 'id-token': idToken},
      },
    })
    expect(await readPassword(kc, 'oidc')).toEqual({user: 'alice'})
  })

  test.concurrent('GCP auth provider running its cmd-path (token read with a JSONPath)', async () => {
    const token = fake.addUser('gcp-user', [], 'sha256~gcp-token-from-cmd-path-0123456789')
    grantAdmin('gcp-user')
    const cmd = script(
      'gcloud.mjs',
      `process.stdout.write(JSON.stringify({credential: {access_token: ${JSON.stringify(token)}, token_expiry: '2999-01-01T00:00:00Z'}}))\n`,
    )
    const kc = kubeconfig({
      'auth-provider': {
        name: 'gcp',
        config: {
          'cmd-path': process.execPath,
          'cmd-args': cmd,
          'token-key': '{.credential.access_token}',
          'expiry-key': '{.credential.token_expiry}',
        },
      },
    })
    expect(await readPassword(kc, 'gcp')).toEqual({user: 'gcp-user'})
  })
})

describe('proxy-url', () => {
  const closers: Array<() => void> = []
  afterAll(() => closers.forEach(c => c()))

  /** Pipes a client socket to host:port once `ready` wrote the proxy's answer. */
  function tunnel(client: net.Socket, host: string, port: number, ready: () => void, head?: Buffer): void {
    const upstream = net.connect(port, host, () => {
      ready()
      if (head?.length) upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  }

  async function listen(server: net.Server): Promise<number> {
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    closers.push(() => server.close())
    return (server.address() as AddressInfo).port
  }

  test.concurrent('HTTP proxy (CONNECT)', async () => {
    const connects: string[] = []
    const proxy = http.createServer((_req, res) => res.writeHead(405).end())
    proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      connects.push(req.url ?? '')
      const [host, port] = (req.url ?? '').split(':')
      tunnel(
        client,
        host,
        Number(port),
        () => client.write('HTTP/1.1 200 Connection Established\r\n\r\n'),
        head,
      )
    })
    const port = await listen(proxy)
    const kc = kubeconfig({token: fake.token}, {'proxy-url': `http://127.0.0.1:${port}`})
    expect(await readPassword(kc, 'http-proxy')).toEqual({user: fake.user})
    expect(connects).toContain(new URL(fake.url).host)
  })

  test.concurrent('SOCKS5 proxy', async () => {
    const connects: string[] = []
    // RFC 1928, no authentication, CONNECT to an IPv4 address or a domain name
    const proxy = net.createServer(client => {
      client.once('data', () => {
        client.write(Buffer.from([5, 0]))
        client.once('data', (req: Buffer) => {
          const atyp = req[3]
          const host = atyp === 1 ? [...req.subarray(4, 8)].join('.') : req.subarray(5, 5 + req[4]).toString()
          const port = req.readUInt16BE(atyp === 1 ? 8 : 5 + req[4])
          connects.push(`${host}:${port}`)
          tunnel(client, host, port, () => client.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0])))
        })
      })
    })
    const port = await listen(proxy)
    const kc = kubeconfig({token: fake.token}, {'proxy-url': `socks5://127.0.0.1:${port}`})
    expect(await readPassword(kc, 'socks-proxy')).toEqual({user: fake.user})
    expect(connects).toContain(new URL(fake.url).host)
  })
})

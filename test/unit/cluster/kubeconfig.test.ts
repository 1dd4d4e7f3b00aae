import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {CliError} from '../../../src/lib/errors.js'
import {loadKubeContext} from '../../../src/lib/cluster/kubeconfig.js'

const SECRET_TOKEN = 'sha256~SuperSecretToken123456789'

function config(o: {
  current?: string
  contexts?: Array<{name: string; cluster: string; user?: string; namespace?: string}>
  clusters?: Array<{name: string; server: string; ca?: string; insecure?: boolean}>
  users?: Array<{name: string; token?: string}>
}): string {
  const lines = ['apiVersion: v1', 'kind: Config']
  lines.push('clusters:')
  for (const c of o.clusters ?? []) {
    lines.push(`- name: ${c.name}`, '  cluster:', `    server: ${c.server}`)
    if (c.ca) lines.push(`    certificate-authority: ${c.ca}`)
    if (c.insecure) lines.push('    insecure-skip-tls-verify: true')
  }
  lines.push('contexts:')
  for (const c of o.contexts ?? []) {
    lines.push(`- name: ${c.name}`, '  context:', `    cluster: ${c.cluster}`)
    if (c.user) lines.push(`    user: ${c.user}`)
    if (c.namespace) lines.push(`    namespace: ${c.namespace}`)
  }
  lines.push('users:')
  for (const u of o.users ?? [])
    lines.push(`- name: ${u.name}`, '  user:', `    token: ${u.token ?? SECRET_TOKEN}`)
  if (o.current) lines.push(`current-context: ${o.current}`)
  return lines.join('\n') + '\n'
}

const basic = config({
  current: 'dev',
  clusters: [{name: 'c1', server: 'https://api.one.example:6443'}],
  contexts: [
    {name: 'dev', cluster: 'c1', user: 'u1', namespace: 'myproject'},
    {name: 'other', cluster: 'c1', user: 'u1'},
  ],
  users: [{name: 'u1'}],
})

let dir: string
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ocj-kc-'))
})
afterEach(() => rmSync(dir, {recursive: true, force: true}))

function file(name: string, text: string): string {
  const p = path.join(dir, name)
  writeFileSync(p, text)
  return p
}

function failure(fn: () => unknown): CliError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(CliError)
    const e = error as CliError
    expect(e.message).not.toContain(SECRET_TOKEN)
    expect(e.message).not.toContain('\n')
    return e
  }
  throw new Error('expected a failure')
}

describe('loadKubeContext: sources', () => {
  it('reads --kubeconfig: context, namespace, server, user', () => {
    const ctx = loadKubeContext({kubeconfig: file('a', basic), env: {}})
    expect(ctx).toMatchObject({
      contextName: 'dev',
      namespace: 'myproject',
      namespaceSource: 'context',
      server: 'https://api.one.example:6443',
      user: 'u1',
      requestTimeoutMs: 0,
    })
    expect(ctx.kc.getCurrentContext()).toBe('dev')
  })

  it('namespace: flag, then context, then default', () => {
    const kubeconfig = file('a', basic)
    expect(loadKubeContext({kubeconfig, namespace: 'flagns', env: {}})).toMatchObject({
      namespace: 'flagns',
      namespaceSource: 'flag',
    })
    expect(loadKubeContext({kubeconfig, context: 'other', env: {}})).toMatchObject({
      namespace: 'default',
      namespaceSource: 'default',
      contextName: 'other',
    })
  })

  it('--context overrides current-context and becomes the KubeConfig current context', () => {
    const ctx = loadKubeContext({kubeconfig: file('a', basic), context: 'other', env: {}})
    expect(ctx.kc.getCurrentContext()).toBe('other')
  })

  it('--kubeconfig wins over $KUBECONFIG', () => {
    const other = file(
      'b',
      config({
        current: 'x',
        clusters: [{name: 'c', server: 'https://b:1'}],
        contexts: [{name: 'x', cluster: 'c', user: 'u'}],
        users: [{name: 'u'}],
      }),
    )
    const ctx = loadKubeContext({kubeconfig: file('a', basic), env: {KUBECONFIG: other}})
    expect(ctx.contextName).toBe('dev')
  })

  it('$KUBECONFIG: merges files, first definition and first current-context win, missing files skipped', () => {
    const a = file(
      'a',
      config({
        // no current-context in the first file: the next file that sets one wins (clientcmd)
        clusters: [{name: 'shared', server: 'https://first.example:6443'}],
        contexts: [{name: 'ctx-a', cluster: 'shared', user: 'ua', namespace: 'from-a'}],
        users: [{name: 'ua'}],
      }),
    )
    const b = file(
      'b',
      config({
        current: 'ctx-a',
        clusters: [{name: 'shared', server: 'https://second.example:6443'}],
        contexts: [{name: 'ctx-a', cluster: 'shared', user: 'ub', namespace: 'from-b'}],
        users: [{name: 'ub'}],
      }),
    )
    const c = file('c', config({current: 'ctx-c', clusters: [], contexts: [], users: []}))
    const env = {KUBECONFIG: [path.join(dir, 'missing'), a, '', b, c].join(path.delimiter)}
    const ctx = loadKubeContext({env})
    expect(ctx.contextName).toBe('ctx-a')
    expect(ctx.server).toBe('https://first.example:6443')
    expect(ctx.namespace).toBe('from-a')
    expect(ctx.user).toBe('ua')
    expect(ctx.files).toEqual([a, b, c])
  })

  it("$KUBECONFIG: the first file's current-context wins over later files", () => {
    const a = file('a', basic)
    const b = file(
      'b',
      config({
        current: 'zzz',
        clusters: [{name: 'c9', server: 'https://z:1'}],
        contexts: [{name: 'zzz', cluster: 'c9', user: 'u9'}],
        users: [{name: 'u9'}],
      }),
    )
    expect(loadKubeContext({env: {KUBECONFIG: `${a}${path.delimiter}${b}`}}).contextName).toBe('dev')
    // and contexts from the later file are usable with --context
    expect(loadKubeContext({env: {KUBECONFIG: `${a}${path.delimiter}${b}`}, context: 'zzz'}).server).toBe(
      'https://z:1',
    )
  })

  it('falls back to ~/.kube/config', () => {
    mkdirSync(path.join(dir, '.kube'))
    file('.kube/config', basic)
    expect(loadKubeContext({env: {}, homeDir: dir}).contextName).toBe('dev')
  })

  it('resolves a relative certificate-authority against the kubeconfig directory', () => {
    const kc = file(
      'a',
      config({
        current: 'x',
        clusters: [{name: 'c', server: 'https://h:1', ca: 'ca.crt'}],
        contexts: [{name: 'x', cluster: 'c', user: 'u'}],
        users: [{name: 'u'}],
      }),
    )
    writeFileSync(path.join(dir, 'ca.crt'), 'a CA')
    const ctx = loadKubeContext({kubeconfig: kc, env: {}})
    expect(ctx.kc.getCurrentCluster()?.caFile).toBe(path.join(dir, 'ca.crt'))
  })

  it('a certificate-authority file that does not exist is an invalid kubeconfig: exit 2, before any request', () => {
    const kc = file(
      'a',
      config({
        current: 'x',
        clusters: [{name: 'c', server: 'https://h:1', ca: 'missing-ca.crt'}],
        contexts: [{name: 'x', cluster: 'c', user: 'u'}],
        users: [{name: 'u'}],
      }),
    )
    expect(() => loadKubeContext({kubeconfig: kc, env: {}})).toThrow(
      expect.objectContaining({
        exitCode: 2,
        message: `cluster "c" certificate-authority ${path.join(dir, 'missing-ca.crt')} (context "x") does not exist`,
      }),
    )
  })

  it('carries the request timeout', () => {
    expect(
      loadKubeContext({kubeconfig: file('a', basic), requestTimeoutMs: 30_000, env: {}}).requestTimeoutMs,
    ).toBe(30_000)
  })

  it('accepts a context without a user (anonymous), as kubectl does', () => {
    const kc = file(
      'a',
      config({
        current: 'x',
        clusters: [{name: 'c', server: 'https://h:1'}],
        contexts: [{name: 'x', cluster: 'c'}],
        users: [],
      }),
    )
    expect(loadKubeContext({kubeconfig: kc, env: {}}).user).toBe('')
  })
})

describe('loadKubeContext: errors', () => {
  it('--kubeconfig file missing → exit 2', () => {
    const e = failure(() => loadKubeContext({kubeconfig: path.join(dir, 'nope'), env: {}}))
    expect(e.exitCode).toBe(2)
    expect(e.message).toContain('does not exist')
  })

  it('unparsable YAML → exit 2 naming the file and line, not the content', () => {
    const kc = file(
      'bad',
      `apiVersion: v1\nusers:\n- name: u\n  user:\n    token: ${SECRET_TOKEN}\n   bad: [unclosed\n`,
    )
    const e = failure(() => loadKubeContext({kubeconfig: kc, env: {}}))
    expect(e.exitCode).toBe(2)
    expect(e.message).toMatch(/invalid kubeconfig .*bad: .* at line \d+/)
    expect(e.hint).toContain('oc config view')
  })

  it('a YAML scalar or list is not a kubeconfig → exit 2', () => {
    expect(failure(() => loadKubeContext({kubeconfig: file('s', 'just a string\n'), env: {}})).exitCode).toBe(
      2,
    )
  })

  it('a cluster entry without server → exit 2 naming the entry', () => {
    const kc = file('ns', 'clusters:\n- name: c\n  cluster: {}\ncurrent-context: x\n')
    const e = failure(() => loadKubeContext({kubeconfig: kc, env: {}}))
    expect(e.exitCode).toBe(2)
    expect(e.message).toContain('clusters[0].cluster.server is missing')
  })

  it('no current-context → exit 3 with a hint', () => {
    const kc = file(
      'nc',
      config({
        clusters: [{name: 'c', server: 'https://h:1'}],
        contexts: [{name: 'x', cluster: 'c', user: 'u'}],
        users: [{name: 'u'}],
      }),
    )
    const e = failure(() => loadKubeContext({kubeconfig: kc, env: {}}))
    expect(e.exitCode).toBe(3)
    expect(e.message).toContain('no current context')
    expect(e.hint).toBe('oc config use-context x')
  })

  it('an empty kubeconfig → exit 3, oc login', () => {
    const e = failure(() => loadKubeContext({kubeconfig: file('empty', ''), env: {}}))
    expect(e.exitCode).toBe(3)
    expect(e.hint).toBe('oc login <server>')
  })

  it('unknown --context → exit 2 listing the available ones', () => {
    const e = failure(() => loadKubeContext({kubeconfig: file('a', basic), context: 'prod', env: {}}))
    expect(e.exitCode).toBe(2)
    expect(e.message).toBe('context "prod" not found in kubeconfig; available: dev, other')
    expect(e.hint).toBe('oc config get-contexts')
  })

  it('current-context naming a missing context → exit 2', () => {
    const kc = file(
      'a',
      config({
        current: 'gone',
        clusters: [{name: 'c', server: 'https://h:1'}],
        contexts: [{name: 'x', cluster: 'c', user: 'u'}],
        users: [{name: 'u'}],
      }),
    )
    expect(failure(() => loadKubeContext({kubeconfig: kc, env: {}})).message).toContain(
      '"gone" (current-context) not found',
    )
  })

  it('context naming a missing cluster or user → exit 2', () => {
    const noCluster = file(
      'a',
      config({
        current: 'x',
        clusters: [],
        contexts: [{name: 'x', cluster: 'ghost', user: 'u'}],
        users: [{name: 'u'}],
      }),
    )
    const e1 = failure(() => loadKubeContext({kubeconfig: noCluster, env: {}}))
    expect(e1.exitCode).toBe(2)
    expect(e1.message).toBe('context "x" refers to cluster "ghost", which is not in the kubeconfig')
    const noUser = file(
      'b',
      config({
        current: 'x',
        clusters: [{name: 'c', server: 'https://h:1'}],
        contexts: [{name: 'x', cluster: 'c', user: 'ghost'}],
        users: [],
      }),
    )
    const e2 = failure(() => loadKubeContext({kubeconfig: noUser, env: {}}))
    expect(e2.exitCode).toBe(2)
    expect(e2.message).toBe('context "x" refers to user "ghost", which is not in the kubeconfig')
  })

  it('http:// without insecure-skip-tls-verify → exit 2; with it → accepted', () => {
    const mk = (insecure: boolean) =>
      file(
        `h${insecure}`,
        config({
          current: 'x',
          clusters: [{name: 'c', server: 'http://h:8080', insecure}],
          contexts: [{name: 'x', cluster: 'c', user: 'u'}],
          users: [{name: 'u'}],
        }),
      )
    expect(failure(() => loadKubeContext({kubeconfig: mk(false), env: {}})).exitCode).toBe(2)
    expect(loadKubeContext({kubeconfig: mk(true), env: {}}).server).toBe('http://h:8080')
  })

  it('no kubeconfig anywhere → exit 3, oc login', () => {
    const e = failure(() => loadKubeContext({env: {}, homeDir: dir}))
    expect(e.exitCode).toBe(3)
    expect(e.hint).toBe('oc login <server>')
  })

  it('$KUBECONFIG listing only missing files → exit 3', () => {
    const e = failure(() => loadKubeContext({env: {KUBECONFIG: path.join(dir, 'x')}}))
    expect(e.exitCode).toBe(3)
    expect(e.message).toContain('$KUBECONFIG')
  })
})

import https from 'node:https'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {exec, request, type Target} from './client.js'
import {startFakeOpenShift, type FakeOpenShift} from './index.js'
import {noopSimulators} from './testkit.js'
import {ApiError, type LogSource} from './types.js'

/** A LogSource the test writes to. */
function liveLog(initial: string[]): LogSource & {push(line: string): void; end(): void} {
  const lines = [...initial]
  let done = false
  const subs = new Set<{line: (l: string) => void; end: () => void}>()
  return {
    lines: () => [...lines],
    ended: () => done,
    subscribe(onLine, onEnd) {
      const s = {line: onLine, end: onEnd}
      subs.add(s)
      return () => subs.delete(s)
    },
    push(line) {
      lines.push(line)
      for (const s of subs) s.line(line)
    },
    end() {
      done = true
      for (const s of subs) s.end()
    },
  }
}

let fake: FakeOpenShift
let dev: Target
const podLog = liveLog(['starting', 'listening on :8888'])
const execCalls: Array<{command: string[]; stdin?: string}> = []
const PODS = '/api/v1/namespaces/myproject/pods'

beforeAll(async () => {
  fake = await startFakeOpenShift({
    simulators: 'manual',
    sims: noopSimulators({
      podLog: () => podLog,
      buildLog: () => liveLog(['Cloning "https://github.com/x/y" ...', 'Push successful']),
      exec: ((_ns: string, _pod: string, _c: string | undefined, command: string[], stdin?: string) => {
        execCalls.push({command, stdin})
        if (command[0] === 'id')
          return {stdout: 'uid=1000040000 gid=0(root) groups=0(root),1000040000\n', stderr: '', exitCode: 0}
        if (command[0] === 'cat') return {stdout: stdin ?? '', stderr: '', exitCode: 0}
        if (command[0] === 'crashed')
          throw new ApiError(
            400,
            'BadRequest',
            'unable to upgrade connection: container not found ("notebook")',
          )
        return {stdout: 'partial\n', stderr: 'touch: cannot touch: Permission denied\n', exitCode: 3}
      }) as never,
    }),
  })
  dev = {url: fake.url, caPem: fake.caPem, token: fake.token}
  const pod = (name: string, containers: string[]) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {name, namespace: 'myproject'},
    spec: {containers: containers.map(c => ({name: c, image: 'img'}))},
    status: {
      phase: 'Running',
      containerStatuses: containers.map(c => ({name: c, restartCount: 1, ready: true})),
    },
  })
  fake.seed([pod('nb', ['notebook']), pod('two', ['a', 'b'])])
  fake.seed([
    {
      apiVersion: 'build.openshift.io/v1',
      kind: 'Build',
      metadata: {name: 'nb-1', namespace: 'myproject'},
      spec: {strategy: {type: 'Docker'}},
      status: {phase: 'Complete'},
    },
  ])
})
afterAll(() => fake?.stop())

describe('logs', () => {
  it('returns the log as plain text, with tailLines', async () => {
    const r = await request(dev, `${PODS}/nb/log`)
    expect(r.status).toBe(200)
    expect(r.headers['content-type']).toBe('text/plain')
    expect(r.text).toBe('starting\nlistening on :8888\n')
    expect((await request(dev, `${PODS}/nb/log?tailLines=1`)).text).toBe('listening on :8888\n')
  })

  it('follows until the source ends', async () => {
    const url = new URL(`${PODS}/nb/log?follow=true`, dev.url)
    const text = await new Promise<string>((resolve, reject) => {
      const req = https.get(url, {ca: dev.caPem, headers: {Authorization: `Bearer ${dev.token}`}}, res => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          body += chunk
          // the backlog arrived while the container still runs: write more, then end it
          if (body === 'starting\nlistening on :8888\n') {
            podLog.push('kernel started')
            podLog.end()
          }
        })
        res.on('end', () => resolve(body))
      })
      req.on('error', reject)
    })
    expect(text).toBe('starting\nlistening on :8888\nkernel started\n')
  })

  it('asks for a container name when the pod has several', async () => {
    const r = await request(dev, `${PODS}/two/log`)
    expect(r.status).toBe(400)
    expect(r.json.message).toBe('a container name must be specified for pod two, choose one of: [a b]')
    expect((await request(dev, `${PODS}/two/log?container=c`)).json.message).toBe(
      'container c is not valid for pod two',
    )
    expect((await request(dev, `${PODS}/missing/log`)).status).toBe(404)
  })

  it('serves build logs and scripted logs', async () => {
    expect(
      (await request(dev, '/apis/build.openshift.io/v1/namespaces/myproject/builds/nb-1/log')).text,
    ).toMatch(/Push successful\n$/)
    fake.loadScenario({
      logs: [{pod: 'nb', previous: true, text: 'PermissionError: [Errno 13] Permission denied\n'}],
    })
    expect((await request(dev, `${PODS}/nb/log?previous=true`)).text).toBe(
      'PermissionError: [Errno 13] Permission denied\n',
    )
  })
})

describe('exec over WebSocket', () => {
  it('splits stdout/stderr and reports success on channel 3 (v5)', async () => {
    const out = await exec(dev, `${PODS}/nb/exec?command=id&stdout=true&stderr=true`)
    expect(out.protocol).toBe('v5.channel.k8s.io')
    expect(out.stdout).toBe('uid=1000040000 gid=0(root) groups=0(root),1000040000\n')
    expect(out.stderr).toBe('')
    expect(out.status).toEqual({metadata: {}, status: 'Success'})
    expect(out.closeCode).toBe(1000)
  })

  it('reports a non-zero exit code as NonZeroExitCode with the ExitCode cause (v4)', async () => {
    const out = await exec(dev, `${PODS}/nb/exec?command=touch&command=%2Fx&stdout=true&stderr=true`, {
      protocols: ['v4.channel.k8s.io'],
    })
    expect(out.protocol).toBe('v4.channel.k8s.io')
    expect(out.stdout).toBe('partial\n')
    expect(out.stderr).toBe('touch: cannot touch: Permission denied\n')
    expect(out.status).toMatchObject({
      status: 'Failure',
      reason: 'NonZeroExitCode',
      details: {causes: [{reason: 'ExitCode', message: '3'}]},
    })
  })

  it('passes stdin once the client half-closes it (v5 CLOSE signal)', async () => {
    const out = await exec(dev, `${PODS}/nb/exec?command=cat&stdin=true&stdout=true`, {stdin: 'hello'})
    expect(out.stdout).toBe('hello')
    expect(execCalls.at(-1)).toEqual({command: ['cat'], stdin: 'hello'})
  })

  it('speaks the older channel.k8s.io protocol with the error text on channel 3', async () => {
    const out = await exec(dev, `${PODS}/nb/exec?command=false&stdout=true&stderr=true`, {
      protocols: ['channel.k8s.io'],
    })
    expect(out.protocol).toBe('channel.k8s.io')
    expect(out.statusText).toMatch(/exit code 3$/)
  })

  it('rejects before upgrading: no token 401, unknown pod 404, bad container 400', async () => {
    await expect(
      exec({...dev, token: 'nope'}, `${PODS}/nb/exec?command=id&stdout=true`),
    ).rejects.toMatchObject({status: 401})
    await expect(exec(dev, `${PODS}/ghost/exec?command=id&stdout=true`)).rejects.toMatchObject({status: 404})
    await expect(exec(dev, `${PODS}/nb/exec?command=id&stdout=true&container=x`)).rejects.toMatchObject({
      status: 400,
    })
  })
})

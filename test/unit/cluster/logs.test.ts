import {Writable} from 'node:stream'
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'
import {KubeClient} from '../../../src/lib/cluster/client.js'
import {NetworkError} from '../../../src/lib/cluster/errors.js'
import {streamLog, tailLog} from '../../../src/lib/cluster/logs.js'
import {fakeClock, startTestServer, type TestServer} from './helpers/server.js'

let srv: TestServer
beforeAll(async () => {
  srv = await startTestServer()
})
afterAll(() => srv.close())
beforeEach(() => {
  srv.requests.length = 0
})

const client = () => new KubeClient(srv.context({namespace: 'proj'}), {clock: fakeClock()})
const logPath = '/apis/build.openshift.io/v1/namespaces/proj/builds/nb-1/log'

/** A Writable that collects text, slowly enough to exercise back-pressure. */
function sink() {
  let text = ''
  const out = new Writable({
    highWaterMark: 4,
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString()
      setImmediate(cb)
    },
  })
  return {out, text: () => text}
}

type Step = (res: import('node:http').ServerResponse, req: {socket: {destroy(): void}}) => void
function serve(steps: Step[]) {
  srv.handle((req, res) => {
    const step = steps.shift()
    if (step) step(res, req)
    else res.end()
  })
}
const text = (res: import('node:http').ServerResponse, body: string, end = true) => {
  res.writeHead(200, {'Content-Type': 'text/plain'})
  if (end) res.end(body)
  else res.write(body)
}

describe('streamLog', () => {
  it('copies a log line by line', async () => {
    serve([res => text(res, 'Cloning "https://github.com/x"...\nSTEP 1/5: FROM minimal-notebook\n')])
    const s = sink()
    const r = await streamLog(client(), logPath, s.out)
    expect(s.text()).toBe('Cloning "https://github.com/x"...\nSTEP 1/5: FROM minimal-notebook\n')
    expect(r).toEqual({lines: 2, reconnects: 0})
    expect(srv.requests[0].url.searchParams.has('follow')).toBe(false)
  })

  it('follow: reconnects after a drop without duplicating lines, even a cut one', async () => {
    serve([
      (res, req) => {
        text(res, 'line 1\nline 2\nline ', false)
        setTimeout(() => req.socket.destroy(), 20)
      },
      res => text(res, 'line 1\nline 2\nline 3\nline 4\n'),
    ])
    const reasons: string[] = []
    const s = sink()
    const r = await streamLog(client(), logPath, s.out, {
      follow: true,
      clock: fakeClock(),
      onReconnect: x => reasons.push(x),
    })
    expect(s.text()).toBe('line 1\nline 2\nline 3\nline 4\n')
    expect(r).toEqual({lines: 4, reconnects: 1})
    expect(srv.requests.map(q => q.url.searchParams.get('follow'))).toEqual(['true', 'true'])
    expect(reasons[0]).toMatch(/dropped/)
  })

  it('follow: a clean end while the source still runs (isFinished false) reconnects', async () => {
    serve([res => text(res, 'a\n'), res => text(res, 'a\nb\n')])
    const finished = [false, true]
    const s = sink()
    const r = await streamLog(client(), logPath, s.out, {
      follow: true,
      clock: fakeClock(),
      isFinished: async () => finished.shift() ?? true,
    })
    expect(s.text()).toBe('a\nb\n')
    expect(r.reconnects).toBe(1)
  })

  it('without follow a drop is an error (exit 3)', async () => {
    serve([
      (res, req) => {
        text(res, 'x\n', false)
        setTimeout(() => req.socket.destroy(), 10)
      },
    ])
    const err = await streamLog(client(), logPath, sink().out).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(NetworkError)
  })

  it('gives up after maxReconnects', async () => {
    const drop: Step = (res, req) => {
      text(res, 'x\n', false)
      setTimeout(() => req.socket.destroy(), 5)
    }
    serve([drop, drop, drop])
    const err = await streamLog(client(), logPath, sink().out, {
      follow: true,
      maxReconnects: 2,
      clock: fakeClock(),
    }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(NetworkError)
    expect(srv.requests).toHaveLength(3)
  })

  it('passes container / previous through the query', async () => {
    serve([res => text(res, '')])
    await streamLog(client(), '/api/v1/namespaces/proj/pods/nb-1/log', sink().out, {
      query: {container: 'notebook', previous: true},
    })
    expect(Object.fromEntries(srv.requests[0].url.searchParams)).toEqual({
      container: 'notebook',
      previous: 'true',
    })
  })
})

describe('tailLog', () => {
  it('asks for tailLines and returns the lines as text, even JSON-looking ones', async () => {
    serve([res => text(res, '{"level":"error"}\nE: Package \'libav-tools\' has no installation candidate\n')])
    const lines = await tailLog(client(), logPath, 20)
    expect(lines).toEqual(['{"level":"error"}', "E: Package 'libav-tools' has no installation candidate"])
    expect(srv.requests[0].url.searchParams.get('tailLines')).toBe('20')
  })
})

import type {ServerResponse} from 'node:http'
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'
import {KubeClient} from '../../../src/lib/cluster/client.js'
import {buildPhase, deploymentRolloutStatus, type JudgeResult} from '../../../src/lib/cluster/judges.js'
import {resourcePath} from '../../../src/lib/cluster/kinds.js'
import {formatDuration, waitFor, WaitFailedError, WaitTimeoutError} from '../../../src/lib/cluster/wait.js'
import {watchObject} from '../../../src/lib/cluster/watch.js'
import {fakeClock, json, startTestServer, status, type Recorded, type TestServer} from './helpers/server.js'

let srv: TestServer
beforeAll(async () => {
  srv = await startTestServer()
})
afterAll(() => srv.close())

const path = resourcePath('Deployment', {namespace: 'proj'})
const dep = (
  rv: number,
  s: {updated?: number; available?: number; generation?: number; observed?: number} = {},
) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {name: 'notebook', namespace: 'proj', resourceVersion: String(rv), generation: s.generation ?? 1},
  spec: {replicas: 1},
  status: {
    observedGeneration: s.observed ?? 1,
    replicas: 1,
    updatedReplicas: s.updated ?? 1,
    availableReplicas: s.available ?? 0,
  },
})

type WatchScript = (res: ServerResponse, rec: Recorded, req: {socket: {destroy(): void}}) => void
/**
 * LIST answers pop from `lists`, WATCH requests run the next script. With `only`, requests for other
 * object names (a previous test's watch reconnecting late, under load) hang instead of taking a script.
 */
function script(lists: unknown[], watches: WatchScript[], only?: string) {
  srv.handle((req, res, rec) => {
    if (only !== undefined && rec.url.searchParams.get('fieldSelector') !== `metadata.name=${only}`) {
      res.writeHead(200, {'Content-Type': 'application/json'})
      res.flushHeaders()
      return
    }
    if (rec.url.searchParams.get('watch') === 'true') {
      const next = watches.shift()
      if (!next) {
        res.writeHead(200, {'Content-Type': 'application/json'})
        res.flushHeaders()
        return // hang: the test's timeout ends it
      }
      next(res, rec, req)
      return
    }
    const list = lists.shift()
    if (list === undefined) json(res, 500, status(500, 'InternalError', 'script exhausted'))
    else json(res, 200, list)
  })
}
const list = (rv: number, ...items: unknown[]) => ({
  kind: 'List',
  metadata: {resourceVersion: String(rv)},
  items,
})
const open = (res: ServerResponse) => {
  res.writeHead(200, {'Content-Type': 'application/json'})
  res.flushHeaders()
}
const send = (res: ServerResponse, type: string, object: unknown) =>
  res.write(JSON.stringify({type, object}) + '\n')

const client = () => new KubeClient(srv.context({namespace: 'proj'}), {clock: fakeClock()})
const watchRequests = () => srv.requests.filter(r => r.url.searchParams.get('watch') === 'true')

beforeEach(() => {
  srv.requests.length = 0
})

describe('waitFor', () => {
  it('LISTs, WATCHes from the list RV with the kubectl query, feeds the judge until done', async () => {
    script(
      [list(10, dep(10, {updated: 0}))],
      [
        res => {
          open(res)
          send(res, 'MODIFIED', dep(11, {updated: 1, available: 0}))
          setTimeout(() => send(res, 'MODIFIED', dep(12, {updated: 1, available: 1})), 10)
        },
      ],
    )
    const updates: JudgeResult[] = []
    const out = await waitFor(client(), {
      path,
      name: 'notebook',
      judge: deploymentRolloutStatus,
      timeoutMs: 5000,
      onUpdate: r => updates.push(r),
    })
    expect(out.result).toEqual({state: 'done', message: 'deployment "notebook" successfully rolled out'})
    expect(out.object.metadata?.resourceVersion).toBe('12')
    expect(updates.map(u => u.message)).toEqual([
      'Waiting for deployment "notebook" rollout to finish: 0 out of 1 new replicas have been updated...',
      'Waiting for deployment "notebook" rollout to finish: 0 of 1 updated replicas are available...',
      'deployment "notebook" successfully rolled out',
    ])
    const listReq = srv.requests[0]
    expect(listReq.url.searchParams.get('fieldSelector')).toBe('metadata.name=notebook')
    const q = watchRequests()[0].url.searchParams
    expect(Object.fromEntries(q)).toMatchObject({
      watch: 'true',
      fieldSelector: 'metadata.name=notebook',
      resourceVersion: '10',
      allowWatchBookmarks: 'true',
      timeoutSeconds: '300',
    })
  })

  it('returns at once when the LIST already shows done (no watch)', async () => {
    script([list(10, dep(10, {available: 1}))], [])
    const out = await waitFor(client(), {
      path,
      name: 'notebook',
      judge: deploymentRolloutStatus,
      timeoutMs: 5000,
    })
    expect(out.result.state).toBe('done')
    expect(watchRequests()).toHaveLength(0)
  })

  it('resumes a dropped watch from the last resourceVersion seen (event or bookmark)', async () => {
    const reconnects: string[] = []
    script(
      [list(10, dep(10, {available: 0}))],
      [
        (res, _rec, req) => {
          open(res)
          send(res, 'MODIFIED', dep(11, {available: 0, generation: 1}))
          send(res, 'BOOKMARK', {kind: 'Deployment', metadata: {resourceVersion: '14'}})
          setTimeout(() => req.socket.destroy(), 20)
        },
        res => {
          open(res)
          res.end() // the server's timeoutSeconds: a clean end
        },
        res => {
          open(res)
          send(res, 'MODIFIED', dep(15, {available: 1}))
        },
      ],
    )
    const out = await waitFor(client(), {
      path,
      name: 'notebook',
      judge: deploymentRolloutStatus,
      timeoutMs: 5000,
      onReconnect: r => reconnects.push(r),
    })
    expect(out.object.metadata?.resourceVersion).toBe('15')
    expect(watchRequests().map(r => r.url.searchParams.get('resourceVersion'))).toEqual(['10', '14', '14'])
    expect(srv.requests.filter(r => !r.url.searchParams.has('watch'))).toHaveLength(1) // no re-list
    expect(reconnects[0]).toMatch(/watch dropped/)
  })

  it('re-LISTs on 410 Gone, as an ERROR event or as the HTTP status', async () => {
    script(
      [list(10, dep(10)), list(50, dep(50)), list(60, dep(60))],
      [
        res => {
          open(res)
          send(res, 'ERROR', status(410, 'Expired', 'too old resource version: 10 (40)'))
          res.end()
        },
        res => json(res, 410, status(410, 'Expired', 'too old resource version: 50 (55)')),
        res => {
          open(res)
          send(res, 'MODIFIED', dep(61, {available: 1}))
        },
      ],
    )
    const out = await waitFor(client(), {
      path,
      name: 'notebook',
      judge: deploymentRolloutStatus,
      timeoutMs: 5000,
    })
    expect(out.result.state).toBe('done')
    expect(watchRequests().map(r => r.url.searchParams.get('resourceVersion'))).toEqual(['10', '50', '60'])
  })

  it('a failed judgement ends the wait with exit 1 and the object', async () => {
    const build = (phase: string) => ({
      kind: 'Build',
      metadata: {name: 'nb-1', resourceVersion: '3'},
      status: {phase, reason: 'DockerBuildFailed', message: 'Docker build strategy has failed.'},
    })
    script([list(3, build('Running'))], [res => (open(res), send(res, 'MODIFIED', build('Failed')))])
    const err = (await waitFor(client(), {
      path: resourcePath('Build', {namespace: 'proj'}),
      name: 'nb-1',
      judge: buildPhase,
      timeoutMs: 5000,
    }).catch((e: unknown) => e)) as WaitFailedError
    expect(err).toBeInstanceOf(WaitFailedError)
    expect(err.exitCode).toBe(1)
    expect(err.message).toBe('build "nb-1" Failed (DockerBuildFailed): Docker build strategy has failed.')
    expect(err.object?.kind).toBe('Build')
  })

  it('waits for an object that does not exist yet, and fails if it is deleted', async () => {
    const updates: string[] = []
    script(
      [list(3)],
      [
        res => {
          open(res)
          send(res, 'ADDED', dep(4, {available: 0}))
          send(res, 'DELETED', dep(5, {available: 0}))
        },
      ],
    )
    const err = await waitFor(client(), {
      path,
      name: 'notebook',
      judge: deploymentRolloutStatus,
      timeoutMs: 5000,
      onUpdate: r => updates.push(r.message),
    }).catch((e: unknown) => e)
    expect(updates[0]).toBe('Waiting for deployment "notebook" to be created...')
    expect(err).toBeInstanceOf(WaitFailedError)
    expect((err as Error).message).toBe('deployment "notebook" was deleted while waiting')
  })

  it('times out with exit 5, the last status and how to keep following', async () => {
    script([list(10, dep(10, {available: 0}))], [])
    const err = (await waitFor(client(), {
      path,
      name: 'notebook',
      judge: deploymentRolloutStatus,
      timeoutMs: 300,
    }).catch((e: unknown) => e)) as WaitTimeoutError
    expect(err).toBeInstanceOf(WaitTimeoutError)
    expect(err.exitCode).toBe(5)
    expect(err.message).toBe(
      'timed out after 300ms waiting for deployment "notebook": Waiting for deployment "notebook" rollout to finish: 0 of 1 updated replicas are available...',
    )
    expect(err.hint).toBe('oc get deployments/notebook -n proj -w')
  })

  it('stops when the caller aborts (Ctrl-C)', async () => {
    script([list(10, dep(10, {available: 0}))], [])
    const ctl = new AbortController()
    setTimeout(() => ctl.abort(), 50)
    const err = await waitFor(client(), {
      path,
      name: 'notebook',
      judge: deploymentRolloutStatus,
      timeoutMs: 0,
      signal: ctl.signal,
    }).catch((e: unknown) => e)
    expect(err).not.toBeInstanceOf(WaitTimeoutError)
    expect((err as Error).name).toBe('AbortError')
  })
})

describe('watchObject', () => {
  it('gives up after repeated immediate drops without news', async () => {
    const drops = {...dep(1), metadata: {...dep(1).metadata, name: 'drops'}}
    script(
      [list(1, drops)],
      Array.from({length: 5}, () => (res: ServerResponse) => (open(res), res.end())),
      'drops',
    )
    // Transport retries off: under load a keep-alive socket closed by the test server can be retried
    // by the client, which is right but would make the count of watch requests vary.
    const noRetry = new KubeClient(srv.context({namespace: 'proj'}), {
      clock: fakeClock(),
      retry: {maxAttempts: 1},
    })
    const gen = watchObject(noRetry, {path, name: 'drops', maxDrops: 3, clock: fakeClock()})
    const seen: string[] = []
    const err = await (async () => {
      for await (const ev of gen) seen.push(ev.type)
    })().catch((e: unknown) => e)
    expect(seen).toEqual(['SYNC'])
    expect((err as Error).name).toBe('NetworkError')
    expect(
      watchRequests().filter(r => r.url.searchParams.get('fieldSelector') === 'metadata.name=drops'),
    ).toHaveLength(4)
  })

  it('ignores events for other names', async () => {
    const other = {...dep(2), metadata: {name: 'other', resourceVersion: '2'}}
    script(
      [list(1, dep(1))],
      [res => (open(res), send(res, 'MODIFIED', other), send(res, 'MODIFIED', dep(3)))],
    )
    const gen = watchObject(client(), {path, name: 'notebook'})
    const first = await gen.next()
    const second = await gen.next()
    await gen.return(undefined)
    expect(first.value?.type).toBe('SYNC')
    expect(second.value?.object?.metadata?.resourceVersion).toBe('3')
  })
})

describe('formatDuration', () => {
  it('formats like kubectl', () => {
    expect(formatDuration(300_000)).toBe('5m')
    expect(formatDuration(90_000)).toBe('1m30s')
    expect(formatDuration(1500)).toBe('1.5s')
    expect(formatDuration(250)).toBe('250ms')
    expect(formatDuration(3_600_000)).toBe('1h')
  })
})

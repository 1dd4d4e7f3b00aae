/**
 * Discovery is cached on disk like kubectl's (src/lib/cluster/discovery-cache.ts): the first deploy
 * asks the server which APIs it serves, the next one asks nothing; a cache that turns out wrong (the
 * API is gone) is dropped and the command after says why it cannot run.
 */
import {existsSync, readdirSync} from 'node:fs'
import path from 'node:path'

import {beforeAll, describe, expect, test} from 'vitest'

import type {FakeOpenShift, RecordedRequest} from '../../fake-openshift/src/index.js'
import {kubeCacheDir, runCli} from './helpers/cli.js'
import {both, builderStream, fakes, project} from './helpers/notebook.js'

const start = fakes()

/** `/api`, `/apis`, `/api/v1`, `/apis/GROUP/VERSION` and `/version`: what kubectl caches or checks. */
const isDiscovery = (r: RecordedRequest) =>
  r.method === 'GET' &&
  (/^\/apis?(\/[^/]+){0,2}$/.test(r.path) || r.path === '/version') &&
  !r.path.includes('namespaces')

describe('discovery cache', () => {
  let fake: FakeOpenShift
  beforeAll(async () => {
    fake = await start()
  })

  test('a second deploy sends no discovery request; the cache sits where kubectl keeps it', async () => {
    const kc = project(fake, 'cached', [builderStream()])
    const mark = fake.recorder.mark()
    const first = await runCli(['deploy'], {kubeconfig: kc})
    expect(first.code, both(first)).toBe(0)
    const firstDiscovery = fake.recorder.filter({since: mark, where: isDiscovery}).map(r => r.path)
    expect(firstDiscovery).toContain('/apis/route.openshift.io/v1')
    expect(firstDiscovery).toContain('/version')

    const host = new URL(fake.url).host.replace(':', '_')
    const cached = path.join(kubeCacheDir(kc), 'discovery', host)
    expect(readdirSync(cached).sort()).toEqual(expect.arrayContaining(['route.openshift.io', 'version.json']))

    const again = fake.recorder.mark()
    const second = await runCli(['deploy'], {kubeconfig: kc})
    expect(second.code, both(second)).toBe(0)
    expect(fake.recorder.filter({since: again, where: isDiscovery})).toEqual([])
  })

  test('an API that went away: the 404 drops the cache, the next deploy asks and says OpenShift is required', async () => {
    const kc = project(fake, 'gone', [builderStream()])
    expect((await runCli(['deploy'], {kubeconfig: kc})).code).toBe(0)
    const host = new URL(fake.url).host.replace(':', '_')
    const cached = path.join(kubeCacheDir(kc), 'discovery', host)
    expect(existsSync(cached)).toBe(true)

    // Routes are no longer served (what a plain Kubernetes server answers), the cache still says they are.
    fake.faults.status('GET', '/apis/route.openshift.io/v1', 404)
    fake.faults.status('GET', /^\/apis\/route\.openshift\.io\/v1\/.*/, 404)
    fake.faults.status('PATCH', /^\/apis\/route\.openshift\.io\/v1\/.*/, 404)
    const stale = await runCli(['deploy'], {kubeconfig: kc})
    expect(stale.code, both(stale)).not.toBe(0)
    expect(existsSync(cached)).toBe(false)

    const next = await runCli(['deploy'], {kubeconfig: kc})
    expect(next.code, both(next)).toBe(1)
    expect(next.stderr).toContain('does not serve routes.route.openshift.io/v1: OpenShift is required')
  })
})

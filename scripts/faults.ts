/**
 * `npm run faults [-- --seeds10 N --seeds20 N]`: convergence under injected faults (issue #11,
 * SPEC.md §Quality bars "Faults"). For each seed, in a fresh project of the fake OpenShift with the
 * seeded fault mix of `Faults.chaos(rate)` (429 and 503 with Retry-After, 500, resets before handling,
 * 504 and resets after handling for writes, watches dropped):
 *
 *   1. `oc jupyter deploy --build` — the builder BuildConfig, its build, the five notebook objects;
 *   2. `oc jupyter build --rebuild` — a `buildconfigs/NAME/instantiate`.
 *
 * It prints per seed and in total: converged (both exit 0, the notebook available after the deploy), duplicate
 * creates (a POST of a name executed again after one was already executed) and instantiates (more than
 * one build started by the rebuild), and PVC/Secret deletes — all counted from the fake's request log
 * and store, not from what the CLI says. Exits 1 unless every seed converges with 0 duplicates and 0
 * deletes. 30 seeds at 10% and 20 at 20% by default; the integration test runs a few.
 */
import {spawn} from 'node:child_process'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'

import {startFakeOpenShift, type FakeOpenShift, type RecordedRequest} from '../fake-openshift/src/index.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const runJs = path.join(root, 'bin/run.js')

export interface SeedResult {
  seed: number
  rate: number
  converged: boolean
  /** exit codes of deploy --build and build --rebuild */
  exits: [number, number]
  faults: number
  /** writes executed whose answer was lost (a 504 or a reset after handling): the re-read's cases */
  lostAnswers: number
  duplicateCreates: number
  duplicateInstantiates: number
  deletes: number
  /** the last error line, when a run failed */
  error?: string
}

function cli(args: string[], kubeconfig: string): Promise<{code: number; stderr: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [runJs, ...args], {
      cwd: root,
      env: {PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', KUBECONFIG: kubeconfig},
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', reject)
    child.on('close', code => resolve({code: code ?? -1, stderr}))
  })
}

/** The handler's own answer: replaced by a fault after handling, it is in handledStatus. */
const executed = (r: RecordedRequest) => {
  const status = r.handledStatus ?? r.status
  return status >= 200 && status < 300
}

/** POSTs of a named object that were executed after one of the same name already was. */
export function duplicateCreates(requests: RecordedRequest[]): number {
  const done = new Map<string, number>()
  for (const r of requests) {
    if (r.method !== 'POST' || /\/(instantiate|[a-z]*reviews)$/.test(r.path)) continue
    const name = (r.body as {metadata?: {name?: string}} | undefined)?.metadata?.name
    if (!name || r.query.dryRun !== undefined || !executed(r)) continue
    const key = `${r.path}/${name}`
    done.set(key, (done.get(key) ?? 0) + 1)
  }
  return [...done.values()].reduce((n, c) => n + Math.max(0, c - 1), 0)
}

export async function runSeed(fake: FakeOpenShift, seed: number, rate: number): Promise<SeedResult> {
  const ns = `faults-${Math.round(rate * 100)}-${seed}`
  fake.faults.clear()
  fake.loadScenario({namespace: ns})
  const kubeconfig = path.join(path.dirname(fake.kubeconfigPath), `kubeconfig-${ns}`)
  fake.writeKubeconfig(kubeconfig, {namespace: ns})
  const mark = fake.recorder.mark()
  fake.faults.seed(seed)
  fake.faults.chaos(rate)
  const deploy = await cli(['deploy', '--build'], kubeconfig)
  // Checked now: the rebuild's new image rolls the notebook out again (its image trigger).
  const available = notebookAvailable(fake, ns)
  const buildsBefore = builds(fake, ns)
  const rebuildMark = fake.recorder.mark()
  const rebuild = deploy.code === 0 ? await cli(['build', '--rebuild'], kubeconfig) : {code: -1, stderr: ''}
  fake.faults.clear()

  const mine = fake.recorder.filter({since: mark, path: new RegExp(`/namespaces/${ns}/`)})
  const started = builds(fake, ns) - buildsBefore
  const instantiates = mine.filter(r => r.seq > rebuildMark && r.path.endsWith('/instantiate') && executed(r))
  const failed = [deploy, rebuild].find(r => r.code !== 0)
  return {
    seed,
    rate,
    converged: deploy.code === 0 && rebuild.code === 0 && available,
    exits: [deploy.code, rebuild.code],
    faults: mine.filter(r => r.fault !== undefined).length,
    lostAnswers: mine.filter(r => r.fault?.endsWith('after handling') && executed(r)).length,
    duplicateCreates: duplicateCreates(mine),
    duplicateInstantiates: Math.max(0, instantiates.length - 1, started - 1),
    deletes: mine.filter(r => r.method === 'DELETE' && /\/(persistentvolumeclaims|secrets)\//.test(r.path))
      .length,
    ...(failed
      ? {
          error: failed.stderr
            .trimEnd()
            .split('\n')
            .filter(l => l.startsWith('Error:'))
            .pop(),
        }
      : {}),
  }
}

function notebookAvailable(fake: FakeOpenShift, ns: string): boolean {
  const deployment = fake.store
    .list(fake.store.resourceType('apps/v1', 'deployments')!, ns)
    .find(d => d.metadata.name === 'notebook')
  return (deployment?.status as {availableReplicas?: number} | undefined)?.availableReplicas === 1
}

function builds(fake: FakeOpenShift, ns: string): number {
  return fake.store.list(fake.store.resourceType('build.openshift.io/v1', 'builds')!, ns).length
}

export function format(r: SeedResult): string {
  return [
    `${Math.round(r.rate * 100)}%`.padStart(4),
    `seed ${String(r.seed).padStart(2)}`,
    r.converged ? 'converged    ' : `NOT converged (exit ${r.exits.join(', ')})`,
    `faults ${String(r.faults).padStart(3)} (${r.lostAnswers} answers lost after the write)`,
    `dup creates ${r.duplicateCreates}`,
    `dup instantiates ${r.duplicateInstantiates}`,
    `PVC/Secret deletes ${r.deletes}`,
    ...(r.error ? [r.error] : []),
  ].join('  ')
}

async function main(): Promise<void> {
  const {values} = parseArgs({options: {seeds10: {type: 'string'}, seeds20: {type: 'string'}}})
  const plan: Array<[number, number]> = [
    [0.1, Number(values.seeds10 ?? 30)],
    [0.2, Number(values.seeds20 ?? 20)],
  ]
  const fake = await startFakeOpenShift({simulators: 'auto'})
  const results: SeedResult[] = []
  try {
    for (const [rate, seeds] of plan) {
      for (let seed = 1; seed <= seeds; seed++) {
        const r = await runSeed(fake, seed, rate)
        results.push(r)
        process.stdout.write(`${format(r)}\n`)
      }
    }
  } finally {
    await fake.stop()
  }
  let ok = true
  for (const [rate] of plan) {
    const rs = results.filter(r => r.rate === rate)
    if (rs.length === 0) continue
    const sum = (f: (r: SeedResult) => number) => rs.reduce((n, r) => n + f(r), 0)
    const converged = rs.filter(r => r.converged).length
    const line = `total ${Math.round(rate * 100)}%: ${converged} of ${rs.length} converged, ${sum(r => r.faults)} faults injected (${sum(r => r.lostAnswers)} answers lost after a write), ${sum(r => r.duplicateCreates)} duplicate creates, ${sum(r => r.duplicateInstantiates)} duplicate instantiates, ${sum(r => r.deletes)} PVC/Secret deletes`
    process.stdout.write(`${line}\n`)
    ok &&= converged === rs.length && sum(r => r.duplicateCreates + r.duplicateInstantiates + r.deletes) === 0
  }
  process.exitCode = ok ? 0 : 1
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main()

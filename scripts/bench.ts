/**
 * `npm run bench`: the quality bars of SPEC.md, measured as ratios against a baseline taken in the
 * same run (never as timed assertions in tests):
 *
 *   1. start-up: `oc-jupyter --version` and `--help` against a bare `node -e 0` (goal: <= 2x);
 *   2. requests: what `deploy` sends to the (fake) API server for a fresh notebook and for a re-run
 *      (goal: one write per object, plus reads and waits; writes concurrent);
 *   3. doctor at scale: `doctor` on a namespace with 1,000 pods, 10,000 events and 200 role bindings
 *      against `kubectl get pods,events,rolebindings -o json` on the same server (goal: <= 1x).
 *
 * Prints a table; exits 1 when a goal is missed.
 */
import {spawn} from 'node:child_process'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {startFakeOpenShift, type FakeOpenShift} from '../fake-openshift/src/index.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const runJs = path.join(root, 'bin/run.js')

function exec(
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{code: number; ms: number; stdout: string}> {
  const started = process.hrtime.bigint()
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: {...process.env, NO_COLOR: '1', ...env},
      stdio: ['ignore', 'pipe', 'ignore'],
    })
    let stdout = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.on('error', reject)
    child.on('close', code =>
      resolve({code: code ?? 1, ms: Number(process.hrtime.bigint() - started) / 1e6, stdout}),
    )
  })
}

async function median(runs: number, fn: () => Promise<number>): Promise<number> {
  const xs: number[] = []
  for (let i = 0; i < runs; i++) xs.push(await fn())
  xs.sort((a, b) => a - b)
  return xs[Math.floor(xs.length / 2)]
}

interface Row {
  what: string
  value: string
  baseline: string
  ratio: number
  goal: number
}

const rows: Row[] = []
const fmt = (ms: number) => `${ms.toFixed(0)} ms`

async function startup(): Promise<void> {
  const runs = 15
  await exec(process.execPath, [runJs, '--version']) // warm the file cache
  const base = await median(runs, async () => (await exec(process.execPath, ['-e', '0'])).ms)
  for (const args of [['--version'], ['--help'], ['deploy', '--help']]) {
    const ms = await median(runs, async () => (await exec(process.execPath, [runJs, ...args])).ms)
    rows.push({
      what: `start-up: oc-jupyter ${args.join(' ')}`,
      value: fmt(ms),
      baseline: `node -e 0: ${fmt(base)}`,
      ratio: ms / base,
      goal: 2,
    })
  }
}

async function requests(): Promise<void> {
  const fake = await startFakeOpenShift({simulators: 'auto'})
  try {
    const kube = {KUBECONFIG: fake.kubeconfigPath}
    const build = await exec(process.execPath, [runJs, 'build'], kube)
    if (build.code !== 0) throw new Error(`build exited ${build.code}`)
    for (const label of ['fresh', 're-run']) {
      const mark = fake.recorder.mark()
      const r = await exec(process.execPath, [runJs, 'deploy', '-o', 'json'], kube)
      if (r.code !== 0) throw new Error(`deploy exited ${r.code}`)
      const reqs = fake.recorder.filter({since: mark} as never)
      const objects = (JSON.parse(r.stdout) as {objects: unknown[]}).objects.length
      // SCC subject reviews are POSTs that persist nothing: reads.
      const writes = reqs.filter(q => q.method !== 'GET' && !/reviews$/.test(q.path)).length
      const watches = reqs.filter(q => q.watch).length
      const reads = reqs.length - writes - watches
      rows.push({
        what: `deploy (${label}): writes per object (${reads} reads, ${watches} watches)`,
        value: `${writes} writes`,
        baseline: `${objects} objects`,
        ratio: writes / objects,
        goal: 1,
      })
    }
  } finally {
    await fake.stop()
  }
}

async function doctorScale(): Promise<void> {
  const fake: FakeOpenShift = await startFakeOpenShift({simulators: 'manual'})
  try {
    const ns = fake.namespace
    const objs = []
    for (let i = 0; i < 1000; i++) {
      objs.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {name: `pod-${i}`, namespace: ns, annotations: {'openshift.io/scc': 'restricted-v2'}},
        spec: {containers: [{name: 'c', image: 'img'}]},
        status: {
          phase: 'Running',
          containerStatuses: [{name: 'c', ready: true, restartCount: 0, state: {running: {}}}],
        },
      })
    }
    for (let i = 0; i < 10000; i++) {
      objs.push({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: {name: `ev-${i}`, namespace: ns},
        involvedObject: {kind: 'Pod', name: `pod-${i % 1000}`, namespace: ns},
        reason: 'Pulled',
        message: 'Container image already present on machine',
        type: 'Normal',
      })
    }
    for (let i = 0; i < 200; i++) {
      objs.push({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: {name: `rb-${i}`, namespace: ns},
        roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view'},
        subjects: [{kind: 'User', name: `user-${i}`}],
      })
    }
    fake.seed(objs as never)
    const kube = {KUBECONFIG: fake.kubeconfigPath}
    const kubectl = await median(3, async () => {
      const r = await exec(
        'kubectl',
        [
          'get',
          'pods,events,rolebindings',
          '-o',
          'json',
          '--cache-dir',
          path.join(root, 'tmp/bench-kube-cache'),
        ],
        kube,
      )
      if (r.code !== 0) throw new Error('kubectl failed')
      return r.ms
    })
    const doctor = await median(
      3,
      async () => (await exec(process.execPath, [runJs, 'doctor', '-o', 'json'], kube)).ms,
    )
    rows.push({
      what: 'doctor on 1,000 pods / 10,000 events / 200 role bindings',
      value: fmt(doctor),
      baseline: `kubectl get: ${fmt(kubectl)}`,
      ratio: doctor / kubectl,
      goal: 1,
    })
  } finally {
    await fake.stop()
  }
}

async function main(): Promise<number> {
  await startup()
  await requests()
  try {
    await doctorScale()
  } catch (error) {
    process.stderr.write(`doctor scale benchmark skipped: ${(error as Error).message}\n`)
  }
  const w = Math.max(...rows.map(r => r.what.length))
  process.stdout.write(
    `${'measure'.padEnd(w)}  ${'value'.padStart(12)}  ${'baseline'.padEnd(26)} ratio  goal\n`,
  )
  let missed = 0
  for (const r of rows) {
    const ok = r.ratio <= r.goal
    if (!ok) missed++
    process.stdout.write(
      `${r.what.padEnd(w)}  ${r.value.padStart(12)}  ${r.baseline.padEnd(26)} ${r.ratio.toFixed(2).padStart(5)}  <= ${r.goal} ${ok ? 'ok' : 'MISSED'}\n`,
    )
  }
  return missed === 0 ? 0 : 1
}

main().then(
  code => process.exit(code),
  err => {
    console.error(err)
    process.exit(1)
  },
)

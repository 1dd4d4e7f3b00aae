/**
 * `npm run bench`: the quality bars of SPEC.md and issue #12, measured as ratios against a baseline
 * taken in the same run, in pairs (baseline and subject back to back, alternating which goes first;
 * the ratio is the median of the pairs' ratios), never as timed assertions in tests:
 *
 *   1. start-up: `--version`, `--help`, `deploy --help` against a bare `node -e 0` (goal <= 1.3x);
 *      `deploy|build --dry-run=client -o yaml` (no cluster) against `node -e 0` (goal <= 2x);
 *   2. cluster commands against kubectl doing the same reads or writes on the same fake server, both
 *      with a warm discovery cache: `status` vs `kubectl get deploy,svc,route,pvc,pods`, `password`
 *      vs `kubectl get secret`, an unchanged `deploy` vs `kubectl apply --server-side` of the objects
 *      that deploy applies (goal <= 1x, peak RSS <= 80 MiB); the requests each sends, from the fake
 *      server's request recorder;
 *   3. writes: `deploy` sends one write per object (fresh and re-run);
 *   4. doctor on 1,000 pods, 10,000 events and 200 role bindings against `kubectl get
 *      pods,events,rolebindings -o json` (goal <= 0.5x, peak RSS <= 250 MiB);
 *   5. the installed size: `npm pack`, then `npm install -g` of the tarball into an empty prefix
 *      (goal <= 20 MB), and `oc-jupyter status` from that install against the fake server.
 *
 * Peak RSS and CPU time come from GNU time (`/usr/bin/time -f '%M %U %S'`), when present. The `cpu`
 * column is for reading the wall-clock ratios on a loaded machine: the command's CPU time against the
 * baseline's and, for the cluster rows, the CPU time the fake server (this process) spent meanwhile.
 * A busy two-core machine stretches a single-threaded Node process more than multi-threaded Go
 * processes, and a command that asks the server for more work waits for it. Prints a table; exits 1
 * when a goal is missed (`.ci/run` prints it as a report and does not fail on it).
 */
import {spawn, spawnSync} from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {dump} from 'js-yaml'

import {startFakeOpenShift, type FakeOpenShift} from '../fake-openshift/src/index.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const runJs = path.join(root, 'bin/run.js')
const work = mkdtempSync(path.join(tmpdir(), 'oc-jupyter-bench-'))
const GNU_TIME = '/usr/bin/time'
const hasGnuTime = spawnSync(GNU_TIME, ['-f', '%M', 'true'], {stdio: 'ignore'}).status === 0
const node = process.execPath

interface Measure {
  code: number
  ms: number
  /** peak resident set size, KiB (GNU time), when known */
  rssKiB?: number
  /** user + system CPU time, ms (GNU time), when known */
  cpuMs?: number
  /** CPU time of this process meanwhile, ms: the fake server's work for the command (plus a little spawning) */
  serverCpuMs: number
  stdout: string
  stderr: string
}

/** Runs a command; wall time around it, peak RSS through GNU time. */
function exec(
  cmd: string,
  args: string[],
  opts: {env?: Record<string, string>; stdin?: string} = {},
): Promise<Measure> {
  const rssFile = path.join(work, `rss-${process.hrtime.bigint()}`)
  const [file, argv] = hasGnuTime ? [GNU_TIME, ['-f', '%M %U %S', '-o', rssFile, cmd, ...args]] : [cmd, args]
  const started = process.hrtime.bigint()
  const serverCpu = process.cpuUsage()
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, {
      env: {...process.env, NO_COLOR: '1', ...opts.env},
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', reject)
    child.on('close', code => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      const used = process.cpuUsage(serverCpu)
      const serverCpuMs = (used.user + used.system) / 1000
      let rssKiB: number | undefined
      let cpuMs: number | undefined
      if (hasGnuTime) {
        // on a non-zero exit GNU time writes "Command exited with non-zero status N" first
        const [rss, user, sys] = (readFileSync(rssFile, 'utf8').trim().split('\n').pop() ?? '').split(' ')
        rssKiB = Number(rss)
        cpuMs = (Number(user) + Number(sys)) * 1000
        rmSync(rssFile, {force: true})
      }
      resolve({code: code ?? 1, ms, rssKiB, cpuMs, serverCpuMs, stdout, stderr})
    })
    child.stdin.end(opts.stdin ?? '')
  })
}

function ok(m: Measure, what: string): Measure {
  if (m.code !== 0) throw new Error(`${what} exited ${m.code}\n${m.stderr}`)
  return m
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

interface Paired {
  base: number
  subject: number
  ratio: number
  /** median of the pairs' CPU time ratios (GNU time), when known */
  cpuRatio?: number
  /** median of the pairs' ratios of the fake server's CPU time (cluster rows) */
  serverCpuRatio: number
  baseRssKiB?: number
  subjectRssKiB?: number
}

/** `runs` pairs, alternating which goes first; medians and the median of the pairs' ratios. */
async function paired(
  runs: number,
  base: () => Promise<Measure>,
  subject: () => Promise<Measure>,
): Promise<Paired> {
  await base()
  await subject() // warm the file cache (and the discovery caches)
  const b: Measure[] = []
  const s: Measure[] = []
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      b.push(await base())
      s.push(await subject())
    } else {
      s.push(await subject())
      b.push(await base())
    }
  }
  const maxRss = (ms: Measure[]) => (hasGnuTime ? Math.max(...ms.map(m => m.rssKiB ?? 0)) : undefined)
  return {
    base: median(b.map(m => m.ms)),
    subject: median(s.map(m => m.ms)),
    ratio: median(s.map((m, i) => m.ms / b[i].ms)),
    cpuRatio: hasGnuTime ? median(s.map((m, i) => (m.cpuMs ?? 0) / Math.max(b[i].cpuMs ?? 0, 1))) : undefined,
    serverCpuRatio: median(s.map((m, i) => m.serverCpuMs / Math.max(b[i].serverCpuMs, 0.1))),
    baseRssKiB: maxRss(b),
    subjectRssKiB: maxRss(s),
  }
}

interface Row {
  what: string
  value: string
  baseline: string
  ratio?: number
  goal: string
  /** CPU time against the baseline's, for reading the wall-clock ratio on a loaded machine */
  cpu?: string
  rss: string
  requests: string
  ok: boolean
}

const rows: Row[] = []
const ms = (x: number) => `${x.toFixed(0)} ms`
const mib = (kib: number | undefined) => (kib === undefined ? 'n/a' : `${(kib / 1024).toFixed(0)} MiB`)

function timeRow(
  what: string,
  p: Paired,
  baseline: string,
  goal: number,
  extra: {rssGoalMiB?: number; requests?: string; server?: boolean} = {},
): void {
  const rssOk =
    extra.rssGoalMiB === undefined ||
    p.subjectRssKiB === undefined ||
    p.subjectRssKiB <= extra.rssGoalMiB * 1024
  rows.push({
    what,
    value: ms(p.subject),
    baseline: `${baseline}: ${ms(p.base)}`,
    ratio: p.ratio,
    goal: `<= ${goal}x${extra.rssGoalMiB === undefined ? '' : `, ${extra.rssGoalMiB} MiB`}`,
    cpu:
      (p.cpuRatio === undefined ? '' : `${p.cpuRatio.toFixed(2)}x`) +
      (extra.server ? ` (server ${p.serverCpuRatio.toFixed(2)}x)` : ''),
    rss: `${mib(p.subjectRssKiB)} (${mib(p.baseRssKiB)})`,
    requests: extra.requests ?? '',
    ok: p.ratio <= goal && rssOk,
  })
}

// ---------------------------------------------------------------------------------------------
// 1. start-up and client-side rendering

async function startup(): Promise<void> {
  const runs = 15
  const nodeBare = () => exec(node, ['-e', '0'])
  for (const args of [['--version'], ['--help'], ['deploy', '--help']]) {
    const p = await paired(runs, nodeBare, () => exec(node, [runJs, ...args]))
    timeRow(`start-up: oc-jupyter ${args.join(' ')}`, p, 'node -e 0', 1.3)
  }
  for (const cmd of ['deploy', 'build']) {
    const args = [cmd, '--dry-run=client', '-o', 'yaml']
    const env = {KUBECONFIG: path.join(work, 'no-kubeconfig')} // proves no cluster is needed
    const p = await paired(runs, nodeBare, async () => ok(await exec(node, [runJs, ...args], {env}), cmd))
    timeRow(`client-side: oc-jupyter ${args.join(' ')}`, p, 'node -e 0', 2)
  }
}

// ---------------------------------------------------------------------------------------------
// 2. and 3. cluster commands against kubectl, writes per object

/** Requests one run of `fn` sends, and a summary of them. */
async function counted(
  fake: FakeOpenShift,
  fn: () => Promise<Measure>,
): Promise<{m: Measure; n: number; discovery: number}> {
  const mark = fake.recorder.mark()
  const m = await fn()
  const reqs = fake.recorder.filter({since: mark})
  const discovery = reqs.filter(
    r =>
      r.method === 'GET' &&
      (/^\/(api|apis)(\/[^/]+){0,2}$/.test(r.path) ||
        r.path === '/version' ||
        r.path.startsWith('/openapi/')) &&
      !r.path.includes('/namespaces'),
  ).length
  return {m, n: reqs.length, discovery}
}

const describeRequests = (ours: {n: number; discovery: number}, theirs: {n: number; discovery: number}) =>
  `${ours.n} (${ours.discovery} discovery); kubectl ${theirs.n} (${theirs.discovery})`

async function cluster(): Promise<void> {
  const fake = await startFakeOpenShift({simulators: 'auto'})
  try {
    const kubeCache = path.join(work, 'kube-cache')
    const env = {KUBECONFIG: fake.kubeconfigPath, KUBECACHEDIR: kubeCache}
    const ours = (args: string[], stdin?: string) => exec(node, [runJs, ...args], {env, stdin})
    const kubectl = (args: string[]) => exec('kubectl', [...args, '--cache-dir', kubeCache], {env})

    ok(await ours(['build']), 'build')
    // 3. one write per object: a fresh deploy, then a re-run
    for (const label of ['fresh', 're-run']) {
      const mark = fake.recorder.mark()
      const r = ok(await ours(['deploy', '-o', 'json']), 'deploy')
      const reqs = fake.recorder.filter({since: mark})
      const objects = (JSON.parse(r.stdout) as {objects: unknown[]}).objects.length
      // SCC subject reviews are POSTs that persist nothing: reads.
      const writes = reqs.filter(q => q.method !== 'GET' && !/reviews$/.test(q.path)).length
      const watches = reqs.filter(q => q.watch).length
      rows.push({
        what: `deploy (${label}): writes per object`,
        value: `${writes} writes`,
        baseline: `${objects} objects`,
        ratio: writes / objects,
        goal: '<= 1x',
        rss: '',
        requests: `${reqs.length} (${reqs.length - writes - watches} reads, ${watches} watches)`,
        ok: writes / objects <= 1,
      })
    }

    // The objects an unchanged deploy applies, as it applies them: kubectl's baseline applies the same.
    const mark = fake.recorder.mark()
    ok(await ours(['deploy']), 'deploy')
    const applied = fake.recorder.filter({
      since: mark,
      method: 'PATCH',
      where: r => (r.contentType ?? '').startsWith('application/apply-patch'),
    })
    const applyFile = path.join(work, 'applied.yaml')
    writeFileSync(applyFile, applied.map(r => dump(r.body)).join('---\n'))
    const apply = [
      'apply',
      '--server-side',
      '--field-manager=oc-jupyter',
      '--force-conflicts',
      '-n',
      fake.namespace,
      '-f',
      applyFile,
    ]
    ok(await kubectl(apply), 'kubectl apply')

    const runs = 11
    const cases: Array<{what: string; args: string[]; stdin?: string; kubectl: string[]; label: string}> = [
      {
        what: 'status (notebook objects, pod, build)',
        args: ['status'],
        kubectl: ['get', 'deploy,svc,route,pvc,pods'],
        label: 'kubectl get deploy,svc,route,pvc,pods',
      },
      {
        what: 'password',
        args: ['password'],
        kubectl: ['get', 'secret', 'notebook-password', '-o', 'jsonpath={.data.password}'],
        label: 'kubectl get secret',
      },
      {
        what: `deploy, unchanged re-run (${applied.length} applies)`,
        args: ['deploy'],
        kubectl: apply,
        label: 'kubectl apply --server-side',
      },
    ]
    for (const c of cases) {
      const p = await paired(
        runs,
        async () => ok(await kubectl(c.kubectl), c.label),
        async () => ok(await ours(c.args), c.what),
      )
      const theirs = await counted(fake, async () => ok(await kubectl(c.kubectl), c.label))
      const mine = await counted(fake, async () => ok(await ours(c.args), c.what))
      timeRow(c.what, p, c.label, 1, {rssGoalMiB: 80, requests: describeRequests(mine, theirs), server: true})
    }
  } finally {
    await fake.stop()
  }
}

// ---------------------------------------------------------------------------------------------
// 4. doctor at scale

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
    const kubeCache = path.join(work, 'kube-cache-doctor')
    const env = {KUBECONFIG: fake.kubeconfigPath, KUBECACHEDIR: kubeCache}
    const p = await paired(
      3,
      async () =>
        ok(
          await exec('kubectl', ['get', 'pods,events,rolebindings', '-o', 'json', '--cache-dir', kubeCache], {
            env,
          }),
          'kubectl get',
        ),
      // doctor exits 1 when it finds errors: only a crash or a refusal is a failure here
      async () => {
        const m = await exec(node, [runJs, 'doctor', '-o', 'json'], {env})
        if (m.code > 1) throw new Error(`doctor exited ${m.code}\n${m.stderr}`)
        return m
      },
    )
    timeRow(
      'doctor on 1,000 pods / 10,000 events / 200 role bindings',
      p,
      'kubectl get pods,events,rolebindings',
      0.5,
      {
        rssGoalMiB: 250,
      },
    )
  } finally {
    await fake.stop()
  }
}

// ---------------------------------------------------------------------------------------------
// 5. installed size

function duKiB(dir: string): number {
  let total = 0
  for (const e of readdirSync(dir, {withFileTypes: true})) {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) total += duKiB(p)
    else if (e.isFile()) total += Math.ceil(statSync(p).blocks / 2) // 512-byte blocks, as du counts
  }
  return total
}

async function installedSize(): Promise<void> {
  const packDir = path.join(work, 'pack')
  const prefix = path.join(work, 'prefix')
  mkdirSync(packDir)
  mkdirSync(prefix)
  const npm = (args: string[]) => {
    const r = spawnSync('npm', args, {cwd: root, encoding: 'utf8'})
    if (r.status !== 0) throw new Error(`npm ${args.join(' ')}: ${r.stderr}`)
    return r.stdout
  }
  npm(['pack', '--silent', '--pack-destination', packDir])
  const tgz = readdirSync(packDir).find(f => f.endsWith('.tgz'))
  if (!tgz) throw new Error('npm pack wrote no tarball')
  npm(['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--silent', path.join(packDir, tgz)])
  const kib = duKiB(prefix)
  // The installed CLI works on its own: status of a deployed notebook against a fake server.
  const fake = await startFakeOpenShift({simulators: 'auto'})
  let works = false
  try {
    const bin = path.join(prefix, 'bin', 'oc-jupyter')
    const env = {KUBECONFIG: fake.kubeconfigPath, KUBECACHEDIR: path.join(work, 'kube-cache-install')}
    if (existsSync(bin)) {
      works =
        (await exec(bin, ['build', '-q'], {env})).code === 0 &&
        (await exec(bin, ['deploy', '-q'], {env})).code === 0 &&
        (await exec(bin, ['status'], {env})).code === 0
    }
  } finally {
    await fake.stop()
  }
  const tgzKiB = Math.ceil(statSync(path.join(packDir, tgz)).size / 1024)
  rows.push({
    what: 'installed size (npm pack; npm install -g into an empty prefix)',
    value: `${(kib / 1024).toFixed(1)} MiB`,
    baseline: `tarball ${(tgzKiB / 1024).toFixed(1)} MiB`,
    goal: '<= 20 MB',
    rss: '',
    requests: `status from the install: ${works ? 'works' : 'FAILED'}`,
    ok: kib * 1024 <= 20e6 && works,
  })
}

// ---------------------------------------------------------------------------------------------

function print(): number {
  const header: Row = {
    what: 'measure',
    value: 'value',
    baseline: 'baseline',
    goal: 'goal',
    rss: 'peak RSS (baseline)',
    requests: 'requests',
    ok: true,
  }
  const all = [header, ...rows]
  const width = (f: (r: Row) => string) => Math.max(...all.map(r => f(r).length))
  const ratio = (r: Row) => (r === header ? 'ratio' : r.ratio === undefined ? '' : r.ratio.toFixed(2))
  const cols: Array<[(r: Row) => string, 'l' | 'r']> = [
    [r => r.what, 'l'],
    [r => r.value, 'r'],
    [r => r.baseline, 'l'],
    [ratio, 'r'],
    [r => r.goal, 'l'],
    [r => (r === header ? 'result' : r.ok ? 'ok' : 'MISSED'), 'l'],
    [r => (r === header ? 'cpu (fake server)' : (r.cpu ?? '')), 'r'],
    [r => r.rss, 'l'],
    [r => r.requests, 'l'],
  ]
  const widths = cols.map(([f]) => width(f))
  for (const r of all) {
    const cells = cols.map(([f, align], i) =>
      align === 'l' ? f(r).padEnd(widths[i]) : f(r).padStart(widths[i]),
    )
    process.stdout.write(`${cells.join('  ').trimEnd()}\n`)
  }
  if (!hasGnuTime) process.stdout.write('(peak RSS: n/a, /usr/bin/time not found)\n')
  const missed = rows.filter(r => !r.ok).length
  process.stdout.write(missed === 0 ? 'all goals met\n' : `${missed} goal(s) missed\n`)
  return missed === 0 ? 0 : 1
}

async function main(): Promise<number> {
  // `npm run bench -- cluster doctor`: only those parts (start-up, cluster, doctor, size)
  const only = process.argv.slice(2)
  for (const [what, step] of [
    ['start-up', startup],
    ['cluster', cluster],
    ['doctor', doctorScale],
    ['size', installedSize],
  ] as const) {
    if (only.length > 0 && !only.includes(what)) continue
    try {
      await step()
    } catch (error) {
      process.stderr.write(`${what}: ${(error as Error).message}\n`)
      rows.push({what, value: 'error', baseline: '', goal: '', rss: '', requests: '', ok: false})
    }
  }
  return print()
}

main().then(
  code => {
    rmSync(work, {recursive: true, force: true})
    process.exit(code)
  },
  err => {
    console.error(err)
    process.exit(1)
  },
)

/**
 * `status`, `password` and `delete` around a deployed notebook, through the real CLI against the fake
 * OpenShift API server. Each test works in its own project of one shared fake.
 */
import {spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import path from 'node:path'

import {beforeAll, describe, expect, test} from 'vitest'

import type {FakeOpenShift} from '../../fake-openshift/src/index.js'
import {kubeCacheDir, repoRoot, runCli} from './helpers/cli.js'
import {
  ANYUID_ERA_IMAGE,
  both,
  builderStream,
  fakes,
  firstUid,
  get,
  instanceObjects,
  kubeconfig,
  pods,
  project,
  storedPassword,
  writesIn,
} from './helpers/notebook.js'

const start = fakes()
const KEPT = ['PersistentVolumeClaim/notebook-data', 'Secret/notebook-password']

let fake: FakeOpenShift
beforeAll(async () => {
  fake = await start()
})

const claimUid = (ns: string) => get(fake, 'v1', 'persistentvolumeclaims', ns, 'notebook-data')?.metadata.uid

describe('status, password, delete', () => {
  test.concurrent(
    'status as a user with only the view role: exit 0, what it could not read said',
    async () => {
      const ns = 'viewed'
      const kc = project(fake, ns, [builderStream()])
      const deployed = await runCli(['deploy'], {kubeconfig: kc})
      expect(deployed.code, both(deployed)).toBe(0)
      fake.addUser('viewer')
      fake.seed([
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: {name: 'viewer-view', namespace: ns},
          roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view'},
          subjects: [{apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'viewer'}],
        },
      ])
      const viewer = kubeconfig(fake, {user: 'viewer', namespace: ns})
      const r = await runCli(['status'], {kubeconfig: viewer})
      expect(r.code, both(r)).toBe(0)
      expect(r.stdout).toContain('Deployment/notebook')
      expect(r.stdout).toMatch(/Pod: +notebook-\S+ Running \(ready\)/)
      expect(r.stdout).toContain('Password:   not visible to you (you may not read Secrets in this project)')
      expect(r.stdout).toContain('Not visible: Secret: your role in viewed may not list them')
      const json = await runCli(['status', '-o', 'json'], {kubeconfig: viewer})
      expect(JSON.parse(json.stdout).notVisible).toEqual([
        {kind: 'Secret', message: expect.stringContaining('forbidden')},
      ])
    },
  )

  test.concurrent(
    'status and password of a running notebook; delete keeps PVC and Secret; deploy reuses both',
    async () => {
      const ns = 'life'
      const kc = project(fake, ns)
      for (const args of [['build'], ['deploy']]) {
        const r = await runCli(args, {kubeconfig: kc})
        expect(r.code, both(r)).toBe(0)
      }
      const password = storedPassword(fake, ns)
      const uid = firstUid(fake, ns)

      const status = await runCli(['status'], {kubeconfig: kc})
      expect(status.code, both(status)).toBe(0)
      const rows = Object.fromEntries(
        status.stdout
          .split('\n')
          .map(l => /^ {2}(\w+): +(.*)$/.exec(l))
          .filter(m => m !== null)
          .map(m => [m[1], m[2]]),
      )
      expect(rows.Objects).toBe(
        'Deployment/notebook, Route/notebook, Service/notebook, PersistentVolumeClaim/notebook-data, Secret/notebook-password',
      )
      expect(rows.URL).toBe(`https://notebook-${ns}.apps.sandbox.example.com (admitted)`)
      expect(rows.Deployment).toBe('1/1 available, image s2i-minimal-notebook:latest')
      expect(rows.Image).toMatch(/\/life\/s2i-minimal-notebook@sha256:[0-9a-f]{64}$/)
      expect(rows.Pod).toMatch(
        new RegExp(`^notebook-[a-z0-9]+-[a-z0-9]{5} Running \\(ready\\); uid ${uid}, scc restricted-v2$`),
      )
      expect(rows.Storage).toBe('notebook-data Bound 1Gi ReadWriteOnce (standard-csi)')
      expect(rows.Build).toBe('s2i-minimal-notebook-1 Complete')
      expect(rows.Password).toBe(`in Secret notebook-password: oc jupyter password notebook -n ${ns}`)

      const json = await runCli(['status', '-o', 'json'], {kubeconfig: kc})
      expect(json.code, both(json)).toBe(0)
      expect(json.stderr).toBe('')
      const report = JSON.parse(json.stdout)
      expect(report).toMatchObject({
        name: 'notebook',
        namespace: ns,
        workload: {
          kind: 'Deployment',
          replicas: 1,
          available: 1,
          imageStreamTag: 's2i-minimal-notebook:latest',
        },
        pods: [{phase: 'Running', ready: true, uid, scc: 'restricted-v2', restarts: 0}],
        storage: {name: 'notebook-data', phase: 'Bound', size: '1Gi', accessModes: ['ReadWriteOnce']},
        route: {url: `https://notebook-${ns}.apps.sandbox.example.com`, admitted: true},
        build: {name: 's2i-minimal-notebook-1', phase: 'Complete'},
        passwordSecret: 'notebook-password',
      })
      expect(report.objects).toHaveLength(5)
      expect(status.stdout + status.stderr + json.stdout).not.toContain(password)

      const pw = await runCli(['password'], {kubeconfig: kc})
      expect(pw.code, both(pw)).toBe(0)
      expect(pw.stdout).toBe(`${password}\n`)
      expect(pw.stderr).toBe('')

      // No terminal to ask on and no --yes: usage error before any request.
      let mark = fake.recorder.mark()
      const refused = await runCli(['delete'], {kubeconfig: kc})
      expect(refused.code, both(refused)).toBe(2)
      expect(refused.stderr).toContain(
        'Error: delete needs --yes when stdin is not a terminal (nothing was deleted)',
      )
      expect(fake.recorder.count({since: mark, where: r => r.path.includes(`/${ns}`)})).toBe(0)

      const claim = claimUid(ns)
      const deleted = await runCli(['delete', '--yes'], {kubeconfig: kc})
      expect(deleted.code, both(deleted)).toBe(0)
      expect(deleted.stderr).toContain(
        `Will delete from project ${ns}: Deployment/notebook, Route/notebook, Service/notebook`,
      )
      expect(deleted.stderr).toContain(
        'Keeping: PersistentVolumeClaim/notebook-data, Secret/notebook-password',
      )
      expect(deleted.stdout).toContain('Deleted 3 objects of notebook notebook.')
      expect(instanceObjects(fake, ns)).toEqual(KEPT)

      // Idempotent.
      const twice = await runCli(['delete', '--yes'], {kubeconfig: kc})
      expect(twice.code, both(twice)).toBe(0)
      expect(twice.stdout).toContain(
        `Nothing to delete for notebook notebook in project ${ns} (kept: PersistentVolumeClaim/notebook-data, Secret/notebook-password).`,
      )

      // Deploy again: the same password and the same data claim.
      const again = await runCli(['deploy'], {kubeconfig: kc})
      expect(again.code, both(again)).toBe(0)
      expect(again.stderr).toContain('Unchanged Secret/notebook-password')
      expect(again.stderr).toContain('Unchanged PersistentVolumeClaim/notebook-data')
      expect(again.stderr).toContain('Created Deployment/notebook')
      expect(storedPassword(fake, ns)).toBe(password)
      expect(claimUid(ns)).toBe(claim)
      const volumes = (
        pods(fake, ns)[0].spec as {volumes: Array<{persistentVolumeClaim?: {claimName: string}}>}
      ).volumes
      expect(volumes.map(v => v.persistentVolumeClaim?.claimName)).toContain('notebook-data')

      // --delete-data: says so first, then removes everything.
      mark = fake.recorder.mark()
      const all = await runCli(['delete', '--delete-data', '--yes'], {kubeconfig: kc})
      expect(all.code, both(all)).toBe(0)
      const warning = all.stderr.indexOf(
        '! --delete-data: the notebooks on the volume and the password are deleted too',
      )
      expect(warning).toBeGreaterThanOrEqual(0)
      expect(warning).toBeLessThan(all.stderr.indexOf('Deleted Deployment/notebook'))
      expect(all.stdout).toContain('Deleted 5 objects of notebook notebook.')
      // like kubectl delete, it returns once they are gone: the claim only after its pod
      expect(instanceObjects(fake, ns)).toEqual([])
      expect(pods(fake, ns)).toEqual([])
      expect(writesIn(fake, ns, mark).map(w => w.method)).toEqual(Array(5).fill('DELETE'))

      const gone = await runCli(['password'], {kubeconfig: kc})
      expect(gone.code, both(gone)).toBe(1)
      expect(gone.stdout).toBe('')
      expect(gone.stderr).toContain(`Error: no notebook notebook in project ${ns}\n`)
      const noStatus = await runCli(['status'], {kubeconfig: kc})
      expect(noStatus.code, both(noStatus)).toBe(1)
      expect(noStatus.stderr).toContain(`Error: no notebook notebook in project ${ns}\n`)
      expect(noStatus.stderr).toContain(`Try: oc jupyter deploy notebook -n ${ns}`)
    },
    120_000,
  )

  test.concurrent(
    'status of a crash-looping notebook shows the waiting reason and the pod events',
    async () => {
      const ns = 'crashing'
      const kc = project(fake, ns, [builderStream(ANYUID_ERA_IMAGE)])
      const deploy = await runCli(['deploy'], {kubeconfig: kc})
      expect(deploy.code, both(deploy)).toBe(1)
      const status = await runCli(['status'], {kubeconfig: kc})
      expect(status.code, both(status)).toBe(0)
      expect(status.stdout).toMatch(
        /Pod: +notebook-\S+ Running — CrashLoopBackOff: back-off \S+ restarting failed/,
      )
      expect(status.stdout).toContain('Deployment: 0/1 available')
      expect(status.stdout).toMatch(
        /event BackOff: Back-off restarting failed container notebook in pod notebook-/,
      )
      const json = JSON.parse((await runCli(['status', '-o', 'json'], {kubeconfig: kc})).stdout)
      expect(json.pods[0]).toMatchObject({phase: 'Running', ready: false, scc: 'restricted-v2'})
      expect(json.pods[0].problem).toMatch(/^CrashLoopBackOff: /)
      expect(json.pods[0].restarts).toBeGreaterThanOrEqual(2)
      expect(json.pods[0].events.at(-1)).toMatch(/^BackOff: /)
    },
    120_000,
  )

  test.concurrent('delete --dry-run=server sends dryRun=All deletes and keeps everything', async () => {
    const ns = 'dryrun-delete'
    const kc = project(fake, ns, [builderStream()])
    expect((await runCli(['deploy'], {kubeconfig: kc})).code).toBe(0)
    const mark = fake.recorder.mark()
    const r = await runCli(['delete', '--delete-data', '--dry-run=server'], {kubeconfig: kc})
    expect(r.code, both(r)).toBe(0)
    expect(r.stdout).toContain('Would delete 5 objects of notebook notebook.')
    const writes = writesIn(fake, ns, mark)
    expect(writes).toHaveLength(5)
    for (const w of writes) expect(w.query.dryRun).toBe('All')
    expect(instanceObjects(fake, ns)).toHaveLength(5)
  })
})

/** Runs the CLI on a pseudo-terminal (util-linux `script`), answering `answer` to the prompt. */
function runInTerminal(
  args: string[],
  kubeconfig: string,
  answer: string,
): Promise<{code: number; out: string}> {
  const command = [process.execPath, path.join(repoRoot, 'bin/run.js'), ...args].map(a => `'${a}'`).join(' ')
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        KUBECONFIG: kubeconfig,
        KUBECACHEDIR: kubeCacheDir(kubeconfig),
        NO_COLOR: '1',
        TERM: 'dumb',
      },
    })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', d => (out += d))
    child.on('error', reject)
    child.on('close', code => resolve({code: code ?? -1, out}))
    child.stdin.end(`${answer}\n`)
  })
}

const hasScript = existsSync('/usr/bin/script') || existsSync('/bin/script')

describe('delete in a terminal', () => {
  test.skipIf(!hasScript)(
    'asks for confirmation: "n" deletes nothing (exit 1), "y" deletes; --delete-data warns before asking (needs util-linux script for a pty)',
    async () => {
      const ns = 'interactive'
      const kc = project(fake, ns, [builderStream()])
      expect((await runCli(['deploy'], {kubeconfig: kc})).code).toBe(0)

      const no = await runInTerminal(['delete', '--delete-data'], kc, 'n')
      expect(no.code, no.out).toBe(1)
      const warning = no.out.indexOf(
        '--delete-data: the notebooks on the volume and the password are deleted too',
      )
      const prompt = no.out.indexOf('Delete 5 objects of notebook notebook? [y/N]')
      expect(warning, no.out).toBeGreaterThanOrEqual(0)
      expect(prompt, no.out).toBeGreaterThan(warning)
      expect(no.out).toContain('Error: not confirmed; nothing was deleted')
      expect(instanceObjects(fake, ns)).toHaveLength(5)

      const yes = await runInTerminal(['delete'], kc, 'y')
      expect(yes.code, yes.out).toBe(0)
      expect(yes.out).toContain('Delete 3 objects of notebook notebook? [y/N]')
      expect(yes.out).toContain('Deleted 3 objects of notebook notebook.')
      expect(instanceObjects(fake, ns)).toEqual(KEPT)
    },
    120_000,
  )
})

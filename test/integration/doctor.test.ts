/**
 * `oc jupyter doctor` through the real CLI against the fake OpenShift server: output formats, the
 * healthy projects `oc jupyter build` and `oc jupyter deploy` make (zero warnings and errors, with
 * --exec too), what a user who cannot see (or not everything) is told, and the JSON contract
 * (docs/doctor-report.schema.json). One fake, one namespace per case; the scenario corpus with the
 * fixes applied is doctor-corpus.test.ts.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startFakeOpenShift, type FakeOpenShift} from '../../fake-openshift/src/index.js'
import {readScenario, type Scenario} from '../../fake-openshift/src/scenario.js'
import type {DoctorReport} from '../../src/lib/doctor/report.js'
import {reportValidator} from '../unit/helpers/doctor-schema.js'
import {repoRoot, runCli} from './helpers/cli.js'

const dir = mkdtempSync(path.join(tmpdir(), 'ocj-doctor-'))
let fake: FakeOpenShift
const validate = reportValidator()

/** A scenario of test/scenarios moved to its own namespace (its `myproject` references follow). */
function moved(file: string, ns: string): Scenario {
  const s = readScenario(path.join(repoRoot, 'test/scenarios', file))
  const text = JSON.stringify({...s, simulator: undefined}).replaceAll('myproject', ns)
  const out = JSON.parse(text) as Scenario
  out.objects = (out.objects ?? []).filter(o => o.kind !== 'Namespace')
  return {...out, namespace: ns}
}

const kc = (ns: string, user = 'developer') => path.join(dir, `${ns}.${user}.kubeconfig`)
const doctor = (ns: string, ...args: string[]) => runCli(['doctor', ...args], {kubeconfig: kc(ns)})

async function doctorJson(
  ns: string,
  ...args: string[]
): Promise<{code: number; report: DoctorReport; stdout: string}> {
  const r = await doctor(ns, '-o', 'json', ...args)
  const report = JSON.parse(r.stdout) as DoctorReport
  // every JSON document the doctor prints follows its published schema
  expect(validate(report)).toEqual([])
  return {code: r.code, report, stdout: r.stdout}
}

const NAMESPACES = ['dh-build', 'dh-image', 'dh-wffc', 'dt-era', 'dt-anyuid', 'dt-no-uid-range']

beforeAll(async () => {
  fake = await startFakeOpenShift({
    kubeconfigPath: path.join(dir, 'kubeconfig'),
    simulatorOptions: {
      images: [{image: 'quay.io/example/anyuid-era-notebook*', profile: 'anyuid-era'}],
      namespaces: {'dt-no-uid-range': {annotations: false}},
    },
  })
  fake.loadScenario(moved('anyuid-era-image.yaml', 'dt-era'))
  fake.loadScenario(moved('doctor-anyuid-rolebinding.yaml', 'dt-anyuid'))
  fake.loadScenario(moved('doctor-no-uid-range.yaml', 'dt-no-uid-range'))
  for (const ns of ['dh-build', 'dh-image', 'dh-wffc']) fake.loadScenario({namespace: ns, objects: []})
  // AWS-style storage: a WaitForFirstConsumer class; a viewer of dh-build who may not run SCC reviews
  fake.seed([
    {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: {name: 'gp3-wffc'},
      provisioner: 'ebs.csi.aws.com',
      volumeBindingMode: 'WaitForFirstConsumer',
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: {name: 'viewer-view', namespace: 'dh-build'},
      roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view'},
      subjects: [{apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'viewer'}],
    },
  ])
  fake.addUser('viewer')
  for (const ns of NAMESPACES) fake.writeKubeconfig(kc(ns), {namespace: ns})
  fake.writeKubeconfig(kc('dh-build', 'viewer'), {namespace: 'dh-build', user: 'viewer'})
  fake.sims.settle()
  // the healthy projects: what the CLI's own build and deploy leave behind
  const made = await Promise.all([
    runCli(['deploy', '--build'], {kubeconfig: kc('dh-build')}),
    runCli(['deploy', '--image', 'quay.io/jupyter/minimal-notebook:2025-12-31'], {
      kubeconfig: kc('dh-image'),
    }),
    runCli(['build'], {kubeconfig: kc('dh-wffc')}).then(b =>
      b.code === 0
        ? runCli(['deploy', 'lab', '--storage-class', 'gp3-wffc'], {kubeconfig: kc('dh-wffc')})
        : b,
    ),
  ])
  for (const m of made) if (m.code !== 0) throw new Error(`making a healthy project failed:\n${m.stderr}`)
}, 180_000)

afterAll(async () => {
  await fake?.stop()
  rmSync(dir, {recursive: true, force: true})
})

describe.concurrent('oc jupyter doctor (fake OpenShift)', () => {
  it('deploy --build: every check passes, text and JSON, with --exec', async () => {
    const r = await doctor('dh-build', 'notebook')
    expect(r.stderr).not.toMatch(/Error/)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^0 errors, 0 warnings, 0 unknown, \d+ checks passed$/m)
    expect(r.stdout).not.toMatch(/^\s*[✖!?] /m)
    expect(r.stdout).toContain('✔ Project has a UID range')
    const {code, report} = await doctorJson('dh-build', 'notebook', '--exec')
    expect(code).toBe(0)
    expect(report.summary).toMatchObject({errors: 0, warnings: 0, unknown: 0})
    expect(report.findings).toEqual([])
    for (const id of [
      'exec.uid-outside-range',
      'exec.user-name-missing',
      'exec.home-not-writable',
      'exec.volume-not-writable',
      'exec.conda-not-writable',
    ])
      expect(report.checks.find(c => c.id === id)?.status, id).toBe('passed')
  })

  it('deploy --image of a docker-stacks image (supplementalGroups 100): no warning, /opt/conda writable (--exec)', async () => {
    const {code, report} = await doctorJson('dh-image', 'notebook', '--exec')
    expect(report.problems).toEqual([])
    expect(code).toBe(0)
    expect(report.checks.find(c => c.id === 'exec.conda-not-writable')?.status).toBe('passed')
  })

  it('build + deploy lab on WaitForFirstConsumer storage: no warning', async () => {
    const {code, report} = await doctorJson('dh-wffc', 'lab')
    expect(report.problems).toEqual([])
    expect(code).toBe(0)
  })

  it('a viewer may not run SCC reviews nor read RoleBindings: grant checks are unknown (with the permission), never passed; --fail-on unknown fails', async () => {
    const r = await runCli(['doctor', 'notebook', '-o', 'json'], {kubeconfig: kc('dh-build', 'viewer')})
    const report = JSON.parse(r.stdout) as DoctorReport
    expect(validate(report)).toEqual([])
    expect(r.code).toBe(0)
    const anyuid = report.checks.find(c => c.id === 'grants.anyuid-usable')
    expect(anyuid?.status).toBe('unknown')
    expect(anyuid?.unknown?.join('\n')).toContain(
      'needs: list rolebindings.rbac.authorization.k8s.io -n dh-build',
    )
    expect(report.summary.visibility).toBe('partial')
    const strict = await runCli(['doctor', 'notebook', '--fail-on', 'unknown'], {
      kubeconfig: kc('dh-build', 'viewer'),
    })
    expect(strict.code).toBe(1)
    expect(strict.stdout).toMatch(/\? Service account cannot use the anyuid SCC: unknown, /)
    expect(strict.stdout).toMatch(/^0 errors, 0 warnings, [1-9]\d* unknown, \d+ checks passed$/m)
  })

  it('the anyuid-era image crash-loops: the home PermissionError first, quoted, with the rebuild', async () => {
    const r = await doctor('dt-era', 'notebook')
    expect(r.code).toBe(1)
    expect(r.stdout.indexOf('[pods.home-not-writable]')).toBeLessThan(r.stdout.indexOf('Project\n'))
    expect(r.stdout).toContain(
      "previous log: PermissionError: [Errno 13] Permission denied: '/home/jovyan/.jupyter'",
    )
    expect(r.stdout).toContain('Fix: oc jupyter build -n dt-era')
    const {report} = await doctorJson('dt-era', 'notebook')
    expect(report.problems[0].finding.checkId).toBe('pods.home-not-writable')
    expect(report.problems[0].finding.evidence.join('\n')).toMatch(/SCC restricted-v2, runAsUser 100\d+/)
  })

  it('anyuid through a RoleBinding: the grant first, the pod under anyuid because of it; SARIF', async () => {
    const {code, report} = await doctorJson('dt-anyuid')
    expect(code).toBe(1)
    const first = report.problems[0]
    expect(first.finding.checkId).toBe('grants.anyuid-usable')
    expect(first.finding.evidence).toContain(
      'RoleBinding system:openshift:scc:anyuid in dt-anyuid binds ServiceAccount default to ClusterRole system:openshift:scc:anyuid, which grants use of SCC anyuid',
    )
    expect(first.effects.map(f => f.checkId)).toContain('grants.pod-scc-not-restricted')
    expect(first.finding.fix?.[0]).toEqual({
      command: 'oc delete rolebinding system:openshift:scc:anyuid -n dt-anyuid',
      admin: false,
    })
    const sarif = JSON.parse((await doctor('dt-anyuid', '-o', 'sarif')).stdout) as {
      version: string
      runs: Array<{
        tool: {driver: {rules: Array<{id: string}>}}
        results: Array<{ruleId: string; level: string}>
      }>
    }
    expect(sarif.version).toBe('2.1.0')
    expect(sarif.runs[0].results).toContainEqual(
      expect.objectContaining({ruleId: 'grants.anyuid-usable', level: 'error'}),
    )
  })

  it('a namespace without the uid-range annotation: that first, the refused pods because of it', async () => {
    const {code, report} = await doctorJson('dt-no-uid-range')
    expect(code).toBe(1)
    expect(report.problems[0].finding.checkId).toBe('project.uid-range-missing')
    expect(report.problems[0].effects.map(f => f.checkId)).toContain('admission.pods-not-created')
  })

  it('a project that does not exist (or the user has no role in): cannot see, exit 4, nothing passed', async () => {
    const config = (user: string) => {
      const file = path.join(dir, `nosuch.${user}.kubeconfig`)
      fake.writeKubeconfig(file, {user, namespace: 'nosuchproject'})
      return file
    }
    const [r, j] = await Promise.all([
      runCli(['doctor'], {kubeconfig: config('developer')}),
      runCli(['doctor', '-o', 'json'], {kubeconfig: config('admin')}),
    ])
    expect(r.code, r.stdout).toBe(4)
    expect(r.stdout).toContain(
      '✖ cannot see project nosuchproject: project nosuchproject does not exist, or this user has no role in it',
    )
    expect(r.stdout).not.toContain('✔')
    expect(r.stdout).toMatch(/^0 errors, 0 warnings, \d+ unknown, 0 checks passed$/m)
    const report = JSON.parse(j.stdout) as DoctorReport
    expect(validate(report)).toEqual([])
    expect(j.code).toBe(4)
    expect(report.summary).toMatchObject({
      visibility: 'blind',
      cannotSee: 'project nosuchproject does not exist',
      passed: 0,
    })
    expect(report.checks.every(c => c.status === 'unknown')).toBe(true)
  })

  it('--dockerfile lints offline (no kubeconfig needed); its JSON follows the schema', async () => {
    const file = path.join(dir, 'Dockerfile')
    writeFileSync(
      file,
      'FROM jupyter/minimal-notebook:latest\nUSER root\nRUN chown -R 1000:100 /home/jovyan\nUSER jovyan\n',
    )
    const env = {KUBECONFIG: path.join(dir, 'missing')}
    const r = await runCli(['doctor', '--dockerfile', file], {env})
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('[dockerfile.user-not-numeric-non-root]')
    expect(r.stdout).toContain('[dockerfile.writable-group-100]')
    const j = await runCli(['doctor', '--dockerfile', file, '-o', 'json'], {env})
    expect(validate(JSON.parse(j.stdout))).toEqual([])
  })
})

/**
 * `oc jupyter doctor` through the real CLI against the fake OpenShift server: each scenario is a
 * project state as data; the outcomes (crash loops, admission) come from the simulators' rules. The
 * healthy project is the one `oc jupyter build` and `oc jupyter deploy` make.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startFakeOpenShift, type FakeOpenShift} from '../../fake-openshift/src/index.js'
import {repoRoot, runCli} from './helpers/cli.js'

const SCENARIOS = ['healthy', 'anyuid-era-image', 'doctor-anyuid-rolebinding', 'doctor-no-uid-range'] as const
type ScenarioName = (typeof SCENARIOS)[number]

const dir = mkdtempSync(path.join(tmpdir(), 'ocj-doctor-'))
const fakes = new Map<ScenarioName, FakeOpenShift>()

interface JsonReport {
  summary: {errors: number; warnings: number; passed: number; checks: number; target: string}
  findings: Array<{
    checkId: string
    severity: string
    message: string
    evidence: string[]
    remediation: string
  }>
  checks: Array<{id: string; status: string}>
}

beforeAll(async () => {
  await Promise.all(
    SCENARIOS.map(async s => {
      const fake = await startFakeOpenShift({
        ...(s === 'healthy' ? {} : {scenario: path.join(repoRoot, `test/scenarios/${s}.yaml`)}),
        simulators: 'auto',
        kubeconfigPath: path.join(dir, `${s}.kubeconfig`),
      })
      fakes.set(s, fake)
    }),
  )
  // the healthy project: what the CLI's own build and deploy leave behind
  const deployed = await runCli(['deploy', '--build'], {kubeconfig: path.join(dir, 'healthy.kubeconfig')})
  if (deployed.code !== 0) throw new Error(`deploy --build failed:\n${deployed.stderr}`)
})

afterAll(async () => {
  await Promise.all([...fakes.values()].map(f => f.stop()))
  rmSync(dir, {recursive: true, force: true})
})

const doctor = (s: ScenarioName, ...args: string[]) =>
  runCli(['doctor', ...args], {kubeconfig: path.join(dir, `${s}.kubeconfig`)})

async function doctorJson(
  s: ScenarioName,
  ...args: string[]
): Promise<{code: number; report: JsonReport; stdout: string}> {
  const r = await doctor(s, '-o', 'json', ...args)
  return {code: r.code, report: JSON.parse(r.stdout) as JsonReport, stdout: r.stdout}
}

// Read-only runs against separate fakes: concurrent keeps the file well under a minute on a loaded machine.
describe.concurrent('oc jupyter doctor (fake OpenShift)', () => {
  it('a healthy deploy passes every check and exits 0', async () => {
    const r = await doctor('healthy', 'notebook')
    expect(r.stderr).not.toMatch(/Error/)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^0 errors, 0 warnings, \d+ checks passed$/m)
    expect(r.stdout).not.toMatch(/^\s+[✖!] /m)
    expect(r.stdout).toContain('✔ Project has a UID range')
  })

  it('the anyuid-era image crash-loops: PermissionError finding with the log line and the fix', async () => {
    const r = await doctor('anyuid-era-image', 'notebook')
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('[pods.home-not-writable]')
    expect(r.stdout).toContain("log: PermissionError: [Errno 13] Permission denied: '/home/jovyan/.jupyter'")
    expect(r.stdout).toContain('Fix: oc jupyter build -n myproject')
    expect(r.stdout).toContain('"supplementalGroups":[100]')
    const {report} = await doctorJson('anyuid-era-image', 'notebook')
    const f = report.findings.find(x => x.checkId === 'pods.home-not-writable')
    expect(f?.severity).toBe('error')
    expect(f?.evidence.join('\n')).toMatch(/SCC restricted-v2, runAsUser 1000040000/)
  })

  it('anyuid granted through a RoleBinding: grant finding with the removal command', async () => {
    const {code, report} = await doctorJson('doctor-anyuid-rolebinding')
    expect(code).toBe(1)
    const grant = report.findings.find(x => x.checkId === 'grants.anyuid-usable')
    expect(grant?.severity).toBe('error')
    expect(grant?.evidence).toContain(
      'RoleBinding system:openshift:scc:anyuid in myproject binds service account default to ClusterRole system:openshift:scc:anyuid',
    )
    expect(grant?.evidence.some(e => /review.*admitted by anyuid/.test(e))).toBe(true)
    expect(grant?.remediation.split('\n')[0]).toBe(
      'oc adm policy remove-scc-from-user anyuid -z default -n myproject',
    )
    expect(report.findings.find(x => x.checkId === 'grants.pod-scc-not-restricted')?.severity).toBe('warning')
  })

  it('a namespace without the uid-range annotation is an error', async () => {
    const {code, report} = await doctorJson('doctor-no-uid-range')
    expect(code).toBe(1)
    const f = report.findings.find(x => x.checkId === 'project.uid-range-missing')
    expect(f?.severity).toBe('error')
    expect(f?.message).toContain('openshift.io/sa.scc.uid-range')
  })

  it('--exec on the notebook build + deploy made: the user name resolves; home, volume and conda prefix are writable; no warnings', async () => {
    const {code, report} = await doctorJson('healthy', 'notebook', '--exec')
    expect(code).toBe(0)
    expect(report.summary).toMatchObject({errors: 0, warnings: 0})
    expect(report.findings).toEqual([])
    for (const id of [
      'exec.uid-outside-range',
      'exec.user-name-missing',
      'exec.home-not-writable',
      'exec.volume-not-writable',
      'exec.conda-not-writable',
    ])
      expect(report.checks.find(c => c.id === id)?.status, id).toBe('passed')
    const strict = await doctor('healthy', 'notebook', '--exec', '--fail-on', 'warning')
    expect(strict.code).toBe(0)
    expect(strict.stdout).toMatch(/^0 errors, 0 warnings, \d+ checks passed$/m)
  })

  it('-o json: {summary, findings, checks} and nothing else on stdout', async () => {
    const {report, stdout} = await doctorJson('healthy', 'notebook')
    expect(stdout.trimStart().startsWith('{')).toBe(true)
    expect(report.summary).toMatchObject({errors: 0, warnings: 0})
    expect(report.checks.length).toBe(report.summary.checks)
    expect(report.checks.every(c => c.status === 'passed')).toBe(true)
  })

  it('-o sarif parses as SARIF 2.1.0 with rules and results', async () => {
    const r = await doctor('doctor-anyuid-rolebinding', '-o', 'sarif')
    expect(r.code).toBe(1)
    const sarif = JSON.parse(r.stdout) as {
      version: string
      runs: Array<{
        tool: {driver: {rules: Array<{id: string}>}}
        results: Array<{ruleId: string; level: string}>
      }>
    }
    expect(sarif.version).toBe('2.1.0')
    expect(sarif.runs[0].tool.driver.rules.map(x => x.id)).toContain('grants.anyuid-usable')
    expect(sarif.runs[0].results).toContainEqual(
      expect.objectContaining({ruleId: 'grants.anyuid-usable', level: 'error'}),
    )
  })

  it('--dockerfile lints offline (no kubeconfig needed)', async () => {
    const file = path.join(dir, 'Dockerfile')
    writeFileSync(
      file,
      'FROM jupyter/minimal-notebook:latest\nUSER root\nRUN chown -R 1000:100 /home/jovyan\nUSER jovyan\n',
    )
    const r = await runCli(['doctor', '--dockerfile', file], {env: {KUBECONFIG: path.join(dir, 'missing')}})
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('[dockerfile.user-not-numeric-non-root]')
    expect(r.stdout).toContain('[dockerfile.writable-group-100]')
  })
})

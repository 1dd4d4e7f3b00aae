/**
 * doctor on `deploy --auth openshift` notebooks (#14): a healthy one has no problem; each way the
 * oauth-proxy set-up breaks — a Service certificate the service CA refuses, delegation without
 * system:auth-delegator, an edited proxy that crashes — is the first error, with its evidence; its fix,
 * run as printed (by a cluster administrator where it says so), clears it. (A degraded service CA and a
 * deleted Route are scenarios of the corpus, test/scenarios/doctor/dr-auth-*.yaml.) Outcomes come from the fake's rules: the service CA controller, the kubelet's
 * mount check, the oauth-proxy process model and RBAC. Each test has its own fake (some change
 * cluster-wide state).
 */
import {describe, expect, test} from 'vitest'

import type {FakeOpenShift, StartOptions} from '../../fake-openshift/src/index.js'
import type {DoctorReport, Problem} from '../../src/lib/doctor/report.js'
import {runCli} from './helpers/cli.js'
import {both, builderStream, fakes, get, kubeconfig, pods, project} from './helpers/notebook.js'
import {kubectl, runPrinted} from './helpers/remedy.js'

const start = fakes()
const NS = 'login'

interface Setup {
  fake: FakeOpenShift
  kc: string
  admin: string
}

async function deployed(opts: StartOptions = {}, deployArgs: string[] = []): Promise<Setup> {
  const fake = await start(opts)
  const kc = project(fake, NS, [builderStream()])
  const r = await runCli(['deploy', '--auth', 'openshift', ...deployArgs], {kubeconfig: kc})
  expect([0, 5], both(r)).toContain(r.code)
  return {fake, kc, admin: kubeconfig(fake, {user: 'admin', namespace: NS})}
}

async function doctor(s: Setup): Promise<DoctorReport> {
  const r = await runCli(['doctor', 'notebook', '-o', 'json'], {kubeconfig: s.kc})
  try {
    return JSON.parse(r.stdout) as DoctorReport
  } catch {
    throw new Error(`doctor printed no JSON:\n${both(r)}`)
  }
}

const firstError = (report: DoctorReport): Problem | undefined =>
  report.problems.find(p => p.severity === 'error')

const show = (p: Problem | undefined) =>
  p ? `${p.finding.checkId}: ${p.finding.message}\n  ${p.finding.evidence.join('\n  ')}` : '(none)'

/** The first error must be `checkId` with `evidence`; its fix, run as printed, leaves no error. */
async function diagnoseAndFix(s: Setup, checkId: string, evidence: string[]): Promise<Problem> {
  s.fake.sims.settle()
  const first = firstError(await doctor(s))
  expect(first?.finding.checkId, show(first)).toBe(checkId)
  for (const e of evidence) expect(first?.finding.evidence.join('\n')).toContain(e)
  expect(first?.finding.fix?.length).toBeGreaterThan(0)
  for (const step of first?.finding.fix ?? []) {
    const r = await runPrinted(step.command, step.admin ? s.admin : s.kc)
    expect(r.code, `${step.command}\n${both(r)}`).toBe(0)
  }
  s.fake.sims.settle()
  const after = await doctor(s)
  expect(after.problems.map(p => p.cause)).not.toContain(first?.cause)
  expect(after.summary.errors, show(firstError(after))).toBe(0)
  return first as Problem
}

describe('doctor: deploy --auth openshift', () => {
  test.concurrent('a healthy notebook behind the proxy: no error, no warning, with --exec', async () => {
    const s = await deployed()
    s.fake.sims.settle()
    const r = await runCli(['doctor', 'notebook', '--exec', '-o', 'json'], {kubeconfig: s.kc})
    const report = JSON.parse(r.stdout) as DoctorReport
    expect(report.problems, JSON.stringify(report.problems, null, 1)).toEqual([])
    expect(r.code).toBe(0)
    expect(report.checks.filter(c => c.area === 'auth').map(c => c.status)).toEqual([
      'passed',
      'passed',
      'passed',
      'passed',
    ])
    // the notebook behind the proxy: bound to 127.0.0.1, its own token off (no generated token to report)
    const [pod] = pods(s.fake, NS)
    const log = s.fake.sims
      .podLog(NS, pod.metadata.name as string, 'notebook', false)
      .lines()
      .join('\n')
    expect(log).toContain('http://127.0.0.1:8888/lab')
    expect(log).not.toContain('token=')
  })

  test.concurrent(
    'a Secret of that name made beforehand: the service CA refuses (generation error) — deleted and re-signed',
    async () => {
      const fake = await start()
      const kc = project(fake, NS, [builderStream()])
      const made = await kubectl(
        ['create', 'secret', 'generic', 'notebook-tls', '--from-literal=tls.crt=x'],
        kc,
      )
      expect(made.code, both(made)).toBe(0)
      const r = await runCli(['deploy', '--auth', 'openshift'], {kubeconfig: kc})
      expect(r.code, both(r)).toBe(0)
      const s = {fake, kc, admin: kubeconfig(fake, {user: 'admin', namespace: NS})}
      await diagnoseAndFix(s, 'auth.serving-cert-missing', [
        'service.beta.openshift.io/serving-cert-generation-error: secret/notebook-tls references serviceUID',
      ])
      expect(get(fake, 'v1', 'secrets', NS, 'notebook-tls')?.type).toBe('kubernetes.io/tls')
    },
  )

  test.concurrent(
    '--openshift-delegate-urls without system:auth-delegator: the proxy log says so — an administrator binds it',
    async () => {
      const s = await deployed()
      const delegate = JSON.stringify({'/': {resource: 'services', verb: 'get', name: 'notebook'}})
      const patch = await kubectl(
        [
          'patch',
          'deployment/notebook',
          '--type=json',
          '-p',
          JSON.stringify([
            {
              op: 'add',
              path: '/spec/template/spec/containers/1/args/-',
              value: `--openshift-delegate-urls=${delegate}`,
            },
          ]),
        ],
        s.kc,
      )
      expect(patch.code, both(patch)).toBe(0)
      const first = await diagnoseAndFix(s, 'auth.proxy-log-errors', [
        'unable to retrieve authentication information for tokens: tokenreviews.authentication.k8s.io is forbidden: User "system:serviceaccount:login:notebook" cannot create resource "tokenreviews" in API group "authentication.k8s.io" at the cluster scope',
        'unable to retrieve authorization information for users: subjectaccessreviews.authorization.k8s.io is forbidden: User "system:serviceaccount:login:notebook" cannot create resource "subjectaccessreviews" in API group "authorization.k8s.io" at the cluster scope',
      ])
      expect(first.finding.fix?.map(f => f.admin)).toEqual([true, false])
    },
  )

  test.concurrent(
    'the proxy lost its cookie-secret mount (an edit): it crash-loops, its log quoted — redeploy restores it',
    async () => {
      const s = await deployed()
      const dep = get(s.fake, 'apps/v1', 'deployments', NS, 'notebook')
      const proxy = (
        dep?.spec as {
          template: {spec: {containers: Array<{name: string; volumeMounts: Array<{name: string}>}>}}
        }
      ).template.spec.containers[1]
      expect(proxy.name).toBe('oauth-proxy')
      const index = proxy.volumeMounts.findIndex(m => m.name === 'oauth-config')
      const patch = await kubectl(
        [
          'patch',
          'deployment/notebook',
          '--type=json',
          '-p',
          JSON.stringify([{op: 'remove', path: `/spec/template/spec/containers/1/volumeMounts/${index}`}]),
        ],
        s.kc,
      )
      expect(patch.code, both(patch)).toBe(0)
      await diagnoseAndFix(s, 'auth.proxy-not-ready', [
        'open /etc/oauth/config/cookie_secret: no such file or directory',
      ])
    },
  )
})

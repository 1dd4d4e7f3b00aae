/**
 * The doctor against its scenario corpus (test/scenarios/doctor/, format in helpers/doctor-corpus.ts):
 * for each broken project the right cause is the FIRST error, its evidence is quoted, and its fix —
 * applied as printed (runPrinted), by the user the scenario is about or by a cluster administrator where
 * the doctor says one is needed — clears that cause; projects that only look broken yield no error.
 * Outcomes come from the fake's rules (SCC admission, RBAC, the kubelet and image permission model).
 * Scenarios share a few fakes, each in its own namespace; the few that change something cluster-wide
 * get their own.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startFakeOpenShift, type FakeOpenShift} from '../../fake-openshift/src/index.js'
import type {DoctorReport, Problem} from '../../src/lib/doctor/report.js'
import type {FixCommand} from '../../src/lib/doctor/types.js'
import {runCli, type CliResult} from './helpers/cli.js'
import {mergeSimulatorOptions, readCorpus, type CorpusScenario} from './helpers/doctor-corpus.js'
import {runPrinted} from './helpers/remedy.js'

const dir = mkdtempSync(path.join(tmpdir(), 'ocj-doctor-corpus-'))
const corpus = readCorpus()
/**
 * Scenarios share fakes, a namespace each: a few small fakes rather than one big one, because every
 * write makes the simulators step over every object of its fake.
 */
const SHARED_FAKES = 6
const fakeKey = (s: CorpusScenario) =>
  s.doctor.isolated ? s.file : `shared-${corpus.filter(c => !c.doctor.isolated).indexOf(s) % SHARED_FAKES}`
const fakes = new Map<string, FakeOpenShift>()
const fakeOf = (s: CorpusScenario) => fakes.get(fakeKey(s)) as FakeOpenShift

const kubeconfig = (s: CorpusScenario, user: 'developer' | 'admin') =>
  path.join(dir, `${s.file}.${user}.kubeconfig`)

beforeAll(async () => {
  const groups = new Map<string, CorpusScenario[]>()
  for (const s of corpus) groups.set(fakeKey(s), [...(groups.get(fakeKey(s)) ?? []), s])
  await Promise.all(
    [...groups.entries()].map(async ([key, members]) => {
      const fake = await startFakeOpenShift({
        simulatorOptions: mergeSimulatorOptions(members.map(s => s.scenario.simulator)),
        kubeconfigPath: path.join(dir, `${key}.kubeconfig`),
      })
      fakes.set(key, fake)
      for (const s of members) {
        fake.loadScenario(s.scenario)
        const ns = s.doctor.namespace ?? s.namespace
        fake.writeKubeconfig(kubeconfig(s, 'developer'), {user: 'developer', namespace: ns})
        fake.writeKubeconfig(kubeconfig(s, 'admin'), {user: 'admin', namespace: ns})
      }
      fake.sims.settle()
    }),
  )
}, 120_000)

afterAll(async () => {
  await Promise.all([...fakes.values()].map(f => f.stop()))
  rmSync(dir, {recursive: true, force: true})
})

const name = (s: CorpusScenario) => (s.doctor.name === undefined ? 'notebook' : s.doctor.name)

async function doctor(
  s: CorpusScenario,
  user: 'developer' | 'admin',
): Promise<{r: CliResult; report: DoctorReport}> {
  const args = ['doctor', ...(name(s) ? [name(s)] : []), '-o', 'json', ...(s.doctor.exec ? ['--exec'] : [])]
  const r = await runCli(args, {kubeconfig: kubeconfig(s, user)})
  let report: DoctorReport
  try {
    report = JSON.parse(r.stdout) as DoctorReport
  } catch {
    throw new Error(`doctor -o json printed no JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`)
  }
  return {r, report}
}

const firstError = (report: DoctorReport): Problem | undefined =>
  report.problems.find(p => p.severity === 'error')

const describeProblem = (p: Problem | undefined) =>
  p
    ? `${p.finding.checkId}: ${p.finding.message}\n  ${p.finding.evidence.join('\n  ')}\n  fix: ${p.finding.remediation}`
    : '(none)'

/**
 * Applies a fix as printed; returns whether any command needed a cluster administrator. A printed
 * `oc jupyter doctor` is the administrator's own run: its first error with the same cause names the
 * grant this user could not see, and that fix is applied in turn.
 */
async function applyFix(
  s: CorpusScenario,
  fix: FixCommand[],
  cause: string,
  asAdmin = false,
): Promise<boolean> {
  let admin = asAdmin
  expect(fix.length, 'the finding has a fix to apply').toBeGreaterThan(0)
  for (const step of fix) {
    admin ||= step.admin
    if (step.command.startsWith('oc jupyter doctor')) {
      expect(step.admin, `${step.command} is for a cluster administrator`).toBe(true)
      const {report} = await doctor(s, 'admin')
      const same = report.problems.find(p => p.cause === cause)
      expect(
        same,
        `the administrator's run finds ${cause}:\n${JSON.stringify(report.problems, null, 1)}`,
      ).toBeDefined()
      expect(same?.finding.fix?.some(c => c.command.startsWith('oc jupyter doctor'))).toBe(false)
      // the administrator runs what its own run printed
      await applyFix(s, same?.finding.fix ?? [], cause, true)
      continue
    }
    const r = await runPrinted(step.command, kubeconfig(s, step.admin || asAdmin ? 'admin' : 'developer'))
    expect(r.code, `${step.command}\n${r.stdout}\n${r.stderr}`).toBe(0)
  }
  fakeOf(s).sims.settle()
  return admin
}

describe.concurrent('oc jupyter doctor: the scenario corpus', () => {
  it('has at least 25 broken projects, each with the error it must report first', () => {
    expect(corpus.filter(s => s.doctor.firstError).length).toBeGreaterThanOrEqual(25)
  })

  for (const s of corpus) {
    const d = s.doctor
    const title = d.blind
      ? `${s.file}: cannot see → exit 4`
      : d.firstError
        ? `${s.file}: first error ${d.firstError}, fix applied${d.fixBy === 'admin' ? ' by a cluster administrator' : ''} clears it`
        : `${s.file}: no error${d.noWarnings ? ' and no warning' : ''}`
    it(title, async () => {
      for (const cmd of d.setup ?? []) await runPrinted(cmd, kubeconfig(s, 'developer'))
      fakeOf(s).sims.settle()
      if (d.blind) {
        const text = await runCli(['doctor', ...(name(s) ? [name(s)] : [])], {
          kubeconfig: kubeconfig(s, 'developer'),
        })
        expect(text.code, text.stdout + text.stderr).toBe(4)
        expect(text.stdout).toContain('cannot see')
        expect(text.stdout).not.toContain('✔')
        return
      }
      let {r, report} = await doctor(s, 'developer')
      if (!d.firstError) {
        expect(report.summary.errors, describeProblem(firstError(report))).toBe(0)
        if (d.noWarnings) expect(report.summary.warnings, JSON.stringify(report.problems, null, 1)).toBe(0)
        expect(r.code).toBe(0)
        return
      }
      expect(r.code).toBe(1)
      let first = firstError(report)
      expect(first?.finding.checkId, describeProblem(first)).toBe(d.firstError)
      const evidence = first?.finding.evidence.join('\n') ?? ''
      for (const e of d.evidence ?? []) expect(evidence).toContain(e)
      for (const x of d.effects ?? []) expect(first?.effects.map(f => f.checkId)).toContain(x)
      let needsAdmin = false
      for (let round = 1; round <= (d.rounds ?? 1) && first; round++) {
        const cause = first.cause
        needsAdmin = (await applyFix(s, first.finding.fix ?? [], cause)) || needsAdmin
        ;({r, report} = await doctor(s, 'developer'))
        expect(
          report.problems.map(p => p.cause),
          `round ${round}: ${cause} is gone after its fix; now:\n${describeProblem(firstError(report))}`,
        ).not.toContain(cause)
        first = firstError(report)
      }
      expect(needsAdmin, 'fix needs a cluster administrator').toBe(d.fixBy === 'admin')
      if (d.clean) expect(report.summary.errors, describeProblem(first)).toBe(0)
      if (d.noWarnings) expect(report.summary.warnings).toBe(0)
    })
  }
})

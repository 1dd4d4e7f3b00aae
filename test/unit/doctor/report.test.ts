import {describe, expect, it} from 'vitest'

import {CLUSTER_CHECKS} from '../../../src/lib/doctor/checks/index.js'
import {
  buildReport,
  exitCodeFor,
  renderJunit,
  renderSarif,
  renderText,
  runChecks,
} from '../../../src/lib/doctor/report.js'
import type {Check, DoctorData, Finding} from '../../../src/lib/doctor/types.js'

const check = (
  id: string,
  severity: Finding['severity'],
  area: Check<unknown>['area'] = 'pods',
): Check<unknown> => ({
  id,
  area,
  title: `title of ${id}`,
  severity,
  reads: 'r',
  fires: 'f',
  fix: 'x',
  run: () => [],
})

const checks = [check('pods.a', 'error'), check('pods.b', 'warning'), check('project.c', 'error', 'project')]
const findings: Finding[] = [
  {
    checkId: 'pods.a',
    severity: 'error',
    message: 'pod <x> & "y" broke',
    evidence: ['log: PermissionError'],
    remediation: 'oc jupyter build\noc jupyter deploy',
    object: {kind: 'Pod', name: 'x'},
  },
  {checkId: 'pods.b', severity: 'warning', message: 'meh', evidence: [], remediation: 'oc logs x'},
]
const report = buildReport('project p', checks, findings, {
  notVisible: [
    {
      key: 'clusterRoleBindings',
      what: 'ClusterRoleBinding x',
      reason: 'forbidden',
      permission: 'get clusterrolebindings/x',
    },
  ],
})

describe('doctor report', () => {
  it('summary and per-check status', () => {
    expect(report.summary).toMatchObject({
      target: 'project p',
      errors: 1,
      warnings: 1,
      infos: 0,
      unknown: 0,
      checks: 3,
      passed: 1,
      visibility: 'partial',
    })
    expect(report.checks.map(c => [c.id, c.status, c.findings])).toEqual([
      ['pods.a', 'failed', 1],
      ['pods.b', 'failed', 1],
      ['project.c', 'passed', 0],
    ])
  })

  it('exit code follows --fail-on (error, warning, unknown); blind is 4', () => {
    expect(exitCodeFor(report, 'error')).toBe(1)
    const warnOnly = buildReport('p', checks, [findings[1]])
    expect(exitCodeFor(warnOnly, 'error')).toBe(0)
    expect(exitCodeFor(warnOnly, 'warning')).toBe(1)
    expect(exitCodeFor(warnOnly, ['unknown'])).toBe(0)
    expect(exitCodeFor(buildReport('p', checks, []), 'warning')).toBe(0)
    const needy = [{...check('project.c', 'error', 'project'), needs: ['project'] as const}]
    const unknown = buildReport('p', needy, [], {
      notVisible: [{key: 'project', what: 'Project p', reason: 'forbidden'}],
    })
    expect(unknown.checks[0]).toMatchObject({status: 'unknown', unknown: ['Project p: forbidden']})
    expect(unknown.summary).toMatchObject({unknown: 1, passed: 0})
    expect(exitCodeFor(unknown, 'error')).toBe(0)
    expect(exitCodeFor(unknown, ['error', 'unknown'])).toBe(1)
    const blind = buildReport('project nope', needy, [], {
      visibility: 'blind',
      cannotSee: 'project nope does not exist',
    })
    expect(exitCodeFor(blind, 'error')).toBe(4)
    const text = renderText(blind)
    expect(text).toContain('✖ cannot see project nope: project nope does not exist')
    expect(text).not.toContain('✔')
  })

  it('text: problems first with evidence and Fix, then the checks by area (✔ ! ✖ ?), summary', () => {
    const text = renderText(report)
    expect(text.indexOf('pod <x>')).toBeLessThan(text.indexOf('Project\n'))
    expect(text.indexOf('Project\n')).toBeLessThan(text.indexOf('Pods\n'))
    expect(text).toContain('  ✔ title of project.c')
    expect(text).toContain(
      '✖ pod <x> & "y" broke  [pods.a]\n      log: PermissionError\n    Fix: oc jupyter build\n         oc jupyter deploy',
    )
    expect(text).toContain('! meh  [pods.b]')
    expect(text).toContain('  - ClusterRoleBinding x: forbidden (needs: get clusterrolebindings/x)')
    expect(text.endsWith('1 error, 1 warning, 0 unknown, 1 check passed')).toBe(true)
  })

  it('one cause, one problem: the root finding first, the others because of it; ordered along the chain', () => {
    const grant: Finding = {
      checkId: 'grants.a',
      severity: 'error',
      message: 'anyuid granted',
      evidence: ['RoleBinding x'],
      remediation: 'oc delete rolebinding x',
      cause: 'scc:anyuid',
      root: true,
    }
    const effect: Finding = {
      checkId: 'pods.a',
      severity: 'warning',
      message: 'pod under anyuid',
      evidence: [],
      remediation: 'y',
      cause: 'scc:anyuid',
    }
    const image: Finding = {
      checkId: 'pods.b',
      severity: 'error',
      message: 'home not writable',
      evidence: [],
      remediation: 'z',
      cause: 'image:nb',
    }
    const cs = [check('grants.a', 'error', 'grants'), check('pods.a', 'warning'), check('pods.b', 'error')]
    const r = buildReport('p', cs, [image, effect, grant])
    expect(r.problems.map(p => [p.cause, p.finding.checkId, p.effects.map(e => e.checkId)])).toEqual([
      ['scc:anyuid', 'grants.a', ['pods.a']],
      ['image:nb', 'pods.b', []],
    ])
    expect(r.summary.errors).toBe(2)
    expect(r.findings.map(f => f.checkId)).toEqual(['grants.a', 'pods.a', 'pods.b'])
    const text = renderText(r)
    expect(text).toContain(
      '✖ anyuid granted  [grants.a]\n      RoleBinding x\n    because of it:\n      ! pod under anyuid  [pods.a]\n    Fix: oc delete rolebinding x',
    )
  })

  it('junit: well-formed, one testcase per check, one failure per finding, escaped', () => {
    const x = renderJunit(report)
    expect(x.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true)
    expect(x.match(/<testcase /g)).toHaveLength(3)
    expect(x).toContain('skipped="0"')
    expect(x.match(/<failure /g)).toHaveLength(2)
    expect(x).toContain('message="pod &lt;x&gt; &amp; &quot;y&quot; broke"')
    // balanced tags
    for (const t of ['testsuites', 'testsuite', 'testcase'])
      expect(x.match(new RegExp(`<${t}[ >]`, 'g'))?.length).toBe(x.match(new RegExp(`</${t}>`, 'g'))?.length)
    expect(x).not.toMatch(/&(?!amp;|lt;|gt;|quot;|apos;)/)
  })

  it('sarif 2.1.0: rules are checks, results are findings with levels and locations', () => {
    const s = JSON.parse(renderSarif(report, {checks})) as {
      version: string
      runs: Array<{
        tool: {driver: {rules: Array<{id: string}>}}
        results: Array<{ruleId: string; ruleIndex: number; level: string; locations: unknown[]}>
      }>
    }
    expect(s.version).toBe('2.1.0')
    expect(s.runs[0].tool.driver.rules.map(r => r.id)).toEqual(['pods.a', 'pods.b', 'project.c'])
    expect(s.runs[0].results.map(r => [r.ruleId, r.ruleIndex, r.level])).toEqual([
      ['pods.a', 0, 'error'],
      ['pods.b', 1, 'warning'],
    ])
    const file = JSON.parse(
      renderSarif(buildReport('Dockerfile D', checks, [{...findings[0], line: 7}]), {checks, file: 'D'}),
    ) as {
      runs: Array<{
        results: Array<{
          locations: Array<{physicalLocation: {artifactLocation: {uri: string}; region: {startLine: number}}}>
        }>
      }>
    }
    expect(file.runs[0].results[0].locations[0].physicalLocation).toEqual({
      artifactLocation: {uri: 'D'},
      region: {startLine: 7},
    })
  })

  it('a judge that throws becomes a warning finding, not a crash', () => {
    const bad: Check<DoctorData> = {
      ...(CLUSTER_CHECKS[0] as Check<DoctorData>),
      run: () => {
        throw new Error('boom')
      },
    }
    expect(runChecks([bad], {} as DoctorData)).toMatchObject([{checkId: bad.id, severity: 'warning'}])
  })
})

import {describe, expect, it} from 'vitest'

import {CLUSTER_CHECKS} from '../../../src/lib/doctor/checks/index.js'
import {buildReport, runChecks} from '../../../src/lib/doctor/report.js'
import {runDockerfileDoctor} from '../../../src/lib/doctor/run.js'
import {reportValidator} from '../helpers/doctor-schema.js'
import {healthy, pod} from './fixtures.js'

describe('docs/doctor-report.schema.json', () => {
  const check = reportValidator()

  it('accepts reports with problems and effects, unknown checks, and blind runs', () => {
    const data = healthy({pods: [pod({scc: 'anyuid'})], probeReview: {allowedBy: 'anyuid', subject: 'probe'}})
    const findings = runChecks(CLUSTER_CHECKS, data)
    const report = buildReport('notebook in project myproject', CLUSTER_CHECKS, findings, {
      data,
      notVisible: [
        {
          key: 'clusterRoleBindings',
          what: 'ClusterRoleBinding list',
          reason: 'forbidden',
          permission: 'list clusterrolebindings',
        },
      ],
    })
    expect(report.problems.length).toBeGreaterThan(0)
    expect(check(JSON.parse(JSON.stringify(report)))).toEqual([])
    const blind = buildReport('project nope', CLUSTER_CHECKS, [], {
      visibility: 'blind',
      cannotSee: 'project nope does not exist',
    })
    expect(check(JSON.parse(JSON.stringify(blind)))).toEqual([])
  })

  it('accepts Dockerfile reports, an empty file (unknown image checks) included', () => {
    for (const text of ['', 'FROM a\nUSER 0\nEXPOSE 80\n'])
      expect(check(JSON.parse(JSON.stringify(runDockerfileDoctor('Dockerfile', text))))).toEqual([])
  })

  it('rejects what the contract does not allow', () => {
    expect(check({summary: {}, problems: [], findings: [], checks: []}).length).toBeGreaterThan(0)
    const report = JSON.parse(JSON.stringify(buildReport('p', CLUSTER_CHECKS, []))) as {
      checks: Array<{status: string}>
    }
    report.checks[0].status = 'maybe'
    expect(check(report).join('\n')).toContain('/checks/0/status must be equal to one of the allowed values')
  })
})

/**
 * The doctor's result and its renderings — pure functions of the findings: text (flutter-doctor
 * style, grouped by area), the JSON/YAML contract, JUnit XML and SARIF 2.1.0 (popeye/kube-linter
 * style: checks are rules/testcases, findings are results/failures).
 */
import {AREAS, type Area, type Check, type Finding, type Severity, type Unread} from './types.js'

export interface CheckSummary {
  id: string
  area: Area
  title: string
  severity: Severity
  status: 'passed' | 'failed'
  findings: number
}

export interface DoctorReport {
  summary: {
    /** what was inspected: `project myproject`, `Dockerfile ./Dockerfile` */
    target: string
    errors: number
    warnings: number
    infos: number
    checks: number
    passed: number
    /** reads that were not allowed or not served: their checks could not see everything */
    notVisible: Unread[]
  }
  findings: Finding[]
  checks: CheckSummary[]
}

export type FailOn = 'error' | 'warning'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- checks of any data type share the catalogue fields
type AnyCheck = Check<any>

export function buildReport(
  target: string,
  checks: readonly AnyCheck[],
  findings: Finding[],
  notVisible: Unread[] = [],
): DoctorReport {
  const count = (s: Severity) => findings.filter(f => f.severity === s).length
  const summaries: CheckSummary[] = checks.map(c => {
    const n = findings.filter(f => f.checkId === c.id).length
    return {
      id: c.id,
      area: c.area,
      title: c.title,
      severity: c.severity,
      status: n > 0 ? 'failed' : 'passed',
      findings: n,
    }
  })
  return {
    summary: {
      target,
      errors: count('error'),
      warnings: count('warning'),
      infos: count('info'),
      checks: checks.length,
      passed: summaries.filter(s => s.status === 'passed').length,
      notVisible,
    },
    findings,
    checks: summaries,
  }
}

/** Runs every judge; a judge that throws is a bug, reported as a finding rather than aborting the run. */
export function runChecks<D>(checks: ReadonlyArray<Check<D>>, data: D): Finding[] {
  return checks.flatMap(c => {
    try {
      return c.run(data)
    } catch (error) {
      return [
        {
          checkId: c.id,
          severity: 'warning' as const,
          message: `check ${c.id} could not judge the data: ${(error as Error).message}`,
          evidence: [],
          remediation: 'Report this as an oc-jupyter bug.',
        },
      ]
    }
  })
}

/** Exit 1 when a finding at or above the threshold exists (SPEC.md: doctor found errors). */
export function exitCodeFor(report: DoctorReport, failOn: FailOn): 0 | 1 {
  if (report.summary.errors > 0) return 1
  return failOn === 'warning' && report.summary.warnings > 0 ? 1 : 0
}

const AREA_TITLES: Record<Area, string> = {
  project: 'Project',
  admission: 'SCC admission',
  grants: 'SCC grants',
  pods: 'Pods',
  image: 'Image',
  storage: 'Storage',
  route: 'Route',
  build: 'Build',
  exec: 'Inside the pod (--exec)',
  dockerfile: 'Dockerfile',
}

const MARK: Record<Severity, string> = {error: '✖', warning: '!', info: 'i'}
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

export function renderText(report: DoctorReport): string {
  const out: string[] = [`Doctor summary for ${report.summary.target}`, '']
  for (const area of AREAS) {
    const checks = report.checks.filter(c => c.area === area)
    if (checks.length === 0) continue
    out.push(AREA_TITLES[area])
    for (const c of checks) {
      if (c.status === 'passed') {
        out.push(`  ✔ ${c.title}`)
        continue
      }
      for (const f of report.findings.filter(x => x.checkId === c.id)) {
        out.push(
          `  ${MARK[f.severity]} ${f.message}${f.line === undefined ? '' : ` (line ${f.line})`}  [${f.checkId}]`,
        )
        for (const e of f.evidence) out.push(`      ${e}`)
        const fix = f.remediation.split('\n')
        out.push(`    Fix: ${fix[0]}`)
        for (const l of fix.slice(1)) out.push(`         ${l}`)
      }
    }
    out.push('')
  }
  if (report.summary.notVisible.length > 0) {
    out.push('Not visible (these checks may miss something):')
    for (const u of report.summary.notVisible)
      out.push(
        `  - ${u.what}: ${u.reason === 'forbidden' ? 'forbidden' : u.reason === 'not-served' ? 'not served' : (u.message ?? 'error')}`,
      )
    out.push('')
  }
  const s = report.summary
  out.push(
    `${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}${s.infos > 0 ? `, ${s.infos} info` : ''}, ${plural(s.passed, 'check')} passed`,
  )
  return out.join('\n')
}

const xml = (s: string): string =>
  s
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;')
    // XML 1.0 forbids most control characters (a log line may carry them).
    // eslint-disable-next-line no-control-regex
    .replaceAll(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')

/** JUnit XML: one testsuite per area, one testcase per check, one failure per error/warning finding. */
export function renderJunit(report: DoctorReport): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>']
  const failures = report.findings.filter(f => f.severity !== 'info').length
  out.push(`<testsuites name="oc-jupyter doctor" tests="${report.checks.length}" failures="${failures}">`)
  for (const area of AREAS) {
    const checks = report.checks.filter(c => c.area === area)
    if (checks.length === 0) continue
    const areaFindings = report.findings.filter(
      f => checks.some(c => c.id === f.checkId) && f.severity !== 'info',
    )
    out.push(`  <testsuite name="${xml(area)}" tests="${checks.length}" failures="${areaFindings.length}">`)
    for (const c of checks) {
      const fs = report.findings.filter(f => f.checkId === c.id)
      out.push(
        `    <testcase classname="oc-jupyter.doctor.${xml(area)}" name="${xml(`${c.id}: ${c.title}`)}">`,
      )
      for (const f of fs) {
        const body = [...f.evidence, `Fix: ${f.remediation}`].join('\n')
        if (f.severity === 'info') out.push(`      <system-out>${xml(`${f.message}\n${body}`)}</system-out>`)
        else
          out.push(`      <failure type="${f.severity}" message="${xml(f.message)}">${xml(body)}</failure>`)
      }
      out.push('    </testcase>')
    }
    out.push('  </testsuite>')
  }
  out.push('</testsuites>')
  return out.join('\n')
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
}

/** SARIF 2.1.0: rules = checks, results = findings (Dockerfile findings carry a physical location). */
export function renderSarif(
  report: DoctorReport,
  opts: {checks: readonly AnyCheck[]; file?: string; version?: string},
): string {
  const rules = opts.checks.map(c => ({
    id: c.id,
    name: c.title,
    shortDescription: {text: c.title},
    fullDescription: {text: `Fires when ${c.fires}. Reads: ${c.reads}.`},
    help: {text: c.fix},
    defaultConfiguration: {level: SARIF_LEVEL[c.severity as Severity]},
    properties: {area: c.area},
  }))
  const results = report.findings.map(f => {
    const ruleIndex = rules.findIndex(r => r.id === f.checkId)
    return {
      ruleId: f.checkId,
      ...(ruleIndex >= 0 ? {ruleIndex} : {}),
      level: SARIF_LEVEL[f.severity],
      message: {text: f.message},
      locations: [
        opts.file !== undefined
          ? {
              physicalLocation: {
                artifactLocation: {uri: opts.file},
                ...(f.line === undefined ? {} : {region: {startLine: f.line}}),
              },
            }
          : {
              logicalLocations: [
                {
                  name: f.object?.name ?? report.summary.target,
                  kind: f.object?.kind ?? 'namespace',
                  fullyQualifiedName: f.object ? `${f.object.kind}/${f.object.name}` : report.summary.target,
                },
              ],
            },
      ],
      properties: {evidence: f.evidence, remediation: f.remediation},
    }
  })
  const doc = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'oc-jupyter doctor',
            informationUri: 'https://github.com/getwarped/s2i-minimal-notebook',
            ...(opts.version ? {version: opts.version} : {}),
            rules,
          },
        },
        results,
      },
    ],
  }
  return JSON.stringify(doc, null, 2)
}

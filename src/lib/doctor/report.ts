/**
 * The doctor's result and its renderings — pure functions of the findings: the problems (findings
 * grouped by root cause, root cause first), per-check status (passed / failed / unknown), text
 * (flutter-doctor style), the JSON/YAML contract (docs/doctor-report.schema.json), JUnit XML and SARIF
 * 2.1.0 (popeye/kube-linter style: checks are rules/testcases, findings are results/failures).
 */
import {causeRank} from './causes.js'
import {
  AREAS,
  type Area,
  type Check,
  type Finding,
  type FixCommand,
  type ReadKey,
  type Severity,
  type Status,
  type Unread,
} from './types.js'

export interface CheckSummary {
  id: string
  area: Area
  title: string
  severity: Severity
  status: Status
  findings: number
  /** why an unknown check could not judge: what was not read, and the permission that would let it */
  unknown?: string[]
}

/** One root cause: the finding that names it, and the findings it explains. */
export interface Problem {
  cause: string
  /** the highest severity among the cause's findings */
  severity: Severity
  finding: Finding
  /** findings of the same cause, in report order ("because of it") */
  effects: Finding[]
}

export interface DoctorReport {
  summary: {
    /** what was inspected: `project myproject`, `Dockerfile ./Dockerfile` */
    target: string
    /** full: everything read; partial: some reads refused; blind: the namespace could not be read */
    visibility: 'full' | 'partial' | 'blind'
    /** blind runs: why nothing could be seen */
    cannotSee?: string
    /** problems (root causes) by severity */
    errors: number
    warnings: number
    infos: number
    /** checks that could not judge because a read they need was refused */
    unknown: number
    checks: number
    passed: number
    /** reads that were not allowed or not served */
    notVisible: Unread[]
  }
  /** root causes, the first error first */
  problems: Problem[]
  /** every finding, in the order of the problems (root, then effects) */
  findings: Finding[]
  checks: CheckSummary[]
}

/** What makes the exit code 1: errors always; `warning` adds warnings, `unknown` adds unknown checks. */
export type FailOn = 'error' | 'warning' | 'unknown'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- checks of any data type share the catalogue fields
type AnyCheck = Check<any>

export interface ReportContext<D> {
  data?: D
  notVisible?: Unread[]
  visibility?: DoctorReport['summary']['visibility']
  cannotSee?: string
}

const SEVERITY_ORDER: Record<Severity, number> = {error: 0, warning: 1, info: 2}

/** Groups findings by cause: each cause one problem, ordered by severity, then the cause's place in the chain. */
export function groupProblems(findings: readonly Finding[], checkOrder: readonly string[]): Problem[] {
  const order = (f: Finding) => {
    const i = checkOrder.indexOf(f.checkId)
    return i < 0 ? checkOrder.length : i
  }
  const groups = new Map<string, Finding[]>()
  findings.forEach((f, i) => {
    // A finding without a cause is its own problem.
    const key = f.cause ?? `finding:${f.checkId}:${i}`
    groups.set(key, [...(groups.get(key) ?? []), f])
  })
  const problems = [...groups.entries()].map(([key, fs]): Problem => {
    const sorted = [...fs].sort(
      (a, b) =>
        Number(b.root === true) - Number(a.root === true) ||
        SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
        order(a) - order(b),
    )
    const severity = fs.reduce<Severity>(
      (s, f) => (SEVERITY_ORDER[f.severity] < SEVERITY_ORDER[s] ? f.severity : s),
      'info',
    )
    return {cause: key, severity, finding: sorted[0], effects: sorted.slice(1)}
  })
  return problems.sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      causeRank(a.finding) - causeRank(b.finding) ||
      order(a.finding) - order(b.finding),
  )
}

function needsOf<D>(check: Check<D>, data: D | undefined): readonly ReadKey[] {
  if (!check.needs) return []
  if (typeof check.needs === 'function') return data === undefined ? [] : check.needs(data)
  return check.needs
}

function unreadLine(u: Unread): string {
  const why =
    u.reason === 'forbidden' ? 'forbidden' : u.reason === 'not-served' ? 'not served' : (u.message ?? 'error')
  return `${u.what}: ${why}${u.permission ? ` (needs: ${u.permission})` : ''}`
}

export function buildReport<D>(
  target: string,
  checks: readonly AnyCheck[],
  findings: Finding[],
  ctx: ReportContext<D> = {},
): DoctorReport {
  const notVisible = ctx.notVisible ?? []
  const visibility = ctx.visibility ?? (notVisible.length > 0 ? 'partial' : 'full')
  const problems = groupProblems(
    findings,
    checks.map(c => c.id),
  )
  const summaries: CheckSummary[] = checks.map(c => {
    const n = findings.filter(f => f.checkId === c.id).length
    const base = {id: c.id, area: c.area, title: c.title, severity: c.severity, findings: n}
    if (n > 0) return {...base, status: 'failed'}
    if (visibility === 'blind')
      return {...base, status: 'unknown', unknown: [ctx.cannotSee ?? 'cannot see the project']}
    const needs = needsOf(c, ctx.data)
    const missing = notVisible.filter(u => u.key !== undefined && needs.includes(u.key))
    return missing.length > 0
      ? {...base, status: 'unknown', unknown: missing.map(unreadLine)}
      : {...base, status: 'passed'}
  })
  const count = (s: Severity) => problems.filter(p => p.severity === s).length
  return {
    summary: {
      target,
      visibility,
      ...(ctx.cannotSee ? {cannotSee: ctx.cannotSee} : {}),
      errors: count('error'),
      warnings: count('warning'),
      infos: count('info'),
      unknown: summaries.filter(s => s.status === 'unknown').length,
      checks: checks.length,
      passed: summaries.filter(s => s.status === 'passed').length,
      notVisible,
    },
    problems,
    findings: problems.flatMap(p => [p.finding, ...p.effects]),
    checks: summaries,
  }
}

/**
 * The recommended fix of a remediation text: its commands up to the first `# or` line, each with the
 * trailing comment dropped; a comment naming a cluster administrator marks an admin-only command.
 */
export function fixCommands(remediation: string): FixCommand[] {
  const out: FixCommand[] = []
  for (const raw of remediation.split('\n')) {
    const line = raw.trim()
    if (/^#\s*or\b/i.test(line)) break
    if (line === '' || line.startsWith('#')) continue
    const hash = line.search(/\s#\s/)
    const command = (hash < 0 ? line : line.slice(0, hash)).trim()
    out.push({command, admin: hash >= 0 && /cluster administrator/i.test(line.slice(hash))})
  }
  return out
}

/** Runs every judge; a judge that throws is a bug, reported as a finding rather than aborting the run. */
export function runChecks<D>(checks: ReadonlyArray<Check<D>>, data: D): Finding[] {
  return checks.flatMap((c): Finding[] => {
    try {
      return c.run(data).map(f => ({...f, fix: f.fix ?? fixCommands(f.remediation)}))
    } catch (error) {
      return [
        {
          checkId: c.id,
          severity: 'warning' as const,
          message: `check ${c.id} could not judge the data: ${(error as Error).message}`,
          evidence: [],
          remediation: 'Report this as an oc-jupyter bug.',
          fix: [],
        },
      ]
    }
  })
}

/**
 * SPEC.md §Exit codes: 4 when the project could not be seen at all (a forbidden namespace or one
 * that does not exist); 1 when a problem at a threshold of `failOn` exists; else 0.
 */
export function exitCodeFor(report: DoctorReport, failOn: FailOn | readonly FailOn[]): 0 | 1 | 4 {
  if (report.summary.visibility === 'blind') return 4
  const on = new Set(typeof failOn === 'string' ? [failOn] : failOn)
  const s = report.summary
  if (s.errors > 0) return 1
  if (on.has('warning') && s.warnings > 0) return 1
  if (on.has('unknown') && s.unknown > 0) return 1
  return 0
}

const AREA_TITLES: Record<Area, string> = {
  project: 'Project',
  admission: 'SCC admission',
  grants: 'SCC grants',
  pods: 'Pods',
  image: 'Image',
  storage: 'Storage',
  route: 'Route',
  auth: 'OpenShift login (--auth openshift)',
  build: 'Build',
  exec: 'Inside the pod (--exec)',
  dockerfile: 'Dockerfile',
}

const MARK: Record<Severity, string> = {error: '✖', warning: '!', info: 'i'}
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
/** Effects show this many evidence lines: the root finding carries the chain, effects only confirm it. */
const EFFECT_EVIDENCE = 2

function findingHead(f: Finding): string {
  return `${MARK[f.severity]} ${f.message}${f.line === undefined ? '' : ` (line ${f.line})`}  [${f.checkId}]`
}

export function renderText(report: DoctorReport): string {
  const s = report.summary
  const out: string[] = [`Doctor summary for ${s.target}`, '']
  if (s.visibility === 'blind') {
    out.push(`✖ cannot see ${s.target}: ${s.cannotSee ?? 'nothing could be read'}`)
    for (const u of s.notVisible) out.push(`      ${unreadLine(u)}`)
    out.push('')
  }
  for (const p of report.problems) {
    const f = p.finding
    // the problem's mark: an effect may be worse than the finding that names the cause
    out.push(`${MARK[p.severity]} ${findingHead(f).slice(2)}`)
    for (const e of f.evidence) out.push(`      ${e}`)
    if (p.effects.length > 0) {
      out.push('    because of it:')
      for (const x of p.effects) {
        out.push(`      ${findingHead(x)}`)
        for (const e of x.evidence.slice(0, EFFECT_EVIDENCE)) out.push(`          ${e}`)
      }
    }
    const fix = f.remediation.split('\n')
    out.push(`    Fix: ${fix[0]}`)
    for (const l of fix.slice(1)) out.push(`         ${l}`)
    out.push('')
  }
  if (s.visibility !== 'blind') {
    for (const area of AREAS) {
      const checks = report.checks.filter(c => c.area === area)
      if (checks.length === 0) continue
      out.push(AREA_TITLES[area])
      for (const c of checks) {
        if (c.status === 'passed') out.push(`  ✔ ${c.title}`)
        else if (c.status === 'unknown') out.push(`  ? ${c.title}: unknown, ${(c.unknown ?? []).join('; ')}`)
        else {
          const worst = report.findings.find(f => f.checkId === c.id)?.severity ?? c.severity
          out.push(`  ${MARK[worst]} ${c.title}: ${plural(c.findings, 'finding')} above`)
        }
      }
      out.push('')
    }
    if (s.notVisible.length > 0) {
      out.push('Not visible (checks that need these are unknown):')
      for (const u of s.notVisible) out.push(`  - ${unreadLine(u)}`)
      out.push('')
    }
  }
  out.push(
    `${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}${s.infos > 0 ? `, ${s.infos} info` : ''}, ${s.unknown} unknown, ${plural(s.passed, 'check')} passed`,
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

/**
 * JUnit XML: one testsuite per area, one testcase per check, one failure per error/warning finding;
 * an unknown check is a skipped testcase with the reason.
 */
export function renderJunit(report: DoctorReport): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>']
  const failures = report.findings.filter(f => f.severity !== 'info').length
  const skipped = report.checks.filter(c => c.status === 'unknown').length
  out.push(
    `<testsuites name="oc-jupyter doctor" tests="${report.checks.length}" failures="${failures}" skipped="${skipped}">`,
  )
  for (const area of AREAS) {
    const checks = report.checks.filter(c => c.area === area)
    if (checks.length === 0) continue
    const areaFindings = report.findings.filter(
      f => checks.some(c => c.id === f.checkId) && f.severity !== 'info',
    )
    const areaSkipped = checks.filter(c => c.status === 'unknown').length
    out.push(
      `  <testsuite name="${xml(area)}" tests="${checks.length}" failures="${areaFindings.length}" skipped="${areaSkipped}">`,
    )
    for (const c of checks) {
      const fs = report.findings.filter(f => f.checkId === c.id)
      out.push(
        `    <testcase classname="oc-jupyter.doctor.${xml(area)}" name="${xml(`${c.id}: ${c.title}`)}">`,
      )
      if (c.status === 'unknown')
        out.push(`      <skipped message="${xml(`unknown: ${(c.unknown ?? []).join('; ')}`)}"/>`)
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

/**
 * SARIF 2.1.0: rules = checks, results = findings (Dockerfile findings carry a physical location);
 * unknown checks are toolExecutionNotifications, so a consumer sees what the run could not judge.
 */
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
      properties: {evidence: f.evidence, remediation: f.remediation, ...(f.cause ? {cause: f.cause} : {})},
    }
  })
  const notifications = report.checks
    .filter(c => c.status === 'unknown')
    .map(c => ({
      level: 'warning',
      message: {text: `${c.id} could not judge: ${(c.unknown ?? []).join('; ')}`},
      associatedRule: {id: c.id, index: rules.findIndex(r => r.id === c.id)},
    }))
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
        ...(notifications.length > 0
          ? {invocations: [{executionSuccessful: true, toolExecutionNotifications: notifications}]}
          : {}),
        results,
      },
    ],
  }
  return JSON.stringify(doc, null, 2)
}

/** The doctor (SPEC.md §doctor): gather once, judge with pure checks, render; knows nothing of oclif. */
import {readFileSync} from 'node:fs'

import {UsageError} from '../errors.js'
import type {OutputFormat} from '../ui/ui.js'
import {renderJunit, renderSarif, renderText, type DoctorReport} from './report.js'
import type {Check} from './types.js'

export {CLUSTER_CHECKS} from './checks/index.js'
export {EXEC_CHECKS} from './checks/exec.js'
export {DOCKERFILE_CHECKS, analyseDockerfile, parseDockerfile} from './dockerfile/index.js'
export {
  buildReport,
  exitCodeFor,
  renderJunit,
  renderSarif,
  renderText,
  type DoctorReport,
  type FailOn,
} from './report.js'
export {runClusterDoctor, runDockerfileDoctor} from './run.js'
export type {Check, DoctorData, Finding, Severity} from './types.js'

/** The text for stdout in text/junit/sarif mode (json/yaml are serialised by the Ui). */
export function renderDoctor(
  report: DoctorReport,
  format: OutputFormat,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the catalogue mixes data types; only catalogue fields are read
  opts: {checks: ReadonlyArray<Check<any>>; file?: string; version?: string},
): string {
  if (format === 'junit') return renderJunit(report)
  if (format === 'sarif') return renderSarif(report, opts)
  return renderText(report)
}

/** Reads the --dockerfile file; a missing or unreadable file is bad input (exit 2). */
export function readDockerfile(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    throw new UsageError(
      `cannot read --dockerfile ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    )
  }
}

/** The doctor's two entry points: the cluster run (gather → judge → report) and the offline Dockerfile lint. */
import type {KubeClient} from '../cluster/index.js'
import {CLUSTER_CHECKS} from './checks/index.js'
import {DOCKERFILE_CHECKS, analyseDockerfile} from './dockerfile/index.js'
import {EXEC_CHECKS} from './checks/exec.js'
import {gather, type GatherOptions} from './gather.js'
import {buildReport, runChecks, type DoctorReport} from './report.js'
import type {DoctorData, ExecResult} from './types.js'

export interface DoctorRun {
  report: DoctorReport
  data: DoctorData
}

export async function runClusterDoctor(
  client: KubeClient,
  opts: GatherOptions & {exec?: (data: DoctorData) => Promise<ExecResult | undefined>},
): Promise<DoctorRun> {
  const data = await gather(client, opts)
  const checks = [...CLUSTER_CHECKS]
  if (opts.exec) {
    const exec = await opts.exec(data)
    if (exec) data.exec = exec
    checks.push(...EXEC_CHECKS)
  }
  const findings = runChecks(checks, data)
  const target = `${data.name ? `${data.name} in ` : ''}project ${data.namespace}`
  return {report: buildReport(target, checks, findings, data.unread), data}
}

export function runDockerfileDoctor(path: string, text: string): DoctorReport {
  const model = analyseDockerfile(text)
  return buildReport(`Dockerfile ${path}`, DOCKERFILE_CHECKS, runChecks(DOCKERFILE_CHECKS, model))
}

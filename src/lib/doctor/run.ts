/** The doctor's two entry points: the cluster run (gather → judge → report) and the offline Dockerfile lint. */
import type {KubeClient} from '../cluster/index.js'
import {CLUSTER_CHECKS} from './checks/index.js'
import {DOCKERFILE_CHECKS, analyseDockerfile} from './dockerfile/index.js'
import {EXEC_CHECKS} from './checks/exec.js'
import {gather, type GatherOptions} from './gather.js'
import {buildReport, runChecks, type DoctorReport} from './report.js'
import type {DoctorData, ExecResult, Unread} from './types.js'

export interface DoctorRun {
  report: DoctorReport
  data: DoctorData
}

/** Why a blind run saw nothing, in one line. */
function cannotSee(data: DoctorData): string {
  const project = data.unread.find(u => u.key === 'project')
  if (project?.reason === 'not-served') return `project ${data.namespace} does not exist`
  const refused = data.unread
    .filter(u => u.reason === 'forbidden' && u.permission)
    .map(u => u.permission)
    .slice(0, 2)
  return `project ${data.namespace} does not exist, or this user has no role in it${refused.length > 0 ? ` (refused: ${refused.join('; ')})` : ''}`
}

export async function runClusterDoctor(
  client: KubeClient,
  opts: GatherOptions & {exec?: (data: DoctorData) => Promise<ExecResult | undefined>},
): Promise<DoctorRun> {
  const data = await gather(client, opts)
  const checks = [...CLUSTER_CHECKS, ...(opts.exec ? EXEC_CHECKS : [])]
  const target = `${data.name ? `${data.name} in ` : ''}project ${data.namespace}`
  if (data.visibility === 'blind') {
    return {
      report: buildReport(target, checks, [], {
        data,
        notVisible: data.unread,
        visibility: 'blind',
        cannotSee: cannotSee(data),
      }),
      data,
    }
  }
  if (opts.exec) {
    const exec = await opts.exec(data)
    if (exec && exec.probes.some(p => p.error === undefined)) data.exec = exec
    else
      data.unread.push({
        key: 'exec',
        what: '--exec probes',
        reason: 'error',
        message: exec
          ? `exec into ${exec.pod} failed: ${exec.probes.find(p => p.error)?.error ?? 'no answer'}`
          : 'no running notebook container to probe',
        permission: `create pods/exec -n ${data.namespace}`,
      })
  }
  const findings = runChecks(checks, data)
  return {
    report: buildReport(target, checks, findings, {
      data,
      notVisible: data.unread,
      visibility: data.unread.length > 0 ? 'partial' : 'full',
    }),
    data,
  }
}

export function runDockerfileDoctor(path: string, text: string): DoctorReport {
  const model = analyseDockerfile(text)
  // An empty file, or one without FROM, has no image to judge: its image checks are unknown.
  const notVisible: Unread[] = model.final
    ? []
    : [{key: 'buildStage', what: 'a build stage', reason: 'error', message: 'the file has no FROM'}]
  return buildReport(`Dockerfile ${path}`, DOCKERFILE_CHECKS, runChecks(DOCKERFILE_CHECKS, model), {
    notVisible,
  })
}

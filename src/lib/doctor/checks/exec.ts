/**
 * Judges of the --exec probes (read-only commands run in the notebook container): who the process
 * is, whether its name resolves, and whether $HOME, the volume and the conda prefix are writable.
 */
import {UID_RANGE_ANNOTATION, parseUidBlock} from '../../preflight.js'
import {annotationsOf} from '../obj.js'
import type {Check, DoctorData, ExecProbe, Finding} from '../types.js'
import {finding, inNs, instanceName} from './util.js'

/** The probes, as (key, shell command): keys are what the judges look up. */
export function execProbes(mounts: string[]): Array<{key: string; argv: string[]}> {
  return [
    {key: 'id', argv: ['id']},
    {key: 'whoami', argv: ['whoami']},
    {key: 'home', argv: ['sh', '-c', 'test -w "$HOME"']},
    ...mounts.map(m => ({key: `volume:${m}`, argv: ['test', '-w', m]})),
    {key: 'conda', argv: ['sh', '-c', 'test ! -e /opt/conda || test -w /opt/conda']},
  ]
}

const probe = (d: DoctorData, key: string): ExecProbe | undefined =>
  d.exec?.probes.find(p => p.command === key)
const where = (d: DoctorData) => `${d.exec?.pod}/${d.exec?.container}`
const failed = (p: ExecProbe | undefined): p is ExecProbe =>
  p !== undefined && p.error === undefined && p.exitCode !== 0

export const execIdentity: Check<DoctorData> = {
  id: 'exec.uid-outside-range',
  area: 'exec',
  title: "The notebook runs as the project's UID with gid 0",
  severity: 'error',
  reads: '`id` in the running container; project annotation openshift.io/sa.scc.uid-range',
  fires: "the process UID is outside the project's range (anyuid or a fixed runAsUser) or its gid is not 0",
  fix: 'Remove the anyuid grant and any explicit runAsUser; restart the pod.',
  run(d) {
    const id = probe(d, 'id')
    if (!id || id.exitCode !== 0) return []
    const m = /uid=(\d+)\S*\s+gid=(\d+)/.exec(id.stdout)
    const block = parseUidBlock(d.project ? annotationsOf(d.project)[UID_RANGE_ANNOTATION] : undefined)
    if (!m || !block) return []
    const uid = Number(m[1])
    if (uid >= block.start && uid <= block.end && m[2] === '0') return []
    return [
      finding(
        this.id,
        this.severity,
        `${where(d)} runs as uid ${uid} gid ${m[2]}, not the project's assigned UID (${block.start}) with gid 0`,
        [`id: ${id.stdout.trim()}`],
        [
          `oc adm policy remove-scc-from-user anyuid -z ${d.serviceAccount} -n ${d.namespace}`,
          `oc rollout restart deployment/${instanceName(d)} ${inNs(d)}`,
        ],
        {kind: 'Pod', name: d.exec?.pod ?? '?'},
      ),
    ]
  },
}

export const execWhoami: Check<DoctorData> = {
  id: 'exec.user-name-missing',
  area: 'exec',
  title: 'The running UID has a user name',
  severity: 'warning',
  reads: '`whoami` in the running container',
  fires:
    'whoami fails (`cannot find name for user ID`): tools that look the user up (pip --user, ssh, git) break',
  fix: 'Keep /etc/passwd read-only so CRI-O adds the entry, or add it in the start script.',
  run(d) {
    const p = probe(d, 'whoami')
    if (!failed(p)) return []
    return [
      finding(
        this.id,
        this.severity,
        `${where(d)}: the running UID has no passwd entry`,
        [`whoami: ${(p.stderr || p.stdout).trim()}`],
        `oc jupyter build ${inNs(d)}   # the assigned-UID builder adds the entry at start-up`,
        {kind: 'Pod', name: d.exec?.pod ?? '?'},
      ),
    ]
  },
}

function writableCheck(
  id: string,
  title: string,
  key: (d: DoctorData) => string[],
  what: string,
  severity: 'error' | 'warning',
  fix: string,
): Check<DoctorData> {
  return {
    id,
    area: 'exec',
    title,
    severity,
    reads: `\`test -w\` on ${what} in the running container`,
    fires: `${what} is not writable by the running UID`,
    fix,
    run(d): Finding[] {
      return key(d).flatMap(k => {
        const p = probe(d, k)
        if (!failed(p)) return []
        const path = k.startsWith('volume:') ? k.slice(7) : what
        return [
          finding(
            id,
            severity,
            `${where(d)}: ${path} is not writable by the running UID`,
            [`${p.command}: exit code ${p.exitCode}`],
            fix.replace('NS', d.namespace),
            {kind: 'Pod', name: d.exec?.pod ?? '?'},
          ),
        ]
      })
    },
  }
}

export const execHome = writableCheck(
  'exec.home-not-writable',
  '$HOME is writable',
  () => ['home'],
  '$HOME',
  'error',
  'oc jupyter build -n NS   # an image whose home is group 0 and g=u',
)
export const execVolume = writableCheck(
  'exec.volume-not-writable',
  'The volume is writable',
  d => (d.exec?.mounts ?? []).map(m => `volume:${m}`),
  'the PVC mount path',
  'error',
  'the storage does not support fsGroup ownership (NFS, hostPath): ask for a class that does, or make the export group-writable',
)
export const execConda = writableCheck(
  'exec.conda-not-writable',
  '/opt/conda is writable',
  () => ['conda'],
  '/opt/conda',
  'warning',
  'add supplementalGroups [100] to the pod (docker-stacks), or rebuild with /opt/conda group 0 and g=u',
)

export const EXEC_CHECKS: ReadonlyArray<Check<DoctorData>> = [
  execIdentity,
  execWhoami,
  execHome,
  execVolume,
  execConda,
]

/**
 * Judges of the --exec probes (read-only commands run in the notebook container): who the process
 * is, whether its name resolves, and whether $HOME, the volume and the conda prefix are writable — each
 * attributed to its cause: the SCC that admitted the pod (its grant is then the fix, whatever SCC it
 * is), a volume without fsGroup ownership, or the image.
 */
import type {KubeObject} from '../../cluster/index.js'
import {UID_RANGE_ANNOTATION, parseUidBlock} from '../../preflight.js'
import {cause} from '../causes.js'
import {annotationsOf, nameOf, podTemplate, rec, str} from '../obj.js'
import type {Check, DoctorData, ExecProbe, Finding} from '../types.js'
import {runAsUsers} from './project.js'
import {
  finding,
  firstGroup,
  fsGroupOf,
  grantRemedies,
  inNs,
  instanceName,
  isDefaultScc,
  mountOver,
  podHasGroup,
  podSccOf,
  templatePatch,
  workloadOfPod,
} from './util.js'

/** The probes, as (key, argv): keys are what the judges look up. */
export function execProbes(mounts: string[]): Array<{key: string; argv: string[]}> {
  return [
    {key: 'id', argv: ['id']},
    {key: 'whoami', argv: ['whoami']},
    {key: 'home-path', argv: ['sh', '-c', 'echo "$HOME"']},
    {key: 'home', argv: ['sh', '-c', 'test -w "$HOME"']},
    ...mounts.map(m => ({key: `volume:${m}`, argv: ['test', '-w', m]})),
    {key: 'conda', argv: ['sh', '-c', 'test ! -e /opt/conda || test -w /opt/conda']},
    {key: 'conda-stat', argv: ['sh', '-c', 'test ! -e /opt/conda || stat -c "%g %a" /opt/conda']},
  ]
}

const probe = (d: DoctorData, key: string): ExecProbe | undefined =>
  d.exec?.probes.find(p => p.command === key)
const where = (d: DoctorData) => `${d.exec?.pod}/${d.exec?.container}`
const failed = (p: ExecProbe | undefined): p is ExecProbe =>
  p !== undefined && p.error === undefined && p.exitCode !== 0
const execPod = (d: DoctorData): KubeObject | undefined => d.pods.find(p => nameOf(p) === d.exec?.pod)
const podObject = (d: DoctorData) => ({kind: 'Pod', name: d.exec?.pod ?? '?'})
const imageOf = (d: DoctorData): string =>
  str(
    (rec(execPod(d)?.spec).containers as Array<Record<string, unknown>> | undefined)?.find(
      c => c.name === d.exec?.container,
    )?.image,
  ) ??
  d.exec?.pod ??
  '?'

export const execIdentity: Check<DoctorData> = {
  id: 'exec.uid-outside-range',
  area: 'exec',
  title: "The notebook runs as the project's UID with gid 0",
  severity: 'error',
  reads:
    '`id` in the running container; project annotation openshift.io/sa.scc.uid-range; pod annotation openshift.io/scc',
  fires:
    "the process UID is outside the project's range (an SCC such as anyuid, nonroot or a custom one admitted a fixed UID) or its gid is not 0",
  fix: 'Remove the grant of the SCC that admitted the pod (the finding names the object) and any explicit runAsUser; restart the pod.',
  needs: ['exec', 'project'],
  run(d) {
    const id = probe(d, 'id')
    if (!id || id.exitCode !== 0) return []
    const m = /uid=(\d+)\S*\s+gid=(\d+)/.exec(id.stdout)
    const block = parseUidBlock(d.project ? annotationsOf(d.project)[UID_RANGE_ANNOTATION] : undefined)
    if (!m || !block) return []
    const uid = Number(m[1])
    if (uid >= block.start && uid <= block.end && m[2] === '0') return []
    const pod = execPod(d)
    const scc = podSccOf(pod)
    const w = pod ? workloadOfPod(d, nameOf(pod)) : undefined
    const explicit = w ? runAsUsers(podTemplate(w).spec) : []
    const fix: string[] = []
    if (w && explicit.length > 0)
      fix.push(
        `${templatePatch(
          w,
          d,
          explicit.map(u => ({op: 'remove', path: u.path})),
        )}   # let the SCC assign the UID`,
      )
    if (scc !== undefined && !isDefaultScc(scc)) fix.push(...grantRemedies(d, scc))
    if (fix.length === 0) fix.push(`oc rollout restart deployment/${instanceName(d)} ${inNs(d)}`)
    return [
      finding(
        this.id,
        this.severity,
        `${where(d)} runs as uid ${uid} gid ${m[2]}, not the project's assigned UID (${block.start}) with gid 0${scc ? `: SCC ${scc} admitted it` : ''}`,
        [`id: ${id.stdout.trim()}`, ...(scc ? [`openshift.io/scc: ${scc}`] : [])],
        fix,
        podObject(d),
        {
          cause:
            scc !== undefined && !isDefaultScc(scc)
              ? cause.scc(scc)
              : w
                ? cause.template(w.kind ?? 'Deployment', nameOf(w))
                : cause.start(d.exec?.pod ?? '?', d.exec?.container ?? ''),
        },
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
  needs: ['exec'],
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
        podObject(d),
        {cause: cause.image(imageOf(d))},
      ),
    ]
  },
}

/** The fix for a claim mounted at `path` that the process cannot write. */
function mountFix(d: DoctorData, claim: string): {fix: string[]; why: string; cause: string} {
  const pod = execPod(d)
  const scc = podSccOf(pod)
  const w = pod ? workloadOfPod(d, nameOf(pod)) : undefined
  const first = firstGroup(d)
  if (fsGroupOf(pod) !== undefined)
    return {
      why: `the pod has fsGroup ${fsGroupOf(pod)}, but the storage does not apply fsGroup ownership (NFS, hostPath)`,
      fix: [
        `oc get pvc ${claim} ${inNs(d)} -o jsonpath='{.spec.storageClassName}'   # ask an administrator for a class that applies fsGroup, or to make the export group-writable`,
      ],
      cause: cause.mount(claim, '?'),
    }
  if (scc !== undefined && !isDefaultScc(scc))
    return {
      why: `the pod has no fsGroup: SCC ${scc} sets none`,
      fix: grantRemedies(d, scc),
      cause: cause.scc(scc),
    }
  return {
    why: 'the pod has no fsGroup, so the volume is not group-owned by it',
    fix:
      w && first !== undefined
        ? [
            templatePatch(w, d, [
              rec(podTemplate(w).spec).securityContext === undefined
                ? {op: 'add', path: '/securityContext', value: {fsGroup: first}}
                : {op: 'add', path: '/securityContext/fsGroup', value: first},
            ]),
          ]
        : [`oc describe pod ${d.exec?.pod} ${inNs(d)}`],
    cause: cause.mount(claim, '?'),
  }
}

export const execHome: Check<DoctorData> = {
  id: 'exec.home-not-writable',
  area: 'exec',
  title: '$HOME is writable',
  severity: 'error',
  reads: '`test -w "$HOME"` in the running container; whether a claim is mounted there',
  fires: '$HOME is not writable by the running UID',
  fix: 'An image whose home is group 0 and g=u (`oc jupyter build`); a volume mounted over $HOME needs fsGroup ownership.',
  needs: ['exec'],
  run(d): Finding[] {
    const p = probe(d, 'home')
    if (!failed(p)) return []
    const home = probe(d, 'home-path')?.stdout.trim() || '$HOME'
    const mounts = (d.exec?.mounts ?? []).map(m => ({path: m, claim: claimAt(d, m)}))
    const mount = mountOver(mounts, home)
    if (mount) {
      const m = mountFix(d, mount.claim)
      return [
        finding(
          this.id,
          this.severity,
          `${where(d)}: $HOME (${home}) is the volume of claim ${mount.claim}, not writable: ${m.why}`,
          [`${p.command}: exit code ${p.exitCode}`],
          m.fix,
          podObject(d),
          {cause: m.cause},
        ),
      ]
    }
    return [
      finding(
        this.id,
        this.severity,
        `${where(d)}: $HOME (${home}) is not writable by the running UID: the image made it for another user`,
        [`${p.command}: exit code ${p.exitCode}`],
        `oc jupyter build ${inNs(d)}   # an image whose home is group 0 and g=u`,
        podObject(d),
        {cause: cause.image(imageOf(d))},
      ),
    ]
  },
}

/** The claim mounted at a path of the exec'd container. */
function claimAt(d: DoctorData, path: string): string {
  const pod = execPod(d)
  const spec = rec(pod?.spec)
  const c = (spec.containers as Array<Record<string, unknown>> | undefined)?.find(
    x => x.name === d.exec?.container,
  )
  const vm = (c?.volumeMounts as Array<Record<string, unknown>> | undefined)?.find(
    m => str(m.mountPath)?.replace(/\/+$/, '') === path,
  )
  const v = (spec.volumes as Array<Record<string, unknown>> | undefined)?.find(x => x.name === vm?.name)
  return str(rec(v?.persistentVolumeClaim).claimName) ?? '?'
}

export const execVolume: Check<DoctorData> = {
  id: 'exec.volume-not-writable',
  area: 'exec',
  title: 'The volume is writable',
  severity: 'error',
  reads: '`test -w` on each PVC mount path in the running container; pod fsGroup and SCC',
  fires: 'a PVC mount path is not writable by the running UID',
  fix: 'Give the pod an fsGroup (restricted-v2 sets one; remove a grant that admits it without), or use storage that applies fsGroup ownership.',
  needs: ['exec'],
  run(d): Finding[] {
    return (d.exec?.mounts ?? []).flatMap(path => {
      const p = probe(d, `volume:${path}`)
      if (!failed(p)) return []
      const claim = claimAt(d, path)
      const m = mountFix(d, claim)
      return [
        finding(
          this.id,
          this.severity,
          `${where(d)}: ${path} (claim ${claim}) is not writable by the running UID: ${m.why}`,
          [`test -w ${path}: exit code ${p.exitCode}`],
          m.fix,
          podObject(d),
          {cause: m.cause},
        ),
      ]
    })
  },
}

export const execConda: Check<DoctorData> = {
  id: 'exec.conda-not-writable',
  area: 'exec',
  title: '/opt/conda is writable',
  severity: 'warning',
  reads: '`test -w /opt/conda` and `stat -c "%g %a" /opt/conda` in the running container; pod groups',
  fires:
    '/opt/conda is group 100 (docker-stacks) and the pod lacks group 100: `conda install` and `pip install` fail (an environment kept read-only on purpose is reported as info)',
  fix: 'Add supplementalGroups [100] to the pod (docker-stacks); otherwise install with `pip install --user` or into an environment on the volume.',
  needs: ['exec'],
  run(d): Finding[] {
    const p = probe(d, 'conda')
    if (!failed(p)) return []
    const stat = /^(\d+) ([0-7]+)$/.exec(probe(d, 'conda-stat')?.stdout.trim() ?? '')
    const gid = stat ? Number(stat[1]) : undefined
    const groupWritable = stat ? (Number.parseInt(stat[2], 8) & 0o020) !== 0 : undefined
    const pod = execPod(d)
    const w = pod ? workloadOfPod(d, nameOf(pod)) : undefined
    const evidence = [
      `${p.command}: exit code ${p.exitCode}`,
      ...(stat ? [`/opt/conda: group ${gid}, mode ${stat[2]}`] : []),
    ]
    if (gid === 100 && groupWritable && !podHasGroup(pod, 100)) {
      const supp = w ? rec(podTemplate(w).spec.securityContext).supplementalGroups : undefined
      return [
        finding(
          this.id,
          'warning',
          `${where(d)}: /opt/conda is writable by group 100 (users) and the pod lacks that group: conda and pip cannot install into it`,
          evidence,
          w
            ? templatePatch(w, d, [
                Array.isArray(supp)
                  ? {op: 'add', path: '/securityContext/supplementalGroups/-', value: 100}
                  : rec(podTemplate(w).spec).securityContext === undefined
                    ? {op: 'add', path: '/securityContext', value: {supplementalGroups: [100]}}
                    : {op: 'add', path: '/securityContext/supplementalGroups', value: [100]},
              ])
            : `oc describe pod ${d.exec?.pod} ${inNs(d)}`,
          podObject(d),
          {cause: cause.image(imageOf(d))},
        ),
      ]
    }
    // Not a group the pod could join: the image keeps its base environment read-only (a choice, not a fault).
    return [
      finding(
        this.id,
        'info',
        `${where(d)}: /opt/conda is read-only for the running UID${gid !== undefined ? ` (group ${gid}${groupWritable ? '' : ', not group-writable'})` : ''}: install packages with pip install --user or into an environment on the volume`,
        evidence,
        '# the base environment stays read-only: pip install --user, or conda create -p VOLUME/envs/NAME',
        podObject(d),
        {cause: cause.config('conda-read-only')},
      ),
    ]
  },
}

export const EXEC_CHECKS: ReadonlyArray<Check<DoctorData>> = [
  execIdentity,
  execWhoami,
  execHome,
  execVolume,
  execConda,
]

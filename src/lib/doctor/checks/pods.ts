/**
 * Pods that do not start or cannot write. Under restricted-v2 a pod runs as the project's first UID with
 * gid 0, plus its fsGroup and supplemental groups (FACTS.md §Assigned user IDs). A "Permission denied"
 * is judged by WHERE it happens: on a volume mounted there (a claim over $HOME without fsGroup
 * ownership is the cause, whatever the image), or in the image's own files (an image built for a fixed
 * UID: home or /opt/conda not writable by gid 0, or only by group 100). Logs of crash-looping
 * containers (previous run) and of running notebook containers (current run: pip/conda at run time)
 * are read; each (pod, container) yields at most one finding per kind, quoting the line.
 */
import {PASSWORD_ENV} from '../../render/deployment.js'
import {DEFAULT_BASE_IMAGE} from '../../values/defaults.js'
import {
  generatedTokenLine,
  NOTEBOOK_AUTH_EXPLANATION,
  NOTEBOOK_AUTH_MISSING,
  notebookAuthRemedies,
  RUN_SCRIPT_PASSWORD_ENV,
} from '../../notebook/known-crashes.js'
import {cause} from '../causes.js'
import {imageStreamTagOf} from '../gather.js'
import {annotationsOf, arr, nameOf, num, podTemplate, rec, str} from '../obj.js'
import type {Check, DoctorData, Finding, PodLogs} from '../types.js'
import type {KubeObject} from '../../cluster/index.js'
import {
  claimMounts,
  finding,
  firstGroup,
  fsGroupOf,
  inNs,
  instanceName,
  isDefaultScc,
  mountOver,
  podHasGroup,
  podSccOf,
  templatePatch,
  workloadFor,
  workloadOfPod,
  workloadRef,
  deployedImage,
} from './util.js'

export type LogKind = 'notebook-auth' | 'volume' | 'docker-stacks' | 'home' | 'conda' | 'passwd' | 'other'

export interface LogHit {
  logs: PodLogs
  line: string
  previous: boolean
  kind: LogKind
  /** the path that could not be written, when the line names one */
  path?: string
  /** the claim mounted over that path */
  mount?: {path: string; claim: string}
}

const PASSWD = /(getpwuid\(\): uid not found|I have no name!|cannot find name for user ID)/
const DOCKER_STACKS_HOME = /no write access to (\/\S+?)\.?(\s|$)/i
const CONDA = /(EnvironmentNotWritableError|Missing write permissions in)/
/** Lines that say a path is not writable, and where the path is in them. */
const DENIED: RegExp[] = [
  /Permission denied:? ['"](\/[^'"]+)['"]/,
  /cannot (?:create directory|touch|create regular file) ['"]?(\/[^'":]+)['"]?: Permission denied/,
  /The directory ['"](\/[^'"]+)['"] or its parent directory is not owned or is not writable/,
  /Missing write permissions in:? ['"]?(\/[^'"\s]+)/,
  /(\/\S+): Permission denied/,
]

export function deniedPath(line: string): string | undefined {
  for (const re of DENIED) {
    const m = re.exec(line)
    if (m) return m[1]
  }
  return undefined
}

function podOf(d: DoctorData, name: string): KubeObject | undefined {
  return d.pods.find(p => nameOf(p) === name)
}

function containerOf(pod: KubeObject | undefined, name: string): Record<string, unknown> | undefined {
  return arr(rec(pod?.spec).containers).find(c => c.name === name)
}

const homeOf = (d: DoctorData, pod: KubeObject | undefined, container: string): string | undefined => {
  const env = arr(containerOf(pod, container)?.env).find(e => e.name === 'HOME')
  return str(env?.value)
}

/** Classifies one log line; undefined when it says nothing the checks know. */
function classify(
  d: DoctorData,
  logs: PodLogs,
  line: string,
  lines: string[],
  index: number,
): Omit<LogHit, 'previous'> | undefined {
  const pod = podOf(d, logs.pod)
  const mounts = claimMounts(pod, logs.container)
  const onMount = (path: string | undefined) => (path === undefined ? undefined : mountOver(mounts, path))
  const base = (kind: LogKind, path?: string) => {
    const mount = onMount(path)
    return {
      logs,
      line: line.trim(),
      kind: mount ? ('volume' as const) : kind,
      ...(path ? {path} : {}),
      ...(mount ? {mount} : {}),
    }
  }
  if (NOTEBOOK_AUTH_MISSING.test(line)) return {logs, line: line.trim(), kind: 'notebook-auth'}
  if (PASSWD.test(line)) return {logs, line: line.trim(), kind: 'passwd'}
  const ds = DOCKER_STACKS_HOME.exec(line)
  if (ds) return base('docker-stacks', ds[1])
  if (CONDA.test(line)) {
    // conda names the environment on a following line: `environment location: /opt/conda`
    const loc = lines
      .slice(index, index + 4)
      .map(l => /environment location: (\/\S+)/.exec(l)?.[1])
      .find(Boolean)
    return base('conda', loc ?? deniedPath(line) ?? '/opt/conda')
  }
  const path = deniedPath(line)
  if (path === undefined) return undefined
  if (path === '/opt/conda' || path.startsWith('/opt/conda/')) return base('conda', path)
  const home = homeOf(d, pod, logs.container)
  if (
    path.startsWith('/home/') ||
    path.startsWith('/opt/app-root/src') ||
    (home !== undefined && path.startsWith(home))
  )
    return base('home', path)
  return base('other', path)
}

/** Every known line of every log read, the last one of each kind per (pod, container, run). */
export function logHits(d: DoctorData): LogHit[] {
  const hits: LogHit[] = []
  for (const logs of d.podLogs) {
    for (const [previous, text] of [
      [true, logs.previous],
      [false, logs.current],
    ] as const) {
      const seen = new Set<LogKind>()
      for (let i = text.length - 1; i >= 0; i--) {
        const h = classify(d, logs, text[i], text, i)
        if (!h || seen.has(h.kind)) continue
        // One finding per kind and container: the crash (previous run) wins over the current run.
        if (hits.some(x => x.logs === logs && x.kind === h.kind)) continue
        seen.add(h.kind)
        hits.push({...h, previous})
      }
    }
  }
  return hits
}

function crashLooping(pod: KubeObject | undefined, container: string): boolean {
  const cs = arr(rec(pod?.status).containerStatuses).find(c => c.name === container)
  return rec(rec(cs?.state).waiting).reason === 'CrashLoopBackOff' || (num(cs?.restartCount) ?? 0) > 0
}

/** `uid=N gid=0 groups=...` as admitted, for the evidence. */
function identity(pod: KubeObject | undefined, container: string): string | undefined {
  if (!pod) return undefined
  const spec = rec(pod.spec)
  const c = containerOf(pod, container)
  const psc = rec(spec.securityContext)
  const uid = num(rec(c?.securityContext).runAsUser) ?? num(psc.runAsUser)
  const supp = Array.isArray(psc.supplementalGroups) ? (psc.supplementalGroups as unknown[]).map(Number) : []
  const all = [...new Set([num(psc.fsGroup), ...supp].filter((g): g is number => typeof g === 'number'))]
  const scc = annotationsOf(pod)['openshift.io/scc']
  return `pod ${nameOf(pod)}: SCC ${scc ?? '?'}, runAsUser ${uid ?? '(image USER)'}, gid 0, fsGroup ${num(psc.fsGroup) ?? '(none)'}, supplementary groups [${all.join(', ')}]`
}

/** The cause of an image problem: the container's image. */
function imageCause(d: DoctorData, hit: LogHit): string {
  const pod = podOf(d, hit.logs.pod)
  return cause.image(str(containerOf(pod, hit.logs.container)?.image) ?? hit.logs.pod)
}

/**
 * A claim mounted where the write failed: without an fsGroup the volume is not group-owned by the pod
 * (a non-default SCC that sets none is then the cause); with one, the storage does not manage
 * ownership (NFS, hostPath).
 */
function mountCause(d: DoctorData, hit: LogHit): string {
  const pod = podOf(d, hit.logs.pod)
  const scc = podSccOf(pod)
  if (fsGroupOf(pod) === undefined && !isDefaultScc(scc) && scc !== undefined) return cause.scc(scc)
  return cause.mount(hit.mount?.claim ?? '?', hit.mount?.path ?? hit.path ?? '?')
}

const supplementalGroups100 = (d: DoctorData, pod: string) => {
  const w = workloadOfPod(d, pod)
  if (!w)
    return `oc patch ${workloadFor(d, pod)} ${inNs(d)} --type=merge -p '{"spec":{"template":{"spec":{"securityContext":{"supplementalGroups":[100]}}}}}'`
  const supp = rec(podTemplate(w).spec.securityContext).supplementalGroups
  return templatePatch(
    w,
    d,
    Array.isArray(supp)
      ? [{op: 'add', path: '/securityContext/supplementalGroups/-', value: 100}]
      : rec(podTemplate(w).spec).securityContext === undefined
        ? [{op: 'add', path: '/securityContext', value: {supplementalGroups: [100]}}]
        : [{op: 'add', path: '/securityContext/supplementalGroups', value: [100]}],
  )
}

const rebuild = (d: DoctorData) => [
  `oc jupyter build ${inNs(d)}   # the assigned-UID builder: home and conda are group 0 and group-writable`,
  `oc jupyter deploy ${instanceName(d)} ${inNs(d)}`,
]

interface LogCheckSpec {
  id: string
  title: string
  kinds: LogKind[]
  patternText: string
  explain: (d: DoctorData, hit: LogHit) => string
  remediation: (d: DoctorData, hit: LogHit) => string[]
  fix: string
  cause: (d: DoctorData, hit: LogHit) => string
  root?: (d: DoctorData, hit: LogHit) => boolean
}

function logCheck(spec: LogCheckSpec): Check<DoctorData> {
  return {
    id: spec.id,
    area: 'pods',
    title: spec.title,
    severity: 'error',
    reads:
      'log tails of crash-looping containers (current and previous=true) and of running notebook containers; pod volumes and securityContext',
    fires: `a log line matches ${spec.patternText}`,
    fix: spec.fix,
    needs: ['pods', 'podLogs'],
    run(d): Finding[] {
      return logHits(d)
        .filter(h => spec.kinds.includes(h.kind))
        .map(hit => {
          const pod = podOf(d, hit.logs.pod)
          const id = identity(pod, hit.logs.container)
          return finding(
            spec.id,
            'error',
            `${hit.logs.pod} (${hit.logs.container}) ${crashLooping(pod, hit.logs.container) ? 'crash-loops' : 'logs'}: ${spec.explain(d, hit)}`,
            [`${hit.previous ? 'previous' : 'current'} log: ${hit.line}`, ...(id ? [id] : [])],
            spec.remediation(d, hit),
            {kind: 'Pod', name: hit.logs.pod},
            {cause: spec.cause(d, hit), root: spec.root?.(d, hit) ?? false},
          )
        })
    },
  }
}

export const volumeNotWritable = logCheck({
  id: 'pods.volume-not-writable',
  title: 'Volumes mounted in the notebook are writable',
  kinds: ['volume'],
  patternText:
    '`Permission denied` (or docker-stacks `no write access`, conda, pip) on a path where a PersistentVolumeClaim is mounted',
  explain: (d, hit) => {
    const pod = podOf(d, hit.logs.pod)
    const where = `the volume of claim ${hit.mount?.claim} mounted at ${hit.mount?.path} is not writable`
    if (fsGroupOf(pod) !== undefined)
      return `${where} although the pod has fsGroup ${fsGroupOf(pod)}: the storage does not apply fsGroup ownership (NFS, hostPath)`
    const scc = podSccOf(pod)
    return `${where}: the pod has no fsGroup${!isDefaultScc(scc) && scc ? ` (SCC ${scc} sets none, restricted-v2 would)` : ''}, so the volume is not group-owned by it — not a fault of the image`
  },
  fix: "Give the pod an fsGroup (restricted-v2 sets the project's first group; remove a grant that admits it without one), or use storage that applies fsGroup ownership.",
  remediation: (d, hit) => {
    const pod = podOf(d, hit.logs.pod)
    const w = workloadOfPod(d, hit.logs.pod)
    const first = firstGroup(d)
    if (fsGroupOf(pod) !== undefined)
      return [
        `oc get pvc ${hit.mount?.claim} ${inNs(d)} -o jsonpath='{.spec.storageClassName}'   # this storage ignores fsGroup: ask an administrator for a class that applies it, or to make the export group-writable`,
      ]
    return w && first !== undefined
      ? [
          `${templatePatch(w, d, [
            rec(podTemplate(w).spec).securityContext === undefined
              ? {op: 'add', path: '/securityContext', value: {fsGroup: first}}
              : {op: 'add', path: '/securityContext/fsGroup', value: first},
          ])}   # the project's first group: the kubelet makes the volume group-owned and writable`,
        ]
      : [`oc describe pod ${hit.logs.pod} ${inNs(d)}`]
  },
  cause: mountCause,
  root: (d, hit) => mountCause(d, hit).startsWith('mount:'),
})

export const dockerStacksNotWritable = logCheck({
  id: 'pods.docker-stacks-not-writable',
  title: 'docker-stacks start-up can write /home/jovyan',
  kinds: ['docker-stacks'],
  patternText: "docker-stacks `no write access to /home/jovyan` (on the image's home, not a mounted volume)",
  explain: () =>
    'the docker-stacks start script found its home not writable: it is group-owned by 100 (users) and the pod runs with gid 0 and no group 100',
  fix: 'Add supplementalGroups [100] to the pod, or rebuild with the assigned-UID builder.',
  remediation: (d, hit) =>
    podHasGroup(podOf(d, hit.logs.pod), 100)
      ? rebuild(d)
      : [supplementalGroups100(d, hit.logs.pod), '# or:', ...rebuild(d)],
  cause: imageCause,
  root: () => true,
})

export const homeNotWritable = logCheck({
  id: 'pods.home-not-writable',
  title: 'Notebook can write its home directory',
  kinds: ['home'],
  patternText:
    "`Permission denied` under the image's home (/home/..., /opt/app-root/src: .jupyter, .local, .cache), no volume mounted there",
  explain: () =>
    "the image was built for a fixed UID (anyuid era): its home is owned by that UID and not writable by group 0, but restricted-v2 runs it as the project's UID with gid 0",
  fix: 'Rebuild with the assigned-UID builder (`oc jupyter build`), or for docker-stacks images add supplemental group 100.',
  remediation: (d, hit) => [
    ...rebuild(d),
    // docker-stacks homes are group 100 and g+w: group 100 helps there, unless the pod has it already.
    ...(podHasGroup(podOf(d, hit.logs.pod), 100)
      ? []
      : [
          '# or, for a docker-stacks image (home group-owned by 100, users):',
          supplementalGroups100(d, hit.logs.pod),
        ]),
  ],
  cause: imageCause,
})

export const condaNotWritable = logCheck({
  id: 'pods.conda-not-writable',
  title: 'Conda environment is writable',
  kinds: ['conda'],
  patternText:
    '`EnvironmentNotWritableError`, `Missing write permissions in`, or pip/conda `Permission denied` under /opt/conda',
  explain: (d, hit) =>
    podHasGroup(podOf(d, hit.logs.pod), 100)
      ? `conda/pip cannot write ${hit.path ?? '/opt/conda'}: it is not writable by gid 0 nor group 100`
      : `conda/pip cannot write ${hit.path ?? '/opt/conda'}: docker-stacks make it writable by group 100 (users), and the assigned UID runs with gid 0 and no group 100`,
  fix: 'Add supplementalGroups [100] to the pod, or rebuild so /opt/conda is group 0 and g=u.',
  remediation: (d, hit) =>
    podHasGroup(podOf(d, hit.logs.pod), 100)
      ? [
          '# in the Dockerfile, in the RUN that installs conda:  chgrp -R 0 /opt/conda && chmod -R g=u /opt/conda',
          ...rebuild(d),
          '# or install into the volume: pip install --user (with $HOME on the volume)',
        ]
      : [supplementalGroups100(d, hit.logs.pod), '# or:', ...rebuild(d)],
  cause: imageCause,
})

export const userLookupFailed = logCheck({
  id: 'pods.user-lookup-failed',
  title: 'The running UID has a passwd entry',
  kinds: ['passwd'],
  patternText: '`getpwuid(): uid not found`, `I have no name!` or `cannot find name for user ID`',
  explain: () =>
    "the project's UID has no /etc/passwd entry: CRI-O adds one only when /etc/passwd is not group/world-writable, and then the image must add it itself",
  fix: 'Use an image whose start script adds the passwd entry (the assigned-UID builder does), or keep /etc/passwd read-only so CRI-O injects it.',
  remediation: d => rebuild(d),
  cause: imageCause,
})

export const permissionDenied = logCheck({
  id: 'pods.permission-denied',
  title: 'Notebook can write the paths it needs',
  kinds: ['other'],
  patternText: '`Permission denied` on a path outside the home directory, /opt/conda and mounted volumes',
  explain: (d, hit) =>
    `${hit.path ?? 'a path'} is not writable by the project's UID with gid 0: the image made it for another user`,
  fix: 'Make the path group 0 and group-writable in the image (`chgrp -R 0 DIR && chmod -R g=u DIR`), or mount a volume there.',
  remediation: d => [
    '# in the Dockerfile, in the RUN that creates DIR:  chgrp -R 0 DIR && chmod -R g=u DIR',
    ...rebuild(d),
  ],
  cause: imageCause,
})

export const notebookAuthMissing = logCheck({
  id: 'pods.notebook-auth-missing',
  title: "The run script does not need Notebook 6's notebook.auth",
  kinds: ['notebook-auth'],
  patternText: "`No module named 'notebook.auth'`",
  explain: () => NOTEBOOK_AUTH_EXPLANATION,
  fix: `Remove ${RUN_SCRIPT_PASSWORD_ENV} from the workload; oc jupyter deploy passes the password as JUPYTER_TOKEN, which the run script leaves alone and every Jupyter server accepts in its login form.`,
  remediation: (d, hit) => {
    const w = workloadFor(d, hit.logs.pod)
    const workload = d.workloads.find(x => workloadRef(x) === w)
    const hasTokenEnv = workload
      ? arr(rec(podTemplate(workload).spec).containers).some(c =>
          arr(c.env).some(e => e.name === PASSWORD_ENV),
        )
      : false
    return notebookAuthRemedies({workload: w, namespace: d.namespace, name: instanceName(d), hasTokenEnv})
  },
  cause: (d, hit) => cause.start(hit.logs.pod, hit.logs.container),
  root: () => true,
})

export const crashLoopUnknown: Check<DoctorData> = {
  id: 'pods.crash-loop',
  area: 'pods',
  title: 'Containers are not crash-looping',
  severity: 'warning',
  reads: 'pod containerStatuses; log tails',
  fires: 'a container is in CrashLoopBackOff and no known log pattern explains it',
  fix: 'Read the previous container log for the cause.',
  needs: ['pods'],
  run(d) {
    const hits = logHits(d)
    return d.pods.flatMap(p =>
      arr(rec(p.status).containerStatuses).flatMap(cs => {
        const waiting = rec(rec(cs.state).waiting)
        if (waiting.reason !== 'CrashLoopBackOff') return []
        if (hits.some(h => h.logs.pod === nameOf(p) && h.logs.container === cs.name)) return []
        const logs = d.podLogs.find(l => l.pod === nameOf(p) && l.container === cs.name)
        const tail = logs ? (logs.previous.length > 0 ? logs.previous : logs.current).slice(-5) : []
        const exit = num(rec(rec(cs.lastState).terminated).exitCode)
        return [
          finding(
            this.id,
            this.severity,
            `${nameOf(p)} (${str(cs.name)}) is in CrashLoopBackOff after ${num(cs.restartCount) ?? 0} restarts${exit === undefined ? '' : ` (last exit code ${exit})`}`,
            [
              ...(str(waiting.message) ? [str(waiting.message) as string] : []),
              ...tail.map(l => `log: ${l}`),
            ],
            `oc logs ${nameOf(p)} -c ${str(cs.name)} --previous ${inNs(d)}`,
            p,
            {cause: cause.start(nameOf(p), str(cs.name) ?? '')},
          ),
        ]
      }),
    )
  },
}

export const createContainerConfigError: Check<DoctorData> = {
  id: 'pods.create-container-config-error',
  area: 'pods',
  title: 'Containers pass the kubelet runAsNonRoot check',
  severity: 'error',
  reads: 'pod containerStatuses waiting reason CreateContainerConfigError',
  fires:
    'the kubelet refuses to start a container: `container has runAsNonRoot and image will run as root` or `image has non-numeric user`',
  fix: 'Give the image a numeric non-root USER (e.g. USER 1001), or let the SCC set runAsUser (remove the grant that admits it with RunAsAny).',
  needs: ['pods'],
  run(d) {
    return d.pods.flatMap(p =>
      arr(rec(p.status).containerStatuses).flatMap(cs => {
        const waiting = rec(rec(cs.state).waiting)
        if (waiting.reason !== 'CreateContainerConfigError') return []
        const message = str(waiting.message) ?? ''
        const root = /runAsNonRoot and image will run as root/.test(message)
        const nonNumeric = /non-numeric user/.test(message)
        const explain = root
          ? 'the image runs as root and the pod requires runAsNonRoot'
          : nonNumeric
            ? 'the image USER is a name, so the kubelet cannot verify runAsNonRoot'
            : 'the container configuration is invalid'
        const scc = podSccOf(p)
        const image = str(arr(rec(p.spec).containers).find(c => c.name === cs.name)?.image) ?? nameOf(p)
        const fix =
          root || nonNumeric
            ? [
                '# in the Dockerfile: USER 1001   (numeric, non-root; the SCC still assigns the project UID)',
                ...rebuild(d),
              ]
            : [`oc describe pod ${nameOf(p)} ${inNs(d)}`]
        return [
          finding(
            this.id,
            this.severity,
            `${nameOf(p)} (${str(cs.name)}) cannot start: ${explain}`,
            [`CreateContainerConfigError: ${message}`, ...(scc ? [`openshift.io/scc: ${scc}`] : [])],
            fix,
            p,
            {
              cause:
                (root || nonNumeric) && !isDefaultScc(scc) && scc
                  ? cause.scc(scc)
                  : root || nonNumeric
                    ? cause.image(image)
                    : cause.start(nameOf(p), str(cs.name) ?? ''),
            },
          ),
        ]
      }),
    )
  },
}

/** The BuildConfig whose output a workload deploys (its ImageStreamTag), if any. */
function buildConfigOf(d: DoctorData, w: KubeObject | undefined): string | undefined {
  if (!w) return undefined
  const ist = imageStreamTagOf(w, d.namespace)
  if (!ist || ist.includes('/')) return undefined
  const bc = d.buildConfigs.find(b => {
    const to = rec(rec(rec(b.spec).output).to)
    const n = str(to.name)
    return str(to.kind) === 'ImageStreamTag' && (n === ist || `${n}:latest` === ist || n === `${ist}:latest`)
  })
  return bc ? nameOf(bc) : undefined
}

export const imagePullFailed: Check<DoctorData> = {
  id: 'pods.image-pull-failed',
  area: 'pods',
  title: 'Images are pulled',
  severity: 'error',
  reads:
    'pod containerStatuses waiting reason ErrImagePull / ImagePullBackOff; the BuildConfig that makes the image',
  fires:
    'the kubelet cannot pull a container image (not built yet, a failed build, a wrong name, missing credentials)',
  fix: 'Build the image (a failed build is the cause: see its finding), or correct the image reference.',
  needs: ['pods'],
  run(d) {
    return d.pods.flatMap(p =>
      arr(rec(p.status).containerStatuses).flatMap(cs => {
        const waiting = rec(rec(cs.state).waiting)
        const reason = str(waiting.reason)
        if (reason !== 'ErrImagePull' && reason !== 'ImagePullBackOff') return []
        const image = str(cs.image) ?? '?'
        const bc = buildConfigOf(d, workloadOfPod(d, nameOf(p)))
        return [
          finding(
            this.id,
            this.severity,
            `${nameOf(p)} (${str(cs.name)}) cannot pull ${image}${bc ? `, the output of BuildConfig ${bc}` : ''}`,
            [`${reason}: ${str(waiting.message) ?? ''}`],
            [`oc describe pod ${nameOf(p)} ${inNs(d)}`],
            p,
            {cause: bc ? cause.build(bc) : cause.pull(image)},
          ),
        ]
      }),
    )
  },
}

export const unschedulable: Check<DoctorData> = {
  id: 'pods.unschedulable',
  area: 'pods',
  title: 'Pods are scheduled',
  severity: 'warning',
  reads: 'Warning events FailedScheduling; pod condition PodScheduled',
  fires: 'the scheduler cannot place a pod that is still Pending (unbound volume, resources)',
  fix: 'Resolve what the event names: bind the PVC, lower requests, or free capacity.',
  needs: ['pods', 'events'],
  run(d) {
    return d.pods.flatMap(p => {
      if (rec(p.status).phase !== 'Pending' || str(rec(p.spec).nodeName)) return []
      const ev = d.events.filter(
        e => e.reason === 'FailedScheduling' && rec(e.involvedObject).name === nameOf(p),
      )
      const cond = arr(rec(p.status).conditions).find(c => c.type === 'PodScheduled' && c.status === 'False')
      const lines = [
        ...ev.slice(-2).map(e => `FailedScheduling: ${str(e.message)}`),
        ...(ev.length === 0 && cond
          ? [`PodScheduled=False (${str(cond.reason)}): ${str(cond.message)}`]
          : []),
      ]
      if (lines.length === 0) return []
      const claims = arr(rec(p.spec).volumes)
        .map(v => str(rec(v.persistentVolumeClaim).claimName))
        .filter((c): c is string => c !== undefined)
      const pending = claims.find(c => rec(d.pvcs.find(x => nameOf(x) === c)?.status).phase !== 'Bound')
      return [
        finding(
          this.id,
          this.severity,
          `${nameOf(p)} cannot be scheduled${pending ? `: claim ${pending} is not bound` : ''}`,
          lines,
          `oc describe pod ${nameOf(p)} ${inNs(d)}`,
          p,
          {cause: pending ? cause.claim(pending) : cause.start(nameOf(p), '')},
        ),
      ]
    })
  },
}

export const instanceNotFound: Check<DoctorData> = {
  id: 'pods.instance-not-found',
  area: 'pods',
  title: 'The notebook exists',
  severity: 'warning',
  reads:
    'Deployments, DeploymentConfigs and pods of NAME (labels app, app.kubernetes.io/instance, deployment)',
  fires:
    'NAME was given but no workload or pod of that name was found: the other checks saw only the project',
  fix: 'Check the name and the project (`oc jupyter status`), or deploy it.',
  needs: ['workloads', 'pods'],
  run(d) {
    if (d.name === undefined || d.workloads.length > 0 || d.pods.length > 0) return []
    return [
      finding(
        this.id,
        this.severity,
        `no notebook ${d.name} in project ${d.namespace}: only the project was checked`,
        [
          `no Deployment, DeploymentConfig or pod labelled app=${d.name} or app.kubernetes.io/instance=${d.name}`,
        ],
        [`oc jupyter status ${d.name} ${inNs(d)}`, `oc jupyter deploy ${d.name} ${inNs(d)}`],
        {kind: 'Deployment', name: d.name},
        {cause: cause.config('instance')},
      ),
    ]
  },
}

export const generatedToken: Check<DoctorData> = {
  id: 'pods.generated-token',
  area: 'pods',
  title: 'The notebook asks for the password from its Secret',
  severity: 'error',
  reads: 'the current log of running notebook containers',
  fires:
    "the server printed a token it generated itself (`?token=` and 48 hex digits): nobody's password logs in, only that token from the log",
  fix: `Pass the Secret's password as ${PASSWORD_ENV} (\`oc jupyter deploy NAME\` does), and use an image whose start-up does not override the token.`,
  needs: ['pods', 'podLogs'],
  run(d) {
    return d.podLogs.flatMap(logs => {
      const line = generatedTokenLine(logs.current)
      if (line === undefined) return []
      const pod = podOf(d, logs.pod)
      const container = containerOf(pod, logs.container)
      const fromSecret = arr(container?.env).find(e => e.name === PASSWORD_ENV)
      const w = workloadFor(d, logs.pod)
      const image = deployedImage(workloadOfPod(d, logs.pod), container)
      return [
        finding(
          this.id,
          this.severity,
          fromSecret
            ? `${logs.pod} (${logs.container}) generated its own login token although ${PASSWORD_ENV} is set: the server ignores it (Notebook < 5.2 reads no ${PASSWORD_ENV}) or the image's start-up overrides it`
            : `${logs.pod} (${logs.container}) asks for a token it generated, not a password: ${PASSWORD_ENV} is not set`,
          // The token is a credential: never quoted.
          [`current log: ${line}`],
          fromSecret
            ? [
                `oc jupyter deploy ${instanceName(d)} --image ${DEFAULT_BASE_IMAGE} ${inNs(d)}   # an image that honours ${PASSWORD_ENV}`,
              ]
            : [
                `oc jupyter deploy ${instanceName(d)}${image ? ` --image ${image}` : ''} ${inNs(d)}   # sets ${PASSWORD_ENV} from Secret ${instanceName(d)}-password (${w})`,
              ],
          {kind: 'Pod', name: logs.pod},
          {cause: cause.start(logs.pod, logs.container), root: true},
        ),
      ]
    })
  },
}

export const podChecks = [
  instanceNotFound,
  createContainerConfigError,
  imagePullFailed,
  notebookAuthMissing,
  volumeNotWritable,
  dockerStacksNotWritable,
  homeNotWritable,
  condaNotWritable,
  userLookupFailed,
  permissionDenied,
  crashLoopUnknown,
  generatedToken,
  unschedulable,
]

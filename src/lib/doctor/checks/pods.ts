/**
 * Pods that do not start. Under restricted-v2 a pod runs as the project's first UID with gid 0
 * (FACTS.md §Assigned user IDs): an image that expects UID 1000 or group 100 cannot write its home,
 * looks its user up in vain, or finds /opt/conda read-only — each with a recognisable log line.
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
import {annotationsOf, arr, nameOf, num, podTemplate, rec, str} from '../obj.js'
import type {Check, DoctorData, Finding, PodLogs} from '../types.js'
import type {KubeObject} from '../../cluster/index.js'
import {finding, inNs, instanceName, workloadRef} from './util.js'

interface LogHit {
  logs: PodLogs
  line: string
  previous: boolean
}

/** The last line matching `re` in the previous container's log (the crash), else the current one. */
function findLine(d: DoctorData, re: RegExp, exclude?: RegExp): LogHit[] {
  const hits: LogHit[] = []
  for (const logs of d.podLogs) {
    for (const [previous, text] of [
      [true, logs.previous],
      [false, logs.current],
    ] as const) {
      const line = [...text].reverse().find(l => re.test(l) && !exclude?.test(l))
      if (line !== undefined) {
        hits.push({logs, line: line.trim(), previous})
        break
      }
    }
  }
  return hits
}

function crashLooping(pod: KubeObject | undefined, container: string): boolean {
  const cs = arr(rec(pod?.status).containerStatuses).find(c => c.name === container)
  return rec(rec(cs?.state).waiting).reason === 'CrashLoopBackOff' || (num(cs?.restartCount) ?? 0) > 0
}

function podOf(d: DoctorData, name: string): KubeObject | undefined {
  return d.pods.find(p => nameOf(p) === name)
}

/** `uid=N gid=0 groups=...` as admitted, for the evidence. */
function identity(pod: KubeObject | undefined, container: string): string | undefined {
  if (!pod) return undefined
  const spec = rec(pod.spec)
  const c = arr(spec.containers).find(x => x.name === container)
  const psc = rec(spec.securityContext)
  const uid = num(rec(c?.securityContext).runAsUser) ?? num(psc.runAsUser)
  const supp = Array.isArray(psc.supplementalGroups) ? (psc.supplementalGroups as unknown[]).map(Number) : []
  const all = [...new Set([num(psc.fsGroup), ...supp].filter((g): g is number => typeof g === 'number'))]
  const scc = annotationsOf(pod)['openshift.io/scc']
  return `pod ${nameOf(pod)}: SCC ${scc ?? '?'}, runAsUser ${uid ?? '(image USER)'}, gid 0, supplementary groups [${all.join(', ')}]`
}

function workloadFor(d: DoctorData, pod: string): string {
  const w = d.workloads.find(x => pod.startsWith(`${nameOf(x)}-`))
  return w ? workloadRef(w) : `deployment/${d.name ?? 'notebook'}`
}

/** Whether the pod already runs with group 100 (then adding it is no remedy). */
function hasGroup100(d: DoctorData, pod: string): boolean {
  const groups = rec(rec(podOf(d, pod)?.spec).securityContext).supplementalGroups
  return Array.isArray(groups) && groups.includes(100)
}

const supplementalGroups100 = (d: DoctorData, pod: string) =>
  `oc patch ${workloadFor(d, pod)} ${inNs(d)} --type=merge -p '{"spec":{"template":{"spec":{"securityContext":{"supplementalGroups":[100]}}}}}'`

const rebuild = (d: DoctorData) => [
  `oc jupyter build ${inNs(d)}   # the assigned-UID builder: home and conda are group 0 and group-writable`,
  `oc jupyter deploy ${instanceName(d)} ${inNs(d)}`,
]

interface LogCheckSpec {
  id: string
  title: string
  pattern: RegExp
  exclude?: RegExp
  patternText: string
  explain: (hit: LogHit) => string
  remediation: (d: DoctorData, hit: LogHit) => string[]
  fix: string
}

function logCheck(spec: LogCheckSpec): Check<DoctorData> {
  return {
    id: spec.id,
    area: 'pods',
    title: spec.title,
    severity: 'error',
    reads:
      'log tails of crash-looping containers (current and previous=true) and of running notebook containers',
    fires: `a log line matches ${spec.patternText}`,
    fix: spec.fix,
    run(d): Finding[] {
      return findLine(d, spec.pattern, spec.exclude).map(hit => {
        const pod = podOf(d, hit.logs.pod)
        const id = identity(pod, hit.logs.container)
        return finding(
          spec.id,
          'error',
          `${hit.logs.pod} (${hit.logs.container}) ${crashLooping(pod, hit.logs.container) ? 'crash-loops' : 'logs'}: ${spec.explain(hit)}`,
          [`${hit.previous ? 'previous' : 'current'} log: ${hit.line}`, ...(id ? [id] : [])],
          spec.remediation(d, hit),
          {kind: 'Pod', name: hit.logs.pod},
        )
      })
    },
  }
}

const HOME =
  /(PermissionError: \[Errno 13\] Permission denied|Permission denied).*['" ](\/home\/|\/opt\/app-root\/src)/

export const homeNotWritable = logCheck({
  id: 'pods.home-not-writable',
  title: 'Notebook can write its home directory',
  pattern: HOME,
  patternText: '`Permission denied` on a path under /home (e.g. PermissionError on /home/jovyan/.jupyter)',
  explain: () =>
    "the image was built for a fixed UID (anyuid era): its home is owned by that UID and not writable by group 0, but restricted-v2 runs it as the project's UID with gid 0",
  fix: 'Rebuild with the assigned-UID builder (`oc jupyter build`), or for docker-stacks images add supplemental group 100.',
  remediation: (d, hit) => [
    ...rebuild(d),
    // docker-stacks homes are group 100 and g+w: group 100 helps there, unless the pod has it already.
    ...(hasGroup100(d, hit.logs.pod)
      ? []
      : [
          '# or, for a docker-stacks image (home group-owned by 100, users):',
          supplementalGroups100(d, hit.logs.pod),
        ]),
  ],
})

export const dockerStacksNotWritable = logCheck({
  id: 'pods.docker-stacks-not-writable',
  title: 'docker-stacks start-up can write /home/jovyan',
  pattern: /no write access to \/home\/jovyan/i,
  patternText: 'docker-stacks `no write access to /home/jovyan`',
  explain: () =>
    'the docker-stacks start script found /home/jovyan not writable: it is group-owned by 100 (users) and the pod runs with gid 0 and no group 100',
  fix: 'Add supplementalGroups [100] to the pod, or rebuild with the assigned-UID builder.',
  remediation: (d, hit) => [supplementalGroups100(d, hit.logs.pod), '# or:', ...rebuild(d)],
})

export const condaNotWritable = logCheck({
  id: 'pods.conda-not-writable',
  title: 'Conda environment is writable',
  pattern: /(EnvironmentNotWritableError|Missing write permissions in)/,
  patternText: '`EnvironmentNotWritableError` or `Missing write permissions in`',
  explain: () =>
    'conda cannot write /opt/conda: docker-stacks make it writable by group 100 (users), and the assigned UID runs with gid 0',
  fix: 'Add supplementalGroups [100] to the pod, or rebuild so /opt/conda is group 0 and g=u.',
  remediation: (d, hit) => [supplementalGroups100(d, hit.logs.pod), '# or:', ...rebuild(d)],
})

export const userLookupFailed = logCheck({
  id: 'pods.user-lookup-failed',
  title: 'The running UID has a passwd entry',
  pattern: /(getpwuid\(\): uid not found|I have no name!|cannot find name for user ID)/,
  patternText: '`getpwuid(): uid not found`, `I have no name!` or `cannot find name for user ID`',
  explain: () =>
    "the project's UID has no /etc/passwd entry: CRI-O adds one only when /etc/passwd is not group/world-writable, and then the image must add it itself",
  fix: 'Use an image whose start script adds the passwd entry (the assigned-UID builder does), or keep /etc/passwd read-only so CRI-O injects it.',
  remediation: d => rebuild(d),
})

export const permissionDenied = logCheck({
  id: 'pods.permission-denied',
  title: 'Notebook can write the paths it needs',
  pattern: /Permission denied/,
  exclude: new RegExp(
    `${HOME.source}|EnvironmentNotWritableError|Missing write permissions in|no write access to /home/jovyan`,
  ),
  patternText: '`Permission denied` on a path outside the home directory',
  explain: hit =>
    `a path is not writable by the project's UID with gid 0 (${/['"](\/[^'"]+)['"]/.exec(hit.line)?.[1] ?? 'see the log line'})`,
  fix: 'Make the path group 0 and group-writable in the image (`chgrp -R 0 DIR && chmod -R g=u DIR`), or mount a volume there.',
  remediation: d => [
    '# in the Dockerfile, in the RUN that creates DIR:  chgrp -R 0 DIR && chmod -R g=u DIR',
    ...rebuild(d),
  ],
})

export const notebookAuthMissing = logCheck({
  id: 'pods.notebook-auth-missing',
  title: "The run script does not need Notebook 6's notebook.auth",
  pattern: NOTEBOOK_AUTH_MISSING,
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
})

const KNOWN = [
  NOTEBOOK_AUTH_MISSING,
  HOME,
  /no write access to \/home\/jovyan/i,
  /(EnvironmentNotWritableError|Missing write permissions in)/,
  /(getpwuid\(\): uid not found|I have no name!|cannot find name for user ID)/,
  /Permission denied/,
]

export const crashLoopUnknown: Check<DoctorData> = {
  id: 'pods.crash-loop',
  area: 'pods',
  title: 'Containers are not crash-looping',
  severity: 'warning',
  reads: 'pod containerStatuses; log tails',
  fires: 'a container is in CrashLoopBackOff and no known log pattern explains it',
  fix: 'Read the previous container log for the cause.',
  run(d) {
    return d.pods.flatMap(p =>
      arr(rec(p.status).containerStatuses).flatMap(cs => {
        const waiting = rec(rec(cs.state).waiting)
        if (waiting.reason !== 'CrashLoopBackOff') return []
        const logs = d.podLogs.find(l => l.pod === nameOf(p) && l.container === cs.name)
        if (logs && [...logs.previous, ...logs.current].some(l => KNOWN.some(re => re.test(l)))) return []
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
        const fix =
          root || nonNumeric
            ? [
                '# in the Dockerfile: USER 1001   (numeric, non-root; the SCC still assigns the project UID)',
                `oc get pod ${nameOf(p)} ${inNs(d)} -o jsonpath='{.metadata.annotations.openshift\\.io/scc}'   # anyuid leaves runAsUser unset`,
                ...rebuild(d),
              ]
            : [`oc describe pod ${nameOf(p)} ${inNs(d)}`]
        return [
          finding(
            this.id,
            this.severity,
            `${nameOf(p)} (${str(cs.name)}) cannot start: ${explain}`,
            [`CreateContainerConfigError: ${message}`],
            fix,
            p,
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
  reads: 'Warning events FailedScheduling',
  fires: 'the scheduler cannot place a pod that is still Pending (unbound volume, resources)',
  fix: 'Resolve what the event names: bind the PVC, lower requests, or free capacity.',
  run(d) {
    return d.pods.flatMap(p => {
      if (rec(p.status).phase !== 'Pending' || str(rec(p.spec).nodeName)) return []
      const ev = d.events.filter(
        e => e.reason === 'FailedScheduling' && rec(e.involvedObject).name === nameOf(p),
      )
      if (ev.length === 0) return []
      return [
        finding(
          this.id,
          this.severity,
          `${nameOf(p)} cannot be scheduled`,
          ev.slice(-3).map(e => `FailedScheduling: ${str(e.message)}`),
          `oc describe pod ${nameOf(p)} ${inNs(d)}`,
          p,
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
  run(d) {
    return d.podLogs.flatMap(logs => {
      const line = generatedTokenLine(logs.current)
      if (line === undefined) return []
      const pod = podOf(d, logs.pod)
      const container = arr(rec(pod?.spec).containers).find(c => c.name === logs.container)
      const fromSecret = arr(container?.env).find(e => e.name === PASSWORD_ENV)
      const w = workloadFor(d, logs.pod)
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
                `oc jupyter deploy ${instanceName(d)} ${inNs(d)}   # sets ${PASSWORD_ENV} from Secret ${instanceName(d)}-password (${w})`,
              ],
          {kind: 'Pod', name: logs.pod},
        ),
      ]
    })
  },
}

export const podChecks = [
  instanceNotFound,
  createContainerConfigError,
  notebookAuthMissing,
  homeNotWritable,
  dockerStacksNotWritable,
  condaNotWritable,
  userLookupFailed,
  permissionDenied,
  crashLoopUnknown,
  generatedToken,
  unschedulable,
]

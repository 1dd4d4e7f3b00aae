/**
 * The process side of the image permission model: who a container runs as (kubelet + CRI-O rules), what
 * it may write (Unix permission checks, volume ownership management), whether its program survives
 * start-up, and what exec'd probes print. Pure functions over a profile and the admitted pod.
 */
import {arr, expandVars, isObj, num, obj, type Obj, sha256Hex, str} from './kube.js'
import {shellWords} from './dockerfile.js'
import type {ImageProfile, PasswdEntry, PathPerm, WriteStyle} from './profiles.js'
import {PATH_DIRS, type ScriptBehaviour} from './scripts.js'

export interface Identity {
  uid: number
  gid: number
  /** supplementary groups (fsGroup and supplementalGroups), not including gid */
  groups: number[]
  /** capabilities dropped ALL (root then has no CAP_DAC_OVERRIDE) */
  dropAll: boolean
}

export interface Mount {
  path: string
  writable: boolean
  kind: string
  /** a persistent volume's files (paths relative to the mount), shared by every pod that mounts it */
  contents?: Set<string>
}

export interface VolumeRules {
  /** fsGroup ownership management makes PVC mounts group-owned and group-writable (block storage) */
  ownershipManagement: boolean
  /** without fsGroup, whether the PVC root is world-writable anyway */
  worldWritable: boolean
}

/** kubelet's format.Pod: `name_namespace(uid)` */
export function formatPod(pod: {metadata: Obj}): string {
  return `${str(pod.metadata.name) ?? ''}_${str(pod.metadata.namespace) ?? ''}(${str(pod.metadata.uid) ?? ''})`
}

export type IdentityResult =
  {identity: Identity} | {reason: 'CreateContainerConfigError' | 'CreateContainerError'; message: string}

/**
 * kuberuntime: the UID is runAsUser (container, then pod), else the image's USER; with runAsNonRoot the
 * kubelet refuses root or a non-numeric image user (verifyRunAsNonRoot). The GID is runAsGroup, else the
 * image user's group (USER u:g or its passwd entry), else 0. Supplementary groups: fsGroup and
 * supplementalGroups.
 */
export function identityFor(
  pod: {metadata: Obj; spec: Obj},
  container: Obj,
  profile: ImageProfile,
): IdentityResult {
  const psc = obj(pod.spec.securityContext)
  const csc = obj(container.securityContext)
  const pick = (k: string): unknown => (csc[k] !== undefined && csc[k] !== null ? csc[k] : psc[k])
  const runAsUser = num(pick('runAsUser'))
  const runAsGroup = num(pick('runAsGroup'))
  const nonRoot = pick('runAsNonRoot') === true
  const [imgUser, imgGroup] = profile.user.split(':')
  const imageUid =
    imgUser === undefined || imgUser === '' ? 0 : /^\d+$/.test(imgUser) ? Number(imgUser) : undefined
  const who = `(pod: "${formatPod(pod)}", container: ${str(container.name) ?? ''})`
  if (nonRoot) {
    if (runAsUser === 0)
      return {
        reason: 'CreateContainerConfigError',
        message: `container's runAsUser breaks non-root policy ${who}`,
      }
    if (runAsUser === undefined) {
      if (imageUid === 0)
        return {
          reason: 'CreateContainerConfigError',
          message: `container has runAsNonRoot and image will run as root ${who}`,
        }
      if (imageUid === undefined) {
        return {
          reason: 'CreateContainerConfigError',
          message: `container has runAsNonRoot and image has non-numeric user (${imgUser}), cannot verify user is non-root ${who}`,
        }
      }
    }
  }
  let uid = runAsUser ?? imageUid
  if (uid === undefined) {
    const entry = profile.passwd.find(e => e.name === imgUser)
    if (!entry) {
      return {
        reason: 'CreateContainerError',
        message: `Error: container create failed: unable to find user ${imgUser}: no matching entries in passwd file`,
      }
    }
    uid = entry.uid
  }
  let gid = runAsGroup
  if (gid === undefined && imgGroup)
    gid = /^\d+$/.test(imgGroup) ? Number(imgGroup) : profile.groups.find(g => g.name === imgGroup)?.gid
  if (gid === undefined) gid = profile.passwd.find(e => e.uid === uid)?.gid ?? 0
  const groups = new Set<number>()
  const fsGroup = num(psc.fsGroup)
  if (fsGroup !== undefined) groups.add(fsGroup)
  for (const g of Array.isArray(psc.supplementalGroups) ? psc.supplementalGroups : [])
    if (typeof g === 'number') groups.add(g)
  groups.delete(gid)
  const drops = Array.isArray(obj(csc.capabilities).drop) ? (obj(csc.capabilities).drop as unknown[]) : []
  return {identity: {uid, gid, groups: [...groups].sort((a, b) => a - b), dropAll: drops.includes('ALL')}}
}

/**
 * The container's mounts and whether the process may write them: emptyDir is world-writable; a PVC is
 * group-owned by the fsGroup with g+w when the pod has one (volume ownership management), else writable
 * only when the scenario says its root is world-writable; configMap/secret/projected/downwardAPI are
 * read-only.
 */
export function mountsFor(
  pod: {spec: Obj},
  container: Obj,
  rules: VolumeRules,
  /** the files of the persistent volume bound to a claim, by claim name */
  contentsOf?: (claimName: string) => Set<string> | undefined,
): Mount[] {
  const volumes = new Map(arr(pod.spec.volumes).map(v => [str(v.name) ?? '', v]))
  const fsGroup = num(obj(pod.spec.securityContext).fsGroup)
  return arr(container.volumeMounts).map(m => {
    const v = volumes.get(str(m.name) ?? '') ?? {}
    const readOnly = m.readOnly === true
    let kind = 'emptyDir'
    let writable = true
    if (isObj(v.persistentVolumeClaim)) {
      kind = 'persistentVolumeClaim'
      writable = (fsGroup !== undefined && rules.ownershipManagement) || rules.worldWritable
      if (v.persistentVolumeClaim.readOnly === true) writable = false
    } else if (isObj(v.configMap) || isObj(v.secret) || isObj(v.projected) || isObj(v.downwardAPI)) {
      kind = isObj(v.configMap)
        ? 'configMap'
        : isObj(v.secret)
          ? 'secret'
          : isObj(v.projected)
            ? 'projected'
            : 'downwardAPI'
      writable = false
    } else if (isObj(v.hostPath)) {
      kind = 'hostPath'
      writable = false
    }
    const contents = isObj(v.persistentVolumeClaim)
      ? contentsOf?.(str(v.persistentVolumeClaim.claimName) ?? '')
      : undefined
    return {
      path: (str(m.mountPath) ?? '/').replace(/\/+$/, '') || '/',
      writable: writable && !readOnly,
      kind,
      ...(contents ? {contents} : {}),
    }
  })
}

/** One running (or crashed) container: the state exec probes read. */
export interface Runtime {
  profile: ImageProfile
  identity: Identity
  mounts: Mount[]
  env: Record<string, string>
  /** /etc/passwd as the process sees it (image entries, CRI-O's line, fixes) */
  passwd: PasswdEntry[]
  /** paths created since start */
  created: Set<string>
  hostname: string
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/')
  return i <= 0 ? '/' : path.slice(0, i)
}

function mountFor(rt: Runtime, path: string): Mount | undefined {
  let best: Mount | undefined
  for (const m of rt.mounts) {
    if (path === m.path || path.startsWith(m.path === '/' ? '/' : `${m.path}/`)) {
      if (!best || m.path.length > best.path.length) best = m
    }
  }
  return best
}

/** A path below a mount, relative to it (`/opt/app-root/src/a.ipynb` → `a.ipynb`); '' for the mount itself. */
function relativeTo(m: Mount, path: string): string {
  return m.path === '/' ? path.slice(1) : path.slice(m.path.length + 1)
}

/** Records a created path: in the container, and on the persistent volume it lies on (it outlives the pod). */
function recordCreated(rt: Runtime, path: string): void {
  rt.created.add(path)
  const m = mountFor(rt, path)
  if (m?.contents && path !== m.path) m.contents.add(relativeTo(m, path))
}

/** A path exists when the image declares it (or something below it), a volume is mounted there, or it was created. */
export function exists(rt: Runtime, path: string): boolean {
  if (rt.created.has(path) || rt.profile.paths[path]) return true
  const m = mountFor(rt, path)
  if (m?.contents) {
    const rel = relativeTo(m, path)
    if (rel === '' || m.contents.has(rel) || [...m.contents].some(c => c.startsWith(`${rel}/`))) return true
  }
  if (rt.mounts.some(m => m.path === path || m.path.startsWith(`${path}/`))) return true
  return Object.keys(rt.profile.paths).some(p => p.startsWith(`${path}/`))
}

function permOf(rt: Runtime, path: string): PathPerm {
  if (rt.profile.paths[path]) return rt.profile.paths[path]
  if (rt.created.has(path)) return {uid: rt.identity.uid, gid: rt.identity.gid, mode: 0o755}
  // written on the volume by an earlier pod: the notebook's files keep the UID that wrote them
  if (mountFor(rt, path)?.contents && exists(rt, path))
    return {uid: rt.identity.uid, gid: rt.identity.gid, mode: 0o755}
  return {uid: 0, gid: 0, mode: 0o755}
}

function isDir(rt: Runtime, path: string): boolean {
  const m = mountFor(rt, path)
  if (m && m.path === path) return true
  const declared = rt.profile.paths[path]
  if (declared) return declared.type !== 'file'
  return exists(rt, path)
}

/** Unix access check: the owner class, else the group class (gid or a supplementary group), else other. */
export function permits(identity: Identity, perm: PathPerm, bit: 4 | 2 | 1): boolean {
  if (identity.uid === 0 && !identity.dropAll && bit !== 1) return true
  if (identity.uid === perm.uid) return ((perm.mode >> 6) & bit) !== 0
  if (identity.gid === perm.gid || identity.groups.includes(perm.gid)) return ((perm.mode >> 3) & bit) !== 0
  return (perm.mode & bit) !== 0
}

/** `test -w PATH`: the path exists and the process may write it. */
export function writable(rt: Runtime, path: string): boolean {
  const m = mountFor(rt, path)
  if (m) return m.path === path || rt.created.has(path) || exists(rt, path) ? m.writable : false
  if (!exists(rt, path)) return false
  return permits(rt.identity, permOf(rt, path), 2)
}

/** Whether the process can create (or, when it exists, write into) a path. */
export function canCreate(rt: Runtime, path: string): boolean {
  const m = mountFor(rt, path)
  if (m) return m.writable
  if (exists(rt, path)) return writable(rt, path)
  let dir = parentOf(path)
  while (!exists(rt, dir) && dir !== '/') dir = parentOf(dir)
  return writable(rt, dir)
}

function groupOrWorldWritable(perm: PathPerm): boolean {
  return (perm.mode & 0o022) !== 0
}

export function userName(rt: Runtime, uid: number): string | undefined {
  return rt.passwd.find(e => e.uid === uid)?.name
}

function groupName(rt: Runtime, gid: number): string | undefined {
  return rt.profile.groups.find(g => g.gid === gid)?.name
}

export interface StartResult {
  runtime: Runtime
  ok: boolean
  log: string[]
  exitCode: number
}

function writeError(style: WriteStyle, path: string, rt: Runtime): string[] {
  switch (style) {
    case 'mkdir':
      return [`mkdir: cannot create directory '${path}': Permission denied`]
    case 'touch':
      return [`touch: cannot touch '${path}': Permission denied`]
    case 'conda':
      return [
        'EnvironmentNotWritableError: The current user does not have write permissions to the target environment.',
        `  environment location: ${path}`,
        `  uid: ${rt.identity.uid}`,
        `  gid: ${rt.identity.gid}`,
      ]
    default:
      return [
        'Traceback (most recent call last):',
        '  File "/opt/conda/bin/jupyter-notebook", line 11, in <module>',
        '    sys.exit(main())',
        '  File "/opt/conda/lib/python3.11/site-packages/jupyter_core/application.py", line 283, in launch_instance',
        '    super().launch_instance(argv=argv, **kwargs)',
        '  File "/opt/conda/lib/python3.11/site-packages/jupyter_core/paths.py", line 112, in ensure_dir_exists',
        '    os.makedirs(path, mode=mode)',
        '  File "<frozen os>", line 225, in makedirs',
        `PermissionError: [Errno 13] Permission denied: '${path}'`,
      ]
  }
}

/** How the Jupyter server authenticates: a password hash, a token from the environment, or one it made up. */
type Auth = {kind: 'password'} | {kind: 'env-token'} | {kind: 'generated'; token: string}

/**
 * The program at the head of `words` that the image knows (tini and its flags are skipped): a path, or a
 * bare name looked up on PATH.
 */
function programOf(
  profile: ImageProfile,
  words: string[],
): {path: string; behaviour?: ScriptBehaviour; rest: string[]} | undefined {
  let i = 0
  if (words[i] === 'tini' || words[i] === '/usr/bin/tini') {
    i++
    while (words[i]?.startsWith('-')) i++
  }
  const word = words[i]
  if (word === undefined) return undefined
  const path = word.startsWith('/')
    ? word
    : (PATH_DIRS.map(d => `${d}/${word}`).find(p => profile.files[p]) ?? `/usr/local/bin/${word}`)
  return {path, behaviour: profile.files[path], rest: words.slice(i + 1)}
}

/** The server's startup lines, as Notebook < 7 (NotebookApp) or jupyter_server (ServerApp) print them. */
function serverLog(rt: Runtime, auth: Auth, time: string, args: string[]): string[] {
  const nb = rt.profile.jupyter?.notebook ?? 0
  const lab = nb >= 7
  const notebookDir = args.find(a => a.startsWith('--notebook-dir='))?.slice(15) ?? rt.profile.home
  const query = auth.kind === 'password' ? '' : `?token=${auth.kind === 'env-token' ? '...' : auth.token}`
  const path = lab ? '/lab' : '/'
  const app = lab ? 'ServerApp' : 'NotebookApp'
  const at = (l: string) => `[I ${time} ${app}] ${l}`
  return lab
    ? [
        at('jupyterlab | extension was successfully linked.'),
        at(
          `Writing Jupyter server cookie secret to ${rt.profile.home}/.local/share/jupyter/runtime/jupyter_cookie_secret`,
        ),
        at(`Serving notebooks from local directory: ${notebookDir}`),
        at(`Jupyter Server ${rt.profile.jupyter?.server ?? 2} is running at:`),
        at(`http://${rt.hostname}:8888${path}${query}`),
        at(`    http://127.0.0.1:8888${path}${query}`),
        at('Use Control-C to stop this server and shut down all kernels (twice to skip confirmation).'),
      ]
    : [
        at(
          `Writing notebook server cookie secret to ${rt.profile.home}/.local/share/jupyter/runtime/notebook_cookie_secret`,
        ),
        at(`Serving notebooks from local directory: ${notebookDir}`),
        at('The Jupyter Notebook is running at:'),
        at(`http://${rt.hostname}:8888${path}${query}`),
        at('Use Control-C to stop this server and shut down all kernels (twice to skip confirmation).'),
      ]
}

/**
 * Starts the container's program chain (ENTRYPOINT + CMD, or the pod's command/args): CRI-O first adds
 * a passwd line for the UID unless /etc/passwd is group- or world-writable; then each known program
 * runs in turn (scripts.ts) — docker-stacks' start.sh, the s2i run script, start-notebook — up to the
 * Jupyter server, which needs its start-up writes and, for some images, a user name.
 */
export function startContainer(
  profile: ImageProfile,
  identity: Identity,
  mounts: Mount[],
  env: Record<string, string>,
  hostname: string,
  time: string,
  command?: {command?: string[]; args?: string[]; namespace?: string},
): StartResult {
  const rt: Runtime = {
    profile,
    identity,
    mounts,
    env,
    passwd: structuredClone(profile.passwd),
    created: new Set(),
    hostname,
  }
  const log: string[] = []
  const uid = identity.uid
  const fullEnv = {...profile.env, ...env}
  const imageUserName =
    profile.env.NB_USER ??
    profile.passwd.find(e => String(e.uid) === profile.user.split(':')[0])?.name ??
    'user'
  const crash = (lines: string[], exitCode = 1): StartResult => {
    log.push(...lines)
    return {runtime: rt, ok: false, log, exitCode}
  }
  if (!rt.passwd.some(e => e.uid === uid) && !groupOrWorldWritable(permOf(rt, '/etc/passwd'))) {
    // CRI-O: `<uid>:x:<uid>:<gid>:<uid> user:<home>:/sbin/nologin`
    rt.passwd.push({
      name: String(uid),
      uid,
      gid: identity.gid,
      gecos: `${uid} user`,
      home: profile.home || '/',
      shell: '/sbin/nologin',
    })
  }
  let words = command?.command
    ? [...command.command, ...(command.args ?? [])]
    : [...profile.entrypoint, ...(command?.args ?? profile.cmd)]
  let auth: Auth | undefined
  for (let hop = 0; hop < 8; hop++) {
    const program = programOf(profile, words)
    const behaviour = program?.behaviour
    if (!program || !behaviour) break
    if (behaviour.script === 'docker-stacks-start') {
      log.push(`Entered start.sh with args: ${program.rest.join(' ')}`)
      if (uid !== 0 && !rt.passwd.some(e => e.uid === uid)) {
        log.push(`There is no entry in /etc/passwd for our UID=${uid}. Attempting to fix...`)
        if (writable(rt, '/etc/passwd')) {
          const old = rt.passwd.find(e => e.name === imageUserName)
          const reversed = [...imageUserName].reverse().join('')
          if (old) {
            log.push(`Renaming old ${imageUserName} user to ${reversed} (${old.uid}:${old.gid})`)
            old.name = reversed
          }
          rt.passwd.push({
            name: imageUserName,
            uid,
            gid: identity.gid,
            home: profile.home,
            shell: '/bin/bash',
          })
          log.push(`Added new ${imageUserName} user (${uid}:${identity.gid}). Fixed UID!`)
        } else {
          log.push(
            `WARNING: unable to fix missing /etc/passwd entry because we don't have write permission. Try setting gid=0 with "--user=$(id -u):0".`,
          )
        }
      }
      if (profile.home && !writable(rt, profile.home)) {
        log.push(
          `WARNING: no write access to ${profile.home}. Try starting the container with group 'users' (100), e.g. using "--group-add=users".`,
        )
      }
      log.push(`Executing the command: ${program.rest.join(' ')}`)
      words = program.rest
      continue
    }
    if (behaviour.script === 's2i-run') {
      const script = program.path
      if (behaviour.passwdFix && uid >= 10000) {
        // `cat /tmp/passwd > /etc/passwd` under `set -e`
        if (!writable(rt, '/etc/passwd')) return crash([`${script}: line 11: /etc/passwd: Permission denied`])
        for (const e of rt.passwd) if (e.name === imageUserName) e.name = 'builder'
        rt.passwd.push({
          name: imageUserName,
          uid,
          gid: identity.gid,
          gecos: ',,,',
          home: profile.home,
          shell: '/bin/bash',
        })
      }
      if (fullEnv.JUPYTER_NOTEBOOK_PASSWORD) {
        // `python -c "import notebook.auth; print(notebook.auth.passwd(...))"`; Notebook 7 has no notebook.auth
        const nb = profile.jupyter?.notebook
        if (nb === undefined || nb >= 7) {
          return crash([
            'Traceback (most recent call last):',
            '  File "<string>", line 1, in <module>',
            nb === undefined
              ? "ModuleNotFoundError: No module named 'notebook'"
              : "ModuleNotFoundError: No module named 'notebook.auth'",
          ])
        }
        auth = {kind: 'password'}
      }
      const root = expandVars('${PERSISTENT_VOLUME_ROOTDIR}', fullEnv)
      let notebookDir = fullEnv.JUPYTER_NOTEBOOK_DIR ?? `/home/${imageUserName}/work`
      if (root) {
        const workdir = `${root}/${fullEnv.PERSISTENT_VOLUME_WORKSPACE || 'work'}`
        if (!exists(rt, workdir)) {
          if (!canCreate(rt, workdir))
            return crash([`mkdir: cannot create directory '${workdir}': Permission denied`])
          rt.created.add(workdir)
        }
        notebookDir = root
      }
      log.push(...(behaviour.banner ?? []))
      words = ['/usr/local/bin/start-notebook.sh', `--notebook-dir=${notebookDir}`]
      if (!profile.files[words[0]]) {
        return crash([`${script}: line 60: /usr/local/bin/start-notebook.sh: No such file or directory`], 127)
      }
      continue
    }
    if (behaviour.script === 'oauth-proxy') {
      const arg = (flag: string) => program.rest.find(a => a.startsWith(`--${flag}=`))?.slice(flag.length + 3)
      const at = (l: string) => `${time.replace(/\.\d+$/, '').replace(/-/g, '/')} ${l}`
      const sa = arg('openshift-service-account')
      const files = [
        ...(sa ? ['/var/run/secrets/kubernetes.io/serviceaccount/token'] : []),
        arg('cookie-secret-file'),
        arg('tls-cert'),
        arg('tls-key'),
      ].filter((f): f is string => f !== undefined && f !== '')
      const unreadable = files.find(f => !mounts.some(m => f.startsWith(`${m.path}/`)))
      if (unreadable) return crash([at(`main.go:145: open ${unreadable}: no such file or directory`)])
      const clientId = `system:serviceaccount:${command?.namespace ?? 'default'}:${sa ?? 'default'}`
      log.push(
        ...(sa
          ? [
              at(`provider.go:129: Defaulting client-id to ${clientId}`),
              at(
                'provider.go:134: Defaulting client-secret to service account token /var/run/secrets/kubernetes.io/serviceaccount/token',
              ),
            ]
          : []),
        at(`oauthproxy.go:210: mapping path "/" => upstream "${arg('upstream') ?? ''}/"`),
        at(`oauthproxy.go:237: OAuthProxy configured for OpenShift Client ID: ${clientId}`),
        at(`http.go:110: HTTPS: listening on [::]:${(arg('https-address') ?? ':8443').split(':').pop()}`),
      )
      return {runtime: rt, ok: true, log, exitCode: 0}
    }
    if (behaviour.script === 'jupyter-start') {
      if (program.path.endsWith('start-notebook.sh') && profile.files['/usr/local/bin/start-notebook.py'])
        log.push('WARNING: Use start-notebook.py instead')
      const hasName = rt.passwd.some(e => e.uid === uid)
      if (!hasName && profile.needsUserName) return crash(userNameError(uid))
      for (const w of profile.writesAtStart) {
        const path = expandVars(w.path, fullEnv)
        if (path === undefined) continue
        if (!canCreate(rt, path)) return crash(writeError(w.style ?? 'python', path, rt))
        rt.created.add(path)
      }
      // JUPYTER_TOKEN: Notebook >= 5.2 (jupyter/notebook#2921) and every jupyter_server
      const readsEnvToken = (profile.jupyter?.server ?? 0) >= 1 || (profile.jupyter?.notebook ?? 0) >= 5.2
      auth ??=
        fullEnv.JUPYTER_TOKEN && readsEnvToken
          ? {kind: 'env-token'}
          : {kind: 'generated', token: sha256Hex(`token/${hostname}`).slice(0, 48)}
      log.push(...serverLog(rt, auth, time, program.rest))
      return {runtime: rt, ok: true, log, exitCode: 0}
    }
    break
  }
  if (!rt.passwd.some(e => e.uid === uid) && profile.needsUserName) return crash(userNameError(uid))
  log.push(
    ...profile.startupLog.map(l => l.replaceAll('${HOSTNAME}', rt.hostname).replaceAll('${TIME}', time)),
  )
  return {runtime: rt, ok: true, log, exitCode: 0}
}

function userNameError(uid: number): string[] {
  return [
    'Traceback (most recent call last):',
    '  File "/opt/conda/bin/jupyter-notebook", line 5, in <module>',
    '    user = pwd.getpwuid(os.getuid()).pw_name',
    `KeyError: 'getpwuid(): uid not found: ${uid}'`,
  ]
}

// --- exec probes -------------------------------------------------------------------------------------

export interface ExecOutput {
  stdout: string
  stderr: string
  exitCode: number
}

function idLine(rt: Runtime): string {
  const {uid, gid, groups} = rt.identity
  const n = (v: number, name: string | undefined) => (name ? `${v}(${name})` : `${v}`)
  const all = [gid, ...groups.filter(g => g !== gid)]
  return `uid=${n(uid, userName(rt, uid))} gid=${n(gid, groupName(rt, gid))} groups=${all.map(g => n(g, groupName(rt, g))).join(',')}`
}

function modeString(rt: Runtime, path: string): string {
  const perm = permOf(rt, path)
  const m = perm.mode
  const bit = (b: number, c: string) => (m & b ? c : '-')
  const x = (b: number, special: number, on: string, off: string) =>
    m & special ? (m & b ? on : off) : m & b ? 'x' : '-'
  return (
    (isDir(rt, path) ? 'd' : '-') +
    bit(0o400, 'r') +
    bit(0o200, 'w') +
    x(0o100, 0o4000, 's', 'S') +
    bit(0o040, 'r') +
    bit(0o020, 'w') +
    x(0o010, 0o2000, 's', 'S') +
    bit(0o004, 'r') +
    bit(0o002, 'w') +
    x(0o001, 0o1000, 't', 'T')
  )
}

function envOf(rt: Runtime): Record<string, string> {
  const name = userName(rt, rt.identity.uid)
  const home = rt.profile.env.HOME ?? rt.passwd.find(e => e.uid === rt.identity.uid)?.home ?? '/'
  return {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOSTNAME: rt.hostname,
    ...rt.profile.env,
    HOME: home,
    ...(name ? {USER: name} : {}),
    ...rt.env,
  }
}

/** Runs one simple command (no pipes). */
function runOne(rt: Runtime, words: string[], inShell: boolean): ExecOutput {
  const out = (stdout: string, exitCode = 0): ExecOutput => ({stdout, stderr: '', exitCode})
  const err = (stderr: string, exitCode = 1): ExecOutput => ({stdout: '', stderr, exitCode})
  const [cmd, ...args] = words
  const uid = rt.identity.uid
  switch (cmd) {
    case undefined:
      return out('')
    case 'true':
    case ':':
      return out('')
    case 'false':
      return {stdout: '', stderr: '', exitCode: 1}
    case 'echo':
      return out(`${args.join(' ')}\n`)
    case 'id': {
      if (args.length === 0) return out(`${idLine(rt)}\n`)
      const flags = args.join('')
      if (flags.includes('u') && flags.includes('n')) {
        const n = userName(rt, uid)
        return n ? out(`${n}\n`) : err(`id: cannot find name for user ID ${uid}\n`)
      }
      if (flags.includes('g') && flags.includes('n')) {
        const n = groupName(rt, rt.identity.gid)
        return n ? out(`${n}\n`) : err(`id: cannot find name for group ID ${rt.identity.gid}\n`)
      }
      if (flags.includes('u')) return out(`${uid}\n`)
      if (flags.includes('G')) return out(`${[rt.identity.gid, ...rt.identity.groups].join(' ')}\n`)
      if (flags.includes('g')) return out(`${rt.identity.gid}\n`)
      return out(`${idLine(rt)}\n`)
    }
    case 'whoami': {
      const n = userName(rt, uid)
      return n ? out(`${n}\n`) : err(`whoami: cannot find name for user ID ${uid}\n`)
    }
    case 'test':
    case '[': {
      const a = cmd === '[' ? args.slice(0, -1) : args
      const negate = a[0] === '!'
      const [flag, path] = negate ? a.slice(1) : a
      let r = false
      if (flag === '-w') r = writable(rt, path ?? '')
      else if (flag === '-e') r = exists(rt, path ?? '')
      else if (flag === '-d') r = exists(rt, path ?? '') && isDir(rt, path ?? '')
      else if (flag === '-f') r = exists(rt, path ?? '') && !isDir(rt, path ?? '')
      else if (flag === '-r') r = exists(rt, path ?? '') && permits(rt.identity, permOf(rt, path ?? ''), 4)
      else if (flag === '-x') r = exists(rt, path ?? '') && permits(rt.identity, permOf(rt, path ?? ''), 1)
      else if (flag === '-n') r = (path ?? '') !== ''
      else if (flag === '-z') r = (path ?? '') === ''
      return {stdout: '', stderr: '', exitCode: r !== negate ? 0 : 1}
    }
    case 'env':
    case 'printenv': {
      const e = envOf(rt)
      if (cmd === 'printenv' && args[0])
        return e[args[0]] !== undefined ? out(`${e[args[0]]}\n`) : {stdout: '', stderr: '', exitCode: 1}
      return out(
        Object.entries(e)
          .map(([k, v]) => `${k}=${v}\n`)
          .join(''),
      )
    }
    case 'pwd':
      return out(`${rt.profile.workingDir ?? '/'}\n`)
    case 'hostname':
      return out(`${rt.hostname}\n`)
    case 'cat': {
      const file = args[0] ?? ''
      if (file === '/etc/passwd') {
        return out(
          rt.passwd
            .map(e => `${e.name}:x:${e.uid}:${e.gid}:${e.gecos ?? ''}:${e.home}:${e.shell ?? '/bin/bash'}\n`)
            .join(''),
        )
      }
      if (file === '/etc/group') return out(rt.profile.groups.map(g => `${g.name}:x:${g.gid}:\n`).join(''))
      return err(`cat: ${file}: No such file or directory\n`)
    }
    case 'getent': {
      if (args[0] !== 'passwd') return {stdout: '', stderr: '', exitCode: 2}
      const key = args[1]
      const e = rt.passwd.find(x => (key === undefined ? true : x.name === key || String(x.uid) === key))
      if (!e) return {stdout: '', stderr: '', exitCode: 2}
      return out(`${e.name}:x:${e.uid}:${e.gid}:${e.gecos ?? ''}:${e.home}:${e.shell ?? '/bin/bash'}\n`)
    }
    case 'touch':
    case 'mkdir': {
      const paths = args.filter(a => !a.startsWith('-'))
      for (const p of paths) {
        if (cmd === 'mkdir' && exists(rt, p) && !args.includes('-p'))
          return err(`mkdir: cannot create directory '${p}': File exists\n`)
        if (!canCreate(rt, p)) {
          return err(
            cmd === 'touch'
              ? `touch: cannot touch '${p}': Permission denied\n`
              : `mkdir: cannot create directory '${p}': Permission denied\n`,
          )
        }
        recordCreated(rt, p)
      }
      return out('')
    }
    case 'stat': {
      const fi = args.indexOf('-c')
      const format = fi >= 0 ? (args[fi + 1] ?? '') : '%n'
      const paths = args.filter((a, i) => !a.startsWith('-') && i !== fi + 1)
      const lines: string[] = []
      for (const p of paths) {
        if (!exists(rt, p)) return err(`stat: cannot statx '${p}': No such file or directory\n`)
        const perm = permOf(rt, p)
        lines.push(
          format
            .replaceAll('%u', String(perm.uid))
            .replaceAll('%g', String(perm.gid))
            .replaceAll('%a', (perm.mode & 0o7777).toString(8))
            .replaceAll('%A', modeString(rt, p))
            .replaceAll('%U', userName(rt, perm.uid) ?? 'UNKNOWN')
            .replaceAll('%G', groupName(rt, perm.gid) ?? 'UNKNOWN')
            .replaceAll('%n', p),
        )
      }
      return out(lines.map(l => `${l}\n`).join(''))
    }
    case 'ls': {
      const paths = args.filter(a => !a.startsWith('-'))
      const lines: string[] = []
      for (const p of paths.length ? paths : [rt.profile.workingDir ?? '/']) {
        if (!exists(rt, p)) return err(`ls: cannot access '${p}': No such file or directory\n`, 2)
        const perm = permOf(rt, p)
        const owner = userName(rt, perm.uid) ?? String(perm.uid)
        const group = groupName(rt, perm.gid) ?? String(perm.gid)
        lines.push(`${modeString(rt, p)}. 1 ${owner} ${group} 4096 Jan  1 00:00 ${p}`)
      }
      return out(lines.map(l => `${l}\n`).join(''))
    }
    case 'sh':
    case 'bash':
    case '/bin/sh':
    case '/bin/bash': {
      const ci = args.indexOf('-c')
      if (ci < 0) return out('')
      return runScript(rt, args[ci + 1] ?? '')
    }
    default:
      if (inShell) return err(`sh: 1: ${cmd}: not found\n`, 127)
      return err(
        `OCI runtime exec failed: exec failed: unable to start container process: exec: "${cmd}": executable file not found in $PATH: unknown\n`,
        126,
      )
  }
}

/** A minimal `sh -c`: `;`, `&&`, `||` and variable expansion. */
function runScript(rt: Runtime, script: string): ExecOutput {
  let stdout = ''
  let stderr = ''
  let exitCode = 0
  const tokens: Array<{cmd: string; op: string}> = []
  let rest = script
  const re = /(&&|\|\||;|\n)/
  while (rest.length) {
    const m = re.exec(rest)
    if (!m) {
      tokens.push({cmd: rest, op: ''})
      break
    }
    tokens.push({cmd: rest.slice(0, m.index), op: m[1]})
    rest = rest.slice(m.index + m[1].length)
  }
  let prevOp = ''
  for (const t of tokens) {
    const skip = (prevOp === '&&' && exitCode !== 0) || (prevOp === '||' && exitCode === 0)
    prevOp = t.op
    if (skip) continue
    const env = envOf(rt)
    const expanded = t.cmd.replace(/\$\(id -u\)/g, String(rt.identity.uid))
    const words = shellWords(expanded).map(w => expandVars(w, env) ?? w)
    if (words.length === 0) continue
    const r = runOne(rt, words, true)
    stdout += r.stdout
    stderr += r.stderr
    exitCode = r.exitCode
  }
  return {stdout, stderr, exitCode}
}

/** An exec'd command, as `kubectl exec POD -- CMD...` passes it (argv, no shell unless it is `sh -c`). */
export function execCommand(rt: Runtime, command: string[]): ExecOutput {
  if (command.length === 1 && /[;&|]/.test(command[0])) return runScript(rt, command[0])
  return runOne(rt, command, false)
}

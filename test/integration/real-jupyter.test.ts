/**
 * The password mechanism against a REAL Jupyter server, not the fake: the server is started the way the
 * rendered Deployment starts it — its environment from the rendered container (PERSISTENT_VOLUME_ROOTDIR,
 * JUPYTER_TOKEN from the rendered Secret), as an arbitrary UID with GID 0 and the pod's groups (the SCC's
 * fsGroup and supplementalGroups [100]), HOME on a group-0 writable directory — then we log in over HTTP
 * through the login form, as a person does, with the Secret's password (accepted) and a wrong one
 * (refused).
 *
 * Also the --auth openshift notebook (behind oauth-proxy): with the rendered Jupyter config (the
 * ConfigMap's files in JUPYTER_CONFIG_PATH), the server listens on 127.0.0.1 only, with no token or
 * password — the proxy in front is the only way in.
 *
 * Covered: Debian 12's Notebook 6.4.12 (`NotebookApp`) and jupyter_server 1.23.3 (`ServerApp`), the
 * servers the image's `--notebook-dir` argument and JUPYTER_TOKEN reach. The image's newer ones
 * (jupyter_server 2.x behind Notebook 7 / JupyterLab 4) read JUPYTER_TOKEN in
 * `IdentityProvider._token_default` and accept it in `process_login_form` (`self.token ==
 * typed_password`), the same two steps proved here (jupyter_server/auth/identity.py, read for this test).
 *
 * Needs Debian's python3-notebook and python3-jupyter-server (`.ci/run` installs them) and root (to
 * switch to the arbitrary UID with setpriv). Skipped with the reason otherwise; under CI it fails.
 */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import {createServer} from 'node:net'
import {networkInterfaces, tmpdir} from 'node:os'
import path from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {renderNotebook} from '../../src/lib/render/notebook.js'
import {randomPassword} from '../../src/lib/render/secret.js'
import {parseDeployOptions} from '../../src/lib/values/deploy-options.js'

const PYTHONS = ['/usr/bin/python3', 'python3']
const ASSIGNED_UID = 1000040000
const FS_GROUP = 1000040000

function findPython(): string | undefined {
  return PYTHONS.find(
    py => spawnSync(py, ['-c', 'import notebook, jupyter_server'], {stdio: 'ignore'}).status === 0,
  )
}

const python = findPython()
const isRoot = process.getuid?.() === 0
const hasSetpriv = spawnSync('setpriv', ['--version'], {stdio: 'ignore'}).status === 0
const missing = !python
  ? 'Debian packages python3-notebook and python3-jupyter-server are not installed (apt-get install python3-notebook python3-jupyter-server)'
  : !isRoot || !hasSetpriv
    ? 'switching to an arbitrary UID needs root and setpriv (util-linux)'
    : undefined

if (missing && process.env.CI) {
  describe('real Jupyter login', () => {
    it('has what it needs under CI', () => {
      throw new Error(`cannot run the real-Jupyter login test under CI: ${missing}`)
    })
  })
} else if (missing) {
  describe.skip(`real Jupyter login (skipped: ${missing})`, () => {
    it('logs in', () => undefined)
  })
} else {
  const root = mkdtempSync(path.join(tmpdir(), 'ocj-real-jupyter-'))
  // mkdtemp makes it 0700: the arbitrary UID must be able to reach the directories below
  chmodSync(root, 0o755)
  afterAll(() => rmSync(root, {recursive: true, force: true}))

  /** What the pod gets from the rendered objects: env (Secret values resolved) and groups. */
  function podFromRenderedObjects(volume: string) {
    const password = randomPassword()
    const opts = parseDeployOptions({}, {'mount-path': volume})
    const objs = renderNotebook(opts, password)
    const secretData = (objs.secret! as unknown as {data: Record<string, string>}).data
    type Env = {name: string; value?: string; valueFrom?: {secretKeyRef?: {name: string; key: string}}}
    const template = (objs.workload as any).spec.template.spec
    const container = template.containers[0] as {env: Env[]}
    const env: Record<string, string> = {}
    for (const e of container.env) {
      if (e.value !== undefined) env[e.name] = e.value
      const ref = e.valueFrom?.secretKeyRef
      if (ref) {
        expect(ref.name).toBe(objs.secret!.metadata.name)
        env[e.name] = Buffer.from(secretData[ref.key], 'base64').toString('utf8')
      }
    }
    const groups: number[] = [0, FS_GROUP, ...(template.securityContext.supplementalGroups as number[])]
    return {password, env, groups}
  }

  async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
      const srv = createServer()
      srv.once('error', reject)
      srv.listen(0, '127.0.0.1', () => {
        const port = (srv.address() as {port: number}).port
        srv.close(() => resolve(port))
      })
    })
  }

  /** A group-0, group-writable directory (what an image guideline dir or an fsGroup volume is). */
  function groupZeroDir(dir: string): string {
    mkdirSync(dir, {recursive: true})
    chmodSync(path.dirname(dir), 0o755)
    chownSync(dir, 0, 0)
    chmodSync(dir, 0o2775)
    return dir
  }

  interface Running {
    child: ChildProcess
    port: number
    log: () => string
    home: string
  }

  async function startServer(
    module: 'notebook' | 'jupyter_server',
    env: Record<string, string>,
    groups: number[],
    o: {noIp?: boolean; home?: string} = {},
  ) {
    const home = groupZeroDir(o.home ?? path.join(root, module, 'home'))
    const volume = env.PERSISTENT_VOLUME_ROOTDIR
    groupZeroDir(volume)
    const port = await freePort()
    let log = ''
    // The image's run script ends with `start-notebook.sh --notebook-dir=$PERSISTENT_VOLUME_ROOTDIR`.
    const child = spawn(
      'setpriv',
      [
        `--reuid=${ASSIGNED_UID}`,
        '--regid=0',
        `--groups=${groups.join(',')}`,
        python as string,
        '-m',
        module,
        '--no-browser',
        ...(o.noIp ? [] : ['--ip=127.0.0.1']),
        `--port=${port}`,
        '--port-retries=0',
        `--notebook-dir=${volume}`,
      ],
      {
        cwd: volume,
        env: {PATH: '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8', ...env},
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    child.stdout?.on('data', d => (log += d))
    child.stderr?.on('data', d => (log += d))
    const running: Running = {child, port, log: () => log, home}
    const deadline = Date.now() + 60_000
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${module} exited ${child.exitCode}:\n${log}`)
      try {
        const r = await fetch(`http://127.0.0.1:${port}/login`)
        if (r.status === 200) return running
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`${module} did not serve /login in 60 s:\n${log}`)
      await new Promise(r => setTimeout(r, 200))
    }
  }

  /** The login form as a browser submits it: the `_xsrf` cookie from GET /login, then a POST. */
  async function login(port: number, password: string): Promise<{status: number; cookies: string}> {
    const base = `http://127.0.0.1:${port}`
    const page = await fetch(`${base}/login`)
    const xsrf = page.headers
      .getSetCookie()
      .map(c => c.split(';')[0])
      .find(c => c.startsWith('_xsrf='))
    expect(xsrf, 'the login page sets an _xsrf cookie').toBeDefined()
    const r = await fetch(`${base}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: {'content-type': 'application/x-www-form-urlencoded', cookie: xsrf as string},
      body: new URLSearchParams({_xsrf: decodeURIComponent((xsrf as string).slice(6)), password}).toString(),
    })
    const cookies = [xsrf, ...r.headers.getSetCookie().map(c => c.split(';')[0])].join('; ')
    return {status: r.status, cookies}
  }

  function processUid(pid: number): number {
    // setpriv execs the server: the pid is the server's
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    return Number(/^Uid:\s+(\d+)/m.exec(status)?.[1])
  }

  /** The --auth openshift pod: its Jupyter config written where the ConfigMap is mounted. */
  function openshiftPod(volume: string, configDir: string) {
    const opts = parseDeployOptions({}, {'mount-path': volume, auth: 'openshift'})
    const objs = renderNotebook(opts, 'unused')
    const cm = objs.jupyterConfig as unknown as {data: Record<string, string>}
    mkdirSync(configDir, {recursive: true})
    for (const [file, text] of Object.entries(cm.data)) writeFileSync(path.join(configDir, file), text)
    type Env = {name: string; value?: string}
    const container = (objs.workload as any).spec.template.spec.containers[0] as {env: Env[]}
    const env: Record<string, string> = {}
    for (const e of container.env) if (e.value !== undefined) env[e.name] = e.value
    // The rendered path is where the ConfigMap is mounted in the pod; here it is configDir. After it
    // (lower priority, like /etc/jupyter in the image) what docker-stacks' jupyter_server_config.py
    // sets: listen on every address. Ours must win.
    const imageConfig = path.join(path.dirname(configDir), 'image-etc-jupyter')
    mkdirSync(imageConfig, {recursive: true})
    for (const file of ['jupyter_server_config.json', 'jupyter_notebook_config.json'])
      writeFileSync(
        path.join(imageConfig, file),
        JSON.stringify({ServerApp: {ip: '0.0.0.0'}, NotebookApp: {ip: '0.0.0.0'}}),
      )
    env.JUPYTER_CONFIG_PATH = `${configDir}:${imageConfig}`
    return env
  }

  const nonLoopback = Object.values(networkInterfaces())
    .flat()
    .find(i => i && i.family === 'IPv4' && !i.internal)?.address

  for (const module of ['notebook', 'jupyter_server'] as const) {
    describe(`--auth openshift behind the proxy: ${module} listens on 127.0.0.1 only, without token or password`, () => {
      let server: Running | undefined
      afterAll(() => {
        server?.child.kill('SIGKILL')
      })
      it('serves the API on 127.0.0.1 to anyone (the proxy in front decides) and nothing on other addresses', async () => {
        const base = path.join(root, `${module}-openshift`)
        const env = openshiftPod(path.join(base, 'volume'), path.join(base, 'config'))
        expect(Object.keys(env)).toEqual(['PERSISTENT_VOLUME_ROOTDIR', 'JUPYTER_CONFIG_PATH'])
        // without --ip: the config decides where it listens
        server = await startServer(module, env, [0, FS_GROUP, 100], {
          noIp: true,
          home: path.join(base, 'home'),
        })
        const api = await fetch(`http://127.0.0.1:${server.port}/api/status`)
        expect(api.status).toBe(200)
        expect(server.log()).not.toMatch(/token=[0-9a-f]{48}/)
        if (nonLoopback) {
          const err = await fetch(`http://${nonLoopback}:${server.port}/api/status`).catch((e: unknown) => e)
          expect(err, `reachable on ${nonLoopback}`).toBeInstanceOf(Error)
        }
      })
    })
  }

  for (const module of ['notebook', 'jupyter_server'] as const) {
    describe(`real Jupyter login: ${module} (${module === 'notebook' ? 'Notebook 6' : 'jupyter_server 1'})`, () => {
      let server: Running | undefined
      let password = ''
      afterAll(() => {
        server?.child.kill('SIGKILL')
      })

      it('runs as the assigned UID with GID 0 and writes its runtime files into the group-0 HOME', async () => {
        const pod = podFromRenderedObjects(path.join(root, module, 'volume'))
        password = pod.password
        expect(Object.keys(pod.env)).toEqual(['PERSISTENT_VOLUME_ROOTDIR', 'JUPYTER_TOKEN'])
        server = await startServer(module, pod.env, pod.groups)
        expect(processUid(server.child.pid as number)).toBe(ASSIGNED_UID)
        expect(readdirSync(path.join(server.home, '.local/share/jupyter/runtime')).length).toBeGreaterThan(0)
        // A token from the environment is printed masked; the password never reaches the log.
        expect(server.log()).toContain('token=...')
        expect(server.log()).not.toContain(password)
      })

      it("accepts the Secret's password in the login form", async () => {
        const s = server as Running
        const r = await login(s.port, password)
        expect(r.status).toBe(302)
        const api = await fetch(`http://127.0.0.1:${s.port}/api/status`, {headers: {cookie: r.cookies}})
        expect(api.status).toBe(200)
      })

      it('refuses a wrong password', async () => {
        const s = server as Running
        const r = await login(s.port, `${password}x`)
        expect(r.status).toBe(401)
        const api = await fetch(`http://127.0.0.1:${s.port}/api/status`, {headers: {cookie: r.cookies}})
        expect(api.status).toBe(403)
      })
    })
  }
}

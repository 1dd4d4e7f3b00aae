/**
 * The everyday commands (#13) through the real CLI against the fake OpenShift: list, stop/start (data,
 * password and claim kept; a re-run of deploy keeps a stopped notebook stopped), logs (-f streams
 * until the pod stops, --build), open (--print; a browser gets the URL without the password), a
 * misspelt NAME (exit 1 with the names that exist), password -o json|yaml, and global flags that do
 * not apply (exit 2, nothing sent).
 */
import {spawn} from 'node:child_process'
import {chmodSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {beforeAll, describe, expect, test} from 'vitest'

import type {FakeOpenShift} from '../../fake-openshift/src/index.js'
import {kubeCacheDir, repoRoot, runCli} from './helpers/cli.js'
import {both, builderStream, fakes, get, pods, project, storedPassword} from './helpers/notebook.js'
import {kubectl} from './helpers/remedy.js'

const start = fakes()
let fake: FakeOpenShift
beforeAll(async () => {
  fake = await start()
})

/** A kubeconfig whose server does not listen (port 9 is discard; nothing serves it here). */
function deadServer(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'ocj-dead-')), 'kubeconfig')
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: c, cluster: {server: "https://127.0.0.1:9", insecure-skip-tls-verify: true}}]',
      'users: [{name: u, user: {token: t}}]',
      'contexts: [{name: x, context: {cluster: c, user: u, namespace: p}}]',
      'current-context: x',
      '',
    ].join('\n'),
  )
  return file
}

async function deployed(ns: string, names: string[] = ['notebook']): Promise<string> {
  const kc = project(fake, ns, [builderStream()])
  for (const name of names) {
    const r = await runCli(['deploy', name], {kubeconfig: kc})
    expect(r.code, both(r)).toBe(0)
  }
  return kc
}

describe('list', () => {
  test.concurrent('two notebooks: one row each with state, URL, image, volume, UID and login', async () => {
    const kc = await deployed('listed', ['lab', 'notebook'])
    const r = await runCli(['list'], {kubeconfig: kc})
    expect(r.code, both(r)).toBe(0)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^NAME +STATE +READY +URL +IMAGE +VOLUME +UID +LOGIN +AGE$/)
    expect(lines).toHaveLength(3)
    expect(lines[1]).toMatch(
      /^lab +Running +1\/1 +https:\/\/lab-listed\.apps\.\S+ +s2i-minimal-notebook:latest +1Gi +\d+ +password +\d+s$/,
    )
    expect(lines[2]).toMatch(/^notebook +Running +1\/1 /)
    const json = JSON.parse((await runCli(['list', '-o', 'json'], {kubeconfig: kc})).stdout)
    expect(json.namespace).toBe('listed')
    expect(json.notebooks.map((n: {name: string}) => n.name)).toEqual(['lab', 'notebook'])
    expect(json.notebooks[0]).toMatchObject({state: 'Running', volume: '1Gi', login: 'password'})
    expect(json.notebooks[0].uid).toBeGreaterThanOrEqual(1_000_000_000)
  })

  test.concurrent('an empty project says how to make one', async () => {
    const kc = project(fake, 'empty-list')
    const r = await runCli(['list'], {kubeconfig: kc})
    expect(r.code, both(r)).toBe(0)
    expect(r.stdout).toBe('No notebooks in project empty-list. Create one: oc jupyter deploy -n empty-list\n')
  })
})

describe('stop and start', () => {
  test.concurrent(
    'stop: no pods, claim and Secret kept, Stopped everywhere; deploy keeps it stopped; start: same password and data',
    async () => {
      const ns = 'stopstart'
      const kc = await deployed(ns)
      const password = storedPassword(fake, ns)
      const claimUid = get(fake, 'v1', 'persistentvolumeclaims', ns, 'notebook-data')?.metadata.uid
      // a notebook file on the volume, written by the running pod
      const [pod] = pods(fake, ns)
      const file = '/home/jovyan/volume/analysis.ipynb'
      const touched = await kubectl(['exec', pod.metadata.name as string, '--', 'touch', file], kc)
      expect(touched.code, both(touched)).toBe(0)

      const stopped = await runCli(['stop'], {kubeconfig: kc})
      expect(stopped.code, both(stopped)).toBe(0)
      expect(stopped.stdout).toContain(
        'Notebook notebook is stopped: no pods run; PersistentVolumeClaim/notebook-data and Secret/notebook-password are kept.',
      )
      expect(stopped.stdout).toContain(`Start it again: oc jupyter start notebook -n ${ns}`)
      expect(pods(fake, ns)).toHaveLength(0)
      expect(get(fake, 'v1', 'persistentvolumeclaims', ns, 'notebook-data')?.metadata.uid).toBe(claimUid)
      expect(get(fake, 'v1', 'secrets', ns, 'notebook-password')).toBeDefined()
      // through the scale subresource, as oc scale does: nothing else of the Deployment is written
      const scaleWrites = fake.recorder
        .writes({path: new RegExp(`/namespaces/${ns}/deployments`)})
        .filter(w => w.path.endsWith('/scale'))
      expect(scaleWrites).toHaveLength(1)

      const status = await runCli(['status'], {kubeconfig: kc})
      expect(status.stdout).toMatch(/State: +Stopped \(no pods; volume and password kept\)/)
      expect(status.stdout).toMatch(/Pod: +none/)
      expect(JSON.parse((await runCli(['status', '-o', 'json'], {kubeconfig: kc})).stdout).state).toBe(
        'Stopped',
      )
      expect((await runCli(['list'], {kubeconfig: kc})).stdout).toMatch(/^notebook +Stopped +0\/0 /m)

      const again = await runCli(['stop'], {kubeconfig: kc})
      expect(again.code, both(again)).toBe(0)
      expect(again.stdout).toContain('Notebook notebook was already stopped')

      const redeploy = await runCli(['deploy'], {kubeconfig: kc})
      expect(redeploy.code, both(redeploy)).toBe(0)
      expect(redeploy.stdout).toContain('Notebook notebook is stopped')
      expect(redeploy.stdout).toContain(`Start it: oc jupyter start notebook -n ${ns}`)
      expect(pods(fake, ns)).toHaveLength(0)

      const started = await runCli(['start'], {kubeconfig: kc})
      expect(started.code, both(started)).toBe(0)
      expect(started.stdout).toMatch(/^Notebook notebook is running at https:\/\/notebook-stopstart\./)
      expect(started.stdout).toContain(
        `Log in with the same password as before: oc jupyter password notebook -n ${ns}`,
      )
      expect(started.stderr).toContain('deployment "notebook" successfully rolled out')
      const [after] = pods(fake, ns)
      expect(after.metadata.name).not.toBe(pod.metadata.name)
      expect(storedPassword(fake, ns)).toBe(password)
      expect((await runCli(['password'], {kubeconfig: kc})).stdout).toBe(`${password}\n`)
      const listed = await kubectl(['exec', after.metadata.name as string, '--', 'ls', file], kc)
      expect(listed.code, both(listed)).toBe(0)
      expect(listed.stdout).toContain(file)
    },
  )

  test.concurrent('deploy --start starts a stopped notebook', async () => {
    const ns = 'deploystart'
    const kc = await deployed(ns)
    expect((await runCli(['stop'], {kubeconfig: kc})).code).toBe(0)
    const r = await runCli(['deploy', '--start'], {kubeconfig: kc})
    expect(r.code, both(r)).toBe(0)
    expect(r.stdout).toMatch(/^Notebook notebook is running at https:/)
    expect(pods(fake, ns)).toHaveLength(1)
  })

  test.concurrent(
    'stop --dry-run=server changes nothing; start of a running notebook only waits',
    async () => {
      const ns = 'stopdry'
      const kc = await deployed(ns)
      const dry = await runCli(['stop', '--dry-run=server'], {kubeconfig: kc})
      expect(dry.code, both(dry)).toBe(0)
      expect(dry.stdout).toContain('Server dry run: Deployment/notebook would be scaled to 0')
      expect(pods(fake, ns)).toHaveLength(1)
      const r = await runCli(['start'], {kubeconfig: kc})
      expect(r.code, both(r)).toBe(0)
      expect(r.stderr).toContain('is not stopped')
      expect(r.stdout).toMatch(/^Notebook notebook is running at/)
    },
  )
})

describe('logs', () => {
  test.concurrent(
    'prints the notebook log; -f streams until the pod stops; --build prints the build',
    async ({expect}) => {
      const ns = 'logs'
      const kc = project(fake, ns)
      for (const args of [['build'], ['deploy']]) {
        const r = await runCli(args, {kubeconfig: kc})
        expect(r.code, both(r)).toBe(0)
      }
      const plain = await runCli(['logs'], {kubeconfig: kc})
      expect(plain.code, both(plain)).toBe(0)
      expect(plain.stdout.length).toBeGreaterThan(0)
      expect(plain.stderr).toMatch(/Log of pod\/notebook-\S+ \(container notebook\)/)

      const build = await runCli(['logs', '--build'], {kubeconfig: kc})
      expect(build.code, both(build)).toBe(0)
      expect(build.stderr).toContain('Log of build/s2i-minimal-notebook-1')
      expect(build.stdout).toContain('Push successful')

      // -f: the process keeps running with the log on stdout until the pod goes
      const child = spawn(process.execPath, [path.join(repoRoot, 'bin/run.js'), 'logs', '-f'], {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          NO_COLOR: '1',
          KUBECONFIG: kc,
          KUBECACHEDIR: kubeCacheDir(kc),
        },
      })
      let out = ''
      child.stdout.setEncoding('utf8').on('data', d => (out += d))
      const exited = new Promise<number>(resolve => child.on('close', code => resolve(code ?? -1)))
      await expect.poll(() => out, {timeout: 30_000}).toContain(plain.stdout.split('\n')[0])
      expect(child.exitCode).toBeNull()
      const stop = await runCli(['stop'], {kubeconfig: kc})
      expect(stop.code, both(stop)).toBe(0)
      expect(await exited).toBe(0)
      expect(out.startsWith(plain.stdout)).toBe(true)

      const none = await runCli(['logs'], {kubeconfig: kc})
      expect(none.code).toBe(1)
      expect(none.stderr).toContain('Error: notebook notebook is stopped: it has no pod, so no log')
      expect(none.stderr).toContain(`Try: oc jupyter start notebook -n ${ns}`)
    },
  )

  test.concurrent(
    '--previous of a container that never restarted; a container the pod does not have',
    async () => {
      const ns = 'logs-previous'
      const kc = await deployed(ns)
      const prev = await runCli(['logs', '--previous'], {kubeconfig: kc})
      expect(prev.code).toBe(1)
      expect(prev.stderr).toMatch(
        /container notebook of pod notebook-\S+ has not restarted: there is no previous run/,
      )
      const proxy = await runCli(['logs', '-c', 'oauth-proxy'], {kubeconfig: kc})
      expect(proxy.code).toBe(2)
      expect(proxy.stderr).toMatch(/has no container oauth-proxy; its containers: notebook/)
    },
  )
})

describe('open', () => {
  test.concurrent(
    '--print prints the URL only; a browser gets the URL and never the password',
    async ({expect}) => {
      const ns = 'opened'
      const kc = await deployed(ns)
      const printed = await runCli(['open', '--print'], {kubeconfig: kc})
      expect(printed.code, both(printed)).toBe(0)
      expect(printed.stdout).toBe(`https://notebook-${ns}.apps.sandbox.example.com\n`)
      expect(printed.stderr).toContain(`Password: oc jupyter password notebook -n ${ns}`)

      const dir = mkdtempSync(path.join(tmpdir(), 'ocj-browser-'))
      const browser = path.join(dir, 'browser')
      const record = path.join(dir, 'args')
      writeFileSync(browser, `#!/bin/sh\nprintf '%s\\n' "$@" > '${record}'\n`)
      chmodSync(browser, 0o755)
      const opened = await runCli(['open'], {kubeconfig: kc, env: {BROWSER: browser}})
      expect(opened.code, both(opened)).toBe(0)
      expect(opened.stderr).toContain(`Opened with ${browser}.`)
      await expect
        .poll(() => readFileSync(record, 'utf8').trim(), {timeout: 10_000})
        .toBe(`https://notebook-${ns}.apps.sandbox.example.com`)
      expect(readFileSync(record, 'utf8')).not.toContain(storedPassword(fake, ns))

      const noDesktop = await runCli(['open'], {
        kubeconfig: kc,
        env: {DISPLAY: undefined, BROWSER: undefined},
      })
      expect(noDesktop.code, both(noDesktop)).toBe(0)
      expect(noDesktop.stderr).toContain('No desktop here')

      expect((await runCli(['stop'], {kubeconfig: kc})).code).toBe(0)
      const stopped = await runCli(['open', '--print'], {kubeconfig: kc})
      expect(stopped.code).toBe(0)
      expect(stopped.stderr).toContain(
        `notebook notebook is stopped: the URL answers "Application is not available" until: oc jupyter start notebook -n ${ns}`,
      )
    },
  )
})

describe('a misspelt NAME', () => {
  const once: {project?: Promise<string>} = {}
  test.concurrent.each([
    ['delete', ['delete', 'notebok', '--yes']],
    ['status', ['status', 'notebok']],
    ['password', ['password', 'notebok']],
    ['open', ['open', 'notebok']],
    ['logs', ['logs', 'notebok']],
    ['stop', ['stop', 'notebok']],
    ['start', ['start', 'notebok']],
  ])(
    '%s: exit 1 naming the notebooks here, the right name in Try:, nothing written',
    async (command, args) => {
      const ns = 'misspelt'
      const kc = await (once.project ??= deployed(ns))
      const mark = fake.recorder.mark()
      const r = await runCli(args, {kubeconfig: kc})
      expect(r.code, both(r)).toBe(1)
      expect(r.stderr).toContain(`Error: no notebook notebok in project ${ns}; notebooks here: notebook`)
      expect(r.stderr).toContain(`Try: oc jupyter ${command} notebook -n ${ns}`)
      // the probe for DeploymentConfigs is not the user's business: no deprecation warning
      expect(r.stderr).not.toContain('deprecated')
      expect(fake.recorder.writes({path: new RegExp(`/namespaces/${ns}/`), since: mark})).toHaveLength(0)
    },
  )

  test.concurrent(
    'delete --ignore-not-found succeeds; a name with no notebook in an empty project suggests deploy',
    async () => {
      const kc = project(fake, 'misspelt-empty')
      const ignored = await runCli(['delete', 'zzz', '--yes', '--ignore-not-found'], {kubeconfig: kc})
      expect(ignored.code, both(ignored)).toBe(0)
      const r = await runCli(['status', 'zzz'], {kubeconfig: kc})
      expect(r.code).toBe(1)
      expect(r.stderr).toContain('Error: no notebook zzz in project misspelt-empty\n')
      expect(r.stderr).toContain('Try: oc jupyter deploy zzz -n misspelt-empty')
    },
  )
})

describe('password -o json|yaml', () => {
  test.concurrent('{"name", "password"}', async () => {
    const ns = 'pw-json'
    const kc = await deployed(ns)
    const password = storedPassword(fake, ns)
    const json = await runCli(['password', '-o', 'json'], {kubeconfig: kc})
    expect(JSON.parse(json.stdout)).toEqual({name: 'notebook', password})
    const yaml = await runCli(['password', '-o', 'yaml'], {kubeconfig: kc})
    expect(yaml.stdout).toBe(`name: notebook\npassword: ${password}\n`)
    expect(json.stderr + yaml.stderr).not.toContain(password)
  })
})

describe('global flags that do not apply', () => {
  test.concurrent.each([
    [['password', '--dry-run'], '--dry-run=client does not apply to password: it only reads'],
    [['status', '--dry-run=server'], '--dry-run=server does not apply to status: it only reads'],
    [['status', '--timeout', '5m'], '--timeout=5m does not apply to status: it does not wait'],
    [['list', '--dry-run'], '--dry-run=client does not apply to list'],
    [['open', '--timeout=1m'], '--timeout=1m does not apply to open'],
    [['logs', '-o', 'json'], '--output=json does not apply to logs: a log is text'],
    [['doctor', '--dry-run'], '--dry-run=client does not apply to doctor: it only reads'],
    [['stop', '--dry-run'], '--dry-run=client does not apply to stop'],
    [['start', '--dry-run=client'], '--dry-run=client does not apply to start'],
    [['imagestream', '--timeout', '2m'], '--timeout=2m does not apply to imagestream'],
  ])('%j: exit 2, one line, no request', async (args, message) => {
    // a server that is not there: any request would end in a connection error, not in exit 2
    const r = await runCli(args, {kubeconfig: deadServer()})
    expect(r.code, both(r)).toBe(2)
    expect(r.stderr).toContain(`Error: ${message}`)
    expect(r.stderr).toContain(`Try: oc jupyter ${args[0]} --help`)
    expect(r.stderr.trim().split('\n')).toHaveLength(2)
  })
})

/** Pure parts of list, stop/start, open and logs (#13): rows, states, selectors, browsers, pods. */
import {describe, expect, it} from 'vitest'

import {refuseInapplicable} from '../../../src/base-command.js'
import {UsageError} from '../../../src/lib/errors.js'
import type {KubeObject} from '../../../src/lib/cluster/index.js'
import {podSelector} from '../../../src/lib/lifecycle.js'
import {currentPod} from '../../../src/lib/notebook-logs.js'
import {age, formatNotebookTable, similar, stateOf, type NotebookRow} from '../../../src/lib/notebooks.js'
import {browserCommand} from '../../../src/lib/open.js'
import {renderDeployment} from '../../../src/lib/render/deployment.js'
import {renderDeploymentConfig} from '../../../src/lib/render/deploymentconfig.js'
import {parseDeployOptions} from '../../../src/lib/values/deploy-options.js'

const workload = (replicas: number, ready = 0): KubeObject => ({
  kind: 'Deployment',
  metadata: {name: 'lab'},
  spec: {replicas},
  status: {readyReplicas: ready},
})
const pod = (
  name: string,
  opts: {phase?: string; waiting?: string; created?: string; deleting?: boolean} = {},
) =>
  ({
    metadata: {
      name,
      creationTimestamp: opts.created ?? '2026-12-06T10:00:00Z',
      ...(opts.deleting ? {deletionTimestamp: '2026-12-06T10:05:00Z'} : {}),
    },
    status: {
      phase: opts.phase ?? 'Running',
      containerStatuses: opts.waiting ? [{name: 'notebook', state: {waiting: {reason: opts.waiting}}}] : [],
    },
  }) as KubeObject

describe('stateOf', () => {
  it('Stopped at 0 replicas, Running when ready, Failing on a stuck container, else Starting', () => {
    expect(stateOf(workload(0), [])).toEqual({state: 'Stopped', ready: '0/0'})
    expect(stateOf(workload(1, 1), [pod('a')])).toEqual({state: 'Running', ready: '1/1'})
    expect(stateOf(workload(1), [pod('a', {waiting: 'CrashLoopBackOff'})])).toEqual({
      state: 'Failing',
      ready: '0/1',
    })
    expect(stateOf(workload(1), [pod('a', {phase: 'Pending', waiting: 'ContainerCreating'})]).state).toBe(
      'Starting',
    )
  })
})

describe('list table', () => {
  const now = Date.parse('2026-12-06T12:00:00Z')
  it('aligns columns, dashes for what is unknown, kubectl-style ages', () => {
    const rows: NotebookRow[] = [
      {
        name: 'lab',
        kind: 'Deployment',
        state: 'Running',
        ready: '1/1',
        url: 'https://lab-p.apps.example.com',
        image: 'scipy-notebook:2025-12-31',
        volume: '10Gi',
        uid: 1000680000,
        login: 'openshift',
        created: '2026-12-04T11:00:00Z',
      },
      {
        name: 'nb',
        kind: 'Deployment',
        state: 'Stopped',
        ready: '0/0',
        login: 'password',
        created: '2026-12-06T11:59:30Z',
      },
    ]
    expect(formatNotebookTable(rows, 'p', now).split('\n')).toEqual([
      'NAME   STATE     READY   URL                              IMAGE                       VOLUME   UID          LOGIN       AGE',
      'lab    Running   1/1     https://lab-p.apps.example.com   scipy-notebook:2025-12-31   10Gi     1000680000   openshift   2d',
      'nb     Stopped   0/0     -                                -                           -        -            password    30s',
    ])
  })
  it('an empty project', () => {
    expect(formatNotebookTable([], 'p')).toBe('No notebooks in project p. Create one: oc jupyter deploy -n p')
  })
  it('ages', () => {
    expect(age(undefined, now)).toBe('?')
    expect(age('2026-12-06T11:58:01Z', now)).toBe('119s')
    expect(age('2026-12-06T11:00:00Z', now)).toBe('60m')
    expect(age('2026-12-06T09:00:00Z', now)).toBe('3h')
    expect(age('2026-12-01T12:00:00Z', now)).toBe('5d')
  })
})

describe('similar names', () => {
  it('typos within two edits or a prefix', () => {
    expect(similar('notebook', 'notebok')).toBe(true)
    expect(similar('notebook', 'noteboko')).toBe(true)
    expect(similar('lab', 'la')).toBe(true)
    expect(similar('notebook', 'lab')).toBe(false)
    expect(similar('analysis', 'zzz')).toBe(false)
  })
})

describe('podSelector', () => {
  it("a Deployment's matchLabels and matchExpressions; a DeploymentConfig's plain map", () => {
    expect(
      podSelector({
        kind: 'Deployment',
        object: {
          spec: {
            selector: {
              matchLabels: {app: 'lab'},
              matchExpressions: [
                {key: 'tier', operator: 'In', values: ['a', 'b']},
                {key: 'x', operator: 'NotIn', values: ['c']},
                {key: 'y', operator: 'Exists'},
                {key: 'z', operator: 'DoesNotExist'},
              ],
            },
          },
        },
      }),
    ).toBe('app=lab,tier in (a,b),x notin (c),y,!z')
    expect(
      podSelector({kind: 'DeploymentConfig', object: {spec: {selector: {deploymentconfig: 'lab'}}}}),
    ).toBe('deploymentconfig=lab')
  })
})

describe('browserCommand', () => {
  const url = 'https://lab.apps.example.com'
  it('$BROWSER first (with %s or appended), then the platform opener, nothing without a display', () => {
    expect(browserCommand(url, {BROWSER: 'firefox --new-tab'}, 'linux')).toEqual({
      command: 'firefox',
      args: ['--new-tab', url],
    })
    expect(browserCommand(url, {BROWSER: 'w3m %s:lynx'}, 'linux')).toEqual({command: 'w3m', args: [url]})
    expect(browserCommand(url, {}, 'darwin')).toEqual({command: 'open', args: [url]})
    expect(browserCommand(url, {}, 'win32')).toEqual({command: 'cmd', args: ['/c', 'start', '""', url]})
    expect(browserCommand(url, {DISPLAY: ':0'}, 'linux')).toEqual({command: 'xdg-open', args: [url]})
    expect(browserCommand(url, {WAYLAND_DISPLAY: 'wayland-0'}, 'freebsd')).toEqual({
      command: 'xdg-open',
      args: [url],
    })
    expect(browserCommand(url, {}, 'linux')).toBeUndefined()
  })
})

describe('currentPod', () => {
  it('the newest Running pod that is not terminating, else the newest', () => {
    const old = pod('old', {created: '2026-12-06T09:00:00Z'})
    const going = pod('going', {created: '2026-12-06T11:00:00Z', deleting: true})
    const fresh = pod('fresh', {created: '2026-12-06T10:00:00Z'})
    const pending = pod('pending', {phase: 'Pending', created: '2026-12-06T12:00:00Z'})
    expect(currentPod([old, going, fresh, pending])?.metadata?.name).toBe('fresh')
    expect(currentPod([pending, going])?.metadata?.name).toBe('pending')
    expect(currentPod([going])?.metadata?.name).toBe('going')
    expect(currentPod([])).toBeUndefined()
  })
})

describe('refuseInapplicable', () => {
  const rules = {
    'dry-run': {values: ['client'], why: 'only the server can'},
    timeout: {why: 'it does not wait'},
  } as const
  const meta = (setFromDefault: string[]) => ({
    flags: Object.fromEntries(setFromDefault.map(f => [f, {setFromDefault: true}])),
  })
  it('refuses an explicit flag or value, not a default or an allowed value', () => {
    expect(() =>
      refuseInapplicable('stop', rules, {'dry-run': 'client', timeout: '10m'}, meta(['timeout'])),
    ).toThrow(UsageError)
    expect(() => refuseInapplicable('stop', rules, {'dry-run': 'client'}, meta([]))).toThrow(
      '--dry-run=client does not apply to stop: only the server can',
    )
    expect(() => refuseInapplicable('stop', rules, {'dry-run': 'server'}, meta([]))).not.toThrow()
    expect(() =>
      refuseInapplicable('stop', rules, {'dry-run': 'none', timeout: '10m'}, meta(['dry-run', 'timeout'])),
    ).not.toThrow()
    expect(() => refuseInapplicable('stop', rules, {timeout: '1m'}, meta([]))).toThrow(
      '--timeout=1m does not apply to stop: it does not wait',
    )
  })
})

describe('a stopped notebook renders replicas 0', () => {
  it('Deployment and DeploymentConfig; running otherwise; --start parses', () => {
    const opts = parseDeployOptions({}, {}, 'p')
    expect(opts.start).toBe(false)
    expect(parseDeployOptions({}, {start: true}, 'p').start).toBe(true)
    expect((renderDeployment({...opts, stopped: true}).spec as {replicas: number}).replicas).toBe(0)
    expect((renderDeploymentConfig({...opts, stopped: true}).spec as {replicas: number}).replicas).toBe(0)
    expect((renderDeployment(opts).spec as {replicas: number}).replicas).toBe(1)
  })
})

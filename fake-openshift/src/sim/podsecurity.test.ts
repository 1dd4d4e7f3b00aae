import {describe, expect, it} from 'vitest'

import {request} from '../client.js'
import {startFakeOpenShift} from '../index.js'
import type {KObject} from '../types.js'
import {evaluatePod, OPENSHIFT_DEFAULTS, policyToEvaluate} from './podsecurity.js'
import {controlled, sccToLevel} from './psa-label-sync.js'
import {toScc} from './scc.js'
import {cluster, deployment, grantScc, notebookContainer, NS, podsOf} from './test-helpers.js'
import {defaultSCCs, defaultProject} from '../bootstrap.js'

/** A container as `oc new-app` makes it: no securityContext at all. */
const bare = {name: 'notebook', image: 'quay.io/jupyter/minimal-notebook:2025-01-01'}

const RESTRICTED_BARE =
  'allowPrivilegeEscalation != false (container "notebook" must set securityContext.allowPrivilegeEscalation=false), ' +
  'unrestricted capabilities (container "notebook" must set securityContext.capabilities.drop=["ALL"]), ' +
  'runAsNonRoot != true (pod or container "notebook" must set securityContext.runAsNonRoot=true), ' +
  'seccompProfile (pod or container "notebook" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")'

describe('the Pod Security Standards checks (k8s.io/pod-security-admission policy/check_*.go)', () => {
  it('restricted: a bare container fails four checks, in the upstream order and words', () => {
    expect(evaluatePod('restricted', {}, {containers: [bare]})).toBe(RESTRICTED_BARE)
    expect(evaluatePod('baseline', {}, {containers: [bare]})).toBeUndefined()
    expect(evaluatePod('restricted', {}, {containers: [notebookContainer('x')]})).toBeUndefined()
  })

  it('baseline: privileged containers, hostPath volumes, host namespaces and added capabilities', () => {
    const spec = {
      hostNetwork: true,
      volumes: [{name: 'host', hostPath: {path: '/'}}],
      containers: [
        {...bare, securityContext: {privileged: true, capabilities: {add: ['SYS_ADMIN', 'NET_RAW']}}},
      ],
    }
    expect(evaluatePod('baseline', {}, spec)).toBe(
      'host namespaces (hostNetwork), privileged (container "notebook" must not set securityContext.privileged=true), ' +
        'non-default capabilities (container "notebook" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add), ' +
        'hostPath volumes (volume "host")',
    )
    // at restricted the restricted checks replace the overlapping baseline ones
    expect(evaluatePod('restricted', {}, spec)).toContain(
      'restricted volume types (volumes ["host"] have restricted types)',
    )
    expect(evaluatePod('restricted', {}, spec)).not.toContain('hostPath volumes')
  })

  it('labels over the defaults; a level without a version label means latest', () => {
    expect(policyToEvaluate(undefined, OPENSHIFT_DEFAULTS)).toEqual(OPENSHIFT_DEFAULTS)
    const p = policyToEvaluate(
      {
        'pod-security.kubernetes.io/enforce': 'baseline',
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/warn-version': 'v1.24',
        'pod-security.kubernetes.io/audit': 'bogus',
      },
      OPENSHIFT_DEFAULTS,
    )
    expect(p).toEqual({
      enforce: {level: 'baseline', version: 'latest'},
      warn: {level: 'restricted', version: 'v1.24'},
      audit: {level: 'restricted', version: 'latest'},
    })
  })
})

describe('SCC → Pod Security level (cluster-policy-controller psalabelsyncer/scctopsamapping.go)', () => {
  it('restricted-v2 is restricted; restricted, anyuid and nonroot baseline; privileged privileged', () => {
    const annotations = {'openshift.io/sa.scc.uid-range': '1000040000/10000'}
    const levels = Object.fromEntries(
      defaultSCCs().map(s => [s.metadata.name, sccToLevel(toScc(s as never), annotations)]),
    )
    expect(levels).toMatchObject({
      'restricted-v2': 'restricted',
      'nonroot-v2': 'restricted',
      restricted: 'baseline',
      anyuid: 'baseline',
      nonroot: 'baseline',
      hostaccess: 'privileged',
      privileged: 'privileged',
    })
  })

  it('which namespaces the syncer controls', () => {
    const ns = (name: string, labels: Record<string, string> = {}): KObject => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {name, labels},
    })
    expect(controlled(ns('myproject'))).toBe(true)
    expect(controlled(ns('kube-system'))).toBe(false)
    expect(controlled(ns('openshift-monitoring'))).toBe(false)
    expect(controlled(ns('openshift-mine', {'security.openshift.io/scc.podSecurityLabelSync': 'true'}))).toBe(
      true,
    )
    expect(controlled(ns('mine', {'security.openshift.io/scc.podSecurityLabelSync': 'false'}))).toBe(false)
  })
})

describe('label sync and admission in a cluster', () => {
  const psaLabels = (c: ReturnType<typeof cluster>) =>
    Object.fromEntries(
      Object.entries(c.get('v1', 'namespaces', NS, undefined).metadata.labels ?? {}).filter(([k]) =>
        k.startsWith('pod-security.kubernetes.io/'),
      ),
    )

  it('a project gets warn and audit restricted (v1.24), baseline once a service account may use anyuid', () => {
    const c = cluster()
    c.sims.settle()
    expect(psaLabels(c)).toEqual({
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/audit-version': 'v1.24',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/warn-version': 'v1.24',
    })
    c.store.seed([grantScc('anyuid')])
    c.sims.settle()
    expect(psaLabels(c)['pod-security.kubernetes.io/warn']).toBe('baseline')
  })

  it('opted out, or on a release before 4.11: no labels', () => {
    const optedOut = cluster({}, [
      ...defaultProject(NS).map(o =>
        o.kind === 'Namespace'
          ? {
              ...o,
              metadata: {...o.metadata, labels: {'security.openshift.io/scc.podSecurityLabelSync': 'false'}},
            }
          : o,
      ),
    ])
    optedOut.sims.settle()
    expect(psaLabels(optedOut)).toEqual({})
    const old = cluster({kubernetesMinor: 23})
    old.sims.settle()
    expect(psaLabels(old)).toEqual({})
  })

  it('enforce=restricted set by hand: pods admitted by anyuid are rejected with the PodSecurity message', () => {
    const labelled = defaultProject(NS).map(o =>
      o.kind === 'Namespace'
        ? {
            ...o,
            metadata: {
              ...o.metadata,
              labels: {
                'security.openshift.io/scc.podSecurityLabelSync': 'false',
                'pod-security.kubernetes.io/enforce': 'restricted',
              },
            },
          }
        : o,
    )
    const c = cluster({}, [...labelled, grantScc('anyuid')])
    c.store.seed([deployment('nb', {containers: [bare]})])
    c.sims.settle()
    expect(podsOf(c, 'nb-')).toEqual([])
    const rs = c.store.find('apps/v1', 'replicasets', NS)[0]
    const failed = c.events(rs.metadata.name).filter(e => e.reason === 'FailedCreate')
    expect(failed).toHaveLength(1)
    expect(failed[0].message).toMatch(
      new RegExp(
        `^Error creating: pods "${rs.metadata.name}-[a-z0-9]{5}" is forbidden: violates PodSecurity "restricted:latest": `,
      ),
    )
    // anyuid leaves the pod as written: capabilities and seccomp stay unset
    expect(failed[0].message).toContain('unrestricted capabilities (container "notebook" must set')
    // under restricted-v2 (no anyuid) the SCC sets what restricted requires: admitted
    const clean = cluster({}, labelled)
    clean.store.seed([deployment('nb', {containers: [bare]})])
    clean.sims.settle()
    expect(podsOf(clean, 'nb-')).toHaveLength(1)
  })
})

describe('warnings to the client', () => {
  it('creating a Deployment whose template misses restricted fields answers with the PodSecurity warning', async () => {
    const fake = await startFakeOpenShift({simulators: 'manual'})
    try {
      fake.sims.settle()
      const res = await request(
        {url: fake.url, caPem: fake.caPem, token: fake.token},
        `/apis/apps/v1/namespaces/${NS}/deployments`,
        {method: 'POST', body: deployment('nb', {containers: [bare]})},
      )
      expect(res.status).toBe(201)
      expect(res.headers.warning).toBe(
        `299 - "would violate PodSecurity \\"restricted:v1.24\\": ${RESTRICTED_BARE.replace(/"/g, '\\"')}"`,
      )
    } finally {
      await fake.stop()
    }
  })
})

import {describe, expect, it} from 'vitest'

import {defaultProject} from '../bootstrap.js'
import {ApiError, type KObject} from '../types.js'
import {cluster, deployment, DEVELOPER, grantScc, notebookContainer, NS, podsOf} from './test-helpers.js'

const RANGE_ERROR = 'must be in the ranges: [1000040000, 1000049999]'

function podSpec(c: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {containers: [c], ...extra}
}

describe('SCC admission of Deployment pods', () => {
  it('rejects a template with runAsUser 1000 with OpenShift’s message, as FailedCreate and ReplicaFailure', () => {
    const c = cluster()
    c.store.seed([
      deployment(
        'nb',
        podSpec(
          {name: 'notebook', image: 'quay.io/jupyter/minimal-notebook:latest'},
          {securityContext: {runAsUser: 1000}},
        ),
      ),
    ])
    c.sims.settle()
    expect(podsOf(c, 'nb-')).toHaveLength(0)
    const rs = c.store.find('apps/v1', 'replicasets', NS)[0]
    const failure = (rs.status as any).conditions.find((x: any) => x.type === 'ReplicaFailure')
    expect(failure).toMatchObject({status: 'True', reason: 'FailedCreate'})
    const msg: string = failure.message
    expect(msg).toMatch(
      new RegExp(
        `^pods "${rs.metadata.name}-" is forbidden: unable to validate against any security context constraint: \\[`,
      ),
    )
    expect(msg).toContain('provider "anyuid": Forbidden: not usable by user or serviceaccount')
    expect(msg).toContain(
      `provider restricted-v2: .containers[0].runAsUser: Invalid value: 1000: ${RANGE_ERROR}`,
    )
    expect(msg).toContain('provider "privileged": Forbidden: not usable by user or serviceaccount]')
    // providers in OpenShift's order: priority first, then most restrictive
    const order = [...msg.matchAll(/provider "?([a-z0-9-]+)"?:/g)].map(m => m[1])
    expect([...new Set(order)]).toEqual([
      'anyuid',
      'restricted-v2',
      'restricted',
      'nonroot-v2',
      'nonroot',
      'hostmount-anyuid',
      'hostnetwork-v2',
      'hostnetwork',
      'hostaccess',
      'privileged',
    ])
    const ev = c.events(rs.metadata.name).find(e => e.reason === 'FailedCreate')
    expect(ev).toMatchObject({type: 'Warning', message: `Error creating: ${msg}`})
    const d = c.get('apps/v1', 'deployments', 'nb')
    expect((d.status as any).conditions).toContainEqual(
      expect.objectContaining({type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: msg}),
    )
  })

  it('admits the same pod under anyuid once the service account is granted it (RoleBinding system:openshift:scc:anyuid)', () => {
    const c = cluster()
    c.store.seed([
      deployment(
        'nb',
        podSpec(
          {name: 'notebook', image: 'quay.io/jupyter/minimal-notebook:latest'},
          {securityContext: {runAsUser: 1000}},
        ),
      ),
    ])
    c.sims.settle()
    c.store.seed([grantScc('anyuid')])
    c.sims.settle()
    const [pod] = podsOf(c, 'nb-')
    expect(pod.metadata.annotations?.['openshift.io/scc']).toBe('anyuid')
    expect((pod.spec as any).securityContext.runAsUser).toBe(1000)
    const rs = c.store.find('apps/v1', 'replicasets', NS)[0]
    expect(((rs.status as any).conditions ?? []).some((x: any) => x.type === 'ReplicaFailure')).toBe(false)
  })

  it('without a grant assigns the first UID of the range, the fsGroup and the MCS level under restricted-v2', () => {
    const c = cluster()
    c.store.seed([
      deployment(
        'nb',
        podSpec(notebookContainer('quay.io/jupyter/minimal-notebook:latest'), {
          securityContext: {supplementalGroups: [100]},
        }),
      ),
    ])
    c.sims.settle()
    const [pod] = podsOf(c, 'nb-')
    expect(pod.metadata.annotations?.['openshift.io/scc']).toBe('restricted-v2')
    const s = pod.spec as any
    expect(s.containers[0].securityContext.runAsUser).toBe(1000040000)
    expect(s.securityContext).toMatchObject({
      fsGroup: 1000040000,
      supplementalGroups: [100],
      seLinuxOptions: {level: 's0:c6,c5'},
      seccompProfile: {type: 'RuntimeDefault'},
    })
  })

  it('a pod the developer creates directly is admitted for the developer as requesting user too', () => {
    const c = cluster()
    const r = c.store.resourceType('v1', 'pods')!
    const pod = c.store.create(
      r,
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {name: 'p', namespace: NS},
        spec: {containers: [{name: 'c', image: 'busybox'}]},
      },
      {user: DEVELOPER},
    )
    expect(pod.metadata.annotations?.['openshift.io/scc']).toBe('restricted-v2')
    expect((pod.spec as any).serviceAccountName).toBe('default')
    // drop: ALL is added by restricted-v2's requiredDropCapabilities, privilege escalation defaulted off
    expect((pod.spec as any).containers[0].securityContext).toMatchObject({
      capabilities: {drop: ['ALL']},
      allowPrivilegeEscalation: false,
      runAsNonRoot: true,
    })
  })

  it('rejects fsGroup outside the block and explains when only the legacy restricted SCC would admit', () => {
    const c = cluster()
    const r = c.store.resourceType('v1', 'pods')!
    const create = () =>
      c.store.create(r, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {name: 'p', namespace: NS},
        spec: {securityContext: {fsGroup: 100}, containers: [{name: 'c', image: 'busybox'}]},
      })
    expect(create).toThrowError(
      /provider restricted-v2: \.spec\.securityContext\.fsGroup: Invalid value: \[\]int64\{100\}: 100 is not an allowed group/,
    )
    const p2 = () =>
      c.store.create(r, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {name: 'p2', namespace: NS},
        spec: {
          containers: [{name: 'c', image: 'busybox', securityContext: {allowPrivilegeEscalation: true}}],
        },
      })
    expect(p2).toThrowError(
      /no access to scc\/restricted: Forbidden: the pod fails to validate against the `restricted-v2` security context constraint, but would validate successfully against the `restricted` security context constraint/,
    )
  })

  it('a project without the uid-range annotation fails every pod like OpenShift', () => {
    const c = cluster({namespaces: {bare: {annotations: false}}}, [])
    c.store.seed([{apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'bare'}}])
    const r = c.store.resourceType('v1', 'pods')!
    let err: unknown
    try {
      c.store.create(r, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {generateName: 'x-', namespace: 'bare'},
        spec: {containers: [{name: 'c', image: 'busybox'}]},
      })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(ApiError)
    expect((err as ApiError).code).toBe(403)
    expect((err as ApiError).message).toBe(
      'pods "x-" is forbidden: error fetching namespace "bare": unable to find annotation openshift.io/sa.scc.uid-range',
    )
  })

  it('anyuid rejects an explicit RuntimeDefault seccomp profile (no seccompProfiles in that SCC), so restricted-v2 wins', () => {
    const c = cluster()
    c.store.seed([grantScc('anyuid')])
    const r = c.store.resourceType('v1', 'pods')!
    const pod = c.store.create(r, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {name: 'p', namespace: NS},
      spec: {containers: [notebookContainer('busybox')]},
    })
    expect(pod.metadata.annotations?.['openshift.io/scc']).toBe('restricted-v2')
  })

  it('the legacy grant (SCC users list) and a ClusterRoleBinding grant anyuid too', () => {
    const c = cluster()
    const sccRt = c.store.resourceType('security.openshift.io/v1', 'securitycontextconstraints')!
    const anyuid = c.store.get(sccRt, undefined, 'anyuid')!
    anyuid.users = [`system:serviceaccount:${NS}:legacy`]
    c.store.update(sccRt, anyuid)
    c.store.seed(
      ['legacy', 'other'].map(name => ({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: {name, namespace: NS},
      })),
    )
    const r = c.store.resourceType('v1', 'pods')!
    const mk = (name: string, sa: string) =>
      c.store.create(r, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {name, namespace: NS},
        spec: {serviceAccountName: sa, containers: [{name: 'c', image: 'busybox'}]},
      })
    expect(mk('a', 'legacy').metadata.annotations?.['openshift.io/scc']).toBe('anyuid')
    expect(mk('b', 'other').metadata.annotations?.['openshift.io/scc']).toBe('restricted-v2')
    c.store.seed([
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: {name: 'system:openshift:scc:anyuid'},
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'system:openshift:scc:anyuid',
        },
        subjects: [{kind: 'ServiceAccount', name: 'other', namespace: NS}],
      },
    ])
    expect(mk('c', 'other').metadata.annotations?.['openshift.io/scc']).toBe('anyuid')
  })
})

describe('ServiceAccount admission', () => {
  it('a pod of a service account that does not exist is forbidden; the ReplicaSet retries once it exists', () => {
    const c = cluster()
    c.store.seed([
      deployment('nb', podSpec({name: 'notebook', image: 'busybox'}, {serviceAccountName: 'jupyter'})),
    ])
    c.sims.settle()
    expect(podsOf(c, 'nb-')).toHaveLength(0)
    const rs = c.store.find('apps/v1', 'replicasets', NS)[0]
    const failure = (rs.status as any).conditions.find((x: any) => x.type === 'ReplicaFailure')
    expect(failure.message).toBe(
      `pods "${rs.metadata.name}-" is forbidden: error looking up service account ${NS}/jupyter: serviceaccount "jupyter" not found`,
    )
    c.store.seed([{apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'jupyter', namespace: NS}}])
    c.sims.settle()
    expect(podsOf(c, 'nb-')).toHaveLength(1)
  })
})

describe('project annotations', () => {
  it('allocates the next free block after the system namespaces, with an MCS label and the service accounts', () => {
    const c = cluster({}, [])
    const r = c.store.resourceType('v1', 'namespaces')!
    const a = c.store.create(r, {apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'one'}})
    const b = c.store.create(r, {apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'two'}})
    expect(a.metadata.annotations).toMatchObject({
      'openshift.io/sa.scc.uid-range': '1000040000/10000',
      'openshift.io/sa.scc.supplemental-groups': '1000040000/10000',
      'openshift.io/sa.scc.mcs': 's0:c6,c5',
    })
    expect(b.metadata.annotations?.['openshift.io/sa.scc.uid-range']).toBe('1000050000/10000')
    c.sims.step()
    expect(c.store.find('v1', 'serviceaccounts', 'one').map(s => s.metadata.name)).toEqual([
      'builder',
      'default',
      'deployer',
    ])
  })

  it('lets a scenario pin a block or skip the annotations', () => {
    const c = cluster({namespaces: {pinned: {uidStart: 1000990000}}, namespaceAnnotations: false}, [])
    const r = c.store.resourceType('v1', 'namespaces')!
    expect(
      c.store.create(r, {apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'pinned'}}).metadata
        .annotations?.['openshift.io/sa.scc.uid-range'],
    ).toBe('1000990000/10000')
    expect(
      c.store.create(r, {apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'plain'}}).metadata
        .annotations,
    ).toBeUndefined()
  })
})

describe('review APIs', () => {
  const template = (extra: Record<string, unknown> = {}) => ({
    spec: {containers: [{name: 'notebook', image: 'x', ...extra}]},
  })
  const body = (kind: string, spec: Record<string, unknown>): KObject => ({
    apiVersion: 'security.openshift.io/v1',
    kind,
    metadata: {},
    spec,
  })

  it('self subject review returns restricted-v2 and the UID that would be assigned', () => {
    const c = cluster()
    const r = c.sims.review(
      'podsecuritypolicyselfsubjectreviews',
      NS,
      body('PodSecurityPolicySelfSubjectReview', {template: template()}),
      DEVELOPER,
    )
    const st = r.status as any
    expect(st.allowedBy).toMatchObject({kind: 'SecurityContextConstraints', name: 'restricted-v2'})
    expect(st.template.spec.containers[0].securityContext.runAsUser).toBe(1000040000)
    expect(st.template.spec.securityContext.fsGroup).toBe(1000040000)
  })

  it('subject review for a service account sees its anyuid grant', () => {
    const c = cluster({}, [...defaultProject(NS), grantScc('anyuid')])
    const r = c.sims.review(
      'podsecuritypolicysubjectreviews',
      NS,
      body('PodSecurityPolicySubjectReview', {
        template: {spec: {serviceAccountName: 'default', containers: [{name: 'n', image: 'x'}]}},
        user: 'system:serviceaccount:myproject:default',
      }),
      DEVELOPER,
    )
    expect((r.status as any).allowedBy.name).toBe('anyuid')
  })

  it('subject review with runAsUser 1000 and no grant: allowedBy null, reason set', () => {
    const c = cluster()
    const r = c.sims.review(
      'podsecuritypolicysubjectreviews',
      NS,
      body('PodSecurityPolicySubjectReview', {
        template: template({securityContext: {runAsUser: 1000}}),
        user: 'developer',
        groups: ['system:authenticated'],
      }),
      DEVELOPER,
    )
    expect((r.status as any).allowedBy).toBeNull()
    expect((r.status as any).reason).toBe('CantAssignSecurityContextConstraintProvider')
  })

  it('policy review lists the service accounts that may run the template', () => {
    const c = cluster({}, [...defaultProject(NS), grantScc('anyuid', 'builder')])
    const r = c.sims.review(
      'podsecuritypolicyreviews',
      NS,
      body('PodSecurityPolicyReview', {
        template: template({securityContext: {runAsUser: 1000}}),
        serviceAccountNames: ['default', 'builder'],
      }),
      DEVELOPER,
    )
    const allowed = (r.status as any).allowedServiceAccounts
    expect(allowed).toHaveLength(1)
    expect(allowed[0]).toMatchObject({
      name: 'builder',
      allowedBy: {name: 'anyuid', kind: 'SecurityContextConstraints'},
    })
    expect(allowed[0].template.spec.containers[0].securityContext.runAsUser).toBe(1000)
  })
})

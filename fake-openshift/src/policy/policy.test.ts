import {describe, expect, it} from 'vitest'

import {bootstrapObjects, defaultProject} from '../bootstrap.js'
import {authorize, type AuthorizationAttributes} from '../rbac.js'
import {DEVELOPER, NS} from '../sim/test-helpers.js'
import {TestingStore} from '../sim/testing-store.js'
import type {KObject} from '../types.js'
import {aggregateClusterRoles} from './aggregate.js'
import {defaultPolicy} from './index.js'

const s = new TestingStore()
s.seed([...bootstrapObjects(), ...defaultProject(NS)])
const can = (attrs: AuthorizationAttributes, who = DEVELOPER) => authorize(s, who, attrs).allowed
const stranger = {username: 'alice', groups: ['system:authenticated:oauth', 'system:authenticated']}

describe('default policy: what a project admin may do (FACTS.md §RBAC, storage and immutability)', () => {
  it('gets its own Namespace (namespace = name), but lists no Namespaces and gets no other', () => {
    expect(can({verb: 'get', group: '', resource: 'namespaces', namespace: NS, name: NS})).toBe(true)
    expect(can({verb: 'list', group: '', resource: 'namespaces'})).toBe(false)
    expect(
      can({verb: 'get', group: '', resource: 'namespaces', namespace: 'openshift', name: 'openshift'}),
    ).toBe(false)
  })

  it('may not read SCCs: no default role grants system:authenticated access to them', () => {
    for (const verb of ['get', 'list', 'watch'])
      expect(can({verb, group: 'security.openshift.io', resource: 'securitycontextconstraints'})).toBe(false)
    expect(
      can({
        verb: 'use',
        group: 'security.openshift.io',
        resource: 'securitycontextconstraints',
        name: 'anyuid',
      }),
    ).toBe(false)
    expect(
      can({
        verb: 'use',
        group: 'security.openshift.io',
        resource: 'securitycontextconstraints',
        name: 'restricted-v2',
        namespace: NS,
      }),
    ).toBe(true)
  })

  it('every authenticated user reads image streams in `openshift` and console-public, nothing else there', () => {
    for (const who of [DEVELOPER, stranger]) {
      expect(
        can(
          {verb: 'list', group: 'image.openshift.io', resource: 'imagestreams', namespace: 'openshift'},
          who,
        ),
      ).toBe(true)
      expect(
        can(
          {
            verb: 'get',
            group: '',
            resource: 'configmaps',
            namespace: 'openshift-config-managed',
            name: 'console-public',
          },
          who,
        ),
      ).toBe(true)
      expect(
        can(
          {
            verb: 'get',
            group: '',
            resource: 'configmaps',
            namespace: 'openshift-config-managed',
            name: 'other',
          },
          who,
        ),
      ).toBe(false)
      expect(
        can(
          {verb: 'create', group: 'image.openshift.io', resource: 'imagestreams', namespace: 'openshift'},
          who,
        ),
      ).toBe(false)
    }
  })

  it('admin aggregates edit and view: workloads, routes, builds, RBAC in the project', () => {
    const inNs = (verb: string, group: string, resource: string, subresource?: string) =>
      can({verb, group, resource, subresource, namespace: NS})
    expect(inNs('patch', 'apps', 'deployments')).toBe(true)
    expect(inNs('get', '', 'pods', 'log')).toBe(true)
    expect(inNs('create', '', 'pods', 'exec')).toBe(true)
    expect(inNs('create', 'rbac.authorization.k8s.io', 'rolebindings')).toBe(true)
    expect(inNs('create', 'route.openshift.io', 'routes', 'custom-host')).toBe(true)
    expect(inNs('update', 'route.openshift.io', 'routes', 'custom-host')).toBe(false)
    expect(inNs('create', 'security.openshift.io', 'podsecuritypolicysubjectreviews')).toBe(true)
    expect(inNs('get', 'project.openshift.io', 'projects')).toBe(true)
    expect(inNs('update', '', 'resourcequotas')).toBe(false)
  })

  it('self-provisioner: oauth users may request projects, service accounts may not', () => {
    const attrs = {verb: 'create', group: 'project.openshift.io', resource: 'projectrequests'}
    expect(can(attrs, stranger)).toBe(true)
    expect(
      can(attrs, {
        username: 'system:serviceaccount:myproject:default',
        groups: ['system:serviceaccounts', 'system:serviceaccounts:myproject', 'system:authenticated'],
      }),
    ).toBe(false)
  })

  it('system:basic-user lets everyone create a SelfSubjectReview (kubectl auth whoami)', () => {
    expect(
      can({verb: 'create', group: 'authentication.k8s.io', resource: 'selfsubjectreviews'}, stranger),
    ).toBe(true)
  })
})

describe('ClusterRole aggregation (clusterroleaggregation controller)', () => {
  const policy = defaultPolicy(['anyuid'])
  const role = (name: string) => policy.find(o => o.kind === 'ClusterRole' && o.metadata.name === name)!
  const has = (r: KObject, group: string, resource: string, verb: string) =>
    (r.rules as Array<{apiGroups?: string[]; resources?: string[]; verbs: string[]}>).some(
      x => x.apiGroups?.includes(group) && x.resources?.includes(resource) && x.verbs.includes(verb),
    )

  it('admin ⊇ edit ⊇ view, across the Kubernetes and OpenShift parts', () => {
    expect(has(role('view'), 'route.openshift.io', 'routes', 'get')).toBe(true)
    expect(has(role('view'), '', 'secrets', 'get')).toBe(false)
    expect(has(role('edit'), '', 'secrets', 'create')).toBe(true)
    expect(has(role('edit'), 'route.openshift.io', 'routes', 'get')).toBe(true)
    expect(has(role('admin'), 'rbac.authorization.k8s.io', 'rolebindings', 'create')).toBe(true)
    expect(has(role('admin'), '', 'pods', 'list')).toBe(true)
    expect(has(role('edit'), 'rbac.authorization.k8s.io', 'rolebindings', 'create')).toBe(false)
  })

  it('takes each rule once, from matching roles sorted by name, never from itself', () => {
    const r = (
      name: string,
      labels: Record<string, string>,
      rules: unknown[],
      from?: Record<string, string>,
    ) =>
      ({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: {name, labels},
        rules,
        ...(from ? {aggregationRule: {clusterRoleSelectors: [{matchLabels: from}]}} : {}),
      }) as KObject
    const a = {verbs: ['get'], apiGroups: [''], resources: ['a']}
    const b = {verbs: ['get'], apiGroups: [''], resources: ['b']}
    const [top] = aggregateClusterRoles([
      r('top', {x: 'y'}, [], {x: 'y'}),
      r('zz', {x: 'y'}, [a]),
      r('aa', {x: 'y'}, [b, a]),
    ])
    expect(top.rules).toEqual([b, a])
  })
})

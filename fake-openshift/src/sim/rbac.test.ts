import {describe, expect, it} from 'vitest'

import {bootstrapObjects, clusterRole, defaultProject, roleBinding} from '../bootstrap.js'
import {authorize, forbidden, serviceAccountUser} from '../rbac.js'
import {DEVELOPER, NS} from './test-helpers.js'
import {TestingStore} from './testing-store.js'

function store(extra = [] as ReturnType<typeof defaultProject>) {
  const s = new TestingStore()
  s.seed([...bootstrapObjects(), ...defaultProject(NS), ...extra])
  return s
}

describe('RBAC authorizer', () => {
  const s = store([
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: {name: 'pod-reader', namespace: NS},
      rules: [
        {apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list']},
        {apiGroups: [''], resources: ['configmaps'], resourceNames: ['settings'], verbs: ['get']},
      ],
    },
    roleBinding(NS, 'readers', 'pod-reader', [{kind: 'Group', name: 'qa'}], 'Role'),
    clusterRole('scale-all', [{apiGroups: ['apps'], resources: ['*/scale'], verbs: ['update']}]),
    roleBinding(NS, 'scaler', 'scale-all', [{kind: 'ServiceAccount', name: 'robot', namespace: NS}]),
  ])
  const qa = {username: 'tester', groups: ['qa', 'system:authenticated']}

  it('project admin (developer) may manage workloads in the project only', () => {
    expect(
      authorize(s, DEVELOPER, {verb: 'create', group: 'apps', resource: 'deployments', namespace: NS})
        .allowed,
    ).toBe(true)
    expect(
      authorize(s, DEVELOPER, {
        verb: 'create',
        group: 'build.openshift.io',
        resource: 'buildconfigs',
        subresource: 'instantiate',
        namespace: NS,
        name: 'x',
      }).allowed,
    ).toBe(true)
    expect(
      authorize(s, DEVELOPER, {
        verb: 'create',
        group: 'rbac.authorization.k8s.io',
        resource: 'rolebindings',
        namespace: NS,
      }).allowed,
    ).toBe(true)
    expect(
      authorize(s, DEVELOPER, {
        verb: 'create',
        group: 'security.openshift.io',
        resource: 'podsecuritypolicysubjectreviews',
        namespace: NS,
      }).allowed,
    ).toBe(true)
    expect(
      authorize(s, DEVELOPER, {verb: 'list', group: 'apps', resource: 'deployments', namespace: 'other'})
        .allowed,
    ).toBe(false)
    expect(
      authorize(s, DEVELOPER, {
        verb: 'update',
        group: 'security.openshift.io',
        resource: 'securitycontextconstraints',
        name: 'anyuid',
      }).allowed,
    ).toBe(false)
  })

  it('resourceNames, subresources and */subresource rules', () => {
    expect(
      authorize(s, qa, {
        verb: 'get',
        group: '',
        resource: 'pods',
        subresource: 'log',
        namespace: NS,
        name: 'p',
      }).allowed,
    ).toBe(true)
    expect(
      authorize(s, qa, {
        verb: 'create',
        group: '',
        resource: 'pods',
        subresource: 'exec',
        namespace: NS,
        name: 'p',
      }).allowed,
    ).toBe(false)
    expect(
      authorize(s, qa, {verb: 'get', group: '', resource: 'configmaps', namespace: NS, name: 'settings'})
        .allowed,
    ).toBe(true)
    expect(
      authorize(s, qa, {verb: 'get', group: '', resource: 'configmaps', namespace: NS, name: 'other'})
        .allowed,
    ).toBe(false)
    expect(authorize(s, qa, {verb: 'list', group: '', resource: 'configmaps', namespace: NS}).allowed).toBe(
      false,
    )
    const robot = serviceAccountUser(NS, 'robot')
    expect(
      authorize(s, robot, {
        verb: 'update',
        group: 'apps',
        resource: 'deployments',
        subresource: 'scale',
        namespace: NS,
        name: 'd',
      }).allowed,
    ).toBe(true)
    expect(
      authorize(s, robot, {verb: 'update', group: 'apps', resource: 'deployments', namespace: NS, name: 'd'})
        .allowed,
    ).toBe(false)
  })

  it('service accounts: SCC use via the bootstrap ClusterRoleBinding and per-namespace grants', () => {
    const sa = serviceAccountUser(NS, 'default')
    expect(sa.groups).toEqual([
      'system:serviceaccounts',
      `system:serviceaccounts:${NS}`,
      'system:authenticated',
    ])
    const use = (name: string) =>
      authorize(s, sa, {
        verb: 'use',
        group: 'security.openshift.io',
        resource: 'securitycontextconstraints',
        name,
        namespace: NS,
      })
    expect(use('restricted-v2')).toEqual({
      allowed: true,
      reason:
        'RBAC: allowed by ClusterRoleBinding "system:openshift:scc:restricted-v2" of ClusterRole "system:openshift:scc:restricted-v2" to Group "system:authenticated"',
    })
    expect(use('anyuid').allowed).toBe(false)
    // the image-pullers binding names the namespace's service-account group
    expect(
      authorize(s, sa, {
        verb: 'get',
        group: 'image.openshift.io',
        resource: 'imagestreams',
        subresource: 'layers',
        namespace: NS,
        name: 'x',
      }).allowed,
    ).toBe(true)
  })

  it('system:masters may do anything; cluster-admins via binding; non-resource URLs', () => {
    expect(
      authorize(
        s,
        {username: 'root', groups: ['system:masters']},
        {verb: 'delete', group: '', resource: 'namespaces', name: 'x'},
      ).allowed,
    ).toBe(true)
    expect(
      authorize(
        s,
        {username: 'system:admin', groups: []},
        {
          verb: 'use',
          group: 'security.openshift.io',
          resource: 'securitycontextconstraints',
          name: 'privileged',
          namespace: NS,
        },
      ).allowed,
    ).toBe(true)
    expect(
      authorize(s, DEVELOPER, {verb: 'get', group: '', resource: '', path: '/apis/apps/v1'}).allowed,
    ).toBe(true)
    expect(authorize(s, DEVELOPER, {verb: 'get', group: '', resource: '', path: '/metrics'}).allowed).toBe(
      false,
    )
  })

  it('renders the API server’s Forbidden message', () => {
    expect(
      forbidden(DEVELOPER, {verb: 'list', group: 'apps', resource: 'deployments', namespace: 'other'})
        .message,
    ).toBe(
      'deployments.apps is forbidden: User "developer" cannot list resource "deployments" in API group "apps" in the namespace "other"',
    )
    const e = forbidden(DEVELOPER, {
      verb: 'patch',
      group: 'security.openshift.io',
      resource: 'securitycontextconstraints',
      name: 'anyuid',
    })
    expect(e.code).toBe(403)
    expect(e.message).toBe(
      'securitycontextconstraints.security.openshift.io "anyuid" is forbidden: User "developer" cannot patch resource "securitycontextconstraints" in API group "security.openshift.io" at the cluster scope',
    )
    expect(
      forbidden(DEVELOPER, {
        verb: 'get',
        group: '',
        resource: 'pods',
        subresource: 'log',
        namespace: NS,
        name: 'p',
      }).message,
    ).toBe(
      'pods "p" is forbidden: User "developer" cannot get resource "pods/log" in API group "" in the namespace "myproject"',
    )
  })
})

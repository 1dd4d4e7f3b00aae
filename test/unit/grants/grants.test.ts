import {describe, expect, it} from 'vitest'

import type {KubeObject} from '../../../src/lib/cluster/index.js'
import {
  accessKey,
  bindingReaches,
  locateSccGrants,
  mayRemove,
  planGrantRemoval,
  requiredAccess,
  roleKey,
  ruleGrantsSccUse,
  subjectReaches,
  type GrantSources,
} from '../../../src/lib/grants/index.js'

const sa = {namespace: 'myproject', name: 'default'}
const SCC_ROLE = 'system:openshift:scc:anyuid'

const clusterRole = (name: string, rules: unknown[], extra: Record<string, unknown> = {}): KubeObject => ({
  kind: 'ClusterRole',
  metadata: {name},
  rules,
  ...extra,
})
const useAnyuid = {
  apiGroups: ['security.openshift.io'],
  resources: ['securitycontextconstraints'],
  resourceNames: ['anyuid'],
  verbs: ['use'],
}
const rb = (
  name: string,
  roleRef: {kind: string; name: string},
  subjects: unknown[],
  ns = 'myproject',
): KubeObject => ({
  kind: 'RoleBinding',
  metadata: {name, namespace: ns, resourceVersion: '7'},
  roleRef: {apiGroup: 'rbac.authorization.k8s.io', ...roleRef},
  subjects,
})
const crb = (name: string, role: string, subjects: unknown[]): KubeObject => ({
  kind: 'ClusterRoleBinding',
  metadata: {name},
  roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role},
  subjects,
})
const ourSa = {kind: 'ServiceAccount', name: 'default', namespace: 'myproject'}
const otherSa = {kind: 'ServiceAccount', name: 'builder', namespace: 'myproject'}

function sources(over: Partial<GrantSources> = {}): GrantSources {
  return {
    scc: 'anyuid',
    serviceAccount: sa,
    sccObject: {
      kind: 'SecurityContextConstraints',
      metadata: {name: 'anyuid'},
      users: [],
      groups: ['system:cluster-admins'],
    },
    roleBindings: [],
    clusterRoleBindings: [],
    roles: {[roleKey('ClusterRole', SCC_ROLE)]: clusterRole(SCC_ROLE, [useAnyuid])},
    ...over,
  }
}

describe('RBAC rule and subject matching', () => {
  it('use on the SCC: exact, wildcards, empty resourceNames; not other verbs, groups or SCCs', () => {
    expect(ruleGrantsSccUse(useAnyuid, 'anyuid')).toBe(true)
    expect(ruleGrantsSccUse(useAnyuid, 'privileged')).toBe(false)
    expect(ruleGrantsSccUse({...useAnyuid, resourceNames: []}, 'privileged')).toBe(true)
    expect(ruleGrantsSccUse({apiGroups: ['*'], resources: ['*'], verbs: ['*']}, 'anyuid')).toBe(true)
    expect(ruleGrantsSccUse({...useAnyuid, verbs: ['get', 'list']}, 'anyuid')).toBe(false)
    expect(ruleGrantsSccUse({...useAnyuid, apiGroups: ['']}, 'anyuid')).toBe(false)
    expect(ruleGrantsSccUse({...useAnyuid, resources: ['pods']}, 'anyuid')).toBe(false)
  })

  it('subjects: the SA (namespace defaulted), its user name, its groups; not other SAs', () => {
    expect(subjectReaches(ourSa, sa, 'myproject')).toBe('ServiceAccount')
    expect(subjectReaches({kind: 'ServiceAccount', name: 'default'}, sa, 'myproject')).toBe('ServiceAccount')
    expect(subjectReaches({kind: 'ServiceAccount', name: 'default'}, sa, 'other')).toBeUndefined()
    expect(subjectReaches({kind: 'User', name: 'system:serviceaccount:myproject:default'}, sa, 'x')).toBe(
      'User',
    )
    for (const g of ['system:serviceaccounts', 'system:serviceaccounts:myproject', 'system:authenticated'])
      expect(subjectReaches({kind: 'Group', name: g}, sa, 'x')).toBe('Group')
    expect(subjectReaches({kind: 'Group', name: 'system:serviceaccounts:other'}, sa, 'x')).toBeUndefined()
    expect(subjectReaches(otherSa, sa, 'myproject')).toBeUndefined()
    expect(bindingReaches(rb('x', {kind: 'Role', name: 'r'}, [otherSa]), sa)).toBe(false)
  })
})

describe('locateSccGrants', () => {
  it('nothing granted: no grants, nothing unread', () => {
    expect(locateSccGrants(sources())).toMatchObject({grants: [], unread: []})
  })

  it('a RoleBinding of any name to the SCC ClusterRole, our SA its only subject → delete it', () => {
    const where = locateSccGrants(
      sources({roleBindings: [rb('notebook-anyuid', {kind: 'ClusterRole', name: SCC_ROLE}, [ourSa])]}),
    )
    expect(where.grants).toHaveLength(1)
    const g = where.grants[0]
    expect(g).toMatchObject({
      place: 'rolebinding',
      target: {kind: 'RoleBinding', name: 'notebook-anyuid', namespace: 'myproject'},
      remaining: 0,
      shared: false,
    })
    expect(g.description).toBe(
      'RoleBinding notebook-anyuid in myproject binds ServiceAccount default to ClusterRole system:openshift:scc:anyuid, which grants use of SCC anyuid',
    )
    const removal = planGrantRemoval(g)
    expect(removal.action).toBe('delete')
    expect(removal.command).toBe('oc delete rolebinding notebook-anyuid -n myproject')
    expect(requiredAccess(removal)).toEqual({
      all: [
        {
          verb: 'delete',
          group: 'rbac.authorization.k8s.io',
          resource: 'rolebindings',
          name: 'notebook-anyuid',
          namespace: 'myproject',
        },
      ],
      anyOf: [],
    })
  })

  it('a custom Role with use, shared with another SA → a guarded JSON patch of our subject only', () => {
    const role: KubeObject = {
      kind: 'Role',
      metadata: {name: 'scc-user', namespace: 'myproject'},
      rules: [useAnyuid],
    }
    const where = locateSccGrants(
      sources({
        roleBindings: [rb('scc-users', {kind: 'Role', name: 'scc-user'}, [otherSa, ourSa])],
        roles: {[roleKey('Role', 'scc-user', 'myproject')]: role},
      }),
    )
    const g = where.grants[0]
    expect(g).toMatchObject({role: {kind: 'Role', name: 'scc-user'}, remaining: 1})
    const removal = planGrantRemoval(g)
    expect(removal.action).toBe('patch')
    expect(removal.command).toBe(
      `oc patch rolebinding scc-users -n myproject --type=json -p '[{"op":"test","path":"/subjects/1","value":{"kind":"ServiceAccount","name":"default","namespace":"myproject"}},{"op":"remove","path":"/subjects/1"}]'`,
    )
    // escalation prevention: a patch needs the role's permission (use) or bind on the role
    const req = requiredAccess(removal)
    expect(req.anyOf.map(accessKey)).toEqual([
      'use securitycontextconstraints.security.openshift.io/anyuid -n myproject',
      'bind roles.rbac.authorization.k8s.io/scc-user -n myproject',
    ])
    const patchKey = accessKey(req.all[0])
    expect(
      mayRemove(removal, {
        [patchKey]: true,
        [accessKey(req.anyOf[0])]: false,
        [accessKey(req.anyOf[1])]: false,
      }),
    ).toBe(false)
    expect(mayRemove(removal, {[patchKey]: true, [accessKey(req.anyOf[0])]: true})).toBe(true)
    expect(mayRemove(removal, {})).toBeUndefined()
  })

  it('wildcard and aggregated ClusterRoles count; a role granting something else does not', () => {
    const roles = {
      [roleKey('ClusterRole', 'all-sccs')]: clusterRole('all-sccs', [
        {apiGroups: ['security.openshift.io'], resources: ['*'], verbs: ['use']},
      ]),
      [roleKey('ClusterRole', 'agg')]: clusterRole('agg', [useAnyuid], {
        aggregationRule: {clusterRoleSelectors: [{matchLabels: {x: 'y'}}]},
      }),
      [roleKey('ClusterRole', 'view')]: clusterRole('view', [
        {apiGroups: [''], resources: ['pods'], verbs: ['get']},
      ]),
    }
    const where = locateSccGrants(
      sources({
        roleBindings: [
          rb('a', {kind: 'ClusterRole', name: 'all-sccs'}, [ourSa]),
          rb('b', {kind: 'ClusterRole', name: 'agg'}, [ourSa]),
          rb('c', {kind: 'ClusterRole', name: 'view'}, [ourSa]),
        ],
        roles,
      }),
    )
    expect(where.grants.map(g => g.target.name)).toEqual(['a', 'b'])
  })

  it('SCC users and groups (incl. the SA groups) → patches of the SCC with test operations', () => {
    const where = locateSccGrants(
      sources({
        sccObject: {
          kind: 'SecurityContextConstraints',
          metadata: {name: 'anyuid'},
          users: ['system:admin', 'system:serviceaccount:myproject:default'],
          groups: ['system:cluster-admins', 'system:serviceaccounts:myproject'],
        },
      }),
    )
    expect(where.grants.map(g => [g.place, g.shared])).toEqual([
      ['scc-users', false],
      ['scc-groups', true],
    ])
    expect(planGrantRemoval(where.grants[1]).command).toBe(
      `oc patch scc anyuid --type=json -p '[{"op":"test","path":"/groups/1","value":"system:serviceaccounts:myproject"},{"op":"remove","path":"/groups/1"}]'`,
    )
  })

  it('a ClusterRoleBinding through the group system:serviceaccounts, its only subject → delete, shared', () => {
    const where = locateSccGrants(
      sources({
        clusterRoleBindings: [
          crb('all-sa-anyuid', SCC_ROLE, [{kind: 'Group', name: 'system:serviceaccounts'}]),
        ],
      }),
    )
    expect(where.grants[0]).toMatchObject({place: 'clusterrolebinding', shared: true, remaining: 0})
    expect(planGrantRemoval(where.grants[0]).command).toBe('oc delete clusterrolebinding all-sa-anyuid')
  })

  it('what could not be read is listed with the permission that would let it', () => {
    const where = locateSccGrants(
      sources({
        sccObject: undefined,
        clusterRoleBindings: undefined,
        roleBindings: [rb('x', {kind: 'ClusterRole', name: 'secret-role'}, [ourSa])],
      }),
    )
    expect(where.unread).toEqual([
      {
        what: 'SecurityContextConstraints anyuid (its users and groups)',
        permission: 'get securitycontextconstraints/anyuid',
      },
      {
        what: 'ClusterRole secret-role (the role of RoleBinding x in myproject)',
        permission: 'get clusterroles/secret-role',
      },
      {what: 'ClusterRoleBindings', permission: 'list clusterrolebindings'},
    ])
  })

  it('RoleBindings of other namespaces do not grant in ours', () => {
    const where = locateSccGrants(
      sources({roleBindings: [rb('x', {kind: 'ClusterRole', name: SCC_ROLE}, [ourSa], 'elsewhere')]}),
    )
    expect(where.grants).toEqual([])
  })
})

describe('what removing a grant also takes away', () => {
  it('a role granting more than SCC use is flagged; the SCC roles, wildcard SCC use and aggregated use are not', () => {
    const roles = {
      [roleKey('ClusterRole', SCC_ROLE)]: clusterRole(SCC_ROLE, [useAnyuid]),
      [roleKey('ClusterRole', 'all-sccs')]: clusterRole('all-sccs', [
        {apiGroups: ['security.openshift.io'], resources: ['*'], verbs: ['use']},
      ]),
      [roleKey('ClusterRole', 'everything')]: clusterRole('everything', [
        {apiGroups: ['*'], resources: ['*'], verbs: ['*']},
      ]),
      [roleKey('ClusterRole', 'scc-and-pods')]: clusterRole('scc-and-pods', [
        useAnyuid,
        {apiGroups: [''], resources: ['pods'], verbs: ['get']},
      ]),
    }
    const where = locateSccGrants(
      sources({
        roleBindings: ['system:openshift:scc:anyuid', 'all-sccs', 'everything', 'scc-and-pods'].map(r =>
          rb(`b-${r}`, {kind: 'ClusterRole', name: r}, [ourSa]),
        ),
        roles,
      }),
    )
    expect(where.grants.map(g => [g.role?.name, g.broaderRole === true])).toEqual([
      [SCC_ROLE, false],
      ['all-sccs', false],
      ['everything', true],
      ['scc-and-pods', true],
    ])
  })

  it('removals say what they took: the only subject, several subjects, SCC users', () => {
    const where = locateSccGrants(
      sources({
        sccObject: {
          kind: 'SecurityContextConstraints',
          metadata: {name: 'anyuid'},
          users: ['system:serviceaccount:myproject:default'],
        },
        roleBindings: [
          rb('one', {kind: 'ClusterRole', name: SCC_ROLE}, [ourSa]),
          rb('two', {kind: 'ClusterRole', name: SCC_ROLE}, [
            ourSa,
            {kind: 'User', name: 'system:serviceaccount:myproject:default'},
          ]),
          rb('shared', {kind: 'ClusterRole', name: SCC_ROLE}, [otherSa, ourSa]),
        ],
      }),
    )
    expect(where.grants.map(g => planGrantRemoval(g).description)).toEqual([
      'removed system:serviceaccount:myproject:default from the users of SecurityContextConstraints anyuid',
      'deleted RoleBinding one in myproject (its only subject was service account default)',
      'deleted RoleBinding two in myproject (each of its subjects reached the service account: service account default, user system:serviceaccount:myproject:default)',
      'removed service account default from the subjects of RoleBinding shared in myproject',
    ])
  })
})

import {describe, expect, it} from 'vitest'

import {adminRemovalCommand, planAnyuidRemoval} from '../../../src/lib/deploy/anyuid.js'

const ns = 'myproject'
const sa = 'default'

describe('planAnyuidRemoval', () => {
  it('finds nothing when no grant exists', () => {
    const plan = planAnyuidRemoval({
      namespace: ns,
      serviceAccount: sa,
      scc: {metadata: {name: 'anyuid'}, users: []},
    })
    expect(plan.changes).toEqual([])
    expect(plan.notices).toEqual([])
  })

  it('removes the service account user from the SCC users list with a guarded JSON patch', () => {
    const plan = planAnyuidRemoval({
      namespace: ns,
      serviceAccount: sa,
      scc: {
        metadata: {name: 'anyuid'},
        users: ['system:serviceaccount:other:default', 'system:serviceaccount:myproject:default'],
      },
    })
    expect(plan.changes).toHaveLength(1)
    const change = plan.changes[0]
    expect(change.action).toBe('remove-user')
    if (change.action !== 'remove-user') throw new Error('unreachable')
    expect(change.patch).toEqual([
      {op: 'test', path: '/users/1', value: 'system:serviceaccount:myproject:default'},
      {op: 'remove', path: '/users/1'},
    ])
    expect(change.description).toContain('SecurityContextConstraints anyuid')
  })

  it('removes duplicates from the highest index first', () => {
    const u = 'system:serviceaccount:myproject:default'
    const plan = planAnyuidRemoval({
      namespace: ns,
      serviceAccount: sa,
      scc: {metadata: {name: 'anyuid'}, users: [u, 'x', u]},
    })
    const change = plan.changes[0]
    if (change.action !== 'remove-user') throw new Error('unreachable')
    expect(change.patch.map(p => p.path)).toEqual(['/users/2', '/users/2', '/users/0', '/users/0'])
  })

  it('deletes a RoleBinding whose only subject is the service account (namespace implied)', () => {
    const plan = planAnyuidRemoval({
      namespace: ns,
      serviceAccount: sa,
      roleBinding: {
        metadata: {name: 'system:openshift:scc:anyuid', namespace: ns, resourceVersion: '42'},
        subjects: [{kind: 'ServiceAccount', name: 'default'}],
      },
    })
    expect(plan.changes).toEqual([
      expect.objectContaining({
        action: 'delete-binding',
        target: {kind: 'RoleBinding', name: 'system:openshift:scc:anyuid', namespace: ns},
        resourceVersion: '42',
      }),
    ])
  })

  it('keeps other subjects of a ClusterRoleBinding and only strips ours', () => {
    const other = {kind: 'ServiceAccount', name: 'default', namespace: 'other'}
    const ours = {kind: 'ServiceAccount', name: 'default', namespace: ns}
    const plan = planAnyuidRemoval({
      namespace: ns,
      serviceAccount: sa,
      clusterRoleBinding: {metadata: {name: 'system:openshift:scc:anyuid'}, subjects: [other, ours]},
    })
    expect(plan.changes).toHaveLength(1)
    const change = plan.changes[0]
    if (change.action !== 'remove-subject') throw new Error('unreachable')
    expect(change.target).toEqual({kind: 'ClusterRoleBinding', name: 'system:openshift:scc:anyuid'})
    expect(change.patch).toEqual([
      {op: 'test', path: '/subjects', value: [other, ours]},
      {op: 'replace', path: '/subjects', value: [other]},
    ])
  })

  it('recognises the old User-subject form of a service account', () => {
    const plan = planAnyuidRemoval({
      namespace: ns,
      serviceAccount: sa,
      clusterRoleBinding: {
        metadata: {name: 'system:openshift:scc:anyuid'},
        subjects: [{kind: 'User', name: 'system:serviceaccount:myproject:default'}],
      },
    })
    expect(plan.changes.map(c => c.action)).toEqual(['delete-binding'])
  })

  it('does not delete an emptied binding annotated autoupdate=false, only empties it', () => {
    const plan = planAnyuidRemoval({
      namespace: ns,
      serviceAccount: sa,
      roleBinding: {
        metadata: {
          name: 'system:openshift:scc:anyuid',
          namespace: ns,
          annotations: {'rbac.authorization.kubernetes.io/autoupdate': 'false'},
        },
        subjects: [{kind: 'ServiceAccount', name: 'default', namespace: ns}],
      },
    })
    expect(plan.changes.map(c => c.action)).toEqual(['remove-subject'])
    // emptying it is an update, which RBAC escalation prevention refuses to a project admin: delete instead
    const [change] = plan.changes
    expect(change.action === 'remove-subject' && change.deleteInstead).toEqual({
      description:
        'deleted RoleBinding system:openshift:scc:anyuid in myproject (its only subject was service account default; emptying it was not allowed)',
    })
  })

  it('offers no delete instead of a patch when other subjects stay', () => {
    const plan = planAnyuidRemoval({
      namespace: ns,
      serviceAccount: sa,
      roleBinding: {
        metadata: {name: 'system:openshift:scc:anyuid', namespace: ns, resourceVersion: '7'},
        subjects: [
          {kind: 'ServiceAccount', name: 'default', namespace: ns},
          {kind: 'ServiceAccount', name: 'other', namespace: ns},
        ],
      },
    })
    const [change] = plan.changes
    expect(change.action).toBe('remove-subject')
    expect('deleteInstead' in change && change.deleteInstead).toBe(false)
  })

  it('reports, but does not remove, grants to groups that include the service account', () => {
    const plan = planAnyuidRemoval({
      namespace: ns,
      serviceAccount: sa,
      scc: {
        metadata: {name: 'anyuid'},
        users: [],
        groups: ['system:cluster-admins', 'system:serviceaccounts:myproject'],
      },
      roleBinding: {
        metadata: {name: 'system:openshift:scc:anyuid', namespace: ns},
        subjects: [{kind: 'Group', name: 'system:serviceaccounts'}],
      },
    })
    expect(plan.changes).toEqual([])
    expect(plan.notices.map(n => n.place)).toEqual(['scc-groups', 'rolebinding'])
    expect(plan.notices[0].message).toContain('system:serviceaccounts:myproject')
  })

  it('ignores a service account of the same name in another namespace', () => {
    const plan = planAnyuidRemoval({
      namespace: ns,
      serviceAccount: sa,
      clusterRoleBinding: {
        metadata: {name: 'system:openshift:scc:anyuid'},
        subjects: [{kind: 'ServiceAccount', name: 'default', namespace: 'elsewhere'}],
      },
    })
    expect(plan.changes).toEqual([])
  })
})

describe('adminRemovalCommand', () => {
  it('is the exact oc command an administrator runs', () => {
    expect(adminRemovalCommand('myproject', 'default')).toBe(
      'oc adm policy remove-scc-from-user anyuid -z default -n myproject',
    )
  })

  it('names the service account as a user, without -n, for the ClusterRoleBinding (oc picks the binding by -n)', () => {
    expect(adminRemovalCommand('myproject', 'default', 'clusterrolebinding')).toBe(
      'oc adm policy remove-scc-from-user anyuid system:serviceaccount:myproject:default',
    )
  })

  it('patches the SCC users list with the guarded JSON patch of the plan', () => {
    const patch = [
      {op: 'test' as const, path: '/users/1', value: 'system:serviceaccount:myproject:default'},
      {op: 'remove' as const, path: '/users/1'},
    ]
    expect(adminRemovalCommand('myproject', 'default', 'scc-users', patch)).toBe(
      `oc patch scc anyuid --type=json -p '[{"op":"test","path":"/users/1","value":"system:serviceaccount:myproject:default"},{"op":"remove","path":"/users/1"}]'`,
    )
  })
})

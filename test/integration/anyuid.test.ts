/**
 * anyuid removal through the real CLI: one scenario per place OpenShift records a grant of anyuid to
 * the default service account (FACTS.md §SCC grants). A user allowed to change the grant removes it
 * (and deletes a binding left empty); a user who is not gets a warning with the exact command for an
 * administrator, and the deploy still succeeds. Grants are cluster-scoped state, so each test has its
 * own fake.
 */
import path from 'node:path'

import {describe, expect, test} from 'vitest'

import {request} from '../../fake-openshift/src/client.js'
import type {FakeOpenShift} from '../../fake-openshift/src/index.js'
import {repoRoot, runCli, type CliResult} from './helpers/cli.js'
import {both, fakes, firstUid, get, kubeconfig, pods, runAsUser, storedPassword} from './helpers/notebook.js'

const start = fakes()
const NS = 'myproject'
const RBAC = 'rbac.authorization.k8s.io/v1'
const BINDING = 'system:openshift:scc:anyuid'
const SA_USER = `system:serviceaccount:${NS}:default`
const scenario = (name: string) => path.join(repoRoot, 'test/scenarios', `${name}.yaml`)

/** deploy as `user`; the notebook must run under restricted-v2 with the project's first UID either way. */
async function deployAs(fake: FakeOpenShift, user: string): Promise<CliResult> {
  const kc = user === fake.user ? fake.kubeconfigPath : kubeconfig(fake, {user, namespace: NS})
  const r = await runCli(['deploy'], {kubeconfig: kc})
  expect(r.code, both(r)).toBe(0)
  const [pod] = pods(fake, NS)
  expect(pod.metadata.annotations?.['openshift.io/scc']).toBe('restricted-v2')
  expect(runAsUser(pod)).toBe(firstUid(fake, NS))
  expect(r.stdout).toContain(`https://notebook-${NS}.apps.sandbox.example.com`)
  expect(r.stdout + r.stderr).not.toContain(storedPassword(fake, NS))
  return r
}

const anyuidUsers = (fake: FakeOpenShift) =>
  (get(fake, 'security.openshift.io/v1', 'securitycontextconstraints', undefined, 'anyuid')?.users ??
    []) as string[]

/** Which SCC the review API says the service account could use for a pod that only anyuid admits. */
async function reviewAllowedBy(fake: FakeOpenShift): Promise<string | null> {
  const res = await request(
    {url: fake.url, caPem: fake.caPem, token: fake.tokenFor('admin')},
    `/apis/security.openshift.io/v1/namespaces/${NS}/podsecuritypolicysubjectreviews`,
    {
      method: 'POST',
      body: {
        apiVersion: 'security.openshift.io/v1',
        kind: 'PodSecurityPolicySubjectReview',
        spec: {
          user: SA_USER,
          groups: ['system:serviceaccounts', `system:serviceaccounts:${NS}`, 'system:authenticated'],
          template: {
            metadata: {},
            spec: {containers: [{name: 'probe', image: 'probe', securityContext: {runAsUser: 1000}}]},
          },
        },
      },
    },
  )
  return (res.json.status?.allowedBy?.name as string | undefined) ?? null
}

describe('anyuid granted through RoleBinding system:openshift:scc:anyuid (oc adm policy ... -n NS)', () => {
  test.concurrent('the project admin removes it: the emptied binding is deleted', async () => {
    const fake = await start({scenario: scenario('deploy-anyuid-rolebinding')})
    expect(await reviewAllowedBy(fake)).toBe('anyuid')
    const r = await deployAs(fake, 'developer')
    expect(r.stderr).toContain(
      `✔ anyuid: deleted RoleBinding ${BINDING} in ${NS} (its only subject was service account default)`,
    )
    expect(get(fake, RBAC, 'rolebindings', NS, BINDING)).toBeUndefined()
    expect(await reviewAllowedBy(fake)).toBeNull()
    expect(r.stderr).not.toContain('administrator')
  })

  test.concurrent('a user with the edit role only: cannot tell, says so, exit 0', async () => {
    const fake = await start({scenario: scenario('deploy-anyuid-rolebinding')})
    const r = await deployAs(fake, 'editor')
    // edit reads no RBAC objects and no SCCs, and only admin may run SCC reviews
    expect(r.stderr).toContain(
      `! anyuid: could not check whether service account default may use anyuid: this user may not read SecurityContextConstraints anyuid, RoleBinding ${BINDING}, ClusterRoleBinding ${BINDING}, nor run an SCC subject review (podsecuritypolicysubjectreviews)`,
    )
    expect(r.stderr).not.toContain('administrator')
    expect(get(fake, RBAC, 'rolebindings', NS, BINDING)).toBeDefined()
  })

  test.concurrent(
    'another subject shares the binding: updating it needs `use` on anyuid (escalation prevention); warning + admin command',
    async () => {
      const fake = await start({scenario: scenario('deploy-anyuid-rolebinding')})
      const other = {kind: 'ServiceAccount', name: 'other', namespace: NS}
      const binding = get(fake, RBAC, 'rolebindings', NS, BINDING)!
      fake.seed([{...binding, subjects: [...(binding.subjects as object[]), other]}])
      const r = await deployAs(fake, 'developer')
      expect(r.stderr).toContain(
        `! anyuid: not allowed to patch RoleBinding ${BINDING} in ${NS}: service account default keeps anyuid`,
      )
      expect(r.stderr).toContain(
        `! an administrator can run: oc adm policy remove-scc-from-user anyuid -z default -n ${NS}\n`,
      )
      expect(get(fake, RBAC, 'rolebindings', NS, BINDING)?.subjects).toHaveLength(2)
    },
  )

  test.concurrent(
    'autoupdate=false, ours the only subject: emptying it is forbidden, deleting it is not',
    async () => {
      const fake = await start({scenario: scenario('deploy-anyuid-rolebinding')})
      const binding = get(fake, RBAC, 'rolebindings', NS, BINDING)!
      fake.seed([
        {
          ...binding,
          metadata: {
            ...binding.metadata,
            annotations: {'rbac.authorization.kubernetes.io/autoupdate': 'false'},
          },
        },
      ])
      const r = await deployAs(fake, 'developer')
      expect(r.stderr).toContain(
        `✔ anyuid: deleted RoleBinding ${BINDING} in ${NS} (its only subject was service account default; emptying it was not allowed)`,
      )
      expect(get(fake, RBAC, 'rolebindings', NS, BINDING)).toBeUndefined()
      expect(await reviewAllowedBy(fake)).toBeNull()
      expect(r.stderr).not.toContain('administrator')
    },
  )
})

describe('anyuid granted through ClusterRoleBinding system:openshift:scc:anyuid (oc adm policy ... without -n)', () => {
  test.concurrent('a cluster admin removes it: the emptied binding is deleted', async () => {
    const fake = await start({scenario: scenario('deploy-anyuid-clusterrolebinding')})
    const r = await deployAs(fake, 'admin')
    expect(r.stderr).toContain(
      `✔ anyuid: deleted ClusterRoleBinding ${BINDING} (its only subject was service account default)`,
    )
    expect(get(fake, RBAC, 'clusterrolebindings', undefined, BINDING)).toBeUndefined()
    expect(await reviewAllowedBy(fake)).toBeNull()
  })

  test.concurrent(
    'the project admin cannot read it: the subject review finds the grant; warning + admin command',
    async () => {
      const fake = await start({scenario: scenario('deploy-anyuid-clusterrolebinding')})
      const r = await deployAs(fake, 'developer')
      // a project admin reads neither SCCs nor ClusterRoleBindings: either may hold the grant
      expect(r.stderr).toContain(
        `! anyuid: service account default can still use anyuid (SCC subject review), through a grant this user may not read: SecurityContextConstraints anyuid, ClusterRoleBinding ${BINDING}`,
      )
      // with -n, oc would look at the RoleBinding: the cluster-wide grant is removed by user name
      expect(r.stderr).toContain(
        `! an administrator can run: oc adm policy remove-scc-from-user anyuid ${SA_USER}\n`,
      )
      expect(r.stderr).toContain(
        `! an administrator can run: oc edit scc anyuid   # remove ${SA_USER} from users\n`,
      )
      expect(get(fake, RBAC, 'clusterrolebindings', undefined, BINDING)).toBeDefined()
    },
  )
})

describe('anyuid granted in the SCC users list (OpenShift <= 4.4)', () => {
  test.concurrent("a cluster admin removes only this service account's entry", async () => {
    const fake = await start({scenario: scenario('deploy-anyuid-scc-users')})
    expect(anyuidUsers(fake)).toContain(SA_USER)
    const r = await deployAs(fake, 'admin')
    expect(r.stderr).toContain(
      `✔ anyuid: removed ${SA_USER} from the users of SecurityContextConstraints anyuid`,
    )
    expect(anyuidUsers(fake)).toEqual(['system:serviceaccount:legacy:app'])
    expect(await reviewAllowedBy(fake)).toBeNull()
  })

  test.concurrent(
    'the project admin may not read the SCC: the subject review finds the grant; warning + how to edit the SCC',
    async () => {
      const fake = await start({scenario: scenario('deploy-anyuid-scc-users')})
      const r = await deployAs(fake, 'developer')
      expect(r.stderr).toContain(
        `! anyuid: service account default can still use anyuid (SCC subject review), through a grant this user may not read: SecurityContextConstraints anyuid, ClusterRoleBinding ${BINDING}`,
      )
      // the exact JSON patch needs the SCC's users list, which only an administrator can read
      expect(r.stderr).toContain(
        `! an administrator can run: oc edit scc anyuid   # remove ${SA_USER} from users\n`,
      )
      expect(r.stderr.match(/an administrator can run/g)).toHaveLength(2)
      expect(anyuidUsers(fake)).toContain(SA_USER)
    },
  )
})

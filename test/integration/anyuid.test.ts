/**
 * anyuid removal through the real CLI: grants of anyuid to the default service account wherever
 * OpenShift records them (FACTS.md §SCC grants) — the standard system:openshift:scc:anyuid bindings,
 * bindings and roles of any name, the SCC's users and groups. A user allowed to change the grant
 * removes it (a binding whose every subject is ours is deleted); a user who is not gets a warning with
 * the exact command for an administrator, which the test then runs as printed (as the administrator)
 * to show it removes the grant; the deploy succeeds either way. Grants are cluster-scoped state, so
 * each test has its own fake.
 */
import path from 'node:path'

import {describe, expect, test} from 'vitest'

import {request} from '../../fake-openshift/src/client.js'
import type {FakeOpenShift} from '../../fake-openshift/src/index.js'
import type {KObject} from '../../fake-openshift/src/types.js'
import type {DoctorReport} from '../../src/lib/doctor/index.js'
import {repoRoot, runCli, type CliResult} from './helpers/cli.js'
import {
  both,
  builderStream,
  fakes,
  firstUid,
  get,
  kubeconfig,
  pods,
  runAsUser,
  storedPassword,
} from './helpers/notebook.js'
import {runPrinted, words} from './helpers/remedy.js'

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

/** The commands deploy printed for an administrator. */
const adminCommands = (r: CliResult): string[] =>
  [...r.stderr.matchAll(/^! an administrator can run: (.+)$/gm)].map(m => m[1])

/**
 * Runs an administrator command as printed, as `admin`. The printed `oc jupyter doctor` is the
 * administrator's own run: the commands of its anyuid finding are run in turn.
 */
async function runAsAdmin(fake: FakeOpenShift, command: string): Promise<void> {
  const kc = kubeconfig(fake, {user: 'admin', namespace: NS})
  if (command.startsWith('oc jupyter doctor')) {
    const r = await runCli([...words(command).slice(2), '-o', 'json'], {kubeconfig: kc})
    const report = JSON.parse(r.stdout) as DoctorReport
    const grant = report.problems.find(p => p.finding.checkId === 'grants.anyuid-usable')
    expect(grant, r.stdout).toBeDefined()
    for (const step of grant?.finding.fix ?? []) await runAsAdmin(fake, step.command)
    return
  }
  const r = await runPrinted(command, kc)
  expect(r.code, `${command}\n${both(r)}`).toBe(0)
}

/** Objects of a further grant, in the project that already holds the builder image stream. */
function seed(fake: FakeOpenShift, objects: KObject[]): void {
  fake.loadScenario({
    namespace: NS,
    objects: [{...builderStream(), metadata: {name: 's2i-minimal-notebook', namespace: NS}}, ...objects],
  })
}

const clusterRole = (name: string, rules: unknown[]): KObject => ({
  apiVersion: RBAC,
  kind: 'ClusterRole',
  metadata: {name},
  rules,
})
const USE_ANYUID = {
  apiGroups: ['security.openshift.io'],
  resources: ['securitycontextconstraints'],
  resourceNames: ['anyuid'],
  verbs: ['use'],
}
const binding = (
  kind: 'RoleBinding' | 'ClusterRoleBinding',
  name: string,
  role: {kind: string; name: string},
  subjects: unknown[],
): KObject => ({
  apiVersion: RBAC,
  kind,
  metadata: {name, ...(kind === 'RoleBinding' ? {namespace: NS} : {})},
  roleRef: {apiGroup: 'rbac.authorization.k8s.io', ...role},
  subjects,
})
const OUR_SA = {kind: 'ServiceAccount', name: 'default', namespace: NS}

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
      `! anyuid: could not check whether service account default may use anyuid: this user may not read SecurityContextConstraints anyuid (its users and groups), RoleBindings in ${NS}, ClusterRoleBindings, nor run an SCC subject review (podsecuritypolicysubjectreviews)`,
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
        `! anyuid: RoleBinding ${BINDING} in ${NS} binds ServiceAccount default to ClusterRole ${BINDING}, which grants use of SCC anyuid (1 other subject); this user may not patch RoleBinding ${BINDING} in ${NS}: service account default keeps anyuid`,
      )
      // a guarded patch of that binding: only our subject goes
      const [command] = adminCommands(r)
      expect(adminCommands(r)).toEqual([
        `oc patch rolebinding ${BINDING} -n ${NS} --type=json -p '[{"op":"test","path":"/subjects/0","value":{"kind":"ServiceAccount","name":"default","namespace":"${NS}"}},{"op":"remove","path":"/subjects/0"}]'`,
      ])
      expect(get(fake, RBAC, 'rolebindings', NS, BINDING)?.subjects).toHaveLength(2)
      await runAsAdmin(fake, command)
      expect(get(fake, RBAC, 'rolebindings', NS, BINDING)?.subjects).toEqual([other])
      expect(await reviewAllowedBy(fake)).toBeNull()
    },
  )

  test.concurrent(
    'autoupdate=false, ours the only subject: deleted (escalation prevention checks updates, not deletes)',
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
        `✔ anyuid: deleted RoleBinding ${BINDING} in ${NS} (its only subject was service account default)`,
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
        `! anyuid: service account default can still use anyuid (SCC subject review), through a grant this user may not read: SecurityContextConstraints anyuid (its users and groups), ClusterRoleBindings`,
      )
      // the administrator's doctor run names the grant and prints its removal
      expect(adminCommands(r)).toEqual([
        `oc jupyter doctor notebook -n ${NS}   # as a cluster administrator: names the grant and prints the command that removes it`,
      ])
      expect(get(fake, RBAC, 'clusterrolebindings', undefined, BINDING)).toBeDefined()
      await runAsAdmin(fake, adminCommands(r)[0])
      expect(get(fake, RBAC, 'clusterrolebindings', undefined, BINDING)).toBeUndefined()
      expect(await reviewAllowedBy(fake)).toBeNull()
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
    "the project admin may not read the SCC: the subject review finds the grant; the administrator's doctor run removes it",
    async () => {
      const fake = await start({scenario: scenario('deploy-anyuid-scc-users')})
      const r = await deployAs(fake, 'developer')
      expect(r.stderr).toContain(
        `! anyuid: service account default can still use anyuid (SCC subject review), through a grant this user may not read: SecurityContextConstraints anyuid (its users and groups), ClusterRoleBindings`,
      )
      // the exact JSON patch needs the SCC's users list, which only an administrator can read: its doctor run prints it
      expect(adminCommands(r)).toHaveLength(1)
      expect(anyuidUsers(fake)).toContain(SA_USER)
      await runAsAdmin(fake, adminCommands(r)[0])
      expect(anyuidUsers(fake)).toEqual(['system:serviceaccount:legacy:app'])
      expect(await reviewAllowedBy(fake)).toBeNull()
    },
  )
})

describe('anyuid granted where `oc adm policy` does not look', () => {
  test.concurrent(
    'a RoleBinding of another name to a custom Role: the project admin deletes that binding',
    async () => {
      const fake = await start()
      seed(fake, [
        {
          apiVersion: RBAC,
          kind: 'Role',
          metadata: {name: 'run-as-image-user', namespace: NS},
          rules: [USE_ANYUID],
        },
        binding('RoleBinding', 'jupyter-anyuid', {kind: 'Role', name: 'run-as-image-user'}, [OUR_SA]),
      ])
      expect(await reviewAllowedBy(fake)).toBe('anyuid')
      const r = await deployAs(fake, 'developer')
      expect(r.stderr).toContain(
        `✔ anyuid: deleted RoleBinding jupyter-anyuid in ${NS} (its only subject was service account default)`,
      )
      expect(get(fake, RBAC, 'rolebindings', NS, 'jupyter-anyuid')).toBeUndefined()
      expect(await reviewAllowedBy(fake)).toBeNull()
      expect(r.stderr).not.toContain('administrator')
    },
  )

  test.concurrent(
    'a ClusterRoleBinding of another name, by the SA user name: a cluster admin deletes it',
    async () => {
      const fake = await start()
      seed(fake, [
        clusterRole('image-user', [USE_ANYUID]),
        binding('ClusterRoleBinding', 'notebooks-run-as-root', {kind: 'ClusterRole', name: 'image-user'}, [
          {apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: SA_USER},
        ]),
      ])
      expect(await reviewAllowedBy(fake)).toBe('anyuid')
      const r = await deployAs(fake, 'admin')
      expect(r.stderr).toContain(
        `✔ anyuid: deleted ClusterRoleBinding notebooks-run-as-root (its only subject was user ${SA_USER})`,
      )
      expect(await reviewAllowedBy(fake)).toBeNull()
    },
  )

  test.concurrent(
    "SCC groups (every service account of the project): left alone, the administrator's command printed",
    async () => {
      const fake = await start()
      const scc = get(fake, 'security.openshift.io/v1', 'securitycontextconstraints', undefined, 'anyuid')!
      fake.seed([{...scc, groups: [...((scc.groups as string[]) ?? []), `system:serviceaccounts:${NS}`]}])
      seed(fake, [])
      const r = await deployAs(fake, 'admin')
      expect(r.stderr).toContain(
        `! anyuid: SecurityContextConstraints anyuid lists group system:serviceaccounts:${NS} in its groups, which includes service account default; not removed: that also takes anyuid from every other member of system:serviceaccounts:${NS}`,
      )
      const [command] = adminCommands(r)
      expect(command).toMatch(
        new RegExp(
          `^oc patch scc anyuid --type=json -p '\\[\\{"op":"test","path":"/groups/\\d+","value":"system:serviceaccounts:${NS}"\\},\\{"op":"remove","path":"/groups/\\d+"\\}\\]'   # also takes anyuid from every other member of system:serviceaccounts:${NS}$`,
        ),
      )
      expect(await reviewAllowedBy(fake)).toBe('anyuid')
      await runAsAdmin(fake, command)
      expect(await reviewAllowedBy(fake)).toBeNull()
    },
  )

  test.concurrent(
    'a binding whose role grants more than anyuid: left alone, so the service account keeps the rest',
    async () => {
      const fake = await start()
      seed(fake, [
        clusterRole('notebook-runner', [
          USE_ANYUID,
          {apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list']},
        ]),
        binding('RoleBinding', 'notebook-runner', {kind: 'ClusterRole', name: 'notebook-runner'}, [OUR_SA]),
      ])
      const r = await deployAs(fake, 'developer')
      expect(r.stderr).toContain(
        `! anyuid: RoleBinding notebook-runner in ${NS} binds ServiceAccount default to ClusterRole notebook-runner, which grants use of SCC anyuid; not removed: that also takes the other permissions of ClusterRole notebook-runner from service account default`,
      )
      expect(adminCommands(r)).toEqual([
        `oc delete rolebinding notebook-runner -n ${NS}   # also takes the other permissions of ClusterRole notebook-runner from service account default`,
      ])
      expect(get(fake, RBAC, 'rolebindings', NS, 'notebook-runner')).toBeDefined()
    },
  )
})

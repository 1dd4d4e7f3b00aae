/**
 * `oc jupyter deploy` end to end: the real, built CLI against the fake OpenShift API server over
 * HTTPS, with the simulators in auto mode (rollout, SCC admission, kubelet, routes happen as on a
 * cluster). Tests that share a fake use their own project, so the CLI processes run concurrently.
 */
import path from 'node:path'

import {beforeAll, describe, expect, test} from 'vitest'

import type {FakeOpenShift} from '../../fake-openshift/src/index.js'
import {repoRoot, runCli} from './helpers/cli.js'
import {runPrinted, tryLine} from './helpers/remedy.js'
import {
  both,
  builderStream,
  fakes,
  firstUid,
  get,
  instanceObjects,
  list,
  pods,
  project,
  runAsUser,
  SIM_IMAGES,
  storedPassword,
  writesIn,
} from './helpers/notebook.js'

const start = fakes()
const scenario = (name: string) => path.join(repoRoot, 'test/scenarios', name)
const DOMAIN = 'apps.sandbox.example.com'
const FIVE = [
  'Deployment/notebook',
  'PersistentVolumeClaim/notebook-data',
  'Route/notebook',
  'Secret/notebook-password',
  'Service/notebook',
]

const replicaSets = (fake: FakeOpenShift, ns: string) => list(fake, 'apps/v1', 'replicasets', ns)
const claimRequest = (fake: FakeOpenShift, ns: string) =>
  (
    get(fake, 'v1', 'persistentvolumeclaims', ns, 'notebook-data')?.spec as {
      resources: {requests: {storage: string}}
    }
  ).resources.requests.storage

describe('deploy', () => {
  let fake: FakeOpenShift
  beforeAll(async () => {
    fake = await start({simulatorOptions: {...SIM_IMAGES, namespaces: {plainns: {annotations: false}}}})
  })

  test.concurrent(
    'fresh project, built builder: 5 objects, pod under restricted-v2 with the first UID, route admitted, URL, no password',
    async () => {
      const ns = 'fresh'
      const kc = project(fake, ns)
      const build = await runCli(['build'], {kubeconfig: kc})
      expect(build.code, both(build)).toBe(0)

      const r = await runCli(['deploy'], {kubeconfig: kc})
      expect(r.code, both(r)).toBe(0)
      for (const o of FIVE) expect(r.stderr).toContain(`Created ${o}`)
      expect(instanceObjects(fake, ns)).toEqual(FIVE)

      // The rollout really completed and the pod runs under the project's assigned UID, not anyuid.
      expect(r.stderr).toContain('deployment "notebook" successfully rolled out')
      const [pod] = pods(fake, ns)
      expect(pod.metadata.annotations?.['openshift.io/scc']).toBe('restricted-v2')
      expect(runAsUser(pod)).toBe(firstUid(fake, ns))
      const deployment = get(fake, 'apps/v1', 'deployments', ns, 'notebook')
      expect(JSON.stringify(deployment?.spec)).not.toContain('runAsUser')
      expect(deployment?.status).toMatchObject({availableReplicas: 1, updatedReplicas: 1})
      const route = get(fake, 'route.openshift.io/v1', 'routes', ns, 'notebook')
      expect(route?.status).toMatchObject({ingress: [{conditions: [{type: 'Admitted', status: 'True'}]}]})

      // Final lines: the URL and how to read the password; the password itself nowhere.
      expect(r.stdout).toContain(`https://notebook-${ns}.${DOMAIN}`)
      expect(r.stdout).toContain(`runs as UID ${firstUid(fake, ns)}`)
      expect(r.stdout).toContain('under SCC restricted-v2')
      expect(r.stdout.trim().split('\n').at(-1)).toBe(
        `Log in: open the URL and paste the password into the "Password or token" field; print it with: oc jupyter password notebook -n ${ns}`,
      )
      const password = storedPassword(fake, ns)
      expect(password.length).toBeGreaterThanOrEqual(16)
      expect(r.stdout + r.stderr + build.stdout + build.stderr).not.toContain(password)

      // Re-run with the same flags: nothing changes, no new ReplicaSet.
      const rsBefore = replicaSets(fake, ns).map(rs => rs.metadata.name)
      const generation = get(fake, 'apps/v1', 'deployments', ns, 'notebook')?.metadata.generation
      const again = await runCli(['deploy'], {kubeconfig: kc})
      expect(again.code, both(again)).toBe(0)
      for (const o of FIVE) expect(again.stderr).toContain(`Unchanged ${o}`)
      expect(again.stderr).toContain('Nothing changed.')
      expect(again.stderr).not.toMatch(/Created|Configured/)
      expect(replicaSets(fake, ns).map(rs => rs.metadata.name)).toEqual(rsBefore)
      expect(get(fake, 'apps/v1', 'deployments', ns, 'notebook')?.metadata.generation).toBe(generation)
      expect(storedPassword(fake, ns)).toBe(password)
      expect(again.stdout + again.stderr).not.toContain(password)
    },
  )

  test.concurrent(
    '--volume-size: a smaller claim is refused before any write (exit 2), a larger one is requested',
    async () => {
      const ns = 'volume'
      const kc = project(fake, ns, [builderStream()])
      const first = await runCli(['deploy'], {kubeconfig: kc})
      expect(first.code, both(first)).toBe(0)
      expect(claimRequest(fake, ns)).toBe('1Gi')

      const mark = fake.recorder.mark()
      const smaller = await runCli(['deploy', '--volume-size', '500Mi'], {kubeconfig: kc})
      expect(smaller.code, both(smaller)).toBe(2)
      expect(smaller.stderr).toContain(
        'Error: --volume-size 500Mi is smaller than the existing claim notebook-data (1Gi): a volume is never shrunk',
      )
      expect(
        fake.recorder.writes({
          since: mark,
          where: w => w.path.includes(`/${ns}/`) || !w.path.includes('/namespaces/'),
        }),
      ).toEqual([])

      const larger = await runCli(['deploy', '--volume-size', '2Gi'], {kubeconfig: kc})
      expect(larger.code, both(larger)).toBe(0)
      expect(larger.stderr).toContain('Configured PersistentVolumeClaim/notebook-data')
      expect(larger.stderr).toContain('Unchanged Deployment/notebook')
      expect(claimRequest(fake, ns)).toBe('2Gi')

      // a plain re-run keeps the grown claim (the default means "keep what exists, at least 1Gi")
      const plain = await runCli(['deploy'], {kubeconfig: kc})
      expect(plain.code, both(plain)).toBe(0)
      expect(plain.stderr).toContain('Unchanged PersistentVolumeClaim/notebook-data')
      expect(claimRequest(fake, ns)).toBe('2Gi')
      const back = await runCli(['deploy', '--volume-size', '1Gi'], {kubeconfig: kc})
      expect(back.code, both(back)).toBe(2)
      // another access mode or class is refused before any write: immutable once bound
      const mark3 = fake.recorder.mark()
      const rwx = await runCli(['deploy', '--access-mode', 'RWX'], {kubeconfig: kc})
      expect(rwx.code, both(rwx)).toBe(2)
      expect(rwx.stderr).toContain('which cannot change once it is bound')
      expect(writesIn(fake, ns, mark3)).toEqual([])

      // A DeploymentConfig beside the Deployment would be a second notebook on the same volume.
      const mark2 = fake.recorder.mark()
      const switched = await runCli(['deploy', '--deployment-config'], {kubeconfig: kc})
      expect(switched.code, both(switched)).toBe(2)
      expect(switched.stderr).toContain(
        'Error: notebook notebook runs as a Deployment: deploying it with --deployment-config would start a second one beside it',
      )
      expect(writesIn(fake, ns, mark2)).toEqual([])
      // its Try: line, run as printed, moves it to a DeploymentConfig with the same claim (2Gi) ...
      const moved = await runPrinted(tryLine(switched.stderr), kc)
      expect(moved.code, both(moved)).toBe(0)
      expect(claimRequest(fake, ns)).toBe('2Gi')
      // ... and a plain deploy beside that DeploymentConfig is refused the other way round, its Try: runs
      const beside = await runCli(['deploy'], {kubeconfig: kc})
      expect(beside.code, both(beside)).toBe(2)
      expect(beside.stderr).toContain(
        'Error: notebook notebook runs as a DeploymentConfig: deploying it without --deployment-config would start a second one beside it',
      )
      const again = await runPrinted(tryLine(beside.stderr), kc)
      expect(again.code, both(again)).toBe(0)
    },
  )

  test.concurrent(
    '--deployment-config: a DeploymentConfig the server accepts, its deprecation warning once',
    async () => {
      const ns = 'dc'
      const kc = project(fake, ns, [builderStream()])
      const r = await runCli(['deploy', '--deployment-config'], {kubeconfig: kc})
      expect(r.code, both(r)).toBe(0)
      expect(r.stderr).toContain('Created DeploymentConfig/notebook')
      expect(instanceObjects(fake, ns)).toEqual([
        'DeploymentConfig/notebook',
        'PersistentVolumeClaim/notebook-data',
        'Route/notebook',
        'Secret/notebook-password',
        'Service/notebook',
      ])
      const dc = get(fake, 'apps.openshift.io/v1', 'deploymentconfigs', ns, 'notebook')
      expect(dc?.spec).toMatchObject({strategy: {type: 'Recreate'}})
      expect((dc?.spec as {triggers: Array<{type: string}>}).triggers.map(t => t.type).sort()).toEqual([
        'ConfigChange',
        'ImageChange',
      ])
      const warnings = r.stderr.match(/DeploymentConfig is deprecated/g) ?? []
      expect(warnings, r.stderr).toHaveLength(1)
      const [pod] = pods(fake, ns)
      expect(pod.metadata.annotations?.['openshift.io/scc']).toBe('restricted-v2')
      expect(runAsUser(pod)).toBe(firstUid(fake, ns))
      expect(r.stdout).toContain(`https://notebook-${ns}.${DOMAIN}`)

      // Re-run (-o json): nothing changes — the trigger's lastTriggeredImage and image are kept, so
      // no new version; stderr holds only the one deprecation warning.
      const before = get(fake, 'apps.openshift.io/v1', 'deploymentconfigs', ns, 'notebook')
      const again = await runCli(['deploy', '--deployment-config', '-o', 'json'], {kubeconfig: kc})
      expect(again.code, both(again)).toBe(0)
      const result = JSON.parse(again.stdout)
      expect(result.objects.map((o: {action: string}) => o.action)).toEqual(Array(5).fill('unchanged'))
      expect(result.url).toBe(`https://notebook-${ns}.${DOMAIN}`)
      expect(again.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(/^! server: apps\.openshift\.io\/v1 DeploymentConfig is deprecated/),
      ])
      const after = get(fake, 'apps.openshift.io/v1', 'deploymentconfigs', ns, 'notebook')
      expect(after?.metadata.generation).toBe(before?.metadata.generation)
      expect((after?.status as {latestVersion: number}).latestVersion).toBe(1)
    },
  )

  test.concurrent(
    '--dry-run=server: every write is dryRun=All, nothing is stored, anyuid "would" be removed',
    async () => {
      const ns = 'dryrun'
      const kc = project(fake, ns, [builderStream(), anyuidRoleBinding(ns)])
      const mark = fake.recorder.mark()
      const r = await runCli(['deploy', '--dry-run=server'], {kubeconfig: kc})
      expect(r.code, both(r)).toBe(0)
      const writes = writesIn(fake, ns, mark)
      expect(writes.map(w => `${w.method} ${w.path.replace(/.*\/namespaces\/[^/]+\//, '')}`).sort()).toEqual([
        'DELETE rolebindings/system:openshift:scc:anyuid',
        'PATCH deployments/notebook',
        'PATCH persistentvolumeclaims/notebook-data',
        'PATCH routes/notebook',
        'PATCH services/notebook',
        'POST secrets',
      ])
      for (const w of writes) expect(w.query.dryRun, `${w.method} ${w.path}`).toBe('All')
      expect(r.stdout).toContain(
        'would have deleted RoleBinding system:openshift:scc:anyuid in dryrun (its only subject was service account default)',
      )
      expect(r.stdout).toMatch(
        /^Server dry run: Secret\/notebook-password created, .*Deployment\/notebook created\./m,
      )
      expect(instanceObjects(fake, ns)).toEqual([])
      expect(
        get(fake, 'rbac.authorization.k8s.io/v1', 'rolebindings', ns, 'system:openshift:scc:anyuid'),
      ).toBeDefined()
    },
  )

  test.concurrent(
    '--keep-anyuid leaves the grant alone; the pod still lands on restricted-v2 (seccomp RuntimeDefault)',
    async () => {
      const ns = 'keep'
      const kc = project(fake, ns, [builderStream(), anyuidRoleBinding(ns)])
      const mark = fake.recorder.mark()
      const r = await runCli(['deploy', '--keep-anyuid'], {kubeconfig: kc})
      expect(r.code, both(r)).toBe(0)
      expect(r.stderr).not.toContain('anyuid')
      expect(writesIn(fake, ns, mark).filter(w => w.path.includes('rolebindings'))).toEqual([])
      expect(
        get(fake, 'rbac.authorization.k8s.io/v1', 'rolebindings', ns, 'system:openshift:scc:anyuid'),
      ).toBeDefined()
      expect(pods(fake, ns)[0].metadata.annotations?.['openshift.io/scc']).toBe('restricted-v2')
    },
  )

  test.concurrent(
    '--password-from-stdin and --rotate-password change the password, restart the pod, never print it',
    async () => {
      const ns = 'passwords'
      const kc = project(fake, ns, [builderStream()])
      const first = await runCli(['deploy'], {kubeconfig: kc})
      expect(first.code, both(first)).toBe(0)
      const generated = storedPassword(fake, ns)
      const rs = replicaSets(fake, ns).length

      const chosen = 'correct-horse-battery-staple'
      const fromStdin = await runCli(['deploy', '--password-from-stdin', '--verbose'], {
        kubeconfig: kc,
        stdin: `${chosen}\n`,
      })
      expect(fromStdin.code, both(fromStdin)).toBe(0)
      expect(storedPassword(fake, ns)).toBe(chosen)
      expect(fromStdin.stderr).toContain('Configured Secret/notebook-password')
      expect(fromStdin.stderr).toMatch(
        /^PATCH \/api\/v1\/namespaces\/passwords\/secrets\/notebook-password\?/m,
      )
      // neither the password nor the bearer token, even with --verbose
      expect(fromStdin.stdout + fromStdin.stderr).not.toContain(chosen)
      expect(fromStdin.stdout + fromStdin.stderr).not.toContain(fake.token)
      // env from the Secret is read at container start: the running pod is replaced (new ReplicaSet)
      expect(replicaSets(fake, ns)).toHaveLength(rs + 1)

      const rotated = await runCli(['deploy', '--rotate-password'], {kubeconfig: kc})
      expect(rotated.code, both(rotated)).toBe(0)
      const fresh = storedPassword(fake, ns)
      expect(fresh).not.toBe(chosen)
      expect(fresh).not.toBe(generated)
      expect(rotated.stdout + rotated.stderr).not.toContain(fresh)
      expect(replicaSets(fake, ns)).toHaveLength(rs + 2)

      const password = await runCli(['password'], {kubeconfig: kc})
      expect(password.code, both(password)).toBe(0)
      expect(password.stdout).toBe(`${fresh}\n`)

      // A plain re-run afterwards keeps the password and the pod.
      const again = await runCli(['deploy'], {kubeconfig: kc})
      expect(again.code, both(again)).toBe(0)
      expect(again.stderr).toContain('Nothing changed.')
      expect(storedPassword(fake, ns)).toBe(fresh)
      expect(replicaSets(fake, ns)).toHaveLength(rs + 2)
    },
  )

  test.concurrent('--build on a fresh project builds the builder first, then deploys it', async () => {
    const ns = 'withbuild'
    const kc = project(fake, ns)
    const r = await runCli(['deploy', '--build'], {kubeconfig: kc})
    expect(r.code, both(r)).toBe(0)
    expect(r.stderr).toContain('has no image yet: building it first (--build)')
    expect(r.stderr).toContain('Created BuildConfig/s2i-minimal-notebook')
    expect(r.stderr).toMatch(/Build s2i-minimal-notebook-1 Complete/)
    expect(get(fake, 'build.openshift.io/v1', 'builds', ns, 's2i-minimal-notebook-1')?.status).toMatchObject({
      phase: 'Complete',
    })
    expect(instanceObjects(fake, ns)).toEqual(FIVE)
    expect(pods(fake, ns)[0].metadata.annotations?.['openshift.io/scc']).toBe('restricted-v2')
    expect(r.stdout).toContain(`https://notebook-${ns}.${DOMAIN}`)
  })

  test.concurrent('preflight: no image in the tag → exit 1 suggesting build, before any write', async () => {
    const ns = 'noimage'
    const kc = project(fake, ns)
    const mark = fake.recorder.mark()
    const r = await runCli(['deploy'], {kubeconfig: kc})
    expect(r.code, both(r)).toBe(1)
    expect(r.stderr).toContain(
      `Error: image stream tag s2i-minimal-notebook:latest has no image in project ${ns}`,
    )
    expect(r.stderr).toContain(
      `Try: oc jupyter build -n ${ns}   # or: oc jupyter deploy notebook --build -n ${ns}`,
    )
    expect(writesIn(fake, ns, mark)).toEqual([])
  })

  test.concurrent(
    'preflight: a namespace without the UID-range annotation → exit 1 before any write',
    async () => {
      // created on a cluster whose policy controller did not annotate it (simulator option)
      const ns = 'plainns'
      const kc = project(fake, ns, [builderStream()])
      const mark = fake.recorder.mark()
      const r = await runCli(['deploy'], {kubeconfig: kc})
      expect(r.code, both(r)).toBe(1)
      expect(r.stderr).toContain(`namespace "${ns}" has no openshift.io/sa.scc.uid-range annotation`)
      expect(writesIn(fake, ns, mark)).toEqual([])
    },
  )
})

describe('deploy: preflight on a server without the OpenShift APIs', () => {
  test.concurrent('routes not served → exit 1 naming the API, before any write', async () => {
    const fake = await start({scenario: scenario('deploy-crashloop.yaml')})
    // what a plain Kubernetes API server answers for an unknown group/version
    fake.faults.status('GET', '/apis/route.openshift.io/v1', 404)
    const r = await runCli(['deploy'], {kubeconfig: fake.kubeconfigPath})
    expect(r.code, both(r)).toBe(1)
    expect(r.stderr).toContain(
      `Error: ${fake.url} does not serve routes.route.openshift.io/v1: OpenShift is required (is this a plain Kubernetes cluster?)`,
    )
    expect(r.stderr).toContain('Try: oc api-resources --api-group=route.openshift.io')
    expect(fake.recorder.writes()).toEqual([])
  })
})

describe('deploy: pods that do not run', () => {
  test.concurrent(
    'an anyuid-era image crash-loops under restricted-v2: exit 1 with the waiting reason, the log line and a doctor hint',
    async () => {
      const fake = await start({scenario: scenario('deploy-crashloop.yaml')})
      const r = await runCli(['deploy'], {kubeconfig: fake.kubeconfigPath})
      expect(r.code, both(r)).toBe(1)
      expect(r.stderr).toMatch(/pod notebook-[a-z0-9]+-[a-z0-9]{5}: container "notebook" CrashLoopBackOff/)
      expect(r.stderr).toContain('Error: notebook notebook does not start: CrashLoopBackOff')
      expect(r.stderr).toContain("PermissionError: [Errno 13] Permission denied: '/home/jovyan/.jupyter'")
      expect(r.stderr.trim().split('\n').at(-1)).toBe('Try: oc jupyter doctor notebook -n myproject')
      expect(pods(fake, 'myproject')[0].metadata.annotations?.['openshift.io/scc']).toBe('restricted-v2')
    },
  )

  test.concurrent(
    'SCC admission rejects every pod: FailedCreate shown verbatim, exit 1, doctor hint',
    async () => {
      const fake = await start({scenario: scenario('deploy-scc-rejected.yaml')})
      const r = await runCli(['deploy'], {kubeconfig: fake.kubeconfigPath})
      expect(r.code, both(r)).toBe(1)
      const event = list(fake, 'v1', 'events', 'myproject').find(e => e.reason === 'FailedCreate')
      const message = String(event?.message).replace(/^Error creating: /, '')
      expect(message).toMatch(
        /^pods "notebook-[a-z0-9]+-" is forbidden: unable to validate against any security context constraint: \[provider "anyuid": Forbidden: not usable by user or serviceaccount, provider "restricted-v2": Forbidden: not usable by user or serviceaccount/,
      )
      expect(r.stderr).toContain('Error: pods of notebook are rejected by SCC admission (FailedCreate)')
      expect(r.stderr).toContain(`  ${message}\n`)
      expect(r.stderr.trim().split('\n').at(-1)).toBe('Try: oc jupyter doctor notebook -n myproject')
      expect(pods(fake, 'myproject')).toEqual([])
    },
  )

  test.concurrent(
    '--timeout 3s on a rollout that cannot finish (claim never binds): exit 5 with the last status',
    async () => {
      const fake = await start({scenario: scenario('deploy-pvc-pending.yaml')})
      // 3 s from the command's start: under load the writes alone can take a second
      const r = await runCli(['deploy', '--timeout', '3s'], {kubeconfig: fake.kubeconfigPath})
      expect(r.code, both(r)).toBe(5)
      expect(r.stderr).toContain(
        'Error: timed out after 3s waiting for deployment "notebook" rollout: Waiting for deployment "notebook" rollout to finish: 0 of 1 updated replicas are available...',
      )
      // why: the claim is not provisioned, so the pod cannot be scheduled
      expect(r.stderr).toMatch(
        /event PersistentVolumeClaim\/notebook-data ProvisioningFailed: failed to provision volume .*storage pool is full/,
      )
      expect(r.stderr).toMatch(/pod notebook-[a-z0-9-]+: not scheduled/)
      expect(r.stderr).toContain(
        'Try: oc jupyter status notebook -n myproject   # or: oc jupyter doctor notebook -n myproject',
      )
    },
  )
})

function anyuidRoleBinding(namespace: string) {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: {name: 'system:openshift:scc:anyuid'},
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'system:openshift:scc:anyuid',
    },
    subjects: [{kind: 'ServiceAccount', name: 'default', namespace}],
  }
}

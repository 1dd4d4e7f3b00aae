/**
 * A notebook made by the upstream recipe (`oc new-app`, `oc set volume --add`, `oc expose`), moved
 * under oc-jupyter through the real CLI against the fake OpenShift: deploy refuses to apply over it
 * before any write, status and the other commands find it by name and print the move, the printed move
 * runs as printed and keeps the claim with its files, re-runs keep that claim, and delete never deletes
 * it. The objects are shaped as openshift/oc's new-app and set-volume make them (FACTS.md §What the oc
 * commands create; pkg/helpers/newapp/app/app.go: selector `deployment: NAME`).
 */
import {beforeAll, describe, expect, test} from 'vitest'

import type {FakeOpenShift} from '../../fake-openshift/src/index.js'
import type {KObject} from '../../fake-openshift/src/types.js'
import {runCli} from './helpers/cli.js'
import {both, builderStream, fakes, get, list, project} from './helpers/notebook.js'
import {kubectl, runPrinted, tryLine} from './helpers/remedy.js'

const start = fakes()
let fake: FakeOpenShift
beforeAll(async () => {
  fake = await start()
})

const NAME = 'mynb'
const CLAIM = 'pvc-7x2kq'
const MOUNT = '/opt/app-root/src/work'

/** What `oc new-app s2i-minimal-notebook:latest --name mynb`, `oc set volume … --add` and `oc expose` leave. */
function recipeObjects(): KObject[] {
  const labels = {app: NAME, 'app.kubernetes.io/component': NAME, 'app.kubernetes.io/instance': NAME}
  return [
    builderStream(),
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {name: CLAIM},
      spec: {accessModes: ['ReadWriteOnce'], resources: {requests: {storage: '1G'}}},
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: NAME,
        labels,
        annotations: {
          'image.openshift.io/triggers': JSON.stringify([
            {
              from: {kind: 'ImageStreamTag', name: 's2i-minimal-notebook:latest'},
              fieldPath: `spec.template.spec.containers[?(@.name=="${NAME}")].image`,
            },
          ]),
        },
      },
      spec: {
        replicas: 1,
        selector: {matchLabels: {deployment: NAME}},
        template: {
          metadata: {labels: {deployment: NAME}},
          spec: {
            containers: [
              {
                name: NAME,
                image: 's2i-minimal-notebook:latest',
                ports: [{containerPort: 8888, protocol: 'TCP'}],
                volumeMounts: [{name: 'volume-ab12c', mountPath: MOUNT}],
              },
            ],
            volumes: [{name: 'volume-ab12c', persistentVolumeClaim: {claimName: CLAIM}}],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {name: NAME, labels},
      spec: {
        selector: {deployment: NAME},
        ports: [{name: '8888-tcp', port: 8888, protocol: 'TCP', targetPort: 8888}],
      },
    },
    {
      apiVersion: 'route.openshift.io/v1',
      kind: 'Route',
      metadata: {name: NAME, labels},
      spec: {to: {kind: 'Service', name: NAME}, port: {targetPort: '8888-tcp'}},
    },
  ]
}

async function runningPod(ns: string, selector: string, kc: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const pod = list(fake, 'v1', 'pods', ns).find(
      p =>
        Object.entries(Object.fromEntries(selector.split(',').map(kv => kv.split('=')))).every(
          ([k, v]) => p.metadata.labels?.[k] === v,
        ) &&
        !p.metadata.deletionTimestamp &&
        (p.status as {phase?: string} | undefined)?.phase === 'Running',
    )
    if (pod) return pod.metadata.name as string
    await new Promise(r => setTimeout(r, 100))
  }
  throw new Error(`no running pod ${selector} in ${ns}: ${(await kubectl(['get', 'pods'], kc)).stdout}`)
}

describe('a notebook made by the recipe', () => {
  test('deploy refuses before any write; status finds it; the printed move keeps the files', async () => {
    const ns = 'recipe-made'
    const kc = project(fake, ns, recipeObjects())
    // the user's notebook work, on the recipe's volume
    const old = await runningPod(ns, `deployment=${NAME}`, kc)
    const file = `${MOUNT}/analysis.ipynb`
    const touched = await kubectl(['exec', old, '--', 'touch', file], kc)
    expect(touched.code, both(touched)).toBe(0)

    const refused = await runCli(['deploy', NAME], {kubeconfig: kc})
    expect(refused.code, both(refused)).toBe(2)
    expect(refused.stderr).toContain(
      `Deployment ${NAME} was not made by oc-jupyter: it selects its pods by deployment=${NAME}, which cannot change`,
    )
    expect(refused.stderr).toContain(`claim ${CLAIM} and its files are kept and mounted again`)
    const move = tryLine(refused.stderr)
    expect(move).toBe(
      `oc delete deployment/${NAME} -n ${ns} && oc delete service/${NAME} route/${NAME} -n ${ns} --ignore-not-found && ` +
        `oc jupyter deploy ${NAME} --existing-claim ${CLAIM} --mount-path ${MOUNT} --image s2i-minimal-notebook:latest -n ${ns}`,
    )
    // nothing was written
    expect(get(fake, 'v1', 'secrets', ns, `${NAME}-password`)).toBeUndefined()
    expect(get(fake, 'v1', 'persistentvolumeclaims', ns, `${NAME}-data`)).toBeUndefined()

    const status = await runCli(['status', NAME], {kubeconfig: kc})
    expect(status.code, both(status)).toBe(0)
    expect(status.stdout).toContain(
      `Objects:    Deployment/${NAME}, Route/${NAME}, Service/${NAME}, PersistentVolumeClaim/${CLAIM}`,
    )
    expect(status.stdout).toMatch(new RegExp(`Pod: +${old} Running \\(ready\\)`))
    expect(status.stdout).toContain(`Adopt:      ${move}`)
    const password = await runCli(['password', NAME], {kubeconfig: kc})
    expect(password.code, both(password)).toBe(1)
    expect(tryLine(password.stderr)).toBe(move)

    const moved = await runPrinted(move, kc)
    expect(moved.code, both(moved)).toBe(0)
    const workload = get(fake, 'apps/v1', 'deployments', ns, NAME) as KObject
    const template = (workload.spec as {template: {spec: {volumes: Array<Record<string, unknown>>}}}).template
    expect(template.spec.volumes[0]).toEqual({name: 'data', persistentVolumeClaim: {claimName: CLAIM}})
    expect(get(fake, 'v1', 'persistentvolumeclaims', ns, `${NAME}-data`)).toBeUndefined()
    expect(
      (get(fake, 'route.openshift.io/v1', 'routes', ns, NAME)?.spec as {tls?: unknown}).tls,
    ).toMatchObject({
      termination: 'edge',
    })
    const pod = await runningPod(ns, `app.kubernetes.io/instance=${NAME}`, kc)
    const ls = await kubectl(['exec', pod, '--', 'ls', file], kc)
    expect(ls.code, both(ls)).toBe(0)

    // a plain re-run keeps the adopted claim, never makes NAME-data
    const again = await runCli(['deploy', NAME], {kubeconfig: kc})
    expect(again.code, both(again)).toBe(0)
    expect(get(fake, 'v1', 'persistentvolumeclaims', ns, `${NAME}-data`)).toBeUndefined()
    const listed = await runCli(['list', '-o', 'json'], {kubeconfig: kc})
    expect(JSON.parse(listed.stdout).notebooks[0]).toMatchObject({name: NAME, volume: '1G'})

    // delete, even with --delete-data, leaves the user's claim
    const deleted = await runCli(['delete', NAME, '--delete-data', '--yes'], {kubeconfig: kc})
    expect(deleted.code, both(deleted)).toBe(0)
    expect(deleted.stdout).toContain(
      `Kept PersistentVolumeClaim/${CLAIM} (mounted with --existing-claim, not oc-jupyter's); to delete it: oc delete pvc/${CLAIM} -n ${ns}`,
    )
    expect(get(fake, 'v1', 'persistentvolumeclaims', ns, CLAIM)).toBeDefined()
    // the command it names deletes it, as printed
    const command = /to delete it: (.+)$/m.exec(deleted.stdout)?.[1] ?? ''
    const removed = await runPrinted(command, kc)
    expect(removed.code, both(removed)).toBe(0)
    expect(get(fake, 'v1', 'persistentvolumeclaims', ns, CLAIM)).toBeUndefined()
  })

  test('a DeploymentConfig of `oc new-app --as-deployment-config`: the printed move runs and keeps the claim', async () => {
    const ns = 'recipe-dc'
    const objects = recipeObjects().map(o =>
      o.kind !== 'Deployment'
        ? o
        : {
            apiVersion: 'apps.openshift.io/v1',
            kind: 'DeploymentConfig',
            metadata: {name: NAME, labels: o.metadata.labels},
            spec: {
              replicas: 1,
              selector: {deploymentconfig: NAME},
              strategy: {type: 'Rolling'},
              triggers: [{type: 'ConfigChange'}],
              template: {
                ...(o.spec as {template: Record<string, unknown>}).template,
                metadata: {labels: {deploymentconfig: NAME}},
              },
            },
          },
    )
    const kc = project(fake, ns, objects)
    const refused = await runCli(['deploy', NAME], {kubeconfig: kc})
    expect(refused.code, both(refused)).toBe(2)
    expect(refused.stderr).toContain(
      `DeploymentConfig ${NAME} was not made by oc-jupyter: deploying would start a Deployment beside it (it selects its pods by deploymentconfig=${NAME})`,
    )
    const move = tryLine(refused.stderr)
    expect(move).toMatch(new RegExp(`^oc delete dc/${NAME} -n ${ns} && `))
    const moved = await runPrinted(move, kc)
    expect(moved.code, both(moved)).toBe(0)
    expect(get(fake, 'apps.openshift.io/v1', 'deploymentconfigs', ns, NAME)).toBeUndefined()
    const template = (
      get(fake, 'apps/v1', 'deployments', ns, NAME)?.spec as {template: {spec: {volumes: unknown[]}}}
    ).template
    expect(template.spec.volumes[0]).toEqual({name: 'data', persistentVolumeClaim: {claimName: CLAIM}})
  })

  test('--existing-claim that does not exist: exit 1 before any write', async () => {
    const ns = 'no-such-claim'
    const kc = project(fake, ns, [builderStream()])
    const r = await runCli(['deploy', '--existing-claim', 'nope'], {kubeconfig: kc})
    expect(r.code, both(r)).toBe(1)
    expect(r.stderr).toContain(
      'PersistentVolumeClaim nope (--existing-claim) does not exist in project no-such-claim',
    )
    expect(tryLine(r.stderr)).toBe('oc get pvc -n no-such-claim')
    expect(list(fake, 'v1', 'secrets', ns).filter(s => s.metadata.name?.startsWith('notebook'))).toEqual([])
  })

  test('--existing-claim with --volume-size: exit 2', async () => {
    const r = await runCli(['deploy', '--existing-claim', 'c', '--volume-size', '2Gi', '--dry-run=client'])
    expect(r.code, both(r)).toBe(2)
    expect(r.stderr).toContain('--existing-claim c and --volume-size cannot be combined')
  })
})

import {describe, expect, test} from 'vitest'

import type {KubeObject} from '../../../src/lib/cluster/index.js'
import {
  adoptCommand,
  adoptExplanation,
  describeForeign,
  mountedClaim,
  selectsAsOurs,
} from '../../../src/lib/foreign.js'
import {renderDeployment} from '../../../src/lib/render/deployment.js'
import {renderDeploymentConfig} from '../../../src/lib/render/deploymentconfig.js'
import {deployOpts} from '../render/fixtures.js'

/** `oc new-app --as-deployment-config quay.io/jupyter/minimal-notebook:2025-12-31 --name lab` + set volume */
const dc: KubeObject = {
  apiVersion: 'apps.openshift.io/v1',
  kind: 'DeploymentConfig',
  metadata: {name: 'lab'},
  spec: {
    selector: {deploymentconfig: 'lab'},
    template: {
      spec: {
        containers: [
          {
            name: 'lab',
            image: 'quay.io/jupyter/minimal-notebook:2025-12-31',
            volumeMounts: [{name: 'volume-x1', mountPath: '/home/jovyan/volume'}],
          },
        ],
        volumes: [
          {name: 'scratch', emptyDir: {}},
          {name: 'volume-x1', persistentVolumeClaim: {claimName: 'pvc-q9z8w'}},
        ],
      },
    },
  },
}
const route: KubeObject = {metadata: {name: 'lab'}, spec: {host: 'lab.example.com'}}

describe('foreign notebooks', () => {
  test('what we render selects as ours; the recipe does not', () => {
    const p = deployOpts({}, 'lab', 'ds')
    expect(selectsAsOurs(renderDeployment(p) as KubeObject, 'lab')).toBe(true)
    expect(selectsAsOurs(renderDeploymentConfig(p) as KubeObject, 'lab')).toBe(true)
    expect(selectsAsOurs(dc, 'lab')).toBe(false)
  })

  test('the mounted claim is the persistent one the container mounts, with its path', () => {
    expect(mountedClaim(dc)).toEqual({claim: 'pvc-q9z8w', mountPath: '/home/jovyan/volume'})
    expect(mountedClaim({spec: {template: {spec: {volumes: [{name: 'v', emptyDir: {}}]}}}})).toBeUndefined()
  })

  test('a DeploymentConfig with a chosen host and a registry image: the move keeps all three', () => {
    const f = describeForeign(dc, route)
    expect(f).toEqual({
      kind: 'DeploymentConfig',
      name: 'lab',
      selector: {deploymentconfig: 'lab'},
      claim: 'pvc-q9z8w',
      mountPath: '/home/jovyan/volume',
      image: 'quay.io/jupyter/minimal-notebook:2025-12-31',
      hostname: 'lab.example.com',
    })
    expect(adoptCommand(f, 'ds')).toBe(
      'oc delete dc/lab -n ds && oc delete service/lab route/lab -n ds --ignore-not-found && ' +
        'oc jupyter deploy lab --existing-claim pvc-q9z8w --image quay.io/jupyter/minimal-notebook:2025-12-31 --hostname lab.example.com -n ds',
    )
    expect(adoptExplanation(f)).toBe(
      'DeploymentConfig lab was not made by oc-jupyter: deploying would start a Deployment beside it (it selects its pods by deploymentconfig=lab). ' +
        'Moving it under oc-jupyter replaces its workload, Service and Route (edge TLS, a password in a Secret, Recreate); claim pvc-q9z8w and its files are kept and mounted again',
    )
  })

  test('a generated host, a digest image and no volume: nothing to carry over but the name', () => {
    const bare: KubeObject = {
      kind: 'Deployment',
      metadata: {name: 'nb'},
      spec: {
        selector: {matchLabels: {deployment: 'nb'}},
        template: {spec: {containers: [{name: 'nb', image: 'registry.example/x/nb@sha256:abc'}]}},
      },
    }
    const generated: KubeObject = {
      metadata: {name: 'nb', annotations: {'openshift.io/host.generated': 'true'}},
      spec: {host: 'nb-ds.apps.example.com'},
    }
    const f = describeForeign(bare, generated)
    expect(adoptCommand(f, 'ds')).toBe(
      'oc delete deployment/nb -n ds && oc delete service/nb route/nb -n ds --ignore-not-found && oc jupyter deploy nb -n ds',
    )
    expect(adoptExplanation(f)).toMatch(/; it has no persistent volume, so nothing of it is kept$/)
  })
})

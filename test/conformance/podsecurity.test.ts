/**
 * Pod Security Admission as the real kubectl (the newest the machine has) meets it on OpenShift: the
 * project's labels synced to warn=restricted v1.24, and `kubectl create deployment` printing the
 * `would violate PodSecurity` warning from the fake's Warning header, word for word.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startFakeOpenShift, type FakeOpenShift} from '../../fake-openshift/src/index.js'
import {detectKubectl, Kubectl, kubectlOrSkip} from './kubectl.js'

const install = detectKubectl()
const gate = kubectlOrSkip(install)
const minor = Math.max(...install.minors, 0)

;(gate.skip ? describe.skip : describe)(`Pod Security warnings with kubectl 1.${minor}`, () => {
  let fake: FakeOpenShift
  let k: Kubectl
  let dir: string
  beforeAll(async () => {
    fake = await startFakeOpenShift({kubernetesMinor: minor, simulators: 'manual'})
    fake.sims.settle()
    dir = mkdtempSync(join(tmpdir(), 'conformance-psa-'))
    k = new Kubectl(install.dispatcher!, fake.kubeconfigPath)
  })
  afterAll(async () => {
    await fake?.stop()
    k?.cleanup()
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  it('the synced labels, and create deployment warns about the template', async () => {
    const [labels, created] = await Promise.all([
      k.run([
        'get',
        'ns',
        'myproject',
        '-o',
        'jsonpath={.metadata.labels.pod-security\\.kubernetes\\.io/warn}',
      ]),
      k.run(['create', 'deployment', 'web', '--image=quay.io/example/web:1']),
    ])
    expect(labels.stdout).toBe('restricted')
    expect(created).toMatchObject({code: 0, stdout: 'deployment.apps/web created\n'})
    expect(created.stderr).toBe(
      'Warning: would violate PodSecurity "restricted:v1.24": allowPrivilegeEscalation != false (container "web" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "web" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "web" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "web" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")\n',
    )
  })
})

/**
 * What a project admin (the sandbox's `developer`, `admin` of myproject) meets on a real OpenShift 4
 * cluster, checked with the real kubectl — defined once, run per kubectl version like suite.ts:
 * it may read its own Namespace but no SCCs, may not bind a role it does not hold (RBAC escalation
 * prevention), may not change a Deployment's selector, `kubectl auth whoami` names it, and
 * `oc jupyter deploy --dry-run=client -o yaml | kubectl apply -f -` passes kubectl's client-side
 * validation (/openapi/v2) while a misspelt field in the same input does not.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startFakeOpenShift, type FakeOpenShift} from '../../fake-openshift/src/index.js'
import {loadDefinitions} from '../../fake-openshift/src/openapi/schemas.js'
import {noopSimulators} from '../../fake-openshift/src/testkit.js'
import {runCli} from '../integration/helpers/cli.js'
import {detectKubectl, Kubectl, kubectlOrSkip} from './kubectl.js'

const GROUPS = '(groups=["system:authenticated:oauth" "system:authenticated"])'
const schemaPresent = loadDefinitions() !== undefined

export function defineProjectAdminConformance(which: 'oldest-json' | 'newest'): void {
  const install = detectKubectl()
  const gate = kubectlOrSkip(install)
  const minor = which === 'oldest-json' ? 31 : Math.max(...install.minors, 0)
  const title = `a project admin with kubectl 1.${minor}: reads, RBAC escalation, immutability, whoami, validation`
  if (gate.skip || !install.binary(minor) || (which === 'newest' && minor === 31)) {
    describe.skip(`${title} — skipped (see suite.ts for why)`, () => {
      it('runs kubectl', () => {})
    })
    return
  }

  describe(title, () => {
    let fake: FakeOpenShift
    let k: Kubectl
    let dir: string
    let manifest = ''

    beforeAll(async () => {
      fake = await startFakeOpenShift({kubernetesMinor: minor, sims: noopSimulators(), simulators: 'manual'})
      dir = mkdtempSync(join(tmpdir(), 'conformance-admin-'))
      k = new Kubectl(install.dispatcher!, fake.kubeconfigPath)
      const rendered = await runCli(['deploy', '--dry-run=client', '-o', 'yaml'], {
        kubeconfig: fake.kubeconfigPath,
      })
      expect(rendered.code, rendered.stderr).toBe(0)
      manifest = rendered.stdout
    })
    afterAll(async () => {
      await fake?.stop()
      k?.cleanup()
      if (dir) rmSync(dir, {recursive: true, force: true})
    })

    it('get ns myproject works (namespace = name); get scc is Forbidden', async () => {
      const [ns, scc] = await Promise.all([
        k.run(['get', 'ns', 'myproject', '-o', 'name']),
        k.run(['get', 'scc']),
      ])
      expect(ns).toMatchObject({code: 0, stdout: 'namespace/myproject\n'})
      expect(scc.code).toBe(1)
      expect(scc.stderr).toBe(
        'Error from server (Forbidden): securitycontextconstraints.security.openshift.io is forbidden: User "developer" cannot list resource "securitycontextconstraints" in API group "security.openshift.io" at the cluster scope\n',
      )
    })

    it(`create rolebinding to an SCC role it does not hold: Forbidden by escalation prevention${minor >= 32 ? ' (protobuf body)' : ''}`, async () => {
      const r = await k.run([
        'create',
        'rolebinding',
        'x',
        '--clusterrole=system:openshift:scc:anyuid',
        '--serviceaccount=myproject:default',
      ])
      expect(r.code).toBe(1)
      expect(r.stderr).toBe(
        `error: failed to create rolebinding: rolebindings.rbac.authorization.k8s.io "x" is forbidden: user "developer" ${GROUPS} is attempting to grant RBAC permissions not currently held:\n{APIGroups:["security.openshift.io"], Resources:["securitycontextconstraints"], ResourceNames:["anyuid"], Verbs:["use"]}\n`,
      )
      const view = await k.run([
        'create',
        'rolebinding',
        'v',
        '--clusterrole=view',
        '--serviceaccount=myproject:default',
      ])
      expect(view).toMatchObject({code: 0, stdout: 'rolebinding.rbac.authorization.k8s.io/v created\n'})
    })

    it('auth whoami prints the user', async () => {
      const r = await k.run(['auth', 'whoami'])
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toMatch(/^Username\s+developer$/m)
      expect(r.stdout).toMatch(/^Groups\s+\[system:authenticated:oauth system:authenticated\]$/m)
    })

    it('oc jupyter deploy --dry-run=client -o yaml | kubectl apply -f - (client-side validation of a List)', async () => {
      expect(manifest).toMatch(/^kind: List$/m)
      const r = await k.run(['apply', '-f', '-'], {stdin: manifest})
      expect(r.stderr).toBe('')
      expect(r.stdout).toBe(
        [
          'secret/notebook-password created',
          'persistentvolumeclaim/notebook-data created',
          'service/notebook created',
          'route.route.openshift.io/notebook created',
          'deployment.apps/notebook created',
          '',
        ].join('\n'),
      )
      const v2 = fake.recorder.filter({path: '/openapi/v2'})
      expect(v2.map(x => x.status)).toContain(200)
    })

    it.skipIf(!schemaPresent)(
      'a misspelt field in the same input fails kubectl validation; nothing is sent',
      async () => {
        const bad = manifest.replace(/(kind: Deployment\n(?:.*\n)*? {4}spec:\n)/, '$1      replica: 2\n')
        expect(bad).not.toBe(manifest)
        const mark = fake.recorder.mark()
        const r = await k.run(['apply', '-f', '-'], {stdin: bad})
        expect(r.code).toBe(1)
        expect(r.stderr).toBe(
          'error: error validating "STDIN": error validating data: ValidationError(Deployment.spec): unknown field "replica" in io.k8s.api.apps.v1.DeploymentSpec; if you choose to ignore these errors, turn validation off with --validate=false\n',
        )
        expect(fake.recorder.writes({since: mark})).toEqual([])
      },
    )

    it('patch of a Deployment selector: Invalid, field is immutable', async () => {
      const r = await k.run([
        'patch',
        'deployment',
        'notebook',
        '--type=merge',
        '-p',
        '{"spec":{"selector":{"matchLabels":{"app":"other"}}}}',
      ])
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(/^The Deployment "notebook" is invalid: $/m)
      expect(r.stderr).toMatch(
        /^\* spec\.selector: Invalid value: v1\.LabelSelector\{MatchLabels:map\[string\]string\{"app":"other", .*\}, MatchExpressions:\[\]v1\.LabelSelectorRequirement\(nil\)\}: field is immutable$/m,
      )
    })
  })
}

/**
 * The kubectl conformance suite, defined once and run per kubectl version (kubectl-1.31.test.ts,
 * kubectl-newest.test.ts). Each command's output and exit code is compared with what kubectl
 * prints against a real API server; the fake server's recorder shows what kubectl sent.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startFakeOpenShift, type FakeOpenShift} from '../../fake-openshift/src/index.js'
import type {KObject} from '../../fake-openshift/src/types.js'
import {conformanceSims, ID_OUTPUT, runningPod, SPLIT_SCRIPT, type ConformanceSims} from './fixtures.js'
import {detectKubectl, Kubectl, kubectlOrSkip} from './kubectl.js'

const CMS = '/api/v1/namespaces/myproject/configmaps'
const ROUTES = '/apis/route.openshift.io/v1/namespaces/myproject/routes'

export function defineKubectlConformance(which: 'oldest-json' | 'newest'): void {
  const install = detectKubectl()
  const gate = kubectlOrSkip(install)
  const minor = which === 'oldest-json' ? 31 : Math.max(...install.minors, 0)
  const missing = !gate.skip && !install.binary(minor)
  const sameAsJson = which === 'newest' && minor === 31
  const title = `kubectl 1.${minor} against the fake OpenShift API server`
  if (gate.skip || missing || sameAsJson) {
    const why = gate.skip
      ? gate.reason
      : missing
        ? `kubectl.1.${minor} is not installed next to ${install.dispatcher}`
        : 'the newest kubectl is 1.31, covered by kubectl-1.31.test.ts'
    if (missing && process.env.CI) throw new Error(`conformance: ${why}`)
    describe.skip(`${title} — skipped: ${why}`, () => {
      it('runs kubectl', () => {})
    })
    return
  }
  // typed generators whose protobuf kinds are not decoded run with kubectl 1.31 (see PINNED_TO_1_31)
  const pinnedBin = minor >= 32 ? install.binary(31) : undefined

  describe(title, () => {
    let fake: FakeOpenShift
    let cs: ConformanceSims
    let k: Kubectl
    let admin: Kubectl
    let pinned: Kubectl
    let dir: string
    const file = (name: string, text: string) => {
      const p = join(dir, name)
      writeFileSync(p, text)
      return p
    }
    const store = () => fake.store
    const rt = (apiVersion: string, plural: string) => fake.store.resourceType(apiVersion, plural)!

    beforeAll(async () => {
      cs = conformanceSims()
      fake = await startFakeOpenShift({kubernetesMinor: minor, sims: cs.sims, simulators: 'manual'})
      dir = mkdtempSync(join(tmpdir(), 'conformance-'))
      k = new Kubectl(install.dispatcher!, fake.kubeconfigPath)
      admin = k.as(fake.writeKubeconfig(join(dir, 'admin.kubeconfig'), {user: 'admin'}))
      pinned = pinnedBin ? k.withBinary(pinnedBin) : k
      fake.seed([
        runningPod('nb'),
        runningPod('live'),
        ...['g-a', 'g-b', 'g-c'].map((name, i): KObject => ({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: {name, labels: {tier: i === 1 ? 'db' : 'web'}},
          data: {k: name},
        })),
      ])
    })
    afterAll(async () => {
      await fake?.stop()
      for (const x of [k, admin, pinned]) x?.cleanup()
      if (dir) rmSync(dir, {recursive: true, force: true})
    })

    it('version: the dispatcher picks kubectl by the server minor', async () => {
      const r = await k.run(['version', '-o', 'json'])
      expect(r.code).toBe(0)
      const v = JSON.parse(r.stdout)
      expect(v.clientVersion.minor).toBe(String(minor))
      expect(v.serverVersion).toMatchObject({major: '1', minor: String(minor)})
    })

    it('api-resources lists the OpenShift groups from (aggregated) discovery', async () => {
      const [all, names] = await Promise.all([
        k.run(['api-resources']),
        k.run(['api-resources', '--api-group=project.openshift.io', '-o', 'name']),
      ])
      expect(all.code).toBe(0)
      expect(all.stdout).toMatch(/^routes\s+route\.openshift\.io\/v1\s+true\s+Route\s*$/m)
      expect(all.stdout).toMatch(
        /^securitycontextconstraints\s+scc\s+security\.openshift\.io\/v1\s+false\s+SecurityContextConstraints\s*$/m,
      )
      expect(all.stdout).toMatch(
        /^deploymentconfigs\s+dc\s+apps\.openshift\.io\/v1\s+true\s+DeploymentConfig\s*$/m,
      )
      expect(all.stdout).toMatch(/^pods\s+po\s+v1\s+true\s+Pod\s*$/m)
      expect(names.stdout).toBe('projectrequests.project.openshift.io\nprojects.project.openshift.io\n')
      const agg = fake.recorder.filter({
        path: '/apis',
        where: r => /as=APIGroupDiscoveryList/.test(r.accept ?? ''),
      })
      expect(agg.length).toBeGreaterThan(0)
    })

    it('get: -o json/yaml/name, -l, --field-selector, --chunk-size=1, tables', async () => {
      const mark = fake.recorder.mark()
      const [json, yaml, name, field, chunked, table, phase] = await Promise.all([
        k.run(['get', 'cm', '-l', 'tier', '-o', 'json']),
        k.run(['get', 'cm', 'g-b', '-o', 'yaml']),
        k.run(['get', 'cm', '-l', 'tier=web', '-o', 'name']),
        k.run(['get', 'cm', '--field-selector', 'metadata.name=g-b', '-o', 'name']),
        k.run(['get', 'cm', '-l', 'tier in (web,db)', '--chunk-size=1', '-o', 'name']),
        k.run(['get', 'cm', '-l', 'tier=db']),
        k.run(['get', 'pod', 'nb', '-o', 'jsonpath={.status.phase}']),
      ])
      const list = JSON.parse(json.stdout)
      expect(list.kind).toBe('List')
      expect(list.items.map((i: KObject) => i.metadata.name)).toEqual(['g-a', 'g-b', 'g-c'])
      expect(yaml.stdout).toMatch(/^kind: ConfigMap$/m)
      expect(yaml.stdout).toMatch(/^ {2}name: g-b$/m)
      expect(name.stdout).toBe('configmap/g-a\nconfigmap/g-c\n')
      expect(field.stdout).toBe('configmap/g-b\n')
      expect(chunked.stdout).toBe('configmap/g-a\nconfigmap/g-b\nconfigmap/g-c\n')
      const pages = fake.recorder.filter({since: mark, path: CMS, where: r => r.query.limit === '1'})
      expect(pages.length).toBe(3)
      expect(pages.filter(p => p.query.continue).length).toBe(2)
      expect(table.stdout).toMatch(/^NAME\s+DATA\s+AGE\ng-b\s+1\s+\S+\n$/)
      expect(phase.stdout).toBe('Running')
    })

    it('create -f twice: the second answers AlreadyExists', async () => {
      const f = file(
        'create.yaml',
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cf\ndata:\n  a: "1"\n',
      )
      const first = await k.run(['create', '-f', f])
      expect(first).toMatchObject({code: 0, stdout: 'configmap/cf created\n'})
      const second = await k.run(['create', '-f', f])
      expect(second.code).toBe(1)
      expect(second.stderr).toBe(
        `Error from server (AlreadyExists): error when creating "${f}": configmaps "cf" already exists\n`,
      )
    })

    it('apply -f: created → configured → unchanged (built-in and OpenShift kinds)', async () => {
      const deploy = (image: string) =>
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ap\nspec:\n  selector:\n    matchLabels: {app: ap}\n  template:\n    metadata:\n      labels: {app: ap}\n    spec:\n      containers:\n      - name: c\n        image: ${image}\n        env:\n        - {name: A, value: "1"}\n`
      const route = (svc: string) =>
        `apiVersion: route.openshift.io/v1\nkind: Route\nmetadata:\n  name: ap\nspec:\n  to: {kind: Service, name: ${svc}}\n`
      const d = file('deploy.yaml', deploy('img:1'))
      const r = file('route.yaml', route('one'))
      const seq = async (f: string, edit: () => void, what: string) => {
        const out: string[] = []
        for (const step of [0, 1, 2]) {
          if (step === 1) edit()
          const res = await k.run(['apply', '-f', f])
          expect(res.stderr).toBe('')
          out.push(res.stdout.trim())
        }
        expect(out).toEqual([`${what} created`, `${what} configured`, `${what} unchanged`])
      }
      await Promise.all([
        seq(d, () => writeFileSync(d, deploy('img:2')), 'deployment.apps/ap'),
        seq(r, () => writeFileSync(r, route('two')), 'route.route.openshift.io/ap'),
      ])
      const dep = store().get(rt('apps/v1', 'deployments'), 'myproject', 'ap') as any
      expect(dep.spec.template.spec.containers).toHaveLength(1)
      expect(dep.spec.template.spec.containers[0]).toMatchObject({
        image: 'img:2',
        env: [{name: 'A', value: '1'}],
      })
      expect(dep.metadata.generation).toBe(2)
    })

    it('apply --server-side by two managers: conflict, then --force-conflicts', async () => {
      // spec.path, not spec.host: a project admin may not change a Route's host (routes/custom-host update)
      const route = (p: string) =>
        `apiVersion: route.openshift.io/v1\nkind: Route\nmetadata:\n  name: ssa\nspec:\n  path: /${p}\n  to: {kind: Service, name: ssa}\n`
      const a = file('ssa-a.yaml', route('a'))
      const b = file('ssa-b.yaml', route('b'))
      const first = await k.run(['apply', '--server-side', '--field-manager=mgr-a', '-f', a])
      expect(first).toMatchObject({code: 0, stdout: 'route.route.openshift.io/ssa serverside-applied\n'})
      const clash = await k.run(['apply', '--server-side', '--field-manager=mgr-b', '-f', b])
      expect(clash.code).toBe(1)
      expect(clash.stderr).toMatch(
        /^error: Apply failed with 1 conflict: conflict with "mgr-a": \.spec\.path$/m,
      )
      const forced = await k.run([
        'apply',
        '--server-side',
        '--field-manager=mgr-b',
        '--force-conflicts',
        '-f',
        b,
      ])
      expect(forced).toMatchObject({code: 0, stdout: 'route.route.openshift.io/ssa serverside-applied\n'})
      const obj = store().get(rt('route.openshift.io/v1', 'routes'), 'myproject', 'ssa') as any
      expect(obj.spec.path).toBe('/b')
      const owners = obj.metadata.managedFields.filter((m: any) => m.fieldsV1?.['f:spec']?.['f:path'])
      expect(owners.map((m: any) => m.manager)).toEqual(['mgr-b'])
    })

    it('replace with a stale resourceVersion: Conflict', async () => {
      await k.run([
        'create',
        '-f',
        file('rp.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: rp\n'),
      ])
      const current = await k.run(['get', 'cm', 'rp', '-o', 'json'])
      const stale = file('rp-stale.json', current.stdout)
      expect((await k.run(['label', 'cm', 'rp', 'touched=yes'])).code).toBe(0)
      const r = await k.run(['replace', '-f', stale])
      expect(r.code).toBe(1)
      expect(r.stderr).toBe(
        `Error from server (Conflict): error when replacing "${stale}": Operation cannot be fulfilled on configmaps "rp": the object has been modified; please apply your changes to the latest version and try again\n`,
      )
    })

    it('patch --type json|merge|strategic; strategic on an SCC is 415', async () => {
      fake.seed([{apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'pt'}, data: {a: '1'}}])
      const [json, merge] = await Promise.all([
        k.run(['patch', 'cm', 'pt', '--type', 'json', '-p', '[{"op":"add","path":"/data/b","value":"2"}]']),
        k.run([
          'patch',
          'route',
          'ssa',
          '--type',
          'merge',
          '-p',
          '{"metadata":{"labels":{"patched":"merge"}}}',
        ]),
      ])
      expect(json).toMatchObject({code: 0, stdout: 'configmap/pt patched\n'})
      expect(merge).toMatchObject({code: 0, stdout: 'route.route.openshift.io/ssa patched\n'})
      const strategic = await k.run([
        'patch',
        'deployment',
        'ap',
        '--type',
        'strategic',
        '-p',
        '{"spec":{"template":{"spec":{"containers":[{"name":"c","env":[{"name":"B","value":"2"}]}]}}}}',
      ])
      expect(strategic).toMatchObject({code: 0, stdout: 'deployment.apps/ap patched\n'})
      const c = (store().get(rt('apps/v1', 'deployments'), 'myproject', 'ap') as any).spec.template.spec
        .containers
      expect(c).toHaveLength(1) // merged by name, not replaced
      expect(c[0].env).toEqual([
        {name: 'B', value: '2'},
        {name: 'A', value: '1'},
      ])
      const scc = await admin.run(['patch', 'scc', 'anyuid', '--type', 'strategic', '-p', '{"priority":11}'])
      expect(scc.code).toBe(1)
      expect(scc.stderr).toMatch(
        /application\/strategic-merge-patch\+json is not supported by security\.openshift\.io\/v1, Kind=SecurityContextConstraints: the body of the request was in an unknown format - accepted media types include: application\/json-patch\+json, application\/merge-patch\+json, application\/apply-patch\+yaml/,
      )
      const sccMerge = await admin.run(['patch', 'scc', 'anyuid', '--type', 'merge', '-p', '{"priority":11}'])
      expect(sccMerge).toMatchObject({
        code: 0,
        stdout: 'securitycontextconstraints.security.openshift.io/anyuid patched\n',
      })
    })

    it('delete, and delete --wait holding on a finalizer until it is removed', async () => {
      fake.seed([
        {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'del'}},
        {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'fin', finalizers: ['example.com/hold']}},
      ])
      expect(await k.run(['delete', 'cm', 'del'])).toMatchObject({
        code: 0,
        stdout: 'configmap "del" deleted\n',
      })
      const mark = fake.recorder.mark()
      const waiting = k.start(['delete', 'cm', 'fin', '--wait=true', '--timeout=30s'])
      await fake.recorder.waitFor({since: mark, method: 'DELETE', path: `${CMS}/fin`, status: 202})
      await fake.recorder.waitFor({since: mark, path: CMS, watch: true, status: 200})
      const held = store().get(rt('v1', 'configmaps'), 'myproject', 'fin')!
      expect(held.metadata.deletionTimestamp).toBeDefined()
      held.metadata.finalizers = []
      store().update(rt('v1', 'configmaps'), held)
      const done = await waiting.done
      expect(done).toMatchObject({code: 0, stdout: 'configmap "fin" deleted\n'})
    })

    it('wait --for=jsonpath on a Route', async () => {
      await k.run([
        'apply',
        '-f',
        file(
          'wr.yaml',
          'apiVersion: route.openshift.io/v1\nkind: Route\nmetadata:\n  name: wr\nspec:\n  to: {kind: Service, name: wr}\n',
        ),
      ])
      const mark = fake.recorder.mark()
      const waiting = k.start([
        'wait',
        'route/wr',
        '--for=jsonpath={.status.ingress[0].conditions[0].status}=True',
        '--timeout=30s',
      ])
      await fake.recorder.waitFor({since: mark, path: ROUTES, watch: true, status: 200})
      const route = store().get(rt('route.openshift.io/v1', 'routes'), 'myproject', 'wr')!
      route.status = {
        ingress: [
          {
            host: 'wr-myproject.apps.example.com',
            routerName: 'default',
            conditions: [{type: 'Admitted', status: 'True'}],
          },
        ],
      }
      store().update(rt('route.openshift.io/v1', 'routes'), route, {subresource: 'status'} as never)
      expect(await waiting.done).toMatchObject({
        code: 0,
        stdout: 'route.route.openshift.io/wr condition met\n',
      })
    })

    it('get -w sees ADDED, MODIFIED, DELETED', async () => {
      const mark = fake.recorder.mark()
      const w = k.start(['get', 'cm', '-l', 'watch=me', '-w', '--output-watch-events'])
      await fake.recorder.waitFor({since: mark, path: CMS, watch: true, status: 200})
      const cms = rt('v1', 'configmaps')
      store().create(cms, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {name: 'w1', namespace: 'myproject', labels: {watch: 'me'}},
      })
      await w.waitForOutput(/ADDED\s+w1/)
      const o = store().get(cms, 'myproject', 'w1')!
      o.data = {x: 'y'}
      store().update(cms, o)
      await w.waitForOutput(/MODIFIED\s+w1/)
      store().delete(cms, 'myproject', 'w1')
      await w.waitForOutput(/DELETED\s+w1/)
      w.kill()
      const lines = w.stdout().trim().split('\n')
      expect(lines[0]).toMatch(/^EVENT\s+NAME\s+DATA\s+AGE$/)
      expect(lines.slice(1).map(l => l.split(/\s+/).slice(0, 3).join(' '))).toEqual([
        'ADDED w1 0',
        'MODIFIED w1 1',
        'DELETED w1 1',
      ])
    })

    it('logs and logs -f', async () => {
      const [all, tail] = await Promise.all([k.run(['logs', 'nb']), k.run(['logs', 'nb', '--tail=1'])])
      expect(all).toMatchObject({code: 0, stdout: 'starting notebook\nlistening on :8888\n'})
      expect(tail.stdout).toBe('listening on :8888\n')
      const log = cs.log('live')
      log.push('first line')
      const mark = fake.recorder.mark()
      const f = k.start(['logs', '-f', 'live'])
      await fake.recorder.waitFor({
        since: mark,
        path: '/api/v1/namespaces/myproject/pods/live/log',
        status: 200,
      })
      await f.waitForOutput('first line\n')
      log.push('second line')
      await f.waitForOutput('second line\n')
      log.end()
      expect(await f.done).toMatchObject({code: 0, stdout: 'first line\nsecond line\n'})
    })

    it('exec: stdout/stderr split, stdin, non-zero exit code propagated', async () => {
      const [id, split, cat] = await Promise.all([
        k.run(['exec', 'nb', '--', 'id']),
        k.run(['exec', 'nb', '--', 'sh', '-c', SPLIT_SCRIPT]),
        k.run(['exec', '-i', 'nb', '--', 'cat'], {stdin: 'from stdin\n'}),
      ])
      expect(id).toMatchObject({code: 0, stdout: ID_OUTPUT, stderr: ''})
      expect(split.code).toBe(3)
      expect(split.stdout).toBe('out\n')
      expect(split.stderr).toBe('err\ncommand terminated with exit code 3\n')
      expect(cat).toMatchObject({code: 0, stdout: 'from stdin\n'})
      const upgrades = fake.recorder.filter({path: '/api/v1/namespaces/myproject/pods/nb/exec', status: 101})
      expect(upgrades.length).toBeGreaterThanOrEqual(3)
    })

    it(`auth can-i answers per RBAC${minor >= 32 ? ' (protobuf SelfSubjectAccessReview)' : ''}`, async () => {
      const mark = fake.recorder.mark()
      const [pods, crb, scc, sccAdmin] = await Promise.all([
        k.run(['auth', 'can-i', 'create', 'pods']),
        k.run(['auth', 'can-i', 'create', 'clusterrolebindings']),
        k.run(['auth', 'can-i', 'use', 'securitycontextconstraints/anyuid']),
        admin.run(['auth', 'can-i', 'use', 'securitycontextconstraints/anyuid']),
      ])
      expect(pods).toMatchObject({code: 0, stdout: 'yes\n'})
      expect(crb).toMatchObject({code: 1, stdout: 'no\n'})
      expect(scc).toMatchObject({code: 1, stdout: 'no\n'})
      expect(sccAdmin).toMatchObject({code: 0, stdout: 'yes\n'})
      const reviews = fake.recorder.filter({
        since: mark,
        path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      })
      expect(reviews.map(r => r.status)).toEqual([201, 201, 201, 201])
      const wire = minor >= 32 ? 'application/vnd.kubernetes.protobuf' : 'application/json'
      for (const r of reviews) expect(r.contentType).toBe(wire)
    })

    it(`imperative create generators${minor >= 32 ? ' (protobuf bodies)' : ''}`, async () => {
      const mark = fake.recorder.mark()
      const runs = await Promise.all([
        k.run(['create', 'configmap', 'imp', '--from-literal=a=b']),
        k.run(['create', 'secret', 'generic', 'imp', '--from-literal=password=s3cret']),
        k.run(['create', 'serviceaccount', 'imp']),
        k.run([
          'create',
          'deployment',
          'imp',
          '--image=quay.io/example/app:1',
          '--port=8080',
          '--replicas=0',
        ]),
        k.run(['create', 'rolebinding', 'imp', '--clusterrole=view', '--serviceaccount=myproject:imp']),
      ])
      expect(runs.map(r => r.stdout.trim())).toEqual([
        'configmap/imp created',
        'secret/imp created',
        'serviceaccount/imp created',
        'deployment.apps/imp created',
        'rolebinding.rbac.authorization.k8s.io/imp created',
      ])
      const get = (apiVersion: string, plural: string) =>
        store().get(rt(apiVersion, plural), 'myproject', 'imp') as any
      expect(get('v1', 'configmaps').data).toEqual({a: 'b'})
      expect(get('v1', 'secrets').data).toEqual({password: Buffer.from('s3cret').toString('base64')})
      const dep = get('apps/v1', 'deployments')
      expect(dep.spec.replicas).toBe(0)
      expect(dep.spec.template.spec.containers[0]).toMatchObject({
        name: 'app',
        image: 'quay.io/example/app:1',
        ports: [{containerPort: 8080}],
      })
      expect(get('rbac.authorization.k8s.io/v1', 'rolebindings').subjects).toEqual([
        {kind: 'ServiceAccount', name: 'imp', namespace: 'myproject'},
      ])
      const posts = fake.recorder.filter({since: mark, method: 'POST'})
      const wire = minor >= 32 ? 'application/vnd.kubernetes.protobuf' : 'application/json'
      expect(posts.map(p => p.contentType)).toEqual(Array(5).fill(wire))
    })

    it(`create service${pinnedBin ? ' (pinned to kubectl 1.31: protobuf Service is not decoded)' : ''}`, async () => {
      const r = await pinned.run(['create', 'service', 'clusterip', 'imp', '--tcp=8888:8888'])
      expect(r).toMatchObject({code: 0, stdout: 'service/imp created\n'})
      if (pinnedBin) {
        const direct = await k.run(['create', 'service', 'clusterip', 'imp2', '--tcp=8888:8888'])
        expect(direct.code).toBe(1)
        expect(direct.stderr).toMatch(/decoding protobuf v1 Service is not supported by the fake server/)
      }
    })

    it('OpenShift resources: projects, SCCs, the DeploymentConfig deprecation warning', async () => {
      const [projects, sccs, dc] = await Promise.all([
        k.run(['get', 'projects', '-o', 'name']),
        admin.run(['get', 'scc', 'restricted-v2', '-o', 'jsonpath={.runAsUser.type}']),
        k.run(['get', 'dc']),
      ])
      expect(projects.stdout).toBe('project.project.openshift.io/myproject\n')
      expect(sccs.stdout).toBe('MustRunAsRange')
      expect(dc.stderr).toMatch(
        /^Warning: apps\.openshift\.io\/v1 DeploymentConfig is deprecated in v4\.14\+, unavailable in v4\.10000\+$/m,
      )
    })
  })
}

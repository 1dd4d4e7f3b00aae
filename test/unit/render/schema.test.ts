import {describe, expect, it} from 'vitest'

import {renderBuildObjects} from '../../../src/lib/render/build.js'
import {renderBuilderImageStream} from '../../../src/lib/render/imagestream.js'
import {renderList} from '../../../src/lib/render/list.js'
import {renderDeployObjects} from '../../../src/lib/render/notebook.js'
import {renderTemplate} from '../../../src/lib/render/template.js'
import type {KObject} from '../../../src/lib/render/types.js'
import {OpenApiValidator, schemaAbsentMessage, schemaPresent} from '../helpers/openapi.js'
import {PASSWORD, buildOpts, deployOpts} from './fixtures.js'

const cases: Array<[string, () => KObject[]]> = [
  ['deploy defaults', () => renderDeployObjects(deployOpts(), PASSWORD)],
  [
    'deploy with every flag',
    () =>
      renderDeployObjects(
        deployOpts(
          {
            image: 'nb:v1',
            'volume-size': '5G',
            'access-mode': 'RWOP',
            'storage-class': 'gp3-csi',
            'mount-path': '/data',
            env: ['A=1', 'B='],
            memory: '2Gi',
            cpu: '500m',
            hostname: 'nb.apps.example.com',
            'insecure-policy': 'Allow',
            'service-account': 'notebooks',
            build: true,
          },
          'lab',
          'proj',
        ),
        PASSWORD,
      ),
  ],
  [
    'deploy --deployment-config',
    () => renderDeployObjects(deployOpts({'deployment-config': true}), PASSWORD),
  ],
  ['deploy --auth openshift', () => renderDeployObjects(deployOpts({auth: 'openshift'}), PASSWORD)],
  ['build defaults', () => renderBuildObjects(buildOpts())],
  [
    'build with repo, context dir and base image',
    () =>
      renderBuildObjects(
        buildOpts(
          {name: 'mybuilder', repo: 'git@github.com:me/b.git#x'},
          {'context-dir': 'd', 'base-image': 'quay.io/a/b@sha256:' + 'c'.repeat(64)},
        ),
      ),
  ],
  [
    'build --from-source',
    () => renderBuildObjects(buildOpts({}, {'from-source': 'https://github.com/me/nb.git'})),
  ],
  ['imagestream', () => [renderBuilderImageStream({name: 's2i-minimal-notebook', namespace: 'openshift'})]],
]

if (!schemaPresent) {
  describe('OpenAPI schema validation', () => {
    if (process.env.CI) it('needs the schema', () => expect.fail(schemaAbsentMessage))
    else it.skip(`skipped: ${schemaAbsentMessage}`, () => {})
  })
} else {
  const validator = new OpenApiValidator()

  describe('rendered objects validate against ../shared/schemas/openshift-openapi.json', () => {
    it.each(cases)('%s', (_name, render) => {
      const objects = render()
      for (const o of objects) expect(validator.errors(o), `${o.kind}/${o.metadata.name}`).toEqual([])
      expect(validator.errors({...renderList(objects)})).toEqual([])
    })

    it.each(['password', 'openshift'] as const)('the Template (%s login) and each object in it', auth => {
      const t = renderTemplate(auth)
      expect(validator.errors(t)).toEqual([])
      for (const o of t.objects as KObject[])
        expect(validator.errors(o), `${o.kind}/${o.metadata.name}`).toEqual([])
    })

    it('catches a wrong field (the validator is strict, not a rubber stamp)', () => {
      const [secret, , service, route, deployment] = renderDeployObjects(deployOpts(), PASSWORD)
      expect(validator.errors({...secret, dat: {}})).not.toEqual([])
      expect(validator.errors({...service, spec: {ports: [{port: '8888'}]}})).not.toEqual([])
      expect(validator.errors({...route, spec: {tls: {termination: 'edge'}}})).not.toEqual([]) // `to` is required
      const broken = JSON.parse(JSON.stringify(deployment))
      broken.spec.template.spec.containers[0].securityContext.runAsNonroot = true
      expect(validator.errors(broken).join('\n')).toContain('runAsNonroot')
      expect(
        validator.errors({...deployment, spec: {...(deployment.spec as object), replica: 1}}),
      ).not.toEqual([])
    })
  })
}

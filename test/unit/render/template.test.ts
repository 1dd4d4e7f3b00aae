import {describe, expect, it} from 'vitest'

import {renderNotebookObjects} from '../../../src/lib/render/notebook.js'
import {renderTemplate} from '../../../src/lib/render/template.js'
import type {KObject} from '../../../src/lib/render/types.js'
import {deployOpts} from './fixtures.js'

/** What `oc process` does with `${PARAM}` references in string values. */
function processTemplate(t: KObject, values: Record<string, string>): KObject[] {
  const text = JSON.stringify(t.objects).replace(/\$\{([A-Z_]+)\}/g, (_m, name: string) => {
    if (!(name in values)) throw new Error(`unresolved parameter ${name}`)
    return JSON.stringify(values[name]).slice(1, -1)
  })
  return JSON.parse(text)
}

describe('renderTemplate', () => {
  const t = renderTemplate()

  it('is a template.openshift.io/v1 Template', () => {
    expect(t.apiVersion).toBe('template.openshift.io/v1')
    expect(t.kind).toBe('Template')
    expect(t.metadata.name).toBe('oc-jupyter-notebook')
  })

  it('has parameters for name, image, volume size and a generated password', () => {
    const params = t.parameters as Array<Record<string, unknown>>
    expect(params.map(p => p.name)).toEqual(['NAME', 'IMAGE', 'VOLUME_SIZE', 'NOTEBOOK_PASSWORD'])
    expect(params[0]).toMatchObject({value: 'notebook', required: true})
    expect(params[1]).toMatchObject({value: 's2i-minimal-notebook:latest', required: true})
    expect(params[2]).toMatchObject({value: '1Gi', required: true})
    expect(params[3]).toMatchObject({generate: 'expression', from: '[a-zA-Z0-9]{24}'})
    expect(params[3].value).toBeUndefined()
  })

  it('every ${PARAM} used is declared, and every declared one is used', () => {
    const used = new Set([...JSON.stringify(t.objects).matchAll(/\$\{([A-Z_]+)\}/g)].map(m => m[1]))
    const declared = new Set((t.parameters as Array<{name: string}>).map(p => p.name))
    expect([...used].sort()).toEqual([...declared].sort())
  })

  it('processed with its defaults, gives exactly the CLI’s default notebook objects', () => {
    const processed = processTemplate(t, {
      NAME: 'notebook',
      IMAGE: 's2i-minimal-notebook:latest',
      VOLUME_SIZE: '1Gi',
      NOTEBOOK_PASSWORD: 'pw',
    })
    expect(processed).toEqual(renderNotebookObjects(deployOpts(), 'pw', {secretEncoding: 'stringData'}))
  })

  it('processed with other values, names everything after NAME', () => {
    const [secret, pvc, svc, route, dep] = processTemplate(t, {
      NAME: 'lab',
      IMAGE: 'nb:v2',
      VOLUME_SIZE: '5Gi',
      NOTEBOOK_PASSWORD: 'x',
    })
    expect([secret, pvc, svc, route, dep].map(o => o.metadata.name)).toEqual([
      'lab-password',
      'lab-data',
      'lab',
      'lab',
      'lab',
    ])
    expect((pvc.spec as any).resources.requests.storage).toBe('5Gi')
    expect(JSON.parse(dep.metadata.annotations?.['image.openshift.io/triggers'] as string)[0].from.name).toBe(
      'nb:v2',
    )
    expect((dep.spec as any).template.spec.containers[0].image).toBe('nb:v2')
    expect(secret.stringData).toEqual({password: 'x'})
  })
})

describe('renderTemplate(openshift): the --auth openshift variant', () => {
  const t = renderTemplate('openshift')
  it('declares the proxy image and a generated cookie secret, and uses every parameter', () => {
    const params = t.parameters as Array<Record<string, unknown>>
    expect(params.map(p => p.name)).toEqual([
      'NAME',
      'IMAGE',
      'VOLUME_SIZE',
      'OAUTH_PROXY_IMAGE',
      'COOKIE_SECRET',
    ])
    expect(params[4]).toMatchObject({generate: 'expression', from: '[a-zA-Z0-9]{32}'})
    const used = new Set([...JSON.stringify(t.objects).matchAll(/\$\{([A-Z_]+)\}/g)].map(m => m[1]))
    expect([...used].sort()).toEqual(params.map(p => p.name as string).sort())
  })
  it("processed, gives exactly the CLI's --auth openshift objects", () => {
    const processed = processTemplate(t, {
      NAME: 'notebook',
      IMAGE: 's2i-minimal-notebook:latest',
      VOLUME_SIZE: '1Gi',
      OAUTH_PROXY_IMAGE: 'quay.io/openshift/origin-oauth-proxy:4.16',
      COOKIE_SECRET: 'c'.repeat(32),
    })
    expect(processed).toEqual(
      renderNotebookObjects(deployOpts({auth: 'openshift'}), 'unused', {
        secretEncoding: 'stringData',
        cookieSecret: 'c'.repeat(32),
      }),
    )
  })
})

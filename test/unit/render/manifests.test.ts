import {loadAll} from 'js-yaml'
import {readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

import {PLACEHOLDER_PASSWORD, renderManifestFiles} from '../../../src/lib/render/manifests.js'
import type {KObject} from '../../../src/lib/render/types.js'
import {OpenApiValidator, schemaPresent} from '../helpers/openapi.js'

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'manifests')
const files = renderManifestFiles()

describe('manifests/', () => {
  it('has exactly the generated files', () => {
    expect(Object.keys(files).sort()).toEqual([
      'builder.yaml',
      'notebook.yaml',
      'template-openshift-auth.yaml',
      'template.yaml',
    ])
  })

  it.each(Object.keys(files))(
    '%s is byte-identical to the renderers (else run `npm run manifests`)',
    file => {
      let committed: string
      try {
        committed = readFileSync(join(dir, file), 'utf8')
      } catch {
        throw new Error(`manifests/${file} is missing: run \`npm run manifests\` and commit the result`)
      }
      if (committed !== files[file]) {
        throw new Error(
          `manifests/${file} differs from what src/lib/render produces: run \`npm run manifests\` and commit the result`,
        )
      }
    },
  )

  it('holds the default objects', () => {
    const kinds = (f: string) => (loadAll(files[f]) as KObject[]).map(o => `${o.kind}/${o.metadata.name}`)
    expect(kinds('builder.yaml')).toEqual([
      'ImageStream/minimal-notebook',
      'ImageStream/s2i-minimal-notebook',
      'BuildConfig/s2i-minimal-notebook',
    ])
    expect(kinds('notebook.yaml')).toEqual([
      'Secret/notebook-password',
      'PersistentVolumeClaim/notebook-data',
      'Service/notebook',
      'Route/notebook',
      'Deployment/notebook',
    ])
    expect(kinds('template.yaml')).toEqual(['Template/oc-jupyter-notebook'])
  })

  it('the notebook Secret is a visible placeholder, documented in the file', () => {
    const secret = (loadAll(files['notebook.yaml']) as KObject[])[0]
    expect(secret.stringData).toEqual({password: PLACEHOLDER_PASSWORD})
    expect(files['notebook.yaml']).toMatch(/^# .*PLACEHOLDER/m)
  })

  it.skipIf(!schemaPresent)('every manifest object validates against the OpenAPI schema', () => {
    const v = new OpenApiValidator()
    for (const text of Object.values(files))
      for (const o of loadAll(text) as KObject[])
        expect(v.errors(o), `${o.kind}/${o.metadata.name}`).toEqual([])
  })
})

/**
 * `npm run manifests`: writes manifests/*.yaml from the renderers. The unit test
 * test/unit/render/manifests.test.ts fails when the committed files drift from this output.
 */
import {mkdirSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {renderManifestFiles} from '../src/lib/render/manifests.js'

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'manifests')
mkdirSync(dir, {recursive: true})
for (const [file, text] of Object.entries(renderManifestFiles())) {
  writeFileSync(join(dir, file), text)
  console.log(`wrote manifests/${file}`)
}

/** A validator of `oc jupyter doctor -o json` documents against the published docs/doctor-report.schema.json. */
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {Ajv2020} from 'ajv/dist/2020.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

export function reportValidator(): (doc: unknown) => string[] {
  const schema = JSON.parse(readFileSync(path.join(root, 'docs/doctor-report.schema.json'), 'utf8')) as object
  const validate = new Ajv2020({allErrors: true, strict: true}).compile(schema)
  return doc => (validate(doc) ? [] : (validate.errors ?? []).map(e => `${e.instancePath} ${e.message}`))
}

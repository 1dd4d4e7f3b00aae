/** Writes docs/doctor-checks.md from the doctor's catalogue: `npx tsx scripts/doctor-docs.ts`. */
import {mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {DOCTOR_DOCS_PATH, renderChecksDoc} from '../src/lib/doctor/docs.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const file = path.join(root, DOCTOR_DOCS_PATH)
mkdirSync(path.dirname(file), {recursive: true})
writeFileSync(file, renderChecksDoc())
console.log(`wrote ${DOCTOR_DOCS_PATH}`)

import {readFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {describe, expect, it} from 'vitest'

import {DOCTOR_DOCS_PATH, renderChecksDoc} from '../../../src/lib/doctor/docs.js'
import {CLUSTER_CHECKS, DOCKERFILE_CHECKS, EXEC_CHECKS} from '../../../src/lib/doctor/index.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

describe('docs/doctor-checks.md', () => {
  it('is the page generated from the catalogue (run `npx tsx scripts/doctor-docs.ts`)', () => {
    expect(readFileSync(path.join(root, DOCTOR_DOCS_PATH), 'utf8')).toBe(renderChecksDoc())
  })

  it('documents every check id', () => {
    const page = renderChecksDoc()
    for (const c of [...CLUSTER_CHECKS, ...EXEC_CHECKS, ...DOCKERFILE_CHECKS])
      expect(page).toContain(`| \`${c.id}\` |`)
  })
})

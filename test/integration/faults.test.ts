/**
 * A small version of `npm run faults` (scripts/faults.ts): deploy --build and build --rebuild under
 * seeded faults converge without a duplicate create or instantiate and without deleting a claim or a
 * Secret. The full run (30 seeds at 10%, 20 at 20%) is the script; it takes minutes.
 */
import {afterAll, beforeAll, describe, expect, test} from 'vitest'

import {startFakeOpenShift, type FakeOpenShift} from '../../fake-openshift/src/index.js'
import {format, runSeed} from '../../scripts/faults.js'
import {assertBuilt} from './helpers/cli.js'

describe('convergence under injected faults', () => {
  let fake: FakeOpenShift
  beforeAll(async () => {
    assertBuilt()
    fake = await startFakeOpenShift({simulators: 'auto'})
  })
  afterAll(() => fake?.stop())

  test.each([1, 2, 3])(
    'seed %i at 20%%',
    async seed => {
      const r = await runSeed(fake, seed, 0.2)
      expect(r, format(r)).toMatchObject({
        converged: true,
        duplicateCreates: 0,
        duplicateInstantiates: 0,
        deletes: 0,
      })
      expect(r.faults, 'faults were injected').toBeGreaterThan(0)
    },
    180_000,
  )
})

/**
 * The doctor's scenario corpus (test/scenarios/doctor/*.yaml): each file is a broken (or deceptively
 * fine) project as data, plus a `doctor:` section the fake ignores and this harness reads:
 *
 * ```yaml
 * doctor:
 *   name: notebook          # NAME for `oc jupyter doctor` ('' = none; default notebook)
 *   namespace: other        # run the doctor there instead of the scenario's namespace
 *   setup: ['oc jupyter build --ref no-such-branch -n NS']   # printed-style commands run first (may fail)
 *   exec: true              # doctor --exec
 *   firstError: grants.anyuid-usable   # the check of the first error (absent: no error expected)
 *   evidence: ['...']       # quoted by that error's evidence (substrings)
 *   effects: [pods.x]       # listed "because of it" under that error
 *   fixBy: admin            # the fix needs a cluster administrator (else: none of its commands may)
 *   rounds: 2               # apply the first error's fix this many times (each clears its cause)
 *   clean: true             # no error left after the fixes (or at once when no firstError)
 *   noWarnings: true        # and no warning either
 *   blind: true             # the doctor cannot see the namespace: exit 4, "cannot see"
 *   isolated: true          # changes something cluster-wide: gets its own fake
 * ```
 *
 * Scenarios share one fake (one namespace each, simulator options merged) unless isolated. Every fix
 * is applied as printed with runPrinted, as the user the scenario is about — a command the doctor marks
 * for a cluster administrator with the admin's kubeconfig; a printed `oc jupyter doctor` (the
 * administrator's run, for a grant this user cannot see) is run as admin and its first error's fix
 * applied in turn.
 */
import {readdirSync} from 'node:fs'
import path from 'node:path'

import {parseScenario, type Scenario} from '../../../fake-openshift/src/scenario.js'
import {readFileSync} from 'node:fs'
import {repoRoot} from './cli.js'

export interface DoctorExpectations {
  name?: string
  namespace?: string
  setup?: string[]
  exec?: boolean
  firstError?: string
  evidence?: string[]
  effects?: string[]
  fixBy?: 'admin' | 'developer'
  rounds?: number
  clean?: boolean
  noWarnings?: boolean
  blind?: boolean
  isolated?: boolean
}

export interface CorpusScenario {
  file: string
  scenario: Scenario
  namespace: string
  doctor: DoctorExpectations
}

export const CORPUS_DIR = path.join(repoRoot, 'test/scenarios/doctor')

export function readCorpus(): CorpusScenario[] {
  return readdirSync(CORPUS_DIR)
    .filter(f => f.endsWith('.yaml'))
    .sort()
    .map(f => {
      const file = path.join(CORPUS_DIR, f)
      const scenario = parseScenario(readFileSync(file, 'utf8'), file)
      const doctor = ((scenario as Record<string, unknown>).doctor ?? {}) as DoctorExpectations
      if (!scenario.namespace) throw new Error(`${f}: a corpus scenario names its namespace`)
      return {file: f, scenario, namespace: scenario.namespace, doctor}
    })
}

type Json = Record<string, unknown>
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * One simulator options object from several scenarios: lists concatenate, maps merge key by key, a
 * scalar must be the same everywhere (else the scenarios cannot share a fake: mark one isolated).
 */
export function mergeSimulatorOptions(sections: Array<Json | undefined>): Json {
  const out: Json = {}
  for (const s of sections) {
    for (const [k, v] of Object.entries(s ?? {})) {
      const prev = out[k]
      if (prev === undefined) out[k] = structuredClone(v)
      else if (Array.isArray(prev) && Array.isArray(v)) out[k] = [...prev, ...v]
      else if (isObj(prev) && isObj(v)) {
        for (const key of Object.keys(v))
          if (key in prev && JSON.stringify(prev[key]) !== JSON.stringify(v[key]))
            throw new Error(`simulator option ${k}.${key} differs between scenarios: isolate one`)
        out[k] = {...prev, ...v}
      } else if (JSON.stringify(prev) !== JSON.stringify(v))
        throw new Error(`simulator option ${k} differs between scenarios: isolate one`)
    }
  }
  return out
}

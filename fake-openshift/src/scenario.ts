/**
 * Scenario files (test/scenarios/*.yaml): the state of a project as data.
 *
 * ```yaml
 * name: anyuid-era-image
 * description: what this scenario shows
 * profile: ocp-4.20-aws          # cluster profile: OpenShift release (→ Kubernetes minor, release rules) and storage
 * storage: none                  # storage profile, overriding the cluster profile's
 * namespace: myproject           # default namespace of the objects below (created as a project if missing)
 * users:                         # extra users: tokens via fake.tokenFor(name)
 *   - {name: alice, groups: [devs]}
 * objects:                       # any served kind; created in order through admission (as cluster-admin)
 *   - {apiVersion: v1, kind: ConfigMap, metadata: {name: x}, data: {a: b}}
 * pods:                          # status written to existing pods (status subresource)
 *   - {name: notebook-1-abcde, status: {phase: Running, ...}}
 * logs:                          # scripted logs, served instead of the simulators'
 *   - {pod: notebook-1-abcde, container: notebook, previous: false, text: "..."}
 *   - {build: s2i-minimal-notebook-1, text: "..."}
 * events:                        # core/v1 Events, short form
 *   - {involvedObject: {kind: ReplicaSet, name: notebook-5d9}, type: Warning, reason: FailedCreate, message: "..."}
 *   - {match: {kind: Pod, owner: Deployment/notebook}, type: Warning, reason: FailedMount, message: "..."}
 * simulator: {...}               # passed to createSimulators() as options (see sim/)
 * ```
 */
import {randomBytes} from 'node:crypto'
import {readFileSync} from 'node:fs'

import {load} from 'js-yaml'

import type {KObject} from './types.js'

export interface ScenarioLog {
  pod?: string
  build?: string
  namespace?: string
  container?: string
  previous?: boolean
  text: string
}

export interface ScenarioEvent {
  namespace?: string
  /**
   * instead of `involvedObject`: every object that matches, when it appears — for generated names, e.g.
   * `{owner: Deployment/notebook}` (its pods and ReplicaSets) or `{kind: Pod, owner: Deployment/notebook}`
   */
  match?: {kind?: string; owner?: string; name?: string; namespace?: string}
  involvedObject?: {
    kind: string
    name: string
    namespace?: string
    apiVersion?: string
    uid?: string
    fieldPath?: string
  }
  type?: 'Normal' | 'Warning'
  reason: string
  message: string
  count?: number
  source?: string
  /** ISO time of the last occurrence (default: when loaded) */
  lastTimestamp?: string
}

export interface Scenario {
  name?: string
  description?: string
  namespace?: string
  /** cluster profile (profiles/clusters.ts) and storage profile (profiles/storage.ts) */
  profile?: string
  storage?: string
  kubernetesMinor?: number
  users?: Array<{name: string; groups?: string[]; token?: string}>
  objects?: KObject[]
  pods?: Array<{name: string; namespace?: string; status: Record<string, unknown>}>
  logs?: ScenarioLog[]
  events?: ScenarioEvent[]
  simulator?: Record<string, unknown>
}

export function parseScenario(text: string, source = 'scenario'): Scenario {
  const doc = load(text)
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw new Error(`${source}: a scenario must be a YAML mapping`)
  const s = doc as Scenario
  const lists = ['users', 'objects', 'pods', 'logs', 'events'] as const
  for (const k of lists)
    if (s[k] !== undefined && !Array.isArray(s[k])) throw new Error(`${source}: "${k}" must be a list`)
  for (const [i, o] of (s.objects ?? []).entries())
    if (!o || !o.apiVersion || !o.kind || !o.metadata?.name)
      throw new Error(`${source}: objects[${i}] needs apiVersion, kind and metadata.name`)
  for (const [i, e] of (s.events ?? []).entries())
    if (!e || !e.involvedObject === !e.match || !e.reason || typeof e.message !== 'string')
      throw new Error(
        `${source}: events[${i}] needs involvedObject or match (one of them), reason and message`,
      )
  for (const [i, l] of (s.logs ?? []).entries())
    if ((!l.pod && !l.build) || typeof l.text !== 'string')
      throw new Error(`${source}: logs[${i}] needs pod or build, and text`)
  return s
}

export function readScenario(file: string): Scenario {
  return parseScenario(readFileSync(file, 'utf8'), file)
}

/** A core/v1 Event from the short form, named like the event recorder names them. */
export function eventObject(
  e: ScenarioEvent & {involvedObject: NonNullable<ScenarioEvent['involvedObject']>},
  defaultNamespace: string,
  now: string,
): KObject {
  const ns = e.namespace ?? e.involvedObject.namespace ?? defaultNamespace
  const when = e.lastTimestamp ?? now
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {name: `${e.involvedObject.name}.${randomBytes(8).toString('hex')}`, namespace: ns},
    involvedObject: {namespace: ns, ...e.involvedObject},
    type: e.type ?? 'Normal',
    reason: e.reason,
    message: e.message,
    count: e.count ?? 1,
    firstTimestamp: when,
    lastTimestamp: when,
    source: {component: e.source ?? 'fake-openshift'},
    reportingComponent: e.source ?? 'fake-openshift',
    reportingInstance: '',
  }
}

/**
 * The fake OpenShift API server's simulators: `createSimulators(options)` returns the Simulators the
 * server core calls (admission hooks, instantiate, reviews, logs, exec, step/settle). Time only moves
 * when step() is called — no timers — so a test decides exactly how far a build or rollout gets.
 */
import type {ExecResult, KObject, LogSource, Simulators, Store, UserInfo} from '../types.js'
import {admissionHook} from './admission.js'
import {buildConfigTriggers, buildLog, buildStep, instantiate} from './builds.js'
import {routeStep, serviceAccountStep} from './cluster.js'
import {serviceCaStep} from './service-ca.js'
import {SimContext} from './context.js'
import {applyImageTriggers, importImages} from './images.js'
import {kubeletStep, podExec, podLog} from './kubelet.js'
import {type EventRule, normalizeOptions, type SimOptions} from './options.js'
import {podSecurityLabelSyncStep} from './psa-label-sync.js'
import {review} from './review.js'
import {scenarioEventsStep} from './scenario-events.js'
import {pvcStep} from './volumes.js'
import {deploymentConfigStep, deploymentStep, replicaSetStep} from './rollout.js'

export type {SimOptions} from './options.js'
export type {ImageProfile, ImageProfileInput} from './profiles.js'

/** The Simulators plus what tests and the sandbox may want to inspect. */
export interface FakeSimulators extends Simulators {
  /** exec with stdin (the server passes it; the model ignores it) */
  exec(
    namespace: string,
    pod: string,
    container: string | undefined,
    command: string[],
    stdin?: string,
  ): ExecResult
  /** the instance's state: options, registry, clock (read-only use) */
  readonly context: SimContext
  /** steps taken so far */
  steps(): number
}

/**
 * Controllers in the order one step runs them; each makes at most one transition per object, and
 * reports whether it changed anything.
 */
const CONTROLLERS: Array<[string, (ctx: SimContext) => boolean]> = [
  ['serviceaccounts', serviceAccountStep],
  ['service-ca', serviceCaStep],
  ['podsecurity-label-sync', podSecurityLabelSyncStep],
  ['image-import', importImages],
  ['buildconfig-triggers', buildConfigTriggers],
  ['builds', buildStep],
  ['image-triggers', applyImageTriggers],
  ['persistentvolumes', pvcStep],
  ['deployments', deploymentStep],
  ['replicasets', replicaSetStep],
  ['deploymentconfigs', deploymentConfigStep],
  ['kubelet', kubeletStep],
  ['routes', routeStep],
  ['scenario-events', scenarioEventsStep],
]

export function createSimulators(options: SimOptions = {}): FakeSimulators {
  const ctx = new SimContext(normalizeOptions(options))
  const needStore = () => {
    if (!ctx.store) throw new Error('fake-openshift simulators: install(store) was not called')
  }
  const step = (): boolean => {
    needStore()
    ctx.stepCount++
    let changed = false
    for (const [, run] of CONTROLLERS) if (run(ctx)) changed = true
    return changed
  }
  return {
    context: ctx,
    steps: () => ctx.stepCount,
    install(store: Store): void {
      ctx.store = store
      store.addAdmission(admissionHook(ctx))
      store.subscribe(e => {
        if (e.rt.group === 'rbac.authorization.k8s.io' || e.rt.plural === 'securitycontextconstraints')
          ctx.grantsGeneration++
      })
    },
    instantiate(namespace: string, buildConfig: string, request: KObject, user?: UserInfo): KObject {
      needStore()
      return instantiate(ctx, namespace, buildConfig, request, user)
    },
    review(plural: string, namespace: string, body: KObject, user: UserInfo): KObject {
      needStore()
      return review(ctx.store, plural, namespace, body, user)
    },
    podLog(namespace: string, pod: string, container: string | undefined, previous: boolean): LogSource {
      needStore()
      return podLog(ctx, namespace, pod, container, previous)
    },
    buildLog(namespace: string, build: string): LogSource {
      needStore()
      return buildLog(ctx, namespace, build)
    },
    exec(namespace: string, pod: string, container: string | undefined, command: string[]): ExecResult {
      needStore()
      return podExec(ctx, namespace, pod, container, command)
    },
    addEventRules(rules: Array<Record<string, unknown>>): void {
      ctx.opts.events.push(...(rules as unknown as EventRule[]))
    },
    step,
    settle(maxSteps = 200): number {
      let n = 0
      while (n < maxSteps) {
        n++
        if (!step()) break
      }
      return n
    },
  }
}

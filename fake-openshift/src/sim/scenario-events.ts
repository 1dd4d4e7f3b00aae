/**
 * Events a scenario attaches to objects it cannot name at load — a Deployment's ReplicaSets and pods get
 * generated names — recorded once on each matching object when it appears (`simulator.events`, or
 * top-level scenario `events` written with `match` instead of `involvedObject`).
 */
import type {KObject} from '../types.js'
import {ownedByRef, servedKind, type SimContext} from './context.js'
import {globMatch, nsOf} from './kube.js'
import type {EventRule} from './options.js'

const recorded = new WeakMap<SimContext, Set<string>>()

function matches(ctx: SimContext, rule: EventRule, o: KObject): boolean {
  const m = rule.match
  return (
    (!m.namespace || globMatch(m.namespace, nsOf(o))) &&
    (!m.name || globMatch(m.name, o.metadata.name ?? '')) &&
    (!m.owner || ownedByRef(ctx, o, m.owner))
  )
}

export function scenarioEventsStep(ctx: SimContext): boolean {
  if (ctx.opts.events.length === 0) return false
  const seen = recorded.get(ctx) ?? new Set<string>()
  recorded.set(ctx, seen)
  let changed = false
  ctx.opts.events.forEach((rule, i) => {
    for (const kind of rule.match.kind ? [rule.match.kind] : ['Pod', 'ReplicaSet']) {
      const where = servedKind(kind)
      if (!where) continue
      for (const o of ctx.list(
        where[0],
        where[1],
        rule.match.namespace?.includes('*') ? undefined : rule.match.namespace,
      )) {
        const key = `${i}|${o.metadata.uid}`
        if (seen.has(key) || o.metadata.deletionTimestamp || !matches(ctx, rule, o)) continue
        seen.add(key)
        ctx.event(o, rule.type ?? 'Normal', rule.reason, rule.message, rule.source ?? 'fake-openshift')
        changed = true
      }
    }
  })
  return changed
}

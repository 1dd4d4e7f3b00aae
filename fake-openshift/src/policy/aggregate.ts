/**
 * The clusterrole-aggregation controller's rule (kubernetes
 * pkg/controller/clusterroleaggregation/clusterroleaggregation_controller.go syncClusterRole): a
 * ClusterRole with an aggregationRule gets, for each selector in order, the rules of the ClusterRoles
 * whose labels match it, those sorted by name, itself skipped, each rule once. The controller re-syncs
 * on every ClusterRole change, so aggregated roles that feed others (edit → admin, view → edit) settle
 * after a few rounds; this runs the rounds to the fixed point. Applied to the bootstrap policy only:
 * ClusterRoles created later are not folded in (README: Default roles).
 */
import type {KObject} from '../types.js'

interface Selector {
  matchLabels?: Record<string, string>
}

function matches(sel: Selector, labels: Record<string, string> | undefined): boolean {
  return Object.entries(sel.matchLabels ?? {}).every(([k, v]) => labels?.[k] === v)
}

function selectorsOf(role: KObject): Selector[] {
  return ((role.aggregationRule as {clusterRoleSelectors?: Selector[]} | undefined)?.clusterRoleSelectors ??
    []) as Selector[]
}

/** Fills `rules` of every aggregated ClusterRole in place and returns the list. */
export function aggregateClusterRoles(objects: KObject[]): KObject[] {
  const clusterRoles = objects.filter(o => o.kind === 'ClusterRole')
  const byName = [...clusterRoles].sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1))
  for (let round = 0; round < 10; round++) {
    let changed = false
    for (const role of clusterRoles) {
      const selectors = selectorsOf(role)
      if (!selectors.length) continue
      const rules: unknown[] = []
      const seen = new Set<string>()
      for (const sel of selectors)
        for (const other of byName) {
          if (other.metadata.name === role.metadata.name || !matches(sel, other.metadata.labels)) continue
          for (const r of (other.rules as unknown[] | undefined) ?? []) {
            const key = JSON.stringify(r)
            if (seen.has(key)) continue
            seen.add(key)
            rules.push(r)
          }
        }
      if (JSON.stringify(rules) !== JSON.stringify(role.rules)) {
        role.rules = rules
        changed = true
      }
    }
    if (!changed) break
  }
  return objects
}

import type {ObjectMeta} from './types.js'

/**
 * SPEC.md §deploy: every object carries these five labels — PVC and Secret included — so `status`,
 * `delete` and `doctor` can find an instance's objects by label, and `oc get all -l app=NAME`
 * works as after `oc new-app`.
 */
export const PART_OF = 'oc-jupyter'
export const MANAGED_BY = 'oc-jupyter'

export const LABEL_APP = 'app'
export const LABEL_INSTANCE = 'app.kubernetes.io/instance'
export const LABEL_COMPONENT = 'app.kubernetes.io/component'
export const LABEL_PART_OF = 'app.kubernetes.io/part-of'
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by'

/** builder: the builder image set (`build`); notebook-image: a `build --from-source` set; notebook: `deploy`. */
export type Component = 'builder' | 'notebook-image' | 'notebook'

export function labelsFor(instance: string, component: Component): Record<string, string> {
  return {
    [LABEL_APP]: instance,
    [LABEL_INSTANCE]: instance,
    [LABEL_COMPONENT]: component,
    [LABEL_PART_OF]: PART_OF,
    [LABEL_MANAGED_BY]: MANAGED_BY,
  }
}

/**
 * The pod selector of a notebook's Service and Deployment: this instance's notebook pods only (not
 * build pods of a stream with the same name). Deployment selectors are immutable, so this must
 * never change.
 */
export function selectorFor(instance: string, component: Component = 'notebook'): Record<string, string> {
  return {[LABEL_INSTANCE]: instance, [LABEL_COMPONENT]: component}
}

/** Label selector (string form) for everything the CLI manages for one instance. */
export function instanceSelector(instance: string): string {
  return `${LABEL_MANAGED_BY}=${MANAGED_BY},${LABEL_INSTANCE}=${instance}`
}

export function objectMeta(
  name: string,
  labels: Record<string, string>,
  opts: {namespace?: string; annotations?: Record<string, string>} = {},
): ObjectMeta {
  // Fixed key order: name, namespace, labels, annotations.
  return {
    name,
    ...(opts.namespace === undefined ? {} : {namespace: opts.namespace}),
    labels: {...labels},
    ...(opts.annotations === undefined ? {} : {annotations: {...opts.annotations}}),
  }
}

/**
 * Field errors as the apiserver words them (k8s.io/apimachinery pkg/util/validation/field/errors.go):
 * `<field>: <Type>[: <bad value>][: <detail>]`, where Required, Forbidden, TooLong and Internal print no
 * value. How a bad value is printed depends on the Kubernetes version, so values carry both renderings:
 * - before 1.34, ErrorBody dereferences a pointer and prints strings with %q, numbers and booleans with
 *   %v, anything else with Go's %#v (`v1.LabelSelector{MatchLabels:map[string]string{"app":"nb"}, ...}`);
 * - from 1.34 (kubernetes/kubernetes#132314, "Nicer value rendering in API errors") composite values
 *   are printed as JSON (`{"matchLabels":{"app":"nb"}}`).
 */

export type FieldErrorType = 'Invalid' | 'Forbidden' | 'Required' | 'NotSupported'

/** A bad value and how each Kubernetes version prints it. */
export interface BadValue {
  go: string
  json: string
}

export interface FieldError {
  type: FieldErrorType
  field: string
  value?: BadValue
  detail?: string
}

/** metav1.StatusCause: reason FieldValue<Type>, message = ErrorBody, field */
export interface Cause {
  reason: string
  message: string
  field: string
}

/** The minor from which composite values are printed as JSON. */
export const JSON_VALUES_SINCE_MINOR = 34

const TYPE_STRING: Record<FieldErrorType, string> = {
  Invalid: 'Invalid value',
  Forbidden: 'Forbidden',
  Required: 'Required value',
  NotSupported: 'Unsupported value',
}

export function errorBody(e: FieldError, minor: number): string {
  let s = TYPE_STRING[e.type]
  if (e.value && e.type !== 'Forbidden' && e.type !== 'Required')
    s += `: ${minor >= JSON_VALUES_SINCE_MINOR ? e.value.json : e.value.go}`
  return e.detail ? `${s}: ${e.detail}` : s
}

export function toCause(e: FieldError, minor: number): Cause {
  return {reason: `FieldValue${e.type}`, message: errorBody(e, minor), field: e.field}
}

// -- values: Go's %#v next to JSON --------------------------------------------------------------

const q = (s: string) => JSON.stringify(s)

/** a string (or a named string type): %q and %#v and JSON all print "x" */
export function str(s: string): BadValue {
  return {go: q(s), json: q(s)}
}

export function stringSlice(xs: string[] | undefined | null, goType = '[]string'): BadValue {
  return {
    go: xs ? `${goType}{${xs.map(q).join(', ')}}` : `${goType}(nil)`,
    json: xs ? JSON.stringify(xs) : 'null',
  }
}

/** Go prints map keys sorted */
export function stringMap(
  m: Record<string, string> | undefined | null,
  goType = 'map[string]string',
): BadValue {
  if (!m) return {go: `${goType}(nil)`, json: 'null'}
  const keys = Object.keys(m).sort()
  return {
    go: `${goType}{${keys.map(k => `${q(k)}:${q(m[k])}`).join(', ')}}`,
    json: JSON.stringify(Object.fromEntries(keys.map(k => [k, m[k]]))),
  }
}

interface Requirement {
  key?: string
  operator?: string
  values?: string[]
}

/** *metav1.LabelSelector, dereferenced (printed as package `v1`) */
export function labelSelector(
  sel: {matchLabels?: Record<string, string>; matchExpressions?: Requirement[]} | null | undefined,
): BadValue {
  if (!sel) return {go: 'null', json: 'null'}
  const exprs = sel.matchExpressions
  const goExprs = exprs
    ? `[]v1.LabelSelectorRequirement{${exprs
        .map(
          r =>
            `v1.LabelSelectorRequirement{Key:${q(r.key ?? '')}, Operator:${q(r.operator ?? '')}, Values:${stringSlice(r.values).go}}`,
        )
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)'
  // json.Marshal of metav1.LabelSelector: struct field order, omitempty
  const json: Record<string, unknown> = {}
  if (sel.matchLabels && Object.keys(sel.matchLabels).length)
    json.matchLabels = JSON.parse(stringMap(sel.matchLabels).json)
  if (exprs?.length)
    json.matchExpressions = exprs.map(r => ({
      key: r.key ?? '',
      operator: r.operator ?? '',
      ...(r.values?.length ? {values: r.values} : {}),
    }))
  return {
    go: `v1.LabelSelector{MatchLabels:${stringMap(sel.matchLabels).go}, MatchExpressions:${goExprs}}`,
    json: JSON.stringify(json),
  }
}

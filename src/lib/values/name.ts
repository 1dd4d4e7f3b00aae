import {invalid} from './invalid.js'

/**
 * Kubernetes object names. Which rule applies depends on the kind (k8s.io/apimachinery validation):
 * - DNS-1123 label (≤ 63): most label values and names that become DNS labels or label values,
 * - DNS-1123 subdomain (≤ 253): Secret, PVC, Route, ServiceAccount, StorageClass names, hostnames,
 * - DNS-1035 label (≤ 63, starts with a letter): Service names (they become DNS names).
 */
export type NameRule = 'dns1123-label' | 'dns1123-subdomain' | 'dns1035-label'

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/

const RULES: Record<NameRule, {re: RegExp; max: number; text: string}> = {
  'dns1123-label': {
    re: LABEL,
    max: 63,
    text: "lowercase letters, digits and '-', starting and ending with a letter or digit",
  },
  'dns1035-label': {
    re: DNS1035,
    max: 63,
    text: "lowercase letters, digits and '-', starting with a letter and ending with a letter or digit",
  },
  'dns1123-subdomain': {
    re: SUBDOMAIN,
    max: 253,
    text: "lowercase letters, digits, '-' and '.', each part starting and ending with a letter or digit",
  },
}

export interface NameOptions {
  /** the flag or argument, for the message: `NAME`, `--service-account` */
  label: string
  rule: NameRule
  /** a tighter length limit than the rule's own (derived names must fit too) */
  max?: number
  /** why the tighter limit exists, appended to the message */
  maxReason?: string
}

export function parseName(value: string, opts: NameOptions): string {
  const rule = RULES[opts.rule]
  const max = Math.min(opts.max ?? rule.max, rule.max)
  if (value === '') throw invalid(opts.label, value, 'must not be empty')
  if (!rule.re.test(value))
    throw invalid(opts.label, value, `not a valid name (${rule.text}, at most ${max} characters)`)
  if (value.length > max) {
    const why = opts.maxReason ? `: ${opts.maxReason}` : ''
    throw invalid(opts.label, value, `too long (${value.length} characters, at most ${max}${why})`)
  }
  return value
}

export function isName(value: string, rule: NameRule): boolean {
  return RULES[rule].re.test(value) && value.length <= RULES[rule].max
}

/** Suffixes of the objects named after a notebook instance (SPEC.md §deploy). */
export const PASSWORD_SUFFIX = '-password'
export const DATA_SUFFIX = '-data'

/**
 * A notebook instance NAME names the Service (DNS-1035), the Deployment and the `app` labels, and
 * prefixes NAME-data and NAME-password. We keep the derived names 63-character DNS labels too, so
 * anything that uses them as a label value or a DNS name stays valid: NAME is at most 54 characters.
 */
export const INSTANCE_NAME_MAX = 63 - Math.max(PASSWORD_SUFFIX.length, DATA_SUFFIX.length)

export function parseInstanceName(value: string, label = 'NAME'): string {
  return parseName(value, {
    label,
    rule: 'dns1035-label',
    max: INSTANCE_NAME_MAX,
    maxReason: `${value}${PASSWORD_SUFFIX} must stay a 63-character DNS label`,
  })
}

/**
 * An image stream / BuildConfig name. Builds are named NAME-<n> and their pods NAME-<n>-build, and
 * NAME is an `app` label value, so keep it a DNS-1123 label.
 */
export function parseStreamName(value: string, label = 'NAME'): string {
  return parseName(value, {label, rule: 'dns1123-label'})
}

/**
 * Turns arbitrary text (a repository name such as `My_Notebooks`) into a DNS-1123 label, or returns
 * undefined when nothing usable is left.
 */
export function toDnsLabel(text: string): string | undefined {
  const label = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .slice(0, 63)
    .replace(/^-+|-+$/g, '')
  return label === '' ? undefined : label
}

/** A Route host: a DNS-1123 subdomain with at least two parts; no wildcards (SPEC: `--hostname`). */
export function parseHostname(value: string, label = '--hostname'): string {
  if (value.startsWith('*.'))
    throw invalid(label, value, 'wildcard hosts are not supported; give one host name')
  const host = parseName(value, {label, rule: 'dns1123-subdomain'})
  if (!host.includes('.'))
    throw invalid(label, value, 'not a fully qualified host name (e.g. notebook.apps.example.com)')
  if (host.split('.').some(part => part.length > 63))
    throw invalid(label, value, 'each part of a host name is at most 63 characters')
  return host
}

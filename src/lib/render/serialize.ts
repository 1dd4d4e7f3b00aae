import {dump} from 'js-yaml'

/**
 * Serialisation of rendered objects. Key order is insertion order (the renderers' order); no
 * line folding, no anchors, so the same objects always give the same bytes.
 */
export function toYaml(value: unknown): string {
  return dump(value, {noRefs: true, lineWidth: -1, sortKeys: false})
}

/** Several objects as one multi-document YAML stream. */
export function toYamlDocuments(values: readonly unknown[]): string {
  return values.map(v => `---\n${toYaml(v)}`).join('')
}

export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`
}

/**
 * The shapes the renderers produce. Deliberately small: the renderers are the only producers, and
 * the schema test checks them against OpenShift's OpenAPI document. Key order in these objects is
 * the order the renderers write, and so the order of the YAML/JSON output.
 */
export interface ObjectMeta {
  name: string
  namespace?: string
  labels: Record<string, string>
  annotations?: Record<string, string>
}

export interface KObject {
  apiVersion: string
  kind: string
  metadata: ObjectMeta
  [field: string]: unknown
}

export interface KList {
  apiVersion: 'v1'
  kind: 'List'
  metadata: {resourceVersion: string}
  items: KObject[]
}

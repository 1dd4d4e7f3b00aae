/**
 * The few object shapes the cluster layer needs. Deliberately loose: the layer moves objects between
 * render and the API server and reads a handful of metadata/status fields; it does not model kinds.
 */

export interface ObjectMeta {
  name?: string
  generateName?: string
  namespace?: string
  uid?: string
  resourceVersion?: string
  generation?: number
  labels?: Record<string, string>
  annotations?: Record<string, string>
  [key: string]: unknown
}

/** An object as returned by the API server. */
export interface KubeObject {
  apiVersion?: string
  kind?: string
  metadata?: ObjectMeta
  [key: string]: unknown
}

/**
 * What callers may hand to apply/create: anything with apiVersion, kind and metadata. No index signature,
 * so class instances (client-node's V1Deployment) and interfaces from render are accepted as they are.
 */
export interface KubeObjectLike {
  apiVersion?: string
  kind?: string
  metadata?: {name?: string; namespace?: string; generateName?: string}
}

export interface KubeList<T = KubeObject> {
  apiVersion?: string
  kind?: string
  metadata?: {resourceVersion?: string; continue?: string; remainingItemCount?: number}
  items: T[]
}

/** A Kubernetes `Status` object (error bodies, watch ERROR events). */
export interface KubeStatus {
  kind?: string
  apiVersion?: string
  status?: string
  message?: string
  reason?: string
  code?: number
  details?: {
    name?: string
    group?: string
    kind?: string
    uid?: string
    causes?: Array<{reason?: string; message?: string; field?: string}>
    retryAfterSeconds?: number
  }
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR'

export interface WatchEvent {
  type: WatchEventType
  /** The object, or a Status for ERROR events. */
  object: KubeObject
}

/**
 * Contracts shared by the fake OpenShift API server's parts:
 *   server core (HTTP, store, discovery, watch)  ←→  patch engine (patch/)  ←→  simulators (sim/).
 * Keep this file small and stable; each part owns its own implementation files.
 */

export interface ObjectMeta {
  name?: string
  generateName?: string
  namespace?: string
  uid?: string
  resourceVersion?: string
  generation?: number
  creationTimestamp?: string
  deletionTimestamp?: string
  deletionGracePeriodSeconds?: number
  labels?: Record<string, string>
  annotations?: Record<string, string>
  finalizers?: string[]
  ownerReferences?: Array<{
    apiVersion: string
    kind: string
    name: string
    uid: string
    controller?: boolean
    blockOwnerDeletion?: boolean
  }>
  managedFields?: ManagedFieldsEntry[]
  [key: string]: unknown
}

export interface KObject {
  apiVersion: string
  kind: string
  metadata: ObjectMeta
  [key: string]: unknown
}

export interface ManagedFieldsEntry {
  manager: string
  operation: 'Apply' | 'Update'
  apiVersion: string
  time?: string
  fieldsType: 'FieldsV1'
  fieldsV1: Record<string, unknown>
  subresource?: string
}

/** One served resource. The registry is data; discovery, openapi and routing derive from it. */
export interface ResourceType {
  group: string // '' for core
  version: string
  kind: string
  listKind: string
  plural: string
  singular: string
  namespaced: boolean
  verbs: string[] // create delete deletecollection get list patch update watch
  subresources: string[] // e.g. ['status', 'log', 'exec', 'instantiate']
  shortNames?: string[]
  categories?: string[]
  /** false for CRD-backed kinds such as SCC: strategic merge patch → 415 */
  strategicMerge: boolean
  /** present on deprecated APIs (DeploymentConfig): sent as a `Warning: 299 - "..."` header */
  deprecationWarning?: string
  /** the release rule (profiles/versions.ts) from which the warning is sent; always when absent */
  deprecatedSince?: string
}

/** A Kubernetes `Status` error. The server turns it into the HTTP response body as is. */
export class ApiError extends Error {
  readonly code: number
  readonly reason: string
  readonly details?: Record<string, unknown>
  /** extra HTTP headers (e.g. Retry-After) */
  readonly headers?: Record<string, string>

  constructor(
    code: number,
    reason: string,
    message: string,
    details?: Record<string, unknown>,
    headers?: Record<string, string>,
  ) {
    super(message)
    this.code = code
    this.reason = reason
    this.details = details
    this.headers = headers
  }

  toStatus(): KObject {
    return {
      apiVersion: 'v1',
      kind: 'Status',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? {details: this.details} : {}),
      code: this.code,
    }
  }
}

export interface UserInfo {
  username: string
  groups: string[]
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED'

export interface StoreEvent {
  type: WatchEventType
  rt: ResourceType
  object: KObject
  /** the object before the change (MODIFIED/DELETED) */
  old?: KObject
}

export interface WriteOptions {
  dryRun?: boolean
  /** who wrote it: the fieldManager (for managedFields) and the authenticated user (for admission) */
  fieldManager?: string
  user?: UserInfo
  /** receives the admission plugins' warnings (the server sends them as `Warning: 299` headers) */
  onWarning?: (text: string) => void
}

/**
 * The object store with API-server semantics: global resourceVersion, uid, creationTimestamp,
 * generation (bumped only on spec changes), generateName, finalizers + deletionTimestamp,
 * namespace cascade, AlreadyExists/NotFound/Conflict as ApiError.
 * Admission hooks registered by the simulators run inside create/update before the object is kept.
 */
export interface Store {
  resourceType(groupOrApiVersion: string, plural: string): ResourceType | undefined
  resourceTypeForKind(apiVersion: string, kind: string): ResourceType | undefined
  get(rt: ResourceType, namespace: string | undefined, name: string): KObject | undefined
  list(rt: ResourceType, namespace?: string): KObject[]
  create(rt: ResourceType, obj: KObject, opts?: WriteOptions): KObject
  /** Replaces the object; when obj.metadata.resourceVersion is set and stale → 409 Conflict. */
  update(rt: ResourceType, obj: KObject, opts?: WriteOptions & {subresource?: string}): KObject
  /** Marks for deletion when finalizers exist (returns the object with deletionTimestamp), else removes. */
  delete(rt: ResourceType, namespace: string | undefined, name: string, opts?: WriteOptions): KObject
  subscribe(listener: (event: StoreEvent) => void): () => void
  currentResourceVersion(): number
  addAdmission(hook: AdmissionHook): void
}

export interface AdmissionRequest {
  operation: 'CREATE' | 'UPDATE' | 'DELETE'
  rt: ResourceType
  object: KObject
  old?: KObject
  user?: UserInfo
  dryRun: boolean
  /** a warning for the client (PodSecurity `would violate ...`), as an admission plugin returns it */
  warn: (text: string) => void
}

/** Returns the (possibly mutated) object, or throws ApiError to reject. */
export type AdmissionHook = (req: AdmissionRequest, store: Store) => KObject

/** Text a pod or build writes, consumed by `.../log` (follow or not). */
export interface LogSource {
  /** lines written so far */
  lines(): string[]
  /** true once the container/build has ended: a follow stream closes after the last line */
  ended(): boolean
  /** called for each new line and once at the end; returns an unsubscribe function */
  subscribe(onLine: (line: string) => void, onEnd: () => void): () => void
}

export interface ExecResult {
  stdout: string
  stderr: string
  exitCode: number
}

/**
 * The deterministic simulators (sim/). The server core calls these; tests and the sandbox drive
 * time with step()/settle() (manual) or let the server call settle() after each write (auto).
 */
export interface Simulators {
  /** Registers admission hooks on the store (project annotations, SCC admission, route hosts, ...). */
  install(store: Store): void
  /** POST buildconfigs/NAME/instantiate with a BuildRequest → the new Build */
  instantiate(namespace: string, buildConfig: string, request: KObject, user?: UserInfo): KObject
  /** POST to podsecuritypolicy{self,}subjectreviews / podsecuritypolicyreviews → the review with status */
  review(plural: string, namespace: string, body: KObject, user: UserInfo): KObject
  podLog(namespace: string, pod: string, container: string | undefined, previous: boolean): LogSource
  buildLog(namespace: string, build: string): LogSource
  /** `stdin`: what the client sent before half-closing stdin (exec -i over v5.channel.k8s.io), if anything */
  exec(
    namespace: string,
    pod: string,
    container: string | undefined,
    command: string[],
    stdin?: string,
  ): ExecResult
  /**
   * Events to record on matching objects as they appear (a scenario's `events` written with `match`):
   * `{match: {kind?, owner?, name?, namespace?}, type?, reason, message, source?}`
   */
  addEventRules?(rules: Array<Record<string, unknown>>): void
  /** Advances every in-flight process by one transition. Returns false when nothing changed. */
  step(): boolean
  /** Steps until nothing changes (or max steps); returns the number of steps taken. */
  settle(maxSteps?: number): number
}

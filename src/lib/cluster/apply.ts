/**
 * Idempotent writes. Server-side apply is the default write (fieldManager `oc-jupyter`, force: the
 * objects are ours); the action reported is kubectl's vocabulary: created / configured / unchanged.
 *
 * How the action is known: a GET before the PATCH gives "existed?" and the resourceVersion. A real
 * apply that changed nothing leaves the resourceVersion as it was (the API server skips no-op
 * writes), so equal RVs mean unchanged. Otherwise (and always for dry run, which never bumps the RV)
 * the returned object is compared with the one read, ignoring server-owned metadata (RV,
 * generation, managedFields): equal means unchanged.
 */
import type {KubeClient, WriteOptions} from './client.js'
import {isAlreadyExists, isApiError, isNotFound, secretValues} from './errors.js'
import {locate, resourcePath} from './kinds.js'
import {realClock} from './retry.js'
import type {KindInfo, KindName} from './kinds.js'
import type {KubeObject, KubeObjectLike} from './types.js'

export type ApplyAction = 'created' | 'configured' | 'unchanged'

export interface ApplyResult {
  kind: string
  name: string
  namespace?: string
  action: ApplyAction
  /** The object as the server returned it (for dry-run: as it would be). Absent for createIfAbsent's "unchanged". */
  object?: KubeObject
  dryRun: boolean
  durationMs: number
}

export interface ApplyOptions {
  /** Server-side dry run (`dryRun=All`): nothing is persisted, the action is what would happen. */
  dryRun?: boolean
  /** Parallel writes; default 4. Order of results = order of objects. */
  concurrency?: number
  /** SSA force (take ownership of conflicting fields); default true. */
  force?: boolean
  /** Namespace for namespaced objects without metadata.namespace; default the client's. */
  namespace?: string
  /** Called as each object finishes (for step lines), in completion order. */
  onResult?: (result: ApplyResult) => void
  signal?: AbortSignal
  /**
   * The live objects the caller has already read (key `Kind/name`; undefined value = known absent),
   * so the apply skips its own GET: one request per object instead of two.
   */
  known?: ReadonlyMap<string, KubeObject | undefined>
}

/**
 * Applies independent objects concurrently (at most `concurrency` in flight). When one fails, no new
 * object is started, those in flight finish, and the first error is thrown; re-running completes.
 */
// Generic over the object type so literals with extra fields (spec, data) pass without excess-property
// errors, while class instances (client-node models) and render's interfaces are accepted too.
export async function applyObjects<T extends KubeObjectLike>(
  client: KubeClient,
  objects: readonly T[],
  opts: ApplyOptions = {},
): Promise<ApplyResult[]> {
  return mapLimit(objects, opts.concurrency ?? 4, obj => applyObject(client, obj, opts))
}

/** GET, then server-side apply. See the module comment for how the action is decided. */
export async function applyObject<T extends KubeObjectLike>(
  client: KubeClient,
  obj: T,
  opts: Omit<ApplyOptions, 'concurrency'> = {},
): Promise<ApplyResult> {
  const started = Date.now()
  const loc = locate(obj, opts.namespace ?? client.namespace)
  const dryRun = opts.dryRun ?? false
  const body = applyBody(obj, loc.info, loc.namespace)
  client.addSecrets(...secretValues(obj))
  const key = `${loc.info.kind}/${loc.name}`
  const before = opts.known?.has(key)
    ? opts.known.get(key)
    : await client.getIfExists<KubeObject>(loc.path, undefined, {signal: opts.signal})
  const res = await client.apply<KubeObject>(loc.path, body, {
    dryRun,
    force: opts.force ?? true,
    signal: opts.signal,
  })
  const after = res.body
  let action: ApplyAction
  if (!before || res.status === 201) action = 'created'
  else if (!dryRun && before.metadata?.resourceVersion === after.metadata?.resourceVersion)
    action = 'unchanged'
  // Dry run never bumps the RV; and a server that bumps it on a no-op write (or only re-stamps
  // managedFields) has not changed anything a user would call configured either.
  else action = sameObject(before, after) ? 'unchanged' : 'configured'
  const result: ApplyResult = {
    kind: loc.info.kind,
    name: loc.name,
    namespace: loc.namespace,
    action,
    object: after,
    dryRun,
    durationMs: Date.now() - started,
  }
  opts.onResult?.(result)
  return result
}

/**
 * POST unless it exists (the notebook password Secret: generated once, never rotated by a re-run).
 * 409 AlreadyExists → unchanged, without reading the object (a Secret we need not see).
 */
export async function createIfAbsent<T extends KubeObjectLike>(
  client: KubeClient,
  obj: T,
  opts: Pick<ApplyOptions, 'dryRun' | 'namespace' | 'onResult' | 'signal'> = {},
): Promise<ApplyResult> {
  const started = Date.now()
  const loc = locate(obj, opts.namespace ?? client.namespace)
  const dryRun = opts.dryRun ?? false
  client.addSecrets(...secretValues(obj))
  let result: ApplyResult
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await client.create<KubeObject>(
        loc.collectionPath,
        applyBody(obj, loc.info, loc.namespace),
        {dryRun, signal: opts.signal},
      )
      result = base('created', res.body)
      break
    } catch (error) {
      // Only AlreadyExists means "the object is there". Any other 409 (Conflict: e.g. the quota
      // admission plugin lost a race on the ResourceQuota) means nothing was created: sending the same
      // POST again cannot duplicate it, so it is retried a few times, then reported.
      if (isAlreadyExists(error)) {
        result = base('unchanged', undefined)
        break
      }
      if (!isApiError(error, 409) || attempt >= CREATE_CONFLICT_ATTEMPTS) throw error
      await sleep(CREATE_CONFLICT_BACKOFF_MS * attempt, opts.signal)
    }
  }
  opts.onResult?.(result)
  return result

  function base(action: ApplyAction, object: KubeObject | undefined): ApplyResult {
    return {
      kind: loc.info.kind,
      name: loc.name,
      namespace: loc.namespace,
      action,
      object,
      dryRun,
      durationMs: Date.now() - started,
    }
  }
}

/** Attempts of a create answered 409 Conflict (not AlreadyExists), and the backoff between them. */
export const CREATE_CONFLICT_ATTEMPTS = 4
const CREATE_CONFLICT_BACKOFF_MS = 250

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return realClock.sleep(ms, signal)
}

/** What to delete: an object by kind (from kinds.ts) and name, or an API path. */
export type DeleteTarget = {kind: KindName | KindInfo; name: string; namespace?: string} | string

/** DELETE; a 404 means it is already gone (done). Returns what happened. */
export async function deleteIfExists(
  client: KubeClient,
  target: DeleteTarget,
  opts: WriteOptions & {propagationPolicy?: 'Background' | 'Foreground' | 'Orphan'} = {},
): Promise<'deleted' | 'absent'> {
  const path = targetPath(client, target)
  try {
    // Background: the server removes dependents (ReplicaSets, Pods) after answering, like kubectl.
    await client.delete(path, {propagationPolicy: 'Background', ...opts})
    return 'deleted'
  } catch (error) {
    if (isNotFound(error)) return 'absent'
    throw error
  }
}

/** RFC 7386 JSON merge patch (null deletes a key); explicit type, works on CRDs such as SCC. */
export async function mergePatch<T = KubeObject>(
  client: KubeClient,
  target: DeleteTarget,
  patch: Record<string, unknown>,
  opts: WriteOptions = {},
): Promise<T> {
  return (await client.patch<T>(targetPath(client, target), patch, 'merge', opts)).body
}

export type JsonPatchOperation =
  | {op: 'add' | 'replace' | 'test'; path: string; value: unknown}
  | {op: 'remove'; path: string}
  | {op: 'move' | 'copy'; from: string; path: string}

/**
 * RFC 6902 JSON patch. Not idempotent, so never retried on a dropped connection; guard index-based
 * removals with a preceding `test` op (the server answers 422 if the list moved meanwhile).
 */
export async function jsonPatch<T = KubeObject>(
  client: KubeClient,
  target: DeleteTarget,
  ops: readonly JsonPatchOperation[],
  opts: WriteOptions = {},
): Promise<T> {
  return (await client.patch<T>(targetPath(client, target), ops, 'json', opts)).body
}

/** Escapes a JSON pointer segment (`~` → `~0`, `/` → `~1`), e.g. for annotation keys. */
export function jsonPointerSegment(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1')
}

// ---------------------------------------------------------------------------------------------

function targetPath(client: KubeClient, target: DeleteTarget): string {
  if (typeof target === 'string') return target
  // resourcePath drops the namespace for cluster-scoped kinds.
  return resourcePath(target.kind, {namespace: target.namespace ?? client.namespace, name: target.name})
}

/** The apply body: the object with its namespace filled in and server-owned metadata removed. */
function applyBody(obj: KubeObjectLike, info: KindInfo, namespace: string | undefined): KubeObject {
  const body = structuredClone(obj) as KubeObject
  const meta = {...body.metadata}
  // SSA rejects managedFields in the body; a resourceVersion would turn the apply into a precondition.
  for (const k of [
    'managedFields',
    'resourceVersion',
    'uid',
    'creationTimestamp',
    'generation',
    'selfLink',
  ]) {
    delete meta[k]
  }
  if (info.namespaced && namespace) meta.namespace = namespace
  body.metadata = meta
  return body
}

const SERVER_OWNED_META = [
  'managedFields',
  'resourceVersion',
  'generation',
  'uid',
  'creationTimestamp',
  'selfLink',
]

/**
 * Equal apart from what the server maintains itself (RV, generation, managedFields timestamps) and
 * status: an apply cannot change status, while a controller may between our GET and the PATCH (a
 * BuildConfig's lastVersion when a trigger starts a build) — that is not "configured".
 */
export function sameObject(a: KubeObject, b: KubeObject): boolean {
  return stableJson(normalize(a)) === stableJson(normalize(b))
}

function normalize(obj: KubeObject): KubeObject {
  const copy = structuredClone(obj)
  delete copy.status
  if (copy.metadata) {
    const meta = {...copy.metadata}
    for (const k of SERVER_OWNED_META) delete meta[k]
    copy.metadata = meta
  }
  return copy
}

function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    val && typeof val === 'object' && !Array.isArray(val)
      ? Object.fromEntries(
          Object.entries(val as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : 1)),
        )
      : val,
  )
}

/** Promise.all with a concurrency limit; stops starting new work after the first failure. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  let failed = false
  let firstError: unknown
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++
      try {
        results[i] = await fn(items[i], i)
      } catch (error) {
        if (!failed) firstError = error
        failed = true
      }
    }
  }
  const n = Math.max(1, Math.min(limit, items.length))
  await Promise.all(Array.from({length: n}, worker))
  if (failed) throw firstError
  return results
}

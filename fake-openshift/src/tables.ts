/**
 * Server-side printing: `kubectl get` asks for `application/json;as=Table;v=v1;g=meta.k8s.io` and
 * prints the columns the server sends. Columns follow kubectl's/oc's printers for the kinds this
 * project uses; other kinds get NAME and AGE, like the apiserver's default table convertor.
 */
import type {KObject} from './types.js'

type Obj = Record<string, any>

interface Column {
  name: string
  type: string
  format?: string
  description?: string
  priority?: number
  cell: (o: Obj, now: number) => unknown
}

export function humanDuration(ms: number): string {
  // k8s.io/apimachinery/pkg/util/duration.HumanDuration, simplified
  const s = Math.max(0, Math.floor(ms / 1000))
  if (s < 120) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 10) return `${m}m${s % 60 ? `${s % 60}s` : ''}`
  if (m < 180) return `${m}m`
  const h = Math.floor(m / 60)
  if (h < 8) return `${h}h${m % 60 ? `${m % 60}m` : ''}`
  if (h < 48) return `${h}h`
  const d = Math.floor(h / 24)
  if (d < 8) return `${d}d${h % 24 ? `${h % 24}h` : ''}`
  if (d < 365 * 2) return `${d}d`
  return `${Math.floor(d / 365)}y`
}

function age(ts: string | undefined, now: number): string {
  return ts ? humanDuration(now - Date.parse(ts)) : '<unknown>'
}

const NAME: Column = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
  cell: o => o.metadata?.name,
}
const AGE: Column = {
  name: 'Age',
  type: 'string',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
  cell: (o, now) => age(o.metadata?.creationTimestamp, now),
}

const col = (name: string, cell: Column['cell'], type = 'string', priority = 0): Column => ({
  name,
  type,
  cell,
  priority,
})

function podStatus(o: Obj): string {
  if (o.metadata?.deletionTimestamp) return 'Terminating'
  const cs: Obj[] = o.status?.containerStatuses ?? []
  for (const c of cs) {
    if (c.state?.waiting?.reason) return c.state.waiting.reason
    if (c.state?.terminated?.reason) return c.state.terminated.reason
  }
  return o.status?.reason ?? o.status?.phase ?? 'Pending'
}

const COLUMNS: Record<string, Column[]> = {
  Pod: [
    NAME,
    col('Ready', o => {
      const cs: Obj[] = o.status?.containerStatuses ?? []
      return `${cs.filter(c => c.ready).length}/${o.spec?.containers?.length ?? cs.length}`
    }),
    col('Status', podStatus),
    col(
      'Restarts',
      o => (o.status?.containerStatuses ?? []).reduce((n: number, c: Obj) => n + (c.restartCount ?? 0), 0),
      'integer',
    ),
    AGE,
    col('IP', o => o.status?.podIP ?? '<none>', 'string', 1),
    col('Node', o => o.spec?.nodeName ?? '<none>', 'string', 1),
  ],
  Deployment: [
    NAME,
    col('Ready', o => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`),
    col('Up-to-date', o => o.status?.updatedReplicas ?? 0, 'integer'),
    col('Available', o => o.status?.availableReplicas ?? 0, 'integer'),
    AGE,
  ],
  ReplicaSet: [
    NAME,
    col('Desired', o => o.spec?.replicas ?? 0, 'integer'),
    col('Current', o => o.status?.replicas ?? 0, 'integer'),
    col('Ready', o => o.status?.readyReplicas ?? 0, 'integer'),
    AGE,
  ],
  Service: [
    NAME,
    col('Type', o => o.spec?.type ?? 'ClusterIP'),
    col('Cluster-IP', o => o.spec?.clusterIP ?? '<none>'),
    col('External-IP', o => (o.spec?.externalIPs ?? []).join(',') || '<none>'),
    col(
      'Port(s)',
      o => (o.spec?.ports ?? []).map((p: Obj) => `${p.port}/${p.protocol ?? 'TCP'}`).join(',') || '<none>',
    ),
    AGE,
  ],
  Secret: [
    NAME,
    col('Type', o => o.type ?? 'Opaque'),
    col('Data', o => Object.keys(o.data ?? {}).length, 'integer'),
    AGE,
  ],
  ConfigMap: [
    NAME,
    col('Data', o => Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length, 'integer'),
    AGE,
  ],
  ServiceAccount: [NAME, col('Secrets', o => (o.secrets ?? []).length, 'integer'), AGE],
  Namespace: [NAME, col('Status', o => o.status?.phase ?? 'Active'), AGE],
  PersistentVolumeClaim: [
    NAME,
    col('Status', o => o.status?.phase ?? 'Pending'),
    col('Volume', o => o.spec?.volumeName ?? ''),
    col('Capacity', o => o.status?.capacity?.storage ?? ''),
    col('Access Modes', o =>
      (o.status?.accessModes ?? [])
        .map(
          (m: string) =>
            ({ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP'})[
              m
            ] ?? m,
        )
        .join(','),
    ),
    col('StorageClass', o => o.spec?.storageClassName ?? '<unset>'),
    AGE,
  ],
  Event: [
    col('Last Seen', (o, now) => age(o.lastTimestamp ?? o.eventTime ?? o.metadata?.creationTimestamp, now)),
    col('Type', o => o.type ?? ''),
    col('Reason', o => o.reason ?? ''),
    col(
      'Object',
      o => `${String(o.involvedObject?.kind ?? '').toLowerCase()}/${o.involvedObject?.name ?? ''}`,
    ),
    col('Message', o => String(o.message ?? '').trim()),
  ],
  Route: [
    NAME,
    col('Host/Port', o => o.status?.ingress?.[0]?.host ?? o.spec?.host ?? ''),
    col('Path', o => o.spec?.path ?? ''),
    col('Services', o => o.spec?.to?.name ?? ''),
    col('Port', o => o.spec?.port?.targetPort ?? '<all>'),
    col('Termination', o =>
      o.spec?.tls
        ? `${o.spec.tls.termination}${o.spec.tls.insecureEdgeTerminationPolicy ? `/${o.spec.tls.insecureEdgeTerminationPolicy}` : ''}`
        : '',
    ),
    col('Wildcard', o => o.spec?.wildcardPolicy ?? 'None'),
  ],
  Build: [
    NAME,
    col('Type', o => o.spec?.strategy?.type ?? ''),
    col('From', o => (o.spec?.source?.git ? 'Git' : (o.spec?.source?.type ?? ''))),
    col('Status', o => o.status?.phase ?? 'New'),
    col('Started', (o, now) => (o.status?.startTimestamp ? `${age(o.status.startTimestamp, now)} ago` : '')),
    col('Duration', o => (o.status?.duration ? `${Math.round(o.status.duration / 1e9)}s` : '')),
  ],
  BuildConfig: [
    NAME,
    col('Type', o => o.spec?.strategy?.type ?? ''),
    col('From', o => (o.spec?.source?.git ? 'Git' : (o.spec?.source?.type ?? ''))),
    col('Latest', o => o.status?.lastVersion ?? 0, 'integer'),
  ],
  ImageStream: [
    NAME,
    col(
      'Image Repository',
      o => o.status?.publicDockerImageRepository ?? o.status?.dockerImageRepository ?? '',
    ),
    col('Tags', o => (o.status?.tags ?? []).map((t: Obj) => t.tag).join(',')),
    col('Updated', (o, now) => {
      const times = (o.status?.tags ?? [])
        .map((t: Obj) => t.items?.[0]?.created)
        .filter(Boolean)
        .sort()
      return times.length ? `${age(times[times.length - 1], now)} ago` : ''
    }),
  ],
  SecurityContextConstraints: [
    NAME,
    col('Priv', o => !!o.allowPrivilegedContainer),
    col('Caps', o => `[${(o.allowedCapabilities ?? []).join(',')}]`),
    col('SELinux', o => o.seLinuxContext?.type ?? ''),
    col('RunAsUser', o => o.runAsUser?.type ?? ''),
    col('FSGroup', o => o.fsGroup?.type ?? ''),
    col('SupGroup', o => o.supplementalGroups?.type ?? ''),
    col('Priority', o => o.priority ?? '<no value>'),
    col('ReadOnlyRootFS', o => !!o.readOnlyRootFilesystem),
    col('Volumes', o => `[${(o.volumes ?? []).join(',')}]`),
  ],
  Project: [
    NAME,
    col('Display Name', o => o.metadata?.annotations?.['openshift.io/display-name'] ?? ''),
    col('Status', o => o.status?.phase ?? 'Active'),
  ],
  RoleBinding: [NAME, col('Role', o => `${o.roleRef?.kind}/${o.roleRef?.name}`), AGE],
  ClusterRoleBinding: [NAME, col('Role', o => `${o.roleRef?.kind}/${o.roleRef?.name}`), AGE],
  ImageStreamTag: [
    NAME,
    col('Image Reference', o => o.image?.dockerImageReference ?? ''),
    col('Updated', (o, now) => age(o.metadata?.creationTimestamp, now)),
  ],
}

export type IncludeObject = 'None' | 'Metadata' | 'Object'

export function partialMetadata(o: KObject): KObject {
  return {kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata}
}

/** A meta.k8s.io/v1 Table for these objects; `headers: false` omits columnDefinitions (later watch events). */
export function toTable(
  kind: string,
  objects: KObject[],
  opts: {
    includeObject?: IncludeObject
    listMeta?: Record<string, unknown>
    headers?: boolean
    now?: number
  } = {},
): KObject {
  const columns = COLUMNS[kind] ?? [NAME, AGE]
  const now = opts.now ?? Date.now()
  const include = opts.includeObject ?? 'Metadata'
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: (opts.listMeta ?? {}) as KObject['metadata'],
    ...(opts.headers === false
      ? {}
      : {
          columnDefinitions: columns.map(c => ({
            name: c.name,
            type: c.type,
            format: c.format ?? '',
            description: c.description ?? c.name,
            priority: c.priority ?? 0,
          })),
        }),
    rows: objects.map(o => ({
      cells: columns.map(c => c.cell(o as Obj, now) ?? ''),
      ...(include === 'None' ? {} : {object: include === 'Object' ? o : partialMetadata(o)}),
    })),
  }
}

/** What the Accept header asks for: a Table, partial metadata, or the objects themselves. */
export function acceptedShape(accept: string | undefined): 'Table' | 'PartialObjectMetadata' | 'Object' {
  for (const part of (accept ?? '').split(',')) {
    const p = part.replace(/\s+/g, '')
    if (p.startsWith('application/json') && p.includes('g=meta.k8s.io')) {
      if (p.includes('as=Table')) return 'Table'
      if (p.includes('as=PartialObjectMetadata')) return 'PartialObjectMetadata'
    }
    if (p.startsWith('application/json') || p === '*/*' || p.startsWith('application/yaml')) return 'Object'
  }
  return 'Object'
}

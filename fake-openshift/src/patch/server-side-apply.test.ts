import {describe, expect, it} from 'vitest'
import {ApiError, type KObject} from '../types.js'
import {LAST_APPLIED_ANNOTATION, fieldsOf, recordUpdate, serverSideApply} from './index.js'

const T0 = '2024-05-01T10:00:00Z'
const T1 = '2024-05-01T10:01:00Z'
const T2 = '2024-05-01T10:02:00Z'

function deployment(
  opts: {replicas?: number; labels?: Record<string, string>; image?: string} = {},
): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {name: 'nb', namespace: 'demo', labels: opts.labels ?? {app: 'nb'}},
    spec: {
      replicas: opts.replicas ?? 1,
      selector: {matchLabels: {app: 'nb'}},
      template: {
        metadata: {labels: {app: 'nb'}},
        spec: {
          containers: [{name: 'notebook', image: opts.image ?? 'jupyter:1', ports: [{containerPort: 8888}]}],
        },
      },
    },
  }
}

/** What the store would keep: the applied result with server metadata. */
function stored(obj: KObject): KObject {
  return {
    ...obj,
    metadata: {...obj.metadata, uid: 'u-1', resourceVersion: '7', creationTimestamp: T0, generation: 1},
  }
}

const apply = (
  live: KObject | undefined,
  applied: KObject,
  manager: string,
  now: string,
  force = false,
): KObject => serverSideApply({live, applied, manager, force, apiVersion: 'apps/v1', now}).object

function applyError(fn: () => unknown): ApiError {
  try {
    fn()
  } catch (e) {
    if (e instanceof ApiError) return e
    throw e
  }
  throw new Error('expected an ApiError')
}

const managers = (obj: KObject): string[] => (obj.metadata.managedFields ?? []).map(e => e.manager)

describe('serverSideApply', () => {
  it('creates the object when nothing is live, recording the FieldsV1 a real apiserver records', () => {
    const obj = apply(undefined, deployment(), 'kubectl', T0)
    expect(obj.metadata.name).toBe('nb')
    expect(obj.spec).toEqual(deployment().spec)
    expect(obj.metadata.managedFields).toEqual([
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: T0,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': {'f:labels': {'f:app': {}}},
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:template': {
              'f:metadata': {'f:labels': {'f:app': {}}},
              'f:spec': {
                'f:containers': {
                  'k:{"name":"notebook"}': {
                    '.': {},
                    'f:image': {},
                    'f:name': {},
                    'f:ports': {
                      'k:{"containerPort":8888,"protocol":"TCP"}': {'.': {}, 'f:containerPort': {}},
                    },
                  },
                },
              },
            },
          },
        },
      },
    ])
  })

  it('an unchanged re-apply returns an object deep-equal to live, time not bumped', () => {
    const live = stored(apply(undefined, deployment(), 'kubectl', T0))
    const again = apply(live, deployment(), 'kubectl', T1)
    expect(again).toEqual(live)
  })

  it('a second manager applying a different value gets a 409 naming the field', () => {
    const live = stored(apply(undefined, deployment({replicas: 1}), 'kubectl', T0))
    const err = applyError(() => apply(live, deployment({replicas: 3}), 'other', T1))
    expect(err.code).toBe(409)
    expect(err.reason).toBe('Conflict')
    expect(err.message).toBe('Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas')
    expect(err.details).toEqual({
      causes: [{reason: 'FieldManagerConflict', message: 'conflict with "kubectl"', field: '.spec.replicas'}],
    })
  })

  it('force moves ownership of the conflicting field to the applier', () => {
    const live = stored(apply(undefined, deployment({replicas: 1}), 'kubectl', T0))
    const obj = apply(live, deployment({replicas: 3}), 'other', T1, true)
    expect(obj.spec!).toMatchObject({replicas: 3})
    const [first, second] = obj.metadata.managedFields!
    expect([first.manager, first.time, second.manager, second.time]).toEqual(['kubectl', T0, 'other', T1])
    expect(fieldsOfEntry(first)).not.toContain('.spec.replicas')
    expect(fieldsOfEntry(second)).toContain('.spec.replicas')
    // both still own what they agree on
    expect(fieldsOfEntry(first)).toContain('.spec.template.spec.containers[name="notebook"].image')
    expect(fieldsOfEntry(second)).toContain('.spec.template.spec.containers[name="notebook"].image')
    // the former owner now conflicts in turn
    expect(applyError(() => apply(stored(obj), deployment({replicas: 1}), 'kubectl', T2)).message).toBe(
      'Apply failed with 1 conflict: conflict with "other": .spec.replicas',
    )
  })

  it('the same value from another manager is shared ownership, not a conflict', () => {
    const live = stored(apply(undefined, deployment(), 'kubectl', T0))
    const obj = apply(live, deployment(), 'other', T1)
    expect({...obj, metadata: {...obj.metadata, managedFields: undefined}}).toEqual({
      ...live,
      metadata: {...live.metadata, managedFields: undefined},
    })
    expect(managers(obj)).toEqual(['other', 'kubectl'])
    // the object did not change, so like the apiserver the new entry carries no time
    expect(obj.metadata.managedFields![0].time).toBeUndefined()
  })

  it('removes a label the manager applied before and no longer applies', () => {
    const live = stored(apply(undefined, deployment({labels: {app: 'nb', tier: 'web'}}), 'kubectl', T0))
    const obj = apply(live, deployment({labels: {app: 'nb'}}), 'kubectl', T1)
    expect(obj.metadata.labels).toEqual({app: 'nb'})
    expect(obj.metadata.managedFields![0].time).toBe(T1)
  })

  it('keeps a dropped field another manager also owns', () => {
    const live = stored(apply(undefined, deployment({labels: {app: 'nb', tier: 'web'}}), 'kubectl', T0))
    const shared = stored(apply(live, deployment({labels: {app: 'nb', tier: 'web'}}), 'other', T1))
    const obj = apply(shared, deployment({labels: {app: 'nb'}}), 'kubectl', T2)
    expect(obj.metadata.labels).toEqual({app: 'nb', tier: 'web'})
  })

  it('removes a container the manager no longer applies and empty objects left behind', () => {
    const two = deployment()
    ;(two.spec as any).template.spec.containers.push({
      name: 'sidecar',
      image: 'proxy',
      securityContext: {runAsNonRoot: true},
    })
    const live = stored(apply(undefined, two, 'kubectl', T0))
    const obj = apply(live, deployment(), 'kubectl', T1)
    expect((obj.spec as any).template.spec.containers.map((c: any) => c.name)).toEqual(['notebook'])
  })

  it('conflicts with an Update manager print its apiVersion', () => {
    const created = recordUpdate(
      undefined,
      deployment({replicas: 1}),
      'kubectl-client-side-apply',
      'Update',
      'apps/v1',
      T0,
    )
    const err = applyError(() => apply(stored(created), deployment({replicas: 2}), 'mgr', T1))
    expect(err.message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
    )
    expect((err.details as any).causes[0].message).toBe(
      'conflict with "kubectl-client-side-apply" using apps/v1',
    )
  })

  it('lists several conflicts grouped by manager', () => {
    const live = stored(apply(undefined, deployment({replicas: 1}), 'a', T0))
    const err = applyError(() => apply(live, deployment({replicas: 2, image: 'jupyter:2'}), 'b', T1))
    expect(err.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "a":\n' +
        '- .spec.replicas\n' +
        '- .spec.template.spec.containers[name="notebook"].image',
    )
    expect((err.details as any).causes.map((c: any) => c.field)).toEqual([
      '.spec.replicas',
      '.spec.template.spec.containers[name="notebook"].image',
    ])
  })

  it('lets "kubectl" take over fields from client-side apply when they match the last-applied annotation', () => {
    const csa = deployment({replicas: 1})
    csa.metadata.annotations = {[LAST_APPLIED_ANNOTATION]: JSON.stringify(deployment({replicas: 1})) + '\n'}
    const live = stored(recordUpdate(undefined, csa, 'kubectl-client-side-apply', 'Update', 'apps/v1', T0))
    const obj = apply(live, deployment({replicas: 2}), 'kubectl', T1)
    expect((obj.spec as any).replicas).toBe(2)
    expect(JSON.parse(obj.metadata.annotations![LAST_APPLIED_ANNOTATION])).toEqual(deployment({replicas: 2}))
    // another manager gets no such pass
    expect(applyError(() => apply(live, deployment({replicas: 2}), 'helm', T1)).code).toBe(409)
  })

  it('owns finalizers as a set and ownerReferences by uid', () => {
    const d = deployment()
    d.metadata.finalizers = ['example.com/x']
    d.metadata.ownerReferences = [{apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: 'u9'}]
    const fields = fieldsOf(d).toFieldsV1() as any
    expect(fields['f:metadata']['f:finalizers']).toEqual({'v:"example.com/x"': {}})
    expect(fields['f:metadata']['f:ownerReferences']).toEqual({'k:{"uid":"u9"}': {}})
  })

  it('ignores status and server-owned metadata on the main resource', () => {
    const live = stored(apply(undefined, deployment(), 'kubectl', T0))
    const withStatus = {
      ...stored(deployment()),
      status: {replicas: 5},
      metadata: {...stored(deployment()).metadata, uid: 'other'},
    }
    const obj = apply({...live, status: {replicas: 1}}, withStatus, 'kubectl', T1)
    expect(obj.status).toEqual({replicas: 1})
    expect(obj.metadata.uid).toBe('u-1')
    expect(JSON.stringify(obj.metadata.managedFields)).not.toContain('f:status')
  })

  it('applies status through the status subresource only', () => {
    const live = stored(apply(undefined, deployment(), 'kubectl', T0))
    const applied = {...deployment({replicas: 9}), status: {readyReplicas: 1}}
    const obj = serverSideApply({
      live,
      applied,
      manager: 'ctrl',
      force: false,
      apiVersion: 'apps/v1',
      now: T1,
      subresource: 'status',
    }).object
    expect((obj.spec as any).replicas).toBe(1)
    expect(obj.status).toEqual({readyReplicas: 1})
    const entry = obj.metadata.managedFields!.find(e => e.manager === 'ctrl')!
    expect(entry).toMatchObject({
      operation: 'Apply',
      subresource: 'status',
      fieldsV1: {'f:status': {'f:readyReplicas': {}}},
    })
  })

  it('validates the request like the apiserver', () => {
    expect(applyError(() => apply(undefined, deployment(), '', T0))).toMatchObject({
      code: 422,
      message:
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    })
    expect(
      applyError(() => apply(undefined, {...deployment(), apiVersion: 'apps/v1beta1'}, 'k', T0)),
    ).toMatchObject({
      code: 400,
      message: 'invalid object type: apps/v1beta1, Kind=Deployment',
    })
    const withMf = deployment()
    withMf.metadata.managedFields = []
    expect(applyError(() => apply(undefined, withMf, 'k', T0))).toMatchObject({
      code: 400,
      message: 'metadata.managedFields must be nil',
    })
  })

  it('rejects list items without their key or duplicated, naming the path', () => {
    const noName = deployment()
    ;(noName.spec as any).template.spec.containers = [{image: 'x'}]
    expect(applyError(() => apply(undefined, noName, 'k', T0)).message).toBe(
      'failed to create typed patch object (demo/nb; apps/v1, Kind=Deployment): .spec.template.spec.containers: ' +
        'element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)',
    )
    const dup = deployment()
    ;(dup.spec as any).template.spec.containers[0].env = [{name: 'A'}, {name: 'A'}]
    expect(applyError(() => apply(undefined, dup, 'k', T0)).message).toContain(
      '.spec.template.spec.containers[name="notebook"].env: duplicate entries for key [name="A"]',
    )
  })

  it('merges keyed lists, keeping items others added in place', () => {
    const live = stored(apply(undefined, deployment(), 'kubectl', T0))
    ;(live.spec as any).template.spec.containers[0].env = [{name: 'FROM_EDIT', value: '1'}]
    const applied = deployment({image: 'jupyter:2'})
    const obj = apply(live, applied, 'kubectl', T1)
    expect((obj.spec as any).template.spec.containers[0]).toEqual({
      name: 'notebook',
      image: 'jupyter:2',
      ports: [{containerPort: 8888}],
      env: [{name: 'FROM_EDIT', value: '1'}],
    })
  })
})

function fieldsOfEntry(e: {fieldsV1: Record<string, unknown>}): string[] {
  return collect(e.fieldsV1, '')
}

/** Human paths of a FieldsV1 tree's members (test helper). */
function collect(node: Record<string, unknown>, prefix: string): string[] {
  const out: string[] = []
  for (const [k, v] of Object.entries(node)) {
    if (k === '.') continue
    const seg = k.startsWith('f:')
      ? `.${k.slice(2)}`
      : k.startsWith('k:')
        ? keySeg(k.slice(2))
        : `[=${k.slice(2)}]`
    const child = v as Record<string, unknown>
    if (Object.keys(child).length === 0 || '.' in child) out.push(prefix + seg)
    out.push(...collect(child, prefix + seg))
  }
  return out
}

function keySeg(json: string): string {
  return `[${Object.entries(JSON.parse(json) as Record<string, unknown>)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',')}]`
}

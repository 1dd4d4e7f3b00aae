import {describe, expect, it} from 'vitest'
import type {KObject} from '../types.js'
import {defaultFieldManager, recordUpdate, serverSideApply, sortManagedFields} from './index.js'

const T0 = '2024-05-01T10:00:00Z'
const T1 = '2024-05-01T10:01:00Z'
const T2 = '2024-05-01T10:02:00Z'

const configMap = (data: Record<string, string>): KObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {name: 'cm', namespace: 'demo'},
  data,
})

const deployment = (image = 'jupyter:1'): KObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {name: 'nb', namespace: 'demo', labels: {app: 'nb'}},
  spec: {
    replicas: 1,
    selector: {matchLabels: {app: 'nb'}},
    template: {metadata: {labels: {app: 'nb'}}, spec: {containers: [{name: 'notebook', image}]}},
  },
})

const update = (
  live: KObject | undefined,
  updated: KObject,
  manager: string,
  now: string,
  apiVersion = 'v1',
  sub?: string,
) => recordUpdate(live, updated, manager, 'Update', apiVersion, now, sub)

describe('recordUpdate', () => {
  it('gives a created object to its creator, "." marking the maps the create added', () => {
    const obj = update(undefined, configMap({a: '1'}), 'kubectl-create', T0)
    expect(obj.metadata.managedFields).toEqual([
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'v1',
        time: T0,
        fieldsType: 'FieldsV1',
        fieldsV1: {'f:data': {'.': {}, 'f:a': {}}},
      },
    ])
  })

  it('records a Deployment create like the apiserver: no "." on fields the type always has', () => {
    const obj = update(undefined, deployment(), 'kubectl-create', T0, 'apps/v1')
    expect(obj.metadata.managedFields![0].fieldsV1).toEqual({
      'f:metadata': {'f:labels': {'.': {}, 'f:app': {}}},
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {
          'f:metadata': {'f:labels': {'.': {}, 'f:app': {}}},
          'f:spec': {'f:containers': {'k:{"name":"notebook"}': {'.': {}, 'f:image': {}, 'f:name': {}}}},
        },
      },
    })
  })

  it('moves changed fields to the updater and keeps the rest with the creator', () => {
    const created = update(undefined, deployment(), 'kubectl-create', T0, 'apps/v1')
    const edited = update(
      created,
      {...deployment('jupyter:2'), metadata: created.metadata},
      'kubectl-edit',
      T1,
      'apps/v1',
    )
    const [creator, editor] = edited.metadata.managedFields!
    expect(creator.manager).toBe('kubectl-create')
    expect(creator.time).toBe(T0)
    expect(JSON.stringify(creator.fieldsV1)).not.toContain('f:image')
    expect(editor).toEqual({
      manager: 'kubectl-edit',
      operation: 'Update',
      apiVersion: 'apps/v1',
      time: T1,
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:spec': {'f:template': {'f:spec': {'f:containers': {'k:{"name":"notebook"}': {'f:image': {}}}}}},
      },
    })
  })

  it('an update that changes nothing leaves managedFields as they were', () => {
    const created = update(undefined, configMap({a: '1'}), 'kubectl-create', T0)
    const same = update(created, configMap({a: '1'}), 'kubectl-replace', T1)
    expect(same.metadata.managedFields).toEqual(created.metadata.managedFields)
  })

  it('a removal takes the field from every manager and gives the remover nothing', () => {
    const created = update(undefined, configMap({a: '1', b: '2'}), 'kubectl-create', T0)
    const removed = update(created, configMap({a: '1'}), 'kubectl-edit', T1)
    expect(removed.metadata.managedFields!.map(e => [e.manager, e.fieldsV1])).toEqual([
      ['kubectl-create', {'f:data': {'.': {}, 'f:a': {}}}],
    ])
  })

  it('keeps the "." of a map with its creator when another manager changes its content', () => {
    const created = update(undefined, configMap({a: '1'}), 'kubectl-create', T0)
    const taken = update(created, configMap({a: '2'}), 'kubectl-patch', T1)
    expect(taken.metadata.managedFields!.map(e => [e.manager, e.fieldsV1])).toEqual([
      ['kubectl-create', {'f:data': {}}],
      ['kubectl-patch', {'f:data': {'f:a': {}}}],
    ])
  })

  it('drops a manager whose fields were all taken over', () => {
    const applied = serverSideApply({
      applied: configMap({a: '1'}),
      manager: 'applier',
      force: false,
      apiVersion: 'v1',
      now: T0,
    }).object
    const taken = update(applied, configMap({a: '2'}), 'kubectl-patch', T1)
    expect(taken.metadata.managedFields!.map(e => e.manager)).toEqual(['kubectl-patch'])
  })

  it('keeps one Update entry per manager and apiVersion, stamping the time of its last change', () => {
    const created = update(undefined, configMap({a: '1'}), 'm', T0)
    const again = update(created, configMap({a: '1', b: '2'}), 'm', T1)
    expect(again.metadata.managedFields).toHaveLength(1)
    expect(again.metadata.managedFields![0]).toMatchObject({
      time: T1,
      fieldsV1: {'f:data': {'.': {}, 'f:a': {}, 'f:b': {}}},
    })
  })

  it('sorts Apply entries before Update entries, then by time and manager', () => {
    const created = update(undefined, deployment(), 'kubectl-create', T0, 'apps/v1')
    const applied = serverSideApply({
      live: created,
      applied: deployment('jupyter:3'),
      manager: 'kubectl',
      force: true,
      apiVersion: 'apps/v1',
      now: T1,
    }).object
    const scaled = update(
      applied,
      {...applied, spec: {...(applied.spec as object), replicas: 2}},
      'kubectl-scale',
      T2,
      'apps/v1',
    )
    expect(scaled.metadata.managedFields!.map(e => `${e.operation}:${e.manager}`)).toEqual([
      'Apply:kubectl',
      'Update:kubectl-create',
      'Update:kubectl-scale',
    ])
    expect(
      sortManagedFields([
        {manager: 'b', operation: 'Update', apiVersion: 'v1', time: T1, fieldsType: 'FieldsV1', fieldsV1: {}},
        {manager: 'a', operation: 'Update', apiVersion: 'v1', time: T1, fieldsType: 'FieldsV1', fieldsV1: {}},
        {manager: 'z', operation: 'Apply', apiVersion: 'v1', time: T2, fieldsType: 'FieldsV1', fieldsV1: {}},
        {manager: 'c', operation: 'Update', apiVersion: 'v1', time: T0, fieldsType: 'FieldsV1', fieldsV1: {}},
      ]).map(e => e.manager),
    ).toEqual(['z', 'c', 'a', 'b'])
  })

  it('does not record status through the main resource, and records it under the status subresource', () => {
    const created = update(undefined, configMap({a: '1'}), 'kubectl-create', T0)
    const main = update(created, {...created, status: {phase: 'x'}}, 'someone', T1)
    expect(main.metadata.managedFields!.map(e => e.manager)).toEqual(['kubectl-create'])
    const viaStatus = update(created, {...created, status: {phase: 'x'}}, 'controller', T1, 'v1', 'status')
    expect(viaStatus.metadata.managedFields![1]).toEqual({
      manager: 'controller',
      operation: 'Update',
      apiVersion: 'v1',
      time: T1,
      fieldsType: 'FieldsV1',
      fieldsV1: {'f:status': {'.': {}, 'f:phase': {}}},
      subresource: 'status',
    })
  })

  it('never records server-owned metadata', () => {
    const created = update(undefined, configMap({a: '1'}), 'c', T0)
    const bumped = update(
      created,
      {...created, metadata: {...created.metadata, resourceVersion: '9', uid: 'x', generation: 3}},
      'd',
      T1,
    )
    expect(bumped.metadata.managedFields!.map(e => e.manager)).toEqual(['c'])
  })

  it('honours managedFields a client writes (kubectl moving client-side apply ownership) and [{}] clearing them', () => {
    const created = update(undefined, configMap({a: '1'}), 'kubectl-client-side-apply', T0)
    const moved = [{...created.metadata.managedFields![0], manager: 'kubectl', operation: 'Apply' as const}]
    const rewritten = update(
      created,
      {...created, metadata: {...created.metadata, managedFields: moved}},
      'kubectl',
      T1,
    )
    expect(rewritten.metadata.managedFields).toEqual(moved)
    const cleared = update(
      created,
      {...created, metadata: {...created.metadata, managedFields: [{} as any]}},
      'x',
      T1,
    )
    expect(cleared.metadata.managedFields).toBeUndefined()
    // an update that sends no managedFields keeps the live ones
    const untouched = update(
      created,
      {...created, metadata: {...created.metadata, managedFields: undefined}},
      'x',
      T1,
    )
    expect(untouched.metadata.managedFields).toEqual(created.metadata.managedFields)
  })

  it('records finalizers as a set with "."', () => {
    const created = update(undefined, configMap({a: '1'}), 'c', T0)
    const fin = update(
      created,
      {...created, metadata: {...created.metadata, finalizers: ['example.com/f']}},
      'f',
      T1,
    )
    expect(fin.metadata.managedFields![1].fieldsV1).toEqual({
      'f:metadata': {'f:finalizers': {'.': {}, 'v:"example.com/f"': {}}},
    })
  })
})

describe('defaultFieldManager', () => {
  it('takes the user agent up to its first slash', () => {
    expect(defaultFieldManager('kubectl/v1.31.0 (linux/amd64) kubernetes/abc')).toBe('kubectl')
    expect(defaultFieldManager('node-fetch')).toBe('node-fetch')
    expect(defaultFieldManager('x'.repeat(200))).toHaveLength(128)
  })
})

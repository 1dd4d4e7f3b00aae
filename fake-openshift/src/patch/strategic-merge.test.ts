import {describe, expect, it} from 'vitest'
import {ApiError} from '../types.js'
import {applyStrategicMergePatch, strategicMergeSupported} from './index.js'

const deployment = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {name: 'nb', labels: {app: 'nb'}, finalizers: ['a', 'b']},
  spec: {
    replicas: 1,
    template: {
      metadata: {labels: {app: 'nb'}},
      spec: {
        containers: [
          {
            name: 'notebook',
            image: 'jupyter:1',
            args: ['--a'],
            env: [
              {name: 'A', value: '1'},
              {name: 'B', value: '2'},
            ],
            ports: [{containerPort: 8888, protocol: 'TCP'}],
            volumeMounts: [{name: 'data', mountPath: '/home/jovyan'}],
          },
          {name: 'sidecar', image: 'proxy:1'},
        ],
        volumes: [{name: 'data', persistentVolumeClaim: {claimName: 'nb'}}],
        tolerations: [{key: 'x', operator: 'Exists'}],
      },
    },
  },
})

const smp = (doc: unknown, patch: unknown, kind = 'Deployment'): any =>
  applyStrategicMergePatch(doc, patch, kind)

describe('applyStrategicMergePatch', () => {
  it('merges containers by name and their env by name, keeping the other items', () => {
    const out = smp(deployment(), {
      spec: {
        template: {
          spec: {containers: [{name: 'notebook', image: 'jupyter:2', env: [{name: 'B', value: '3'}]}]},
        },
      },
    })
    const [nb, sidecar] = out.spec.template.spec.containers
    expect(nb.image).toBe('jupyter:2')
    expect(nb.env).toEqual([
      {name: 'A', value: '1'},
      {name: 'B', value: '3'},
    ])
    expect(nb.args).toEqual(['--a'])
    expect(sidecar).toEqual({name: 'sidecar', image: 'proxy:1'})
  })

  it('puts new items before server-only ones, as the library does without $setElementOrder', () => {
    const out = smp(deployment(), {spec: {template: {spec: {containers: [{name: 'extra', image: 'x'}]}}}})
    expect(out.spec.template.spec.containers.map((c: any) => c.name)).toEqual([
      'extra',
      'notebook',
      'sidecar',
    ])
  })

  it('orders by $setElementOrder when kubectl sends it', () => {
    const out = smp(deployment(), {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{name: 'notebook'}, {name: 'sidecar'}, {name: 'extra'}],
            containers: [{name: 'extra', image: 'x'}],
          },
        },
      },
    })
    expect(out.spec.template.spec.containers.map((c: any) => c.name)).toEqual([
      'notebook',
      'sidecar',
      'extra',
    ])
    expect(Object.keys(out.spec.template.spec)).not.toContain('$setElementOrder/containers')
  })

  it('merges volumes by name and volumeMounts by mountPath, ports by containerPort', () => {
    const out = smp(deployment(), {
      spec: {
        template: {
          spec: {
            volumes: [{name: 'data', persistentVolumeClaim: {readOnly: true}}],
            containers: [
              {
                name: 'notebook',
                volumeMounts: [{mountPath: '/home/jovyan', subPath: 'x'}],
                ports: [{containerPort: 8888, name: 'http'}],
              },
            ],
          },
        },
      },
    })
    expect(out.spec.template.spec.volumes).toEqual([
      {name: 'data', persistentVolumeClaim: {claimName: 'nb', readOnly: true}},
    ])
    const nb = out.spec.template.spec.containers[0]
    expect(nb.volumeMounts).toEqual([{name: 'data', mountPath: '/home/jovyan', subPath: 'x'}])
    expect(nb.ports).toEqual([{containerPort: 8888, protocol: 'TCP', name: 'http'}])
  })

  it('replaces lists without a merge key (args, tolerations)', () => {
    const out = smp(deployment(), {
      spec: {template: {spec: {tolerations: [], containers: [{name: 'notebook', args: ['--b']}]}}},
    })
    expect(out.spec.template.spec.tolerations).toEqual([])
    expect(out.spec.template.spec.containers[0].args).toEqual(['--b'])
  })

  it('deletes a list item with $patch: delete and a field with null', () => {
    const out = smp(deployment(), {
      spec: {
        replicas: null,
        template: {
          spec: {
            containers: [
              {name: 'sidecar', $patch: 'delete'},
              {name: 'notebook', env: [{name: 'A', $patch: 'delete'}]},
            ],
          },
        },
      },
    })
    expect(out.spec.replicas).toBeUndefined()
    expect(out.spec.template.spec.containers).toHaveLength(1)
    expect(out.spec.template.spec.containers[0].env).toEqual([{name: 'B', value: '2'}])
  })

  it('replaces a whole object or list with $patch: replace', () => {
    const out = smp(deployment(), {
      metadata: {labels: {$patch: 'replace', only: 'this'}},
      spec: {template: {spec: {containers: [{$patch: 'replace'}, {name: 'solo', image: 's'}]}}},
    })
    expect(out.metadata.labels).toEqual({only: 'this'})
    expect(out.spec.template.spec.containers).toEqual([{name: 'solo', image: 's'}])
  })

  it('$patch: delete on an object removes its content', () => {
    expect(
      smp(deployment(), {spec: {template: {metadata: {$patch: 'delete'}}}}).spec.template.metadata,
    ).toEqual({})
  })

  it('accepts $patch: merge as the default it is', () => {
    expect(smp(deployment(), {metadata: {labels: {$patch: 'merge', x: 'y'}}}).metadata.labels).toEqual({
      app: 'nb',
      x: 'y',
    })
  })

  it('merges finalizers as a set and removes them with $deleteFromPrimitiveList', () => {
    expect(smp(deployment(), {metadata: {finalizers: ['b', 'c']}}).metadata.finalizers).toEqual([
      'a',
      'b',
      'c',
    ])
    // an item the server does not know yet goes first (mergeSortedSlice), duplicates collapse
    expect(smp(deployment(), {metadata: {finalizers: ['c', 'a']}}).metadata.finalizers).toEqual([
      'c',
      'a',
      'b',
    ])
    expect(
      smp(deployment(), {metadata: {'$deleteFromPrimitiveList/finalizers': ['a']}}).metadata.finalizers,
    ).toEqual(['b'])
  })

  it('honours $retainKeys (a Deployment strategy switching type)', () => {
    const doc = {...deployment(), spec: {strategy: {type: 'RollingUpdate', rollingUpdate: {maxSurge: 1}}}}
    const out = smp(doc, {spec: {strategy: {$retainKeys: ['type'], type: 'Recreate'}}})
    expect(out.spec.strategy).toEqual({type: 'Recreate'})
  })

  it('rejects $retainKeys that do not cover the patch with 400', () => {
    expect(() => smp(deployment(), {spec: {$retainKeys: ['x'], replicas: 2}})).toThrow(
      expect.objectContaining({code: 400, message: 'invalid patch format of retainKeys'}),
    )
  })

  it('merges pod conditions by type and ownerReferences by uid', () => {
    const pod = {
      kind: 'Pod',
      metadata: {ownerReferences: [{uid: 'u1', name: 'rs'}]},
      status: {conditions: [{type: 'Ready', status: 'False'}]},
    }
    const out = smp(
      pod,
      {
        metadata: {ownerReferences: [{uid: 'u2', name: 'other'}]},
        status: {conditions: [{type: 'Ready', status: 'True'}]},
      },
      'Pod',
    )
    expect(out.status.conditions).toEqual([{type: 'Ready', status: 'True'}])
    expect(out.metadata.ownerReferences.map((o: any) => o.uid)).toEqual(['u2', 'u1'])
  })

  it('merges Service ports by port and imagePullSecrets by name', () => {
    const svc = {kind: 'Service', spec: {ports: [{port: 80, targetPort: 8080}]}}
    expect(smp(svc, {spec: {ports: [{port: 80, name: 'http'}]}}, 'Service').spec.ports).toEqual([
      {port: 80, targetPort: 8080, name: 'http'},
    ])
    const pod = {kind: 'Pod', spec: {imagePullSecrets: [{name: 'a'}]}}
    expect(smp(pod, {spec: {imagePullSecrets: [{name: 'b'}]}}, 'Pod').spec.imagePullSecrets).toEqual([
      {name: 'b'},
      {name: 'a'},
    ])
  })

  it('strips directives and nulls from values added whole', () => {
    const out = smp(
      {kind: 'Pod', spec: {}},
      {spec: {containers: [{name: 'a', image: null, env: [{name: 'X', $patch: 'delete'}]}]}},
      'Pod',
    )
    expect(out.spec.containers).toEqual([{name: 'a', env: []}])
  })

  it('requires the merge key in merged list items', () => {
    expect(() => smp(deployment(), {spec: {template: {spec: {containers: [{image: 'x'}]}}}})).toThrow(
      expect.objectContaining({
        code: 500,
        message: 'map: map[image:x] does not contain declared merge key: name',
      }),
    )
  })

  it('answers 415 for kinds without Go types (SCC is a CRD) and knows which kinds support it', () => {
    expect(strategicMergeSupported('Deployment')).toBe(true)
    expect(strategicMergeSupported('DeploymentConfig')).toBe(true)
    expect(strategicMergeSupported('SecurityContextConstraints')).toBe(false)
    let err: unknown
    try {
      smp({}, {}, 'SecurityContextConstraints')
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({code: 415, reason: 'UnsupportedMediaType'})
  })

  it('rejects a patch that is not an object with 400 and ignores a null one', () => {
    expect(() => smp({}, [])).toThrow(expect.objectContaining({code: 400}))
    expect(smp({a: 1}, null)).toEqual({a: 1})
  })

  it('does not modify its inputs', () => {
    const doc = deployment()
    const patch = {spec: {template: {spec: {containers: [{name: 'notebook', image: 'j:3'}]}}}}
    const before = JSON.stringify([doc, patch])
    smp(doc, patch)
    expect(JSON.stringify([doc, patch])).toBe(before)
  })
})

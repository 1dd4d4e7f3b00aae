import {describe, expect, it} from 'vitest'
import {FieldSet, pathString} from './index.js'

describe('FieldSet and FieldsV1', () => {
  const fieldsV1 = {
    'f:metadata': {'f:labels': {'.': {}, 'f:app': {}}},
    'f:spec': {
      'f:replicas': {},
      'f:template': {
        'f:spec': {
          'f:containers': {
            'k:{"name":"notebook"}': {
              '.': {},
              'f:image': {},
              'f:ports': {'k:{"containerPort":8888,"protocol":"TCP"}': {'.': {}, 'f:containerPort': {}}},
            },
          },
        },
      },
    },
    'f:metadata2': {'v:"x"': {}},
  }

  it('round-trips FieldsV1, members with children keeping their "."', () => {
    const set = FieldSet.fromFieldsV1(fieldsV1)
    expect(set.has(['f:metadata', 'f:labels'])).toBe(true)
    expect(set.has(['f:metadata'])).toBe(false)
    expect(set.has(['f:spec', 'f:replicas'])).toBe(true)
    expect(set.toFieldsV1()).toEqual(fieldsV1)
  })

  it('serializes "." first, then field names, keys and values in order', () => {
    const set = new FieldSet([['k:{"name":"b"}'], ['f:z'], ['v:"a"'], ['f:a'], ['k:{"name":"a"}', 'f:x']])
    expect(Object.keys(set.toFieldsV1())).toEqual(['f:a', 'f:z', 'k:{"name":"a"}', 'k:{"name":"b"}', 'v:"a"'])
  })

  it('prints paths as the apiserver does in conflict messages', () => {
    expect(pathString(['f:spec', 'f:replicas'])).toBe('.spec.replicas')
    expect(pathString(['f:spec', 'f:containers', 'k:{"name":"app"}', 'f:image'])).toBe(
      '.spec.containers[name="app"].image',
    )
    expect(pathString(['f:ports', 'k:{"containerPort":8080,"protocol":"TCP"}'])).toBe(
      '.ports[containerPort=8080,protocol="TCP"]',
    )
    expect(pathString(['f:metadata', 'f:finalizers', 'v:"a/b"'])).toBe('.metadata.finalizers[="a/b"]')
    expect(pathString(['f:metadata', 'f:labels', 'f:app.kubernetes.io/name'])).toBe(
      '.metadata.labels.app.kubernetes.io/name',
    )
  })

  it('iterates members before subtrees, like Set.Iterate', () => {
    const set = new FieldSet([
      ['f:spec', 'f:template', 'f:x'],
      ['f:spec', 'f:replicas'],
      ['f:metadata', 'f:labels', 'f:a'],
    ])
    expect(set.sorted()).toEqual([
      ['f:metadata', 'f:labels', 'f:a'],
      ['f:spec', 'f:replicas'],
      ['f:spec', 'f:template', 'f:x'],
    ])
  })

  it('supports set algebra and rejects malformed FieldsV1', () => {
    const a = new FieldSet([['f:a'], ['f:b']])
    const b = new FieldSet([['f:b'], ['f:c']])
    expect(a.union(b).size).toBe(3)
    expect(a.difference(b).paths()).toEqual([['f:a']])
    expect(a.intersection(b).paths()).toEqual([['f:b']])
    expect(new FieldSet([['f:a', 'f:b']]).hasDescendant(['f:a'])).toBe(true)
    expect(() => FieldSet.fromFieldsV1({'x:bad': {}})).toThrow()
    expect(() => FieldSet.fromFieldsV1({'f:a': 1})).toThrow()
  })
})

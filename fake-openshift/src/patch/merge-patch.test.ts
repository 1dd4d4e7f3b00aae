import {describe, expect, it} from 'vitest'
import {ApiError} from '../types.js'
import {applyMergePatch} from './index.js'

describe('applyMergePatch', () => {
  it('merges objects recursively and deletes keys set to null', () => {
    const doc = {metadata: {labels: {app: 'x', tier: 'web'}}, spec: {replicas: 1}}
    const out = applyMergePatch(doc, {metadata: {labels: {tier: null, env: 'prod'}}, spec: {replicas: 2}})
    expect(out).toEqual({metadata: {labels: {app: 'x', env: 'prod'}}, spec: {replicas: 2}})
    expect(doc.metadata.labels.tier).toBe('web')
  })

  it('replaces arrays whole', () => {
    const out = applyMergePatch(
      {spec: {containers: [{name: 'a'}, {name: 'b'}]}},
      {spec: {containers: [{name: 'c'}]}},
    )
    expect(out).toEqual({spec: {containers: [{name: 'c'}]}})
  })

  it('prunes nulls inside a value it adds whole, but keeps null array elements', () => {
    expect(applyMergePatch({}, {a: {b: null, c: 1}, d: [null, {e: null}]})).toEqual({
      a: {c: 1},
      d: [null, {}],
    })
  })

  it('replaces a scalar by an object', () => {
    expect(applyMergePatch({a: 1}, {a: {b: 2}})).toEqual({a: {b: 2}})
  })

  it('rejects a patch that is not an object with 400 "Invalid JSON Patch"', () => {
    for (const patch of [null, [], 'x', 3]) {
      let err: unknown
      try {
        applyMergePatch({}, patch)
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(ApiError)
      expect(err).toMatchObject({code: 400, reason: 'BadRequest', message: 'Invalid JSON Patch'})
    }
  })
})

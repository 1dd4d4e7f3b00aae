import {describe, expect, it} from 'vitest'
import {ApiError} from '../types.js'
import {PatchApplyError, applyJsonPatch} from './index.js'

/** The library message behind a 422, or the thrown error's message. */
function failure(
  doc: unknown,
  ops: unknown,
): {code: number; reason: string; message: string; detail?: string} {
  try {
    applyJsonPatch(doc, ops)
  } catch (e) {
    if (!(e instanceof ApiError)) throw e
    return {
      code: e.code,
      reason: e.reason,
      message: e.message,
      detail: e instanceof PatchApplyError ? e.detail : undefined,
    }
  }
  throw new Error('expected the patch to fail')
}

describe('applyJsonPatch', () => {
  const doc = {metadata: {name: 'a', labels: {app: 'x'}}, spec: {replicas: 1, list: ['a', 'b', 'c']}}

  it('adds, replaces and removes object members without touching the input', () => {
    const out = applyJsonPatch(doc, [
      {op: 'add', path: '/metadata/labels/tier', value: 'web'},
      {op: 'replace', path: '/spec/replicas', value: 3},
      {op: 'remove', path: '/metadata/labels/app'},
    ])
    expect(out).toEqual({
      metadata: {name: 'a', labels: {tier: 'web'}},
      spec: {replicas: 3, list: ['a', 'b', 'c']},
    })
    expect(doc.spec.replicas).toBe(1)
  })

  it('inserts into arrays by index, appends with "-", counts negative indices from the end', () => {
    const out = applyJsonPatch(doc, [
      {op: 'add', path: '/spec/list/1', value: 'x'},
      {op: 'add', path: '/spec/list/-', value: 'z'},
      {op: 'remove', path: '/spec/list/-1'},
      {op: 'add', path: '/spec/list/4', value: 'end'},
    ]) as any
    expect(out.spec.list).toEqual(['a', 'x', 'b', 'c', 'end'])
  })

  it('unescapes ~1 and ~0 in pointers', () => {
    const out = applyJsonPatch({metadata: {annotations: {}}}, [
      {op: 'add', path: '/metadata/annotations/example.com~1a~0b', value: 'v'},
    ])
    expect(out).toEqual({metadata: {annotations: {'example.com/a~b': 'v'}}})
  })

  it('moves and copies values', () => {
    const out = applyJsonPatch({a: {x: 1}, b: {}}, [
      {op: 'copy', from: '/a/x', path: '/b/y'},
      {op: 'move', from: '/a', path: '/c'},
    ])
    expect(out).toEqual({b: {y: 1}, c: {x: 1}})
  })

  it('passes a matching test and replaces the whole document at ""', () => {
    const out = applyJsonPatch(doc, [
      {op: 'test', path: '/spec/list', value: ['a', 'b', 'c']},
      {op: 'test', path: '/metadata/missing', value: null},
      {op: 'replace', path: '', value: {fresh: true}},
    ])
    expect(out).toEqual({fresh: true})
  })

  it('keeps the library quirks clients rely on: replace of a missing key adds it, add without value adds null', () => {
    expect(applyJsonPatch({a: {}}, [{op: 'replace', path: '/a/b', value: 1}])).toEqual({a: {b: 1}})
    expect(applyJsonPatch({a: {}}, [{op: 'add', path: '/a/b'}])).toEqual({a: {b: null}})
  })

  it('a failed test is a 422 with the apiserver message and the library detail', () => {
    const f = failure(doc, [{op: 'test', path: '/spec/replicas', value: 2}])
    expect(f).toEqual({
      code: 422,
      reason: 'Invalid',
      message: 'the server rejected our request due to an error in our request',
      detail: 'testing value /spec/replicas failed: test failed',
    })
  })

  it('a test of a missing member fails', () => {
    expect(failure(doc, [{op: 'test', path: '/spec/nope', value: 1}]).detail).toBe(
      'testing value /spec/nope failed: test failed',
    )
  })

  it('reports operations that do not apply in the library wording', () => {
    expect(failure(doc, [{op: 'add', path: '/nope/x', value: 1}]).detail).toBe(
      'add operation does not apply: doc is missing path: "/nope/x": missing value',
    )
    expect(failure(doc, [{op: 'remove', path: '/spec/nope'}]).detail).toBe(
      "error in remove for path: '/spec/nope': Unable to remove nonexistent key: nope: missing value",
    )
    expect(failure(doc, [{op: 'replace', path: '/spec/list/7', value: 1}]).detail).toBe(
      'replace operation does not apply: doc is missing key: /spec/list/7: missing value',
    )
    expect(failure(doc, [{op: 'add', path: '/spec/list/9', value: 1}]).detail).toBe(
      "error in add for path: '/spec/list/9': Unable to access invalid index: 9: invalid index referenced",
    )
    expect(failure(doc, [{op: 'add', path: '/spec/list/x', value: 1}]).detail).toBe(
      `error in add for path: '/spec/list/x': value was not a proper array index: 'x': strconv.Atoi: parsing "x": invalid syntax`,
    )
    expect(failure(doc, [{op: 'move', from: '/spec/nope', path: '/x'}]).detail).toBe(
      "error in move for path: 'nope': Unable to remove nonexistent key: nope: missing value",
    )
    expect(failure(doc, [{op: 'frobnicate', path: '/x'}]).detail).toBe('Unexpected kind: frobnicate')
    expect(failure(doc, [{op: 'replace', value: 1}]).detail).toBe(
      'replace operation failed to decode path: operation missing path field: missing value',
    )
  })

  it('applies all or nothing: an error leaves the input as it was', () => {
    const input = {a: 1}
    expect(() =>
      applyJsonPatch(input, [
        {op: 'add', path: '/b', value: 2},
        {op: 'test', path: '/a', value: 2},
      ]),
    ).toThrow(PatchApplyError)
    expect(input).toEqual({a: 1})
  })

  it('rejects a body that is not a list of operations with 400', () => {
    expect(failure(doc, {op: 'add'})).toMatchObject({
      code: 400,
      reason: 'BadRequest',
      message: 'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
    })
    expect(failure(doc, ['add'])).toMatchObject({
      code: 400,
      message: 'json: cannot unmarshal string into Go value of type jsonpatch.Operation',
    })
  })

  it('treats a null body as an empty patch and limits the number of operations', () => {
    expect(applyJsonPatch({a: 1}, null)).toEqual({a: 1})
    const ops = Array.from({length: 10001}, () => ({op: 'test', path: '/a', value: 1}))
    expect(failure({a: 1}, ops)).toMatchObject({code: 413, reason: 'RequestEntityTooLarge'})
  })

  it('serializes a 422 as the apiserver does: fixed message, empty details', () => {
    try {
      applyJsonPatch(doc, [{op: 'test', path: '/spec/replicas', value: 5}])
    } catch (e) {
      expect((e as ApiError).toStatus()).toEqual({
        apiVersion: 'v1',
        kind: 'Status',
        metadata: {},
        status: 'Failure',
        message: 'the server rejected our request due to an error in our request',
        reason: 'Invalid',
        details: {},
        code: 422,
      })
    }
  })
})

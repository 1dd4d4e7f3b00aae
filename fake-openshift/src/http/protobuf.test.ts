import {describe, expect, it} from 'vitest'

import {decodeProtobufObject, ProtobufError} from './protobuf.js'

// a minimal protobuf writer, to build what kubectl >= 1.32 sends
const varint = (n: number): Buffer => {
  const out: number[] = []
  let v = BigInt.asUintN(64, BigInt(n))
  do {
    let byte = Number(v & 0x7fn)
    v >>= 7n
    if (v) byte |= 0x80
    out.push(byte)
  } while (v)
  return Buffer.from(out)
}
const field = (num: number, value: Buffer | string | number | boolean): Buffer => {
  if (typeof value === 'number' || typeof value === 'boolean')
    return Buffer.concat([varint(num << 3), varint(Number(value))])
  const bytes = Buffer.isBuffer(value) ? value : Buffer.from(value)
  return Buffer.concat([varint((num << 3) | 2), varint(bytes.length), bytes])
}
const msg = (...fields: Buffer[]) => Buffer.concat(fields)
const envelope = (apiVersion: string, kind: string, raw: Buffer) =>
  Buffer.concat([
    Buffer.from('k8s\0', 'latin1'),
    msg(field(1, msg(field(1, apiVersion), field(2, kind))), field(2, raw)),
  ])

describe('protobuf request bodies', () => {
  it('decodes a Secret as its JSON form (bytes as base64, empty strings omitted, zero time null)', () => {
    const meta = msg(
      field(1, 'pw'),
      field(2, ''),
      field(8, Buffer.alloc(0)),
      field(11, msg(field(1, 'app'), field(2, 'nb'))),
    )
    const raw = msg(
      field(1, meta),
      field(2, msg(field(1, 'password'), field(2, Buffer.from('s3cret')))),
      field(3, 'Opaque'),
    )
    expect(decodeProtobufObject(envelope('v1', 'Secret', raw))).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {name: 'pw', creationTimestamp: null, labels: {app: 'nb'}},
      data: {password: Buffer.from('s3cret').toString('base64')},
      type: 'Opaque',
    })
  })

  it('keeps a deliberate zero in pointer fields (replicas: 0)', () => {
    const raw = msg(field(1, msg(field(1, 'd'))), field(2, msg(field(1, 0))))
    expect(decodeProtobufObject(envelope('apps/v1', 'Deployment', raw)).spec).toEqual({replicas: 0})
  })

  it('decodes a SelfSubjectAccessReview', () => {
    const attrs = msg(field(1, 'myproject'), field(2, 'create'), field(3, ''), field(5, 'pods'))
    const raw = msg(field(1, Buffer.alloc(0)), field(2, msg(field(1, attrs))), field(3, msg(field(1, false))))
    expect(
      decodeProtobufObject(envelope('authorization.k8s.io/v1', 'SelfSubjectAccessReview', raw)).spec,
    ).toEqual({
      resourceAttributes: {namespace: 'myproject', verb: 'create', resource: 'pods'},
    })
  })

  it('refuses what it does not know, by name, instead of dropping it', () => {
    expect(() => decodeProtobufObject(Buffer.from('{}'))).toThrow(ProtobufError)
    expect(() => decodeProtobufObject(envelope('v1', 'Service', Buffer.alloc(0)))).toThrow(
      'decoding protobuf v1 Service is not supported by the fake server',
    )
    expect(() => decodeProtobufObject(envelope('v1', 'ConfigMap', field(99, 'x')))).toThrow(
      "field 99 of the object is not known to the fake server's protobuf decoder",
    )
  })
})

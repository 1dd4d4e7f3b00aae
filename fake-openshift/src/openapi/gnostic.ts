/**
 * Protobuf encoding of an OpenAPI v2 document as kubectl reads `/openapi/v2`
 * (`Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf`): the `openapi.v2.Document`
 * message of github.com/google/gnostic-models openapiv2/OpenAPIv2.proto, for the fields kubectl's
 * schema parser (k8s.io/kube-openapi pkg/util/proto) reads — swagger, info, definitions, and per schema
 * $ref, format, title, required, additionalProperties, type, items, allOf, properties and the `x-`
 * vendor extensions (their values as YAML, here JSON, which YAML reads). Descriptions, defaults, enums
 * and numeric bounds are not sent: the parser does not use them for validation.
 */

type Json = Record<string, any>

class Writer {
  private readonly parts: Buffer[] = []

  private varint(n: number): void {
    const bytes: number[] = []
    let v = n
    while (v > 0x7f) {
      bytes.push((v & 0x7f) | 0x80)
      v = Math.floor(v / 128)
    }
    bytes.push(v)
    this.parts.push(Buffer.from(bytes))
  }

  private tag(field: number, wire: number): void {
    this.varint(field * 8 + wire)
  }

  bytes(field: number, b: Buffer): void {
    this.tag(field, 2)
    this.varint(b.length)
    this.parts.push(b)
  }

  string(field: number, s: string | undefined): void {
    if (s === undefined || s === '') return
    this.bytes(field, Buffer.from(s, 'utf8'))
  }

  bool(field: number, b: boolean | undefined): void {
    if (!b) return
    this.tag(field, 0)
    this.varint(1)
  }

  message(field: number, w: Writer): void {
    this.bytes(field, w.finish())
  }

  finish(): Buffer {
    return Buffer.concat(this.parts)
  }
}

/** NamedAny{name, value: Any{yaml}} */
function vendorExtension(name: string, value: unknown): Writer {
  const any = new Writer()
  any.string(2, JSON.stringify(value))
  const named = new Writer()
  named.string(1, name)
  named.message(2, any)
  return named
}

function namedSchema(name: string, schema: Json): Writer {
  const w = new Writer()
  w.string(1, name)
  w.message(2, encodeSchema(schema))
  return w
}

/** openapi.v2.Schema */
export function encodeSchema(s: Json): Writer {
  const w = new Writer()
  w.string(1, s.$ref)
  w.string(2, s.format)
  w.string(3, s.title)
  for (const r of (s.required as string[] | undefined) ?? []) w.string(19, r)
  if (s.additionalProperties !== undefined) {
    const ap = new Writer()
    if (typeof s.additionalProperties === 'boolean') ap.bool(2, s.additionalProperties)
    else ap.message(1, encodeSchema(s.additionalProperties))
    w.message(21, ap)
  }
  if (s.type !== undefined) {
    const t = new Writer()
    for (const v of Array.isArray(s.type) ? s.type : [s.type]) t.string(1, v)
    w.message(22, t)
  }
  if (s.items !== undefined) {
    const items = new Writer()
    for (const i of Array.isArray(s.items) ? s.items : [s.items]) items.message(1, encodeSchema(i))
    w.message(23, items)
  }
  for (const a of (s.allOf as Json[] | undefined) ?? []) w.message(24, encodeSchema(a))
  if (s.properties !== undefined) {
    const props = new Writer()
    for (const [k, v] of Object.entries(s.properties as Json)) props.message(1, namedSchema(k, v as Json))
    w.message(25, props)
  }
  for (const [k, v] of Object.entries(s)) if (k.startsWith('x-')) w.message(31, vendorExtension(k, v))
  return w
}

/** openapi.v2.Document{swagger, info, definitions} */
export function encodeDocument(doc: {
  swagger: string
  info: {title: string; version: string}
  definitions: Record<string, Json>
}): Buffer {
  const w = new Writer()
  w.string(1, doc.swagger)
  const info = new Writer()
  info.string(1, doc.info.title)
  info.string(2, doc.info.version)
  w.message(2, info)
  const defs = new Writer()
  for (const [name, schema] of Object.entries(doc.definitions)) defs.message(1, namedSchema(name, schema))
  w.message(9, defs)
  return w.finish()
}

/**
 * Field sets as structured-merge-diff keeps them, and their wire form FieldsV1.
 *
 * A path is a list of elements written as in FieldsV1: `f:<field>`, `k:<json object of key fields>`
 * (an item of an associative list), `v:<json value>` (an item of a set list), `i:<index>`. In
 * FieldsV1 a path that is itself a member and also has members below it carries `".": {}`.
 */
import {isObject, type JsonObject} from './json.js'

export type PathElement = string
export type FieldPath = readonly PathElement[]

export const field = (name: string): PathElement => `f:${name}`
export const valueElement = (v: unknown): PathElement => `v:${JSON.stringify(v)}`

/** `k:{...}` with the key fields sorted by name, as structured-merge-diff serializes them. */
export function keyElement(fields: Readonly<Record<string, unknown>>): PathElement {
  const sorted: JsonObject = {}
  for (const name of Object.keys(fields).sort()) sorted[name] = fields[name]
  return `k:${JSON.stringify(sorted)}`
}

/** structured-merge-diff's value.ToString: strings quoted, the rest as Go prints them. */
function valueToString(v: unknown): string {
  if (v === null) return 'null'
  if (typeof v === 'string') return JSON.stringify(v)
  if (Array.isArray(v)) return `[${v.map(valueToString).join(',')}]`
  if (isObject(v))
    return Object.entries(v)
      .map(([k, x]) => `${k}=${valueToString(x)}`)
      .join('')
  return String(v)
}

/** One element as fieldpath.PathElement.String() prints it: `.spec`, `[name="app"]`, `[="x"]`, `[0]`. */
export function elementString(pe: PathElement): string {
  const body = pe.slice(2)
  switch (pe.slice(0, 2)) {
    case 'f:':
      return `.${body}`
    case 'k:': {
      const key = JSON.parse(body) as JsonObject
      return `[${Object.entries(key)
        .map(([k, v]) => `${k}=${valueToString(v)}`)
        .join(',')}]`
    }
    case 'v:':
      return `[=${valueToString(JSON.parse(body))}]`
    default:
      return `[${body}]`
  }
}

/** A path as the apiserver prints it in conflict messages, e.g. `.spec.template.spec.containers[name="app"].image`. */
export function pathString(path: FieldPath): string {
  return path.map(elementString).join('')
}

const RANK: Record<string, number> = {'f:': 0, 'k:': 1, 'v:': 2, 'i:': 3}

/** PathElement.Compare: field names, then keys, then values, then indices. */
export function compareElements(a: PathElement, b: PathElement): number {
  const ra = RANK[a.slice(0, 2)] ?? 4
  const rb = RANK[b.slice(0, 2)] ?? 4
  if (ra !== rb) return ra - rb
  if (ra === 3) return Number(a.slice(2)) - Number(b.slice(2))
  return a < b ? -1 : a > b ? 1 : 0
}

interface Node {
  member: boolean
  children: Map<PathElement, Node>
}

function newNode(): Node {
  return {member: false, children: new Map()}
}

export class FieldSet {
  private readonly byKey = new Map<string, FieldPath>()

  constructor(paths: Iterable<FieldPath> = []) {
    for (const p of paths) this.add(p)
  }

  private static keyOf(p: FieldPath): string {
    return JSON.stringify(p)
  }

  add(p: FieldPath): this {
    if (p.length > 0) this.byKey.set(FieldSet.keyOf(p), [...p])
    return this
  }

  has(p: FieldPath): boolean {
    return this.byKey.has(FieldSet.keyOf(p))
  }

  delete(p: FieldPath): void {
    this.byKey.delete(FieldSet.keyOf(p))
  }

  get size(): number {
    return this.byKey.size
  }

  isEmpty(): boolean {
    return this.byKey.size === 0
  }

  paths(): FieldPath[] {
    return [...this.byKey.values()]
  }

  union(other: FieldSet): FieldSet {
    return new FieldSet([...this.paths(), ...other.paths()])
  }

  difference(other: FieldSet): FieldSet {
    return this.filter(p => !other.has(p))
  }

  intersection(other: FieldSet): FieldSet {
    return this.filter(p => other.has(p))
  }

  filter(keep: (p: FieldPath) => boolean): FieldSet {
    return new FieldSet(this.paths().filter(keep))
  }

  equals(other: FieldSet): boolean {
    return this.size === other.size && this.paths().every(p => other.has(p))
  }

  /** True when some member lies strictly below `prefix`. */
  hasDescendant(prefix: FieldPath): boolean {
    return this.paths().some(p => p.length > prefix.length && prefix.every((pe, i) => p[i] === pe))
  }

  private tree(): Node {
    const root = newNode()
    for (const p of this.byKey.values()) {
      let node = root
      for (const pe of p) {
        let next = node.children.get(pe)
        if (!next) {
          next = newNode()
          node.children.set(pe, next)
        }
        node = next
      }
      node.member = true
    }
    return root
  }

  /** Set.Iterate order: at each level the member paths first, then the subtrees, each sorted. */
  sorted(): FieldPath[] {
    const out: FieldPath[] = []
    const walk = (node: Node, prefix: PathElement[]): void => {
      const keys = [...node.children.keys()].sort(compareElements)
      for (const pe of keys) if (node.children.get(pe)!.member) out.push([...prefix, pe])
      for (const pe of keys) {
        const child = node.children.get(pe)!
        if (child.children.size > 0) walk(child, [...prefix, pe])
      }
    }
    walk(this.tree(), [])
    return out
  }

  toFieldsV1(): JsonObject {
    const encode = (node: Node, includeSelf: boolean): JsonObject => {
      const out: JsonObject = {}
      if (includeSelf && node.children.size > 0) out['.'] = {}
      for (const pe of [...node.children.keys()].sort(compareElements)) {
        const child = node.children.get(pe)!
        out[pe] = encode(child, child.member)
      }
      return out
    }
    return encode(this.tree(), false)
  }

  /** Parses FieldsV1; throws on anything that is not one. */
  static fromFieldsV1(fields: unknown): FieldSet {
    const set = new FieldSet()
    const walk = (obj: unknown, prefix: PathElement[]): void => {
      if (!isObject(obj)) throw new Error(`FieldsV1 node at ${JSON.stringify(prefix)} is not an object`)
      const keys = Object.keys(obj)
      if (keys.length === 0 && prefix.length > 0) set.add(prefix)
      for (const k of keys) {
        if (k === '.') {
          if (prefix.length > 0) set.add(prefix)
          continue
        }
        if (!(k.slice(0, 2) in RANK)) throw new Error(`unexpected FieldsV1 path element ${JSON.stringify(k)}`)
        walk(obj[k], [...prefix, k])
      }
    }
    walk(fields ?? {}, [])
    return set
  }
}

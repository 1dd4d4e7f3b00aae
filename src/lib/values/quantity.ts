import {invalid} from './invalid.js'

/**
 * A Kubernetes resource quantity (k8s.io/apimachinery/pkg/api/resource): a signed decimal number
 * followed by a binary suffix (Ki Mi Gi Ti Pi Ei), a decimal suffix (n u m "" k M G T P E) or a
 * decimal exponent (e3, E-2). `1G` is 10^9, `1Gi` 2^30. The value is kept exactly, in nano-units
 * as a BigInt (the API server's own precision), so sizes compare without floating point — deploy
 * uses that to never shrink a PVC.
 */
const GRAMMAR = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei)|(n|u|m|k|M|G|T|P|E)|([eE][+-]?\d+))?$/

const BINARY: Record<string, bigint> = {Ki: 1n, Mi: 2n, Gi: 3n, Ti: 4n, Pi: 5n, Ei: 6n}
const DECIMAL: Record<string, number> = {n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18}
const NANO = 9
/** Kubernetes stores quantities as int64 base units at most. */
const MAX_UNITS = 2n ** 63n - 1n

export class Quantity {
  private constructor(
    /** the text as given: rendered unchanged, so `1G` stays `1G` in the PVC */
    readonly text: string,
    /** the exact value in nano-units, rounded up */
    readonly nanos: bigint,
  ) {}

  /** Parses without policy (sign, zero); returns undefined when the grammar does not match. */
  static tryParse(text: string): Quantity | undefined {
    const m = GRAMMAR.exec(text)
    if (!m) return undefined
    const [, sign, number, binary, decimal, exponent] = m
    const [whole, fraction = ''] = number.split('.')
    let mantissa = BigInt((whole || '0') + fraction)
    let power10 = NANO - fraction.length
    if (binary) mantissa *= 1024n ** BINARY[binary]
    if (decimal) power10 += DECIMAL[decimal]
    if (exponent) {
      const e = Number(exponent.slice(1))
      // Anything beyond 10^27 is far past int64 anyway; refuse before building a huge BigInt.
      if (e > 27) return new Quantity(text, MAX_UNITS * 10n ** 10n)
      power10 += e
    }
    const nanos =
      power10 >= 0 ? mantissa * 10n ** BigInt(power10) : ceilDiv(mantissa, 10n ** BigInt(-power10))
    return new Quantity(text, sign === '-' ? -nanos : nanos)
  }

  /** The value in base units (bytes, cores), rounded up like `Quantity.Value()`. */
  get value(): bigint {
    return this.nanos >= 0n
      ? ceilDiv(this.nanos, 10n ** BigInt(NANO))
      : -ceilDiv(-this.nanos, 10n ** BigInt(NANO))
  }

  /** -1, 0 or 1, exactly. */
  compare(other: Quantity): -1 | 0 | 1 {
    return this.nanos < other.nanos ? -1 : this.nanos > other.nanos ? 1 : 0
  }

  toString(): string {
    return this.text
  }
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b
}

export interface QuantityOptions {
  label: string
  /** shown after "not a Kubernetes quantity", e.g. `use e.g. 1Gi, 500Mi or 1G` */
  examples: string
  /** reject zero too (sizes and limits where zero is meaningless) */
  positive?: boolean
}

export function parseQuantity(text: string, opts: QuantityOptions): Quantity {
  const q = Quantity.tryParse(text)
  if (!q) {
    throw invalid(opts.label, text, `not a Kubernetes quantity (${opts.examples})`)
  }
  if (q.nanos < 0n) throw invalid(opts.label, text, 'must not be negative')
  if (opts.positive && q.nanos === 0n) throw invalid(opts.label, text, 'must be greater than zero')
  if (q.value > MAX_UNITS) throw invalid(opts.label, text, 'too large')
  return q
}

export const parseSize = (text: string, label: string): Quantity =>
  parseQuantity(text, {label, examples: 'use e.g. 1Gi, 500Mi or 1G', positive: true})

export const parseCpu = (text: string, label: string): Quantity =>
  parseQuantity(text, {label, examples: 'use e.g. 500m, 1 or 2', positive: true})

/**
 * Project UID/GID blocks and SELinux MCS labels, as OpenShift's cluster-policy-controller assigns them
 * (openshift/library-go pkg/security/uid and pkg/security/mcs; namespace allocation controller).
 */

export const UID_RANGE_ANNOTATION = 'openshift.io/sa.scc.uid-range'
export const SUPPLEMENTAL_GROUPS_ANNOTATION = 'openshift.io/sa.scc.supplemental-groups'
export const MCS_ANNOTATION = 'openshift.io/sa.scc.mcs'

export interface Block {
  start: number
  end: number
}

export interface AllocatorOptions {
  /** first UID of the allocatable range (OpenShift: 1000000000) */
  start: number
  /** last UID of the allocatable range (OpenShift: 1999999999) */
  end: number
  /** UIDs per project (OpenShift: 10000) */
  blockSize: number
  /** MCS labels skipped per block (OpenShift's MCSLabelsPerProject: 5) */
  mcsLabelsPerBlock: number
}

export const DEFAULT_ALLOCATOR: AllocatorOptions = {
  start: 1_000_000_000,
  end: 1_999_999_999,
  blockSize: 10_000,
  mcsLabelsPerBlock: 5,
}

/** uid.ParseBlock: `start/size` or `start-end`. */
export function parseBlock(text: string): Block | undefined {
  const slash = /^\s*(\d+)\/(\d+)\s*$/.exec(text)
  if (slash) {
    const start = Number(slash[1])
    const size = Number(slash[2])
    if (size < 1) return undefined
    return {start, end: start + size - 1}
  }
  const dash = /^\s*(\d+)-(\d+)\s*$/.exec(text)
  if (dash) {
    const start = Number(dash[1])
    const end = Number(dash[2])
    if (end < start) return undefined
    return {start, end}
  }
  return undefined
}

/** The supplemental-groups annotation may hold several comma-separated blocks. */
export function parseBlocks(text: string): Block[] | undefined {
  const blocks = text.split(',').map(parseBlock)
  return blocks.every((b): b is Block => b !== undefined) && blocks.length > 0 ? blocks : undefined
}

export function formatBlock(start: number, size: number): string {
  return `${start}/${size}`
}

function binomial(n: number, k: number): number {
  if (k > n) return 0
  let r = 1
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i
  return Math.round(r)
}

/**
 * mcs.Range.LabelAt for `s0:` with two categories out of c0..c1023: the combinatorial number system,
 * highest category first (so offset 330 → `s0:c26,c5`, a label seen on real clusters).
 */
export function mcsLabelAt(offset: number): string {
  let n = offset
  const cats: number[] = []
  for (let k = 2; k > 0; k--) {
    let c = k - 1
    while (binomial(c + 1, k) <= n) c++
    n -= binomial(c, k)
    cats.push(c)
  }
  return `s0:${cats.map(c => `c${c}`).join(',')}`
}

/** The three project annotations for the block that starts at `start`. */
export function blockAnnotations(
  start: number,
  opts: AllocatorOptions = DEFAULT_ALLOCATOR,
): Record<string, string> {
  const index = Math.floor((start - opts.start) / opts.blockSize)
  return {
    [UID_RANGE_ANNOTATION]: formatBlock(start, opts.blockSize),
    [SUPPLEMENTAL_GROUPS_ANNOTATION]: formatBlock(start, opts.blockSize),
    [MCS_ANNOTATION]: mcsLabelAt(Math.max(0, index) * opts.mcsLabelsPerBlock),
  }
}

/**
 * Next free block: the lowest block not used by any existing namespace's uid-range annotation
 * (the real allocator is a bitmap persisted in a ConfigMap; scanning the namespaces gives the same
 * answer for a fresh cluster and stays deterministic).
 */
export function nextFreeBlock(used: Iterable<string>, opts: AllocatorOptions = DEFAULT_ALLOCATOR): number {
  const taken = new Set<number>()
  for (const a of used) {
    const b = parseBlock(a)
    if (b) taken.add(b.start)
  }
  for (let s = opts.start; s + opts.blockSize - 1 <= opts.end; s += opts.blockSize) {
    if (!taken.has(s)) return s
  }
  throw new Error('uid range exhausted')
}

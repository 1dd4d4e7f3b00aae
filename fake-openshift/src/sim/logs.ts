/** Log text written by simulated containers and builds; `follow` readers get new lines as steps add them. */
import type {LogSource} from '../types.js'

export class LogStream implements LogSource {
  private readonly buf: string[] = []
  private done = false
  private readonly subs = new Set<{onLine: (l: string) => void; onEnd: () => void}>()

  constructor(lines: string[] = [], ended = false) {
    this.buf.push(...lines)
    this.done = ended
  }

  lines(): string[] {
    return [...this.buf]
  }

  ended(): boolean {
    return this.done
  }

  subscribe(onLine: (line: string) => void, onEnd: () => void): () => void {
    const sub = {onLine, onEnd}
    if (this.done) {
      // nothing more will come: close the reader right away (it already has lines())
      queueMicrotask(onEnd)
      return () => {}
    }
    this.subs.add(sub)
    return () => this.subs.delete(sub)
  }

  write(...lines: string[]): void {
    if (this.done) return
    for (const l of lines) {
      this.buf.push(l)
      for (const s of [...this.subs]) s.onLine(l)
    }
  }

  end(): void {
    if (this.done) return
    this.done = true
    for (const s of [...this.subs]) s.onEnd()
    this.subs.clear()
  }
}

/**
 * Just enough API-server behaviour for apply/wait tests: objects by path, resourceVersions, SSA as a
 * deep merge that is a no-op when nothing changes, dryRun, POST 409, DELETE 404.
 */
import type {ServerResponse} from 'node:http'
import {json, status, type Handler} from './server.js'

type Obj = Record<string, any>

export class MiniStore {
  objects = new Map<string, Obj>()
  rv = 100
  /** Set to make the next N requests to a path fail with a Status. */
  failures: Array<{
    match: (method: string, path: string) => boolean
    code: number
    reason: string
    message: string
  }> = []
  delayMs = 0
  /** Mimic a server that bumps the resourceVersion even when an apply changes nothing. */
  bumpOnNoop = false
  inFlight = 0
  maxInFlight = 0

  handler: Handler = async (req, res) => {
    const url = new URL(req.url, 'https://x')
    const path = url.pathname
    const method = req.method ?? 'GET'
    this.inFlight++
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight)
    try {
      if (this.delayMs) await new Promise(r => setTimeout(r, this.delayMs))
      const f = this.failures.findIndex(x => x.match(method, path))
      if (f >= 0) {
        const [fail] = this.failures.splice(f, 1)
        json(res, fail.code, status(fail.code, fail.reason, fail.message))
        return
      }
      this.serve(method, path, url.searchParams, req.body, res)
    } finally {
      this.inFlight--
    }
  }

  private serve(method: string, path: string, q: URLSearchParams, body: string, res: ServerResponse) {
    const dryRun = q.get('dryRun') === 'All'
    const name = path.split('/').pop() ?? ''
    const kind = path.split('/').at(-2) ?? ''
    const notFound = () =>
      json(res, 404, status(404, 'NotFound', `${kind} "${name}" not found`, {name, kind}))
    const existing = this.objects.get(path)
    switch (method) {
      case 'GET':
        if (existing) json(res, 200, existing)
        else notFound()
        return
      case 'PATCH': {
        const patch = JSON.parse(body) as Obj
        const base = existing ?? {metadata: {}}
        const merged = deepMerge(structuredClone(base), patch)
        const changed = !existing || JSON.stringify(strip(merged)) !== JSON.stringify(strip(base))
        if ((changed || this.bumpOnNoop) && !dryRun) merged.metadata.resourceVersion = String(++this.rv)
        if (!dryRun) this.objects.set(path, merged)
        json(res, existing ? 200 : 201, merged)
        return
      }
      case 'POST': {
        const obj = JSON.parse(body) as Obj
        const p = `${path}/${obj.metadata.name}`
        if (this.objects.has(p)) {
          json(res, 409, status(409, 'AlreadyExists', `${kind} "${obj.metadata.name}" already exists`))
          return
        }
        obj.metadata.resourceVersion = String(++this.rv)
        if (!dryRun) this.objects.set(p, obj)
        json(res, 201, obj)
        return
      }
      case 'DELETE':
        if (!existing) return notFound()
        if (!dryRun) this.objects.delete(path)
        json(res, 200, {kind: 'Status', status: 'Success'})
        return
      default:
        json(res, 405, status(405, 'MethodNotAllowed', 'no'))
    }
  }
}

function strip(o: Obj): Obj {
  const c = structuredClone(o)
  delete c.metadata?.resourceVersion
  return c
}

function deepMerge(target: Obj, patch: Obj): Obj {
  for (const [k, v] of Object.entries(patch)) {
    if (v && typeof v === 'object' && !Array.isArray(v) && target[k] && typeof target[k] === 'object')
      deepMerge(target[k], v)
    else target[k] = structuredClone(v)
  }
  return target
}

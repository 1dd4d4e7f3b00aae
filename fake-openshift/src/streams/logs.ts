/**
 * GET pods/NAME/log and builds/NAME/log: plain text; follow=true streams until the LogSource ends.
 * Scenario logs (scripted) take precedence over the simulators' (sim/logs.ts).
 */
import type {ServerResponse} from 'node:http'

import type {Ctx, Deps} from '../handlers/context.js'
import {badRequest} from '../http/respond.js'
import {notFound} from '../store.js'
import type {KObject, LogSource} from '../types.js'

export function scriptedLogKey(
  kind: 'pod' | 'build',
  ns: string,
  name: string,
  container = '',
  previous = false,
): string {
  return `${kind}/${ns}/${name}/${container}/${previous ? 'previous' : 'current'}`
}

export function serveLogSubresource(d: Deps, ctx: Ctx): void {
  const {rt, namespace, name, q} = ctx
  const store = d.store
  const ns = namespace!
  const logQuery = parseLogQuery(q)
  const previous = q.get('previous') === 'true'
  let source: LogSource
  if (rt.kind === 'Pod') {
    const pod = store.getRaw(rt, ns, name!)
    if (!pod) throw notFound(rt, name!)
    const spec = (pod.spec ?? {}) as {
      containers?: Array<{name: string}>
      initContainers?: Array<{name: string}>
    }
    const containers = (spec.containers ?? []).map(c => c.name)
    const inits = (spec.initContainers ?? []).map(c => c.name)
    let container = q.get('container') ?? undefined
    if (!container) {
      if (containers.length === 1) container = containers[0]
      else if (containers.length > 1)
        throw badRequest(
          `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]${inits.length ? ` or one of the init containers: [${inits.join(' ')}]` : ''}`,
        )
    } else if (!containers.includes(container) && !inits.includes(container))
      throw badRequest(`container ${container} is not valid for pod ${name}`)
    const scripted =
      d.scriptedLogs.get(scriptedLogKey('pod', ns, name!, container, previous)) ??
      d.scriptedLogs.get(scriptedLogKey('pod', ns, name!, '', previous))
    if (scripted !== undefined) source = staticLog(scripted)
    else if (previous && !hasRestarted(pod, container))
      throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`)
    else source = d.sims.podLog(ns, name!, container, previous)
  } else if (rt.kind === 'Build') {
    const build = store.getRaw(rt, ns, name!)
    if (!build) throw notFound(rt, name!)
    const scripted = d.scriptedLogs.get(scriptedLogKey('build', ns, name!))
    source = scripted !== undefined ? staticLog(scripted) : d.sims.buildLog(ns, name!)
  } else throw badRequest(`logs are not available for ${rt.plural}`)
  serveLog(ctx.res, source, logQuery)
}

function hasRestarted(pod: KObject, container: string | undefined): boolean {
  const statuses =
    (pod.status as {containerStatuses?: Array<{name: string; restartCount?: number; lastState?: object}>})
      ?.containerStatuses ?? []
  const s = statuses.find(c => c.name === container)
  // without status we cannot tell; let the simulators answer
  return !s || (s.restartCount ?? 0) > 0 || Object.keys(s.lastState ?? {}).length > 0
}

export interface LogQuery {
  follow: boolean
  tailLines?: number
  limitBytes?: number
  timestamps: boolean
}

export function parseLogQuery(q: URLSearchParams): LogQuery {
  const num = (k: string) => (q.has(k) ? Number(q.get(k)) : undefined)
  return {
    follow: q.get('follow') === 'true' || q.get('follow') === '1',
    tailLines: num('tailLines'),
    limitBytes: num('limitBytes'),
    timestamps: q.get('timestamps') === 'true',
  }
}

/** Writes a log: everything so far (or the last tailLines), then, with follow, each new line until the end. */
export function serveLog(res: ServerResponse, source: LogSource, q: LogQuery, onEnd?: () => void): void {
  res.writeHead(200, {'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private'})
  res.flushHeaders()
  let bytes = 0
  let done = false
  let unsubscribe: () => void = () => {}
  const finish = () => {
    if (done) return
    done = true
    unsubscribe()
    res.end()
    onEnd?.()
  }
  const emit = (line: string) => {
    if (done) return
    let text = (q.timestamps ? `${new Date().toISOString()} ` : '') + line + '\n'
    if (q.limitBytes !== undefined) {
      const left = q.limitBytes - bytes
      if (left <= 0) return finish()
      if (Buffer.byteLength(text) > left) text = Buffer.from(text).subarray(0, left).toString()
    }
    bytes += Buffer.byteLength(text)
    res.write(text)
    if (q.limitBytes !== undefined && bytes >= q.limitBytes) finish()
  }
  res.on('close', finish)
  let lines = source.lines()
  if (q.tailLines !== undefined && q.tailLines >= 0)
    lines = q.tailLines === 0 ? [] : lines.slice(-q.tailLines)
  // subscribe before writing the backlog so no line written meanwhile is lost (all synchronous)
  if (q.follow && !source.ended()) unsubscribe = source.subscribe(emit, finish)
  for (const l of lines) emit(l)
  if (!q.follow || source.ended()) finish()
}

/** A LogSource over fixed text (scenario logs), already ended. */
export function staticLog(text: string): LogSource {
  const lines = text.replace(/\n$/, '').split('\n')
  return {
    lines: () => (text === '' ? [] : [...lines]),
    ended: () => true,
    subscribe: (_onLine, onEnd) => {
      queueMicrotask(onEnd)
      return () => {}
    },
  }
}

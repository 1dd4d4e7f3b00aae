/**
 * Deterministic stand-ins for the simulators' exec and logs, so the conformance suite checks the
 * server's HTTP/WebSocket behaviour against kubectl and client-node, not simulator outcomes.
 */
import {noopSimulators} from '../../fake-openshift/src/testkit.js'
import type {ExecResult, KObject, LogSource, Simulators} from '../../fake-openshift/src/types.js'

export interface ControllableLog extends LogSource {
  push(line: string): void
  end(): void
}

export function controllableLog(initial: string[], ended = false): ControllableLog {
  const lines = [...initial]
  let done = ended
  const subs = new Set<{line: (l: string) => void; end: () => void}>()
  return {
    lines: () => [...lines],
    ended: () => done,
    subscribe(onLine, onEnd) {
      const s = {line: onLine, end: onEnd}
      subs.add(s)
      return () => subs.delete(s)
    },
    push(line) {
      lines.push(line)
      for (const s of [...subs]) s.line(line)
    },
    end() {
      done = true
      for (const s of [...subs]) s.end()
    },
  }
}

export const ID_OUTPUT = 'uid=1000040000(1000040000) gid=0(root) groups=0(root),1000040000\n'
export const SPLIT_SCRIPT = 'echo out; echo err >&2; exit 3'

function execTable(command: string[], stdin?: string): ExecResult {
  if (command.length === 1 && command[0] === 'id') return {stdout: ID_OUTPUT, stderr: '', exitCode: 0}
  if (command[0] === 'sh' && command[1] === '-c' && command[2] === SPLIT_SCRIPT)
    return {stdout: 'out\n', stderr: 'err\n', exitCode: 3}
  if (command[0] === 'cat') return {stdout: stdin ?? '', stderr: '', exitCode: 0}
  return {stdout: '', stderr: `sh: ${command[0]}: command not found\n`, exitCode: 127}
}

export interface ConformanceSims {
  sims: Simulators
  /** the log of a pod (created on first use; `nb` has two finished lines) */
  log(pod: string): ControllableLog
}

export function conformanceSims(): ConformanceSims {
  const logs = new Map<string, ControllableLog>([
    ['nb', controllableLog(['starting notebook', 'listening on :8888'], true)],
  ])
  const log = (pod: string) => {
    let l = logs.get(pod)
    if (!l) logs.set(pod, (l = controllableLog([])))
    return l
  }
  return {
    log,
    sims: noopSimulators({
      podLog: (_ns, pod) => log(pod),
      exec: ((_ns: string, _pod: string, _c: string | undefined, command: string[], stdin?: string) =>
        execTable(command, stdin)) as Simulators['exec'],
    }),
  }
}

export function runningPod(name: string): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {name, labels: {app: name}},
    spec: {containers: [{name: 'notebook', image: 'quay.io/jupyter/minimal-notebook:latest'}]},
    status: {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'notebook',
          ready: true,
          restartCount: 0,
          state: {running: {startedAt: '2025-01-01T00:00:00Z'}},
        },
      ],
    },
  }
}

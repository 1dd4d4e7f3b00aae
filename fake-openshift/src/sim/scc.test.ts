import {describe, expect, it} from 'vitest'

import {defaultSCCs} from '../bootstrap.js'
import {aggregate, templateHash} from './kube.js'
import {admitPod, pointValue, sortSccs, toScc} from './scc.js'
import {blockAnnotations, mcsLabelAt, nextFreeBlock, parseBlock, parseBlocks} from './uid.js'

const sccs = defaultSCCs().map(o => toScc(o as any))
const ns = {name: 'p', annotations: blockAnnotations(1_000_040_000)}

describe('SCC ordering', () => {
  it('sorts by priority then restriction points, as OpenShift lists providers', () => {
    expect(sortSccs(sccs).map(s => s.name)).toEqual([
      'anyuid',
      'restricted-v2',
      'restricted',
      'nonroot-v2',
      'nonroot',
      'hostmount-anyuid',
      'hostnetwork-v2',
      'hostnetwork',
      'hostaccess',
      'privileged',
    ])
    const rv2 = sccs.find(s => s.name === 'restricted-v2')!
    // non-trivial volumes (PVC) 100000 + MustRunAs SELinux 10000 + MustRunAsRange 20000 + caps 5000+10-3000
    expect(pointValue(rv2)).toBe(132_010)
  })
})

describe('admitPod (pure)', () => {
  const pod = (spec: Record<string, unknown>) => ({metadata: {generateName: 'x-'}, spec})
  const all = () => true

  it('restricted-v2 mutates without touching values the pod set validly', () => {
    const usable = (s: {name: string}) => s.name === 'restricted-v2'
    const r = admitPod({
      pod: pod({securityContext: {runAsUser: 1000040005}, containers: [{name: 'c'}]}),
      namespace: ns,
      sccs,
      usable,
    })
    expect(r.allowed).toBe(true)
    if (!r.allowed) return
    expect(r.scc).toBe('restricted-v2')
    // the pod-level runAsUser is inherited: no container value is written
    expect((r.pod.spec as any).containers[0].securityContext.runAsUser).toBeUndefined()
    expect(r.pod.metadata.annotations).toMatchObject({
      'openshift.io/scc': 'restricted-v2',
      'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default',
    })
  })

  it('privileged (usable by everyone here) admits what nothing else does, after higher-priority anyuid', () => {
    const r = admitPod({
      pod: pod({hostNetwork: true, containers: [{name: 'c', securityContext: {privileged: true}}]}),
      namespace: ns,
      sccs,
      usable: all,
    })
    expect(r.allowed && r.scc).toBe('privileged')
  })

  it('a single failing provider prints without brackets', () => {
    const only = sccs.filter(s => s.name === 'restricted-v2')
    const r = admitPod({
      pod: pod({containers: [{name: 'c', securityContext: {runAsUser: 0}}]}),
      namespace: ns,
      sccs: only,
      usable: all,
    })
    expect(!r.allowed && r.message).toBe(
      'unable to validate against any security context constraint: provider restricted-v2: .containers[0].runAsUser: Invalid value: 0: must be in the ranges: [1000040000, 1000049999]',
    )
  })

  it('host features, capabilities, volumes and SELinux levels are checked', () => {
    const only = sccs.filter(s => s.name === 'restricted-v2')
    const r = admitPod({
      pod: pod({
        hostPID: true,
        securityContext: {seLinuxOptions: {level: 's0:c1,c0'}},
        volumes: [{name: 'h', hostPath: {path: '/'}}],
        containers: [
          {
            name: 'c',
            ports: [{containerPort: 80, hostPort: 80}],
            securityContext: {capabilities: {add: ['SYS_ADMIN']}},
          },
        ],
      }),
      namespace: ns,
      sccs: only,
      usable: all,
    })
    expect(r.allowed).toBe(false)
    if (r.allowed) return
    expect(r.message).toContain(
      'provider restricted-v2: .spec.securityContext.hostPID: Invalid value: true: Host PID is not allowed to be used',
    )
    expect(r.message).toContain(
      'provider restricted-v2: .spec.securityContext.seLinuxOptions.level: Invalid value: "s0:c1,c0": must be s0:c6,c5',
    )
    expect(r.message).toContain(
      'provider restricted-v2: .spec.volumes[0]: Invalid value: "hostPath": hostPath volumes are not allowed to be used',
    )
    expect(r.message).toContain(
      'provider restricted-v2: .containers[0].capabilities.add: Invalid value: "SYS_ADMIN": capability may not be added',
    )
    expect(r.message).toContain(
      'provider restricted-v2: .containers[0].ports.hostPort: Invalid value: 80: Host ports are not allowed to be used',
    )
  })

  it('a missing mcs annotation is reported after the uid-range one', () => {
    const r = admitPod({
      pod: pod({containers: [{name: 'c'}]}),
      namespace: {name: 'p', annotations: {'openshift.io/sa.scc.uid-range': '1000040000/10000'}},
      sccs,
      usable: all,
    })
    expect(!r.allowed && r.message).toBe(
      'error fetching namespace "p": unable to find annotation openshift.io/sa.scc.mcs',
    )
  })
})

describe('UID blocks and MCS labels', () => {
  it('parses both block notations', () => {
    expect(parseBlock('1000040000/10000')).toEqual({start: 1000040000, end: 1000049999})
    expect(parseBlock('1000040000-1000049999')).toEqual({start: 1000040000, end: 1000049999})
    expect(parseBlock('nonsense')).toBeUndefined()
    expect(parseBlocks('1000040000/10000,1000090000/10000')).toHaveLength(2)
  })

  it('labels follow the combinatorial numbering of the MCS allocator', () => {
    expect(mcsLabelAt(0)).toBe('s0:c1,c0')
    expect(mcsLabelAt(330)).toBe('s0:c26,c5')
    expect(mcsLabelAt(310)).toBe('s0:c25,c10')
    expect(blockAnnotations(1_000_000_000)['openshift.io/sa.scc.mcs']).toBe('s0:c1,c0')
  })

  it('finds the lowest free block', () => {
    expect(nextFreeBlock([])).toBe(1_000_000_000)
    expect(nextFreeBlock(['1000000000/10000', '1000020000/10000'])).toBe(1_000_010_000)
  })
})

describe('helpers', () => {
  it('aggregates like apimachinery', () => {
    expect(aggregate(['a'])).toBe('a')
    expect(aggregate(['a', 'b', 'a'])).toBe('[a, b]')
    expect(aggregate(['a', 'a'])).toBe('a')
  })
  it('pod-template-hash is stable and safe-encoded', () => {
    const h = templateHash({spec: {containers: [{name: 'a'}]}})
    expect(h).toBe(templateHash({spec: {containers: [{name: 'a'}]}}))
    expect(h).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/)
  })
})

/**
 * /version, legacy discovery (/api, /apis, /api/v1, /apis/G, /apis/G/V) and aggregated discovery
 * (apidiscovery.k8s.io v2 and v2beta1, which kubectl >= 1.30 asks for first via the Accept header
 * and client-go >= 1.26 uses when offered). Everything derives from the registry.
 */
import {apiVersionOf, type Registry} from './registry.js'
import type {ResourceType} from './types.js'

export interface DiscoveryResponse {
  contentType: string
  body: unknown
}

export function versionInfo(minor: number): Record<string, string> {
  return {
    major: '1',
    minor: String(minor),
    gitVersion: `v1.${minor}.0`,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2025-01-01T00:00:00Z',
    goVersion: 'go1.22.0',
    compiler: 'gc',
    platform: 'linux/amd64',
  }
}

interface SubresourceInfo {
  kind: string
  group?: string
  version?: string
  verbs: string[]
}

/** What each subresource returns and accepts, as the real apiserver advertises it. */
function subresourceInfo(rt: ResourceType, sub: string): SubresourceInfo {
  switch (sub) {
    case 'status':
      return {kind: rt.kind, verbs: ['get', 'patch', 'update']}
    case 'scale':
      return {kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update']}
    case 'log':
      return {
        kind: rt.kind === 'Build' ? 'BuildLog' : rt.kind === 'DeploymentConfig' ? 'DeploymentLog' : 'Pod',
        verbs: ['get'],
      }
    case 'exec':
      return {kind: 'PodExecOptions', verbs: ['create', 'get']}
    case 'instantiate':
      return {kind: rt.kind === 'BuildConfig' ? 'BuildRequest' : 'DeploymentRequest', verbs: ['create']}
    case 'finalize':
      return {kind: rt.kind, verbs: ['update']}
    case 'details':
      return {kind: rt.kind, verbs: ['update']}
    default:
      return {kind: rt.kind, verbs: ['get']}
  }
}

export function apiVersions(serverAddress: string): unknown {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{clientCIDR: '0.0.0.0/0', serverAddress}],
  }
}

function groupEntry(reg: Registry, group: string): Record<string, unknown> {
  const versions = reg.versions(group).map(v => ({groupVersion: `${group}/${v}`, version: v}))
  return {name: group, versions, preferredVersion: versions[0]}
}

export function apiGroupList(reg: Registry): unknown {
  return {kind: 'APIGroupList', apiVersion: 'v1', groups: reg.groups().map(g => groupEntry(reg, g))}
}

export function apiGroup(reg: Registry, group: string): unknown | undefined {
  if (!reg.groups().includes(group)) return undefined
  return {kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(reg, group)}
}

export function apiResourceList(reg: Registry, group: string, version: string): unknown | undefined {
  const rts = reg.inGroupVersion(group, version)
  if (!rts.length) return undefined
  const resources: unknown[] = []
  for (const rt of rts) {
    resources.push({
      name: rt.plural,
      singularName: rt.singular,
      namespaced: rt.namespaced,
      kind: rt.kind,
      verbs: rt.verbs,
      ...(rt.shortNames ? {shortNames: rt.shortNames} : {}),
      ...(rt.categories ? {categories: rt.categories} : {}),
    })
    for (const sub of rt.subresources) {
      const info = subresourceInfo(rt, sub)
      resources.push({
        name: `${rt.plural}/${sub}`,
        singularName: '',
        namespaced: rt.namespaced,
        ...(info.group !== undefined ? {group: info.group, version: info.version} : {}),
        kind: info.kind,
        verbs: info.verbs,
      })
    }
  }
  return {kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(rts[0]), resources}
}

function discoveryResource(rt: ResourceType): Record<string, unknown> {
  return {
    resource: rt.plural,
    responseKind: {group: rt.group, version: rt.version, kind: rt.kind},
    scope: rt.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: rt.singular,
    verbs: rt.verbs,
    ...(rt.shortNames ? {shortNames: rt.shortNames} : {}),
    ...(rt.categories ? {categories: rt.categories} : {}),
    ...(rt.subresources.length
      ? {
          subresources: rt.subresources.map(sub => {
            const info = subresourceInfo(rt, sub)
            return {
              subresource: sub,
              responseKind: {
                group: info.group ?? rt.group,
                version: info.version ?? rt.version,
                kind: info.kind,
              },
              verbs: info.verbs,
            }
          }),
        }
      : {}),
  }
}

/** The aggregated discovery document for /api (core only) or /apis (every named group). */
export function aggregatedDiscovery(reg: Registry, legacy: boolean, version: 'v2' | 'v2beta1'): unknown {
  const groups = legacy ? [''] : reg.groups()
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map(g => ({
      metadata: {name: g, creationTimestamp: null},
      versions: reg.versions(g).map(v => ({
        version: v,
        resources: reg.inGroupVersion(g, v).map(discoveryResource),
        freshness: 'Current',
      })),
    })),
  }
}

/**
 * Picks the aggregated discovery version the client asked for (in its order of preference), or
 * undefined when the Accept header only allows the legacy documents.
 */
export function wantsAggregated(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  if (!accept) return undefined
  for (const part of accept.split(',')) {
    const p = part.replace(/\s+/g, '')
    if (!p.includes('as=APIGroupDiscoveryList') || !p.includes('g=apidiscovery.k8s.io')) continue
    if (p.includes('v=v2beta1')) return 'v2beta1'
    if (p.includes('v=v2')) return 'v2'
  }
  return undefined
}

export function aggregatedContentType(version: 'v2' | 'v2beta1'): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`
}

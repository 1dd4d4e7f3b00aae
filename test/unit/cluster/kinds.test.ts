import {describe, expect, it} from 'vitest'
import {
  KINDS,
  apiVersionOf,
  kindInfo,
  locate,
  parseApiPath,
  qualifiedResource,
  resourcePath,
} from '../../../src/lib/cluster/kinds.js'

describe('kinds table', () => {
  it('covers every kind the CLI uses', () => {
    for (const k of [
      'Namespace',
      'Project',
      'Secret',
      'ConfigMap',
      'PersistentVolumeClaim',
      'Service',
      'Pod',
      'Event',
      'ServiceAccount',
      'Deployment',
      'ReplicaSet',
      'Route',
      'ImageStream',
      'ImageStreamTag',
      'BuildConfig',
      'Build',
      'DeploymentConfig',
      'SecurityContextConstraints',
      'Role',
      'RoleBinding',
      'ClusterRole',
      'ClusterRoleBinding',
      'StorageClass',
      'SelfSubjectAccessReview',
      'PodSecurityPolicySubjectReview',
      'PodSecurityPolicySelfSubjectReview',
      'PodSecurityPolicyReview',
    ]) {
      expect(KINDS, k).toHaveProperty(k)
    }
  })

  it('has the right groups and scopes for the OpenShift kinds', () => {
    expect(apiVersionOf(KINDS.Route)).toBe('route.openshift.io/v1')
    expect(apiVersionOf(KINDS.DeploymentConfig)).toBe('apps.openshift.io/v1')
    expect(KINDS.SecurityContextConstraints.namespaced).toBe(false)
    expect(KINDS.Project.namespaced).toBe(false)
    expect(KINDS.PodSecurityPolicySelfSubjectReview.namespaced).toBe(true)
    expect(apiVersionOf(KINDS.Secret)).toBe('v1')
  })

  it('kindInfo checks the group and tolerates another version', () => {
    expect(kindInfo('Deployment', 'apps/v1').plural).toBe('deployments')
    expect(kindInfo('Deployment', 'apps/v1beta2').version).toBe('v1beta2')
    expect(() => kindInfo('Deployment', 'extensions.example/v1')).toThrow(/unknown kind/)
    expect(() => kindInfo('Widget')).toThrow(/kinds.ts/)
  })
})

describe('paths', () => {
  it('builds collection, object and subresource paths', () => {
    expect(resourcePath('Pod', {namespace: 'p'})).toBe('/api/v1/namespaces/p/pods')
    expect(resourcePath('BuildConfig', {namespace: 'p', name: 'nb', subresource: 'instantiate'})).toBe(
      '/apis/build.openshift.io/v1/namespaces/p/buildconfigs/nb/instantiate',
    )
    expect(resourcePath('Namespace', {name: 'p'})).toBe('/api/v1/namespaces/p')
    // cluster-scoped kinds ignore a namespace
    expect(resourcePath('ClusterRoleBinding', {namespace: 'p', name: 'system:openshift:scc:anyuid'})).toBe(
      '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/system:openshift:scc:anyuid',
    )
    expect(resourcePath('Pod')).toBe('/api/v1/pods')
  })

  it('locates an object with the default namespace', () => {
    const loc = locate({apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: {name: 'nb'}}, 'proj')
    expect(loc.path).toBe('/apis/route.openshift.io/v1/namespaces/proj/routes/nb')
    expect(loc.collectionPath).toBe('/apis/route.openshift.io/v1/namespaces/proj/routes')
    expect(
      locate({kind: 'Secret', apiVersion: 'v1', metadata: {name: 's', namespace: 'x'}}, 'proj').namespace,
    ).toBe('x')
    expect(() => locate({kind: 'Secret', metadata: {}}, 'p')).toThrow(/metadata.name/)
  })

  it('parses API paths back', () => {
    expect(parseApiPath('/apis/apps/v1/namespaces/p/deployments/nb?fieldManager=x')).toEqual({
      group: 'apps',
      version: 'v1',
      namespace: 'p',
      resource: 'deployments',
      name: 'nb',
      subresource: undefined,
    })
    expect(parseApiPath('/api/v1/namespaces/p')).toMatchObject({
      resource: 'namespaces',
      name: 'p',
      namespace: undefined,
    })
    expect(parseApiPath('/apis/build.openshift.io/v1/namespaces/p/builds/nb-1/log')).toMatchObject({
      subresource: 'log',
    })
    expect(parseApiPath('/version')).toBeUndefined()
    expect(qualifiedResource('buildconfigs', 'build.openshift.io', 'instantiate')).toBe(
      'buildconfigs.build.openshift.io/instantiate',
    )
    expect(qualifiedResource('secrets', '')).toBe('secrets')
  })
})

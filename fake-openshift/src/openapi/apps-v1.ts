/**
 * OpenAPI (Swagger 2.0) definitions of apps/v1 Deployment and ReplicaSet, which OpenShift's published
 * openapi.json (the schema file schemas.ts loads) lacks. Written from the Go types in k8s.io/api
 * apps/v1/types.go (v0.34.1): one property per json tag, `required` for the tags without omitempty,
 * pointer and value fields alike, the patch strategy tags as x-kubernetes-patch-* extensions; pod
 * template, selector, metadata, time and int-or-string are references into the same document.
 */
type Schema = Record<string, unknown>

const ref = (name: string): Schema => ({$ref: `#/definitions/${name}`})
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1'
const int32: Schema = {type: 'integer', format: 'int32'}
const int64: Schema = {type: 'integer', format: 'int64'}
const string: Schema = {type: 'string'}
const bool: Schema = {type: 'boolean'}

function object(properties: Record<string, Schema>, required?: string[]): Schema {
  return {type: 'object', properties, ...(required ? {required} : {})}
}

const conditions = (item: string): Schema => ({
  type: 'array',
  items: ref(item),
  'x-kubernetes-list-map-keys': ['type'],
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-patch-merge-key': 'type',
  'x-kubernetes-patch-strategy': 'merge',
})

const topLevel = (kind: string): Schema =>
  object({
    apiVersion: string,
    kind: string,
    metadata: ref(`${META}.ObjectMeta`),
    spec: ref(`io.k8s.api.apps.v1.${kind}Spec`),
    status: ref(`io.k8s.api.apps.v1.${kind}Status`),
  })

export const APPS_V1_DEFINITIONS: Record<string, Schema> = {
  'io.k8s.api.apps.v1.Deployment': topLevel('Deployment'),
  'io.k8s.api.apps.v1.DeploymentSpec': object(
    {
      replicas: int32,
      selector: ref(`${META}.LabelSelector`),
      template: ref('io.k8s.api.core.v1.PodTemplateSpec'),
      strategy: {
        ...ref('io.k8s.api.apps.v1.DeploymentStrategy'),
        'x-kubernetes-patch-strategy': 'retainKeys',
      },
      minReadySeconds: int32,
      revisionHistoryLimit: int32,
      paused: bool,
      progressDeadlineSeconds: int32,
    },
    ['selector', 'template'],
  ),
  'io.k8s.api.apps.v1.DeploymentStrategy': object({
    type: string,
    rollingUpdate: ref('io.k8s.api.apps.v1.RollingUpdateDeployment'),
  }),
  'io.k8s.api.apps.v1.RollingUpdateDeployment': object({
    maxUnavailable: ref('io.k8s.apimachinery.pkg.util.intstr.IntOrString'),
    maxSurge: ref('io.k8s.apimachinery.pkg.util.intstr.IntOrString'),
  }),
  'io.k8s.api.apps.v1.DeploymentStatus': object({
    observedGeneration: int64,
    replicas: int32,
    updatedReplicas: int32,
    readyReplicas: int32,
    availableReplicas: int32,
    unavailableReplicas: int32,
    terminatingReplicas: int32,
    conditions: conditions('io.k8s.api.apps.v1.DeploymentCondition'),
    collisionCount: int32,
  }),
  'io.k8s.api.apps.v1.DeploymentCondition': object(
    {
      type: string,
      status: string,
      lastUpdateTime: ref(`${META}.Time`),
      lastTransitionTime: ref(`${META}.Time`),
      reason: string,
      message: string,
    },
    ['type', 'status'],
  ),
  'io.k8s.api.apps.v1.ReplicaSet': topLevel('ReplicaSet'),
  'io.k8s.api.apps.v1.ReplicaSetSpec': object(
    {
      replicas: int32,
      minReadySeconds: int32,
      selector: ref(`${META}.LabelSelector`),
      template: ref('io.k8s.api.core.v1.PodTemplateSpec'),
    },
    ['selector'],
  ),
  'io.k8s.api.apps.v1.ReplicaSetStatus': object(
    {
      replicas: int32,
      fullyLabeledReplicas: int32,
      readyReplicas: int32,
      availableReplicas: int32,
      terminatingReplicas: int32,
      observedGeneration: int64,
      conditions: conditions('io.k8s.api.apps.v1.ReplicaSetCondition'),
    },
    ['replicas'],
  ),
  'io.k8s.api.apps.v1.ReplicaSetCondition': object(
    {
      type: string,
      status: string,
      lastTransitionTime: ref(`${META}.Time`),
      reason: string,
      message: string,
    },
    ['type', 'status'],
  ),
}

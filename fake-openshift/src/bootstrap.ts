/**
 * What a fresh OpenShift 4 cluster holds before anyone logs in, as data: the default SCCs (field values
 * from openshift/cluster-kube-apiserver-operator bindata/bootkube/scc-manifests), their
 * `system:openshift:scc:<name>` ClusterRoles, the `restricted-v2` binding to system:authenticated, the
 * usual ClusterRoles (cluster-admin, admin, edit, view, basic-user, self-provisioner, image and deployer
 * roles) and bindings, and a few system namespaces holding the first UID blocks.
 */
import {blockAnnotations} from './sim/uid.js'
import type {KObject} from './types.js'

const SCC_API = 'security.openshift.io/v1'
const RBAC_API = 'rbac.authorization.k8s.io/v1'
const RBAC_GROUP = 'rbac.authorization.k8s.io'
const ALL = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']
const READ = ['get', 'list', 'watch']

/** Volume types of the restricted family (4.12+ manifests include csi and ephemeral). */
const RESTRICTED_VOLUMES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]

interface SccInput {
  name: string
  description: string
  priority?: number | null
  allowHostDirVolumePlugin?: boolean
  allowHostIPC?: boolean
  allowHostNetwork?: boolean
  allowHostPID?: boolean
  allowHostPorts?: boolean
  allowPrivilegeEscalation?: boolean
  allowPrivilegedContainer?: boolean
  allowedCapabilities?: string[] | null
  allowedUnsafeSysctls?: string[]
  requiredDropCapabilities?: string[] | null
  runAsUser: string
  seLinuxContext: string
  fsGroup: string
  supplementalGroups: string
  seccompProfiles?: string[]
  users?: string[]
  groups?: string[]
  volumes: string[]
}

function scc(i: SccInput): KObject {
  const o: KObject = {
    apiVersion: SCC_API,
    kind: 'SecurityContextConstraints',
    metadata: {
      name: i.name,
      annotations: {
        'include.release.openshift.io/self-managed-high-availability': 'true',
        'kubernetes.io/description': i.description,
      },
    },
    allowHostDirVolumePlugin: i.allowHostDirVolumePlugin ?? false,
    allowHostIPC: i.allowHostIPC ?? false,
    allowHostNetwork: i.allowHostNetwork ?? false,
    allowHostPID: i.allowHostPID ?? false,
    allowHostPorts: i.allowHostPorts ?? false,
    allowPrivilegeEscalation: i.allowPrivilegeEscalation ?? true,
    allowPrivilegedContainer: i.allowPrivilegedContainer ?? false,
    allowedCapabilities: i.allowedCapabilities ?? null,
    defaultAddCapabilities: null,
    fsGroup: {type: i.fsGroup},
    groups: i.groups ?? [],
    priority: i.priority ?? null,
    readOnlyRootFilesystem: false,
    requiredDropCapabilities: i.requiredDropCapabilities ?? null,
    runAsUser: {type: i.runAsUser},
    seLinuxContext: {type: i.seLinuxContext},
    supplementalGroups: {type: i.supplementalGroups},
    users: i.users ?? [],
    volumes: i.volumes,
  }
  if (i.seccompProfiles) o.seccompProfiles = i.seccompProfiles
  if (i.allowedUnsafeSysctls) o.allowedUnsafeSysctls = i.allowedUnsafeSysctls
  return o
}

/** The OpenShift 4.11+ default SCCs (restricted-v2 is the default for authenticated users). */
export function defaultSCCs(): KObject[] {
  return [
    scc({
      name: 'anyuid',
      description:
        'anyuid provides all features of the restricted SCC but allows users to run with any UID and any GID.',
      priority: 10,
      requiredDropCapabilities: ['MKNOD'],
      runAsUser: 'RunAsAny',
      seLinuxContext: 'MustRunAs',
      fsGroup: 'RunAsAny',
      supplementalGroups: 'RunAsAny',
      groups: ['system:cluster-admins'],
      volumes: RESTRICTED_VOLUMES,
    }),
    scc({
      name: 'hostaccess',
      description:
        'hostaccess allows access to all host namespaces but still requires pods to be run with a UID and SELinux context that are allocated to the namespace.',
      allowHostDirVolumePlugin: true,
      allowHostIPC: true,
      allowHostNetwork: true,
      allowHostPID: true,
      allowHostPorts: true,
      requiredDropCapabilities: ['KILL', 'MKNOD', 'SETUID', 'SETGID'],
      runAsUser: 'MustRunAsRange',
      seLinuxContext: 'MustRunAs',
      fsGroup: 'MustRunAs',
      supplementalGroups: 'RunAsAny',
      volumes: [...RESTRICTED_VOLUMES, 'hostPath'].sort(),
    }),
    scc({
      name: 'hostmount-anyuid',
      description:
        'hostmount-anyuid provides all the features of the restricted SCC but allows host mounts and any UID by a pod.',
      allowHostDirVolumePlugin: true,
      requiredDropCapabilities: ['MKNOD'],
      runAsUser: 'RunAsAny',
      seLinuxContext: 'MustRunAs',
      fsGroup: 'RunAsAny',
      supplementalGroups: 'RunAsAny',
      users: ['system:serviceaccount:openshift-infra:pv-recycler-controller'],
      volumes: [...RESTRICTED_VOLUMES, 'hostPath', 'nfs'].sort(),
    }),
    scc({
      name: 'hostnetwork',
      description:
        'hostnetwork allows using host networking and host ports but still requires pods to be run with a UID and SELinux context that are allocated to the namespace.',
      allowHostNetwork: true,
      allowHostPorts: true,
      requiredDropCapabilities: ['KILL', 'MKNOD', 'SETUID', 'SETGID'],
      runAsUser: 'MustRunAsRange',
      seLinuxContext: 'MustRunAs',
      fsGroup: 'MustRunAs',
      supplementalGroups: 'MustRunAs',
      volumes: RESTRICTED_VOLUMES,
    }),
    scc({
      name: 'hostnetwork-v2',
      description:
        "hostnetwork allows using host networking and host ports but still requires pods to be run with a UID and SELinux context that are allocated to the namespace. On top of the legacy 'hostnetwork' SCC, it also requires to drop ALL capabilities and does not allow privilege escalation binaries.",
      allowHostNetwork: true,
      allowHostPorts: true,
      allowPrivilegeEscalation: false,
      allowedCapabilities: ['NET_BIND_SERVICE'],
      requiredDropCapabilities: ['ALL'],
      runAsUser: 'MustRunAsRange',
      seLinuxContext: 'MustRunAs',
      fsGroup: 'MustRunAs',
      supplementalGroups: 'MustRunAs',
      seccompProfiles: ['runtime/default'],
      volumes: RESTRICTED_VOLUMES,
    }),
    scc({
      name: 'nonroot',
      description:
        'nonroot provides all features of the restricted SCC but allows users to run with any non-root UID.',
      requiredDropCapabilities: ['KILL', 'MKNOD', 'SETUID', 'SETGID'],
      runAsUser: 'MustRunAsNonRoot',
      seLinuxContext: 'MustRunAs',
      fsGroup: 'RunAsAny',
      supplementalGroups: 'RunAsAny',
      volumes: RESTRICTED_VOLUMES,
    }),
    scc({
      name: 'nonroot-v2',
      description:
        "nonroot provides all features of the restricted SCC but allows users to run with any non-root UID. On top of the legacy 'nonroot' SCC, it also requires to drop ALL capabilities and does not allow privilege escalation binaries.",
      allowPrivilegeEscalation: false,
      allowedCapabilities: ['NET_BIND_SERVICE'],
      requiredDropCapabilities: ['ALL'],
      runAsUser: 'MustRunAsNonRoot',
      seLinuxContext: 'MustRunAs',
      fsGroup: 'RunAsAny',
      supplementalGroups: 'RunAsAny',
      seccompProfiles: ['runtime/default'],
      volumes: RESTRICTED_VOLUMES,
    }),
    scc({
      name: 'privileged',
      description:
        'privileged allows access to all privileged and host features and the ability to run as any user, any group, any fsGroup, and with any SELinux context.',
      allowHostDirVolumePlugin: true,
      allowHostIPC: true,
      allowHostNetwork: true,
      allowHostPID: true,
      allowHostPorts: true,
      allowPrivilegedContainer: true,
      allowedCapabilities: ['*'],
      allowedUnsafeSysctls: ['*'],
      runAsUser: 'RunAsAny',
      seLinuxContext: 'RunAsAny',
      fsGroup: 'RunAsAny',
      supplementalGroups: 'RunAsAny',
      seccompProfiles: ['*'],
      users: ['system:admin', 'system:serviceaccount:openshift-infra:build-controller'],
      groups: ['system:cluster-admins', 'system:nodes', 'system:masters'],
      volumes: ['*'],
    }),
    scc({
      name: 'restricted',
      description:
        'restricted denies access to all host features and requires pods to be run with a UID, and SELinux context that are allocated to the namespace.',
      requiredDropCapabilities: ['KILL', 'MKNOD', 'SETUID', 'SETGID'],
      runAsUser: 'MustRunAsRange',
      seLinuxContext: 'MustRunAs',
      fsGroup: 'MustRunAs',
      supplementalGroups: 'RunAsAny',
      volumes: RESTRICTED_VOLUMES,
    }),
    scc({
      name: 'restricted-v2',
      description:
        "restricted-v2 denies access to all host features and requires pods to be run with a UID, and SELinux context that are allocated to the namespace. This is the most restrictive SCC and it is used by default for authenticated users. On top of the legacy 'restricted' SCC, it also requires to drop ALL capabilities and does not allow privilege escalation binaries. It will also default the seccomp profile to runtime/default if unset, otherwise this seccomp profile is required.",
      allowPrivilegeEscalation: false,
      allowedCapabilities: ['NET_BIND_SERVICE'],
      requiredDropCapabilities: ['ALL'],
      runAsUser: 'MustRunAsRange',
      seLinuxContext: 'MustRunAs',
      fsGroup: 'MustRunAs',
      supplementalGroups: 'RunAsAny',
      seccompProfiles: ['runtime/default'],
      volumes: RESTRICTED_VOLUMES,
    }),
  ]
}

interface Rule {
  apiGroups?: string[]
  resources?: string[]
  verbs: string[]
  resourceNames?: string[]
  nonResourceURLs?: string[]
}

export function clusterRole(name: string, rules: Rule[], annotations?: Record<string, string>): KObject {
  return {
    apiVersion: RBAC_API,
    kind: 'ClusterRole',
    metadata: {name, ...(annotations ? {annotations} : {})},
    rules,
  }
}

type SubjectInput =
  {kind: 'User' | 'Group'; name: string} | {kind: 'ServiceAccount'; name: string; namespace: string}

function subject(s: SubjectInput): Record<string, string> {
  return s.kind === 'ServiceAccount'
    ? {kind: s.kind, name: s.name, namespace: s.namespace}
    : {apiGroup: RBAC_GROUP, kind: s.kind, name: s.name}
}

export function clusterRoleBinding(name: string, role: string, subjects: SubjectInput[]): KObject {
  return {
    apiVersion: RBAC_API,
    kind: 'ClusterRoleBinding',
    metadata: {name},
    roleRef: {apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: role},
    subjects: subjects.map(subject),
  }
}

export function roleBinding(
  namespace: string,
  name: string,
  role: string,
  subjects: SubjectInput[],
  roleKind: 'ClusterRole' | 'Role' = 'ClusterRole',
): KObject {
  return {
    apiVersion: RBAC_API,
    kind: 'RoleBinding',
    metadata: {name, namespace},
    roleRef: {apiGroup: RBAC_GROUP, kind: roleKind, name: role},
    subjects: subjects.map(subject),
  }
}

/** `system:openshift:scc:<name>`: verb `use` on that one SCC (what `oc adm policy add-scc-to-user` binds). */
export function sccClusterRole(sccName: string): KObject {
  return clusterRole(
    `system:openshift:scc:${sccName}`,
    [
      {
        apiGroups: ['security.openshift.io'],
        resources: ['securitycontextconstraints'],
        resourceNames: [sccName],
        verbs: ['use'],
      },
    ],
    {'rbac.authorization.kubernetes.io/autoupdate': 'true'},
  )
}

/** Namespaced project resources, shared by admin and edit (OpenShift's aggregated roles, condensed). */
function projectWriteRules(): Rule[] {
  return [
    {
      apiGroups: [''],
      resources: [
        'pods',
        'pods/attach',
        'pods/exec',
        'pods/portforward',
        'pods/proxy',
        'services',
        'services/proxy',
        'endpoints',
        'persistentvolumeclaims',
        'configmaps',
        'secrets',
        'serviceaccounts',
        'replicationcontrollers',
        'replicationcontrollers/scale',
        'events',
      ],
      verbs: ALL,
    },
    {
      apiGroups: [''],
      resources: ['pods/log', 'pods/status', 'resourcequotas', 'limitranges', 'namespaces', 'bindings'],
      verbs: READ,
    },
    {apiGroups: ['', 'authorization.k8s.io'], resources: ['localsubjectaccessreviews'], verbs: ['create']},
    {
      apiGroups: ['apps'],
      resources: [
        'deployments',
        'deployments/scale',
        'deployments/rollback',
        'replicasets',
        'replicasets/scale',
        'statefulsets',
        'statefulsets/scale',
        'daemonsets',
        'controllerrevisions',
      ],
      verbs: ALL,
    },
    {apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: ALL},
    {apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: ALL},
    {apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'networkpolicies'], verbs: ALL},
    {apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: ALL},
    {apiGroups: ['events.k8s.io'], resources: ['events'], verbs: READ},
    {
      apiGroups: ['build.openshift.io'],
      resources: [
        'builds',
        'buildconfigs',
        'buildconfigs/webhooks',
        'builds/clone',
        'buildconfigs/instantiate',
        'buildconfigs/instantiatebinary',
        'builds/details',
      ],
      verbs: ALL,
    },
    {apiGroups: ['build.openshift.io'], resources: ['builds/log'], verbs: READ},
    {
      apiGroups: ['image.openshift.io'],
      resources: [
        'imagestreams',
        'imagestreammappings',
        'imagestreamtags',
        'imagestreamimages',
        'imagestreamimports',
        'imagetags',
        'imagestreams/secrets',
        'imagestreams/layers',
      ],
      verbs: ALL,
    },
    {
      apiGroups: ['apps.openshift.io'],
      resources: [
        'deploymentconfigs',
        'deploymentconfigs/scale',
        'deploymentconfigs/instantiate',
        'deploymentconfigs/rollback',
        'deploymentconfigrollbacks',
        'generatedeploymentconfigs',
      ],
      verbs: ALL,
    },
    {
      apiGroups: ['apps.openshift.io'],
      resources: ['deploymentconfigs/log', 'deploymentconfigs/status'],
      verbs: READ,
    },
    {apiGroups: ['route.openshift.io'], resources: ['routes', 'routes/custom-host'], verbs: ALL},
    {apiGroups: ['route.openshift.io'], resources: ['routes/status'], verbs: READ},
    {
      apiGroups: ['template.openshift.io'],
      resources: ['templates', 'templateconfigs', 'processedtemplates', 'templateinstances'],
      verbs: ALL,
    },
    {
      apiGroups: ['security.openshift.io'],
      resources: [
        'podsecuritypolicyreviews',
        'podsecuritypolicyselfsubjectreviews',
        'podsecuritypolicysubjectreviews',
      ],
      verbs: ['create'],
    },
    {apiGroups: ['project.openshift.io'], resources: ['projects'], verbs: ['get']},
  ]
}

function viewRules(): Rule[] {
  return [
    {
      apiGroups: [''],
      resources: [
        'pods',
        'pods/log',
        'pods/status',
        'services',
        'endpoints',
        'persistentvolumeclaims',
        'configmaps',
        'serviceaccounts',
        'replicationcontrollers',
        'events',
        'resourcequotas',
        'limitranges',
        'namespaces',
        'bindings',
      ],
      verbs: READ,
    },
    {
      apiGroups: ['apps'],
      resources: [
        'deployments',
        'deployments/scale',
        'replicasets',
        'statefulsets',
        'daemonsets',
        'controllerrevisions',
      ],
      verbs: READ,
    },
    {apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: READ},
    {apiGroups: ['events.k8s.io'], resources: ['events'], verbs: READ},
    {apiGroups: ['build.openshift.io'], resources: ['builds', 'buildconfigs', 'builds/log'], verbs: READ},
    {
      apiGroups: ['image.openshift.io'],
      resources: ['imagestreams', 'imagestreamtags', 'imagestreamimages', 'imagetags', 'imagestreammappings'],
      verbs: READ,
    },
    {
      apiGroups: ['apps.openshift.io'],
      resources: [
        'deploymentconfigs',
        'deploymentconfigs/scale',
        'deploymentconfigs/log',
        'deploymentconfigs/status',
      ],
      verbs: READ,
    },
    {apiGroups: ['route.openshift.io'], resources: ['routes', 'routes/status'], verbs: READ},
    {apiGroups: ['project.openshift.io'], resources: ['projects'], verbs: ['get']},
  ]
}

/** ClusterRoles and bindings of a default cluster. */
export function defaultRbac(): KObject[] {
  const sccNames = defaultSCCs().map(s => s.metadata.name as string)
  return [
    clusterRole('cluster-admin', [
      {apiGroups: ['*'], resources: ['*'], verbs: ['*']},
      {nonResourceURLs: ['*'], verbs: ['*']},
    ]),
    clusterRole('admin', [
      ...projectWriteRules(),
      {apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: ALL},
      {
        apiGroups: ['', 'authorization.openshift.io'],
        resources: [
          'rolebindings',
          'roles',
          'localresourceaccessreviews',
          'localsubjectaccessreviews',
          'subjectrulesreviews',
        ],
        verbs: ['create', ...READ],
      },
      {
        apiGroups: ['project.openshift.io'],
        resources: ['projects'],
        verbs: ['delete', 'get', 'patch', 'update'],
      },
      {apiGroups: [''], resources: ['resourcequotas/status'], verbs: READ},
    ]),
    clusterRole('edit', projectWriteRules()),
    clusterRole('view', viewRules()),
    clusterRole('basic-user', [
      {apiGroups: ['', 'user.openshift.io'], resources: ['users'], resourceNames: ['~'], verbs: ['get']},
      {apiGroups: ['', 'project.openshift.io'], resources: ['projectrequests'], verbs: ['list']},
      {apiGroups: ['', 'project.openshift.io'], resources: ['projects'], verbs: ['list', 'watch']},
      {
        apiGroups: ['authorization.k8s.io'],
        resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
        verbs: ['create'],
      },
      {apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: READ},
      {apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: READ},
      {apiGroups: ['security.openshift.io'], resources: ['securitycontextconstraints'], verbs: READ},
    ]),
    clusterRole('self-provisioner', [
      {apiGroups: ['', 'project.openshift.io'], resources: ['projectrequests'], verbs: ['create']},
    ]),
    clusterRole('system:basic-user', [
      {
        apiGroups: ['authorization.k8s.io'],
        resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
        verbs: ['create'],
      },
      {apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'], verbs: ['create']},
    ]),
    clusterRole('system:discovery', [
      {
        nonResourceURLs: [
          '/api',
          '/api/*',
          '/apis',
          '/apis/*',
          '/healthz',
          '/livez',
          '/openapi',
          '/openapi/*',
          '/readyz',
          '/version',
          '/version/',
        ],
        verbs: ['get'],
      },
    ]),
    clusterRole('system:image-puller', [
      {apiGroups: ['', 'image.openshift.io'], resources: ['imagestreams/layers'], verbs: ['get']},
    ]),
    clusterRole('system:image-builder', [
      {apiGroups: ['', 'image.openshift.io'], resources: ['imagestreams/layers'], verbs: ['get', 'update']},
      {apiGroups: ['', 'image.openshift.io'], resources: ['imagestreams'], verbs: ['create']},
      {apiGroups: ['build.openshift.io'], resources: ['builds/details'], verbs: ['update']},
      {apiGroups: ['build.openshift.io'], resources: ['builds'], verbs: ['get']},
    ]),
    clusterRole('system:deployer', [
      {apiGroups: [''], resources: ['replicationcontrollers'], verbs: ['delete', ...READ, 'patch', 'update']},
      {apiGroups: [''], resources: ['pods'], verbs: READ},
      {apiGroups: [''], resources: ['pods/log'], verbs: ['get']},
      {apiGroups: [''], resources: ['events'], verbs: ['create', 'list']},
      {
        apiGroups: ['', 'image.openshift.io'],
        resources: ['imagestreamtags', 'imagetags'],
        verbs: ['create', 'update'],
      },
    ]),
    ...sccNames.map(sccClusterRole),
    clusterRoleBinding('cluster-admin', 'cluster-admin', [{kind: 'Group', name: 'system:masters'}]),
    clusterRoleBinding('cluster-admins', 'cluster-admin', [
      {kind: 'Group', name: 'system:cluster-admins'},
      {kind: 'User', name: 'system:admin'},
    ]),
    clusterRoleBinding('basic-users', 'basic-user', [{kind: 'Group', name: 'system:authenticated'}]),
    clusterRoleBinding('self-provisioners', 'self-provisioner', [
      {kind: 'Group', name: 'system:authenticated:oauth'},
    ]),
    clusterRoleBinding('system:basic-user', 'system:basic-user', [
      {kind: 'Group', name: 'system:authenticated'},
    ]),
    clusterRoleBinding('system:discovery', 'system:discovery', [
      {kind: 'Group', name: 'system:authenticated'},
    ]),
    clusterRoleBinding('system:openshift:scc:restricted-v2', 'system:openshift:scc:restricted-v2', [
      {kind: 'Group', name: 'system:authenticated'},
    ]),
  ]
}

function namespace(
  name: string,
  annotations: Record<string, string>,
  labels: Record<string, string> = {},
): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {name, annotations, labels: {'kubernetes.io/metadata.name': name, ...labels}},
    spec: {finalizers: ['kubernetes']},
    status: {phase: 'Active'},
  }
}

/**
 * The system namespaces that take the first UID blocks on a fresh cluster, so the first user project
 * gets `1000040000/10000` like the examples in OpenShift's documentation and FACTS.md.
 */
export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'openshift', 'openshift-infra']

export function systemNamespaces(): KObject[] {
  return SYSTEM_NAMESPACES.map((name, i) => namespace(name, blockAnnotations(1_000_000_000 + i * 10_000)))
}

/**
 * Everything of a fresh cluster: system namespaces, SCCs, ClusterRoles and ClusterRoleBindings, and a
 * default StorageClass (installer-provisioned clusters have one; without it PVCs stay Pending).
 */
export function bootstrapObjects(): KObject[] {
  return [...systemNamespaces(), ...defaultSCCs(), ...defaultRbac(), defaultStorageClass()]
}

function serviceAccount(namespace: string, name: string): KObject {
  return {apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name, namespace}}
}

/**
 * A project as `oc new-project NAME` leaves it for user `developer`: the Namespace with the three SCC
 * annotations (and requester), the default/builder/deployer ServiceAccounts, the `admin` RoleBinding and
 * the image-puller/builder/deployer RoleBindings OpenShift's project template creates.
 */
export function defaultProject(name: string, uidStart = 1_000_040_000, requester = 'developer'): KObject[] {
  return [
    namespace(name, {
      ...blockAnnotations(uidStart),
      'openshift.io/requester': requester,
      'openshift.io/description': '',
      'openshift.io/display-name': '',
    }),
    serviceAccount(name, 'default'),
    serviceAccount(name, 'builder'),
    serviceAccount(name, 'deployer'),
    roleBinding(name, 'admin', 'admin', [{kind: 'User', name: requester}]),
    roleBinding(name, 'system:image-pullers', 'system:image-puller', [
      {kind: 'Group', name: `system:serviceaccounts:${name}`},
    ]),
    roleBinding(name, 'system:image-builders', 'system:image-builder', [
      {kind: 'ServiceAccount', name: 'builder', namespace: name},
    ]),
    roleBinding(name, 'system:deployers', 'system:deployer', [
      {kind: 'ServiceAccount', name: 'deployer', namespace: name},
    ]),
  ]
}

/** A default StorageClass, so PVCs bind (the sandbox and most scenarios want one). */
export function defaultStorageClass(name = 'standard-csi'): KObject {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: {name, annotations: {'storageclass.kubernetes.io/is-default-class': 'true'}},
    provisioner: 'csi.sandbox.example.com',
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'Immediate',
    allowVolumeExpansion: true,
  }
}

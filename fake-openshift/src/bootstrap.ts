/**
 * What a fresh OpenShift 4 cluster holds before anyone logs in, as data: the default SCCs (field values
 * from openshift/cluster-kube-apiserver-operator bindata/bootkube/scc-manifests), the default RBAC policy
 * (policy/: the Kubernetes and OpenShift roles and bindings, the SCCs' `system:openshift:scc:<name>`
 * ClusterRoles, `restricted-v2` for system:authenticated), and a few system namespaces holding the first
 * UID blocks, and the StorageClasses of a storage profile.
 */
import {clusterRoleBinding, defaultPolicy, roleBinding} from './policy/index.js'
import {storageProfile} from './profiles/storage.js'
import {blockAnnotations} from './sim/uid.js'
import type {KObject} from './types.js'

const SCC_API = 'security.openshift.io/v1'

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

/** ClusterRoles and bindings of a default cluster (policy/: kubernetes and OpenShift bootstrap policy). */
export function defaultRbac(): KObject[] {
  return defaultPolicy(defaultSCCs().map(s => s.metadata.name as string))
}

/** A ClusterRole from plain rules (tests and scenarios build their own roles with it). */
export function clusterRole(
  name: string,
  rules: Array<Record<string, string[]>>,
  annotations?: Record<string, string>,
): KObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: {name, ...(annotations ? {annotations} : {})},
    rules,
  }
}

export {clusterRoleBinding, roleBinding}

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

/**
 * Further system namespaces the default policy puts Roles in (`openshift-config-managed`: the console's
 * `console-public` Role). They take blocks from the top of the default range, so the first user project
 * still gets the first free block.
 */
export const POLICY_NAMESPACES = ['openshift-config-managed']

export function systemNamespaces(): KObject[] {
  return [
    ...SYSTEM_NAMESPACES.map((name, i) => namespace(name, blockAnnotations(1_000_000_000 + i * 10_000))),
    ...POLICY_NAMESPACES.map((name, i) => namespace(name, blockAnnotations(1_999_990_000 - i * 10_000))),
  ]
}

/**
 * Everything of a fresh cluster: system namespaces, SCCs, ClusterRoles and ClusterRoleBindings, and the
 * StorageClasses of a storage profile (profiles/storage.ts; `standard`: one Immediate default class).
 */
export function bootstrapObjects(storage = 'standard'): KObject[] {
  return [
    ...systemNamespaces(),
    ...defaultSCCs(),
    ...defaultRbac(),
    ...storageProfile(storage).classes,
    ...releaseImageStreams(),
  ]
}

/**
 * Image streams the release puts in `openshift` for workloads to reference (openshift/cluster-samples /
 * release payload): `oauth-proxy` with tag v4.4, which OpenShift 4 clusters carry (readable by every
 * authenticated user through the shared-resource viewer role). The import controller gives it an image.
 */
export function releaseImageStreams(): KObject[] {
  return [
    {
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: {name: 'oauth-proxy', namespace: 'openshift'},
      spec: {
        lookupPolicy: {local: false},
        tags: [
          {
            name: 'v4.4',
            from: {kind: 'DockerImage', name: 'quay.io/openshift-release-dev/ocp-v4.0-art-dev:oauth-proxy'},
            importPolicy: {scheduled: true},
            referencePolicy: {type: 'Source'},
          },
        ],
      },
    },
  ]
}

function serviceAccount(namespace: string, name: string): KObject {
  return {apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name, namespace}}
}

/**
 * A project as `oc new-project NAME` leaves it for user `developer`: the Namespace with the three SCC
 * annotations (from `uidStart`; none when it is null) and requester, the default/builder/deployer ServiceAccounts, the `admin` RoleBinding and
 * the image-puller/builder/deployer RoleBindings OpenShift's project template creates.
 */
export function defaultProject(
  name: string,
  uidStart: number | null = 1_000_040_000,
  requester = 'developer',
): KObject[] {
  return [
    namespace(name, {
      // null: a namespace the cluster-policy-controller never annotated
      ...(uidStart === null ? {} : blockAnnotations(uidStart)),
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

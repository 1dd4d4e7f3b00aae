/** Small healthy DoctorData and builders to break one thing at a time. */
import type {KubeObject} from '../../../src/lib/cluster/index.js'
import type {DoctorData} from '../../../src/lib/doctor/types.js'

export const NS = 'myproject'

export function project(
  annotations: Record<string, string> = {},
  labels: Record<string, string> = {},
): KubeObject {
  return {
    apiVersion: 'project.openshift.io/v1',
    kind: 'Project',
    metadata: {
      name: NS,
      annotations: {
        'openshift.io/sa.scc.uid-range': '1000040000/10000',
        'openshift.io/sa.scc.supplemental-groups': '1000040000/10000',
        'openshift.io/sa.scc.mcs': 's0:c26,c5',
        ...annotations,
      },
      labels: {'kubernetes.io/metadata.name': NS, ...labels},
    },
  }
}

export function deployment(
  spec: {
    podSecurityContext?: object
    containerSecurityContext?: object
    strategy?: string
    claim?: string
  } = {},
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {name: 'notebook', namespace: NS, labels: {app: 'notebook'}},
    spec: {
      strategy: {type: spec.strategy ?? 'Recreate'},
      template: {
        metadata: {labels: {app: 'notebook'}},
        spec: {
          securityContext: {supplementalGroups: [100], ...spec.podSecurityContext},
          containers: [
            {
              name: 'notebook',
              image: 'nb:latest',
              securityContext: {runAsNonRoot: true, ...spec.containerSecurityContext},
            },
          ],
          volumes: [{name: 'data', persistentVolumeClaim: {claimName: spec.claim ?? 'notebook-data'}}],
        },
      },
    },
    status: {conditions: []},
  }
}

export function pod(
  opts: {scc?: string; waiting?: {reason: string; message?: string}; phase?: string; groups?: number[]} = {},
): KubeObject {
  return {
    kind: 'Pod',
    metadata: {
      name: 'notebook-abc-x1',
      namespace: NS,
      labels: {app: 'notebook'},
      annotations: {'openshift.io/scc': opts.scc ?? 'restricted-v2'},
    },
    spec: {
      serviceAccountName: 'default',
      nodeName: opts.phase === 'Pending' ? undefined : 'worker-0',
      securityContext: {fsGroup: 1000040000, supplementalGroups: opts.groups ?? [100]},
      containers: [{name: 'notebook', image: 'nb:latest', securityContext: {runAsUser: 1000040000}}],
    },
    status: {
      phase: opts.phase ?? 'Running',
      containerStatuses: [
        {
          name: 'notebook',
          ready: opts.waiting === undefined,
          restartCount: opts.waiting ? 4 : 0,
          state: opts.waiting ? {waiting: opts.waiting} : {running: {startedAt: 'now'}},
          ...(opts.waiting ? {lastState: {terminated: {exitCode: 1}}} : {}),
        },
      ],
    },
  }
}

export function pvc(phase = 'Bound', storageClassName?: string): KubeObject {
  return {
    kind: 'PersistentVolumeClaim',
    metadata: {name: 'notebook-data', namespace: NS},
    spec: {accessModes: ['ReadWriteOnce'], ...(storageClassName ? {storageClassName} : {})},
    status: {phase},
  }
}

export function route(
  opts: {tls?: boolean; admitted?: {status: string; reason?: string; message?: string}} = {},
): KubeObject {
  return {
    kind: 'Route',
    metadata: {name: 'notebook', namespace: NS},
    spec: {
      host: 'notebook-myproject.apps.example.com',
      ...(opts.tls === false ? {} : {tls: {termination: 'edge'}}),
    },
    status: {
      ingress: [{routerName: 'default', conditions: [{type: 'Admitted', status: 'True', ...opts.admitted}]}],
    },
  }
}

export function event(reason: string, message: string, involved: {kind: string; name: string}): KubeObject {
  return {
    kind: 'Event',
    type: 'Warning',
    reason,
    message,
    involvedObject: involved,
    lastTimestamp: '2024-01-01T00:00:00Z',
  }
}

export function healthy(overrides: Partial<DoctorData> = {}): DoctorData {
  return {
    namespace: NS,
    name: 'notebook',
    serviceAccount: 'default',
    visibility: 'full',
    project: project(),
    pods: [pod()],
    events: [],
    workloads: [deployment()],
    replicaSets: [],
    serviceAccounts: ['default'],
    pvcs: [pvc()],
    routes: [route()],
    imageStreams: [],
    imageStreamTags: {
      'nb:latest': {
        kind: 'ImageStreamTag',
        metadata: {name: 'nb:latest'},
        image: {dockerImageMetadata: {Config: {User: '1000', ExposedPorts: {'8888/tcp': {}}}}},
      },
    },
    buildConfigs: [],
    builds: [],
    rbac: {roleBindings: [], clusterRoleBindings: [], roles: {}},
    access: {},
    sccs: {
      anyuid: {
        kind: 'SecurityContextConstraints',
        metadata: {name: 'anyuid'},
        users: [],
        groups: ['system:cluster-admins'],
      },
    },
    probeReview: {allowedBy: null, subject: 'probe'},
    templateReviews: [
      {
        allowedBy: 'restricted-v2',
        subject: 'pod template of Deployment/notebook',
        workload: {kind: 'Deployment', name: 'notebook'},
      },
    ],
    podLogs: [],
    unread: [],
    ...overrides,
  }
}

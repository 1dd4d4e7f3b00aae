import {describe, expect, it} from 'vitest'

import {parseSccRejection, reviewDenied, sccRejected} from '../../../src/lib/doctor/checks/admission.js'
import {buildFailed, builderNoImage, builderTag} from '../../../src/lib/doctor/checks/build.js'
import {
  EXEC_CHECKS,
  execConda,
  execHome,
  execIdentity,
  execVolume,
  execWhoami,
} from '../../../src/lib/doctor/checks/exec.js'
import {anyuidUsable, podScc, privilegedUsable} from '../../../src/lib/doctor/checks/grants.js'
import {imageUser, privilegedPorts} from '../../../src/lib/doctor/checks/image.js'
import {CLUSTER_CHECKS} from '../../../src/lib/doctor/checks/index.js'
import {
  condaNotWritable,
  crashLoopUnknown,
  createContainerConfigError,
  dockerStacksNotWritable,
  generatedToken,
  homeNotWritable,
  instanceNotFound,
  notebookAuthMissing,
  permissionDenied,
  unschedulable,
  userLookupFailed,
} from '../../../src/lib/doctor/checks/pods.js'
import {
  fsGroupOutsideRange,
  mcsMissing,
  psaStricterThanPods,
  psaSyncDisabled,
  runAsUserOutsideRange,
  supplementalMalformed,
  uidRangeMalformed,
  uidRangeMissing,
} from '../../../src/lib/doctor/checks/project.js'
import {routeNoTls, routeNotAdmitted} from '../../../src/lib/doctor/checks/route.js'
import {failedMount, pvcPending, rwoRollingUpdate} from '../../../src/lib/doctor/checks/storage.js'
import {runChecks} from '../../../src/lib/doctor/report.js'
import type {Check, DoctorData} from '../../../src/lib/doctor/types.js'
import {deployment, event, healthy, pod, project, pvc, route} from './fixtures.js'

function one(check: Check<DoctorData>, data: DoctorData) {
  const fs = check.run(data)
  expect(fs).toHaveLength(1)
  expect(fs[0].checkId).toBe(check.id)
  expect(fs[0].severity).toBe(check.severity)
  expect(fs[0].remediation.length).toBeGreaterThan(0)
  return fs[0]
}

const crashing = (
  previous: string[],
  current: string[] = [],
  groups: number[] = [],
): Partial<DoctorData> => ({
  pods: [pod({waiting: {reason: 'CrashLoopBackOff', message: 'back-off 40s'}, groups})],
  podLogs: [{pod: 'notebook-abc-x1', container: 'notebook', previous, current}],
})

describe('doctor catalogue', () => {
  it('has unique, stable-looking ids and complete docs fields', () => {
    const all = [...CLUSTER_CHECKS, ...EXEC_CHECKS]
    expect(new Set(all.map(c => c.id)).size).toBe(all.length)
    for (const c of all) {
      expect(c.id).toMatch(/^[a-z]+\.[a-z0-9-]+$/)
      expect(c.id.startsWith(`${c.area}.`)).toBe(true)
      for (const f of [c.title, c.reads, c.fires, c.fix]) expect(f.length).toBeGreaterThan(5)
    }
  })

  it('a healthy project yields no finding from any check', () => {
    expect(runChecks([...CLUSTER_CHECKS, ...EXEC_CHECKS], healthy())).toEqual([])
  })
})

describe('password and login (FACTS.md §The upstream builder)', () => {
  const withEnv = (env: Array<{name: string; value?: string}>): DoctorData => {
    const d = deployment()
    ;(d.spec as any).template.spec.containers[0].env = env
    const p = pod()
    ;(p.spec as any).containers[0].env = env
    return healthy({workloads: [d], pods: [p]})
  }

  it('notebook.auth: the crash line, why, and `oc set env NAME-` (plus deploy when JUPYTER_TOKEN is missing)', () => {
    const log = [
      'Traceback (most recent call last):',
      '  File "<string>", line 1, in <module>',
      "ModuleNotFoundError: No module named 'notebook.auth'",
    ]
    const f = one(notebookAuthMissing, healthy(crashing(log)))
    expect(f.message).toContain('crash-loops')
    expect(f.message).toContain('Notebook 7')
    expect(f.evidence[0]).toBe("previous log: ModuleNotFoundError: No module named 'notebook.auth'")
    expect(f.remediation.split('\n')).toEqual([
      'oc set env deployment/notebook JUPYTER_NOTEBOOK_PASSWORD- -n myproject',
      'oc jupyter deploy notebook -n myproject',
    ])
    const withToken = {
      ...withEnv([{name: 'JUPYTER_TOKEN'}]),
      ...crashing(log),
    }
    withToken.workloads = withEnv([{name: 'JUPYTER_TOKEN'}]).workloads
    expect(one(notebookAuthMissing, withToken).remediation).toBe(
      'oc set env deployment/notebook JUPYTER_NOTEBOOK_PASSWORD- -n myproject',
    )
    // the generic crash-loop check leaves it to the specific one
    expect(crashLoopUnknown.run(healthy(crashing(log)))).toEqual([])
  })

  it('a generated token in a running notebook log: never quoted, fixed by deploying with JUPYTER_TOKEN', () => {
    const token = 'a'.repeat(8) + '0123456789abcdef'.repeat(2) + 'b'.repeat(8)
    const line = `[I 2026-01-01 ServerApp]     http://127.0.0.1:8888/lab?token=${token}`
    const running = (d: DoctorData): DoctorData => ({
      ...d,
      podLogs: [{pod: 'notebook-abc-x1', container: 'notebook', previous: [], current: ['started', line]}],
    })
    const f = one(generatedToken, running(withEnv([{name: 'PERSISTENT_VOLUME_ROOTDIR', value: '/v'}])))
    expect(f.message).toContain('JUPYTER_TOKEN is not set')
    expect(JSON.stringify(f)).not.toContain(token)
    expect(f.evidence[0]).toContain('token=<redacted>')
    expect(f.remediation).toContain('oc jupyter deploy notebook -n myproject')
    const overridden = one(generatedToken, running(withEnv([{name: 'JUPYTER_TOKEN'}])))
    expect(overridden.message).toContain('overrides it')
    // a token from the environment is printed masked: no finding
    expect(
      generatedToken.run({
        ...withEnv([{name: 'JUPYTER_TOKEN'}]),
        podLogs: [
          {
            pod: 'notebook-abc-x1',
            container: 'notebook',
            previous: [],
            current: ['http://x:8888/lab?token=...'],
          },
        ],
      }),
    ).toEqual([])
  })
})

describe('project checks', () => {
  it('uid-range missing / malformed', () => {
    const p = project()
    delete p.metadata?.annotations?.['openshift.io/sa.scc.uid-range']
    expect(one(uidRangeMissing, healthy({project: p})).message).toContain(
      'unable to find annotation openshift.io/sa.scc.uid-range',
    )
    const bad = one(uidRangeMalformed, healthy({project: project({'openshift.io/sa.scc.uid-range': 'lots'})}))
    expect(bad.evidence[0]).toContain('"lots"')
    expect(
      uidRangeMalformed.run(
        healthy({project: project({'openshift.io/sa.scc.uid-range': '1000040000-1000049999'})}),
      ),
    ).toEqual([])
  })

  it('mcs missing or not a level; supplemental groups malformed', () => {
    const p = project()
    delete p.metadata?.annotations?.['openshift.io/sa.scc.mcs']
    one(mcsMissing, healthy({project: p}))
    one(mcsMissing, healthy({project: project({'openshift.io/sa.scc.mcs': 'c26'})}))
    one(
      supplementalMalformed,
      healthy({project: project({'openshift.io/sa.scc.supplemental-groups': 'x/y'})}),
    )
  })

  it('runAsUser and fsGroup outside the blocks', () => {
    const f = one(
      runAsUserOutsideRange,
      healthy({workloads: [deployment({containerSecurityContext: {runAsUser: 1000}})]}),
    )
    expect(f.evidence[0]).toBe(
      'container notebook securityContext.runAsUser: 1000 (allowed: 1000040000..1000049999)',
    )
    expect(
      runAsUserOutsideRange.run(
        healthy({workloads: [deployment({containerSecurityContext: {runAsUser: 1000040005}})]}),
      ),
    ).toEqual([])
    const g = one(
      fsGroupOutsideRange,
      healthy({workloads: [deployment({podSecurityContext: {fsGroup: 100}})]}),
    )
    expect(g.remediation).toContain('/spec/template/spec/securityContext/fsGroup')
  })

  it('PSA restricted with an anyuid pod; label sync off', () => {
    const labels = {'pod-security.kubernetes.io/enforce': 'restricted'}
    one(psaStricterThanPods, healthy({project: project({}, labels), pods: [pod({scc: 'anyuid'})]}))
    expect(psaStricterThanPods.run(healthy({project: project({}, labels)}))).toEqual([])
    one(
      psaSyncDisabled,
      healthy({project: project({}, {'security.openshift.io/scc.podSecurityLabelSync': 'false'})}),
    )
  })
})

const REJECTION =
  'Error creating: pods "notebook-5c8d7f9b6-" is forbidden: unable to validate against any security context constraint: [provider "anyuid": Forbidden: not usable by user or serviceaccount, spec.containers[0].securityContext.runAsUser: Invalid value: 1000: must be in the ranges: [1000040000, 1000049999], provider "restricted-v2": Forbidden: not usable by user or serviceaccount]'

describe('admission checks', () => {
  it('parses the per-provider reasons of an SCC rejection', () => {
    expect(parseSccRejection(REJECTION)).toEqual([
      'anyuid: Forbidden: not usable by user or serviceaccount',
      'spec.containers[0].securityContext.runAsUser: Invalid value: 1000: must be in the ranges: [1000040000, 1000049999]',
      'restricted-v2: Forbidden: not usable by user or serviceaccount',
    ])
    expect(parseSccRejection('something else')).toEqual([])
  })

  it('FailedCreate events and the ReplicaFailure condition give one finding with the reasons', () => {
    const d = deployment()
    d.status = {
      conditions: [{type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: REJECTION}],
    }
    const f = one(
      sccRejected,
      healthy({
        workloads: [d],
        events: [event('FailedCreate', REJECTION, {kind: 'ReplicaSet', name: 'notebook-5c8d7f9b6'})],
      }),
    )
    expect(f.object).toEqual({kind: 'ReplicaSet', name: 'notebook-5c8d7f9b6'})
    expect(f.evidence).toHaveLength(3)
    expect(f.remediation).toContain('oc edit deployment/notebook -n myproject   # delete runAsUser')
    expect(
      sccRejected.run(
        healthy({events: [event('FailedCreate', 'exceeded quota', {kind: 'ReplicaSet', name: 'x'})]}),
      ),
    ).toEqual([])
  })

  it('a template review with allowedBy null', () => {
    const f = one(
      reviewDenied,
      healthy({
        templateReviews: [
          {
            allowedBy: null,
            reason: 'CantAssignSecurityContextConstraintProvider',
            subject: 'pod template of Deployment/notebook',
            workload: {kind: 'Deployment', name: 'notebook'},
          },
        ],
      }),
    )
    expect(f.evidence).toEqual(['allowedBy: null', 'reason: CantAssignSecurityContextConstraintProvider'])
  })
})

describe('grant checks', () => {
  const rb = {
    kind: 'RoleBinding',
    metadata: {name: 'system:openshift:scc:anyuid', namespace: 'myproject'},
    roleRef: {kind: 'ClusterRole', name: 'system:openshift:scc:anyuid'},
    subjects: [{kind: 'ServiceAccount', name: 'default', namespace: 'myproject'}],
  }

  it('anyuid through a RoleBinding, with the admin removal command', () => {
    const f = one(anyuidUsable, healthy({roleBindings: [rb]}))
    expect(f.evidence).toEqual([
      'RoleBinding system:openshift:scc:anyuid in myproject binds service account default to ClusterRole system:openshift:scc:anyuid',
    ])
    expect(f.remediation.split('\n')[0]).toBe(
      'oc adm policy remove-scc-from-user anyuid -z default -n myproject',
    )
  })

  it('anyuid through the SCC users list, a group, the ClusterRoleBinding and the review', () => {
    const f = one(
      anyuidUsable,
      healthy({
        sccs: {
          anyuid: {
            metadata: {name: 'anyuid'},
            users: ['system:serviceaccount:myproject:default'],
            groups: ['system:serviceaccounts:myproject'],
          },
        },
        clusterRoleBindings: {
          anyuid: {...rb, kind: 'ClusterRoleBinding', metadata: {name: 'system:openshift:scc:anyuid'}},
        },
        probeReview: {allowedBy: 'anyuid', subject: 'probe'},
      }),
    )
    expect(f.evidence).toContain(
      'SecurityContextConstraints anyuid lists user system:serviceaccount:myproject:default',
    )
    expect(f.evidence.some(e => e.startsWith('ClusterRoleBinding system:openshift:scc:anyuid binds'))).toBe(
      true,
    )
    expect(f.evidence.some(e => e.includes('group system:serviceaccounts:myproject'))).toBe(true)
    expect(f.evidence).toContain(
      'SCC subject review: a pod with runAsUser 1000 run as default is admitted by anyuid',
    )
    expect(f.remediation).toContain(
      'oc adm policy remove-scc-from-group anyuid system:serviceaccounts:myproject',
    )
    expect(f.remediation).toContain(
      'oc adm policy remove-scc-from-user anyuid system:serviceaccount:myproject:default',
    )
    expect(f.remediation).toContain('oc edit scc anyuid')
    // -z SA -n NS edits only the RoleBinding, which does not exist here
    expect(f.remediation).not.toContain('-z default -n myproject')
  })

  it('privileged through a RoleBinding; a binding for another SA does not count', () => {
    const priv = {
      ...rb,
      metadata: {name: 'system:openshift:scc:privileged', namespace: 'myproject'},
      roleRef: {kind: 'ClusterRole', name: 'system:openshift:scc:privileged'},
    }
    expect(one(privilegedUsable, healthy({roleBindings: [priv]})).remediation).toBe(
      'oc adm policy remove-scc-from-user privileged -z default -n myproject',
    )
    const other = {...rb, subjects: [{kind: 'ServiceAccount', name: 'builder', namespace: 'myproject'}]}
    expect(anyuidUsable.run(healthy({roleBindings: [other]}))).toEqual([])
  })

  it('a pod admitted by anyuid', () => {
    expect(one(podScc, healthy({pods: [pod({scc: 'anyuid'})]})).evidence).toEqual([
      'openshift.io/scc: anyuid',
    ])
  })
})

describe('pod checks', () => {
  it('PermissionError on /home/jovyan/.jupyter: fixed-UID image, rebuild or supplementalGroups 100', () => {
    const f = one(
      homeNotWritable,
      healthy(
        crashing([
          'Traceback (most recent call last):',
          "PermissionError: [Errno 13] Permission denied: '/home/jovyan/.jupyter'",
        ]),
      ),
    )
    expect(f.evidence[0]).toBe(
      "previous log: PermissionError: [Errno 13] Permission denied: '/home/jovyan/.jupyter'",
    )
    expect(f.evidence[1]).toContain('SCC restricted-v2, runAsUser 1000040000, gid 0')
    expect(f.remediation).toContain('oc jupyter build -n myproject')
    expect(f.remediation).toContain('"supplementalGroups":[100]')
    expect(
      permissionDenied.run(
        healthy(crashing(["PermissionError: [Errno 13] Permission denied: '/home/jovyan/.jupyter'"])),
      ),
    ).toEqual([])
    expect(
      crashLoopUnknown.run(
        healthy(crashing(["PermissionError: [Errno 13] Permission denied: '/home/jovyan/.jupyter'"])),
      ),
    ).toEqual([])
  })

  it('each log pattern maps to its check', () => {
    one(dockerStacksNotWritable, healthy(crashing(['Running as jovyan', 'no write access to /home/jovyan'])))
    one(
      condaNotWritable,
      healthy(
        crashing(
          [],
          [
            'EnvironmentNotWritableError: The current user does not have write permissions to the target environment.',
          ],
        ),
      ),
    )
    one(condaNotWritable, healthy(crashing(['CondaIOError: Missing write permissions in: /opt/conda'])))
    one(userLookupFailed, healthy(crashing(["KeyError: 'getpwuid(): uid not found: 1000040000'"])))
    one(userLookupFailed, healthy(crashing(['whoami: cannot find name for user ID 1000040000'])))
    one(userLookupFailed, healthy(crashing(['I have no name!@notebook:~$'])))
    const p = one(
      permissionDenied,
      healthy(crashing(["mkdir: cannot create directory '/data/work': Permission denied"])),
    )
    expect(p.message).toContain('/data/work')
  })

  it('an unexplained crash loop is a warning with the log tail', () => {
    const f = one(crashLoopUnknown, healthy(crashing(['boom'])))
    expect(f.evidence).toEqual(['back-off 40s', 'log: boom'])
    expect(f.remediation).toBe('oc logs notebook-abc-x1 -c notebook --previous -n myproject')
  })

  it('CreateContainerConfigError: runAsNonRoot with a root image', () => {
    const f = one(
      createContainerConfigError,
      healthy({
        pods: [
          pod({
            waiting: {
              reason: 'CreateContainerConfigError',
              message:
                'container has runAsNonRoot and image will run as root (pod: "x", container: notebook)',
            },
          }),
        ],
      }),
    )
    expect(f.message).toContain('runs as root')
    one(
      createContainerConfigError,
      healthy({
        pods: [
          pod({
            waiting: {
              reason: 'CreateContainerConfigError',
              message:
                'container has runAsNonRoot and image has non-numeric user (jovyan), cannot verify user is non-root',
            },
          }),
        ],
      }),
    )
  })

  it('NAME given but nothing of it found', () => {
    one(instanceNotFound, healthy({workloads: [], pods: []}))
    expect(instanceNotFound.run(healthy({name: undefined, workloads: [], pods: []}))).toEqual([])
  })

  it('a Pending pod with FailedScheduling', () => {
    one(
      unschedulable,
      healthy({
        pods: [pod({phase: 'Pending'})],
        events: [
          event(
            'FailedScheduling',
            '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.',
            {kind: 'Pod', name: 'notebook-abc-x1'},
          ),
        ],
      }),
    )
  })
})

describe('image, storage, route, build checks', () => {
  const ist = (user: string, ports: string[] = ['8888/tcp']) => ({
    'nb:latest': {
      metadata: {name: 'nb:latest'},
      image: {
        dockerImageMetadata: {
          Config: {User: user, ExposedPorts: Object.fromEntries(ports.map(p => [p, {}]))},
        },
      },
    },
  })

  it('image USER empty, root, 0 or a name; ports below 1024', () => {
    for (const u of ['', 'root', '0', '0:0', 'jovyan']) one(imageUser, healthy({imageStreamTags: ist(u)}))
    expect(imageUser.run(healthy({imageStreamTags: ist('1001:0')}))).toEqual([])
    expect(
      one(privilegedPorts, healthy({imageStreamTags: ist('1001', ['80/tcp', '8888/tcp'])})).evidence,
    ).toEqual(['nb:latest: ExposedPorts 80/tcp'])
  })

  it('PVC Pending: missing class, no default class, ProvisioningFailed', () => {
    const missing = one(
      pvcPending,
      healthy({
        pvcs: [pvc('Pending', 'missing-class')],
        storageClasses: [{metadata: {name: 'standard-csi'}}],
      }),
    )
    expect(missing.message).toContain('StorageClass missing-class does not exist')
    const noDefault = one(
      pvcPending,
      healthy({pvcs: [pvc('Pending')], storageClasses: [{metadata: {name: 'slow'}}]}),
    )
    expect(noDefault.message).toContain('no default StorageClass')
    const prov = one(
      pvcPending,
      healthy({
        pvcs: [pvc('Pending')],
        events: [
          event('ProvisioningFailed', 'quota exceeded', {
            kind: 'PersistentVolumeClaim',
            name: 'notebook-data',
          }),
        ],
      }),
    )
    expect(prov.evidence).toEqual(['ProvisioningFailed: quota exceeded'])
  })

  it('RWO volume with RollingUpdate; FailedMount', () => {
    const f = one(rwoRollingUpdate, healthy({workloads: [deployment({strategy: 'RollingUpdate'})]}))
    expect(f.remediation).toContain('"type":"Recreate"')
    one(
      failedMount,
      healthy({
        pods: [pod({phase: 'Pending'})],
        events: [event('FailedMount', 'Multi-Attach error', {kind: 'Pod', name: 'notebook-abc-x1'})],
      }),
    )
  })

  it('route not admitted (reason) and without TLS', () => {
    const f = one(
      routeNotAdmitted,
      healthy({
        routes: [
          route({
            admitted: {
              status: 'False',
              reason: 'HostAlreadyClaimed',
              message: 'route x already exposes host',
            },
          }),
        ],
      }),
    )
    expect(f.message).toContain('HostAlreadyClaimed')
    expect(f.remediation).toContain('--hostname')
    one(routeNoTls, healthy({routes: [route({tls: false})]}))
  })

  it('a failed build quotes the matching log line and the known remedy', () => {
    const build = {
      kind: 'Build',
      metadata: {
        name: 's2i-minimal-notebook-1',
        labels: {'openshift.io/build-config.name': 's2i-minimal-notebook'},
      },
      status: {phase: 'Failed', reason: 'DockerBuildFailed'},
    }
    const f = one(
      buildFailed,
      healthy({
        builds: [
          {
            build,
            log: ['Step 3/9', "E: Package 'libav-tools' has no installation candidate", 'error: build error'],
          },
        ],
      }),
    )
    expect(f.evidence).toEqual([
      'phase: Failed, reason: DockerBuildFailed',
      "log: E: Package 'libav-tools' has no installation candidate",
    ])
    // No BuildConfig in the data: the remedy is the repaired default build
    expect(f.remediation).toBe('oc jupyter build -n myproject')
    expect(buildFailed.run(healthy({builds: [{build: {...build, status: {phase: 'Complete'}}}]}))).toEqual([])
  })

  it('builder image stream tag without the builder annotation or an image', () => {
    const is = {
      kind: 'ImageStream',
      metadata: {name: 's2i-minimal-notebook', labels: {'app.kubernetes.io/component': 'builder'}},
      spec: {tags: [{name: 'latest', annotations: {tags: 'python'}}]},
      status: {tags: []},
    }
    one(builderTag, healthy({imageStreams: [is]}))
    one(builderNoImage, healthy({imageStreams: [is]}))
    const good = {
      ...is,
      spec: {tags: [{name: 'latest', annotations: {tags: 'builder,python'}}]},
      status: {tags: [{tag: 'latest', items: [{image: 'sha256:1'}]}]},
    }
    expect([
      ...builderTag.run(healthy({imageStreams: [good]})),
      ...builderNoImage.run(healthy({imageStreams: [good]})),
    ]).toEqual([])
  })

  it('the base image of a Docker build is not a builder, whatever its labels (no false alarm after oc jupyter build)', () => {
    const base = {
      kind: 'ImageStream',
      metadata: {name: 'minimal-notebook', labels: {'app.kubernetes.io/component': 'builder'}},
      spec: {
        tags: [
          {
            name: '2025-12-31',
            from: {kind: 'DockerImage', name: 'quay.io/jupyter/minimal-notebook:2025-12-31'},
          },
        ],
      },
      status: {tags: [{tag: '2025-12-31', items: [{image: 'sha256:1'}]}]},
    }
    const bc = {
      kind: 'BuildConfig',
      metadata: {name: 's2i-minimal-notebook'},
      spec: {
        strategy: {dockerStrategy: {from: {kind: 'ImageStreamTag', name: 'minimal-notebook:2025-12-31'}}},
      },
    }
    expect(builderTag.run(healthy({imageStreams: [base], buildConfigs: [bc]}))).toEqual([])
    expect(builderTag.run(healthy({imageStreams: [base]}))).toHaveLength(1)
  })
})

describe('exec checks', () => {
  const exec = (probes: Array<[string, number, string?]>) => ({
    exec: {
      pod: 'notebook-abc-x1',
      container: 'notebook',
      mounts: ['/home/jovyan/volume'],
      probes: probes.map(([command, exitCode, stdout = '']) => ({command, exitCode, stdout, stderr: ''})),
    },
  })

  it('identity outside the range, no user name, unwritable home/volume/conda', () => {
    one(execIdentity, healthy(exec([['id', 0, 'uid=1000(jovyan) gid=100(users) groups=100(users)']])))
    expect(
      execIdentity.run(healthy(exec([['id', 0, 'uid=1000040000 gid=0(root) groups=0(root),1000040000']]))),
    ).toEqual([])
    one(execWhoami, healthy(exec([['whoami', 1]])))
    one(execHome, healthy(exec([['home', 1]])))
    expect(one(execVolume, healthy(exec([['volume:/home/jovyan/volume', 1]]))).message).toContain(
      '/home/jovyan/volume',
    )
    one(execConda, healthy(exec([['conda', 1]])))
  })
})

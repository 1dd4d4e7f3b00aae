import {describe, expect, it} from 'vitest'

import {renderDeployObjects, renderNotebook, renderNotebookObjects} from '../../../src/lib/render/notebook.js'
import {randomPassword} from '../../../src/lib/render/secret.js'
import {toJson, toYaml} from '../../../src/lib/render/serialize.js'
import {LABEL_KEYS, PASSWORD, at, deployOpts} from './fixtures.js'

const labelsOf = (name: string) => ({
  app: name,
  'app.kubernetes.io/instance': name,
  'app.kubernetes.io/component': 'notebook',
  'app.kubernetes.io/part-of': 'oc-jupyter',
  'app.kubernetes.io/managed-by': 'oc-jupyter',
})

describe('renderNotebookObjects', () => {
  const objects = renderNotebookObjects(deployOpts(), PASSWORD)
  const o = renderNotebook(deployOpts(), PASSWORD)

  it('renders Secret, PVC, Service, Route, Deployment in apply order', () => {
    expect(objects.map(x => `${x.apiVersion} ${x.kind}/${x.metadata.name}`)).toEqual([
      'v1 Secret/notebook-password',
      'v1 PersistentVolumeClaim/notebook-data',
      'v1 Service/notebook',
      'route.openshift.io/v1 Route/notebook',
      'apps/v1 Deployment/notebook',
    ])
  })

  it('puts the five labels on every object, and on the pod template', () => {
    for (const obj of objects) expect(obj.metadata.labels, obj.kind).toEqual(labelsOf('notebook'))
    expect(Object.keys(objects[0].metadata.labels)).toEqual(LABEL_KEYS)
    expect(at(o.workload, 'spec.template.metadata.labels')).toEqual(labelsOf('notebook'))
  })

  it('omits namespace unless given', () => {
    for (const obj of objects) expect(obj.metadata.namespace).toBeUndefined()
    for (const obj of renderNotebookObjects(deployOpts({}, undefined, 'proj'), PASSWORD))
      expect(obj.metadata.namespace).toBe('proj')
  })

  it('Secret: the password base64 under key "password"; stringData on request', () => {
    expect(o.secret!.type).toBe('Opaque')
    expect(o.secret!.data).toEqual({password: Buffer.from(PASSWORD).toString('base64')})
    expect(o.secret!.stringData).toBeUndefined()
    const s = renderNotebook(deployOpts(), 'p', {secretEncoding: 'stringData'}).secret!
    expect(s.stringData).toEqual({password: 'p'})
    expect(s.data).toBeUndefined()
  })

  it('PVC: size, access mode, optional storage class', () => {
    expect(o.claim?.spec).toEqual({accessModes: ['ReadWriteOnce'], resources: {requests: {storage: '1Gi'}}})
    const c = renderNotebook(
      deployOpts({'volume-size': '1G', 'access-mode': 'RWX', 'storage-class': 'nfs'}),
      PASSWORD,
    ).claim
    expect(c?.spec).toEqual({
      accessModes: ['ReadWriteMany'],
      resources: {requests: {storage: '1G'}},
      storageClassName: 'nfs',
    })
  })

  it('Service: port 8888-tcp 8888 → 8888, selecting only this instance’s notebook pods', () => {
    expect(o.service.spec).toEqual({
      selector: {'app.kubernetes.io/instance': 'notebook', 'app.kubernetes.io/component': 'notebook'},
      ports: [{name: '8888-tcp', protocol: 'TCP', port: 8888, targetPort: 8888}],
    })
    expect(at(o.workload, 'spec.selector.matchLabels')).toEqual(at(o.service, 'spec.selector'))
  })

  it('Route: edge + Redirect, both router timeouts, target port 8888-tcp', () => {
    expect(o.route.metadata.annotations).toEqual({
      'haproxy.router.openshift.io/timeout': '5m',
      'haproxy.router.openshift.io/timeout-tunnel': '24h',
    })
    expect(o.route.spec).toEqual({
      to: {kind: 'Service', name: 'notebook', weight: 100},
      port: {targetPort: '8888-tcp'},
      tls: {termination: 'edge', insecureEdgeTerminationPolicy: 'Redirect'},
      wildcardPolicy: 'None',
    })
    const r = renderNotebook(
      deployOpts({hostname: 'nb.apps.example.com', 'insecure-policy': 'None'}),
      PASSWORD,
    ).route
    expect(at(r, 'spec.host')).toBe('nb.apps.example.com')
    expect(at(r, 'spec.tls.insecureEdgeTerminationPolicy')).toBe('None')
  })

  describe('Deployment', () => {
    const d = o.workload
    const pod = at(d, 'spec.template.spec')
    const c = pod.containers[0]

    it('one replica, Recreate strategy', () => {
      expect(at(d, 'spec.replicas')).toBe(1)
      expect(at(d, 'spec.strategy')).toEqual({type: 'Recreate'})
    })

    it('container notebook, image STREAM:TAG, port 8888 named 8888-tcp', () => {
      expect(pod.containers).toHaveLength(1)
      expect(c.name).toBe('notebook')
      expect(c.image).toBe('s2i-minimal-notebook:latest')
      expect(c.ports).toEqual([{name: '8888-tcp', containerPort: 8888, protocol: 'TCP'}])
    })

    it('env: PERSISTENT_VOLUME_ROOTDIR and the password from the Secret, then --env', () => {
      expect(c.env).toEqual([
        {name: 'PERSISTENT_VOLUME_ROOTDIR', value: '/home/jovyan/volume'},
        {
          name: 'JUPYTER_TOKEN',
          valueFrom: {secretKeyRef: {name: 'notebook-password', key: 'password'}},
        },
      ])
      const e = renderNotebook(
        deployOpts({env: ['JUPYTER_ENABLE_LAB=true'], 'mount-path': '/data'}),
        PASSWORD,
      ).workload
      expect(at(e, 'spec.template.spec.containers.0.env')).toEqual([
        {name: 'PERSISTENT_VOLUME_ROOTDIR', value: '/data'},
        {
          name: 'JUPYTER_TOKEN',
          valueFrom: {secretKeyRef: {name: 'notebook-password', key: 'password'}},
        },
        {name: 'JUPYTER_ENABLE_LAB', value: 'true'},
      ])
      expect(at(e, 'spec.template.spec.containers.0.volumeMounts')).toEqual([
        {name: 'data', mountPath: '/data'},
      ])
    })

    it('the secretKeyRef names the rendered Secret and key', () => {
      const ref = c.env[1].valueFrom.secretKeyRef
      expect(ref.name).toBe(o.secret!.metadata.name)
      expect(Object.keys(o.secret!.data as object)).toContain(ref.key)
    })

    it('mounts PVC notebook-data at the mount path', () => {
      expect(c.volumeMounts).toEqual([{name: 'data', mountPath: '/home/jovyan/volume'}])
      expect(pod.volumes).toEqual([{name: 'data', persistentVolumeClaim: {claimName: 'notebook-data'}}])
      expect(pod.volumes[0].persistentVolumeClaim.claimName).toBe(o.claim?.metadata.name)
    })

    it('has a valid image.openshift.io/triggers annotation naming the container', () => {
      const triggers = JSON.parse(d.metadata.annotations?.['image.openshift.io/triggers'] as string)
      expect(triggers).toEqual([
        {
          from: {kind: 'ImageStreamTag', name: 's2i-minimal-notebook:latest'},
          fieldPath: 'spec.template.spec.containers[?(@.name=="notebook")].image',
        },
      ])
      // The field path's container name is the rendered container's name.
      expect(/@\.name=="([^"]+)"/.exec(triggers[0].fieldPath)?.[1]).toBe(c.name)
    })

    it('restricted-v2 container securityContext; no runAsUser / fsGroup anywhere', () => {
      expect(c.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        capabilities: {drop: ['ALL']},
        runAsNonRoot: true,
        seccompProfile: {type: 'RuntimeDefault'},
      })
      expect(pod.securityContext).toEqual({supplementalGroups: [100]})
      const text = JSON.stringify(d)
      expect(text).not.toContain('runAsUser')
      expect(text).not.toContain('fsGroup')
      expect(text).not.toContain('privileged')
    })

    it('no service account token; the chosen service account', () => {
      expect(pod.automountServiceAccountToken).toBe(false)
      expect(pod.serviceAccountName).toBe('default')
      const s = renderNotebook(deployOpts({'service-account': 'nb'}), PASSWORD).workload
      expect(at(s, 'spec.template.spec.serviceAccountName')).toBe('nb')
    })

    it('readiness and liveness probes on 8888', () => {
      expect(c.readinessProbe.tcpSocket).toEqual({port: 8888})
      expect(c.livenessProbe.tcpSocket).toEqual({port: 8888})
    })

    it('memory request = limit by default; --cpu adds cpu', () => {
      expect(c.resources).toEqual({requests: {memory: '1Gi'}, limits: {memory: '1Gi'}})
      const r = renderNotebook(deployOpts({memory: '4Gi', cpu: '2'}), PASSWORD).workload
      expect(at(r, 'spec.template.spec.containers.0.resources')).toEqual({
        requests: {cpu: '2', memory: '4Gi'},
        limits: {cpu: '2', memory: '4Gi'},
      })
    })
  })

  describe('DeploymentConfig variant', () => {
    const dc = renderNotebook(deployOpts({'deployment-config': true, image: 'nb:v2'}), PASSWORD).workload
    it('is apps.openshift.io/v1 with ConfigChange and ImageChange triggers and Recreate', () => {
      expect(dc.apiVersion).toBe('apps.openshift.io/v1')
      expect(dc.kind).toBe('DeploymentConfig')
      expect(at(dc, 'spec.strategy')).toEqual({type: 'Recreate'})
      expect(at(dc, 'spec.selector')).toEqual({
        'app.kubernetes.io/instance': 'notebook',
        'app.kubernetes.io/component': 'notebook',
      })
      expect(at(dc, 'spec.triggers')).toEqual([
        {type: 'ConfigChange'},
        {
          type: 'ImageChange',
          imageChangeParams: {
            automatic: true,
            containerNames: ['notebook'],
            from: {kind: 'ImageStreamTag', name: 'nb:v2'},
          },
        },
      ])
      expect(dc.metadata.annotations).toBeUndefined()
    })
    it('shares the pod template with the Deployment', () => {
      const d = renderNotebook(deployOpts({image: 'nb:v2'}), PASSWORD).workload
      expect(at(dc, 'spec.template')).toEqual(at(d, 'spec.template'))
    })
  })

  it('is deterministic: same input, same bytes', () => {
    const a = renderNotebookObjects(deployOpts({env: ['B=1', 'A=2'], cpu: '1'}), PASSWORD)
    const b = renderNotebookObjects(deployOpts({env: ['B=1', 'A=2'], cpu: '1'}), PASSWORD)
    expect(toYaml(a)).toBe(toYaml(b))
    expect(toJson(a)).toBe(toJson(b))
    expect(toJson(a)).not.toMatch(/Timestamp|"time"/)
  })

  it('deploy --build renders the builder set before the notebook', () => {
    const kinds = renderDeployObjects(deployOpts({build: true}), PASSWORD).map(
      x => `${x.kind}/${x.metadata.name}`,
    )
    expect(kinds).toEqual([
      'ImageStream/minimal-notebook',
      'ImageStream/s2i-minimal-notebook',
      'BuildConfig/s2i-minimal-notebook',
      'Secret/notebook-password',
      'PersistentVolumeClaim/notebook-data',
      'Service/notebook',
      'Route/notebook',
      'Deployment/notebook',
    ])
    expect(renderDeployObjects(deployOpts(), PASSWORD)).toHaveLength(5)
  })
})

describe('randomPassword', () => {
  it('is at least 24 URL-safe characters and differs each time', () => {
    const a = randomPassword()
    const b = randomPassword()
    expect(a.length).toBeGreaterThanOrEqual(24)
    expect(a).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(a).not.toBe(b)
  })
})

describe('renderNotebook --auth openshift (oauth-proxy in front, the notebook on 127.0.0.1)', () => {
  const o = renderNotebook(deployOpts({auth: 'openshift'}), 'unused', {cookieSecret: 'k'.repeat(32)})
  const pod = at(o.workload, 'spec.template.spec')
  const [nb, proxy] = pod.containers

  it('two containers, each restricted-v2 and Pod Security restricted, no runAsUser or fsGroup', () => {
    expect(pod.containers.map((c: {name: string}) => c.name)).toEqual(['notebook', 'oauth-proxy'])
    for (const c of pod.containers) {
      expect(c.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        capabilities: {drop: ['ALL']},
        runAsNonRoot: true,
        seccompProfile: {type: 'RuntimeDefault'},
      })
    }
    expect(pod.securityContext).toEqual({supplementalGroups: [100]})
    expect(JSON.stringify(o.workload)).not.toMatch(/runAsUser|fsGroup/)
    expect(proxy.resources.limits).toEqual({cpu: '100m', memory: '64Mi'})
  })

  it('the notebook: its Jupyter config (127.0.0.1, no token or password), no password env, exec probes', () => {
    expect(nb.env).toEqual([
      {name: 'PERSISTENT_VOLUME_ROOTDIR', value: '/home/jovyan/volume'},
      {name: 'JUPYTER_CONFIG_PATH', value: '/etc/oc-jupyter/jupyter'},
    ])
    expect(nb.ports).toBeUndefined()
    expect(nb.readinessProbe.exec.command.join(' ')).toContain("create_connection(('127.0.0.1', 8888)")
    const files = at(o.jupyterConfig, 'data')
    expect(JSON.parse(files['jupyter_server_config.json'])).toEqual({
      ServerApp: {ip: '127.0.0.1', allow_remote_access: true, trust_xheaders: true, token: '', password: ''},
      IdentityProvider: {token: ''},
    })
    expect(JSON.parse(files['jupyter_notebook_config.json']).NotebookApp.ip).toBe('127.0.0.1')
    expect(o.secret).toBeUndefined()
  })

  it('the proxy: OpenShift provider, the SA as OAuth client, a SAR on the Service, TLS from the service CA', () => {
    expect(proxy.args).toEqual([
      '--provider=openshift',
      '--https-address=:8443',
      '--http-address=',
      '--openshift-service-account=notebook',
      '--upstream=http://127.0.0.1:8888',
      '--tls-cert=/etc/tls/private/tls.crt',
      '--tls-key=/etc/tls/private/tls.key',
      '--cookie-secret-file=/etc/oauth/config/cookie_secret',
      '--openshift-sar={"namespace":"$(NAMESPACE)","resource":"services","resourceName":"notebook","verb":"get"}',
      '--skip-provider-button',
    ])
    expect(proxy.env).toEqual([{name: 'NAMESPACE', valueFrom: {fieldRef: {fieldPath: 'metadata.namespace'}}}])
    expect(pod.serviceAccountName).toBe('notebook')
    expect(pod.automountServiceAccountToken).toBe(false)
    // the token only in the proxy
    expect(proxy.volumeMounts.map((m: {mountPath: string}) => m.mountPath)).toContain(
      '/var/run/secrets/kubernetes.io/serviceaccount',
    )
    expect(nb.volumeMounts.map((m: {mountPath: string}) => m.mountPath)).not.toContain(
      '/var/run/secrets/kubernetes.io/serviceaccount',
    )
  })

  it('ServiceAccount redirect reference, Service serving cert and proxy port, reencrypt Route, cookie Secret', () => {
    expect(
      JSON.parse(
        o.serviceAccount!.metadata.annotations![
          'serviceaccounts.openshift.io/oauth-redirectreference.notebook'
        ],
      ),
    ).toEqual({
      kind: 'OAuthRedirectReference',
      apiVersion: 'v1',
      reference: {kind: 'Route', name: 'notebook'},
    })
    expect(o.service.metadata.annotations).toEqual({
      'service.beta.openshift.io/serving-cert-secret-name': 'notebook-tls',
    })
    expect(at(o.service, 'spec.ports')).toEqual([
      {name: 'oauth-proxy', protocol: 'TCP', port: 443, targetPort: 'oauth-proxy'},
    ])
    expect(at(o.route, 'spec.tls')).toEqual({
      termination: 'reencrypt',
      insecureEdgeTerminationPolicy: 'Redirect',
    })
    expect(at(o.route, 'spec.port')).toEqual({targetPort: 'oauth-proxy'})
    expect(o.route.metadata.annotations?.['haproxy.router.openshift.io/timeout-tunnel']).toBe('24h')
    expect(o.oauthConfig!.data).toEqual({cookie_secret: Buffer.from('k'.repeat(32)).toString('base64')})
    expect(o.oauthConfig!.metadata.name).toBe('notebook-oauth-config')
  })
})

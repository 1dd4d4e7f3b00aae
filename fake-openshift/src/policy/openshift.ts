/**
 * The OpenShift half of the default policy, for the roles project users hold or meet:
 * - ClusterRoles and ClusterRoleBindings from openshift/openshift-apiserver
 *   test/testdata/bootstrappolicy/bootstrap_cluster_roles.yaml and bootstrap_cluster_role_bindings.yaml
 *   (56aa2d9, Feb 2026; generated from pkg/bootstrappolicy/policy.go): the `system:openshift:aggregate-to-*`
 *   parts of admin/edit/view, `basic-user`, `self-provisioner`, `self-access-reviewer`, the image and
 *   registry roles (some of them aggregate into admin/edit/view too), discovery and status;
 * - the `shared-resource-viewer` Role in `openshift` and its binding to every authenticated user
 *   (same repository, bootstrap_namespace_roles.yaml / bootstrap_namespace_role_bindings.yaml);
 * - `system:deployer` (the project template binds it), from openshift/cluster-openshift-controller-manager-operator
 *   bindata v3.11.0/openshift-controller-manager/deployer-clusterrole.yaml;
 * - the `console-public` Role and RoleBinding in `openshift-config-managed`, from openshift/console-operator
 *   manifests/03-rbac-role-ns-openshift-config-managed.yaml and 04-rbac-rolebinding.yaml;
 * - the `system:openshift:scc:<name>` ClusterRoles (verb `use` on that one SCC) and the `restricted-v2`
 *   binding to system:authenticated, from openshift/cluster-kube-apiserver-operator
 *   bindata/bootkube/scc-manifests/0000_20_kube-apiserver-operator_00_cr-scc-*.yaml and
 *   ..._00_crb-systemauthenticated-scc-restricted-v2.yaml.
 * No default role gives users access to `securitycontextconstraints` themselves (cluster-reader does,
 * and is bound to nobody by default).
 */
import type {KObject} from '../types.js'
import {AGGREGATE_TO_ADMIN, AGGREGATE_TO_EDIT, AGGREGATE_TO_VIEW} from './kubernetes.js'
import {
  clusterRoleBinding,
  group,
  READ,
  READ_WRITE,
  roleBinding,
  roleObject,
  type RoleInput,
  rule,
  urls,
  user,
} from './rules.js'

const AGGREGATE_TO_BASIC_USER = 'authorization.openshift.io/aggregate-to-basic-user'
/** openshift roles are served under the legacy group "" too */
const AUTHZ = ['', 'authorization.openshift.io']
const BUILD = ['', 'build.openshift.io']
const APPS = ['', 'apps.openshift.io']
const IMAGE = ['', 'image.openshift.io']
const PROJECT = ['', 'project.openshift.io']
const QUOTA = ['', 'quota.openshift.io']
const ROUTE = ['', 'route.openshift.io']
const SECURITY = ['', 'security.openshift.io']
const TEMPLATE = ['', 'template.openshift.io']
const USER = ['', 'user.openshift.io']

const DISCOVERY_URLS = [
  '/version',
  '/version/*',
  '/api',
  '/api/*',
  '/apis',
  '/apis/*',
  '/oapi',
  '/oapi/*',
  '/openapi/v2',
  '/swaggerapi',
  '/swaggerapi/*',
  '/swagger.json',
  '/swagger-2.0.0.pb-v1',
  '/osapi',
  '/osapi/',
  '/.well-known',
  '/.well-known/oauth-authorization-server',
  '/',
]

const TEMPLATES = ['processedtemplates', 'templateconfigs', 'templateinstances', 'templates']
const IMAGESTREAMS_RW = [
  'imagestreamimages',
  'imagestreammappings',
  'imagestreams',
  'imagestreams/secrets',
  'imagestreamtags',
  'imagetags',
]

export const OPENSHIFT_CLUSTER_ROLES: RoleInput[] = [
  {
    name: 'system:openshift:aggregate-to-admin',
    labels: {[AGGREGATE_TO_ADMIN]: 'true'},
    rules: [
      rule(READ_WRITE, AUTHZ, ['rolebindings', 'roles']),
      rule(['create'], AUTHZ, [
        'localresourceaccessreviews',
        'localsubjectaccessreviews',
        'subjectrulesreviews',
      ]),
      rule(['create'], SECURITY, [
        'podsecuritypolicyreviews',
        'podsecuritypolicyselfsubjectreviews',
        'podsecuritypolicysubjectreviews',
      ]),
      rule(READ, AUTHZ, ['rolebindingrestrictions']),
      rule(READ_WRITE, BUILD, ['buildconfigs', 'buildconfigs/webhooks', 'builds']),
      rule(READ, BUILD, ['builds/log']),
      rule(['create'], BUILD, ['buildconfigs/instantiate', 'buildconfigs/instantiatebinary', 'builds/clone']),
      rule(['update'], BUILD, ['builds/details']),
      rule(['admin', 'edit', 'view'], ['build.openshift.io'], ['jenkins']),
      rule(READ_WRITE, APPS, ['deploymentconfigs', 'deploymentconfigs/scale']),
      rule(['create'], APPS, [
        'deploymentconfigrollbacks',
        'deploymentconfigs/instantiate',
        'deploymentconfigs/rollback',
      ]),
      rule(READ, APPS, ['deploymentconfigs/log', 'deploymentconfigs/status']),
      rule(READ_WRITE, IMAGE, IMAGESTREAMS_RW),
      rule(READ, IMAGE, ['imagestreams/status']),
      rule(['get', 'update'], IMAGE, ['imagestreams/layers']),
      rule(['create'], IMAGE, ['imagestreamimports']),
      rule(['delete', 'get', 'patch', 'update'], PROJECT, ['projects']),
      rule(READ, QUOTA, ['appliedclusterresourcequotas']),
      rule(READ_WRITE, ROUTE, ['routes']),
      // a custom host may be set on create; changing it needs `update` on routes/custom-host (route-update.ts)
      rule(['create'], ROUTE, ['routes/custom-host']),
      rule(READ, ROUTE, ['routes/status']),
      rule(['update'], ROUTE, ['routes/status']),
      rule(READ_WRITE, TEMPLATE, TEMPLATES),
      rule(READ_WRITE, ['networking.k8s.io'], ['networkpolicies']),
      rule(READ_WRITE, BUILD, ['buildlogs']),
      rule(READ, [''], ['resourcequotausages']),
      rule(['create'], AUTHZ, ['resourceaccessreviews', 'subjectaccessreviews']),
    ],
  },
  {
    name: 'system:openshift:aggregate-to-edit',
    labels: {[AGGREGATE_TO_EDIT]: 'true'},
    rules: [
      rule(READ_WRITE, BUILD, ['buildconfigs', 'buildconfigs/webhooks', 'builds']),
      rule(READ, BUILD, ['builds/log']),
      rule(['create'], BUILD, ['buildconfigs/instantiate', 'buildconfigs/instantiatebinary', 'builds/clone']),
      rule(['update'], BUILD, ['builds/details']),
      rule(['edit', 'view'], ['build.openshift.io'], ['jenkins']),
      rule(READ_WRITE, APPS, ['deploymentconfigs', 'deploymentconfigs/scale']),
      rule(['create'], APPS, [
        'deploymentconfigrollbacks',
        'deploymentconfigs/instantiate',
        'deploymentconfigs/rollback',
      ]),
      rule(READ, APPS, ['deploymentconfigs/log', 'deploymentconfigs/status']),
      rule(READ_WRITE, IMAGE, IMAGESTREAMS_RW),
      rule(READ, IMAGE, ['imagestreams/status']),
      rule(['get', 'update'], IMAGE, ['imagestreams/layers']),
      rule(['create'], IMAGE, ['imagestreamimports']),
      rule(['get'], PROJECT, ['projects']),
      rule(READ, QUOTA, ['appliedclusterresourcequotas']),
      rule(READ_WRITE, ROUTE, ['routes']),
      rule(['create'], ROUTE, ['routes/custom-host']),
      rule(READ, ROUTE, ['routes/status']),
      rule(READ_WRITE, TEMPLATE, TEMPLATES),
      rule(READ_WRITE, ['networking.k8s.io'], ['networkpolicies']),
      rule(READ_WRITE, BUILD, ['buildlogs']),
      rule(READ, [''], ['resourcequotausages']),
    ],
  },
  {
    name: 'system:openshift:aggregate-to-view',
    labels: {[AGGREGATE_TO_VIEW]: 'true'},
    rules: [
      rule(READ, BUILD, ['buildconfigs', 'buildconfigs/webhooks', 'builds']),
      rule(READ, BUILD, ['builds/log']),
      rule(['view'], ['build.openshift.io'], ['jenkins']),
      rule(READ, APPS, ['deploymentconfigs', 'deploymentconfigs/scale']),
      rule(READ, APPS, ['deploymentconfigs/log', 'deploymentconfigs/status']),
      rule(READ, IMAGE, [
        'imagestreamimages',
        'imagestreammappings',
        'imagestreams',
        'imagestreamtags',
        'imagetags',
      ]),
      rule(READ, IMAGE, ['imagestreams/status']),
      rule(['get'], PROJECT, ['projects']),
      rule(READ, QUOTA, ['appliedclusterresourcequotas']),
      rule(READ, ROUTE, ['routes']),
      rule(READ, ROUTE, ['routes/status']),
      rule(READ, TEMPLATE, TEMPLATES),
      rule(READ, BUILD, ['buildlogs']),
      rule(READ, [''], ['resourcequotausages']),
    ],
  },
  {
    name: 'basic-user',
    annotations: {'openshift.io/description': 'A user that can get basic information about projects.'},
    aggregateFrom: [{[AGGREGATE_TO_BASIC_USER]: 'true'}],
  },
  {
    name: 'system:openshift:aggregate-to-basic-user',
    labels: {[AGGREGATE_TO_BASIC_USER]: 'true'},
    rules: [
      rule(['get'], USER, ['users'], ['~']),
      rule(['list'], PROJECT, ['projectrequests']),
      rule(['get', 'list'], AUTHZ, ['clusterroles']),
      rule(READ, ['rbac.authorization.k8s.io'], ['clusterroles']),
      rule(['get', 'list'], ['storage.k8s.io'], ['storageclasses']),
      rule(['list', 'watch'], PROJECT, ['projects']),
      rule(['create'], AUTHZ, ['selfsubjectrulesreviews']),
      rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews']),
    ],
  },
  {
    name: 'self-access-reviewer',
    rules: [
      rule(['create'], AUTHZ, ['selfsubjectrulesreviews']),
      rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews']),
    ],
  },
  {
    name: 'self-provisioner',
    annotations: {'openshift.io/description': 'A user that can request projects.'},
    rules: [rule(['create'], PROJECT, ['projectrequests'])],
  },
  {
    name: 'cluster-status',
    annotations: {'openshift.io/description': 'A user that can get basic cluster status information.'},
    rules: [urls(['get'], ['/healthz', '/healthz/']), urls(['get'], DISCOVERY_URLS)],
  },
  {name: 'system:openshift:discovery', rules: [urls(['get'], DISCOVERY_URLS)]},
  {
    name: 'system:image-puller',
    annotations: {'openshift.io/description': 'Grants the right to pull images from within a project.'},
    rules: [rule(['get'], IMAGE, ['imagestreams/layers'])],
  },
  {
    name: 'system:image-pusher',
    annotations: {
      'openshift.io/description': 'Grants the right to push and pull images from within a project.',
    },
    rules: [rule(['get', 'update'], IMAGE, ['imagestreams/layers'])],
  },
  {
    name: 'system:image-builder',
    labels: {[AGGREGATE_TO_ADMIN]: 'true', [AGGREGATE_TO_EDIT]: 'true'},
    annotations: {
      'openshift.io/description':
        'Grants the right to build, push and pull images from within a project.  Used primarily with service accounts for builds.',
    },
    rules: [
      rule(['get', 'update'], IMAGE, ['imagestreams/layers']),
      rule(['create'], IMAGE, ['imagestreams']),
      rule(['update'], BUILD, ['builds/details']),
      rule(['get'], BUILD, ['builds']),
    ],
  },
  {
    name: 'registry-admin',
    labels: {[AGGREGATE_TO_ADMIN]: 'true'},
    rules: [
      rule(READ_WRITE, [''], ['secrets', 'serviceaccounts']),
      rule(READ_WRITE, IMAGE, IMAGESTREAMS_RW),
      rule(['create'], IMAGE, ['imagestreamimports']),
      rule(['get', 'update'], IMAGE, ['imagestreams/layers']),
      rule(READ_WRITE, AUTHZ, ['rolebindings', 'roles']),
      rule(READ_WRITE, ['rbac.authorization.k8s.io'], ['rolebindings', 'roles']),
      rule(['create'], AUTHZ, [
        'localresourceaccessreviews',
        'localsubjectaccessreviews',
        'subjectrulesreviews',
      ]),
      rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']),
      rule(['get'], [''], ['namespaces']),
      rule(['delete', 'get'], PROJECT, ['projects']),
      rule(['create'], AUTHZ, ['resourceaccessreviews', 'subjectaccessreviews']),
    ],
  },
  {
    name: 'registry-editor',
    labels: {[AGGREGATE_TO_EDIT]: 'true'},
    rules: [
      rule(READ_WRITE, [''], ['secrets', 'serviceaccounts']),
      rule(READ_WRITE, IMAGE, IMAGESTREAMS_RW),
      rule(['create'], IMAGE, ['imagestreamimports']),
      rule(['get', 'update'], IMAGE, ['imagestreams/layers']),
      rule(['get'], [''], ['namespaces']),
      rule(['get'], PROJECT, ['projects']),
    ],
  },
  {
    name: 'registry-viewer',
    labels: {[AGGREGATE_TO_VIEW]: 'true'},
    rules: [
      rule(READ, IMAGE, [
        'imagestreamimages',
        'imagestreammappings',
        'imagestreams',
        'imagestreamtags',
        'imagetags',
      ]),
      rule(['get'], IMAGE, ['imagestreams/layers']),
      rule(['get'], [''], ['namespaces']),
      rule(['get'], PROJECT, ['projects']),
    ],
  },
  {
    name: 'system:build-strategy-docker',
    rules: [rule(['create'], BUILD, ['builds/docker', 'builds/optimizeddocker'])],
  },
  {name: 'system:build-strategy-source', rules: [rule(['create'], BUILD, ['builds/source'])]},
  {
    name: 'system:build-strategy-jenkinspipeline',
    rules: [rule(['create'], BUILD, ['builds/jenkinspipeline'])],
  },
  {name: 'system:webhook', rules: [rule(['create', 'get'], BUILD, ['buildconfigs/webhooks'])]},
  {
    name: 'system:deployer',
    annotations: {
      'openshift.io/description':
        'Grants the right to deploy within a project.  Used primarily with service accounts for automated deployments.',
    },
    rules: [
      rule(['delete'], [''], ['replicationcontrollers']),
      rule(['get', 'list', 'patch', 'update', 'watch'], [''], ['replicationcontrollers']),
      rule(['get', 'update'], [''], ['replicationcontrollers/scale']),
      rule(['create', 'get', 'list', 'watch'], [''], ['pods']),
      rule(['get'], [''], ['pods/log']),
      rule(['create', 'list'], [''], ['events']),
      rule(['create', 'update'], IMAGE, ['imagestreamtags', 'imagetags']),
    ],
  },
]

/** The SCCs' ClusterRoles (cluster-kube-apiserver-operator scc-manifests): `use` on that one SCC. */
export function sccClusterRole(sccName: string): RoleInput {
  return {
    name: `system:openshift:scc:${sccName}`,
    rules: [rule(['use'], ['security.openshift.io'], ['securitycontextconstraints'], [sccName])],
  }
}

export function openshiftClusterRoleBindings(): KObject[] {
  const authenticated = group('system:authenticated')
  return [
    clusterRoleBinding('cluster-admins', 'cluster-admin', [
      group('system:cluster-admins'),
      user('system:admin'),
    ]),
    clusterRoleBinding('basic-users', 'basic-user', [authenticated]),
    clusterRoleBinding('self-access-reviewers', 'self-access-reviewer', [authenticated]),
    clusterRoleBinding('self-provisioners', 'self-provisioner', [group('system:authenticated:oauth')]),
    clusterRoleBinding('cluster-status-binding', 'cluster-status', [authenticated]),
    clusterRoleBinding('system:webhooks', 'system:webhook', [authenticated]),
    clusterRoleBinding('system:openshift:discovery', 'system:openshift:discovery', [authenticated]),
    clusterRoleBinding('system:build-strategy-docker-binding', 'system:build-strategy-docker', [
      authenticated,
    ]),
    clusterRoleBinding('system:build-strategy-source-binding', 'system:build-strategy-source', [
      authenticated,
    ]),
    clusterRoleBinding(
      'system:build-strategy-jenkinspipeline-binding',
      'system:build-strategy-jenkinspipeline',
      [authenticated],
    ),
    clusterRoleBinding('system:openshift:scc:restricted-v2', 'system:openshift:scc:restricted-v2', [
      authenticated,
    ]),
  ]
}

/** Roles and bindings that live in system namespaces (the namespaces come from bootstrap.ts). */
export function openshiftNamespacedPolicy(): KObject[] {
  const authenticated = group('system:authenticated')
  return [
    roleObject('openshift', {
      name: 'shared-resource-viewer',
      rules: [
        rule(READ, TEMPLATE, ['templates']),
        rule(READ, IMAGE, ['imagestreamimages', 'imagestreams', 'imagestreamtags', 'imagetags']),
        rule(['get'], IMAGE, ['imagestreams/layers']),
        rule(['get'], [''], ['configmaps']),
      ],
    }),
    roleBinding('openshift', 'shared-resource-viewers', 'shared-resource-viewer', [authenticated], 'Role'),
    roleObject('openshift-config-managed', {
      name: 'console-public',
      rules: [rule(['get'], [''], ['configmaps'], ['console-public'])],
    }),
    roleBinding('openshift-config-managed', 'console-public', 'console-public', [authenticated], 'Role'),
  ]
}

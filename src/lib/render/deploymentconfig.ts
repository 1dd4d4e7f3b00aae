import {labelsFor, objectMeta, selectorFor} from './labels.js'
import type {NotebookParams} from './params.js'
import {CONTAINER_NAME, renderPodTemplate} from './deployment.js'
import type {KObject} from './types.js'

/**
 * `--deployment-config`: the apps.openshift.io/v1 DeploymentConfig for OpenShift 3.x clusters
 * (deprecated since 4.14). Same pod template; image changes come from an ImageChange trigger
 * instead of the annotation, and a ConfigChange trigger rolls out spec edits.
 */
export function renderDeploymentConfig(p: NotebookParams): KObject {
  return {
    apiVersion: 'apps.openshift.io/v1',
    kind: 'DeploymentConfig',
    metadata: objectMeta(p.name, labelsFor(p.name, 'notebook'), {namespace: p.namespace}),
    spec: {
      replicas: p.stopped ? 0 : 1,
      selector: selectorFor(p.name),
      strategy: {type: 'Recreate'},
      triggers: [
        {type: 'ConfigChange'},
        {
          type: 'ImageChange',
          imageChangeParams: {
            automatic: true,
            containerNames: [CONTAINER_NAME],
            from: {kind: 'ImageStreamTag', name: p.image},
          },
        },
      ],
      template: renderPodTemplate(p),
    },
  }
}

import {labelsFor, objectMeta, type Component} from './labels.js'
import type {KObject} from './types.js'

const API = 'image.openshift.io/v1'

/**
 * The image stream that imports the base image (what `oc new-build` creates for the Dockerfile's
 * FROM), or an image `deploy --image` runs straight from a registry (what `oc import-image
 * --confirm` would create, plus `lookupPolicy.local`). Not scheduled for re-import: a new base image arrives when someone asks for it, not in the
 * middle of the night; `referencePolicy: Source` keeps pulls going to the original registry.
 */
export function renderBaseImageStream(p: {
  namespace?: string
  stream: string
  tag: string
  image: string
  /** a stream a Deployment runs (`deploy --image REGISTRY/...`): resolvable as `STREAM:TAG` */
  component?: Component
}): KObject {
  const component = p.component ?? 'builder'
  return {
    apiVersion: API,
    kind: 'ImageStream',
    // Labelled as its own instance: several builders (or notebooks) in one project share it, and
    // labelling it after whichever used it last would flip its labels (and report it "configured")
    // on every other run — and `delete NAME` of one notebook would take it from the others.
    metadata: objectMeta(p.stream, labelsFor(p.stream, component), {namespace: p.namespace}),
    spec: {
      lookupPolicy: {local: component !== 'builder'},
      tags: [
        {
          name: p.tag,
          annotations: {'openshift.io/imported-from': p.image},
          from: {kind: 'DockerImage', name: p.image},
          importPolicy: {scheduled: false},
          referencePolicy: {type: 'Source'},
        },
      ],
    },
  }
}

/** The builder's console presentation (FACTS.md §Builder image stream annotations). */
export const BUILDER_DISPLAY_NAME = 'Jupyter Notebook (assigned UID)'
export const BUILDER_DESCRIPTION =
  'Build and run a Jupyter notebook image from a Git repository of notebooks and a requirements.txt. ' +
  "Runs under the project's assigned user ID: no anyuid needed."
export const BUILDER_SAMPLE_REPO = 'https://github.com/jakevdp/PythonDataScienceHandbook'

/**
 * The output image stream of the builder build, annotated as an S2I builder so the console lists
 * it ("tags" must contain `builder`). `lookupPolicy.local` lets a Deployment name `NAME:TAG`
 * directly. The tag has no `from`: the BuildConfig pushes to it.
 */
export function renderBuilderImageStream(p: {
  name: string
  namespace?: string
  tag?: string
  /** track the builder built in another project (for `imagestream --apply -n openshift`) */
  from?: {namespace: string; name: string}
}): KObject {
  const tag = p.tag ?? 'latest'
  return {
    apiVersion: API,
    kind: 'ImageStream',
    metadata: objectMeta(p.name, labelsFor(p.name, 'builder'), {
      namespace: p.namespace,
      annotations: {'openshift.io/display-name': BUILDER_DISPLAY_NAME},
    }),
    spec: {
      lookupPolicy: {local: true},
      tags: [
        {
          name: tag,
          annotations: {
            'openshift.io/display-name': `${BUILDER_DISPLAY_NAME} ${tag}`,
            description: BUILDER_DESCRIPTION,
            iconClass: 'icon-python',
            tags: 'builder,python,jupyter',
            supports: 'python:3,jupyter',
            sampleRepo: BUILDER_SAMPLE_REPO,
            version: tag,
          },
          ...(p.from ? {from: {kind: 'ImageStreamTag', namespace: p.from.namespace, name: p.from.name}} : {}),
          referencePolicy: {type: 'Source'},
        },
      ],
    },
  }
}

/** A plain output image stream (a `--from-source` notebook image), resolvable by Deployments. */
export function renderImageStream(p: {name: string; namespace?: string; component: Component}): KObject {
  return {
    apiVersion: API,
    kind: 'ImageStream',
    metadata: objectMeta(p.name, labelsFor(p.name, p.component), {namespace: p.namespace}),
    spec: {lookupPolicy: {local: true}},
  }
}

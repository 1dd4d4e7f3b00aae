import {labelsFor, objectMeta} from './labels.js'
import type {BuildParams} from './params.js'
import type {KObject} from './types.js'

/** Builds kept per BuildConfig; enough to compare the last good one with a failure. */
export const BUILDS_HISTORY_LIMIT = 5

/**
 * BuildConfig NAME (FACTS.md §What the recipe's oc commands create): Git source with the ref kept
 * apart from the URI (plus, for the recipe's repository, our Dockerfile as `source.dockerfile`), Docker strategy whose FROM is the base image stream tag — or, for
 * `--from-source`, S2I Source strategy over the builder — output NAME:TAG, ConfigChange and
 * ImageChange triggers (no webhooks: their secrets are not ours to mint), a memory limit for the
 * build pod and bounded history.
 */
export function renderBuildConfig(p: BuildParams): KObject {
  const component = p.strategy.type === 'Docker' ? 'builder' : 'notebook-image'
  const git: Record<string, string> = {uri: p.git.uri}
  if (p.git.ref !== undefined) git.ref = p.git.ref
  const source: Record<string, unknown> = {type: 'Git', git}
  if (p.contextDir !== undefined) source.contextDir = p.contextDir
  if (p.strategy.type === 'Docker' && p.strategy.dockerfile !== undefined)
    source.dockerfile = p.strategy.dockerfile
  const strategy =
    p.strategy.type === 'Docker'
      ? {
          type: 'Docker',
          dockerStrategy: {
            from: {kind: 'ImageStreamTag', name: `${p.strategy.base.stream}:${p.strategy.base.tag}`},
          },
        }
      : {type: 'Source', sourceStrategy: {from: {kind: 'ImageStreamTag', name: p.strategy.builder}}}
  return {
    apiVersion: 'build.openshift.io/v1',
    kind: 'BuildConfig',
    metadata: objectMeta(p.name, labelsFor(p.name, component), {namespace: p.namespace}),
    spec: {
      runPolicy: 'Serial',
      source,
      strategy,
      output: {to: {kind: 'ImageStreamTag', name: `${p.name}:${p.outputTag}`}},
      resources: {limits: {memory: p.buildMemory}},
      triggers: [{type: 'ConfigChange'}, {type: 'ImageChange', imageChange: {}}],
      successfulBuildsHistoryLimit: BUILDS_HISTORY_LIMIT,
      failedBuildsHistoryLimit: BUILDS_HISTORY_LIMIT,
    },
  }
}

import {describe, expect, it} from 'vitest'

import {
  hasImageChangeTrigger,
  imageTriggerSettled,
  lastTriggeredImage,
  tagImage,
} from '../../../src/lib/image-build/triggers.js'
import {importCaughtUp, type KubeObject} from '../../../src/lib/cluster/index.js'

const OLD = 'docker.io/jupyter/minimal-notebook@sha256:aaaa'
const NEW = 'quay.io/jupyter/minimal-notebook@sha256:bbbb'

function bc(over: {triggers?: unknown[]; status?: Record<string, unknown>} = {}): KubeObject {
  return {
    apiVersion: 'build.openshift.io/v1',
    kind: 'BuildConfig',
    metadata: {name: 'nb'},
    spec: {
      strategy: {dockerStrategy: {from: {kind: 'ImageStreamTag', name: 'minimal-notebook:latest'}}},
      triggers: over.triggers ?? [{type: 'ConfigChange'}, {type: 'ImageChange', imageChange: {}}],
    },
    status: over.status ?? {
      lastVersion: 1,
      imageChangeTriggers: [{from: {name: 'minimal-notebook:latest'}, lastTriggeredImageID: OLD}],
    },
  }
}

function stream(generation: number, items: Array<{ref: string; generation: number}>, conditions?: unknown[]) {
  return {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: {name: 'minimal-notebook', generation},
    status: {
      tags: [
        {
          tag: 'latest',
          items: items.map(i => ({dockerImageReference: i.ref, generation: i.generation})),
          ...(conditions ? {conditions} : {}),
        },
      ],
    },
  } as KubeObject
}

describe('ImageChange trigger', () => {
  it("finds the trigger on the strategy's from, or its own from, unless paused", () => {
    expect(hasImageChangeTrigger(bc(), 'minimal-notebook:latest')).toBe(true)
    expect(hasImageChangeTrigger(bc(), 'other:latest')).toBe(false)
    expect(
      hasImageChangeTrigger(
        bc({
          triggers: [
            {type: 'ImageChange', imageChange: {from: {kind: 'ImageStreamTag', name: 'other:latest'}}},
          ],
        }),
        'other:latest',
      ),
    ).toBe(true)
    expect(
      hasImageChangeTrigger(
        bc({triggers: [{type: 'ImageChange', imageChange: {paused: true}}]}),
        'minimal-notebook:latest',
      ),
    ).toBe(false)
    expect(hasImageChangeTrigger(bc({triggers: [{type: 'ConfigChange'}]}), 'minimal-notebook:latest')).toBe(
      false,
    )
  })

  it('reads the last triggered image from status (4.8+) or the deprecated spec field', () => {
    expect(lastTriggeredImage(bc(), 'minimal-notebook:latest')).toBe(OLD)
    const old = bc({
      triggers: [{type: 'ImageChange', imageChange: {lastTriggeredImageID: NEW}}],
      status: {lastVersion: 1},
    })
    expect(lastTriggeredImage(old, 'minimal-notebook:latest')).toBe(NEW)
  })

  it('import caught up: the newest image (or a failed import) carries the generation of the change', () => {
    const judge = importCaughtUp('latest', 2)
    expect(judge(stream(2, [{ref: OLD, generation: 1}])).state).toBe('waiting')
    const done = judge(
      stream(2, [
        {ref: NEW, generation: 2},
        {ref: OLD, generation: 1},
      ]),
    )
    expect(done).toEqual({state: 'done', message: `image stream tag minimal-notebook:latest imported ${NEW}`})
    expect(tagImage(stream(2, [{ref: NEW, generation: 2}]), 'latest')).toBe(NEW)
    const failedImport = judge(
      stream(
        2,
        [{ref: OLD, generation: 1}],
        [{type: 'ImportSuccess', status: 'False', generation: 2, message: 'manifest unknown'}],
      ),
    )
    expect(failedImport).toEqual({
      state: 'failed',
      message: 'import of minimal-notebook:latest failed: manifest unknown',
    })
  })

  it('trigger settled: it started a build, or has already built from the image', () => {
    const judge = imageTriggerSettled('minimal-notebook:latest', NEW, 1)
    expect(judge(bc()).state).toBe('waiting')
    expect(judge(bc({status: {lastVersion: 2}}))).toEqual({
      state: 'done',
      message: 'the ImageChange trigger started build nb-2',
    })
    const seen = bc({
      status: {
        lastVersion: 1,
        imageChangeTriggers: [{from: {name: 'minimal-notebook:latest'}, lastTriggeredImageID: NEW}],
      },
    })
    expect(judge(seen).state).toBe('done')
  })
})

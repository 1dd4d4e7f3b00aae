/**
 * The BuildConfig's ImageChange trigger as pure functions. When the base image stream gets a new
 * image, openshift-controller-manager's image trigger controller starts a build by itself and
 * records the image in `status.imageChangeTriggers[].lastTriggeredImageID` (OpenShift >= 4.8; older
 * clusters in `spec.triggers[].imageChange.lastTriggeredImageID`). `build` must follow that build,
 * not start a second one.
 */
import type {Judge, JudgeResult, KubeObject} from '../cluster/index.js'
import {arr, count, rec, str, type Rec} from '../cluster/obj.js'

/** The ImageStreamTag an ImageChange trigger watches: its own `from`, else the strategy's. */
function triggerFrom(bc: KubeObject, trigger: Rec): string | undefined {
  const own = rec(rec(trigger.imageChange).from)
  if (str(own.name)) return own.kind === 'ImageStreamTag' ? str(own.name) : undefined
  const strategy = rec(rec(bc.spec).strategy)
  const from = rec(rec(strategy.dockerStrategy ?? strategy.sourceStrategy ?? strategy.customStrategy).from)
  return from.kind === 'ImageStreamTag' && !str(from.namespace) ? str(from.name) : undefined
}

/** An active (not paused) ImageChange trigger on `stream:tag` of the BuildConfig's namespace. */
export function hasImageChangeTrigger(bc: KubeObject, streamTag: string): boolean {
  return arr(rec(bc.spec).triggers).some(
    t => t.type === 'ImageChange' && rec(t.imageChange).paused !== true && triggerFrom(bc, t) === streamTag,
  )
}

/** The image the trigger on `streamTag` last started a build for. */
export function lastTriggeredImage(bc: KubeObject, streamTag: string): string | undefined {
  const fromStatus = arr(rec(bc.status).imageChangeTriggers).find(t => rec(t.from).name === streamTag)
  if (fromStatus && str(fromStatus.lastTriggeredImageID)) return str(fromStatus.lastTriggeredImageID)
  const fromSpec = arr(rec(bc.spec).triggers).find(
    t => t.type === 'ImageChange' && triggerFrom(bc, t) === streamTag,
  )
  return str(rec(fromSpec?.imageChange).lastTriggeredImageID)
}

/** The pull spec at the head of `tag` in an ImageStream's status. */
export function tagImage(is: KubeObject, tag: string): string | undefined {
  const entry = arr(rec(is.status).tags).find(t => t.tag === tag)
  return str(arr(entry?.items)[0]?.dockerImageReference)
}

const result = (state: JudgeResult['state'], message: string): JudgeResult => ({state, message})

/**
 * The trigger has reacted to `image`: it started a build (lastVersion passed `versionBefore`) or
 * recorded the image as already built from.
 */
export function imageTriggerSettled(streamTag: string, image: string, versionBefore: number): Judge {
  return bc => {
    const version = count(rec(bc.status).lastVersion)
    if (version > versionBefore)
      return result('done', `the ImageChange trigger started build ${bc.metadata?.name ?? ''}-${version}`)
    if (lastTriggeredImage(bc, streamTag) === image)
      return result('done', `the ImageChange trigger has already built from ${image}`)
    return result('waiting', `waiting for the ImageChange trigger on ${streamTag}`)
  }
}

/**
 * Builds and builder image streams (FACTS.md §What the recipe's oc commands create, §Builder image
 * stream annotations): the last build of each BuildConfig, and whether a builder stream's tag is
 * annotated `tags: builder` and has an image (the console lists only such tags).
 */
import {commandArgsFromBuildConfig} from '../../image-build/command.js'
import {diagnoseBuildLog, remedyForReason} from '../../image-build/known-failures.js'
import type {KubeObject} from '../../cluster/index.js'
import {LABEL_COMPONENT} from '../../render/labels.js'
import {annotationsOf, arr, labelsOf, nameOf, rec, str} from '../obj.js'
import type {Check, DoctorData} from '../types.js'
import {finding, inNs} from './util.js'

export const buildFailed: Check<DoctorData> = {
  id: 'build.failed',
  area: 'build',
  title: 'Last builds succeeded',
  severity: 'error',
  reads:
    'the newest Build of each BuildConfig (status.phase, reason, message) and, when it failed, its log tail',
  fires:
    'the last build is Failed or Error; a known log line (libav-tools, rate limit, OOM, missing ref...) is quoted',
  fix: 'Follow the remedy for the matching log line, then `oc jupyter build --rebuild`.',
  run(d) {
    return d.builds.flatMap(({build, log}) => {
      const status = rec(build.status)
      const phase = str(status.phase)
      if (phase !== 'Failed' && phase !== 'Error') return []
      const bc =
        labelsOf(build)['openshift.io/build-config.name'] ??
        annotationsOf(build)['openshift.io/build-config.name'] ??
        nameOf(build)
      // The command that re-applies this build's configuration, for remedies that keep the rest of it.
      const config = d.buildConfigs.find(c => nameOf(c) === bc) ?? {...build, metadata: {name: bc}}
      const from = str(rec(rec(rec(rec(config.spec).strategy).dockerStrategy).from).name) ?? ''
      const baseStream = d.imageStreams.find(s => nameOf(s) === from.split(':')[0])
      const ctx = commandArgsFromBuildConfig(config, d.namespace, baseStream)
      const reason = str(status.reason)
      const known = diagnoseBuildLog(log ?? [], ctx)
      const evidence = [
        `phase: ${phase}${reason ? `, reason: ${reason}` : ''}${str(status.message) ? ` (${str(status.message)})` : ''}`,
      ]
      if (known) evidence.push(`log: ${known.evidence}`)
      else evidence.push(...(log ?? []).slice(-5).map(l => `log: ${l}`))
      const remedies = known?.remedies ?? [
        remedyForReason(reason, ctx) ?? `oc logs build/${nameOf(build)} ${inNs(d)}`,
      ]
      return [
        finding(
          this.id,
          this.severity,
          `build ${nameOf(build)} ${phase === 'Error' ? 'ended in Error' : 'failed'}${known ? `: ${known.explanation}` : reason ? ` (${reason})` : ''}`,
          evidence,
          remedies,
          build,
        ),
      ]
    })
  },
}

/**
 * Image streams used as builders: labelled component=builder, or the `from` of a Source build — but
 * not the base image a Docker build starts from (`oc jupyter build` labels it as part of the builder
 * set; annotating it as a builder would offer the bare base image in the console).
 */
function builderStreams(d: DoctorData): Array<{stream: KubeObject; tag: string}> {
  const out: Array<{stream: KubeObject; tag: string}> = []
  const add = (stream: KubeObject | undefined, tag: string) => {
    if (stream && !out.some(o => o.stream === stream && o.tag === tag)) out.push({stream, tag})
  }
  const dockerBases = new Set(
    d.buildConfigs.flatMap(bc => {
      const from = rec(rec(rec(rec(bc.spec).strategy).dockerStrategy).from)
      const ns = str(from.namespace)
      return str(from.kind) === 'ImageStreamTag' && (!ns || ns === d.namespace)
        ? [(str(from.name) ?? '').split(':')[0]]
        : []
    }),
  )
  for (const is of d.imageStreams) {
    if (labelsOf(is)[LABEL_COMPONENT] !== 'builder' || dockerBases.has(nameOf(is))) continue
    const tags = arr(rec(is.spec).tags).map(t => str(t.name) ?? 'latest')
    for (const t of tags.length > 0 ? tags : ['latest']) add(is, t)
  }
  for (const bc of d.buildConfigs) {
    const from = rec(rec(rec(rec(bc.spec).strategy).sourceStrategy).from)
    if (str(from.kind) !== 'ImageStreamTag') continue
    const ns = str(from.namespace)
    if (ns && ns !== d.namespace) continue
    const [isName, tag = 'latest'] = (str(from.name) ?? '').split(':')
    add(
      d.imageStreams.find(s => nameOf(s) === isName),
      tag,
    )
  }
  return out
}

/** A build that will (re)fill the stream is still running: a missing image is not a problem yet. */
function buildInProgress(d: DoctorData): boolean {
  return d.builds.some(b => ['New', 'Pending', 'Running'].includes(String(rec(b.build.status).phase)))
}

export const builderTag: Check<DoctorData> = {
  id: 'build.builder-tag-not-annotated',
  area: 'build',
  title: 'Builder image stream tags are annotated as builders',
  severity: 'warning',
  reads:
    "ImageStreams labelled component=builder or used by a Source BuildConfig: spec.tags[].annotations['tags']",
  fires: 'the tag lacks `builder` in its `tags` annotation: the console does not offer it as an S2I builder',
  fix: 'Annotate the tag (`oc jupyter imagestream NAME --apply`).',
  run(d) {
    return builderStreams(d).flatMap(({stream, tag}) => {
      const spec = arr(rec(stream.spec).tags).find(t => (str(t.name) ?? 'latest') === tag)
      const tags = (str(rec(spec?.annotations).tags) ?? '').split(',').map(s => s.trim())
      if (tags.includes('builder')) return []
      return [
        finding(
          this.id,
          this.severity,
          `image stream tag ${nameOf(stream)}:${tag} is not annotated as a builder: the console will not list it`,
          [`spec.tags[${tag}].annotations.tags: ${str(rec(spec?.annotations).tags) ?? '(absent)'}`],
          `oc jupyter imagestream ${nameOf(stream)} --apply ${inNs(d)}`,
          {kind: 'ImageStream', name: nameOf(stream)},
        ),
      ]
    })
  },
}

export const builderNoImage: Check<DoctorData> = {
  id: 'build.builder-tag-no-image',
  area: 'build',
  title: 'Builder image stream tags have an image',
  severity: 'warning',
  reads: 'builder ImageStreams: status.tags[].items',
  fires: 'the tag has no image (never built or imported) and no build is running',
  fix: 'Build it (`oc jupyter build`).',
  run(d) {
    if (buildInProgress(d)) return []
    return builderStreams(d).flatMap(({stream, tag}) => {
      const st = arr(rec(stream.status).tags).find(t => str(t.tag) === tag)
      if (st && arr(st.items).length > 0) return []
      return [
        finding(
          this.id,
          this.severity,
          `image stream tag ${nameOf(stream)}:${tag} has no image: builds and deploys from it cannot start`,
          [`status.tags[${tag}]: ${st ? 'no items' : '(absent)'}`],
          `oc jupyter build ${nameOf(stream)} ${inNs(d)}`,
          {kind: 'ImageStream', name: nameOf(stream)},
        ),
      ]
    })
  },
}

export const buildChecks = [buildFailed, builderTag, builderNoImage]

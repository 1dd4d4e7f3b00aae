/**
 * The deployed image's metadata (ImageStreamTag `image.dockerImageMetadata.Config`). Under
 * restricted-v2 the USER is replaced by the project UID, but a root or named USER means the image was
 * not written for an arbitrary UID (and S2I refuses a builder whose USER is not numeric).
 */
import {cause} from '../causes.js'
import {rec, str} from '../obj.js'
import type {Check, DoctorData} from '../types.js'
import {finding, inNs} from './util.js'

function configOf(ist: unknown): Record<string, unknown> {
  const meta = rec(rec(rec(ist).image).dockerImageMetadata)
  return rec(meta.Config ?? meta.ContainerConfig)
}

export const imageUser: Check<DoctorData> = {
  id: 'image.user-not-numeric-non-root',
  area: 'image',
  title: 'Image USER is numeric and not root',
  severity: 'warning',
  reads: 'ImageStreamTag of each workload: image.dockerImageMetadata.Config.User',
  fires: 'the USER is empty, root, 0 or a name',
  fix: 'End the Dockerfile with a numeric non-root USER (USER 1001) and make writable paths group 0.',
  needs: ['imageStreamTags'],
  run(d) {
    return Object.entries(d.imageStreamTags).flatMap(([tag, ist]) => {
      const user = str(configOf(ist).User) ?? ''
      const name = user.split(':')[0]
      let why: string | undefined
      if (name === '') why = 'has no USER (runs as root)'
      else if (name === 'root' || name === '0') why = `runs as root (USER ${user})`
      else if (!/^\d+$/.test(name))
        why = `has a non-numeric USER "${user}" (S2I and runAsNonRoot cannot verify it)`
      if (!why) return []
      return [
        finding(
          this.id,
          this.severity,
          `image ${tag} ${why}: it was not built for OpenShift's arbitrary UIDs`,
          [`${tag}: dockerImageMetadata.Config.User = "${user}"`],
          [`# in the Dockerfile: USER 1001 as the last instruction`, `oc jupyter build ${inNs(d)}`],
          {kind: 'ImageStreamTag', name: tag},
          {cause: cause.config(`image-user:${tag}`)},
        ),
      ]
    })
  },
}

export const privilegedPorts: Check<DoctorData> = {
  id: 'image.privileged-port',
  area: 'image',
  title: 'Image exposes no port below 1024',
  severity: 'warning',
  reads: 'ImageStreamTag of each workload: image.dockerImageMetadata.Config.ExposedPorts',
  fires: 'a port < 1024 is exposed: a non-root UID without NET_BIND_SERVICE cannot bind it',
  fix: 'Listen on a port >= 1024 (Jupyter: 8888).',
  needs: ['imageStreamTags'],
  run(d) {
    return Object.entries(d.imageStreamTags).flatMap(([tag, ist]) => {
      const low = Object.keys(rec(configOf(ist).ExposedPorts)).filter(p => Number.parseInt(p, 10) < 1024)
      if (low.length === 0) return []
      return [
        finding(
          this.id,
          this.severity,
          `image ${tag} exposes ${low.join(', ')}: restricted-v2 drops all capabilities, so a port below 1024 cannot be bound`,
          [`${tag}: ExposedPorts ${low.join(', ')}`],
          '# in the Dockerfile: EXPOSE 8888 and listen there',
          {kind: 'ImageStreamTag', name: tag},
          {cause: cause.config(`image-port:${tag}`)},
        ),
      ]
    })
  },
}

export const imageChecks = [imageUser, privilegedPorts]

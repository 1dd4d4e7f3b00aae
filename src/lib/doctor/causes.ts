/**
 * Root causes, as keys findings share. A notebook fails along one chain: the project's SCC annotations
 * decide what any SCC can assign; an SCC granted to the service account (priority first) decides which
 * SCC admits the pod; then the pod template must pass admission; the claim must bind and attach; the
 * image must exist (build, pull); then the process runs — and a write fails on a mounted path before it
 * fails on the image's own files. A cause earlier in the chain explains the symptoms after it, so
 * problems are ranked by their cause's kind in this order (admission before runtime, mounts before image).
 */
import type {Finding} from './types.js'

export const CAUSE_KINDS = [
  'project',
  'scc',
  'template',
  'serviceaccount',
  'admission',
  'claim',
  'build',
  'pull',
  'mount',
  'auth',
  'image',
  'start',
  'route',
  'config',
] as const
export type CauseKind = (typeof CAUSE_KINDS)[number]

export const cause = {
  /** the namespace's openshift.io/sa.scc.* annotations */
  project: (ns: string) => `project:${ns}`,
  /** a non-default SCC granted to the service account */
  scc: (name: string) => `scc:${name}`,
  /** what a workload's pod template asks for and admission refuses */
  template: (kind: string, name: string) => `template:${kind}/${name}`,
  serviceAccount: (name: string) => `serviceaccount:${name}`,
  /** another admission refusal (quota, limits...) of a workload's pods */
  admission: (kind: string, name: string) => `admission:${kind}/${name}`,
  claim: (name: string) => `claim:${name}`,
  build: (buildConfig: string) => `build:${buildConfig}`,
  pull: (image: string) => `pull:${image}`,
  /** a volume mounted at PATH that the process cannot write */
  mount: (claim: string, path: string) => `mount:${claim}:${path}`,
  /** --auth openshift: the proxy's certificate, OAuth client or delegation permissions */
  auth: (what: string) => `auth:${what}`,
  /** an image not made for an arbitrary UID */
  image: (ref: string) => `image:${ref}`,
  start: (pod: string, container: string) => `start:${pod}/${container}`,
  route: (name: string) => `route:${name}`,
  /** hygiene: settings that do not stop the notebook now */
  config: (what: string) => `config:${what}`,
}

export function causeKind(key: string | undefined): CauseKind {
  const k = (key ?? '').split(':', 1)[0] as CauseKind
  return CAUSE_KINDS.includes(k) ? k : 'config'
}

/** The rank of a finding's cause in the chain (lower explains higher). */
export function causeRank(f: Finding): number {
  return CAUSE_KINDS.indexOf(causeKind(f.cause))
}

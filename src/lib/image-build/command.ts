/**
 * The `oc jupyter build` command line that reproduces a build's configuration, with one thing changed:
 * what a remedy prints. Rebuilt from the options (after a failed `build`) or from the BuildConfig
 * (doctor), so the printed command keeps every other choice — a re-run re-applies the BuildConfig from
 * its flags, and a remedy that dropped `--build-memory 4Gi` would undo it.
 */
import type {KubeObject} from '../cluster/index.js'
import {arr, rec, str} from '../cluster/obj.js'
import {
  DEFAULT_BASE_IMAGE,
  DEFAULT_BUILD_MEMORY,
  DEFAULT_BUILD_NAME,
  DEFAULT_IMAGE,
  DEFAULT_REF,
  DEFAULT_REPO,
} from '../values/defaults.js'
import type {BuildOptions} from '../values/build-options.js'
import {sameRepository} from '../values/git.js'
import {formatImageRef, parseImageRef} from '../values/image.js'

export interface BuildCommandArgs {
  name: string
  namespace: string
  /** the Git URI of a Docker build (undefined: the default repository) */
  repo?: string
  /** the ref (undefined: the repository's default, or DEFAULT_REF for the default repository) */
  ref?: string
  contextDir?: string
  /** `--from-source URL`: an S2I build of notebooks */
  fromSource?: string
  /** `--builder STREAM:TAG` of a Source build */
  builder?: string
  baseImage?: string
  buildMemory?: string
  upstreamDockerfile?: boolean
  rebuild?: boolean
}

const sameImage = (a: string, b: string): boolean => {
  try {
    return formatImageRef(parseImageRef(a, 'image')) === formatImageRef(parseImageRef(b, 'image'))
  } catch {
    return a === b
  }
}

/** Shell-safe enough for URLs, refs, sizes and names (all validated): quote only what needs it. */
const arg = (s: string): string => (/^[\w@%+=:,./#~-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`)

export function buildCommand(a: BuildCommandArgs): string {
  const words = ['oc', 'jupyter', 'build']
  if (a.name !== DEFAULT_BUILD_NAME || a.fromSource !== undefined) words.push(a.name)
  if (a.fromSource !== undefined) {
    words.push('--from-source', arg(a.ref ? `${a.fromSource}#${a.ref}` : a.fromSource))
    if (a.builder !== undefined && a.builder !== DEFAULT_IMAGE) words.push('--builder', arg(a.builder))
  } else {
    const defaultRepo = a.repo === undefined || sameRepository(a.repo, DEFAULT_REPO)
    if (!defaultRepo) words.push('--repo', arg(a.repo as string))
    if (a.ref !== undefined && !(defaultRepo && a.ref === DEFAULT_REF)) words.push('--ref', arg(a.ref))
    if (a.baseImage !== undefined && !sameImage(a.baseImage, DEFAULT_BASE_IMAGE))
      words.push('--base-image', arg(a.baseImage))
    if (a.upstreamDockerfile) words.push('--upstream-dockerfile')
  }
  if (a.contextDir !== undefined) words.push('--context-dir', arg(a.contextDir))
  if (a.buildMemory !== undefined && a.buildMemory !== DEFAULT_BUILD_MEMORY)
    words.push('--build-memory', arg(a.buildMemory))
  if (a.rebuild) words.push('--rebuild')
  words.push('-n', arg(a.namespace))
  return words.join(' ')
}

/** The command that made `opts` (as validated), in `namespace`. */
export function commandArgsFromOptions(opts: BuildOptions, namespace: string): BuildCommandArgs {
  const common = {
    name: opts.name,
    namespace,
    ...(opts.git.ref === undefined ? {} : {ref: opts.git.ref}),
    ...(opts.contextDir === undefined ? {} : {contextDir: opts.contextDir}),
    buildMemory: opts.buildMemory,
  }
  if (opts.strategy.type === 'Source') {
    return {...common, fromSource: opts.git.uri, builder: opts.strategy.builder}
  }
  return {
    ...common,
    repo: opts.git.uri,
    baseImage: opts.strategy.base.image,
    upstreamDockerfile: opts.strategy.dockerfile === undefined && sameRepository(opts.git.uri, DEFAULT_REPO),
  }
}

/**
 * The command that would re-apply `bc` as it is: read from its source, strategy and limits, and the
 * base image stream's import (`baseStream`, when the strategy's `from` names one in the project).
 */
export function commandArgsFromBuildConfig(
  bc: KubeObject,
  namespace: string,
  baseStream?: KubeObject,
): BuildCommandArgs {
  const spec = rec(bc.spec)
  const source = rec(spec.source)
  const git = rec(source.git)
  const strategy = rec(spec.strategy)
  const common = {
    name: str(rec(bc.metadata).name) ?? DEFAULT_BUILD_NAME,
    namespace,
    ...(str(git.ref) === undefined ? {} : {ref: str(git.ref)}),
    ...(str(source.contextDir) === undefined ? {} : {contextDir: str(source.contextDir)}),
    ...(str(rec(rec(spec.resources).limits).memory) === undefined
      ? {}
      : {buildMemory: str(rec(rec(spec.resources).limits).memory)}),
  }
  const uri = str(git.uri) ?? DEFAULT_REPO
  if (strategy.sourceStrategy !== undefined) {
    const from = rec(rec(strategy.sourceStrategy).from)
    return {...common, fromSource: uri, ...(str(from.name) ? {builder: str(from.name)} : {})}
  }
  const from = rec(rec(strategy.dockerStrategy).from)
  const [, tag = 'latest'] = (str(from.name) ?? '').split(':')
  const imported = arr(rec(baseStream?.spec).tags).find(t => (str(t.name) ?? 'latest') === tag)
  const baseImage =
    str(rec(imported?.from).kind) === 'DockerImage' ? str(rec(imported?.from).name) : undefined
  return {
    ...common,
    repo: uri,
    ...(baseImage === undefined ? {} : {baseImage}),
    upstreamDockerfile: str(source.dockerfile) === undefined && sameRepository(uri, DEFAULT_REPO),
  }
}

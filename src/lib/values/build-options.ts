import {UsageError} from '../errors.js'
import type {BuildParams} from '../render/params.js'
import {
  DEFAULT_BASE_IMAGE,
  DEFAULT_BUILD_MEMORY,
  DEFAULT_BUILD_NAME,
  DEFAULT_IMAGE,
  DEFAULT_OUTPUT_TAG,
  DEFAULT_REF,
  DEFAULT_REPO,
} from './defaults.js'
import {parseGitRef, parseGitUrl, repoName, sameRepository, type GitSource} from './git.js'
import {
  baseStreamTagFor,
  formatImageRef,
  formatStreamTag,
  parseImageRef,
  parseImageStreamTag,
} from './image.js'
import {renderBuilderDockerfile} from '../render/dockerfile.js'
import {invalid} from './invalid.js'
import {parseStreamName} from './name.js'
import {parseContextDir} from './path.js'
import {parseSize} from './quantity.js'

/** `build` flags as oclif parses them (kebab-case keys), before validation. */
export interface BuildFlags {
  repo?: string
  ref?: string
  'context-dir'?: string
  'base-image'?: string
  'build-memory'?: string
  'from-source'?: string
  builder?: string
  rebuild?: boolean
  follow?: boolean
  wait?: boolean
  'upstream-dockerfile'?: boolean
}

export interface BuildArgs {
  /** NAME, or a Git URL[#ref] (the `oc new-build URL` form) */
  name?: string
  /** a Git URL[#ref] after NAME */
  repo?: string
}

/** Validated `build` input: what to render plus how to run the build. */
export interface BuildOptions extends BuildParams {
  /** start a build even when the apply did not trigger one */
  rebuild: boolean
  /** stream the build log; undefined = when stderr is a terminal */
  follow?: boolean
  /** wait for the build to finish */
  wait: boolean
}

/** `oc new-build` accepts a URL where a name could be; so do we. */
export function looksLikeGitUrl(text: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(text) || /^[^\s/@]+@[^\s/:]+:/.test(text) || /\.git(#.*)?$/.test(text)
  )
}

/**
 * Validates everything `build` was given, before any request: names, URL and ref, image
 * references, sizes and the flag combinations. Throws UsageError (exit 2) with one line.
 */
export function parseBuildOptions(args: BuildArgs, flags: BuildFlags, namespace?: string): BuildOptions {
  let name = args.name
  let positionalRepo = args.repo
  if (name !== undefined && looksLikeGitUrl(name)) {
    if (positionalRepo !== undefined) throw invalid('NAME', name, 'expected a name before the repository URL')
    positionalRepo = name
    name = undefined
  }
  if (positionalRepo !== undefined && flags.repo !== undefined) {
    throw new UsageError('give the repository once: as an argument or with --repo, not both')
  }
  const fromSource = flags['from-source']
  if (flags.wait === false && flags.follow === true) {
    throw new UsageError(
      '--follow streams the log while the build runs; --no-wait returns at once: give one of them',
    )
  }
  const run = {rebuild: flags.rebuild ?? false, follow: flags.follow, wait: flags.wait ?? true}
  const buildMemory = parseSize(flags['build-memory'] ?? DEFAULT_BUILD_MEMORY, '--build-memory').text
  const contextDir = flags['context-dir'] === undefined ? undefined : parseContextDir(flags['context-dir'])

  if (fromSource !== undefined) {
    for (const [given, flag] of [
      [flags.repo ?? positionalRepo, '--repo (or a repository argument)'],
      [flags['base-image'], '--base-image'],
      [flags['upstream-dockerfile'] ? true : undefined, '--upstream-dockerfile'],
    ] as const) {
      if (given !== undefined) {
        throw new UsageError(
          `--from-source cannot be combined with ${flag}: it builds that repository with the builder image`,
          {
            hint: 'oc jupyter build --from-source https://github.com/ORG/NOTEBOOKS.git',
          },
        )
      }
    }
    const git = withRef(parseGitUrl(fromSource, '--from-source'), flags.ref, '--from-source')
    const derived = repoName(git.uri)
    if (name === undefined && derived === undefined) {
      throw invalid(
        '--from-source',
        fromSource,
        'cannot derive an image stream name from this URL; give NAME',
      )
    }
    const outName = parseStreamName(name ?? (derived as string))
    const builder = parseImageStreamTag(flags.builder ?? DEFAULT_IMAGE, '--builder')
    return {
      name: outName,
      ...(namespace === undefined ? {} : {namespace}),
      git,
      ...(contextDir === undefined ? {} : {contextDir}),
      buildMemory,
      outputTag: DEFAULT_OUTPUT_TAG,
      strategy: {type: 'Source', builder: formatStreamTag(builder)},
      ...run,
    }
  }

  if (flags.builder !== undefined) throw new UsageError('--builder only applies with --from-source')
  const repoText = positionalRepo ?? flags.repo
  const git =
    repoText === undefined
      ? withRef({uri: DEFAULT_REPO, ref: DEFAULT_REF}, flags.ref, '--ref', true)
      : withRef(
          parseGitUrl(repoText, positionalRepo === undefined ? '--repo' : 'REPOSITORY'),
          flags.ref,
          '--repo',
        )
  const outName = parseStreamName(name ?? DEFAULT_BUILD_NAME)
  // The recipe's repository gets our Dockerfile (its own no longer builds: FACTS.md §The upstream
  // builder) unless --upstream-dockerfile asks for the recipe exactly; any other repository's own is built.
  const defaultRepo = sameRepository(git.uri, DEFAULT_REPO)
  if (flags['upstream-dockerfile'] && !defaultRepo) {
    throw new UsageError(
      `--upstream-dockerfile only applies to ${DEFAULT_REPO}: another repository's own Dockerfile is always built`,
    )
  }
  const baseRef = parseImageRef(flags['base-image'] ?? DEFAULT_BASE_IMAGE, '--base-image')
  const base = baseStreamTagFor(baseRef)
  const baseImage = formatImageRef(baseRef)
  if (base.stream === outName) {
    throw new UsageError(
      `NAME "${outName}" is also the name of the base image stream (from --base-image); choose another NAME`,
    )
  }
  return {
    name: outName,
    ...(namespace === undefined ? {} : {namespace}),
    git,
    ...(contextDir === undefined ? {} : {contextDir}),
    buildMemory,
    outputTag: DEFAULT_OUTPUT_TAG,
    strategy: {
      type: 'Docker',
      base: {stream: base.stream, tag: base.tag, image: baseImage},
      ...(defaultRepo && !flags['upstream-dockerfile']
        ? {dockerfile: renderBuilderDockerfile(baseImage)}
        : {}),
    },
    ...run,
  }
}

/** Combines `URL#ref` with `--ref`: one of them, not both (unless the URL is our default). */
function withRef(git: GitSource, ref: string | undefined, label: string, replaceDefault = false): GitSource {
  if (ref === undefined) return git
  parseGitRef(ref, '--ref')
  if (git.ref !== undefined && !replaceDefault) {
    throw new UsageError(`give the ref once: ${label} already ends in #${git.ref}, and --ref says ${ref}`)
  }
  return {uri: git.uri, ref}
}

/** The builder set `deploy --build` runs first: defaults, output = the image stream tag deployed. */
export function defaultBuildFor(image: string, namespace?: string): BuildOptions {
  const ist = parseImageStreamTag(image, '--image')
  parseStreamName(ist.stream, '--image')
  const opts = parseBuildOptions({name: ist.stream}, {}, namespace)
  return {...opts, outputTag: ist.tag}
}

/**
 * Build failures we recognise from the log, each with the reason in plain words and the flags that
 * get a working build. The upstream builder branch (getwarped/s2i-minimal-notebook#s2i-assigned-uid)
 * is frozen: it installs `libav-tools`, which current Ubuntu no longer has, on top of the Docker Hub
 * `jupyter/*` images that stopped updating in Oct 2023 (FACTS.md §The upstream builder).
 */

export interface KnownFailure {
  id: string
  /** the log line that matched, verbatim */
  evidence: string
  explanation: string
  /** alternatives, each a complete command */
  remedies: string[]
}

interface Pattern {
  id: string
  match: RegExp
  explanation: string
  remedies: (ctx: RemedyContext) => string[]
}

export interface RemedyContext {
  /** the build's name as the user typed it (for the suggested commands) */
  name: string
  namespace: string
}

const cmd = (ctx: RemedyContext, flags: string): string =>
  `oc jupyter build${ctx.name === 's2i-minimal-notebook' ? '' : ` ${ctx.name}`} ${flags} -n ${ctx.namespace}`

const PATTERNS: Pattern[] = [
  {
    id: 'upstream-libav-tools',
    match: /(Package 'libav-tools' has no installation candidate|Unable to locate package libav-tools)/,
    explanation:
      "the upstream s2i-assigned-uid branch installs 'libav-tools', which no longer exists in current Ubuntu, " +
      'and its base jupyter/minimal-notebook on Docker Hub stopped updating in Oct 2023',
    remedies: ctx => [
      cmd(ctx, '--ref master'),
      cmd(ctx, '--repo https://github.com/YOUR-ORG/s2i-minimal-notebook --ref YOUR-BRANCH'),
      cmd(
        ctx,
        '--base-image quay.io/jupyter/minimal-notebook:latest --repo https://github.com/YOUR-ORG/s2i-minimal-notebook',
      ),
    ],
  },
  {
    id: 'registry-rate-limit',
    match: /(toomanyrequests|You have reached your pull rate limit)/i,
    explanation: 'Docker Hub refused to serve the base image (anonymous pull rate limit)',
    remedies: ctx => [cmd(ctx, '--base-image quay.io/jupyter/minimal-notebook:latest')],
  },
  {
    id: 'base-image-missing',
    match: /(manifest unknown|manifest for \S+ not found|repository does not exist or may require)/i,
    explanation: 'the base image could not be pulled: it does not exist or needs credentials',
    remedies: ctx => [cmd(ctx, '--base-image quay.io/jupyter/minimal-notebook:latest')],
  },
  {
    id: 'out-of-memory',
    match: /(OOMKilled|OutOfMemoryKilled|Killed\s*$|out of memory)/i,
    explanation: 'the build ran out of memory',
    remedies: ctx => [cmd(ctx, '--build-memory 2Gi --rebuild')],
  },
  {
    id: 'git-ref-missing',
    match: /(couldn't find remote ref|Remote branch \S+ not found|did not match any file\(s\) known to git)/i,
    explanation: 'the Git ref does not exist in the repository',
    remedies: ctx => [cmd(ctx, '--ref master')],
  },
]

/** The first known failure found in the log (search from the end: the last error is the cause). */
export function diagnoseBuildLog(lines: readonly string[], ctx: RemedyContext): KnownFailure | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    for (const p of PATTERNS) {
      if (p.match.test(lines[i])) {
        return {id: p.id, evidence: lines[i].trim(), explanation: p.explanation, remedies: p.remedies(ctx)}
      }
    }
  }
  return undefined
}

/** Reasons from the Build status that map to a remedy even without a log (FACTS.md build reasons). */
export function remedyForReason(reason: string | undefined, ctx: RemedyContext): string | undefined {
  switch (reason) {
    case 'OutOfMemoryKilled':
      return cmd(ctx, '--build-memory 2Gi --rebuild')
    case 'FetchSourceFailed':
      return `check the repository URL and ref: ${cmd(ctx, '--repo URL --ref BRANCH')}`
    case 'PullBuilderImageFailed':
      return cmd(ctx, '--base-image quay.io/jupyter/minimal-notebook:latest')
    default:
      return undefined
  }
}

/**
 * Notebook start-up failures recognised from the crashed container's log, shared by deploy (which
 * ends early with them) and doctor (`pods.*` checks): the evidence, the cause in plain words and
 * complete commands that clear it.
 */

/** The variable the upstream s2i run script hashes with `import notebook.auth` (FACTS.md §The upstream builder). */
export const RUN_SCRIPT_PASSWORD_ENV = 'JUPYTER_NOTEBOOK_PASSWORD'

export const NOTEBOOK_AUTH_MISSING = /No module named '?notebook\.auth'?/

export const NOTEBOOK_AUTH_EXPLANATION =
  `the image's s2i run script hashes ${RUN_SCRIPT_PASSWORD_ENV} with \`import notebook.auth\` under \`set -e\`; ` +
  'Notebook 7 (every docker-stacks image since mid-2023) has no such module, so the script exits before Jupyter starts'

export interface CrashContext {
  /** `deployment/NAME` or `dc/NAME` */
  workload: string
  namespace: string
  /** the notebook instance */
  name: string
  /** the workload already passes the Secret's password as JUPYTER_TOKEN */
  hasTokenEnv: boolean
}

/**
 * Removing the variable clears the crash (the run script then skips the hash); the password still
 * reaches the server as JUPYTER_TOKEN — `oc jupyter deploy` sets that where it is missing. Plain
 * commands (no comments), so they can be joined with `&&` into one line. `oc set env`
 * is needed because a variable another tool set is not removed by deploy's server-side apply.
 */
export function notebookAuthRemedies(ctx: CrashContext): string[] {
  return [
    `oc set env ${ctx.workload} ${RUN_SCRIPT_PASSWORD_ENV}- -n ${ctx.namespace}`,
    ...(ctx.hasTokenEnv ? [] : [`oc jupyter deploy ${ctx.name} -n ${ctx.namespace}`]),
  ]
}

export interface KnownCrash {
  id: string
  evidence: string
  explanation: string
  remedies: string[]
}

/** The known cause of a crash in these log lines (the last matching line), if any. */
export function diagnoseCrash(lines: readonly string[], ctx: CrashContext): KnownCrash | undefined {
  const line = [...lines].reverse().find(l => NOTEBOOK_AUTH_MISSING.test(l))
  if (line === undefined) return undefined
  return {
    id: 'notebook-auth-missing',
    evidence: line.trim(),
    explanation: NOTEBOOK_AUTH_EXPLANATION,
    remedies: notebookAuthRemedies(ctx),
  }
}

/**
 * A token the Jupyter server generated itself, in its startup URL: 48 hex digits
 * (`binascii.hexlify(os.urandom(24))`, jupyter_server `IdentityProvider._token_default`). A token it
 * was given (JUPYTER_TOKEN) is printed as `?token=...` instead.
 */
export const GENERATED_TOKEN = /[?&]token=([0-9a-f]{48})\b/

/** The line with the token replaced: a generated token is a credential, never shown. */
export const redactToken = (line: string): string =>
  line.replace(GENERATED_TOKEN, m => m.replace(/[0-9a-f]{48}/, '<redacted>'))

/** The last log line that shows a generated token, redacted. */
export function generatedTokenLine(lines: readonly string[]): string | undefined {
  const line = [...lines].reverse().find(l => GENERATED_TOKEN.test(l))
  return line === undefined ? undefined : redactToken(line.trim())
}

import {invalid} from './invalid.js'

export interface EnvVar {
  name: string
  value: string
}

/** Kubernetes IsEnvVarName: `[-._a-zA-Z][-._a-zA-Z0-9]*`. */
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/

/**
 * Variables the CLI sets itself, or that would break the notebook. Overriding them with --env would
 * silently break it (a second PERSISTENT_VOLUME_ROOTDIR pointing away from the volume, a password in
 * plain text in the Deployment), so they are refused with the flag to use instead.
 */
export const RESERVED_ENV: Record<string, string> = {
  PERSISTENT_VOLUME_ROOTDIR: 'set by --mount-path',
  JUPYTER_TOKEN:
    'the password, read from the NAME-password Secret; use --password-from-stdin or --rotate-password',
  JUPYTER_TOKEN_FILE:
    'the password comes from the NAME-password Secret as JUPYTER_TOKEN; use --password-from-stdin or --rotate-password',
  // The upstream run script hashes it with `import notebook.auth` under `set -e`: Notebook 7 has no
  // such module and the pod crash-loops (FACTS.md §The upstream builder).
  JUPYTER_NOTEBOOK_PASSWORD:
    'it crashes the s2i run script on Notebook 7 (no notebook.auth); the password comes from the NAME-password Secret as JUPYTER_TOKEN: use --password-from-stdin or --rotate-password',
}

export function parseEnvPair(text: string, label = '--env'): EnvVar {
  const eq = text.indexOf('=')
  if (eq === -1) throw invalid(label, text, 'expected KEY=VALUE')
  const name = text.slice(0, eq)
  if (!ENV_NAME.test(name)) {
    throw invalid(
      label,
      text,
      `invalid variable name "${name}" (letters, digits, '_', '-' and '.', not starting with a digit)`,
    )
  }
  if (name in RESERVED_ENV) throw invalid(label, text, `${name} is reserved: ${RESERVED_ENV[name]}`)
  return {name, value: text.slice(eq + 1)}
}

/**
 * Parses repeated --env flags. A later pair for the same name wins (like `oc set env`), keeping the
 * first position: env is a list keyed by name, and duplicates would make server-side apply fail.
 */
export function parseEnvPairs(texts: readonly string[], label = '--env'): EnvVar[] {
  const byName = new Map<string, EnvVar>()
  for (const text of texts) {
    const pair = parseEnvPair(text, label)
    byName.set(pair.name, pair)
  }
  return [...byName.values()]
}

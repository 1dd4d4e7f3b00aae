import {UsageError} from '../errors.js'

/**
 * Reads a secret from stdin (`--password-from-stdin`): everything up to EOF, one trailing newline
 * removed (what `echo` or a here-string adds). Refuses a terminal so it never waits silently.
 */
export async function readSecretFromStdin(
  flag: string,
  stdin: NodeJS.ReadStream = process.stdin,
): Promise<string> {
  if (stdin.isTTY)
    throw new UsageError(`${flag}: stdin is a terminal; pipe the password in`, {
      hint: `printf %s "$PASSWORD" | oc jupyter deploy ${flag}`,
    })
  const chunks: Buffer[] = []
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
  const text = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '')
  if (text === '') throw new UsageError(`${flag}: stdin was empty`)
  if (/[\r\n]/.test(text)) throw new UsageError(`${flag}: the password must be one line`)
  return text
}

/** `oc jupyter password`: the notebook password from its Secret, and nothing else. */
import {isNotFound, resourcePath, type KubeClient, type KubeObject} from './cluster/index.js'
import {CliError, ExitCode} from './errors.js'
import {PASSWORD_KEY, passwordSecretName} from './render/secret.js'

export async function readPassword(client: KubeClient, namespace: string, name: string): Promise<string> {
  const secretName = passwordSecretName(name)
  let secret: KubeObject
  try {
    secret = await client.get<KubeObject>(resourcePath('Secret', {namespace, name: secretName}))
  } catch (error) {
    if (isNotFound(error)) {
      throw new CliError(`Secret ${secretName} not found in project ${namespace}`, ExitCode.Failed, {
        hint: `oc jupyter deploy ${name} -n ${namespace}`,
        cause: error,
      })
    }
    throw error
  }
  const encoded = (secret.data as Record<string, string> | undefined)?.[PASSWORD_KEY]
  if (encoded === undefined) {
    throw new CliError(`Secret ${secretName} has no "${PASSWORD_KEY}" key`, ExitCode.Failed, {
      hint: `oc jupyter deploy ${name} --rotate-password -n ${namespace}`,
    })
  }
  const password = Buffer.from(encoded, 'base64').toString('utf8')
  client.addSecrets(password)
  return password
}

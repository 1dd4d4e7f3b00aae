/** `oc jupyter password`: the notebook password from its Secret, and nothing else. */
import {isNotFound, resourcePath, type KubeClient, type KubeObject} from './cluster/index.js'
import {CliError, ExitCode} from './errors.js'
import {selectsAsOurs} from './foreign.js'
import {loginMode} from './instance.js'
import {noSuchNotebook} from './notebooks.js'
import {PASSWORD_KEY, passwordSecretName} from './render/secret.js'

export async function readPassword(client: KubeClient, namespace: string, name: string): Promise<string> {
  const secretName = passwordSecretName(name)
  let secret: KubeObject
  // The workload says how people log in; read beside the Secret (no extra wait).
  const workload = client
    .getIfExists<KubeObject>(resourcePath('Deployment', {namespace, name}))
    .catch(() => undefined)
  try {
    secret = await client.get<KubeObject>(resourcePath('Secret', {namespace, name: secretName}))
  } catch (error) {
    if (isNotFound(error)) {
      const w = await workload
      if (loginMode(w) === 'openshift') throw noPassword(name, namespace)
      if (!w || !selectsAsOurs(w, name)) throw await noSuchNotebook(client, namespace, name, 'password')
      throw new CliError(`Secret ${secretName} not found in project ${namespace}`, ExitCode.Failed, {
        hint: `oc jupyter deploy ${name} -n ${namespace}`,
        cause: error,
      })
    }
    throw error
  }
  // A password Secret left from before a switch to --auth openshift is not what logs in now.
  if (loginMode(await workload) === 'openshift') throw noPassword(name, namespace)
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

/** --auth openshift: there is no password; say who gets in and how to let someone in. */
function noPassword(name: string, namespace: string): CliError {
  return new CliError(
    `notebook ${name} has no password: people log in with their OpenShift account (--auth openshift), and anyone who may view project ${namespace} gets in`,
    ExitCode.Failed,
    {hint: `oc adm policy add-role-to-user view USER -n ${namespace}   # lets USER in`},
  )
}

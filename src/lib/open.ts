/**
 * `oc jupyter open`: the notebook's URL from its admitted Route, and the desktop command that opens a
 * browser on it. The URL never carries the password (no `?token=`): it would land in the browser's
 * history and the router's access log.
 */
import {resourcePath, type KubeClient, type KubeObject} from './cluster/index.js'
import {arr, count, rec, str} from './cluster/obj.js'
import {CliError, ExitCode} from './errors.js'
import {loginMode} from './instance.js'
import {requireWorkload} from './lifecycle.js'

export interface OpenTarget {
  name: string
  namespace: string
  url: string
  login: 'password' | 'openshift'
  stopped: boolean
  /** `--auth password`: the command that prints the password */
  passwordCommand?: string
}

export async function notebookUrl(client: KubeClient, namespace: string, name: string): Promise<OpenTarget> {
  const w = await requireWorkload(client, namespace, name, 'open')
  const route = await client.getIfExists<KubeObject>(resourcePath('Route', {namespace, name}))
  if (!route) {
    throw new CliError(`notebook ${name} has no Route ${name}, so no URL`, ExitCode.Failed, {
      hint: `oc jupyter deploy ${name} -n ${namespace}   # re-applies the Route`,
    })
  }
  const ingress = arr(rec(route.status).ingress)
  const admitted = ingress.find(i =>
    arr(i.conditions).some(c => c.type === 'Admitted' && c.status === 'True'),
  )
  if (!admitted) {
    const rejected = ingress
      .flatMap(i => arr(i.conditions))
      .find(c => c.type === 'Admitted' && c.status === 'False')
    throw new CliError(
      `Route ${name} is not admitted by a router${rejected ? `: ${str(rejected.reason) ?? ''} ${str(rejected.message) ?? ''}`.trimEnd() : ' yet'}`,
      ExitCode.Failed,
      {hint: `oc jupyter doctor ${name} -n ${namespace}`},
    )
  }
  const host = str(admitted.host) ?? str(rec(route.spec).host)
  const tls = rec(rec(route.spec).tls).termination !== undefined
  const login = loginMode(w.object)
  return {
    name,
    namespace,
    url: `${tls ? 'https' : 'http'}://${host ?? ''}`,
    login,
    stopped: count(rec(w.object.spec).replicas) === 0,
    ...(login === 'password' ? {passwordCommand: `oc jupyter password ${name} -n ${namespace}`} : {}),
  }
}

/**
 * How this desktop opens a URL, or undefined where there is none (an SSH session, a container):
 * $BROWSER first (as Python's webbrowser and xdg-utils read it), then `open` on macOS, `start` on
 * Windows, `xdg-open` on Linux/BSD with a display.
 */
export function browserCommand(
  url: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): {command: string; args: string[]} | undefined {
  const browser = env.BROWSER?.split(':').find(b => b.trim() !== '')
  if (browser) {
    // $BROWSER may hold `%s` for the URL (the convention of xdg-utils and Python's webbrowser)
    const words = browser.trim().split(/\s+/)
    const args = words.slice(1)
    return {
      command: words[0],
      args: args.some(a => a.includes('%s')) ? args.map(a => a.replaceAll('%s', url)) : [...args, url],
    }
  }
  if (platform === 'darwin') return {command: 'open', args: [url]}
  if (platform === 'win32') return {command: 'cmd', args: ['/c', 'start', '""', url]}
  if (env.DISPLAY || env.WAYLAND_DISPLAY) return {command: 'xdg-open', args: [url]}
  return undefined
}

/**
 * `npm run demo`: the main job without a cluster. Starts the built-in sandbox (the fake OpenShift
 * API server with project `myproject`), then runs the real CLI against it, as a user would:
 *
 *   oc jupyter build      # builder image streams + BuildConfig, follows the build
 *   oc jupyter deploy     # Secret, PVC, Service, Route, Deployment; anyuid removed; waits
 *   oc jupyter status
 *
 * and stops the sandbox. Exit status: the first failing command's, else 0.
 */
import {spawn} from 'node:child_process'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {startFakeOpenShift} from '../fake-openshift/src/index.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

function run(args: string[], kubeconfig: string, echo = true): Promise<{code: number; stdout: string}> {
  if (echo) process.stderr.write(`\n$ oc jupyter ${args.join(' ')}\n`)
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'bin/run.js'), ...args], {
      env: {...process.env, KUBECONFIG: kubeconfig},
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let stdout = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d
      if (echo) process.stdout.write(d)
    })
    child.on('error', reject)
    child.on('close', code => resolve({code: code ?? 1, stdout}))
  })
}

async function main(): Promise<number> {
  // A small step delay lets the progress lines show the phases a real cluster goes through.
  const fake = await startFakeOpenShift({simulators: 'auto', autoStepDelayMs: 20})
  process.stderr.write(
    `sandbox: fake OpenShift API at ${fake.url}, project ${fake.namespace}, user ${fake.user}\n`,
  )
  try {
    for (const args of [['build', '--follow'], ['deploy'], ['status']]) {
      const {code} = await run(args, fake.kubeconfigPath)
      if (code !== 0) {
        process.stderr.write(`demo: oc jupyter ${args[0]} exited ${code}\n`)
        return code
      }
    }
    // The URL as a script would read it (quietly: status was shown above).
    const {stdout} = await run(['status', '-o', 'json'], fake.kubeconfigPath, false)
    const url = (JSON.parse(stdout) as {route?: {url?: string}}).route?.url
    if (!url) {
      process.stderr.write('demo: the notebook has no URL\n')
      return 1
    }
    process.stdout.write(`\nNotebook URL: ${url}\n`)
    process.stderr.write('(in the sandbox; on a real cluster, open it in a browser)\n')
    return 0
  } finally {
    await fake.stop()
    process.stderr.write('sandbox stopped\n')
  }
}

main().then(
  code => process.exit(code),
  err => {
    console.error(err)
    process.exit(1)
  },
)

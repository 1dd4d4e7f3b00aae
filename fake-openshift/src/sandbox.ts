/**
 * `npm run sandbox -- [--scenario FILE] [--port N] [--minor N] [--user NAME] [--namespace NS] [--step-delay MS]`
 *
 * Starts the fake OpenShift API server in the foreground with a ready project (`myproject`: UID
 * range assigned, the OpenShift 4 default SCCs, roles and bindings), writes a kubeconfig under
 * .sandbox/ and prints how to use it. Simulators step by themselves (auto mode). Ctrl-C or SIGTERM
 * stops it.
 */
import {resolve} from 'node:path'
import {parseArgs} from 'node:util'

import {startFakeOpenShift} from './index.js'

async function main(): Promise<void> {
  const {values} = parseArgs({
    options: {
      scenario: {type: 'string'},
      port: {type: 'string'},
      minor: {type: 'string'},
      user: {type: 'string'},
      namespace: {type: 'string'},
      'step-delay': {type: 'string'},
      verbose: {type: 'boolean', short: 'v'},
      help: {type: 'boolean', short: 'h'},
    },
    allowPositionals: false,
  })
  if (values.help) {
    process.stdout.write(
      'usage: npm run sandbox -- [--scenario FILE] [--port N] [--minor N] [--user NAME] [--namespace NS] [--step-delay MS] [--verbose]\n',
    )
    return
  }
  const kubeconfigPath = resolve('.sandbox', 'kubeconfig')
  const fake = await startFakeOpenShift({
    scenario: values.scenario,
    port: values.port ? Number(values.port) : undefined,
    kubernetesMinor: values.minor ? Number(values.minor) : undefined,
    user: values.user,
    namespace: values.namespace,
    autoStepDelayMs: values['step-delay'] ? Number(values['step-delay']) : undefined,
    simulators: 'auto',
    kubeconfigPath,
    bookmarkIntervalMs: 60_000,
  })
  const adminKubeconfig = fake.writeKubeconfig(resolve('.sandbox', 'kubeconfig-admin'), {user: 'admin'})
  const out = process.stdout
  out.write(`fake OpenShift API server listening on ${fake.url} (Kubernetes 1.${fake.kubernetesMinor})\n`)
  if (values.scenario) out.write(`scenario: ${values.scenario}\n`)
  out.write(`project: ${fake.namespace}   user: ${fake.user}   cluster-admin: admin\n`)
  out.write(`kubeconfig: ${fake.kubeconfigPath}   (cluster-admin: ${adminKubeconfig})\n\n`)
  out.write(`export KUBECONFIG=${fake.kubeconfigPath}\n\n`)
  out.write('Press Ctrl-C to stop.\n')
  if (values.verbose) {
    // one line per finished request: what the CLI (or kubectl) sent and what it got
    let seen = fake.recorder.mark()
    setInterval(() => {
      for (const r of fake.recorder.filter({since: seen})) {
        if (r.status === 0 && !r.fault) continue
        seen = Math.max(seen, r.seq)
        const query = new URLSearchParams(r.query as Record<string, string>).toString()
        process.stderr.write(
          `${r.method} ${r.path}${query ? `?${query}` : ''} ${r.contentType ?? ''} → ${r.status}${r.fault ? ` (fault: ${r.fault})` : ''} [${r.user ?? '-'}]\n`,
        )
      }
    }, 200).unref()
  }

  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    process.stderr.write(`\n${signal}: stopping the fake server\n`)
    fake.stop().then(
      () => process.exit(0),
      err => {
        console.error(err)
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}

main().catch(err => {
  console.error(`sandbox: ${(err as Error).message ?? err}`)
  process.exit(1)
})

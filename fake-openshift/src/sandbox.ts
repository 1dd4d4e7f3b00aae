/**
 * `npm run sandbox -- [--profile NAME] [--storage NAME] [--scenario FILE] [--port N] [--minor N] [--user NAME] [--namespace NS] [--step-delay MS]`
 *
 * Starts the fake OpenShift API server in the foreground with a ready project (`myproject`: UID
 * range assigned, the OpenShift 4 default SCCs, roles and bindings), writes a kubeconfig under
 * .sandbox/ and prints how to use it. `--profile` picks the OpenShift release and its storage
 * (profiles/clusters.ts), `--storage` another storage profile (profiles/storage.ts); `--help` lists them. Simulators step by themselves (auto mode). Ctrl-C or SIGTERM
 * stops it.
 */
import {resolve} from 'node:path'
import {parseArgs} from 'node:util'

import {startFakeOpenShift} from './index.js'
import {
  CLUSTER_PROFILES,
  clusterProfile,
  DEFAULT_CLUSTER_PROFILE,
  openshiftMinorOf,
  profileSummary,
  STORAGE_PROFILES,
} from './profiles/index.js'

async function main(): Promise<void> {
  const {values} = parseArgs({
    options: {
      profile: {type: 'string'},
      storage: {type: 'string'},
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
    const out = process.stdout
    out.write(
      'usage: npm run sandbox -- [--profile NAME] [--storage NAME] [--scenario FILE] [--port N] [--minor N] [--user NAME] [--namespace NS] [--step-delay MS] [--verbose]\n\n',
    )
    out.write(`cluster profiles (--profile; default ${DEFAULT_CLUSTER_PROFILE}):\n`)
    for (const p of Object.values(CLUSTER_PROFILES)) out.write(`  ${p.name.padEnd(14)} ${p.title}\n`)
    out.write("storage profiles (--storage; default: the cluster profile's):\n")
    for (const p of Object.values(STORAGE_PROFILES)) out.write(`  ${p.name.padEnd(22)} ${p.description}\n`)
    return
  }
  const kubeconfigPath = resolve('.sandbox', 'kubeconfig')
  const fake = await startFakeOpenShift({
    profile: values.profile,
    storage: values.storage,
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
  const profile = clusterProfile(fake.profile)
  out.write(`profile: ${profile.name} — ${profile.title}; storage: ${fake.storage}\n`)
  for (const line of profileSummary({...profile, openshiftMinor: openshiftMinorOf(fake.kubernetesMinor)}))
    out.write(`  ${line}\n`)
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

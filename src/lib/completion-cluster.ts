/**
 * Completion candidates from the cluster: notebook names (the labelled workloads, as `list`) and
 * namespaces (the user's projects, else namespaces). Bounded: 1.5 s per request and 2 s in all, and any
 * failure (no kubeconfig, no network, no permission) is no candidates — never an error in a shell.
 */
import {resourcePath, type KubeObject} from './cluster/index.js'
import {createClient} from './cluster/client.js'
import {loadKubeContext} from './cluster/kubeconfig.js'
import type {CompletionNeed} from './completion.js'
import {listNotebooks} from './notebooks.js'

const REQUEST_TIMEOUT_MS = 1500
const TOTAL_MS = 2000

export async function clusterCandidates(need: Exclude<CompletionNeed, {kind: 'words'}>): Promise<string[]> {
  const ctx = loadKubeContext({...need.cluster, requestTimeoutMs: REQUEST_TIMEOUT_MS})
  const client = createClient(ctx)
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<string[]>(resolve => {
    timer = setTimeout(() => resolve([]), TOTAL_MS)
    timer.unref()
  })
  const lookup = async (): Promise<string[]> => {
    if (need.kind === 'notebooks') return (await listNotebooks(client, client.namespace)).map(r => r.name)
    const names = (items: KubeObject[]) => items.map(o => o.metadata?.name ?? '').filter(Boolean)
    try {
      return names((await client.list<KubeObject>('/apis/project.openshift.io/v1/projects')).items)
    } catch {
      return names((await client.list<KubeObject>(resourcePath('Namespace', {}))).items)
    }
  }
  try {
    const found = await Promise.race([lookup(), deadline])
    return found.filter(n => n.startsWith(need.partial)).sort()
  } finally {
    clearTimeout(timer)
  }
}

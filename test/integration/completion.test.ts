/**
 * Completion end to end against the fake OpenShift: the bash script of `completion bash`, loaded in a
 * real bash, completes commands, flags and the project's notebook names; real kubectl completes
 * `kubectl jupyter …` through the kubectl_complete-jupyter executable (kubectl >= 1.26).
 */
import {execFile} from 'node:child_process'
import {mkdtempSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {beforeAll, describe, expect, test} from 'vitest'

import type {FakeOpenShift} from '../../fake-openshift/src/index.js'
import {repoRoot, runCli} from './helpers/cli.js'
import {both, builderStream, fakes, project} from './helpers/notebook.js'

const start = fakes()
let fake: FakeOpenShift
let kc: string
/** a PATH directory holding the executables npm links: oc-jupyter, kubectl-jupyter, kubectl_complete-jupyter */
let binDir: string
beforeAll(async () => {
  fake = await start()
  kc = project(fake, 'completing', [builderStream()])
  for (const name of ['lab', 'notebook']) {
    const r = await runCli(['deploy', name], {kubeconfig: kc})
    expect(r.code, both(r)).toBe(0)
  }
  binDir = mkdtempSync(path.join(tmpdir(), 'ocj-bin-'))
  symlinkSync(path.join(repoRoot, 'bin/run.js'), path.join(binDir, 'oc-jupyter'))
  symlinkSync(path.join(repoRoot, 'bin/run.js'), path.join(binDir, 'kubectl-jupyter'))
  symlinkSync(
    path.join(repoRoot, 'bin/kubectl_complete-jupyter.js'),
    path.join(binDir, 'kubectl_complete-jupyter'),
  )
})

function sh(
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<{code: number; out: string}> {
  return new Promise(resolve => {
    execFile(
      command,
      args,
      {env: {PATH: `${binDir}:${process.env.PATH}`, HOME: binDir, ...env}, timeout: 60_000},
      (err, stdout, stderr) => resolve({code: err ? 1 : 0, out: String(stdout) + String(stderr)}),
    )
  })
}

/** What bash offers for a command line (the cursor at its end), with the script of `completion bash`. */
async function bashComplete(line: string): Promise<string[]> {
  const script = (await runCli(['completion', 'bash'])).stdout
  const file = path.join(binDir, 'completion.bash')
  writeFileSync(file, script)
  const r = await sh(
    'bash',
    [
      '-c',
      `source ${file}; COMP_LINE="$1"; COMP_POINT=\${#1}; _oc_jupyter; printf '%s\\n' "\${COMPREPLY[@]}"`,
      'bash',
      line,
    ],
    {KUBECONFIG: kc},
  )
  expect(r.code, r.out).toBe(0)
  return r.out.split('\n').filter(Boolean)
}

describe('completion', () => {
  test('bash: commands, flags, values and notebook names from the cluster', async () => {
    expect(await bashComplete('oc-jupyter sta')).toEqual(['start', 'status'])
    expect(await bashComplete('oc-jupyter deploy --volume-')).toEqual(['--volume-size'])
    expect(await bashComplete('oc-jupyter status -o y')).toEqual(['yaml'])
    expect(await bashComplete('oc-jupyter status ')).toEqual(['lab', 'notebook'])
    expect(await bashComplete('oc-jupyter logs l')).toEqual(['lab'])
    expect(await bashComplete('oc-jupyter list -n compl')).toEqual(['completing'])
  })

  test('an unreachable cluster: no candidates, no error, quickly', async () => {
    const dead = path.join(binDir, 'dead-kubeconfig')
    writeFileSync(
      dead,
      'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:9"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n',
    )
    const started = Date.now()
    const r = await sh(process.execPath, [path.join(repoRoot, 'bin/run.js'), '__complete', 'status', ''], {
      KUBECONFIG: dead,
    })
    expect(r).toEqual({code: 0, out: ':4\n'})
    expect(Date.now() - started).toBeLessThan(15_000)
  })

  test('kubectl jupyter completes through kubectl_complete-jupyter', async () => {
    const r = await sh('kubectl', ['__complete', 'jupyter', 'status', ''], {KUBECONFIG: kc})
    expect(r.code, r.out).toBe(0)
    expect(r.out.split('\n').slice(0, 3)).toEqual(['lab', 'notebook', ':4'])
    const cmds = await sh('kubectl', ['__complete', 'jupyter', 'sto'], {KUBECONFIG: kc})
    expect(cmds.out.split('\n')[0]).toBe('stop')
  })
})

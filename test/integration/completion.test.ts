/**
 * Completion end to end against the fake OpenShift: the bash script of `completion bash`, loaded in a
 * real bash, completes commands, flags and the project's notebook names; real kubectl completes
 * `kubectl jupyter …` through the kubectl_complete-jupyter executable (kubectl >= 1.26).
 */
import {execFile} from 'node:child_process'
import {existsSync, mkdtempSync, symlinkSync, writeFileSync} from 'node:fs'
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

/** The script of `completion SHELL`, in a file. */
async function script(shell: 'bash' | 'zsh' | 'fish'): Promise<string> {
  const file = path.join(binDir, `completion.${shell}`)
  writeFileSync(file, (await runCli(['completion', shell])).stdout)
  return file
}

const has = (shell: string) => existsSync(`/usr/bin/${shell}`) || existsSync(`/bin/${shell}`)

/** What bash offers for a command line (the cursor at its end), with the script of `completion bash`. */
async function bashComplete(line: string): Promise<string[]> {
  const file = await script('bash')
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

  // zsh: the function as its completion system calls it (words, CURRENT), compadd recording what it gets
  test.skipIf(!has('zsh'))('zsh: commands and notebook names (needs zsh)', async () => {
    const file = await script('zsh')
    const r = await sh(
      'zsh',
      [
        '-c',
        `source ${file}; compadd() { shift 2; print -l -- "$@" }; ` +
          'words=(oc-jupyter sta); CURRENT=2; _oc_jupyter; print -- ---; ' +
          'words=(oc-jupyter status ""); CURRENT=3; _oc_jupyter',
      ],
      {KUBECONFIG: kc},
    )
    expect(r.code, r.out).toBe(0)
    expect(r.out).toBe('start\nstatus\n---\nlab\nnotebook\n')
  })

  // fish: `complete -C LINE` prints what fish would offer for LINE
  test.skipIf(!has('fish'))('fish: commands, values and notebook names (needs fish)', async () => {
    const file = await script('fish')
    const r = await sh(
      'fish',
      [
        '-c',
        `source ${file}; complete -C"oc-jupyter sta"; echo ---; complete -C"oc-jupyter deploy --output=y"; echo ---; complete -C"oc-jupyter logs "`,
      ],
      {KUBECONFIG: kc},
    )
    expect(r.code, r.out).toBe(0)
    expect(r.out).toBe('start\nstatus\n---\n--output=yaml\n---\nlab\nnotebook\n')
  })

  test('an unreachable cluster: no candidates, no error', async () => {
    const dead = path.join(binDir, 'dead-kubeconfig')
    writeFileSync(
      dead,
      'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:9"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n',
    )
    const r = await sh(process.execPath, [path.join(repoRoot, 'bin/run.js'), '__complete', 'status', ''], {
      KUBECONFIG: dead,
    })
    expect(r).toEqual({code: 0, out: ':4\n'})
  })

  test('kubectl jupyter completes through kubectl_complete-jupyter', async () => {
    const r = await sh('kubectl', ['__complete', 'jupyter', 'status', ''], {KUBECONFIG: kc})
    expect(r.code, r.out).toBe(0)
    expect(r.out.split('\n').slice(0, 3)).toEqual(['lab', 'notebook', ':4'])
    const cmds = await sh('kubectl', ['__complete', 'jupyter', 'sto'], {KUBECONFIG: kc})
    expect(cmds.out.split('\n')[0]).toBe('stop')
  })
})

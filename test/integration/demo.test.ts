/**
 * `npm run demo` (the README's command for the main job without a cluster): the script after the build
 * (`npm run demo` builds first; here dist/ is already built, and rebuilding it would pull it away from
 * under the other integration tests). It must start the sandbox, run build, deploy and status against it,
 * print the notebook URL, stop the sandbox and exit 0.
 */
import {spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'
import path from 'node:path'

import {expect, test} from 'vitest'

import {assertBuilt, repoRoot} from './helpers/cli.js'

function runDemo(): Promise<{code: number; stdout: string; stderr: string}> {
  assertBuilt()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'scripts/demo.ts')], {
      cwd: repoRoot,
      env: {PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1'},
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', d => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', d => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 110_000)
    child.on('error', reject)
    child.on('close', code => {
      clearTimeout(timer)
      resolve({code: code ?? -1, stdout, stderr})
    })
  })
}

test('npm run demo: sandbox, build, deploy, status, the notebook URL, exit 0', async () => {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8')
  expect(readme.split('\n').slice(0, 15).join('\n')).toContain('npm run demo')
  expect(JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).scripts.demo).toBe(
    'npm run build && tsx scripts/demo.ts',
  )

  const r = await runDemo()
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0)
  const url = 'https://notebook-myproject.apps.sandbox.example.com'
  expect(r.stderr).toMatch(/^sandbox: fake OpenShift API at https:\/\/127\.0\.0\.1:\d+, project myproject/m)
  // the three commands ran, in order, against the sandbox
  const steps = [...r.stderr.matchAll(/^\$ oc jupyter (.*)$/gm)].map(m => m[1])
  expect(steps).toEqual(['build --follow', 'deploy', 'status'])
  expect(r.stderr).toContain('✔ Build s2i-minimal-notebook-1 Complete')
  expect(r.stderr).toContain('deployment "notebook" successfully rolled out')
  expect(r.stdout).toContain(`Notebook notebook is running at ${url}`)
  expect(r.stdout).toMatch(/Pod: +notebook-\S+ Running \(ready\); uid 1000040000, scc restricted-v2/)
  expect(r.stdout.trim().split('\n').at(-1)).toBe(`Notebook URL: ${url}`)
  expect(r.stderr.trim().split('\n').at(-1)).toBe('sandbox stopped')
}, 120_000)

/**
 * The recipe's story on today's images, end to end through the real CLI against the fake OpenShift
 * (whose build and pod outcomes follow from the repository content, the package tables and the image
 * model — FACTS.md §The upstream builder):
 * - `build --upstream-dockerfile` (the branch's own Dockerfile, the recipe exactly) fails on
 *   libav-tools; the printed remedy, run as printed, builds;
 * - `build --upstream-dockerfile --ref master` builds (ffmpeg), and `deploy` runs it: the password
 *   reaches Jupyter as JUPYTER_TOKEN, which the run script leaves alone;
 * - the notebook.auth crash arises where it really does — JUPYTER_NOTEBOOK_PASSWORD set on the
 *   Deployment, as the upstream README instructs — and deploy ends early with the evidence and a fix
 *   that, run as printed, gives a Ready notebook;
 * - `deploy --image quay.io/jupyter/scipy-notebook:TAG` runs a registry image without any build.
 */
import {describe, expect, test} from 'vitest'

import {runCli} from './helpers/cli.js'
import {both, fakes, list, project} from './helpers/notebook.js'
import {runPrinted, tryLine} from './helpers/remedy.js'

const start = fakes()

function pods(fake: Awaited<ReturnType<typeof start>>, ns: string) {
  return list(fake, 'v1', 'pods', ns).filter(p => !p.metadata.deletionTimestamp)
}

function readyPod(fake: Awaited<ReturnType<typeof start>>, ns: string) {
  return pods(fake, ns).find(p =>
    ((p.status as {containerStatuses?: Array<{ready?: boolean}>})?.containerStatuses ?? []).every(
      c => c.ready === true,
    ),
  )
}

describe("the recipe's story on today's images", () => {
  test.concurrent(
    "--upstream-dockerfile: the branch's own Dockerfile fails on libav-tools; the remedy, run as printed, builds",
    async () => {
      const fake = await start()
      const kc = project(fake, 'upstream')
      const r = await runCli(['build', '--upstream-dockerfile'], {kubeconfig: kc})
      expect(r.code, both(r)).toBe(1)
      expect(r.stderr).toContain("E: Package 'libav-tools' has no installation candidate")
      expect(r.stderr).toContain("the branch's own Dockerfile installs 'libav-tools'")
      const remedy = tryLine(r.stderr)
      expect(remedy).toBe('oc jupyter build -n upstream')
      const fixed = await runPrinted(remedy, kc)
      expect(fixed.code, both(fixed)).toBe(0)
      expect(fixed.stdout).toContain('Build s2i-minimal-notebook-2: Complete')
    },
  )

  test.concurrent(
    '--upstream-dockerfile --ref master builds; deploy runs it; JUPYTER_NOTEBOOK_PASSWORD crashes it; the printed fix makes it Ready',
    async () => {
      const fake = await start()
      const kc = project(fake, 'master')
      const built = await runCli(['build', '--upstream-dockerfile', '--ref', 'master'], {kubeconfig: kc})
      expect(built.code, both(built)).toBe(0)

      // the password as JUPYTER_TOKEN: master's run script (Notebook 7 base) starts the server
      const deployed = await runCli(['deploy'], {kubeconfig: kc})
      expect(deployed.code, both(deployed)).toBe(0)
      const pod = readyPod(fake, 'master')
      expect(pod, 'a Ready notebook pod').toBeDefined()
      const log = fake.sims
        .podLog('master', pod?.metadata.name as string, 'notebook', false)
        .lines()
        .join('\n')
      expect(log).toContain('WARNING: THIS IMAGE IS NOT SUPPORTED OR MAINTAINED.')
      expect(log).toContain('/lab?token=...')

      // the upstream README's way to set a password: the run script imports notebook.auth and dies
      const setEnv = await runPrinted(
        'oc set env deployment/notebook JUPYTER_NOTEBOOK_PASSWORD=my-password -n master',
        kc,
      )
      expect(setEnv.code, both(setEnv)).toBe(0)
      const again = await runCli(['deploy', '--timeout', '5m'], {kubeconfig: kc})
      expect(again.code, both(again)).toBe(1)
      expect(again.stderr).toContain('notebook notebook does not start: CrashLoopBackOff')
      expect(again.stderr).toContain("ModuleNotFoundError: No module named 'notebook.auth'")
      expect(again.stderr).toContain('Notebook 7')
      const fix = tryLine(again.stderr)
      expect(fix).toBe('oc set env deployment/notebook JUPYTER_NOTEBOOK_PASSWORD- -n master')

      // doctor says the same, with the same fix
      const doctor = await runCli(['doctor', 'notebook', '-o', 'json'], {kubeconfig: kc})
      const report = JSON.parse(doctor.stdout) as {findings: Array<{checkId: string; remediation: string}>}
      expect(report.findings.find(f => f.checkId === 'pods.notebook-auth-missing')?.remediation).toBe(fix)

      const applied = await runPrinted(fix, kc)
      expect(applied.code, both(applied)).toBe(0)
      const ready = await runCli(['deploy'], {kubeconfig: kc})
      expect(ready.code, both(ready)).toBe(0)
      expect(ready.stdout).toContain('Notebook notebook is running at https://')
    },
  )

  test.concurrent(
    'deploy --image quay.io/jupyter/scipy-notebook:TAG: a Ready notebook, no build',
    async () => {
      const fake = await start()
      const kc = project(fake, 'scipy')
      const r = await runCli(['deploy', 'lab', '--image', 'quay.io/jupyter/scipy-notebook:2025-12-31'], {
        kubeconfig: kc,
      })
      expect(r.code, both(r)).toBe(0)
      expect(r.stderr).toContain('Created ImageStream/scipy-notebook')
      expect(r.stdout).toContain('Notebook lab is running at https://')
      expect(r.stdout).toMatch(/runs as UID 1000\d{6} .* under SCC restricted-v2/)
      expect(list(fake, 'build.openshift.io/v1', 'buildconfigs', 'scipy')).toHaveLength(0)
      const dep = list(fake, 'apps/v1', 'deployments', 'scipy')[0]
      expect(dep.metadata.annotations?.['image.openshift.io/triggers']).toContain('scipy-notebook:2025-12-31')
      // a re-run changes nothing
      const again = await runCli(['deploy', 'lab', '--image', 'quay.io/jupyter/scipy-notebook:2025-12-31'], {
        kubeconfig: kc,
      })
      expect(again.code, both(again)).toBe(0)
      expect(again.stderr).toContain('Nothing changed.')
    },
  )

  test.concurrent(
    'an image whose server makes up its own token: deploy warns (token redacted), doctor explains, its fix runs as printed',
    async () => {
      const old = 'quay.io/example/s2i-minimal-notebook:2017'
      const fake = await start({simulatorOptions: {images: [{image: old, profile: 's2i-assigned-uid'}]}})
      const kc = project(fake, 'token')
      const r = await runCli(['deploy', '--image', old], {kubeconfig: kc})
      expect(r.code, both(r)).toBe(0)
      expect(r.stderr).toContain(
        'the notebook generated its own login token, so the password from Secret notebook-password will not log in',
      )
      expect(r.stderr).toContain('token=<redacted>')
      expect(r.stderr).not.toMatch(/token=[0-9a-f]{48}/)
      const doctor = await runCli(['doctor', 'notebook', '-o', 'json'], {kubeconfig: kc})
      const report = JSON.parse(doctor.stdout) as {
        findings: Array<{checkId: string; message: string; remediation: string}>
      }
      const f = report.findings.find(x => x.checkId === 'pods.generated-token')
      expect(f?.message).toContain('Notebook < 5.2')
      const fixed = await runPrinted(f?.remediation.split('\n')[0] ?? '', kc)
      expect(fixed.code, both(fixed)).toBe(0)
      expect(fixed.stderr).not.toContain('generated its own login token')
      const after = await runCli(['doctor', 'notebook', '-o', 'json'], {kubeconfig: kc})
      expect(
        (JSON.parse(after.stdout) as {findings: Array<{checkId: string}>}).findings.map(x => x.checkId),
      ).not.toContain('pods.generated-token')
    },
  )
})

import {describe, expect, it} from 'vitest'

import {chmodMode, interpretDockerfile} from './dockerfile.js'
import {execCommand, identityFor, type Identity, type Runtime, startContainer, writable} from './process.js'
import {BUILTIN_PROFILES, type ImageProfile, resolveProfile} from './profiles.js'
import {BUILTIN_REPOSITORIES} from './repositories.js'

const P = BUILTIN_PROFILES
const BRANCHES = BUILTIN_REPOSITORIES[0].refs
const S2I_ASSIGNED_UID_DOCKERFILE = BRANCHES['s2i-assigned-uid'].Dockerfile.text ?? ''

/** The profile a Dockerfile gives over `base` (the build must succeed). */
function applyDockerfile(
  base: ImageProfile,
  text: string,
  name: string,
  context = BRANCHES['s2i-assigned-uid'],
) {
  const r = interpretDockerfile(base, text, {name, context})
  if (!r.ok) throw new Error(`${r.error}\n${r.log.join('\n')}`)
  return r.profile
}
/** what restricted-v2 gives our Deployment's pod: the block's first UID, gid 0, fsGroup + supplemental 100 */
const restricted = (groups = [100, 1000040000]): Identity => ({
  uid: 1000040000,
  gid: 0,
  groups,
  dropAll: true,
})
/** anyuid with the image's USER 1000: gid from its passwd entry (users) */
const anyuid: Identity = {uid: 1000, gid: 100, groups: [], dropAll: false}

function run(
  profile: ImageProfile,
  id: Identity,
  env: Record<string, string> = {},
  mounts: Runtime['mounts'] = [],
) {
  return startContainer(profile, id, mounts, env, 'notebook-1-abcde', '2024-01-01 00:00:00.000')
}

describe('image permission model (acceptance)', () => {
  it('anyuid-era image: crashes under restricted-v2 with the .jupyter PermissionError, runs under anyuid', () => {
    const r = run(P['anyuid-era'], restricted())
    expect(r.ok).toBe(false)
    expect(r.exitCode).toBe(1)
    expect(r.log.at(-1)).toBe("PermissionError: [Errno 13] Permission denied: '/home/jovyan/.jupyter'")
    const ok = run(P['anyuid-era'], anyuid)
    expect(ok.ok).toBe(true)
    expect(ok.log.join('\n')).toContain('The Jupyter Notebook is running at:')
  })

  it('s2i-assigned-uid image: runs under restricted-v2 and the run script makes the user name resolvable', () => {
    const r = run(P['s2i-assigned-uid'], restricted())
    expect(r.ok).toBe(true)
    expect(execCommand(r.runtime, ['whoami'])).toEqual({stdout: 'jovyan\n', stderr: '', exitCode: 0})
    expect(execCommand(r.runtime, ['id']).stdout).toBe(
      'uid=1000040000(jovyan) gid=0(root) groups=0(root),100(users),1000040000\n',
    )
    expect(execCommand(r.runtime, ['test', '-w', '/home/jovyan']).exitCode).toBe(0)
    expect(execCommand(r.runtime, ['cat', '/etc/passwd']).stdout).toContain('builder:x:1000:100:')
  })

  it('docker-stacks image: writable only with supplemental group 100', () => {
    expect(run(P['docker-stacks'], restricted([100, 1000040000])).ok).toBe(true)
    const r = run(P['docker-stacks'], restricted([1000040000]))
    expect(r.ok).toBe(false)
    expect(r.log).toContain(
      `WARNING: no write access to /home/jovyan. Try starting the container with group 'users' (100), e.g. using "--group-add=users".`,
    )
    expect(r.log.at(-1)).toBe("PermissionError: [Errno 13] Permission denied: '/home/jovyan/.jupyter'")
  })
})

describe('passwd entries (CRI-O and the images’ fixes)', () => {
  it('CRI-O adds a line when /etc/passwd is not group/world-writable: the UID is its own name', () => {
    const r = run(P['anyuid-era'], {...restricted(), uid: 1000050000})
    // still crashes on .jupyter, but the passwd line exists
    expect(execCommand(r.runtime, ['whoami']).stdout).toBe('1000050000\n')
  })

  it('a g+w /etc/passwd that the image cannot fix leaves the UID nameless: KeyError when the program needs it', () => {
    const profile = resolveProfile(
      'needs-name',
      {
        extends: 's2i-assigned-uid',
        needsUserName: true,
        files: {'/opt/app-root/s2i/bin/run': {script: 's2i-run', passwdFix: false}},
      },
      P,
    )
    const r = run(profile, restricted())
    expect(r.ok).toBe(false)
    expect(r.log.at(-1)).toBe("KeyError: 'getpwuid(): uid not found: 1000040000'")
    expect(execCommand(r.runtime, ['whoami'])).toEqual({
      stdout: '',
      stderr: 'whoami: cannot find name for user ID 1000040000\n',
      exitCode: 1,
    })
    expect(execCommand(r.runtime, ['id']).stdout).toBe(
      'uid=1000040000 gid=0(root) groups=0(root),100(users),1000040000\n',
    )
  })

  it('the run script only fixes UIDs >= 10000', () => {
    const r = run(P['s2i-assigned-uid'], {uid: 5000, gid: 0, groups: [], dropAll: true})
    expect(execCommand(r.runtime, ['whoami']).stderr).toBe('whoami: cannot find name for user ID 5000\n')
  })

  it('docker-stacks start.sh renames jovyan and adds the running UID', () => {
    const r = run(P['docker-stacks'], restricted())
    expect(r.log).toContain('Added new jovyan user (1000040000:0). Fixed UID!')
    expect(execCommand(r.runtime, ['id', '-un']).stdout).toBe('jovyan\n')
  })
})

describe('volumes', () => {
  it('a PVC is writable with fsGroup ownership management, not without', () => {
    const env = {PERSISTENT_VOLUME_ROOTDIR: '/home/jovyan/volume'}
    const ok = run(P['s2i-assigned-uid'], restricted(), env, [
      {path: '/home/jovyan/volume', writable: true, kind: 'persistentVolumeClaim'},
    ])
    expect(ok.ok).toBe(true)
    expect(execCommand(ok.runtime, ['test', '-w', '/home/jovyan/volume']).exitCode).toBe(0)
    const bad = run(P['s2i-assigned-uid'], restricted(), env, [
      {path: '/home/jovyan/volume', writable: false, kind: 'persistentVolumeClaim'},
    ])
    expect(bad.ok).toBe(false)
    expect(bad.log.at(-1)).toBe(
      "mkdir: cannot create directory '/home/jovyan/volume/work': Permission denied",
    )
  })
})

describe('kubelet identity', () => {
  const pod = (psc: Record<string, unknown> = {}) => ({
    metadata: {name: 'p', namespace: 'ns', uid: 'u1'},
    spec: {securityContext: psc},
  })
  it('runAsNonRoot with a root or named image user is a CreateContainerConfigError', () => {
    const c = {name: 'notebook', securityContext: {runAsNonRoot: true}}
    expect(identityFor(pod(), c, P.generic)).toEqual({
      reason: 'CreateContainerConfigError',
      message: 'container has runAsNonRoot and image will run as root (pod: "p_ns(u1)", container: notebook)',
    })
    const named = resolveProfile('named', {extends: 'docker-stacks', user: 'jovyan'}, P)
    expect(identityFor(pod(), c, named)).toMatchObject({
      message:
        'container has runAsNonRoot and image has non-numeric user (jovyan), cannot verify user is non-root (pod: "p_ns(u1)", container: notebook)',
    })
  })

  it('takes runAsUser, gid 0 and fsGroup/supplementalGroups as the process identity', () => {
    const r = identityFor(
      pod({fsGroup: 1000040000, supplementalGroups: [100]}),
      {name: 'n', securityContext: {runAsUser: 1000040000, capabilities: {drop: ['ALL']}}},
      P['docker-stacks'],
    )
    expect(r).toEqual({identity: {uid: 1000040000, gid: 0, groups: [100, 1000040000], dropAll: true}})
    expect(identityFor(pod(), {name: 'n'}, P['docker-stacks'])).toEqual({
      identity: {uid: 1000, gid: 100, groups: [], dropAll: false},
    })
  })
})

describe('exec probes', () => {
  const rt = run(P['s2i-assigned-uid'], restricted()).runtime
  it('answers shell snippets, env and unknown commands', () => {
    expect(execCommand(rt, ['sh', '-c', 'test -w /opt/conda && echo yes || echo no'])).toMatchObject({
      stdout: 'no\n',
      exitCode: 0,
    })
    expect(execCommand(rt, ['sh', '-c', 'id -u; echo $HOME'])).toMatchObject({
      stdout: '1000040000\n/home/jovyan\n',
    })
    expect(execCommand(rt, ['printenv', 'HOME']).stdout).toBe('/home/jovyan\n')
    expect(execCommand(rt, ['sh', '-c', 'frobnicate'])).toEqual({
      stdout: '',
      stderr: 'sh: 1: frobnicate: not found\n',
      exitCode: 127,
    })
    expect(execCommand(rt, ['frobnicate']).exitCode).toBe(126)
    expect(execCommand(rt, ['stat', '-c', '%U:%G %a', '/home/jovyan']).stdout).toBe('builder:root 775\n')
    expect(execCommand(rt, ['touch', '/etc/x']).stderr).toBe(
      "touch: cannot touch '/etc/x': Permission denied\n",
    )
    expect(execCommand(rt, ['ls', '-ld', '/etc/passwd']).stdout).toMatch(/^-rw-rw-r--\. 1 root root /)
  })
  it('writable() follows Unix owner/group/other classes', () => {
    expect(writable(rt, '/tmp')).toBe(true)
    expect(writable(rt, '/etc')).toBe(false)
    expect(writable(rt, '/etc/passwd')).toBe(true)
  })
})

describe('Dockerfile interpretation', () => {
  it('the recipe’s Dockerfile over the anyuid-era base yields an image that runs under restricted-v2', () => {
    const derived = applyDockerfile(P['anyuid-era'], S2I_ASSIGNED_UID_DOCKERFILE, 'derived')
    expect(derived.paths['/home/jovyan']).toEqual({uid: 1000, gid: 0, mode: 0o775})
    expect(derived.paths['/home/jovyan/.jupyter'].gid).toBe(0)
    expect(derived.paths['/etc/passwd'].mode).toBe(0o664)
    expect(derived.user).toBe('1000')
    expect(derived.labels['io.openshift.s2i.scripts-url']).toBe('image:///opt/app-root/s2i/bin')
    expect(run(derived, restricted()).ok).toBe(true)
  })

  it('USER jovyan and a root-owned home break the image under an assigned UID', () => {
    const derived = applyDockerfile(
      P['docker-stacks'],
      'FROM x\nUSER root\nRUN chown -R root:root /home/jovyan && chmod -R 755 /home/jovyan\nUSER jovyan\n',
      'broken',
    )
    expect(derived.user).toBe('jovyan')
    expect(derived.paths['/home/jovyan/.jupyter']).toMatchObject({uid: 0, gid: 0})
    expect(run(derived, restricted()).ok).toBe(false)
  })

  it('chmod modes', () => {
    expect(chmodMode(0o755, 'g+w', true)).toBe(0o775)
    expect(chmodMode(0o750, 'g=u', true)).toBe(0o770)
    expect(chmodMode(0o644, 'g+rwX', false)).toBe(0o664)
    expect(chmodMode(0o755, 'g+rwX', true)).toBe(0o775)
    expect(chmodMode(0o755, '2775', true)).toBe(0o2775)
    expect(chmodMode(0o755, 'o-rx,u+s', true)).toBe(0o4750)
  })
})

describe('the upstream builder today (FACTS.md §The upstream builder)', () => {
  const build = (ref: string, base: ImageProfile, text = BRANCHES[ref].Dockerfile.text ?? '') =>
    interpretDockerfile(base, text, {
      name: ref,
      context: BRANCHES[ref],
      from: 'quay.io/jupyter/minimal-notebook:x',
    })

  it("the branch's own Dockerfile fails at apt-get on today's bases (libav-tools gone since Ubuntu 18.04)", () => {
    for (const base of ['docker-stacks', 'docker-stacks-2023', 'docker-stacks-notebook6']) {
      const r = build('s2i-assigned-uid', P[base])
      expect(r.ok, base).toBe(false)
      if (r.ok) continue
      expect(r.exitCode).toBe(100)
      expect(r.log).toContain("E: Package 'libav-tools' has no installation candidate")
      expect(r.log).toContain('  ffmpeg')
      expect(r.error).toMatch(
        /^error: build error: building at STEP "RUN apt-get update .*libav-tools.*": while running runtime: exit status 100$/,
      )
      expect(r.steps.at(-1)).toMatch(/^RUN apt-get update/)
    }
    // ...and built in 2017, on Ubuntu 16.04
    expect(build('s2i-assigned-uid', P['anyuid-era']).ok).toBe(true)
  })

  it('master installs ffmpeg and builds', () => {
    const r = build('master', P['docker-stacks'])
    expect(r.ok).toBe(true)
  })

  it('apt-get install needs root and fresh package lists', () => {
    const asUser = interpretDockerfile(
      P['docker-stacks'],
      'FROM x\nRUN apt-get update && apt-get install -y ffmpeg\n',
      {name: 'u'},
    )
    expect(asUser.ok).toBe(false)
    const noUpdate = interpretDockerfile(
      P['docker-stacks'],
      'FROM x\nUSER root\nRUN apt-get install -y ffmpeg\n',
      {name: 'n'},
    )
    expect(noUpdate.ok).toBe(false)
    if (!noUpdate.ok) expect(noUpdate.log).toContain('E: Unable to locate package ffmpeg')
  })

  it('COPY of a path the checkout lacks fails the build', () => {
    const r = interpretDockerfile(P['docker-stacks'], 'FROM x\nCOPY notthere /opt/x\n', {
      name: 'c',
      context: BRANCHES.master,
    })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error).toContain('copier: stat: "/notthere": no such file or directory')
  })

  it('with JUPYTER_NOTEBOOK_PASSWORD set, the run script dies on Notebook 7 (no notebook.auth)', () => {
    const master = build('master', P['docker-stacks'])
    if (!master.ok) throw new Error('master must build')
    const crashed = run(master.profile, restricted(), {JUPYTER_NOTEBOOK_PASSWORD: 'secret'})
    expect(crashed.ok).toBe(false)
    expect(crashed.log.at(-1)).toBe("ModuleNotFoundError: No module named 'notebook.auth'")
    // the same script on a Notebook 5 image hashes it: password login, no token in the URL
    const old = run(P['s2i-assigned-uid'], restricted(), {JUPYTER_NOTEBOOK_PASSWORD: 'secret'})
    expect(old.ok).toBe(true)
    expect(old.log.join('\n')).toMatch(/http:\/\/notebook-1-abcde:8888\/$/m)
  })

  it('JUPYTER_TOKEN: the server takes it (masked in the log); without it the server makes one up', () => {
    const master = build('master', P['docker-stacks'])
    if (!master.ok) throw new Error('master must build')
    const env = {PERSISTENT_VOLUME_ROOTDIR: '/home/jovyan/volume'}
    const volume = [{path: '/home/jovyan/volume', writable: true, kind: 'persistentVolumeClaim'}]
    const withToken = run(master.profile, restricted(), {...env, JUPYTER_TOKEN: 'pw'}, volume)
    expect(withToken.ok).toBe(true)
    const text = withToken.log.join('\n')
    expect(text).toContain('WARNING: THIS IMAGE IS NOT SUPPORTED OR MAINTAINED.')
    expect(text).toContain('Serving notebooks from local directory: /home/jovyan/volume')
    expect(text).toContain('http://notebook-1-abcde:8888/lab?token=...')
    expect(text).not.toContain('pw')
    const generated = run(master.profile, restricted(), env, volume).log.join('\n')
    expect(generated).toMatch(/\/lab\?token=[0-9a-f]{48}$/m)
  })

  it("oc-jupyter's Dockerfile for the branch: builds on today's base and runs under restricted-v2 without group 100", () => {
    const ours = [
      'FROM quay.io/jupyter/minimal-notebook:2025-12-31',
      'USER root',
      'RUN apt-get update --yes && apt-get install --yes --no-install-recommends ffmpeg rsync && apt-get clean && rm -rf /var/lib/apt/lists/* && chgrp -R 0 "/home/${NB_USER}" && chmod -R g=u "/home/${NB_USER}"',
      'LABEL io.openshift.s2i.scripts-url="image:///opt/app-root/s2i/bin" io.openshift.tags="builder,python,jupyter"',
      'COPY s2i /opt/app-root/s2i',
      'USER 1000',
      'CMD ["/opt/app-root/s2i/bin/run"]',
    ].join('\n')
    const r = build('s2i-assigned-uid', P['docker-stacks'], ours)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.profile.paths['/home/jovyan']).toEqual({uid: 1000, gid: 0, mode: 0o2775})
    expect(r.profile.paths['/etc/passwd'].mode).toBe(0o664) // untouched: already g+w in the base
    expect(r.profile.files['/opt/app-root/s2i/bin/run']).toMatchObject({script: 's2i-run'})
    const started = run(r.profile, restricted([1000040000]), {JUPYTER_TOKEN: 'x'})
    expect(started.ok).toBe(true)
    // start.sh (the ENTRYPOINT) adds the passwd entry; the run script renames it as it always did
    expect(started.log).toContain('Added new jovyan user (1000040000:0). Fixed UID!')
    expect(execCommand(started.runtime, ['id', '-un']).stdout).toBe('builder\n')
  })
})

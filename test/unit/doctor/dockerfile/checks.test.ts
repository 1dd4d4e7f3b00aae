import {readFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {describe, expect, it} from 'vitest'

import {DOCKERFILE_CHECKS, analyseDockerfile} from '../../../../src/lib/doctor/dockerfile/index.js'
import {exitCodeFor, renderJunit, renderSarif, renderText} from '../../../../src/lib/doctor/report.js'
import {runChecks} from '../../../../src/lib/doctor/report.js'
import {runDockerfileDoctor} from '../../../../src/lib/doctor/run.js'
import {renderBuilderDockerfile} from '../../../../src/lib/render/dockerfile.js'
import {DEFAULT_BASE_IMAGE} from '../../../../src/lib/values/defaults.js'

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/dockerfiles')
const read = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8')
const lint = (text: string) => runChecks(DOCKERFILE_CHECKS, analyseDockerfile(text))
const found = (text: string) =>
  lint(text)
    .map(f => [f.checkId.replace('dockerfile.', ''), f.severity, f.line] as const)
    .sort((a, b) => a[0].localeCompare(b[0]) || (a[2] ?? 0) - (b[2] ?? 0))

/** fixture → [check (without `dockerfile.`), severity, line], sorted by check and line */
const EXPECTED: Record<string, Array<readonly [string, string, number]>> = {
  // the Dockerfile oc-jupyter renders for its builder
  'healthy.Dockerfile': [],
  // the upstream recipe: on docker-stacks /etc/passwd is already g+w, so its chmod is only redundant
  'upstream-recipe.Dockerfile': [['passwd-group-writable', 'info', 21]],
  'empty.Dockerfile': [['no-instructions', 'error', 1]],
  'comments-only.Dockerfile': [['no-instructions', 'error', 1]],
  // heredoc bodies: the script is judged (line 7), the cat'ed data and the COPY'd "USER root" are not
  'heredoc.Dockerfile': [['writable-not-group-0', 'error', 7]],
  'continuation-blank-lines.Dockerfile': [['writable-not-group-0', 'error', 6]],
  'directives.Dockerfile': [['writable-not-group-0', 'error', 7]],
  // USER "472" is numeric; the quoted path with a space is one path
  'quotes.Dockerfile': [['writable-not-group-0', 'error', 5]],
  'arg-env-scope.Dockerfile': [],
  // +w is u+w under umask 022; g-w after 775 removes it again
  'chmod-modes.Dockerfile': [
    ['group-0-not-writable', 'warning', 11],
    ['group-0-not-writable', 'warning', 12],
  ],
  'chown-forms.Dockerfile': [
    ['group-0-not-writable', 'warning', 6],
    ['permissions-separate-layer', 'warning', 10],
    ['writable-not-group-0', 'error', 5],
    ['writable-not-group-0', 'error', 9],
  ],
  'fix-permissions.Dockerfile': [
    ['writable-group-100', 'warning', 6],
    ['writable-group-100', 'warning', 10],
    ['writable-group-100', 'warning', 11],
  ],
  'find-exec.Dockerfile': [['writable-not-group-0', 'error', 5]],
  'known-bases.Dockerfile': [['writable-group-100', 'warning', 3]],
  'known-bases-sclorg.Dockerfile': [],
  'known-bases-ubi.Dockerfile': [['user-not-numeric-non-root', 'error', 2]],
  'multistage.Dockerfile': [],
  'privileged-port.Dockerfile': [['privileged-port', 'warning', 2]],
  'privileged-port-root.Dockerfile': [
    ['privileged-port', 'warning', 2],
    ['user-not-numeric-non-root', 'error', 3],
  ],
  'offending-line.Dockerfile': [['writable-not-group-0', 'error', 29]],
  'build-temp-dir.Dockerfile': [],
  'separate-layer.Dockerfile': [
    ['permissions-separate-layer', 'warning', 8],
    ['user-not-numeric-non-root', 'error', 9],
    ['writable-group-100', 'warning', 8],
    ['writable-not-group-0', 'error', 8],
  ],
  'passwd-unknown-base.Dockerfile': [['passwd-group-writable', 'warning', 4]],
}

describe('Dockerfile lint on the fixtures (check, severity, line)', () => {
  it.each(Object.entries(EXPECTED))('%s', (name, expected) => {
    expect(found(read(name))).toEqual(expected)
  })
})

describe('Dockerfile lint findings say what and where', () => {
  const by = (name: string, id: string) => lint(read(name)).filter(f => f.checkId === `dockerfile.${id}`)

  it('the healthy builder Dockerfile passes every check', () => {
    const report = runDockerfileDoctor('healthy.Dockerfile', read('healthy.Dockerfile'))
    expect(report.summary).toMatchObject({errors: 0, warnings: 0, infos: 0, passed: DOCKERFILE_CHECKS.length})
    expect(exitCodeFor(report, 'warning')).toBe(0)
  })

  it('the Dockerfile `oc jupyter build` renders (any --base-image of docker-stacks) has no findings at all', () => {
    for (const base of [DEFAULT_BASE_IMAGE, 'quay.io/jupyter/scipy-notebook:2025-12-31']) {
      const report = runDockerfileDoctor('rendered', renderBuilderDockerfile(base))
      expect(report.findings, base).toEqual([])
      expect(report.summary).toMatchObject({errors: 0, warnings: 0, infos: 0})
    }
  })

  it('empty: an error, not a pass (exit 1)', () => {
    const report = runDockerfileDoctor('empty', '')
    expect(report.findings[0].message).toContain('no instructions')
    expect(exitCodeFor(report, 'error')).toBe(1)
  })

  it('docker-stacks group 100: names the path and the pod fix', () => {
    const [f] = by('known-bases.Dockerfile', 'writable-group-100')
    expect(f.message).toContain('/home/jovyan')
    expect(f.message).toContain('supplementalGroups: [100]')
    expect(f.evidence).toContain(
      "/home/jovyan: owner 1000, group 100, mode rwxrwxr-x (the final user's HOME)",
    )
    expect(f.remediation).toContain('chgrp -R 0 /home/jovyan && chmod -R g=u /home/jovyan')
  })

  it('the offending line inside a long RUN is quoted in the evidence', () => {
    const [f] = by('offending-line.Dockerfile', 'writable-not-group-0')
    expect(f.evidence[0]).toBe('line 29: chown -R 1001:1001 /var/lib/app; \\')
    expect(f.message).toBe(
      '/var/lib/app ends up in group 1001, not 0: under an assigned UID (gid 0) it is not writable',
    )
  })

  it('the separate layer names the earlier instruction', () => {
    const [f] = by('separate-layer.Dockerfile', 'permissions-separate-layer')
    expect(f.message).toContain('/opt/conda is changed in a separate layer from line 5 (conda install)')
  })

  it('the recipe: /etc/passwd chmod is redundant on docker-stacks', () => {
    const [f] = by('upstream-recipe.Dockerfile', 'passwd-group-writable')
    expect(f.message).toContain('already group-writable in jupyter/docker-stacks')
    expect(f.remediation).toBe('remove "chmod g+w /etc/passwd" (redundant)')
  })

  it('privileged port: says why and what to expose instead', () => {
    const [f] = by('privileged-port.Dockerfile', 'privileged-port')
    expect(f.message).toContain('NET_BIND_SERVICE')
    expect(f.remediation).toContain('EXPOSE 8080')
  })

  it('named USER: suggests the numeric id when the base knows it', () => {
    const [f] = by('separate-layer.Dockerfile', 'user-not-numeric-non-root')
    expect(f.remediation).toBe('USER 1000   # the numeric id of jovyan')
  })
})

describe('more cases', () => {
  it('USER: root/0, unresolved variable, missing on an unknown base, resolved ARG, only the final stage', () => {
    expect(found('FROM a\nUSER 0:0\n')).toEqual([['user-not-numeric-non-root', 'error', 2]])
    expect(found('FROM a\nUSER $WHO\n')).toEqual([['user-not-numeric-non-root', 'warning', 2]])
    expect(found('FROM a\n')).toEqual([['user-not-numeric-non-root', 'warning', 1]])
    expect(found('ARG NB_UID=1001\nFROM a\nARG NB_UID\nUSER ${NB_UID}\n')).toEqual([])
    expect(found('FROM a AS build\nUSER root\nFROM b\nUSER 1001\n')).toEqual([])
  })

  it('a WORKDIR the process must write: created by root with 755 (COPY into it leaves the directory as it is)', () => {
    expect(found('FROM a\nWORKDIR /app\nCOPY . .\nUSER 1001\n')).toEqual([
      ['group-0-not-writable', 'warning', 2],
    ])
    expect(found('FROM a\nWORKDIR /app\nCOPY --chown=1001:0 --chmod=775 . .\nUSER 1001\n')).toEqual([
      ['group-0-not-writable', 'warning', 2],
    ])
    const [f] = lint('FROM a\nWORKDIR /app\nUSER 1001\n')
    expect(f.remediation).toBe(
      'RUN mkdir -p /app && chgrp -R 0 /app && chmod -R g=u /app   # before the WORKDIR',
    )
    expect(
      found('FROM a\nRUN mkdir /app && chgrp 0 /app && chmod g=u /app\nWORKDIR /app\nUSER 1001\n'),
    ).toEqual([])
  })

  it('recursive change in the creating RUN is fine; in a later RUN over a COPY it is not', () => {
    expect(
      found('FROM a\nRUN mkdir -p /opt/app && chgrp -R 0 /opt/app && chmod -R g=u /opt/app\nUSER 1001\n'),
    ).toEqual([])
    expect(
      found('FROM a\nCOPY app /opt/app\nRUN chgrp -R 0 /opt/app && chmod -R g=u /opt/app\nUSER 1001\n'),
    ).toEqual([['permissions-separate-layer', 'warning', 3]])
  })

  it('separate layer: not for an empty mkdir, one copied file, or a directory copied to a parent', () => {
    expect(
      found('FROM a\nRUN mkdir -p /opt/d\nRUN chgrp -R 0 /opt/d && chmod -R g=u /opt/d\nUSER 1001\n'),
    ).toEqual([])
    expect(
      found(
        'FROM a\nCOPY x.cfg /opt/d/x.cfg\nRUN mkdir -p /opt/d && chgrp -R 0 /opt/d && chmod -R g=u /opt/d\nUSER 1001\n',
      ),
    ).toEqual([])
    expect(found('FROM a\nCOPY root/ /\nRUN chgrp -R 0 /opt/d && chmod -R g=u /opt/d\nUSER 1001\n')).toEqual(
      [],
    )
    expect(
      found('FROM a\nCOPY src/ /opt/d/\nRUN chgrp -R 0 /opt/d && chmod -R g=u /opt/d\nUSER 1001\n'),
    ).toEqual([['permissions-separate-layer', 'warning', 3]])
  })

  it('chmod g+w /etc/passwd on an unknown base warns; chmod of another file or 644 does not', () => {
    expect(found('FROM a\nRUN chmod 664 /etc/passwd\nUSER 1001\n')).toEqual([
      ['passwd-group-writable', 'warning', 2],
    ])
    expect(found('FROM a\nRUN chmod 644 /etc/passwd && chmod g+w /etc/group\nUSER 1001\n')).toEqual([])
  })

  it('EXPOSE: ranges and protocols; >= 1024 and unresolved ports pass', () => {
    expect(found('FROM a\nEXPOSE 8080 443/tcp 20-21\nUSER 1001\n')).toEqual([
      ['privileged-port', 'warning', 2],
    ])
    expect(found('FROM a\nEXPOSE 8080/tcp $PORT\nUSER 1001\n')).toEqual([])
  })

  it('a Dockerfile with instructions but no FROM is an error', () => {
    expect(found('RUN true\n')).toEqual([['no-instructions', 'error', 1]])
  })

  it('every output mode renders the new findings', () => {
    const report = runDockerfileDoctor('Dockerfile', read('separate-layer.Dockerfile'))
    expect(renderText(report)).toContain('(line 8)  [dockerfile.writable-group-100]')
    expect(renderJunit(report)).toContain('dockerfile.permissions-separate-layer')
    const sarif = JSON.parse(renderSarif(report, {checks: DOCKERFILE_CHECKS, file: 'Dockerfile'})) as {
      runs: Array<{
        results: Array<{ruleId: string; locations: Array<{physicalLocation: {region: {startLine: number}}}>}>
      }>
    }
    expect(
      sarif.runs[0].results.map(r => [r.ruleId, r.locations[0].physicalLocation.region.startLine]),
    ).toContainEqual(['dockerfile.writable-not-group-0', 8])
  })
})

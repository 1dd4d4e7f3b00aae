import {describe, expect, it} from 'vitest'

import {DOCKERFILE_CHECKS, parseDockerfile, runCommands} from '../../../src/lib/doctor/dockerfile.js'
import {runChecks} from '../../../src/lib/doctor/report.js'
import {BUILTIN_REPOSITORIES} from '../../../fake-openshift/src/sim/repositories.js'

const S2I_ASSIGNED_UID_DOCKERFILE = BUILTIN_REPOSITORIES[0].refs['s2i-assigned-uid'].Dockerfile.text ?? ''

const lint = (text: string) => runChecks(DOCKERFILE_CHECKS, parseDockerfile(text))

/** An anyuid-era notebook Dockerfile: named USER, files given to 1000:100, chown in its own layer. */
const ANYUID_ERA = `FROM jupyter/minimal-notebook:latest
USER root
RUN conda install -y numpy && \\
    conda clean -afy
COPY --chown=1000:100 notebooks /home/jovyan/work
RUN chown -R jovyan:users /opt/conda /home/jovyan
USER jovyan
`

describe('Dockerfile parser', () => {
  it('joins continuation lines, keeps the first line number, skips comments', () => {
    const d = parseDockerfile('# c\nFROM a\nRUN x && \\\n  # inner comment\n  y\nUSER 1001\n')
    expect(d.instructions.map(i => [i.keyword, i.args, i.line])).toEqual([
      ['FROM', 'a', 2],
      ['RUN', 'x && y', 3],
      ['USER', '1001', 6],
    ])
  })

  it('splits shell commands and exec form', () => {
    expect(runCommands('a && b; c || d | e')).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(runCommands('["chmod", "g+w", "/x"]')).toEqual(['chmod g+w /x'])
  })
})

describe('Dockerfile lint', () => {
  it("the recipe's s2i-assigned-uid Dockerfile passes except the /etc/passwd warning", () => {
    const fs = lint(S2I_ASSIGNED_UID_DOCKERFILE)
    expect(fs.map(f => [f.checkId, f.severity, f.line])).toEqual([
      ['dockerfile.passwd-group-writable', 'warning', 11],
    ])
  })

  it('an anyuid-era Dockerfile fails: named USER, group 100, chown in a separate layer', () => {
    const fs = lint(ANYUID_ERA)
    const byId = (id: string) => fs.filter(f => f.checkId === id)
    expect(byId('dockerfile.user-not-numeric-non-root')).toMatchObject([{severity: 'error', line: 7}])
    expect(byId('dockerfile.writable-not-group-0').map(f => [f.severity, f.line])).toEqual([
      ['warning', 5],
      ['error', 6],
    ])
    const layer = byId('dockerfile.permissions-separate-layer')
    expect(layer).toMatchObject([{severity: 'warning', line: 6}])
    expect(layer[0].message).toContain('/opt/conda')
    expect(layer[0].evidence[1]).toBe('line 3 created or filled /opt/conda')
  })

  it('USER root / 0 / missing / unresolved variable / resolved ARG', () => {
    expect(lint('FROM a\nUSER root\n')).toMatchObject([
      {checkId: 'dockerfile.user-not-numeric-non-root', severity: 'error'},
    ])
    expect(lint('FROM a\nUSER 0:0\n')).toMatchObject([{severity: 'error'}])
    expect(lint('FROM a\n')).toMatchObject([{severity: 'warning', line: 1}])
    expect(lint('FROM a\nUSER $NB_UID\n')).toMatchObject([{severity: 'warning'}])
    expect(lint('ARG NB_UID=1001\nFROM a\nUSER ${NB_UID}\n')).toEqual([])
    // only the final stage counts
    expect(lint('FROM a AS build\nUSER root\nFROM b\nUSER 1001\n')).toEqual([])
  })

  it('group 0 but not group-writable; chgrp 0 with g=u passes', () => {
    expect(lint('FROM a\nRUN mkdir /d && chgrp -R 0 /d\nUSER 1001\n')).toMatchObject([
      {checkId: 'dockerfile.group-0-not-writable', line: 2},
    ])
    expect(lint('FROM a\nRUN mkdir /d && chgrp -R 0 /d && chmod -R g=u /d\nUSER 1001\n')).toEqual([])
  })

  it('chmod g+w /etc/passwd (or 664) warns; chmod of another file does not', () => {
    expect(lint('FROM a\nRUN chmod 664 /etc/passwd\nUSER 1001\n')).toMatchObject([
      {checkId: 'dockerfile.passwd-group-writable'},
    ])
    expect(lint('FROM a\nRUN chmod 644 /etc/passwd && chmod g+w /etc/group\nUSER 1001\n')).toEqual([])
  })

  it('a recursive change in the creating RUN is fine; a separate one over a COPY is not', () => {
    expect(
      lint('FROM a\nCOPY app /opt/app\nRUN chgrp -R 0 /opt/app && chmod -R g=u /opt/app\nUSER 1001\n'),
    ).toMatchObject([{checkId: 'dockerfile.permissions-separate-layer', line: 3}])
    expect(
      lint('FROM a\nRUN mkdir -p /opt/app && chgrp -R 0 /opt/app && chmod -R g=u /opt/app\nUSER 1001\n'),
    ).toEqual([])
  })
})

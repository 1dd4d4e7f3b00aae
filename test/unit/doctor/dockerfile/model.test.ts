import {describe, expect, it} from 'vitest'

import {groupWritable, bit, SETGID} from '../../../../src/lib/doctor/dockerfile/modes.js'
import {
  analyseDockerfile,
  lookupIn,
  stateAt,
  type Stage,
} from '../../../../src/lib/doctor/dockerfile/model.js'

const finalOf = (text: string): Stage => {
  const m = analyseDockerfile(text)
  if (!m.final) throw new Error('no final stage')
  return m.final
}
const v = (text: string, name: string) => lookupIn(finalOf(text))(name)

describe('ARG/ENV scoping (Docker rules)', () => {
  it('a global ARG is visible to FROM only, unless the stage re-declares it', () => {
    const text = 'ARG TAG=3.12\nARG UID=1001\nFROM python:${TAG}\nARG UID\nRUN true\n'
    expect(analyseDockerfile(text).final?.image).toBe('python:3.12')
    expect(v(text, 'TAG')).toBeUndefined()
    expect(v(text, 'UID')).toBe('1001')
  })

  it('ENV X=${X} takes the ARG value; ENV wins over ARG afterwards; one ENV sees the values before it', () => {
    expect(v('FROM a\nARG X=from-arg\nENV X=${X}\n', 'X')).toBe('from-arg')
    expect(v('FROM a\nENV X=env\nARG X=arg\n', 'X')).toBe('env')
    expect(v('FROM a\nENV A=1\nENV A=2 B=$A\n', 'B')).toBe('1')
    expect(v('FROM a\nENV LEGACY some value\n', 'LEGACY')).toBe('some value')
  })

  it('${VAR:-default} and ${VAR:+alt}; an ARG without value is empty, an unknown variable unknown', () => {
    expect(v('FROM a\nARG E\nENV X=${E:-dflt} Y=${E:+alt}z\n', 'X')).toBe('dflt')
    expect(v('FROM a\nARG E\nENV X=${E:-dflt} Y=${E:+alt}z\n', 'Y')).toBe('z')
    expect(v('FROM a\nARG S=1\nENV Y=${S:+alt}\n', 'Y')).toBe('alt')
    expect(v('FROM a\nARG E\nENV X=$E\n', 'X')).toBe('')
    expect(v('FROM a\nENV X=$FROM_BASE\n', 'X')).toBeUndefined()
  })

  it('each stage has its own ARG/ENV; FROM an earlier stage inherits its ENV, not its ARGs', () => {
    const text = 'FROM a AS one\nARG P=1\nENV Q=2\nFROM b\nRUN true\n'
    expect(v(text, 'P')).toBeUndefined()
    expect(v(text, 'Q')).toBeUndefined()
    const chain = 'FROM a AS one\nARG P=1\nENV Q=2\nUSER 1001\nFROM one\nRUN true\n'
    expect(v(chain, 'P')).toBeUndefined()
    expect(v(chain, 'Q')).toBe('2')
    expect(finalOf(chain).user?.value).toBe('1001')
  })

  it('a known base brings its ENV, USER and WORKDIR', () => {
    const s = finalOf('FROM quay.io/jupyter/minimal-notebook:2025-12-31\n')
    expect(lookupIn(s)('NB_USER')).toBe('jovyan')
    expect(s.user?.value).toBe('1000')
    expect(s.cwd).toBe('/home/jovyan')
  })
})

describe('the path timeline', () => {
  it('folds chgrp/chmod over the base state; the decisive lines are kept', () => {
    const s = finalOf(
      'FROM quay.io/jupyter/minimal-notebook:latest\nUSER root\nRUN true && \\\n  chgrp -R 0 /home/jovyan && \\\n  chmod -R g=u /home/jovyan\n',
    )
    const home = stateAt(s, '/home/jovyan')
    expect([home.group, groupWritable(home.mode), home.groupLine, home.modeLine]).toEqual(['0', true, 4, 5])
    // before the Dockerfile: group 100, group-writable, from the FROM line
    const before = stateAt(s, '/home/jovyan', 0)
    expect([before.group, groupWritable(before.mode), before.fromBase, before.groupLine]).toEqual([
      '100',
      true,
      true,
      1,
    ])
  })

  it('fix-permissions on docker-stacks: group NB_GID (100), g+rwX, setgid; sclorg: group 0', () => {
    const ds = finalOf('FROM quay.io/jupyter/base-notebook\nUSER root\nRUN mkdir /x && fix-permissions /x\n')
    const x = stateAt(ds, '/x')
    expect([x.group, groupWritable(x.mode), bit(x.mode, SETGID)]).toEqual(['100', true, true])
    const sc = finalOf('FROM quay.io/sclorg/python-312-c9s\nUSER 0\nRUN mkdir /x && fix-permissions /x -P\n')
    expect(stateAt(sc, '/x').group).toBe('0')
  })

  it('a directory created inside a setgid directory takes its group', () => {
    const s = finalOf('FROM quay.io/jupyter/base-notebook\nUSER root\nRUN mkdir /home/jovyan/new\n')
    expect(stateAt(s, '/home/jovyan/new').group).toBe('100')
  })

  it('mkdir as a non-root USER: owned by it, its primary group (0 for a uid without a passwd entry), mode 755', () => {
    const s = finalOf('FROM a\nUSER 1001\nRUN mkdir -p /data\n')
    const d = stateAt(s, '/data')
    expect([d.owner, d.group, groupWritable(d.mode)]).toEqual(['1001', '0', false])
  })

  it('a directory removed again does not exist at the end', () => {
    const s = finalOf('FROM a\nRUN mkdir /opt/build && chown 1:1 /opt/build && rm -rf /opt/build\n')
    expect(stateAt(s, '/opt/build').exists).toBe(false)
  })

  it('COPY: root ownership unless --chown (a user alone: same number as group); --chmod', () => {
    const s = finalOf(
      'FROM a\nCOPY app /app\nCOPY --chown=1001 b /b\nCOPY --chown=1001:0 --chmod=775 c /c\nCOPY x.txt y.txt /etc/dir/\n',
    )
    expect([
      stateAt(s, '/app').owner,
      stateAt(s, '/app').group,
      groupWritable(stateAt(s, '/app').mode),
    ]).toEqual(['0', '0', false])
    expect(stateAt(s, '/b').group).toBe('1001')
    expect([stateAt(s, '/c').group, groupWritable(stateAt(s, '/c').mode)]).toEqual(['0', true])
    expect(stateAt(s, '/etc/dir/x.txt').exists).toBe(true)
  })

  it('COPY --from keeps the mode the builder gave, not its ownership', () => {
    const s = finalOf(
      'FROM b AS build\nRUN mkdir -p /out && chown -R 1000:1000 /out && chmod -R 775 /out\nFROM r\nCOPY --from=build /out /opt/out\n',
    )
    const out = stateAt(s, '/opt/out')
    expect([out.owner, out.group, groupWritable(out.mode)]).toEqual(['0', '0', true])
    // the builder's events are not in the final image
    expect(s.events.map(e => e.kind)).toEqual(['copy'])
  })

  it('a heredoc script is interpreted with its own lines; a heredoc given to cat is data', () => {
    const s = finalOf('FROM a\nRUN <<EOF\nset -e\nchgrp 1 /x\nEOF\nRUN cat <<EOT > /y\nchgrp 2 /z\nEOT\n')
    expect(s.events.map(e => [e.kind, e.target.path, e.line])).toEqual([
      ['chown', '/x', 4],
      ['create', '/y', 6],
    ])
  })

  it('useradd registers the name, so chown and USER resolve it', () => {
    const s = finalOf('FROM a\nRUN useradd -u 1500 -g 0 -m app && mkdir /d && chown app /d\nUSER app\n')
    expect(stateAt(s, '/d').owner).toBe('1500')
    expect(stateAt(s, '/home/app').group).toBe('0')
  })
})

import {describe, expect, it} from 'vitest'

import {interpretScript, type Op} from '../../../../src/lib/doctor/dockerfile/commands.js'
import {src, type Lookup} from '../../../../src/lib/doctor/dockerfile/shell.js'

const env: Record<string, string> = {HOME: '/home/jovyan', CONDA_DIR: '/opt/conda', NB_USER: 'jovyan'}
const lookup: Lookup = name => env[name]
const ops = (script: string, cwd = '/') => interpretScript(src(script, 1), {cwd, lookup})
const brief = (o: Op) => {
  const paths = 'targets' in o ? o.targets.map(t => t.path + (t.contents ? '/*' : '')) : []
  switch (o.kind) {
    case 'chmod':
      return ['chmod', o.mode.source, o.recursive, ...paths]
    case 'chown':
      return ['chown', o.owner ?? '', o.group ?? (o.loginGroup ? '<login>' : ''), o.recursive, ...paths]
    default:
      return [o.kind, ...paths]
  }
}

describe('what RUN commands do to paths', () => {
  it('chmod/chgrp/chown with options, -R, user:group, user.group, user:, :group', () => {
    expect(
      ops(
        'chmod -Rf g+rwX /a && chgrp -R root /b && chown 1000:100 /c && chown app.grp /d && chown app: /e && chown :0 /f && chmod -w /g',
      ).map(brief),
    ).toEqual([
      ['chmod', 'g+rwX', true, '/a'],
      ['chown', '', 'root', true, '/b'],
      ['chown', '1000', '100', false, '/c'],
      ['chown', 'app', 'grp', false, '/d'],
      ['chown', 'app', '<login>', false, '/e'],
      ['chown', '', '0', false, '/f'],
      ['chmod', '-w', false, '/g'],
    ])
  })

  it('strips sudo, env, assignments and if/then; follows sh -c and cd; resolves ~ and relative paths', () => {
    expect(
      ops(
        'sudo -u root chmod g+w /a; env A=1 chgrp 0 b; X=1 mkdir -p c; if true; then chmod 775 ~/d; fi',
        '/w',
      ).map(brief),
    ).toEqual([
      ['chmod', 'g+w', false, '/a'],
      ['chown', '', '0', false, '/w/b'],
      ['mkdir', '/w/c'],
      ['chmod', '775', false, '/home/jovyan/d'],
    ])
    expect(ops('cd /opt && mkdir app && cd app && chmod g=u . ; sh -c "chgrp 0 /x"').map(brief)).toEqual([
      ['mkdir', '/opt/app'],
      ['chmod', 'g=u', false, '/opt/app'],
      ['chown', '', '0', false, '/x'],
    ])
  })

  it('find -exec applies the command recursively to the start paths', () => {
    expect(ops('find /srv/app -type d -exec chgrp 0 {} + -exec chmod g=u {} \\;').map(brief)).toEqual([
      ['chown', '', '0', true, '/srv/app'],
      ['chmod', 'g=u', true, '/srv/app'],
    ])
    expect(ops('find /x -type f -exec chmod 664 {} +')[0]).toMatchObject({filesOnly: true})
  })

  it('leaves out what it cannot resolve: unknown variables, globs, loop variables', () => {
    expect(ops('chown 1:1 $UNKNOWN /a/*.sh; for d in /a /b; do chmod g+w $d; done').map(brief)).toEqual([
      ['chown', '1', '1', false],
      ['chmod', 'g+w', false],
    ])
    expect(ops('rm -rf /tmp/* /var/lib/apt/lists/*').map(brief)).toEqual([
      ['remove', '/tmp/*', '/var/lib/apt/lists/*'],
    ])
  })

  it('fix-permissions, installs and downloads', () => {
    expect(
      ops(
        'fix-permissions "${CONDA_DIR}" "/home/${NB_USER}" && mamba install -y x && pip install y && python -m venv /v && git clone https://h/o/r.git && curl -o /z https://h/z',
        '/src',
      ).map(brief),
    ).toEqual([
      ['fix-permissions', '/opt/conda', '/home/jovyan'],
      ['fill', '/opt/conda'],
      ['fill', '/opt/conda'],
      ['create', '/v'],
      ['create', '/src/r'],
      ['create', '/z'],
    ])
  })

  it('useradd and groupadd', () => {
    expect(ops('groupadd -g 1500 app && useradd -m -u 1500 -g app -d /home/app app')).toMatchObject([
      {kind: 'groupadd', name: 'app', gid: '1500'},
      {kind: 'useradd', name: 'app', uid: '1500', group: 'app', home: '/home/app', createHome: true},
    ])
  })

  it('keeps the line of each command', () => {
    const script = {
      text: 'set -e\nmkdir /a\nchown 1:1 /a\n',
      lines: [...'set -e\n']
        .map(() => 10)
        .concat(
          [...'mkdir /a\n'].map(() => 11),
          [...'chown 1:1 /a\n'].map(() => 12),
        ),
    }
    expect(interpretScript(script, {cwd: '/', lookup}).map(o => [o.kind, o.line])).toEqual([
      ['mkdir', 11],
      ['chown', 12],
    ])
  })
})

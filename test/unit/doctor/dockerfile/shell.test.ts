import {describe, expect, it} from 'vitest'

import {
  dockerWords,
  shellCommands,
  src,
  type Lookup,
  type Src,
} from '../../../../src/lib/doctor/dockerfile/shell.js'

const vars: Record<string, string | null> = {
  HOME: '/home/jovyan',
  NB_USER: 'jovyan',
  EMPTY: '',
  DECLARED: null,
}
const lookup: Lookup = name => (name in vars ? vars[name] : undefined)

/** a Src whose lines are 1, 2, 3... at each newline */
function lined(text: string, first = 1): Src {
  const lines: number[] = []
  let line = first
  for (const c of text) {
    lines.push(line)
    if (c === '\n') line++
  }
  return {text, lines}
}

const values = (text: string) => shellCommands(src(text, 1), lookup).map(c => c.words.map(w => w.value))

describe('shell words', () => {
  it('splits commands on && || ; | & and newlines, and keeps quoted operators in words', () => {
    expect(values('a && b; c || d | e & f\ng')).toEqual([['a'], ['b'], ['c'], ['d'], ['e'], ['f'], ['g']])
    expect(values(`echo "a && b" 'c;d' e\\;f`)).toEqual([['echo', 'a && b', 'c;d', 'e;f']])
  })

  it('removes quotes: double quotes expand, single quotes do not', () => {
    expect(values(`chown "1000:100" '/srv/a b' "$HOME" '$HOME' x"$NB_USER"y`)).toEqual([
      ['chown', '1000:100', '/srv/a b', '/home/jovyan', '$HOME', 'xjovyany'],
    ])
  })

  it('expands ${X}, ${X:-d}, ${X-d}, ${X:+a}, ${X+a} with the empty/unset distinction', () => {
    expect(values('e ${NB_USER} ${MISSING:-dflt} ${EMPTY:-d1} ${EMPTY-d2} ${DECLARED-d3}')).toEqual([
      ['e', 'jovyan', 'dflt', 'd1', 'd3'],
    ])
    // ${EMPTY-d2} is set, to empty: an unquoted empty expansion is no word; quoted it is one
    expect(values('e ${EMPTY-d2} "${EMPTY}"')).toEqual([['e', '']])
    expect(values('e ${NB_USER:+alt} ${EMPTY:+alt}x ${EMPTY+alt}')).toEqual([['e', 'alt', 'x', 'alt']])
    expect(values('e ${X:-${NB_USER}}')).toEqual([['e', 'jovyan']])
  })

  it('marks unknown variables and command substitutions unresolved', () => {
    const [c] = shellCommands(src('chown $UNKNOWN /x $(id -u) `id -g` $1', 1), lookup)
    expect(c.words.map(w => w.unresolved)).toEqual([false, true, false, true, true, true])
  })

  it('drops comments and redirections, records written files, skips nested heredoc bodies', () => {
    const cmds = shellCommands(
      lined('echo hi > /etc/motd 2>&1 # note\ncat > /x <<EOT\nchmod 777 /etc\nEOT\nchmod g+w /y\n'),
      lookup,
    )
    expect(cmds.map(c => [c.words.map(w => w.value), c.writes.map(w => w.value), c.line])).toEqual([
      [['echo', 'hi'], ['/etc/motd'], 1],
      [['cat'], ['/x'], 2],
      [['chmod', 'g+w', '/y'], [], 5],
    ])
  })

  it('keeps the line of each word', () => {
    const [, second] = shellCommands(lined('set -e\n  chown 1:1 /a\n'), lookup)
    expect(second.line).toBe(2)
  })
})

describe('Docker words (ENV, USER, COPY...)', () => {
  it('removes quotes and expands, but has no operators or comments', () => {
    expect(dockerWords(src('"472"', 1), lookup).map(w => w.value)).toEqual(['472'])
    expect(dockerWords(src('A=${NB_USER} B="x y" C=a;b#c', 1), lookup).map(w => w.value)).toEqual([
      'A=jovyan',
      'B=x y',
      'C=a;b#c',
    ])
  })

  it('with `# escape=`` a backslash is an ordinary character', () => {
    expect(dockerWords(src('C:\\temp `"q`"', 1), lookup, '`').map(w => w.value)).toEqual(['C:\\temp', '"q"'])
  })
})

import {describe, expect, it} from 'vitest'

import {parseDockerfile} from '../../../../src/lib/doctor/dockerfile/parse.js'

const summary = (text: string) =>
  parseDockerfile(text).instructions.map(i => [i.keyword, i.line, i.endLine, i.args.text])

describe('Dockerfile syntax (dockerfile-ast)', () => {
  it('gives each instruction its line range; blank and comment lines inside a continuation do not end it', () => {
    expect(summary('FROM a\nRUN x && \\\n\n  # note\n  y\nUSER 1001\n')).toEqual([
      ['FROM', 1, 1, 'a'],
      ['RUN', 2, 5, 'x &&   y'],
      ['USER', 6, 6, '1001'],
    ])
  })

  it('maps every character of the joined text to its line', () => {
    const [, run] = parseDockerfile('FROM a\nRUN x && \\\n\n  # note\n  chown 1:1 /d\n').instructions
    expect(run.args.lines[run.args.text.indexOf('chown')]).toBe(5)
  })

  it('reads # escape= after # syntax= (either order), and then a backtick continues lines', () => {
    for (const head of [
      '# syntax=docker/dockerfile:1\n# escape=`\n',
      '# escape=`\n# syntax=docker/dockerfile:1\n',
    ]) {
      const d = parseDockerfile(`${head}FROM a\nRUN echo C:\\x \`\n  && echo y\n`)
      expect(d.escape).toBe('`')
      expect(d.directives.syntax).toBe('docker/dockerfile:1')
      expect(d.instructions.map(i => [i.keyword, i.line, i.endLine])).toEqual([
        ['FROM', 3, 3],
        ['RUN', 4, 5],
      ])
    }
    // after a comment, `# escape=` is only a comment
    expect(parseDockerfile('# hello\n# escape=`\nFROM a\n').escape).toBe('\\')
  })

  it('cuts heredoc bodies out of the instruction, with their lines', () => {
    const d = parseDockerfile(
      'FROM a\nRUN <<EOF\nset -e\nUSER root\nEOF\nRUN <<-EOT bash\n\tchmod g+w /x\n\tEOT\nUSER 1\n',
    )
    expect(d.instructions.map(i => i.keyword)).toEqual(['FROM', 'RUN', 'RUN', 'USER'])
    const [, first, second] = d.instructions
    expect(first.args.text).toBe('<<EOF')
    expect(first.heredocs).toEqual([
      {name: 'EOF', body: {text: 'set -e\nUSER root\n', lines: [...Array(7).fill(3), ...Array(10).fill(4)]}},
    ])
    expect(second.heredocs[0].body.text).toBe('chmod g+w /x\n')
  })

  it('separates flags, and recognises the exec form', () => {
    const [, copy, run] = parseDockerfile(
      'FROM a\nCOPY --chown=1001:0 --chmod=775 src /dst\nRUN ["chmod", "g+w", "/x"]\n',
    ).instructions
    expect(copy.flags).toEqual({chown: '1001:0', chmod: '775'})
    expect(copy.args.text).toBe('src /dst')
    expect(run.json).toEqual(['chmod', 'g+w', '/x'])
  })

  it('an empty file or one of comments has no instructions; CRLF files parse', () => {
    expect(parseDockerfile('').instructions).toEqual([])
    expect(parseDockerfile('# only\n\n# comments\n').instructions).toEqual([])
    expect(summary('FROM a\r\nUSER 1001\r\n')).toEqual([
      ['FROM', 1, 1, 'a'],
      ['USER', 2, 2, '1001'],
    ])
  })
})

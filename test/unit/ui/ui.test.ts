import {Readable} from 'node:stream'
import {describe, expect, it} from 'vitest'

import {CliError, ExitCode, UsageError} from '../../../src/lib/errors.js'
import {colorEnabled, colors} from '../../../src/lib/ui/color.js'
import {describeError, errorJson, oneLine} from '../../../src/lib/ui/errors.js'
import {readSecretFromStdin} from '../../../src/lib/ui/input.js'
import {Ui, type OutputFormat} from '../../../src/lib/ui/ui.js'

function capture(format: OutputFormat, opts: {quiet?: boolean; tty?: boolean; bin?: string} = {}) {
  const out: string[] = []
  const err: string[] = []
  const ui = new Ui({
    format,
    quiet: opts.quiet ?? false,
    verbose: false,
    color: false,
    stdout: {write: s => out.push(s) > 0},
    stderr: {write: s => err.push(s) > 0, isTTY: opts.tty ?? false},
    ...(opts.bin ? {bin: opts.bin} : {}),
  })
  return {ui, out: () => out.join(''), err: () => err.join('')}
}

describe('Ui', () => {
  it('run as kubectl jupyter, the commands it prints in text say so; machine output stays as it is', () => {
    const t = capture('text', {bin: 'kubectl jupyter'})
    t.ui.info('Next: oc jupyter deploy -n ds')
    t.ui.warn('see why: oc jupyter doctor lab -n ds')
    t.ui.result({}, () => 'print it with: oc jupyter password lab -n ds; oc adm policy stays')
    t.ui.error({
      exitCode: 1,
      message: 'no notebook x',
      details: ['oc jupyter list'],
      hint: 'oc jupyter list -n ds',
    })
    expect(t.err()).toBe(
      'Next: kubectl jupyter deploy -n ds\n! see why: kubectl jupyter doctor lab -n ds\nError: no notebook x\n  kubectl jupyter list\nTry: kubectl jupyter list -n ds\n',
    )
    expect(t.out()).toBe('print it with: kubectl jupyter password lab -n ds; oc adm policy stays\n')
    const j = capture('json', {bin: 'kubectl jupyter'})
    j.ui.result({hint: 'oc jupyter list'}, () => '')
    expect(j.out()).toContain('"hint": "oc jupyter list"')
  })

  it('prints results as JSON, YAML or text', () => {
    const value = {a: 1, b: ['x']}
    for (const [format, want] of [
      ['json', '{\n  "a": 1,\n  "b": [\n    "x"\n  ]\n}\n'],
      ['yaml', 'a: 1\nb:\n  - x\n'],
      ['text', 'A is 1\n'],
    ] as const) {
      const c = capture(format)
      c.ui.result(value, () => 'A is 1')
      expect(c.out()).toBe(want)
    }
  })

  it('keeps stdout clean of progress in json/yaml mode, and stderr quiet too', () => {
    const c = capture('json')
    c.ui.info('working')
    c.ui.print('text only')
    expect(c.out()).toBe('')
    expect(c.err()).toBe('')
  })

  it('-q hides progress and warnings', () => {
    const c = capture('text', {quiet: true})
    c.ui.info('working')
    c.ui.warn('careful')
    expect(c.err()).toBe('')
  })

  it('warnings go to stderr even in json mode', () => {
    const c = capture('json')
    c.ui.warn('careful')
    expect(c.err()).toBe('! careful\n')
    expect(c.out()).toBe('')
  })

  it('prints plain step lines when stderr is not a terminal', async () => {
    const c = capture('text')
    await expect(c.ui.step('Created Route/notebook', async () => 42)).resolves.toBe(42)
    expect(c.err()).toMatch(/^✔ Created Route\/notebook \(\d+\.\ds\)\n$/)
    await expect(c.ui.step('Rollout', async () => Promise.reject(new Error('x')))).rejects.toThrow('x')
    expect(c.err()).toMatch(/✖ Rollout \(\d+\.\ds\)\n$/)
  })

  it('errors: one line and Try on stderr; {"error"} on stdout only in machine mode', () => {
    const report = describeError(new UsageError('--x "y": bad', {hint: 'oc jupyter deploy --help'}), {
      verbose: false,
    })
    const t = capture('text')
    t.ui.error(report)
    expect(t.err()).toBe('Error: --x "y": bad\nTry: oc jupyter deploy --help\n')
    expect(t.out()).toBe('')
    const j = capture('json')
    j.ui.error(report)
    expect(JSON.parse(j.out())).toEqual({
      error: {exitCode: 2, message: '--x "y": bad', hint: 'oc jupyter deploy --help'},
    })
    const y = capture('yaml')
    y.ui.error(report)
    expect(y.out()).toBe(
      'error:\n  exitCode: 2\n  message: \'--x "y": bad\'\n  hint: oc jupyter deploy --help\n',
    )
  })
})

describe('describeError', () => {
  it('keeps a CliError’s exit code, hint and details', () => {
    const r = describeError(
      new CliError('build failed', ExitCode.Failed, {hint: 'oc logs bc/x', details: ['E: no libav']}),
      {verbose: false},
    )
    expect(r).toEqual({exitCode: 1, message: 'build failed', hint: 'oc logs bc/x', details: ['E: no libav']})
  })
  it('maps oclif parse errors to usage (2) in one line', () => {
    const err = Object.assign(new Error('Nonexistent flag: --x\nSee more help with --help'), {
      parse: {},
      oclif: {exit: 2},
    })
    expect(describeError(err, {verbose: false})).toEqual({exitCode: 2, message: 'Nonexistent flag: --x'})
  })
  it('maps network failures to 3 and the rest to 1, without stacks unless verbose', () => {
    expect(
      describeError(Object.assign(new Error('connect ECONNREFUSED'), {code: 'ECONNREFUSED'}), {
        verbose: false,
      }).exitCode,
    ).toBe(3)
    const r = describeError(new Error('boom'), {verbose: false})
    expect(r).toEqual({exitCode: 1, message: 'boom'})
    expect(describeError(new Error('boom'), {verbose: true}).stack).toContain('boom')
    expect(describeError('weird', {verbose: false}).message).toBe('unexpected error: weird')
  })
  it('never puts the stack in JSON', () => {
    const r = describeError(new Error('boom'), {verbose: true})
    expect(errorJson(r)).toEqual({error: {exitCode: 1, message: 'boom'}})
  })
  it('oneLine joins lines and drops oclif’s help trailer', () => {
    expect(oneLine('a\n  b\n\nSee more help with --help')).toBe('a b')
  })
})

describe('colour', () => {
  it('is off with --no-color, NO_COLOR, TERM=dumb or without a terminal', () => {
    expect(colorEnabled({noColor: false, isTTY: true, env: {}})).toBe(true)
    expect(colorEnabled({noColor: true, isTTY: true, env: {}})).toBe(false)
    expect(colorEnabled({noColor: false, isTTY: true, env: {NO_COLOR: '1'}})).toBe(false)
    expect(colorEnabled({noColor: false, isTTY: true, env: {NO_COLOR: ''}})).toBe(true)
    expect(colorEnabled({noColor: false, isTTY: true, env: {TERM: 'dumb'}})).toBe(false)
    expect(colorEnabled({noColor: false, isTTY: false, env: {}})).toBe(false)
    expect(colors(false).red('x')).toBe('x')
    expect(colors(true).red('x')).toBe('\u001B[31mx\u001B[39m')
  })
})

describe('readSecretFromStdin', () => {
  const stdin = (text: string, isTTY = false) =>
    Object.assign(Readable.from([Buffer.from(text)]), {isTTY}) as unknown as NodeJS.ReadStream
  it('reads to EOF and drops one trailing newline', async () => {
    await expect(readSecretFromStdin('--password-from-stdin', stdin('s3cret\n'))).resolves.toBe('s3cret')
    await expect(readSecretFromStdin('--password-from-stdin', stdin('s3cret'))).resolves.toBe('s3cret')
  })
  it('refuses a terminal, empty input and several lines, with exit 2', async () => {
    await expect(readSecretFromStdin('--password-from-stdin', stdin('x', true))).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('terminal'),
    })
    await expect(readSecretFromStdin('--password-from-stdin', stdin('\n'))).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('empty'),
    })
    await expect(readSecretFromStdin('--password-from-stdin', stdin('a\nb\n'))).rejects.toMatchObject({
      exitCode: 2,
    })
  })
})

import {describe, expect, it} from 'vitest'

import {exitCodeOfStatus} from '../../../src/lib/cluster/exec.js'
import {execProbes} from '../../../src/lib/doctor/checks/exec.js'

describe('exec status frames (channel 3)', () => {
  it('Success is 0, NonZeroExitCode carries the ExitCode cause, no frame is null', () => {
    expect(exitCodeOfStatus({status: 'Success'})).toBe(0)
    expect(
      exitCodeOfStatus({
        status: 'Failure',
        reason: 'NonZeroExitCode',
        details: {causes: [{reason: 'ExitCode', message: '3'}]},
      }),
    ).toBe(3)
    expect(exitCodeOfStatus({status: 'Failure', message: 'container not found'})).toBe(1)
    expect(exitCodeOfStatus(undefined)).toBeNull()
  })

  it('probes are read-only: id, whoami, echo $HOME, test -w and stat only', () => {
    for (const p of execProbes(['/home/jovyan/volume']))
      expect(p.argv.join(' ')).toMatch(/^(id|whoami|test -w \S+|sh -c test .*|sh -c echo "\$HOME")$/)
    expect(
      execProbes([])
        .find(p => p.key === 'conda-stat')
        ?.argv.join(' '),
    ).toBe('sh -c test ! -e /opt/conda || stat -c "%g %a" /opt/conda')
  })
})

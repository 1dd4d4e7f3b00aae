import {beforeAll, describe, expect, it} from 'vitest'

import {ensureBuilt, run} from './cli.js'

beforeAll(ensureBuilt, 180_000)

/** Each ends with exit 2, stdout empty, no stack trace, and a first line naming the flag and the rule. */
const CASES: Array<[string[], RegExp]> = [
  [['deploy', 'Bad_Name'], /^Error: NAME "Bad_Name": not a valid name \(lowercase letters/],
  [
    ['deploy', '--volume-size', '1GB'],
    /^Error: --volume-size "1GB": not a Kubernetes quantity \(use e\.g\. 1Gi, 500Mi or 1G\)$/,
  ],
  [['deploy', '--volume-size', '1 GB'], /^Error: --volume-size "1 GB": not a Kubernetes quantity/],
  [['deploy', '--volume-size', '-1Gi'], /^Error: --volume-size "-1Gi": must not be negative$/],
  [['deploy', '--volume-size', 'abc'], /^Error: --volume-size "abc": not a Kubernetes quantity/],
  [['deploy', '--env', '1X=y'], /^Error: --env "1X=y": invalid variable name "1X"/],
  [['deploy', '--env', 'NOEQUALS'], /^Error: --env "NOEQUALS": expected KEY=VALUE$/],
  [['deploy', '--mount-path', 'rel/path'], /^Error: --mount-path "rel\/path": must be an absolute path/],
  [['deploy', '--timeout', 'forever'], /^Error: --timeout "forever": not a duration/],
  [['deploy', '--request-timeout', '5 minutes'], /^Error: --request-timeout "5 minutes": not a duration/],
  [['deploy', '--image', 'quay.io/X/y:1'], /^Error: --image "quay\.io\/X\/y:1": not an image reference/],
  [
    ['deploy', '--image', 'quay.io/x/y:1', '--build'],
    /^Error: --build builds an image stream of this project/,
  ],
  [['deploy', '--memory', '0'], /^Error: --memory "0": must be greater than zero$/],
  [
    ['deploy', '--memory', '1'],
    /^Error: --memory "1": less than Jupyter's server needs to start .*: at least 128Mi$/,
  ],
  [
    ['deploy', '--volume-size', '1Ei'],
    /^Error: --volume-size "1Ei": larger than any cloud or ODF volume .*: at most 64Ti$/,
  ],
  [
    ['deploy', '--rotate-password'], // the harness adds --dry-run=client
    /^Error: --rotate-password changes the password on the cluster/,
  ],
  [
    ['build', '--no-wait', '--follow'],
    /^Error: --follow streams the log while the build runs; --no-wait returns at once/,
  ],
  [['deploy', '--access-mode', 'ReadOnlyMany'], /^Error: --access-mode "ReadOnlyMany": must be one of/],
  [['deploy', '--hostname', '*.apps.example.com'], /^Error: --hostname "\*\.apps\.example\.com": wildcard/],
  [['deploy', '-n', 'Bad_NS'], /^Error: --namespace "Bad_NS": not a valid name/],
  [
    ['deploy', '--password-from-stdin', '--rotate-password'],
    /^Error: --password-from-stdin and --rotate-password cannot be combined/,
  ],
  [['deploy', '-o', 'xml'], /^Error: Expected --output=xml to be one of: text, json, yaml$/],
  [['deploy', '--auth', 'ldap'], /^Error: Expected --auth=ldap to be one of: password, openshift$/],
  [
    ['deploy', '--auth', 'openshift', '--rotate-password'],
    /^Error: --rotate-password sets the notebook's password; with --auth openshift people log in with their OpenShift account$/,
  ],
  [
    ['deploy', '--oauth-proxy-image', 'quay.io/x/y:1'],
    /^Error: --oauth-proxy-image only applies with --auth openshift$/,
  ],
  [
    ['deploy', '--auth', 'openshift', '--service-account', 'other'],
    /^Error: --auth openshift runs the notebook as service account notebook/,
  ],
  [['deploy', '--dry-run=maybe'], /^Error: Expected --dry-run=maybe to be one of: none, client, server$/],
  [['deploy', '--no-such-flag'], /^Error: unknown flag --no-such-flag for "oc jupyter deploy"$/],
  [
    ['deploy', '--volume-sise', '2Gi'],
    /^Error: unknown flag --volume-sise for "oc jupyter deploy"; did you mean --volume-size\?$/,
  ],
  [['deploy', 'a', 'b'], /^Error: Unexpected argument: b$/],
  [['build', 'Bad_Name'], /^Error: NAME "Bad_Name": not a valid name/],
  [['build', '--repo', 'not-a-url'], /^Error: --repo "not-a-url": not a Git URL/],
  [
    ['build', 'https://example.com/r.git#'],
    /^Error: REPOSITORY "https:\/\/example\.com\/r\.git#": the ref after # is empty$/,
  ],
  [['build', '--repo', 'file:///tmp/x'], /^Error: --repo "file:\/\/\/tmp\/x": unsupported scheme file:/],
  [['build', '--build-memory', '1GB'], /^Error: --build-memory "1GB": not a Kubernetes quantity/],
  [
    ['build', '--from-source', 'https://a.com/n.git', '--repo', 'https://a.com/b.git'],
    /^Error: --from-source cannot be combined with --repo/,
  ],
  [['build', 'https://a.com/x.git', '--repo', 'https://a.com/y.git'], /^Error: give the repository once/],
  [['build', 'https://a.com/x.git#a', '--ref', 'b'], /^Error: give the ref once/],
  [['imagestream', 'Bad_Name'], /^Error: NAME "Bad_Name": not a valid name/],
  [['imagestream', '--dry-run=server'], /^Error: --dry-run=server needs --apply/],
  [['status', 'Bad_Name'], /^Error: NAME "Bad_Name": not a valid name/],
  [['password', 'Bad_Name'], /^Error: NAME "Bad_Name": not a valid name/],
  [['delete', 'Bad_Name'], /^Error: NAME "Bad_Name": not a valid name/],
  [['open', 'Bad_Name'], /^Error: NAME "Bad_Name": not a valid name/],
  [['logs', 'Bad_Name'], /^Error: NAME "Bad_Name": not a valid name/],
  [['stop', 'Bad_Name'], /^Error: NAME "Bad_Name": not a valid name/],
  [['start', 'Bad_Name'], /^Error: NAME "Bad_Name": not a valid name/],
  [['logs', '--tail=-1'], /^Error: --tail "-1": not a number of lines \(0 to 9999999\)$/],
  [['logs', '--tail', 'ten'], /^Error: --tail "ten": not a number of lines/],
  [
    ['logs', '--build', '--previous'],
    /^Error: --build prints a build log: --previous and --container are for the notebook pod$/,
  ],
  [
    ['logs', '--previous', '-f'],
    /^Error: --previous prints a run that has ended: it cannot be followed \(drop -f\)$/,
  ],
  [['password', '--dry-run'], /^Error: --dry-run=client does not apply to password: it only reads$/],
  [['list', '--timeout', '1m'], /^Error: --timeout=1m does not apply to list: it does not wait/],
  [
    ['stop', '--dry-run=client'],
    /^Error: --dry-run=client does not apply to stop: it changes only the replica count/,
  ],
  [['doctor', '--fail-on', 'info'], /^Error: Expected --fail-on=info to be one of: error, warning$/],
]

describe.concurrent('bad input: exit 2, one line, no stack trace, nothing on stdout', () => {
  it.each(CASES)('%j', async (args, first) => {
    // --dry-run=client where a command takes it: nothing could reach a cluster even if validation let it
    const takesDryRun = ['deploy', 'build', 'imagestream', 'delete'].includes(args[0])
    const r = await run(
      [...args, ...(takesDryRun ? ['--dry-run=client'] : [])].filter(
        (a, i, all) => !(a === '--dry-run=client' && all.some(x => x.startsWith('--dry-run=') && x !== a)),
      ),
    )
    expect(r.code, r.stderr).toBe(2)
    expect(r.stdout).toBe('')
    const lines = r.stderr.trimEnd().split('\n')
    expect(lines[0]).toMatch(first)
    // The message is one line; at most a `Try:` line follows.
    expect(lines.length).toBeLessThanOrEqual(2)
    if (lines.length === 2) expect(lines[1]).toMatch(/^Try: oc jupyter /)
    expect(r.stderr).not.toMatch(/^\s+at /m)
  })

  it('is reported as JSON on stdout under -o json, still exit 2', async () => {
    const r = await run(['deploy', 'Bad_Name', '-o', 'json', '--dry-run=client'])
    expect(r.code).toBe(2)
    expect(JSON.parse(r.stdout)).toEqual({
      error: {exitCode: 2, message: expect.stringMatching(/^NAME "Bad_Name": not a valid name/)},
    })
  })

  it('a parse error before flags are read still honours -o json', async () => {
    const r = await run(['deploy', '--no-such-flag', '-o', 'json'])
    expect(r.code).toBe(2)
    expect(JSON.parse(r.stdout).error.exitCode).toBe(2)
  })

  it('--verbose adds the stack', async () => {
    const r = await run(['deploy', 'Bad_Name', '--dry-run=client', '--verbose'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^\s+at /m)
  })
})

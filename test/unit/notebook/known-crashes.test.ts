import {describe, expect, it} from 'vitest'

import {diagnoseCrash} from '../../../src/lib/notebook/known-crashes.js'

const ctx = {workload: 'deployment/nb', namespace: 'p', name: 'nb', hasTokenEnv: true}

describe('diagnoseCrash', () => {
  it("recognises the run script's notebook.auth crash with a fix that is one shell line", () => {
    const k = diagnoseCrash(['WARNING: ...', "ModuleNotFoundError: No module named 'notebook.auth'"], {
      ...ctx,
      hasTokenEnv: false,
    })
    expect(k?.id).toBe('notebook-auth-missing')
    expect(k?.evidence).toBe("ModuleNotFoundError: No module named 'notebook.auth'")
    expect(k?.remedies).toEqual([
      'oc set env deployment/nb JUPYTER_NOTEBOOK_PASSWORD- -n p',
      'oc jupyter deploy nb -n p',
    ])
    for (const r of k?.remedies ?? []) expect(r).not.toContain('#')
  })
  it('a workload that already passes JUPYTER_TOKEN only needs the variable removed', () => {
    expect(diagnoseCrash(["No module named 'notebook.auth'"], ctx)?.remedies).toEqual([
      'oc set env deployment/nb JUPYTER_NOTEBOOK_PASSWORD- -n p',
    ])
  })
  it('knows nothing of other crashes', () => {
    expect(diagnoseCrash(['PermissionError: [Errno 13]'], ctx)).toBeUndefined()
  })
})

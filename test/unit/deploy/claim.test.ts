import {describe, expect, it} from 'vitest'

import {UsageError} from '../../../src/lib/errors.js'
import {reconcileClaim} from '../../../src/lib/deploy/claim.js'
import {parseDeployOptions} from '../../../src/lib/values/deploy-options.js'

const claim = (storage: string, accessModes = ['ReadWriteOnce'], storageClassName?: string) => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: {name: 'notebook-data'},
  spec: {accessModes, resources: {requests: {storage}}, ...(storageClassName ? {storageClassName} : {})},
})

const usage = (fn: () => unknown): UsageError => {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError)
    return e as UsageError
  }
  throw new Error('expected a UsageError')
}

describe('reconcileClaim: a re-run over an existing claim', () => {
  it('without --volume-size keeps a grown claim (no exit 2 after deploy --volume-size 2Gi)', () => {
    const o = reconcileClaim(parseDeployOptions({}, {}), claim('2Gi'))
    expect(o.volumeSize).toBe('2Gi')
    expect(o.volumeQuantity.text).toBe('2Gi')
  })
  it('a new claim gets the default 1Gi', () => {
    expect(reconcileClaim(parseDeployOptions({}, {}), undefined).volumeSize).toBe('1Gi')
  })
  it('an explicit larger size is sent (expansion); an explicit smaller one is exit 2 with the size to use', () => {
    expect(reconcileClaim(parseDeployOptions({}, {'volume-size': '5Gi'}), claim('2Gi')).volumeSize).toBe(
      '5Gi',
    )
    const e = usage(() => reconcileClaim(parseDeployOptions({}, {'volume-size': '1Gi'}), claim('2Gi')))
    expect(e.message).toBe(
      '--volume-size 1Gi is smaller than the existing claim notebook-data (2Gi): a volume is never shrunk',
    )
    expect(e.hint).toBe('oc jupyter deploy notebook --volume-size 2Gi')
  })
  it('access modes and class follow the claim unless given; a different one is exit 2 before any write', () => {
    const o = reconcileClaim(parseDeployOptions({}, {}), claim('1Gi', ['ReadWriteMany'], 'nfs'))
    expect(o.accessMode).toBe('ReadWriteMany')
    expect(o.storageClass).toBe('nfs')
    const a = usage(() =>
      reconcileClaim(parseDeployOptions({}, {'access-mode': 'RWX'}), claim('1Gi', ['ReadWriteOnce'])),
    )
    expect(a.message).toContain(
      '--access-mode ReadWriteMany: claim notebook-data already exists with access modes [ReadWriteOnce], which cannot change',
    )
    expect(a.hint).toContain('oc jupyter deploy notebook-2 --access-mode ReadWriteMany')
    const c = usage(() =>
      reconcileClaim(
        parseDeployOptions({}, {'storage-class': 'fast'}),
        claim('1Gi', ['ReadWriteOnce'], 'gp3-csi'),
      ),
    )
    expect(c.message).toContain('storage class gp3-csi')
    // the same values given again are fine
    expect(
      reconcileClaim(
        parseDeployOptions({}, {'storage-class': 'gp3-csi', 'access-mode': 'RWO'}),
        claim('1Gi', ['ReadWriteOnce'], 'gp3-csi'),
      ).storageClass,
    ).toBe('gp3-csi')
  })
})

/**
 * The data claim of a re-run (FACTS.md §RBAC, storage and immutability): a bound claim's spec is
 * immutable except `resources.requests.storage`, which may only grow. So an existing claim's size,
 * access modes and class are what deploy applies unless the user asked for a change — a larger size
 * (expansion) is sent; a smaller one, or another access mode or class, is refused here, before any
 * write, with the way forward.
 */
import type {KubeObject} from '../cluster/index.js'
import {arr, rec, str} from '../cluster/obj.js'
import {UsageError} from '../errors.js'
import type {AccessMode} from '../render/params.js'
import type {DeployOptions} from '../values/deploy-options.js'
import {Quantity} from '../values/quantity.js'

export function reconcileClaim(opts: DeployOptions, claim: KubeObject | undefined): DeployOptions {
  if (!claim) return opts
  const spec = rec(claim.spec)
  const claimName = claim.metadata?.name ?? `${opts.name}-data`
  const ns = opts.namespace === undefined ? '' : ` -n ${opts.namespace}`
  const out: DeployOptions = {...opts}
  const current = str(rec(rec(spec.resources).requests).storage)
  const existing = current === undefined ? undefined : Quantity.tryParse(current)
  if (existing && current !== undefined) {
    if (!opts.explicit.volumeSize) {
      out.volumeSize = current
      out.volumeQuantity = existing
    } else if (opts.volumeQuantity.compare(existing) < 0) {
      throw new UsageError(
        `--volume-size ${opts.volumeSize} is smaller than the existing claim ${claimName} (${current}): a volume is never shrunk`,
        {hint: `oc jupyter deploy ${opts.name} --volume-size ${current}${ns}`},
      )
    }
  }
  const modes = arr(spec.accessModes).length === 0 ? [] : (spec.accessModes as string[])
  if (modes.length > 0) {
    if (!opts.explicit.accessMode) out.accessMode = modes[0] as AccessMode
    else if (!modes.includes(opts.accessMode))
      throw immutable('--access-mode', opts.accessMode, `access modes [${modes.join(', ')}]`)
  }
  const cls = str(spec.storageClassName)
  if (!opts.explicit.storageClass) {
    if (cls !== undefined) out.storageClass = cls
  } else if (opts.storageClass !== cls) {
    throw immutable('--storage-class', opts.storageClass ?? '', `storage class ${cls ?? '(none)'}`)
  }
  return out

  function immutable(flag: string, value: string, has: string): UsageError {
    return new UsageError(
      `${flag} ${value}: claim ${claimName} already exists with ${has}, which cannot change once it is bound; deploy under another NAME for a new claim, or delete the notebook with its data first`,
      {
        hint: `oc jupyter deploy ${opts.name}-2 ${flag} ${value}${ns}   # a new notebook with a new claim; or: oc jupyter delete ${opts.name} --delete-data --yes${ns} (deletes the notebooks on it)`,
      },
    )
  }
}

/** POST buildconfigs/NAME/instantiate (`oc start-build`): the simulators create the Build. */
import {badRequest} from '../http/respond.js'
import {notFound, type MemoryStore} from '../store.js'
import type {KObject, ResourceType, Simulators, UserInfo} from '../types.js'

export function instantiate(
  store: MemoryStore,
  sims: Simulators,
  rt: ResourceType,
  namespace: string,
  name: string,
  body: KObject,
  user: UserInfo,
): KObject {
  const bc = store.getRaw(rt, namespace, name)
  if (!bc) throw notFound(rt, name)
  if (rt.kind !== 'BuildConfig')
    throw badRequest(`${rt.plural}/instantiate is not supported by the fake server`)
  return sims.instantiate(namespace, name, body, user)
}

/** users/~: "who am I" (`oc whoami`). */
import type {KObject, UserInfo} from '../types.js'

export function currentUser(user: UserInfo): KObject {
  return {
    kind: 'User',
    apiVersion: 'user.openshift.io/v1',
    metadata: {name: user.username},
    identities: [],
    groups: user.groups.filter(g => !g.startsWith('system:')),
  }
}

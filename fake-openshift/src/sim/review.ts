/**
 * The pod security policy review APIs of security.openshift.io/v1, after openshift-apiserver's
 * registry/podsecuritypolicy{subject,selfsubject,}review REST handlers: the SCCs usable by the given
 * subjects (all SCCs when none is given) are tried in priority order against the template's pod spec;
 * the first that validates fills `status.allowedBy` and the mutated `status.template`; a failing one sets
 * `reason: CantAssignSecurityContextConstraintProvider` (left in place even when a later SCC admits).
 */
import {serviceAccountUser} from '../rbac.js'
import {ApiError, type KObject, type Store, type UserInfo} from '../types.js'
import {listSccs, namespaceInfo, sccUsableBy} from './admission.js'
import {clone, obj, type Obj, str, strs} from './kube.js'
import {applyProvider, resolveProvider, type Scc, sortSccs} from './scc.js'

interface SubjectStatus {
  allowedBy: Obj | null
  reason?: string
  template: Obj
}

function reference(s: Scc): Obj {
  const md = obj(s.source.metadata)
  return {
    kind: 'SecurityContextConstraints',
    apiVersion: 'security.openshift.io/v1',
    name: s.name,
    ...(str(md.uid) ? {uid: md.uid} : {}),
    ...(str(md.resourceVersion) ? {resourceVersion: md.resourceVersion} : {}),
  }
}

function fill(store: Store, namespace: string, template: Obj, candidates: Scc[]): SubjectStatus {
  const info = namespaceInfo(store, namespace) ?? {name: namespace, annotations: {}}
  const status: SubjectStatus = {
    allowedBy: null,
    template: {metadata: {creationTimestamp: null}, spec: {containers: null}},
  }
  for (const s of sortSccs(candidates)) {
    const provider = resolveProvider(s, info)
    if ('error' in provider) continue
    const {pod, errors} = applyProvider(provider.scc, {metadata: {}, spec: clone(obj(template.spec))})
    if (errors.length) {
      status.reason = 'CantAssignSecurityContextConstraintProvider'
      continue
    }
    status.allowedBy = reference(s)
    status.template = {metadata: {creationTimestamp: null}, spec: pod.spec}
    return status
  }
  return status
}

function templateOf(body: KObject): Obj {
  const t = obj(obj(body.spec).template)
  if (!t.spec)
    throw new ApiError(
      422,
      'Invalid',
      `${body.kind} "" is invalid: spec.template.spec.containers: Required value`,
    )
  return t
}

export function review(
  store: Store,
  plural: string,
  namespace: string,
  body: KObject,
  user: UserInfo,
): KObject {
  const nsRt = store.resourceType('v1', 'namespaces')
  if (nsRt && !store.get(nsRt, undefined, namespace)) {
    throw new ApiError(404, 'NotFound', `namespaces "${namespace}" not found`, {
      name: namespace,
      kind: 'namespaces',
    })
  }
  const template = templateOf(body)
  const saName = str(obj(template.spec).serviceAccountName) ?? str(obj(template.spec).serviceAccount)
  const all = listSccs(store)
  const usableBy = (subjects: UserInfo[]) =>
    subjects.length ? all.filter(sccUsableBy(store, namespace, subjects)) : all
  const out: KObject = {
    apiVersion: 'security.openshift.io/v1',
    kind: body.kind,
    metadata: {...(body.metadata ?? {}), creationTimestamp: null} as unknown as KObject['metadata'],
    spec: body.spec,
  }
  switch (plural) {
    case 'podsecuritypolicysubjectreviews': {
      const s = obj(body.spec)
      const username = str(s.user) ?? ''
      const groups = strs(s.groups)
      const subjects: UserInfo[] = []
      if (username || groups.length) subjects.push({username, groups})
      if (saName) subjects.push(serviceAccountUser(namespace, saName))
      out.status = fill(store, namespace, template, usableBy(subjects))
      return out
    }
    case 'podsecuritypolicyselfsubjectreviews': {
      const subjects: UserInfo[] = [user]
      if (saName) subjects.push(serviceAccountUser(namespace, saName))
      out.status = fill(store, namespace, template, usableBy(subjects))
      return out
    }
    case 'podsecuritypolicyreviews': {
      let names = strs(obj(body.spec).serviceAccountNames)
      if (names.length === 0) {
        const saRt = store.resourceType('v1', 'serviceaccounts')
        names = saRt ? store.list(saRt, namespace).map(sa => sa.metadata.name ?? '') : []
      }
      const allowed: Obj[] = []
      for (const name of names) {
        const st = fill(store, namespace, template, usableBy([serviceAccountUser(namespace, name)]))
        if (st.allowedBy) allowed.push({name, ...st})
      }
      out.status = {allowedServiceAccounts: allowed}
      return out
    }
    default:
      throw new ApiError(
        404,
        'NotFound',
        `the server could not find the requested resource (post ${plural}.security.openshift.io)`,
      )
  }
}

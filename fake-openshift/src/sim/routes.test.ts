import {describe, expect, it} from 'vitest'

import {defaultProject} from '../bootstrap.js'
import type {KObject} from '../types.js'
import {cluster, NS} from './test-helpers.js'

function route(name: string, namespace = NS, host?: string): KObject {
  return {
    apiVersion: 'route.openshift.io/v1',
    kind: 'Route',
    metadata: {name, namespace},
    spec: {...(host ? {host} : {}), to: {kind: 'Service', name}, port: {targetPort: '8888-tcp'}},
  }
}

const ingress = (o: KObject) => ((o.status as any)?.ingress ?? [])[0]

describe('routes', () => {
  it('generates NAME-NS.<apps domain> and admits it', () => {
    const c = cluster()
    c.store.seed([route('notebook')])
    const r = c.get('route.openshift.io/v1', 'routes', 'notebook')
    expect((r.spec as any).host).toBe('notebook-myproject.apps.sandbox.example.com')
    expect(r.metadata.annotations?.['openshift.io/host.generated']).toBe('true')
    expect(ingress(r)).toBeUndefined()
    c.sims.step()
    const admitted = c.get('route.openshift.io/v1', 'routes', 'notebook')
    expect(ingress(admitted)).toMatchObject({
      host: 'notebook-myproject.apps.sandbox.example.com',
      routerName: 'default',
      wildcardPolicy: 'None',
      conditions: [{type: 'Admitted', status: 'True'}],
    })
    expect(c.sims.step()).toBe(false)
  })

  it('a host claimed by an older route in another namespace is not admitted', () => {
    const c = cluster({}, [...defaultProject(NS), ...defaultProject('other', 1_000_050_000)])
    c.store.seed([route('first', 'other', 'jupyter.example.com')])
    c.sims.step()
    c.store.seed([route('second', NS, 'jupyter.example.com')])
    c.sims.step()
    expect(ingress(c.get('route.openshift.io/v1', 'routes', 'first', 'other')).conditions[0].status).toBe(
      'True',
    )
    expect(ingress(c.get('route.openshift.io/v1', 'routes', 'second')).conditions[0]).toMatchObject({
      type: 'Admitted',
      status: 'False',
      reason: 'HostAlreadyClaimed',
      message: 'route first already exposes jupyter.example.com and is older',
    })
  })

  it('honours autoAdmitRoutes: false and scripted rejections', () => {
    const c = cluster({
      autoAdmitRoutes: false,
      routes: [
        {
          match: {name: 'bad'},
          admitted: false,
          reason: 'ExtendedValidationFailed',
          message:
            'spec.tls.certificate: Invalid value: "redacted certificate data": error decoding certificate data',
        },
      ],
    })
    c.store.seed([route('quiet'), route('bad')])
    c.sims.settle()
    expect(ingress(c.get('route.openshift.io/v1', 'routes', 'quiet'))).toBeUndefined()
    expect(ingress(c.get('route.openshift.io/v1', 'routes', 'bad')).conditions[0]).toMatchObject({
      status: 'False',
      reason: 'ExtendedValidationFailed',
    })
  })
})

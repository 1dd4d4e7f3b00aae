/** Routes (FACTS.md §What the recipe's oc commands create): admitted by the router, served over TLS. */
import {cause} from '../causes.js'
import {arr, nameOf, rec, str} from '../obj.js'
import type {Check, DoctorData} from '../types.js'
import {finding, inNs} from './util.js'

export const routeNotAdmitted: Check<DoctorData> = {
  id: 'route.not-admitted',
  area: 'route',
  title: 'Routes are admitted',
  severity: 'error',
  reads: 'Route status.ingress[].conditions[type=Admitted]',
  fires: 'a router reports Admitted=False (HostAlreadyClaimed, ExtendedValidationFailed...)',
  fix: 'Change the host (`oc jupyter deploy --hostname`) or fix the TLS material the reason names.',
  needs: ['routes'],
  run(d) {
    return d.routes.flatMap(r => {
      const bad = arr(rec(r.status).ingress).flatMap(ing =>
        arr(ing.conditions)
          .filter(c => c.type === 'Admitted' && c.status === 'False')
          .map(
            c =>
              `router ${str(ing.routerName) ?? '?'}: ${str(c.reason) ?? 'not admitted'}${str(c.message) ? `: ${str(c.message)}` : ''}`,
          ),
      )
      if (bad.length === 0) return []
      const host = str(rec(r.spec).host)
      return [
        finding(
          this.id,
          this.severity,
          `route ${nameOf(r)}${host ? ` (${host})` : ''} is not admitted: ${bad[0].replace(/^router \S+: /, '')}`,
          bad,
          /HostAlreadyClaimed/.test(bad.join(' '))
            ? `oc jupyter deploy ${d.name ?? nameOf(r)} --hostname ANOTHER-HOST ${inNs(d)}`
            : `oc describe route ${nameOf(r)} ${inNs(d)}`,
          r,
          {cause: cause.route(nameOf(r)), root: true},
        ),
      ]
    })
  },
}

export const routeNoTls: Check<DoctorData> = {
  id: 'route.no-tls',
  area: 'route',
  title: 'Routes use TLS',
  severity: 'warning',
  reads: 'Route spec.tls',
  fires: 'a route has no TLS: the notebook password and tokens travel in clear text',
  fix: 'Use edge termination with insecureEdgeTerminationPolicy Redirect.',
  needs: ['routes'],
  run(d) {
    return d.routes.flatMap(r => {
      if (rec(r.spec).tls) return []
      return [
        finding(
          this.id,
          this.severity,
          `route ${nameOf(r)} has no TLS: the notebook password is sent in clear text`,
          ['spec.tls: (none)'],
          `oc patch route/${nameOf(r)} ${inNs(d)} --type=merge -p '{"spec":{"tls":{"termination":"edge","insecureEdgeTerminationPolicy":"Redirect"}}}'`,
          r,
          {cause: cause.config(`route-tls:${nameOf(r)}`)},
        ),
      ]
    })
  },
}

export const routeChecks = [routeNotAdmitted, routeNoTls]

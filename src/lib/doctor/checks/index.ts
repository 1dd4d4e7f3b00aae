/** The catalogue of cluster checks, in report order (docs/doctor-checks.md is generated from it). */
import type {Check, DoctorData} from '../types.js'
import {admissionChecks} from './admission.js'
import {authChecks} from './auth.js'
import {buildChecks} from './build.js'
import {grantChecks} from './grants.js'
import {imageChecks} from './image.js'
import {podChecks} from './pods.js'
import {projectChecks} from './project.js'
import {routeChecks} from './route.js'
import {storageChecks} from './storage.js'

export const CLUSTER_CHECKS: ReadonlyArray<Check<DoctorData>> = [
  ...projectChecks,
  ...admissionChecks,
  ...grantChecks,
  ...podChecks,
  ...imageChecks,
  ...storageChecks,
  ...routeChecks,
  ...authChecks,
  ...buildChecks,
]

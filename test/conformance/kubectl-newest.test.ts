// The newest kubectl the machine's dispatcher offers; protobuf-sending commands pinned to 1.31.
import {defineProjectAdminConformance} from './project-admin.js'
import {defineKubectlConformance} from './suite.js'

defineKubectlConformance('newest')
defineProjectAdminConformance('newest')

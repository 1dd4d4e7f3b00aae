// kubectl 1.31: the newest kubectl that sends JSON bodies for every command.
import {defineProjectAdminConformance} from './project-admin.js'
import {defineKubectlConformance} from './suite.js'

defineKubectlConformance('oldest-json')
defineProjectAdminConformance('oldest-json')

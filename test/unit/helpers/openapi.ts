/**
 * Validation of rendered objects against OpenShift's published OpenAPI document
 * (../shared/schemas/openshift-openapi.json, Swagger 2.0). The whole document is registered with
 * ajv and objects are validated against `#/definitions/<name>`. Two patches:
 * - IntOrString is declared as a string there; it accepts integers too (ports, targetPort);
 * - every object definition with `properties` gets `additionalProperties: false`, so a misspelt
 *   or misplaced field fails instead of passing silently (the API server would drop or reject it).
 * The document has no apps/v1 Deployment: validate its metadata, selector and pod template.
 */
import {Ajv, type ValidateFunction} from 'ajv'
import {existsSync, readFileSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
export const SCHEMA_PATH = join(repoRoot, '..', 'shared', 'schemas', 'openshift-openapi.json')
export const schemaPresent = existsSync(SCHEMA_PATH)
export const schemaAbsentMessage = `OpenAPI schema not found at ${SCHEMA_PATH} (expected at ../shared/schemas/ beside the repository)`

/** Definition names per apiVersion + kind. */
export const DEFINITIONS: Record<string, string> = {
  'v1/Secret': 'io.k8s.api.core.v1.Secret',
  'v1/PersistentVolumeClaim': 'io.k8s.api.core.v1.PersistentVolumeClaim',
  'v1/Service': 'io.k8s.api.core.v1.Service',
  'v1/ServiceAccount': 'io.k8s.api.core.v1.ServiceAccount',
  'v1/ConfigMap': 'io.k8s.api.core.v1.ConfigMap',
  'v1/List': 'io.k8s.api.core.v1.List',
  'route.openshift.io/v1/Route': 'com.github.openshift.api.route.v1.Route',
  'image.openshift.io/v1/ImageStream': 'com.github.openshift.api.image.v1.ImageStream',
  'build.openshift.io/v1/BuildConfig': 'com.github.openshift.api.build.v1.BuildConfig',
  'apps.openshift.io/v1/DeploymentConfig': 'com.github.openshift.api.apps.v1.DeploymentConfig',
  'template.openshift.io/v1/Template': 'com.github.openshift.api.template.v1.Template',
}

const DEPLOYMENT_SPEC_FIELDS = new Set([
  'replicas',
  'selector',
  'template',
  'strategy',
  'minReadySeconds',
  'revisionHistoryLimit',
  'paused',
  'progressDeadlineSeconds',
])

type Doc = {definitions: Record<string, Record<string, unknown>>}

function closeObjects(schema: unknown): void {
  if (Array.isArray(schema)) {
    for (const s of schema) closeObjects(s)
    return
  }
  if (typeof schema !== 'object' || schema === null) return
  const s = schema as Record<string, unknown>
  if (s.properties !== undefined && s.additionalProperties === undefined) s.additionalProperties = false
  for (const [k, v] of Object.entries(s)) if (k !== 'default' && k !== 'example') closeObjects(v)
}

export class OpenApiValidator {
  private readonly ajv: Ajv
  private readonly cache = new Map<string, ValidateFunction>()

  constructor(path = SCHEMA_PATH) {
    const doc = JSON.parse(readFileSync(path, 'utf8')) as Doc
    for (const def of Object.values(doc.definitions)) closeObjects(def)
    doc.definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString'] = {type: ['string', 'integer']}
    this.ajv = new Ajv({strict: false, allErrors: true, validateFormats: false})
    this.ajv.addSchema({definitions: doc.definitions}, 'openshift')
  }

  /** Errors (empty when valid) of `value` against definition `name`. */
  errorsFor(name: string, value: unknown): string[] {
    let fn = this.cache.get(name)
    if (fn === undefined) {
      fn = this.ajv.getSchema(`openshift#/definitions/${name}`)
      if (fn === undefined) throw new Error(`no definition ${name} in the OpenAPI document`)
      this.cache.set(name, fn)
    }
    if (fn(value)) return []
    return (fn.errors ?? []).map(
      e => `${name}${e.instancePath} ${e.message ?? ''}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`,
    )
  }

  /** Validates a rendered object by its apiVersion/kind; Deployment by its parts. */
  errors(obj: {apiVersion?: unknown; kind?: unknown; [k: string]: unknown}): string[] {
    const key = `${String(obj.apiVersion)}/${String(obj.kind)}`
    if (key === 'apps/v1/Deployment') {
      const spec = (obj.spec ?? {}) as Record<string, unknown>
      const unknown = Object.keys(spec)
        .filter(k => !DEPLOYMENT_SPEC_FIELDS.has(k))
        .map(k => `Deployment spec: unknown field ${k}`)
      const top = Object.keys(obj)
        .filter(k => !['apiVersion', 'kind', 'metadata', 'spec'].includes(k))
        .map(k => `Deployment: unknown field ${k}`)
      const strategy = spec.strategy as {type?: string} | undefined
      const strategyErrors =
        strategy && !['Recreate', 'RollingUpdate'].includes(String(strategy.type))
          ? ['Deployment strategy.type invalid']
          : []
      return [
        ...top,
        ...unknown,
        ...strategyErrors,
        ...this.errorsFor('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', obj.metadata),
        ...this.errorsFor('io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector', spec.selector),
        ...this.errorsFor('io.k8s.api.core.v1.PodTemplateSpec', spec.template),
      ]
    }
    const name = DEFINITIONS[key]
    if (name === undefined) return [`no definition known for ${key}`]
    return this.errorsFor(name, obj)
  }
}

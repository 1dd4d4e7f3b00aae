/**
 * Where the fake finds real API schemas: OpenShift's published openapi.json (openshift/api
 * openapi/openapi.json, Swagger 2.0: every OpenShift kind plus the core/v1, RBAC and authorization types
 * they use). It is not part of this repository: the fake reads it from `schemaFile` (StartOptions
 * `openapiSchema`), else $FAKE_OPENSHIFT_OPENAPI, else `../shared/schemas/openshift-openapi.json` beside
 * the repository (where the project's unit tests read it too). Without it /openapi/v2 describes only
 * apps/v1, and kubectl validates nothing else on the client.
 */
import {existsSync, readFileSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

type Json = Record<string, any>

/** fake-openshift/src/openapi → the repository's parent directory */
const BESIDE_REPOSITORY = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..')

export function defaultSchemaFile(): string {
  return (
    process.env.FAKE_OPENSHIFT_OPENAPI ??
    join(BESIDE_REPOSITORY, 'shared', 'schemas', 'openshift-openapi.json')
  )
}

const cache = new Map<string, Record<string, Json> | undefined>()

/** The document's `definitions`, or undefined when the file is absent (read once per process). */
export function loadDefinitions(schemaFile = defaultSchemaFile()): Record<string, Json> | undefined {
  if (!cache.has(schemaFile)) {
    const defs = existsSync(schemaFile)
      ? ((JSON.parse(readFileSync(schemaFile, 'utf8')) as {definitions?: Record<string, Json>}).definitions ??
        {})
      : undefined
    cache.set(schemaFile, defs)
  }
  return cache.get(schemaFile)
}

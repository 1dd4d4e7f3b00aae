/**
 * plugins/jupyter.yaml against krew's plugin manifest schema: the Go types of
 * sigs.k8s.io/krew pkg/index/types.go (Plugin, PluginSpec, Platform, FileOperation; metadata and
 * selector are apimachinery's ObjectMeta and LabelSelector) and the rules krew applies when it reads
 * a manifest, internal/index/validation/validate.go (ValidatePlugin, validatePlatform,
 * validateFiles, validateSelector) with versions parsed by internal/installation/semver (a `v`,
 * then apimachinery's ParseSemantic). krew itself ignores unknown fields; this schema refuses them,
 * so a misspelt field fails here instead of being silently dropped. And the manifest agrees with
 * package.json and the tarball's layout (scripts/krew-manifest.mjs writes it).
 */
import {readFileSync} from 'node:fs'
import path from 'node:path'

import {Ajv} from 'ajv'
import {load} from 'js-yaml'
import {describe, expect, it} from 'vitest'

// @ts-expect-error: a build script in plain JavaScript
import {releaseUri, renderManifest} from '../../../scripts/krew-manifest.mjs'
import {ROOT} from '../cli/cli.js'

const manifestPath = path.join(ROOT, 'plugins', 'jupyter.yaml')
const pjson = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  name: string
  version: string
  homepage: string
  files: string[]
  bin: Record<string, string>
}

// apimachinery's ParseSemantic: MAJOR.MINOR.PATCH, optional -pre-release and +build, no leading zeros
const SEMVER =
  '^v(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?(\\+[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?$'
// krew matches selectors against runtime.GOOS / runtime.GOARCH
const KEYS = {enum: ['os', 'arch']}

const selector = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1, // "empty selector is not supported"
  properties: {
    matchLabels: {
      type: 'object',
      minProperties: 1, // "`matchLabels` specified but empty"
      propertyNames: KEYS,
      additionalProperties: {type: 'string', minLength: 1},
    },
    matchExpressions: {
      type: 'array',
      minItems: 1, // "`matchExpressions` specified but empty"
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['key', 'operator'],
        properties: {
          key: KEYS,
          operator: {enum: ['In', 'NotIn', 'Exists', 'DoesNotExist']},
          values: {type: 'array', items: {type: 'string', minLength: 1}},
        },
      },
    },
  },
}

const KREW_PLUGIN_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: {const: 'krew.googlecontainertools.github.com/v1alpha2'},
    kind: {const: 'Plugin'},
    metadata: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      // IsSafePluginName: ^[\w-]+$ (and not a reserved Windows device name: WINDOWS_RESERVED)
      properties: {name: {type: 'string', pattern: '^[\\w-]+$'}},
    },
    spec: {
      type: 'object',
      additionalProperties: false,
      required: ['version', 'shortDescription', 'platforms'],
      properties: {
        version: {type: 'string', pattern: SEMVER},
        shortDescription: {type: 'string', minLength: 1, pattern: '^[^\\r\\n]+$'},
        description: {type: 'string'},
        caveats: {type: 'string'},
        homepage: {type: 'string', format: 'uri'},
        platforms: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['uri', 'sha256', 'bin', 'selector'],
            properties: {
              uri: {type: 'string', minLength: 1},
              sha256: {type: 'string', pattern: '^[a-f0-9]{64}$'},
              bin: {type: 'string', minLength: 1},
              selector,
              files: {
                type: 'array',
                minItems: 1, // "`files` has to be unspecified or non-empty"
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['from', 'to'],
                  properties: {from: {type: 'string', minLength: 1}, to: {type: 'string', minLength: 1}},
                },
              },
            },
          },
        },
      },
    },
  },
}

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])$/i

interface Manifest {
  metadata: {name: string}
  spec: {
    version: string
    homepage: string
    shortDescription: string
    platforms: Array<{
      uri: string
      sha256: string
      bin: string
      selector: {matchExpressions?: Array<{key: string; operator: string; values?: string[]}>}
      files?: Array<{from: string; to: string}>
    }>
  }
}

function validate(doc: unknown): string[] {
  const ajv = new Ajv({allErrors: true, strict: true, validateFormats: false})
  const check = ajv.compile(KREW_PLUGIN_SCHEMA)
  const errors = check(doc) ? [] : (check.errors ?? []).map(e => `${e.instancePath} ${e.message}`)
  const name = (doc as Manifest | undefined)?.metadata?.name ?? ''
  if (WINDOWS_RESERVED.test(name)) errors.push(`/metadata/name ${name} is reserved on Windows`)
  return errors
}

describe('plugins/jupyter.yaml', () => {
  const text = readFileSync(manifestPath, 'utf8')
  const manifest = load(text) as Manifest

  it("has krew's fields, each as krew validates it", () => {
    expect(validate(manifest)).toEqual([])
  })

  it("is named after its file, and kubectl's plugin name is kubectl-<name>", () => {
    expect(`${manifest.metadata.name}.yaml`).toBe(path.basename(manifestPath))
    expect(pjson.bin[`kubectl-${manifest.metadata.name}`]).toBeDefined()
  })

  it("agrees with package.json: version, homepage, the release asset's URL", () => {
    expect(manifest.spec.version).toBe(`v${pjson.version}`)
    expect(manifest.spec.homepage).toBe(pjson.homepage)
    for (const p of manifest.spec.platforms) expect(p.uri).toBe(releaseUri(pjson))
  })

  it("is what scripts/krew-manifest.mjs writes for the release (only the tarball's sha256 aside)", () => {
    const [platform] = manifest.spec.platforms
    expect(text).toBe(renderManifest(pjson, {uri: platform.uri, sha256: platform.sha256}))
  })

  it("its bin is the kubectl-jupyter executable of the npm tarball's package/ folder, moved to the plugin's root", () => {
    for (const p of manifest.spec.platforms) {
      expect(p.files).toEqual([{from: 'package/*', to: '.'}])
      expect(p.bin).toBe(pjson.bin[`kubectl-${manifest.metadata.name}`])
    }
  })

  it('runs where a node script runs: Linux and macOS (no Windows .exe)', () => {
    const oses = manifest.spec.platforms.flatMap(
      p => p.selector.matchExpressions?.find(e => e.key === 'os' && e.operator === 'In')?.values ?? [],
    )
    expect(oses.sort()).toEqual(['darwin', 'linux'])
  })
})

describe('the schema refuses what krew refuses', () => {
  const good = load(readFileSync(manifestPath, 'utf8')) as Manifest
  const variant = (f: (m: Manifest) => void): unknown => {
    const m = structuredClone(good)
    f(m)
    return m
  }
  const cases: Array<[string, (m: Manifest) => void]> = [
    ['a version without its v', m => (m.spec.version = '0.1.0')],
    ['a version that is not semantic', m => (m.spec.version = 'v1.2')],
    ['a short description on two lines', m => (m.spec.shortDescription = 'one\ntwo')],
    ['no platforms', m => (m.spec.platforms = [])],
    ['a sha256 in capitals', m => (m.spec.platforms[0].sha256 = m.spec.platforms[0].sha256.toUpperCase())],
    ['an empty selector', m => (m.spec.platforms[0].selector = {})],
    [
      'a selector key other than os and arch',
      m => (m.spec.platforms[0].selector = {matchExpressions: [{key: 'distro', operator: 'Exists'}]}),
    ],
    [
      'a files entry without `to`',
      m => (m.spec.platforms[0].files = [{from: 'x'} as {from: string; to: string}]),
    ],
    ['an unsafe name', m => (m.metadata.name = 'jupyter/lab')],
    ['a reserved Windows name', m => (m.metadata.name = 'COM1')],
    ['a misspelt field', m => Object.assign(m.spec, {shortDesc: 'x'})],
  ]
  for (const [what, f] of cases) {
    it(what, () => expect(validate(variant(f))).not.toEqual([]))
  }
})

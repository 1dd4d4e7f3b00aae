/**
 * Request bodies: a size limit, then JSON, YAML or (for the kinds kubectl >= 1.32 sends that way)
 * protobuf by Content-Type, with the apiserver's 400/413/415 answers.
 */
import type {IncomingMessage} from 'node:http'

import {load as loadYaml} from 'js-yaml'

import {ApiError} from '../types.js'
import {decodeProtobufObject, PROTOBUF_KINDS, ProtobufError} from './protobuf.js'
import {badRequest} from './respond.js'

export const PROTOBUF = 'application/vnd.kubernetes.protobuf'
const MAX_BODY = 16 * 1024 * 1024

export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0].trim().toLowerCase()
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const c of req) {
    size += (c as Buffer).length
    if (size > MAX_BODY) throw new ApiError(413, 'RequestEntityTooLarge', 'the request body is too large')
    chunks.push(c as Buffer)
  }
  return Buffer.concat(chunks)
}

export function parseBody(raw: Buffer, contentType: string | undefined, ctx: 'object' | 'patch'): unknown {
  const mt = mediaType(contentType)
  if (mt === PROTOBUF) {
    // kubectl >= 1.32 sends typed-client bodies as protobuf and does not fall back to JSON
    try {
      return decodeProtobufObject(raw)
    } catch (e) {
      if (!(e instanceof ProtobufError)) throw e
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, ${PROTOBUF} (${e.message}; the fake OpenShift API server decodes protobuf only for ${PROTOBUF_KINDS.join(', ')})`,
      )
    }
  }
  if (!raw.length) return undefined
  const text = raw.toString('utf8')
  if (mt === 'application/yaml' || mt === 'application/apply-patch+yaml' || mt === 'text/yaml') {
    try {
      return loadYaml(text)
    } catch (e) {
      throw badRequest(`error converting YAML to JSON: ${(e as Error).message}`)
    }
  }
  try {
    return JSON.parse(text)
  } catch (e) {
    if (ctx === 'patch') throw badRequest(`error decoding patch: ${(e as Error).message}`)
    throw badRequest(`the object provided is unrecognized or malformed: ${(e as Error).message}`)
  }
}

import {randomBytes} from 'node:crypto'

import {labelsFor, objectMeta} from './labels.js'
import type {KObject} from './types.js'

/** The key in Secret NAME-password that holds the notebook password. */
export const PASSWORD_KEY = 'password'

/** Produces a password; injectable so tests and generated manifests are deterministic. */
export type PasswordGenerator = () => string

/** 24 random bytes → 32 URL-safe characters (192 bits), from the OS's CSPRNG. */
export const randomPassword: PasswordGenerator = () => randomBytes(24).toString('base64url')

export const passwordSecretName = (instance: string): string => `${instance}-password`

/**
 * Secret NAME-password. `data` (base64) by default, which is what the API server stores and
 * compares; `stringData` where a human or a Template must see the value (manifests/ placeholder,
 * `${NOTEBOOK_PASSWORD}`).
 */
export function renderPasswordSecret(p: {
  name: string
  namespace?: string
  password: string
  encoding?: 'data' | 'stringData'
}): KObject {
  const body =
    p.encoding === 'stringData'
      ? {stringData: {[PASSWORD_KEY]: p.password}}
      : {data: {[PASSWORD_KEY]: Buffer.from(p.password, 'utf8').toString('base64')}}
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: objectMeta(passwordSecretName(p.name), labelsFor(p.name, 'notebook'), {namespace: p.namespace}),
    type: 'Opaque',
    ...body,
  }
}

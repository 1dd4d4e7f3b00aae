import {ApiError} from '../types.js'

/**
 * A patch the apiserver could not apply. The real server answers 422 with a fixed message and an
 * empty `details` (it drops the patch library's text, see NewGenericServerResponse); we keep that
 * wire format and carry the library's message in `detail` so tests and logs can still see it.
 */
export class PatchApplyError extends ApiError {
  readonly detail: string

  constructor(detail: string) {
    super(422, 'Invalid', 'the server rejected our request due to an error in our request', {})
    this.detail = detail
  }
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message)
}

/**
 * An error the apiserver returns as a plain Go error (not a StatusError): it becomes a 500 with an
 * empty reason, which kubectl prints as `Error from server: <message>`.
 */
export function plainServerError(message: string): ApiError {
  return new ApiError(500, '', message)
}

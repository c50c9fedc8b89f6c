/** The closed set of error codes of API §3: doors branch on these, never on message text. */
export type ErrorCode =
  | 'invalid_request'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'invalid_credentials'
  | 'unauthorized'
  | 'invalid_grant'
  | 'pin_disabled'
  | 'invalid_mfa_token'
  | 'step_up_required'
  | 'reauth_required'
  | 'forbidden'
  | 'network_not_allowed'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'busy'
  | 'not_ready'
  | 'storage_unavailable'
  | 'internal'

/**
 * Every request-ending outcome is an AuthError rendered by the one error handler.
 * `message` is safe for a client: it never holds a token, code, password, hash or secret.
 * `field` names the input at fault, where there is one.
 */
export class AuthError extends Error {
  field?: string
  constructor(
    readonly code: ErrorCode,
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 500 | 503,
    message: string,
    readonly retryAfterSeconds?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = 'AuthError'
  }
}

export function invalidRequest(message: string, field?: string): AuthError {
  const error = new AuthError('invalid_request', 400, message)
  const named = field ?? /^([a-z_][a-z0-9_.]*):/.exec(message)?.[1]
  if (named) error.field = named
  return error
}
export const payloadTooLarge = () =>
  new AuthError('payload_too_large', 413, 'The request body is larger than 16 KiB.')
export const unsupportedMediaType = () =>
  new AuthError('unsupported_media_type', 415, 'Send the body as application/json.')
export const invalidCredentials = () =>
  new AuthError('invalid_credentials', 401, 'The credentials are not valid.')
export const unauthorized = () =>
  new AuthError('unauthorized', 401, 'A valid bearer token is required.')
export const invalidGrant = (message = 'The token is invalid, expired or already used.') =>
  new AuthError('invalid_grant', 401, message)
export const pinDisabled = () =>
  new AuthError(
    'pin_disabled',
    403,
    'The PIN is disabled after too many wrong tries. Sign in with your password or passkey, or ask an admin to unlock it.',
  )
export const invalidMFAToken = () =>
  new AuthError('invalid_mfa_token', 401, 'The sign-in step has expired or was already used.')
export const stepUpRequired = () =>
  new AuthError('step_up_required', 403, 'Sign in with your password or passkey to do this.')
export const reauthRequired = () =>
  new AuthError(
    'reauth_required',
    403,
    'Sign in again (or send current_password) to change how you sign in.',
  )
export const forbidden = (message = 'You are not allowed to do this.') =>
  new AuthError('forbidden', 403, message)
export const networkNotAllowed = () =>
  new AuthError('network_not_allowed', 403, 'This is not available from your network.')
export const notFound = (message = 'Not found.') => new AuthError('not_found', 404, message)
export const conflict = (message: string) => new AuthError('conflict', 409, message)
export const rateLimited = (retryAfterSeconds: number) =>
  new AuthError(
    'rate_limited',
    429,
    'Too many attempts. Try again later.',
    Math.max(1, Math.ceil(retryAfterSeconds)),
  )
export const busy = () =>
  new AuthError('busy', 503, 'The server is busy. Try again in a moment.', 1)
export const notReady = (retryAfterSeconds = 5) =>
  new AuthError('not_ready', 503, 'The service is starting or not healthy.', retryAfterSeconds)
/** The disk is full, read-only, locked or corrupt (API §2): nothing was written. */
export const storageUnavailable = (cause: unknown, retryAfterSeconds = 5) =>
  new AuthError(
    'storage_unavailable',
    503,
    'The service cannot store data right now; nothing was changed. Try again later.',
    retryAfterSeconds,
    { cause },
  )
export const internal = (cause: unknown) =>
  new AuthError('internal', 500, 'Something went wrong on the server.', undefined, { cause })

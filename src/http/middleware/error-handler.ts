import type { Context, ErrorHandler, NotFoundHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { storageFaultOf } from '../../db/storage-fault.js'
import type { StorageWatch } from '../../db/storage-watch.js'
import {
  AuthError,
  internal,
  invalidRequest,
  notFound,
  payloadTooLarge,
  storageUnavailable,
} from '../../errors.js'
import type { Logger } from '../../logger.js'
import type { AppEnv } from '../env.js'

/** The one place where errors become responses: `{"error","message"}` (+ `retry_after`). */
export function renderError(c: Context, error: AuthError): Response {
  const body: Record<string, unknown> = { error: error.code, message: error.message }
  if (error.retryAfterSeconds !== undefined) {
    body.retry_after = error.retryAfterSeconds
    c.header('Retry-After', String(error.retryAfterSeconds))
  }
  c.header('Cache-Control', 'no-store')
  return c.json(body, error.status)
}

/**
 * What a log line may say about an unexpected error: the innermost cause's name, message,
 * code and stack. Wrappers such as drizzle's DrizzleQueryError carry the query's parameters
 * (password hashes, token hashes), so they are never logged whole.
 */
export function loggableError(error: unknown): Record<string, unknown> {
  let inner = error
  while (inner instanceof Error && inner.cause instanceof Error) inner = inner.cause
  if (!(inner instanceof Error)) return { message: String(inner) }
  const code = (inner as { code?: unknown }).code
  return { name: inner.name, message: inner.message, ...(code ? { code } : {}), stack: inner.stack }
}

/**
 * `storage` (given once the database is open) turns a storage fault into 503
 * `storage_unavailable` and marks `/readyz` degraded (API §2). better-sqlite3 throws
 * SqliteError inside the statement or transaction that failed, and a failed transaction is
 * rolled back by SQLite, so nothing is half-written and the process lives on.
 */
export function errorHandler(logger: Logger, storage?: StorageWatch): ErrorHandler<AppEnv> {
  return function onError(error, c) {
    const fault = error instanceof AuthError && error.status < 500 ? null : storageFaultOf(error)
    if (fault) {
      const context = { req_id: c.get('requestId'), method: c.req.method, path: c.req.path }
      if (storage) storage.report(fault, context)
      else logger.error({ ...context, sqlite_code: fault.code }, `storage fault: ${fault.summary}`)
      return renderError(c, storageUnavailable(error))
    }
    if (error instanceof AuthError) {
      if (error.status >= 500) {
        logger.error({ req_id: c.get('requestId'), err: loggableError(error.cause) }, error.message)
      }
      return renderError(c, error)
    }
    if (error instanceof HTTPException) {
      if (error.status === 413) return renderError(c, payloadTooLarge())
      if (error.status === 400) return renderError(c, invalidRequest('The request is malformed.'))
    }
    logger.error({ req_id: c.get('requestId'), err: loggableError(error) }, 'unhandled error')
    return renderError(c, internal(error))
  }
}

export const notFoundHandler: NotFoundHandler<AppEnv> = (c) =>
  renderError(c, notFound('There is no such route.'))

import type { MiddlewareHandler } from 'hono'
import { payloadTooLarge } from '../../errors.js'
import { MAX_BODY_BYTES } from '../body.js'
import type { AppEnv } from '../env.js'

/** Refuses a declared oversized body before anything reads it; `readJSON` counts the rest. */
export function bodySize(): MiddlewareHandler<AppEnv> {
  return async function bodySizeMiddleware(c, next) {
    const declared = c.req.header('content-length')
    if (declared !== undefined && Number(declared) > MAX_BODY_BYTES) throw payloadTooLarge()
    await next()
  }
}

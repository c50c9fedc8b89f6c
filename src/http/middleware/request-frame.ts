import type { IncomingHttpHeaders } from 'node:http'
import type { Context, MiddlewareHandler } from 'hono'
import { payloadTooLarge } from '../../errors.js'
import type { CIDR } from '../../limits/cidr.js'
import type { Logger } from '../../logger.js'
import type { Metrics } from '../../metrics.js'
import type { AppEnv } from '../env.js'
import { isDeclaredTooLarge } from './body-size.js'
import { clientResolver, type HeaderOf } from './client.js'
import { renderError } from './error-handler.js'
import { requestIdFrom } from './request-id.js'
import { requestLogger } from './request-log.js'
import { SECURITY_HEADERS } from './security-headers.js'

export interface RequestFrameOptions {
  logger: Logger
  metrics?: Metrics | undefined
  trustProxy: CIDR[]
}

/**
 * What every request goes through, in one middleware: its id (API §9), its client address
 * (API §6), the refusal of a declared oversized body (413), the security headers and the
 * X-Request-Id echo on every answer (errors, 404 and the starting app's 503 included), and one
 * log line with one metrics observation once it is answered.
 *
 * One frame rather than five: each async middleware is a promise and a frame per request.
 * On a real socket it reads the request's headers from Node's parsed headers and puts its own
 * on Node's response, which `writeHead` merges with the answer's (the answer's own win, as a
 * page's `Referrer-Policy` does): hono's `c.req.header` and `c.header` build fetch `Headers`
 * objects that @hono/node-server then copies again, which cost more than the JWKS answer
 * itself (bench/README.md). `app.request()` in tests has no socket and takes hono's way.
 */
export function requestFrame({
  logger,
  metrics,
  trustProxy,
}: RequestFrameOptions): MiddlewareHandler<AppEnv> {
  const clientOf = clientResolver(trustProxy, logger)
  const logRequest = requestLogger(logger, metrics)
  return async function requestFrameMiddleware(c, next) {
    const started = performance.now()
    const incoming = c.env?.incoming
    const header = headerReader(c, incoming?.headers)
    const id = requestIdFrom(header('x-request-id'))
    c.set('requestId', id)
    c.set('client', clientOf(incoming?.socket?.remoteAddress, header))
    if (isDeclaredTooLarge(header('content-length'))) c.res = renderError(c, payloadTooLarge())
    else await next()
    addFrameHeaders(c, id)
    logRequest(c, id, started)
  }
}

/** Node's parsed headers (lower-case names, repeated ones joined) when the request has them. */
function headerReader(c: Context<AppEnv>, raw: IncomingHttpHeaders | undefined): HeaderOf {
  if (!raw) return (name) => c.req.header(name)
  return (name) => {
    const value = raw[name]
    return typeof value === 'string' ? value : undefined
  }
}

function addFrameHeaders(c: Context<AppEnv>, id: string): void {
  const outgoing = c.env?.outgoing
  if (outgoing) {
    // The OIDC provider answers on the raw response itself; what it sent stays as it is.
    if (outgoing.headersSent) return
    outgoing.setHeader('X-Request-Id', id)
    for (const [name, value] of SECURITY_HEADERS) outgoing.setHeader(name, value)
    return
  }
  if (!c.res.headers.has('X-Request-Id')) c.header('X-Request-Id', id)
  for (const [name, value] of SECURITY_HEADERS) {
    if (!c.res.headers.has(name)) c.header(name, value)
  }
}

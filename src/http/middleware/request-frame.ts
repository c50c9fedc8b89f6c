import type { IncomingHttpHeaders, ServerResponse } from 'node:http'
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
 * X-Request-Id echo on every answer (errors, 404, the starting app's 503 and the OIDC
 * provider's own answers included), and one log line with one metrics observation once it
 * is answered.
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
    const outgoing = c.env?.outgoing
    // On a socket the headers go on Node's response before the answer is made: the OIDC
    // provider writes that response itself (its own headers replace these), and `writeHead`
    // merges them with any other answer's (the answer's own win).
    if (outgoing) setFrameHeaders(outgoing, id)
    if (isDeclaredTooLarge(header('content-length'))) {
      // Unread, the declared body would be drained after the answer (up to 64 MiB): the
      // connection closes instead, as after a body found too large while read (body.ts).
      outgoing?.setHeader('Connection', 'close')
      c.res = renderError(c, payloadTooLarge())
    } else await next()
    if (!outgoing) addFrameHeaders(c, id)
    // An answer the provider sent itself: `c.res` is only hono's marker, Node's is the status.
    logRequest(c, id, started, outgoing?.headersSent ? outgoing.statusCode : c.res.status)
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

function setFrameHeaders(outgoing: ServerResponse, id: string): void {
  outgoing.setHeader('X-Request-Id', id)
  for (const [name, value] of SECURITY_HEADERS) outgoing.setHeader(name, value)
}

/** `app.request()` (no socket): on hono's answer, where the answer has not set its own. */
function addFrameHeaders(c: Context<AppEnv>, id: string): void {
  if (!c.res.headers.has('X-Request-Id')) c.header('X-Request-Id', id)
  for (const [name, value] of SECURITY_HEADERS) {
    if (!c.res.headers.has(name)) c.header(name, value)
  }
}

/**
 * One request header by its lower-case name, read as the frame reads them: Node's parsed
 * header on a socket (no fetch Headers built), hono's in `app.request()`. For hot routes.
 */
export const requestHeader = (c: Context<AppEnv>, name: string): string | undefined =>
  headerReader(c, c.env?.incoming?.headers)(name)

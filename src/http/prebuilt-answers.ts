import type { IncomingMessage, ServerResponse } from 'node:http'
import { JWKS_MAX_AGE_SECONDS } from '../auth/signing-keys.js'
import type { Logger } from '../logger.js'
import type { Metrics } from '../metrics.js'
import { requestIdFrom } from './middleware/request-id.js'
import { requestLine } from './middleware/request-log.js'
import { SECURITY_HEADERS } from './middleware/security-headers.js'

/** Answers a Node request itself and returns true, or returns false and leaves it untouched. */
export type NodeAnswer = (request: IncomingMessage, response: ServerResponse) => boolean

export interface PrebuiltAnswerDeps {
  logger: Logger
  metrics?: Metrics | undefined
  /**
   * The JWKS text once the app is ready, or null while the key schedule's check is due: that
   * request goes to the app's route, which runs the check (one at a time, signing-keys.ts) and
   * answers its failure (a storage fault: 503). Nothing is started here, so nothing is dropped.
   */
  jwks?: (() => string | null) | undefined
}

const FRAME = SECURITY_HEADERS.flat()
const LIVE = JSON.stringify({ status: 'ok' })
/**
 * A Host that @hono/node-server takes as it is (its own fast test, letters of either case):
 * any other goes to the app, which makes a URL of it or refuses it (400), as it does for
 * every other route.
 */
const PLAIN_HOST = /^[a-z0-9._-]+(?::(?:[1-5]\d{3,4}|[6-9]\d{3}))?$/i

/**
 * `GET /healthz` and `GET /.well-known/jwks.json`, the two answers that probes and every
 * verifier's key cache ask for over and over, written straight to Node's response with their
 * headers and bytes made ahead. They are the answers the hono routes give (health.ts,
 * well-known.ts), with the request frame's request id, security headers, log line and metrics
 * (test/http/prebuilt-answers.test.ts shows them equal): hono's request and response objects
 * cost more than these answers themselves (bench/README.md). Anything else — another method,
 * a body, a path not exactly one of these — is left to the app.
 */
export function prebuiltAnswers({ logger, metrics, jwks }: PrebuiltAnswerDeps): NodeAnswer {
  const logLine = requestLine(logger, metrics)
  const withIdAndLength = (head: string[], body: string) => [
    ...head,
    ...FRAME,
    'X-Request-Id',
    '',
    'Content-Length',
    String(Buffer.byteLength(body)),
  ]
  const healthHeaders = withIdAndLength(['Content-Type', 'application/json'], LIVE)
  const jwksHead = [
    'Content-Type',
    'application/json',
    'Cache-Control',
    `public, max-age=${JWKS_MAX_AGE_SECONDS}`,
  ]
  let jwksText = ''
  let jwksHeaders = withIdAndLength(jwksHead, jwksText)

  /**
   * `headers` ends with the request id's and the length's values, filled in per answer: Node
   * reads the array inside `writeHead` and keeps none of it, so one array serves every answer.
   */
  function send(
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
    headers: string[],
    body: string,
    started: number,
  ): true {
    const given = request.headers['x-request-id']
    const id = requestIdFrom(typeof given === 'string' ? given : undefined)
    headers[headers.length - 3] = id
    response.writeHead(200, headers)
    response.end(body)
    logLine(id, 'GET', path, path, 200, started)
    return true
  }

  function answerJWKS(
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
    text: string,
    started: number,
  ): true {
    if (text !== jwksText) {
      jwksText = text
      jwksHeaders = withIdAndLength(jwksHead, text)
    }
    return send(request, response, path, jwksHeaders, text, started)
  }

  return function prebuiltAnswer(request, response) {
    if (request.method !== 'GET') return false
    const { headers } = request
    if (headers['content-length'] !== undefined || headers['transfer-encoding'] !== undefined) {
      return false
    }
    if (headers.host && !PLAIN_HOST.test(headers.host)) return false
    const url = request.url ?? ''
    const query = url.indexOf('?')
    const path = query < 0 ? url : url.slice(0, query)
    const started = performance.now()
    if (path === '/healthz') return send(request, response, path, healthHeaders, LIVE, started)
    if (path !== '/.well-known/jwks.json' || !jwks) return false
    const text = jwks()
    return text === null ? false : answerJWKS(request, response, path, text, started)
  }
}

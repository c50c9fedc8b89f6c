import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { getRequestListener } from '@hono/node-server'
import { isDeclaredTooLarge } from './middleware/body-size.js'
import type { NodeAnswer } from './prebuilt-answers.js'

type Fetch = Parameters<typeof getRequestListener>[0]

/**
 * What a listening server runs per request: the prebuilt answers first (`answers()` is read
 * per request, so the server can swap them with its app), then the hono app.
 */
export function nodeListener(
  fetch: Fetch,
  answers: () => NodeAnswer,
  options: { hostname?: string } = {},
): (request: IncomingMessage, response: ServerResponse) => void {
  const app = getRequestListener(fetch, options)
  return (request, response) => {
    if (!answers()(request, response)) void app(request, response)
  }
}

/**
 * The HTTP server for `listener`. A client that waits to be told before it sends its body
 * (`Expect: 100-continue`, as curl does past 1 KiB) is told to go on only when the body it
 * declares is within the cap; otherwise it gets the 413 without uploading it first (Node
 * would say 100 Continue to every such request before the app saw it).
 */
export function createHttpServer(listener: ReturnType<typeof nodeListener>): Server {
  const server = createServer(listener)
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    if (!isDeclaredTooLarge(request.headers['content-length'])) response.writeContinue()
    listener(request, response)
  })
  return server
}

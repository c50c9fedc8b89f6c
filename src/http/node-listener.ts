import type { IncomingMessage, ServerResponse } from 'node:http'
import { getRequestListener } from '@hono/node-server'
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

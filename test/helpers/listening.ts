import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createHttpServer, nodeListener } from '../../src/http/node-listener.js'
import type { TestApp } from './app.js'

export interface Listening {
  /** `http://127.0.0.1:<port>`, for requests `post` does not make. */
  base: string
  /** A JSON POST over a real socket: the peer address the app sees is 127.0.0.1. */
  post(path: string, json: unknown): Promise<Response>
  close(): Promise<void>
}

/** The test app behind a real listening socket (127.0.0.1, a free port), as the server runs it. */
export async function listen(t: Pick<TestApp, 'app' | 'answers'>): Promise<Listening> {
  const listener = nodeListener(t.app.fetch, () => t.answers, { hostname: '127.0.0.1' })
  const server = await new Promise<Server>((resolve) => {
    const s = createHttpServer(listener).listen(0, '127.0.0.1', () => resolve(s))
  })
  const { port } = server.address() as AddressInfo
  return {
    base: `http://127.0.0.1:${port}`,
    post: (path, json) =>
      fetch(`http://127.0.0.1:${port}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(json),
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** How many answers had each status, e.g. `{ 401: 5, 429: 59 }`. */
export async function statusCounts(responses: Promise<Response>[]) {
  const counts: Record<number, number> = {}
  for (const response of await Promise.all(responses)) {
    counts[response.status] = (counts[response.status] ?? 0) + 1
    await response.body?.cancel()
  }
  return counts
}

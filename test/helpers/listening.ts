import { serve } from '@hono/node-server'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { TestApp } from './app.js'

export interface Listening {
  /** `http://127.0.0.1:<port>`, for requests `post` does not make. */
  base: string
  /** A JSON POST over a real socket: the peer address the app sees is 127.0.0.1. */
  post(path: string, json: unknown): Promise<Response>
  close(): Promise<void>
}

/** The test app behind a real listening socket (127.0.0.1, a free port). */
export async function listen(t: TestApp): Promise<Listening> {
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: t.app.fetch, hostname: '127.0.0.1', port: 0 }, () =>
      resolve(s as Server),
    ) as Server
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

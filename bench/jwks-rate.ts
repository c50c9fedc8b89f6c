import { requestsPerSecond, startChildServer } from './load.js'
import { perSecond, times, type Row } from './rows.js'

/** JWKS against a bare Hono route on the same server, autocannon on 127.0.0.1. */
export async function jwksRateRows(): Promise<Row[]> {
  const server = await startChildServer()
  try {
    await requestsPerSecond(`${server.url}/bare`, { seconds: 1 }) // warm-up
    await requestsPerSecond(`${server.url}/.well-known/jwks.json`, { seconds: 1 })
    const bare = await requestsPerSecond(`${server.url}/bare`)
    const jwks = await requestsPerSecond(`${server.url}/.well-known/jwks.json`)
    return [
      { figure: 'bare Hono route (same server)', value: perSecond(bare) },
      {
        figure: 'GET /.well-known/jwks.json',
        value: perSecond(jwks),
        ratio: times(jwks / bare),
        note: 'JWKS / bare route',
      },
    ]
  } finally {
    await server.stop()
  }
}

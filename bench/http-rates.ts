import { BENCH_PASSWORD } from './harness.js'
import { requestsPerSecond, startChildServer } from './load.js'
import { perSecond, times, type Row } from './rows.js'

/**
 * Throughput on a server in its own process, autocannon on 127.0.0.1: JWKS against a bare
 * Hono route on the same server, and /v1/me against a bare loop of one signature
 * verification plus one session lookup in that same server process.
 */
export async function httpRateRows(): Promise<Row[]> {
  const server = await startChildServer()
  try {
    await server.command('add-user', { username: 'bench', password: BENCH_PASSWORD })
    const login = await fetch(`${server.url}/v1/login/password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bench', password: BENCH_PASSWORD }),
    })
    const { access_token } = (await login.json()) as { access_token: string }
    const bearer = { authorization: `Bearer ${access_token}` }
    // Warm-up of every path, then the measured runs.
    await requestsPerSecond(`${server.url}/bare`, { seconds: 1 })
    await requestsPerSecond(`${server.url}/.well-known/jwks.json`, { seconds: 1 })
    await requestsPerSecond(`${server.url}/v1/me`, { seconds: 1, headers: bearer })
    // Alternate the two in short runs so that a noisy neighbour hits both alike.
    let bare = 0
    let jwks = 0
    for (let round = 0; round < 3; round++) {
      bare += (await requestsPerSecond(`${server.url}/bare`, { seconds: 2 })) / 3
      jwks += (await requestsPerSecond(`${server.url}/.well-known/jwks.json`, { seconds: 2 })) / 3
    }
    const me = await requestsPerSecond(`${server.url}/v1/me`, { headers: bearer })
    const floor = await server.command<number>('bare-me', { token: access_token, seconds: 4 })
    return [
      { figure: 'bare Hono route (same server)', value: perSecond(bare) },
      {
        figure: 'GET /.well-known/jwks.json',
        value: perSecond(jwks),
        ratio: times(jwks / bare),
        note: '/ bare Hono route',
      },
      {
        figure: 'bare loop: ES256 verify + session lookup (server process)',
        value: perSecond(floor),
      },
      {
        figure: 'GET /v1/me (bearer verification, HTTP)',
        value: perSecond(me),
        ratio: times(me / floor),
        note: '/ bare verify + lookup loop',
      },
    ]
  } finally {
    await server.stop()
  }
}

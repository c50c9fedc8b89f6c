import { BENCH_PASSWORD } from './harness.js'
import { requestsPerSecond, startChildServer } from './load.js'
import { perSecond, times, type Row } from './rows.js'

/**
 * Throughput on a server in its own process (logging at info, like a real one), autocannon on
 * 127.0.0.1: JWKS and /healthz against a bare
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
    let health = 0
    let me = 0
    for (let round = 0; round < 3; round++) {
      bare += (await requestsPerSecond(`${server.url}/bare`, { seconds: 2 })) / 3
      jwks += (await requestsPerSecond(`${server.url}/.well-known/jwks.json`, { seconds: 2 })) / 3
      health += (await requestsPerSecond(`${server.url}/healthz`, { seconds: 2 })) / 3
      me += (await requestsPerSecond(`${server.url}/v1/me`, { seconds: 2, headers: bearer })) / 3
    }
    const floor = await server.command<number>('bare-me', { token: access_token, seconds: 4 })
    return [
      { figure: 'bare Hono route (same server)', value: perSecond(bare) },
      {
        figure: 'GET /.well-known/jwks.json',
        value: perSecond(jwks),
        ratio: times(jwks / bare),
        note: '/ bare Hono route; aim ≥ 0.9×',
      },
      {
        figure: 'GET /healthz',
        value: perSecond(health),
        ratio: times(health / bare),
        note: '/ bare Hono route; aim ≥ 0.9×',
      },
      {
        figure: 'bare loop: ES256 verify + session lookup (server process)',
        value: perSecond(floor),
      },
      {
        figure: 'GET /v1/me (bearer verification, HTTP)',
        value: perSecond(me),
        ratio: times(me / floor),
        note: '/ bare verify + lookup loop; keep ≥ 0.6×',
      },
      {
        figure: 'GET /v1/me against the bare route',
        value: perSecond(me),
        ratio: times(me / bare),
        note: '/ bare Hono route (same server); aim ≥ 0.5×',
      },
    ]
  } finally {
    await server.stop()
  }
}

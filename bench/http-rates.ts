import { BENCH_PASSWORD } from './harness.js'
import { load, requestsPerSecond, startChildServer } from './load.js'
import { perSecond, times, type Row } from './rows.js'

/**
 * Throughput on a server in its own process (logging at info, like a real one), autocannon on
 * 127.0.0.1: JWKS and /healthz against a bare Hono route on the same server serving the JWKS
 * bytes, and /v1/me against a bare loop of one signature
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
    const [bareBytes, jwksBytes] = await Promise.all(
      ['/bare', '/.well-known/jwks.json'].map(async (path) =>
        (await fetch(`${server.url}${path}`)).text(),
      ),
    )
    if (bareBytes !== jwksBytes) throw new Error('the bare route must serve the JWKS bytes')
    // Warm-up of every path, then the measured runs.
    await requestsPerSecond(`${server.url}/bare`, { seconds: 1 })
    await requestsPerSecond(`${server.url}/bare-framed`, { seconds: 1 })
    await requestsPerSecond(`${server.url}/.well-known/jwks.json`, { seconds: 1 })
    await requestsPerSecond(`${server.url}/v1/me`, { seconds: 1, headers: bearer })
    // Alternate the routes in short runs so that a noisy neighbour hits all alike. The ratios
    // compare the server's CPU time per answer, which a shared machine disturbs far less than
    // the rate (autocannon competes for the same two cores).
    const paths = {
      bare: '/bare',
      framed: '/bare-framed',
      jwks: '/.well-known/jwks.json',
      health: '/healthz',
      me: '/v1/me',
    }
    const rate = { bare: 0, framed: 0, jwks: 0, health: 0, me: 0 }
    const cpu = { bare: 0, framed: 0, jwks: 0, health: 0, me: 0 }
    for (let round = 0; round < 3; round++) {
      for (const [name, path] of Object.entries(paths) as [keyof typeof paths, string][]) {
        const before = server.cpuMs()
        const result = await load(`${server.url}${path}`, {
          seconds: 2,
          ...(name === 'me' ? { headers: bearer } : {}),
        })
        rate[name] += result.requests.average / 3
        cpu[name] += (server.cpuMs() - before) / result.requests.total / 3
      }
    }
    const { bare, jwks, health, me } = rate
    const perAnswer = (name: keyof typeof cpu) => `${(cpu[name] * 1000).toFixed(0)} µs CPU each`
    const floor = await server.command<number>('bare-me', { token: access_token, seconds: 4 })
    return [
      {
        figure: 'bare Hono route (same server)',
        value: `${perSecond(bare)}, ${perAnswer('bare')}`,
      },
      {
        figure: 'floor: the bare route + one async middleware (request id, headers, log line)',
        value: `${perSecond(rate.framed)}, ${perAnswer('framed')}`,
        ratio: times(cpu.bare / cpu.framed),
        note: `bare route's CPU per answer / this one's: the most a framed route can reach`,
      },
      {
        figure: 'GET /.well-known/jwks.json',
        value: `${perSecond(jwks)}, ${perAnswer('jwks')}`,
        ratio: times(cpu.bare / cpu.jwks),
        note: `bare route's CPU per answer / this one's (rate ratio ${times(jwks / bare)}); aim ≥ 0.9×`,
      },
      {
        figure: 'GET /healthz',
        value: `${perSecond(health)}, ${perAnswer('health')}`,
        ratio: times(cpu.bare / cpu.health),
        note: `bare route's CPU per answer / this one's (rate ratio ${times(health / bare)}); aim ≥ 0.9×`,
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
        value: `${perSecond(me)}, ${perAnswer('me')}`,
        ratio: times(cpu.bare / cpu.me),
        note: `bare route's CPU per answer / this one's (rate ratio ${times(me / bare)}); aim ≥ 0.5×`,
      },
    ]
  } finally {
    await server.stop()
  }
}

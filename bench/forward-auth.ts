import { pathToFileURL } from 'node:url'
import { BENCH_PASSWORD } from './harness.js'
import { load, requestsPerSecond, startChildServer } from './load.js'
import { perSecond, printTable, times, type Row } from './rows.js'

const ROUNDS = 3

/** The value of `name` among a response's Set-Cookie lines. */
function cookieOf(response: Response, name: string): string {
  const line = response.headers.getSetCookie().find((l) => l.startsWith(`${name}=`))
  if (!line) throw new Error(`no ${name} cookie (status ${response.status})`)
  return line.split(';')[0]!.slice(name.length + 1)
}

/**
 * Forward auth (API §13) sits in front of every request of every protected app: a signed-in
 * `GET /api/authz/forward-auth` (cookie lookup, session, groups, app policy, Remote-* headers)
 * against a bare Hono route on the same server, autocannon on 127.0.0.1, alternating runs;
 * compared by the server's CPU time per answer.
 */
export async function forwardAuthRows(): Promise<Row[]> {
  const server = await startChildServer({
    AUTH_ISSUER: 'http://auth.home.test',
    AUTH_COOKIE_DOMAIN: 'home.test',
    AUTH_TRUST_PROXY: '127.0.0.1/32',
    AUTH_INITIAL_ADMIN_USERNAME: 'owner',
    AUTH_INITIAL_ADMIN_PASSWORD: BENCH_PASSWORD,
  })
  try {
    const post = (path: string, json: unknown, token?: string) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(json),
      })
    const login = await post('/v1/login/password', { username: 'owner', password: BENCH_PASSWORD })
    const { access_token } = (await login.json()) as { access_token: string }
    const added = await post(
      '/v1/admin/apps',
      { name: 'photos', domains: ['photos.home.test'] },
      access_token,
    )
    if (added.status !== 201) throw new Error(`app add answered ${added.status}`)
    // Through the web UI as a browser would: the sign-in form, then the `rd` step's cookie.
    const form = await fetch(`${server.url}/ui/sign-in`)
    const browser = cookieOf(form, 'hma_browser')
    const csrf = /<meta name="csrf-token" content="([^"]+)"/.exec(await form.text())![1]!
    const signedIn = await fetch(`${server.url}/ui/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: `hma_browser=${browser}`,
        origin: server.url,
        'sec-fetch-site': 'same-origin',
      },
      body: new URLSearchParams({ csrf, username: 'owner', password: BENCH_PASSWORD }).toString(),
    })
    const session = cookieOf(signedIn, 'hma_session')
    const rd = encodeURIComponent('http://photos.home.test/')
    const back = await fetch(`${server.url}/ui/sign-in?rd=${rd}`, {
      redirect: 'manual',
      headers: { cookie: `hma_session=${session}` },
    })
    const headers = {
      cookie: `hma_proxy=${cookieOf(back, 'hma_proxy')}`,
      accept: 'text/html',
      'x-forwarded-proto': 'http',
      'x-forwarded-host': 'photos.home.test',
      'x-forwarded-uri': '/albums',
      'x-forwarded-method': 'GET',
    }
    const paths = {
      bare: { path: '/bare' },
      forward: { path: '/api/authz/forward-auth', headers },
      health: { path: '/healthz' },
    }
    for (const { path, ...options } of Object.values(paths))
      await requestsPerSecond(`${server.url}${path}`, { seconds: 0.5, ...options }) // warm-up
    // Short alternating runs; the ratios compare the server's CPU time per answer, which a
    // shared machine disturbs far less than the rate (autocannon shares the two cores).
    const rate = { bare: 0, forward: 0, health: 0 }
    const cpu = { bare: 0, forward: 0, health: 0 }
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, { path, ...options }] of Object.entries(paths) as [
        keyof typeof paths,
        (typeof paths)[keyof typeof paths],
      ][]) {
        const before = server.cpuMs()
        const result = await load(`${server.url}${path}`, { seconds: 1, ...options })
        rate[name] += result.requests.average / ROUNDS
        cpu[name] += (server.cpuMs() - before) / result.requests.total / ROUNDS
      }
    }
    const perAnswer = (name: keyof typeof cpu) =>
      `${perSecond(rate[name])}, ${(cpu[name] * 1000).toFixed(0)} µs CPU each`
    const ratioTo = (name: keyof typeof cpu) => times(cpu.bare / cpu[name])
    const rateNote = (name: keyof typeof cpu) => `rate ratio ${times(rate[name] / rate.bare)}`
    return [
      { figure: 'bare Hono route (forward-auth server)', value: perAnswer('bare') },
      {
        figure: 'GET /api/authz/forward-auth, signed in (200)',
        value: perAnswer('forward'),
        ratio: ratioTo('forward'),
        note: `bare route's CPU per answer / this one's (${rateNote('forward')}); aim ≥ 0.5×`,
      },
      {
        figure: 'GET /healthz (same middleware chain, no lookup)',
        value: perAnswer('health'),
        ratio: ratioTo('health'),
        note: `bare route's CPU per answer / this one's (${rateNote('health')}): the chain alone`,
      },
    ]
  } finally {
    await server.stop()
  }
}

// `node dist/bench/forward-auth.js` prints these rows alone.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printTable(await forwardAuthRows())
}

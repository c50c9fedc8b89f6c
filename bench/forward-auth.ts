import { pathToFileURL } from 'node:url'
import { BENCH_PASSWORD } from './harness.js'
import { requestsPerSecond, startChildServer } from './load.js'
import { perSecond, printTable, times, type Row } from './rows.js'

/** The value of `name` among a response's Set-Cookie lines. */
function cookieOf(response: Response, name: string): string {
  const line = response.headers.getSetCookie().find((l) => l.startsWith(`${name}=`))
  if (!line) throw new Error(`no ${name} cookie (status ${response.status})`)
  return line.split(';')[0]!.slice(name.length + 1)
}

/**
 * Forward auth (API §13) sits in front of every request of every protected app: a signed-in
 * `GET /api/authz/forward-auth` (cookie lookup, session, groups, app policy, Remote-* headers)
 * against a bare Hono route on the same server, autocannon on 127.0.0.1, alternating runs.
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
    const url = `${server.url}/api/authz/forward-auth`
    await requestsPerSecond(`${server.url}/bare`, { seconds: 1 })
    await requestsPerSecond(url, { seconds: 1, headers })
    let bare = 0
    let health = 0
    let forward = 0
    for (let round = 0; round < 3; round++) {
      bare += (await requestsPerSecond(`${server.url}/bare`, { seconds: 2 })) / 3
      health += (await requestsPerSecond(`${server.url}/healthz`, { seconds: 2 })) / 3
      forward += (await requestsPerSecond(url, { seconds: 2, headers })) / 3
    }
    return [
      { figure: 'bare Hono route (forward-auth server)', value: perSecond(bare) },
      {
        figure: 'GET /api/authz/forward-auth, signed in (200)',
        value: perSecond(forward),
        ratio: times(forward / bare),
        note: '/ bare Hono route; aim ≥ 0.5×',
      },
      {
        figure: 'GET /healthz (same middleware chain, no lookup)',
        value: perSecond(health),
        ratio: times(health / bare),
        note: '/ bare Hono route: what the chain alone costs',
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

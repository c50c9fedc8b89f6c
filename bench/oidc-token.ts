import { serve } from '@hono/node-server'
import { createHash, randomBytes } from 'node:crypto'
import { createServer } from 'node:net'
import { pathToFileURL } from 'node:url'
import { BENCH_PASSWORD, interleaved, percentile, startBenchService } from './harness.js'
import { ms, printTable, times, type Row } from './rows.js'

const SAMPLES = 30
const REDIRECT = 'http://127.0.0.1:9/callback'

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** A browser that keeps this service's cookies and follows its redirects to the app's callback. */
function browserFor(base: string) {
  const cookies = new Map<string, string>()
  async function send(url: string, init: RequestInit = {}) {
    const headers = new Headers(init.headers)
    headers.set('cookie', [...cookies].map(([k, v]) => `${k}=${v}`).join('; '))
    const response = await fetch(url, { ...init, headers, redirect: 'manual' })
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0]!
      const at = pair.indexOf('=')
      if (/max-age=0/i.test(line) || at === pair.length - 1) cookies.delete(pair.slice(0, at))
      else cookies.set(pair.slice(0, at), pair.slice(at + 1))
    }
    return response
  }
  /** Follows redirects while they stay on `base`; the first address outside it. */
  async function follow(url: string): Promise<URL> {
    let at = url
    for (let hops = 0; hops < 20; hops++) {
      const response = await send(at)
      const location = response.headers.get('location')
      if (!location) throw new Error(`${at} answered ${response.status} without a redirect`)
      await response.arrayBuffer()
      at = new URL(location, at).toString()
      if (!at.startsWith(base)) return new URL(at)
    }
    throw new Error('too many redirects')
  }
  async function signIn(username: string, password: string): Promise<void> {
    const form = await send(`${base}/ui/sign-in`)
    const csrf = /<meta name="csrf-token" content="([^"]+)"/.exec(await form.text())![1]!
    const signedIn = await send(`${base}/ui/sign-in`, {
      method: 'POST',
      body: new URLSearchParams({ csrf, username, password }),
      headers: { origin: base, 'sec-fetch-site': 'same-origin' },
    })
    if (signedIn.status !== 303 && signedIn.status !== 302)
      throw new Error(`sign-in answered ${signedIn.status}`)
  }
  return { signIn, follow }
}

const base64url = (bytes: Buffer) => bytes.toString('base64url')

/**
 * The OIDC token endpoint (API §12): an authorization-code exchange (ID token RS256, access
 * token, rotated refresh token) and a refresh-token grant, each timed one for one against the
 * service's own `POST /v1/token/refresh` (one durable commit + one ES256 signature) on the same
 * server, over the same loopback socket. The codes are fetched beforehand, untimed, by a
 * signed-in browser: a code is good once, for 60 s.
 */
export async function oidcTokenRows(): Promise<Row[]> {
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const service = await startBenchService({ AUTH_ISSUER: base })
  const server = serve({ fetch: service.app.fetch, port, hostname: '127.0.0.1' })
  await new Promise<void>((resolve) => server.once('listening', () => resolve()))
  try {
    const { services } = service
    await services.users.create({ username: 'bench', password: BENCH_PASSWORD })
    const { app, clientSecret } = services.apps.add('bench-app', { redirectUris: [REDIRECT] })
    const basic = `Basic ${Buffer.from(`${app.clientId}:${clientSecret}`).toString('base64')}`
    const post = (path: string, body: URLSearchParams | string, type: string, auth?: string) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': type, ...(auth ? { authorization: auth } : {}) },
        body,
      })
    const ok = async (response: Promise<Response>) => {
      const r = await response
      const body = (await r.json()) as Record<string, string>
      if (r.status !== 200) throw new Error(`${r.url} answered ${r.status}: ${body.error}`)
      return body
    }

    // The floor: the service's own refresh, one chain.
    let ownRefresh = (
      await ok(
        post(
          '/v1/login/password',
          JSON.stringify({ username: 'bench', password: BENCH_PASSWORD }),
          'application/json',
        ),
      )
    ).refresh_token!
    const floor = async () => {
      const body = JSON.stringify({ refresh_token: ownRefresh })
      ownRefresh = (await ok(post('/v1/token/refresh', body, 'application/json'))).refresh_token!
    }

    const browser = browserFor(base)
    await browser.signIn('bench', BENCH_PASSWORD)
    const codeFor = async () => {
      const verifier = base64url(randomBytes(32))
      const url = new URL(`${base}/oidc/auth`)
      url.search = new URLSearchParams({
        client_id: app.clientId!,
        response_type: 'code',
        redirect_uri: REDIRECT,
        scope: 'openid profile groups offline_access',
        state: base64url(randomBytes(8)),
        nonce: base64url(randomBytes(8)),
        code_challenge: base64url(createHash('sha256').update(verifier).digest()),
        code_challenge_method: 'S256',
      }).toString()
      const callback = await browser.follow(url.toString())
      const code = callback.searchParams.get('code')
      if (!code) throw new Error(`no code: ${callback.search}`)
      return { code, verifier }
    }
    const exchange = (grant: { code: string; verifier: string }) =>
      ok(
        post(
          '/oidc/token',
          new URLSearchParams({
            grant_type: 'authorization_code',
            code: grant.code,
            redirect_uri: REDIRECT,
            code_verifier: grant.verifier,
          }),
          'application/x-www-form-urlencoded',
          basic,
        ),
      )

    for (let i = 0; i < 3; i++) await Promise.all([floor(), exchange(await codeFor())]) // warm-up
    const grants: { code: string; verifier: string }[] = []
    for (let i = 0; i < SAMPLES; i++) grants.push(await codeFor())
    let next = 0
    let oidcRefresh = ''
    const codes = await interleaved(SAMPLES, floor, async () => {
      oidcRefresh = (await exchange(grants[next++]!)).refresh_token!
    })
    const refreshes = await interleaved(SAMPLES, floor, async () => {
      const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: oidcRefresh })
      oidcRefresh = (
        await ok(post('/oidc/token', body, 'application/x-www-form-urlencoded', basic))
      ).refresh_token!
    })
    const row = (figure: string, t: { baseline: number[]; subject: number[] }): Row => ({
      figure,
      value: ms(percentile(t.subject, 50)),
      ratio: times(percentile(t.subject, 50) / percentile(t.baseline, 50)),
      note: `/ POST /v1/token/refresh p50 (${ms(percentile(t.baseline, 50))}: one FULL commit + an ES256 signature), same server, interleaved`,
    })
    return [
      row('POST /oidc/token, authorization code (ID token RS256 + refresh token) p50', codes),
      row('POST /oidc/token, refresh_token grant p50', refreshes),
    ]
  } finally {
    await new Promise((resolve) => server.close(resolve))
    service.stop()
  }
}

// `node dist/bench/oidc-token.js` prints these rows alone.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printTable(await oidcTokenRows())
}

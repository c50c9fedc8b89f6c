import { request } from 'node:http'
import type { Server } from 'node:http'
import { serve, type ServerType } from '@hono/node-server'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHROMIUM, ensureChromium } from '../helpers/browser.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { testClock } from '../helpers/clock.js'
import { addUser, PASSWORD } from '../helpers/fixtures.js'
import { freePort } from '../helpers/process.js'
import { startEchoUpstream, startProxy, type Proxy } from './proxies.js'

// Debian's Caddy (forward_auth) and nginx (auth_request) in front of an echo app, this
// service behind them, Chromium resolving *.home.test to loopback: API §13 end to end.
let t: TestApp
let service: ServerType
let upstream: Server
let browser: Browser
let servicePort: number
let upstreamPort: number

beforeAll(async () => {
  servicePort = await freePort()
  const issuer = `http://auth.home.test:${servicePort}`
  // The real time: Chromium's cookie expiry and the service's must agree.
  t = await createTestApp({
    env: {
      AUTH_ISSUER: issuer,
      AUTH_COOKIE_DOMAIN: 'home.test',
      AUTH_TRUST_PROXY: '127.0.0.1/32',
    },
    clock: testClock(new Date()),
  })
  service = serve({ fetch: t.app.fetch, port: servicePort, hostname: '127.0.0.1' })
  await new Promise<void>((resolve) => service.once('listening', () => resolve()))
  const echo = await startEchoUpstream()
  upstream = echo.server
  upstreamPort = echo.port

  const { groups, apps } = t.services
  groups.add('family')
  apps.add('photos', { domains: ['photos.home.test'], groups: ['family'] })
  apps.add('tv', { domains: ['tv.home.test'], allowPin: true })
  const member = await addUser(t, 'member', { displayName: 'Mia Member' })
  groups.setForUser(member.id, ['family'])
  await addUser(t, 'stranger')
  const gran = await addUser(t, 'gran')
  groups.setForUser(gran.id, ['family'])

  ensureChromium()
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-features=HttpsUpgrades,HttpsFirstBalancedModeAutoEnable',
      '--host-resolver-rules=MAP *.home.test 127.0.0.1',
    ],
  })
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await new Promise<void>((resolve) => (service ? service.close(() => resolve()) : resolve()))
  await new Promise<void>((resolve) => (upstream ? upstream.close(() => resolve()) : resolve()))
  t?.close()
})

/** What the echo app saw, read from its page. */
async function seenBy(page: Page) {
  const text = await page.locator('#seen').innerText()
  return JSON.parse(text) as { url: string; headers: Record<string, string> }
}

async function signInOnForm(page: Page, username: string) {
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password').first().fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
}

/** A browser whose web UI session is PIN-only (as quick login makes it). */
async function pinOnlyContext(): Promise<BrowserContext> {
  const gran = t.services.users.findByUsername('gran')!
  const { refreshToken } = t.services.sessions.create({
    userId: gran.id,
    amr: ['pin'],
    authTime: Math.floor(Date.now() / 1000),
    address: null,
    userAgent: null,
  })
  const context = await browser.newContext()
  await context.addCookies([
    {
      name: 'hma_session',
      value: refreshToken,
      domain: 'auth.home.test',
      path: '/',
      httpOnly: true,
    },
  ])
  return context
}

/** A raw request through the proxy, as a client that sets its own headers. */
function rawGet(port: number, host: string, headers: Record<string, string>) {
  return new Promise<{ status: number; body: string; location?: string }>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/raw', headers: { host: `${host}:${port}`, ...headers } },
      (response) => {
        let body = ''
        response.on('data', (chunk: Buffer) => (body += chunk.toString()))
        response.on('end', () =>
          resolve({
            status: response.statusCode!,
            body,
            ...(response.headers.location ? { location: response.headers.location } : {}),
          }),
        )
      },
    )
    req.on('error', reject)
    req.end()
  })
}

describe.each(['caddy', 'nginx'] as const)('forward auth through %s', (name) => {
  let proxy: Proxy
  let port: number
  const at = (host: string, path = '/') => `http://${host}.home.test:${port}${path}`

  beforeAll(async () => {
    port = await freePort()
    proxy = await startProxy(name, {
      port,
      hosts: ['photos.home.test', 'tv.home.test'],
      service: servicePort,
      upstream: upstreamPort,
    })
  }, 60_000)
  afterAll(async () => {
    await proxy?.stop()
  })

  it('sends an unsigned visit to sign-in and back; the app sees Remote-User and Remote-Groups', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(at('photos', '/albums?year=2026'))
    await page.waitForURL(/\/ui\/sign-in\?rd=/)
    expect(new URL(page.url()).searchParams.get('rd')).toBe(at('photos', '/albums?year=2026'))
    await signInOnForm(page, 'member')
    await page.waitForURL(at('photos', '/albums?year=2026'))
    const seen = await seenBy(page)
    expect(seen.url).toBe('/albums?year=2026')
    expect(seen.headers['remote-user']).toBe('member')
    expect(seen.headers['remote-name']).toBe('Mia Member')
    // Empty: nginx passes no header at all for an empty value (its documented rule).
    expect(seen.headers['remote-email'] ?? '').toBe('')
    expect(seen.headers['remote-groups']).toBe('family')
    // Caddy 2.6 writes its placeholder for a header the answer lacks: all four are always sent.
    expect(JSON.stringify(seen.headers)).not.toContain('{http.')

    // A Remote-User the client sends never reaches the app: replaced when signed in…
    const cookie = (await context.cookies(at('photos'))).find((c) => c.name === 'hma_proxy')!
    const forged = {
      'remote-user': 'owner',
      'remote-groups': 'admins',
      'remote-email': 'boss@evil.example',
      // PHP and Python apps read Remote_User as the same HTTP_REMOTE_USER.
      remote_user: 'owner',
      accept: 'text/html',
    }
    const signedIn = await rawGet(port, 'photos.home.test', {
      ...forged,
      cookie: `hma_proxy=${cookie.value}`,
    })
    expect(signedIn.status).toBe(200)
    expect(signedIn.body).toContain('"remote-user":"member"')
    expect(signedIn.body).not.toContain('owner')
    expect(signedIn.body).not.toContain('admins')
    expect(signedIn.body).not.toContain('boss@evil.example')
    // …and never passed on at all when not signed in.
    const anonymous = await rawGet(port, 'photos.home.test', forged)
    expect(anonymous.status).toBe(302)
    expect(anonymous.location).toMatch(/\/ui\/sign-in\?rd=/)
    expect(anonymous.body).not.toContain('remote-user')
    await context.close()
  })

  it('gives a person outside the app’s groups 403', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(at('photos'))
    await page.waitForURL(/\/ui\/sign-in\?rd=/)
    const answered = page.waitForResponse((r) => r.url() === at('photos'))
    await signInOnForm(page, 'stranger')
    expect((await answered).status()).toBe(403)
    expect(await page.content()).not.toContain('id="seen"')
    await context.close()
  })

  it('lets a PIN-only session into an app with allow_pin only', async () => {
    const context = await pinOnlyContext()
    const page = await context.newPage()
    await page.goto(at('tv', '/'))
    await page.waitForURL(at('tv', '/'))
    expect((await seenBy(page)).headers['remote-user']).toBe('gran')
    // photos has no allow_pin: sent to sign in with a password, the sign-in form is shown.
    const response = await page.goto(at('photos', '/'))
    await page.waitForURL(/\/ui\/sign-in\?rd=/)
    expect(response?.url()).toMatch(/\/ui\/sign-in\?rd=/)
    await page.getByLabel('Username').waitFor()
    await signInOnForm(page, 'gran')
    await page.waitForURL(at('photos', '/'))
    expect((await seenBy(page)).headers['remote-user']).toBe('gran')
    await context.close()
  })
})

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, errorOf, login, PASSWORD } from '../helpers/fixtures.js'
import { uiBrowser, uiSignIn, type UIBrowser } from '../helpers/ui-browser.js'
import { proxySessions } from '../../src/db/schema.js'

const ISSUER = 'https://auth.home.example'
const PROXY = '10.0.0.2'
const LAN = '192.168.1.20'
const ENV = {
  AUTH_ISSUER: ISSUER,
  AUTH_COOKIE_DOMAIN: 'home.example',
  AUTH_TRUST_PROXY: `${PROXY}/32`,
}

let t: TestApp
let browser: UIBrowser
let memberId: string

const caddyAsks = (host: string, cookie: string | null, more: Record<string, string> = {}) =>
  t.call('GET', '/api/authz/forward-auth', {
    peer: PROXY,
    headers: {
      'x-forwarded-proto': 'https',
      'x-forwarded-host': host,
      'x-forwarded-uri': '/',
      'x-forwarded-method': 'GET',
      accept: 'text/html',
      ...(cookie ? { cookie } : {}),
      ...more,
    },
  })
const nginxAsks = (url: string, cookie: string | null, more: Record<string, string> = {}) =>
  t.call('GET', '/api/authz/auth-request', {
    peer: PROXY,
    headers: { 'x-original-url': url, ...(cookie ? { cookie } : {}), ...more },
  })

async function proxyCookie(b: UIBrowser): Promise<string> {
  const back = await b.get(`/ui/sign-in?rd=${encodeURIComponent('https://photos.home.example/')}`)
  expect(back.status).toBe(302)
  return `__Secure-hma_proxy=${b.cookies.get('__Secure-hma_proxy')}`
}

beforeEach(async () => {
  t = await createTestApp({ env: ENV })
  t.services.apps.add('photos', { domains: ['photos.home.example'] })
  t.services.apps.add('elsewhere', { domains: ['photos.other.example'] })
  memberId = (await addUser(t, 'member')).id
  await addUser(t, 'owner', { role: 'admin' })
  browser = uiBrowser(t, { peer: LAN, origin: ISSUER })
  await uiSignIn(browser, 'member', PASSWORD)
})
afterEach(() => t.close())

describe('the proxy cookie', () => {
  it('is HttpOnly, Secure, SameSite=Lax, for the cookie domain, random and stored only hashed', async () => {
    const cookie = await proxyCookie(browser)
    const line = browser.lastSetCookies.find((l) => l.startsWith('__Secure-hma_proxy='))!
    expect(line).toMatch(/; Domain=home\.example/)
    expect(line).toMatch(/; HttpOnly/)
    expect(line).toMatch(/; Secure/)
    expect(line).toMatch(/; SameSite=Lax/)
    const value = cookie.split('=')[1]!
    expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/)
    // Never the refresh token of the web UI session, and not stored as it is.
    expect(value).not.toBe(browser.cookies.get('__Host-hma_session'))
    const rows = t.services.db.select().from(proxySessions).all()
    expect(rows).toHaveLength(1)
    expect(rows[0]!.hash).toBe(t.services.secretKeys.hashToken(value))
    expect(JSON.stringify(rows)).not.toContain(value)
  })

  it('is set, and the browser sent straight back, when already signed in', async () => {
    const rd = 'https://photos.home.example:8443/albums?x=1'
    const back = await browser.get(`/ui/sign-in?rd=${encodeURIComponent(rd)}`)
    expect(back.status).toBe(302)
    expect(back.headers.get('location')).toBe(rd)
  })

  it('a signed-out browser is shown the sign-in form, and after it goes back to rd', async () => {
    const fresh = uiBrowser(t, { peer: LAN, origin: ISSUER })
    const rd = 'https://photos.home.example/albums'
    const page = await fresh.get(`/ui/sign-in?rd=${encodeURIComponent(rd)}`)
    expect(page.status).toBe(200)
    const returnTo = `/ui/sign-in?rd=${encodeURIComponent(rd)}`
    const signedIn = await fresh.post('/ui/sign-in', {
      username: 'member',
      password: PASSWORD,
      return_to: returnTo,
    })
    expect(signedIn.status).toBe(303)
    expect(signedIn.headers.get('location')).toBe(returnTo)
    const back = await fresh.get(returnTo)
    expect(back.status).toBe(302)
    expect(back.headers.get('location')).toBe(rd)
    const cookie = `__Secure-hma_proxy=${fresh.cookies.get('__Secure-hma_proxy')}`
    expect((await caddyAsks('photos.home.example', cookie)).status).toBe(200)
  })

  it.each([
    ['a foreign domain', 'https://evil.example/'],
    ['an app outside the cookie domain', 'https://photos.other.example/'],
    ['a host under the domain that is no app', 'https://nas.home.example/'],
    ['http when the issuer is https', 'http://photos.home.example/'],
    ['javascript:', 'javascript:alert(1)//photos.home.example'],
    ['a relative path', '//evil.example/'],
    ['credentials in the URL', 'https://x:y@photos.home.example/'],
  ])('refuses rd to %s with 400, signed in or not', async (_, rd) => {
    for (const b of [browser, uiBrowser(t, { peer: LAN, origin: ISSUER })]) {
      const response = await b.get(`/ui/sign-in?rd=${encodeURIComponent(rd)}`)
      expect(response.status).toBe(400)
      expect(response.headers.get('location')).toBeNull()
    }
  })

  it('ends when the web UI session signs out', async () => {
    const cookie = await proxyCookie(browser)
    expect((await caddyAsks('photos.home.example', cookie)).status).toBe(200)
    expect((await browser.post('/ui/sign-out')).status).toBe(303)
    expect((await caddyAsks('photos.home.example', cookie)).status).toBe(302)
  })

  it('ends when the person is disabled, demoted or promoted, or changes their password', async () => {
    const admin = (await login(t, 'owner')).access_token
    const changes = [
      async () => {
        const r = await t.call('PATCH', `/v1/admin/users/${memberId}`, {
          token: admin,
          json: { role: 'admin' },
        })
        expect(r.status).toBe(200)
      },
      async () => {
        const own = (await login(t, 'member')).access_token
        const r = await t.call('PUT', '/v1/me/password', {
          token: own,
          json: { current_password: PASSWORD, new_password: 'another long household password' },
        })
        expect(r.status).toBe(204)
        await t.call('PUT', '/v1/me/password', {
          token: (await login(t, 'member', 'another long household password')).access_token,
          json: { current_password: 'another long household password', new_password: PASSWORD },
        })
      },
      async () => {
        const r = await t.call('PATCH', `/v1/admin/users/${memberId}`, {
          token: admin,
          json: { disabled: true },
        })
        expect(r.status).toBe(200)
      },
    ]
    for (const change of changes) {
      const b = uiBrowser(t, { peer: LAN, origin: ISSUER })
      await uiSignIn(b, 'member', PASSWORD)
      const cookie = await proxyCookie(b)
      expect((await caddyAsks('photos.home.example', cookie)).status).toBe(200)
      await change()
      expect((await caddyAsks('photos.home.example', cookie)).status).toBe(302)
    }
  })

  it('ends with its session’s absolute lifetime', async () => {
    const cookie = await proxyCookie(browser)
    t.clock.advance(t.services.config.refreshTokenTTLSeconds + 1)
    expect((await caddyAsks('photos.home.example', cookie)).status).toBe(302)
  })
})

describe('the target of a forward-auth question', () => {
  it('ignores the port of the host', async () => {
    const cookie = await proxyCookie(browser)
    expect((await caddyAsks('photos.home.example:8443', cookie)).status).toBe(200)
    expect((await nginxAsks('https://photos.home.example:8443/x', cookie)).status).toBe(200)
  })

  it.each([
    ['a host that is no app', 'nas.home.example'],
    ['an app outside the cookie domain', 'photos.other.example'],
    ['a foreign host', 'evil.example'],
  ])('answers 403 for %s, signed in or not, never a redirect', async (_, host) => {
    const cookie = await proxyCookie(browser)
    for (const sent of [cookie, null]) {
      const caddy = await caddyAsks(host, sent)
      expect(await errorOf(caddy)).toEqual({ status: 403, error: 'forbidden' })
      expect(caddy.headers.get('location')).toBeNull()
      const nginx = await nginxAsks(`https://${host}/`, sent)
      expect(await errorOf(nginx)).toEqual({ status: 403, error: 'forbidden' })
      expect(nginx.headers.get('location')).toBeNull()
    }
  })

  it('answers 403 when the proxy names no target', async () => {
    const none = await t.call('GET', '/api/authz/forward-auth', { peer: PROXY })
    expect(await errorOf(none)).toEqual({ status: 403, error: 'forbidden' })
    const nginx = await t.call('GET', '/api/authz/auth-request', { peer: PROXY })
    expect(await errorOf(nginx)).toEqual({ status: 403, error: 'forbidden' })
  })

  it('reads only its own proxy’s headers: a client-sent X-Original-URL or X-Forwarded-Host cannot pick the app', async () => {
    t.services.apps.add('open', { domains: ['open.home.example'] })
    t.services.groups.add('admins')
    t.services.apps.update('photos', { groups: ['admins'] })
    const cookie = await proxyCookie(browser)
    // Caddy passes the client's X-Original-URL on; nginx the client's X-Forwarded-Host.
    const viaCaddy = await caddyAsks('photos.home.example', cookie, {
      'x-original-url': 'https://open.home.example/',
    })
    expect(viaCaddy.status).toBe(403)
    const viaNginx = await nginxAsks('https://photos.home.example/', cookie, {
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'open.home.example',
    })
    expect(viaNginx.status).toBe(403)
  })

  it('judges the socket peer, not X-Forwarded-For', async () => {
    const cookie = await proxyCookie(browser)
    const response = await t.call('GET', '/api/authz/forward-auth', {
      peer: LAN,
      headers: {
        'x-forwarded-for': PROXY,
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'photos.home.example',
        cookie,
      },
    })
    expect(await errorOf(response)).toEqual({ status: 403, error: 'network_not_allowed' })
  })
})

describe('forward auth without AUTH_COOKIE_DOMAIN', () => {
  it('answers 404 on both routes, even from a trusted proxy', async () => {
    const off = await createTestApp({ env: { AUTH_TRUST_PROXY: `${PROXY}/32` } })
    for (const path of ['/api/authz/forward-auth', '/api/authz/auth-request']) {
      const response = await off.call('GET', path, {
        peer: PROXY,
        headers: { 'x-original-url': 'https://photos.home.example/' },
      })
      expect(await errorOf(response)).toEqual({ status: 404, error: 'not_found' })
    }
    const rd = await off.call('GET', `/ui/sign-in?rd=${encodeURIComponent('https://a.b/')}`)
    expect(rd.status).toBe(400)
    off.close()
  })
})

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, errorOf, login, PASSWORD } from '../helpers/fixtures.js'
import { addQuickLoginUser, HOME, PIN, quickLoginTokens } from '../helpers/household.js'
import { uiBrowser, uiSignIn } from '../helpers/ui-browser.js'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp({ env: { AUTH_RETURN_TO_ORIGINS: 'https://pwa.home.example' } })
  await addUser(t, 'alice')
})
afterEach(() => t.close())

const setCookie = (response: Response, name: string) =>
  response.headers.getSetCookie().find((c) => c.startsWith(`${name}=`))

describe('the web UI', () => {
  it('serves pages with a strict CSP, no framing, a same-origin referrer policy, and a Strict browser cookie', async () => {
    const browser = uiBrowser(t)
    const page = await browser.get('/ui/sign-in')
    const csp = page.headers.get('content-security-policy')!
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toContain('unsafe-inline')
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).toContain("form-action 'self' https://pwa.home.example")
    expect(page.headers.get('x-frame-options')).toBe('DENY')
    // same-origin, not no-referrer: with no-referrer a browser sends `Origin: null` even for
    // the service's own forms, and the Origin check could not tell them from a sandbox.
    expect(page.headers.get('referrer-policy')).toBe('same-origin')
    expect(setCookie(page, 'hma_browser')).toMatch(/HttpOnly; SameSite=Strict/)
    const html = await page.text()
    expect(html).toMatch(/^<!DOCTYPE html>/)
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/) // no inline script
    expect(html).not.toMatch(/\sstyle=/)
    expect(html).toContain(`content="${browser.csrf}"`)
    expect(browser.csrf).not.toBe(browser.cookies.get('hma_browser')) // derived, not a copy
  })

  it('signs in with a session cookie (HttpOnly, SameSite=Lax, Path=/) holding no access token', async () => {
    const browser = uiBrowser(t)
    const response = await uiSignIn(browser, 'alice', PASSWORD)
    expect(response.headers.get('location')).toBe('/ui/account')
    const session = setCookie(response, 'hma_session')!
    expect(session).toMatch(/; Path=\/; HttpOnly; SameSite=Lax/)
    expect(session).not.toMatch(/Secure/) // http issuer; https issuers get Secure
    expect(browser.cookies.get('hma_session')!.split('.')).toHaveLength(1) // opaque, not a JWT
    const account = await browser.get('/ui/account')
    expect(account.status).toBe(200)
    expect(await account.text()).not.toMatch(/eyJ[A-Za-z0-9_-]+\./) // no JWT anywhere on the page
  })

  it('names its cookies __Host- and marks them Secure when the issuer is https', async () => {
    t.close()
    t = await createTestApp({ env: { AUTH_ISSUER: 'https://auth.home.example' } })
    await addUser(t, 'alice')
    const browser = uiBrowser(t, { origin: 'https://auth.home.example' })
    const page = await browser.get('/ui/sign-in')
    expect(setCookie(page, '__Host-hma_browser')).toMatch(
      /Path=\/; HttpOnly; Secure; SameSite=Strict/,
    )
    const response = await uiSignIn(browser, 'alice', PASSWORD)
    expect(setCookie(response, '__Host-hma_session')).toMatch(
      /Path=\/; HttpOnly; Secure; SameSite=Lax/,
    )
  })

  it('refuses a cross-site form POST: no cookie, a wrong token, a foreign or null Origin, a cross-site fetch', async () => {
    const browser = uiBrowser(t)
    await browser.get('/ui/sign-in')
    const fields = { username: 'alice', password: PASSWORD }
    const refused = async (response: Response) =>
      expect(await errorOf(response)).toEqual({ status: 403, error: 'forbidden' })
    // The browser does not send a SameSite=Strict cookie with a cross-site POST.
    await refused(await browser.post('/ui/sign-in', fields, { cookie: '' }))
    await refused(await browser.post('/ui/sign-in', { ...fields, csrf: 'x'.repeat(43) }))
    await refused(await browser.post('/ui/sign-in', fields, { origin: 'https://evil.example' }))
    await refused(await browser.post('/ui/sign-in', fields, { origin: 'null' }))
    await refused(await browser.post('/ui/sign-in', fields, { 'sec-fetch-site': 'cross-site' }))
    await refused(await browser.post('/ui/sign-in', fields, { 'sec-fetch-site': 'same-site' }))
    // The script's JSON calls need the token too.
    await refused(await browser.postJSON('/ui/passkey/options', {}, { 'x-csrf-token': '' }))
    expect((await browser.postJSON('/ui/passkey/options', {})).status).toBe(200)
    // And the page's own form still works.
    expect((await browser.post('/ui/sign-in', fields)).status).toBe(303)
  })

  it('refuses a CSRF cookie planted by another app on the same host (regression: any 43-character value passed)', async () => {
    const bob = await addUser(t, 'bob')
    await t.services.database.sqlite
      .prepare("UPDATE users SET role = 'admin' WHERE username = 'alice'")
      .run()
    const admin = uiBrowser(t)
    await uiSignIn(admin, 'alice', PASSWORD)
    // A sibling origin (another app on the NAS, same site) can set cookies for this host and
    // post a form, but cannot make the token that matches the admin's session.
    const planted = 'p'.repeat(43)
    for (const cookie of [`hma_browser=${planted}`, `hma_csrf=${planted}`]) {
      const attack = await admin.post(
        `/ui/members/${bob.id}/update`,
        { role: 'admin', csrf: planted },
        { cookie: `${admin.cookieHeader()}; ${cookie}`, origin: '', 'sec-fetch-site': '' },
      )
      expect(await errorOf(attack)).toEqual({ status: 403, error: 'forbidden' })
    }
    expect(t.services.users.findById(bob.id)!.role).toBe('member')
    // A token made for a signed-out browser does not carry over to the session either.
    const stranger = uiBrowser(t)
    await stranger.get('/ui/sign-in')
    const replayed = await admin.post(`/ui/members/${bob.id}/update`, {
      role: 'admin',
      csrf: stranger.csrf!,
    })
    expect(replayed.status).toBe(403)
    expect(t.services.users.findById(bob.id)!.role).toBe('member')
  })

  it('sends a person back to an allowed return_to and refuses any other (no open redirect)', async () => {
    const target = 'https://pwa.home.example/after-sign-in'
    const browser = uiBrowser(t)
    await browser.get(`/ui/sign-in?return_to=${encodeURIComponent(target)}`)
    const response = await browser.post('/ui/sign-in', {
      username: 'alice',
      password: PASSWORD,
      return_to: target,
    })
    expect(response.headers.get('location')).toBe(target)
    const stranger = uiBrowser(t)
    await stranger.get('/ui/sign-in')
    for (const evil of [
      'https://evil.example/',
      '//evil.example/x',
      '/\\evil.example/x',
      'javascript:alert(1)',
      'https://pwa.home.example.evil.example/',
    ]) {
      const page = await t.call('GET', `/ui/sign-in?return_to=${encodeURIComponent(evil)}`)
      expect(page.status).toBe(400)
      const posted = await stranger.post('/ui/sign-in', {
        username: 'alice',
        password: PASSWORD,
        return_to: evil,
      })
      expect(posted.status).toBe(400)
    }
  })

  it('shows the household picker only on quick-login networks', async () => {
    expect((await t.call('GET', '/ui/household', { peer: '192.168.1.20' })).status).toBe(403)
  })

  it('sends signed-out visitors of account pages to sign-in, and members away from /ui/members', async () => {
    const account = await t.call('GET', '/ui/account')
    expect(account.status).toBe(303)
    expect(account.headers.get('location')).toBe('/ui/sign-in')
    const browser = uiBrowser(t)
    await uiSignIn(browser, 'alice', PASSWORD)
    expect(await errorOf(await browser.get('/ui/members'))).toEqual({
      status: 403,
      error: 'forbidden',
    })
  })
})

describe('GET / and /favicon.ico', () => {
  it('sends a browser from the service address into the UI, and serves an icon', async () => {
    const root = await t.call('GET', '/', {
      headers: { accept: 'text/html,application/xhtml+xml' },
    })
    expect(root.status).toBe(302)
    expect(root.headers.get('location')).toBe('/ui')
    const ui = await t.call('GET', '/ui')
    expect(ui.headers.get('location')).toBe('/ui/sign-in')
    expect((await t.call('GET', '/')).status).toBe(404) // not a browser: the JSON 404
    const icon = await t.call('GET', '/favicon.ico')
    expect(icon.status).toBe(200)
    expect(icon.headers.get('content-type')).toBe('image/x-icon')
    expect(Buffer.from(await icon.arrayBuffer()).subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]))
  })
})

describe('one use case behind every door', () => {
  const auditRows = () =>
    t.services.database.sqlite
      .prepare('SELECT type, user_id, actor_id, detail FROM audit_events ORDER BY id')
      .all() as { type: string; user_id: string; actor_id: string; detail: string }[]

  it('revoking a session from the UI writes the same audit event as the API', async () => {
    const other = await login(t, 'alice')
    const browser = uiBrowser(t)
    await uiSignIn(browser, 'alice', PASSWORD)
    const revoked = await browser.post(`/ui/account/sessions/${other.session_id}/revoke`)
    expect(revoked.status).toBe(200)
    const viaUI = auditRows().filter((r) => r.type === 'session.revoked')
    const third = await login(t, 'alice')
    const fourth = await login(t, 'alice')
    const viaAPI = await t.call('DELETE', `/v1/me/sessions/${third.session_id}`, {
      token: fourth.access_token,
    })
    expect(viaAPI.status).toBe(204)
    const events = auditRows().filter((r) => r.type === 'session.revoked')
    expect(viaUI).toHaveLength(1)
    expect(events).toHaveLength(2)
    const shape = (r: (typeof events)[number]) => ({
      type: r.type,
      user_id: r.user_id,
      actor_id: r.actor_id,
      detail: Object.keys(JSON.parse(r.detail) as object),
    })
    expect(shape(events[0]!)).toEqual(shape(events[1]!))
    expect(JSON.parse(events[0]!.detail)).toEqual({ session_id: other.session_id })
  })

  it('signing out in the UI ends the session and audits it like POST /v1/logout', async () => {
    const browser = uiBrowser(t)
    await uiSignIn(browser, 'alice', PASSWORD)
    const session = browser.cookies.get('hma_session')!
    const out = await browser.post('/ui/sign-out')
    expect(out.status).toBe(303)
    const refresh = await t.call('POST', '/v1/token/refresh', { json: { refresh_token: session } })
    expect(refresh.status).toBe(401)
    expect(auditRows().filter((r) => r.type === 'logout')).toHaveLength(1)
  })
})

describe('a PIN-only session, in both doors', () => {
  it('is refused a credential change by the same rule: 403 step_up_required', async () => {
    t.close()
    t = await createTestApp({ env: { AUTH_QUICK_LOGIN_NETWORKS: '192.168.1.0/24' } })
    const kid = await addQuickLoginUser(t, 'kid')
    // The API door.
    const tokens = await quickLoginTokens(t, kid.id)
    const api = await t.call('DELETE', '/v1/me/pin', { token: tokens.access_token })
    expect(await errorOf(api)).toEqual({ status: 403, error: 'step_up_required' })
    // The web UI door: the household picker, then the account page.
    const tablet = uiBrowser(t, { peer: HOME })
    await tablet.get(`/ui/household?user=${kid.id}`)
    const signedIn = await tablet.post('/ui/household', { user_id: kid.id, pin: PIN })
    expect(signedIn.status).toBe(303)
    await tablet.get('/ui/account')
    const ui = await tablet.post('/ui/account/pin/remove')
    expect(ui.status).toBe(403)
    expect(await ui.text()).toContain('Sign in with your password or passkey')
    expect(t.services.users.findById(kid.id)!.pinHash).not.toBeNull()
  })
})

describe('one request schema for both doors', () => {
  it('refuses the same oversized password with 400 in the API and the web UI form', async () => {
    const long = 'x'.repeat(1025)
    const api = await t.call('POST', '/v1/login/password', {
      json: { username: 'alice', password: long },
    })
    expect(await errorOf(api)).toEqual({ status: 400, error: 'invalid_request' })
    const browser = uiBrowser(t)
    await browser.get('/ui/sign-in')
    const ui = await browser.post('/ui/sign-in', { username: 'alice', password: long })
    expect(ui.status).toBe(400)
    expect(await ui.text()).toContain('password:')
  })
})

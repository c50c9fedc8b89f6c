import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, errorOf, login, PASSWORD } from '../helpers/fixtures.js'
import { uiBrowser, uiSignIn } from '../helpers/ui-browser.js'

// CSRF attempts on the web UI behind an https issuer (__Host- cookies), beyond the basic
// ones of ui.security.test.ts: each is a request a hostile page could make a browser send.
const ORIGIN = 'https://auth.home.example'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp({ env: { AUTH_ISSUER: ORIGIN } })
  await addUser(t, 'alice')
  const pin = await t.call('PUT', '/v1/me/pin', {
    token: (await login(t, 'alice')).access_token,
    json: { pin: '482915', current_password: PASSWORD },
  })
  expect(pin.status).toBe(204)
})
afterEach(() => t.close())

const pinIsSet = () => t.services.users.findByUsername('alice')!.pinHash !== null

describe('CSRF on the web UI', () => {
  it('a token of an ended session does not work for the next one of the same browser', async () => {
    const browser = uiBrowser(t, { origin: ORIGIN })
    await uiSignIn(browser, 'alice', PASSWORD)
    const old = browser.csrf!
    const out = await browser.post('/ui/sign-out')
    // Deleting a __Host- cookie needs the same Secure and Path=/ or the browser keeps it.
    expect(out.headers.getSetCookie()).toContain(
      '__Host-hma_session=; Max-Age=0; Path=/; HttpOnly; Secure',
    )
    await uiSignIn(browser, 'alice', PASSWORD)
    expect(browser.csrf).not.toBe(old)
    const replay = await browser.post('/ui/account/pin/remove', { csrf: old })
    expect(await errorOf(replay)).toEqual({ status: 403, error: 'forbidden' })
    expect(pinIsSet()).toBe(true)
  })

  it('refuses what a hostile page can send: a text/plain form, http Origin, Sec-Fetch-Site none', async () => {
    const browser = uiBrowser(t, { origin: ORIGIN })
    await uiSignIn(browser, 'alice', PASSWORD)
    const attacks: Record<string, string>[] = [
      { 'content-type': 'text/plain' }, // the token in a body the server does not read as a form
      { origin: 'http://auth.home.example' }, // same host, other scheme: another origin
      { origin: 'https://auth.home.example:8443' }, // same host, other port: another origin
      { 'sec-fetch-site': 'none' }, // typed or bookmarked: never a form of ours
    ]
    for (const headers of attacks) {
      const attack = await browser.post('/ui/account/pin/remove', {}, headers)
      expect(await errorOf(attack)).toEqual({ status: 403, error: 'forbidden' })
    }
    // Other methods reach no handler, whatever an override header says.
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      const response = await t.app.request('/ui/account/pin/remove', {
        method,
        headers: { cookie: browser.cookieHeader(), 'x-http-method-override': 'POST' },
      })
      expect(response.status).toBe(404)
    }
    expect(pinIsSet()).toBe(true)
  })
})

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, errorOf, PASSWORD } from '../helpers/fixtures.js'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp({ env: { AUTH_RETURN_TO_ORIGINS: 'https://pwa.home.example' } })
  await addUser(t, 'alice')
})
afterEach(() => t.close())

const cookiesOf = (response: Response) => response.headers.getSetCookie()
const cookieValue = (setCookies: string[], name: string) =>
  setCookies
    .find((c) => c.startsWith(`${name}=`))
    ?.split(';')[0]
    ?.slice(name.length + 1)

/** Opens the sign-in page like a browser: returns its CSRF cookie and token. */
async function signInPage(query = '') {
  const page = await t.call('GET', `/ui/sign-in${query}`)
  expect(page.status).toBe(200)
  const csrf = cookieValue(cookiesOf(page), 'hma_csrf')!
  expect((await page.text()).includes(`value="${csrf}"`)).toBe(true)
  return { page, csrf }
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString()
const postForm = (
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
) =>
  t.app.request(
    path,
    {
      method: 'POST',
      body: form(fields),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    },
    { incoming: { socket: { remoteAddress: '127.0.0.1' } } },
  )

describe('the web UI', () => {
  it('serves pages with a strict CSP, no framing, no referrer, and a Strict CSRF cookie', async () => {
    const { page } = await signInPage()
    const csp = page.headers.get('content-security-policy')!
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toContain('unsafe-inline')
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).toContain("form-action 'self' https://pwa.home.example")
    expect(page.headers.get('x-frame-options')).toBe('DENY')
    expect(page.headers.get('referrer-policy')).toBe('no-referrer')
    expect(cookiesOf(page).find((c) => c.startsWith('hma_csrf='))).toMatch(
      /HttpOnly; SameSite=Strict/,
    )
    const html = await (await t.call('GET', '/ui/sign-in')).text()
    expect(html).toMatch(/^<!DOCTYPE html>/)
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/) // no inline script
    expect(html).not.toMatch(/\sstyle=/)
  })

  it('signs in with a session cookie (HttpOnly, SameSite=Lax) holding no access token', async () => {
    const { csrf } = await signInPage()
    const response = await postForm(
      '/ui/sign-in',
      { csrf, username: 'alice', password: PASSWORD },
      { cookie: `hma_csrf=${csrf}`, origin: 'http://localhost:3100' },
    )
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/ui/account')
    const session = cookiesOf(response).find((c) => c.startsWith('hma_session='))!
    expect(session).toMatch(/; Path=\/ui; HttpOnly; SameSite=Lax/)
    expect(session).not.toMatch(/Secure/) // http issuer; https issuers get Secure
    expect(session.split(';')[0]!.split('=')[1]!.split('.')).toHaveLength(1) // opaque, not a JWT
    const account = await t.call('GET', '/ui/account', {
      headers: { cookie: session.split(';')[0]! },
    })
    expect(account.status).toBe(200)
    expect(await account.text()).not.toMatch(/eyJ[A-Za-z0-9_-]+\./) // no JWT anywhere on the page
  })

  it('marks the session cookie Secure when the issuer is https', async () => {
    t.close()
    t = await createTestApp({ env: { AUTH_ISSUER: 'https://auth.home.example' } })
    await addUser(t, 'alice')
    const { csrf } = await signInPage()
    const response = await postForm(
      '/ui/sign-in',
      { csrf, username: 'alice', password: PASSWORD },
      { cookie: `hma_csrf=${csrf}` },
    )
    expect(cookiesOf(response).find((c) => c.startsWith('hma_session='))).toMatch(/Secure/)
  })

  it('refuses a cross-site form POST: no CSRF cookie, a wrong token, or a foreign Origin', async () => {
    const { csrf } = await signInPage()
    const fields = { csrf, username: 'alice', password: PASSWORD }
    // The browser does not send a SameSite=Strict cookie with a cross-site POST.
    expect(
      await errorOf(await postForm('/ui/sign-in', fields, { origin: 'https://evil.example' })),
    ).toEqual({ status: 403, error: 'forbidden' })
    expect((await postForm('/ui/sign-in', fields)).status).toBe(403)
    expect(
      (
        await postForm(
          '/ui/sign-in',
          { ...fields, csrf: 'x'.repeat(43) },
          { cookie: `hma_csrf=${csrf}` },
        )
      ).status,
    ).toBe(403)
    const foreign = await postForm('/ui/sign-in', fields, {
      cookie: `hma_csrf=${csrf}`,
      origin: 'https://evil.example',
    })
    expect(foreign.status).toBe(403)
    // The script's JSON calls need the token too.
    const json = await t.call('POST', '/ui/passkey/options', { json: {} })
    expect(json.status).toBe(403)
    const withToken = await t.call('POST', '/ui/passkey/options', {
      json: {},
      headers: { cookie: `hma_csrf=${csrf}`, 'x-csrf-token': csrf },
    })
    expect(withToken.status).toBe(200)
  })

  it('sends a person back to an allowed return_to and refuses any other (no open redirect)', async () => {
    const target = 'https://pwa.home.example/after-sign-in'
    const { csrf } = await signInPage(`?return_to=${encodeURIComponent(target)}`)
    const response = await postForm(
      '/ui/sign-in',
      { csrf, username: 'alice', password: PASSWORD, return_to: target },
      { cookie: `hma_csrf=${csrf}` },
    )
    expect(response.headers.get('location')).toBe(target)
    for (const evil of [
      'https://evil.example/',
      '//evil.example/x',
      'javascript:alert(1)',
      'https://pwa.home.example.evil.example/',
    ]) {
      const page = await t.call('GET', `/ui/sign-in?return_to=${encodeURIComponent(evil)}`)
      expect(page.status).toBe(400)
      const posted = await postForm(
        '/ui/sign-in',
        { csrf, username: 'alice', password: PASSWORD, return_to: evil },
        { cookie: `hma_csrf=${csrf}` },
      )
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
    const { csrf } = await signInPage()
    const signedIn = await postForm(
      '/ui/sign-in',
      { csrf, username: 'alice', password: PASSWORD },
      { cookie: `hma_csrf=${csrf}` },
    )
    const session = cookiesOf(signedIn)
      .find((c) => c.startsWith('hma_session='))!
      .split(';')[0]!
    expect(
      await errorOf(await t.call('GET', '/ui/members', { headers: { cookie: session } })),
    ).toEqual({ status: 403, error: 'forbidden' })
  })
})

import * as client from 'openid-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addQuickLoginUser, PIN } from '../helpers/household.js'
import { addUser, login, PASSWORD } from '../helpers/fixtures.js'
import {
  addApp,
  authorizationRequest,
  authorize,
  callbackOf,
  cookieBrowser,
  relyingParty,
  startOIDCServer,
  type CookieBrowser,
  type OIDCServer,
} from './harness.js'

const REDIRECT = 'http://127.0.0.1:9/callback'
let server: OIDCServer
let ids: Record<string, string>

beforeAll(async () => {
  server = await startOIDCServer({ AUTH_QUICK_LOGIN_NETWORKS: '127.0.0.0/8' })
  const { t } = server
  t.services.groups.add('parents')
  const mum = await addUser(t, 'mum')
  const kid = await addQuickLoginUser(t, 'kid')
  t.services.groups.setForUser(mum.id, ['parents'])
  ids = { mum: mum.id, kid: kid.id }
  addApp(t, 'paperless', { redirectUris: [REDIRECT], groups: ['parents'] })
  addApp(t, 'tablet', { redirectUris: [REDIRECT], allowPin: true })
  addApp(t, 'strict', { redirectUris: [REDIRECT], requireMfa: true })
}, 60_000)
afterAll(() => server?.close())

const rp = (name: string) => {
  const app = server.t.services.apps.findByName(name)!
  // Secrets are shown once: these tests use a public view of the same client for requests.
  return relyingParty(server.base, app.clientId!, 'none')
}

async function signedIn(username: string, password = PASSWORD) {
  const browser = cookieBrowser(server.base)
  await browser.page(`${server.base}/ui/sign-in`)
  await browser.post('/ui/sign-in', { username, password })
  return browser
}

async function pinSignedIn(userId: string) {
  const browser = cookieBrowser(server.base)
  await browser.page(`${server.base}/ui/household?user=${userId}`)
  const result = await browser.post('/ui/household', { user_id: userId, pin: PIN })
  expect(result.at).toBe(`${server.base}/ui/account`)
  return browser
}

async function startAuthorization(browser: CookieBrowser, app: string, params = {}) {
  const config = await rp(app)
  const request = await authorizationRequest(config, { redirect_uri: REDIRECT, ...params })
  return { ...(await browser.page(request.url.toString())), request }
}

describe('an app’s access policy at the authorization endpoint', () => {
  it('a member of the app’s groups who is signed in comes straight back with a code', async () => {
    const result = await startAuthorization(await signedIn('mum'), 'paperless')
    expect(callbackOf(result).searchParams.get('code')).toBeTruthy()
  })

  it('a person outside the app’s groups comes back with access_denied', async () => {
    const browser = await signedIn('kid')
    const result = await startAuthorization(browser, 'paperless')
    const callback = callbackOf(result)
    expect(callback.searchParams.get('error')).toBe('access_denied')
    expect(callback.searchParams.get('state')).toBe(result.request.state)
    const none = await startAuthorization(browser, 'paperless', { prompt: 'none' })
    expect(callbackOf(none).searchParams.get('error')).toBe('access_denied')
  })

  it('a PIN-only session is asked to sign in with a password, then gets through', async () => {
    const browser = await pinSignedIn(ids.kid!)
    const asked = await startAuthorization(browser, 'strict')
    expect(asked.left).toBe(false)
    expect(asked.at).toMatch(/\/ui\/sign-in\?reauth=1&return_to=%2Foidc%2Finteraction%2F/)
    const none = await startAuthorization(browser, 'tablet', { prompt: 'none' })
    expect(callbackOf(none).searchParams.get('code')).toBeTruthy()

    const again = await startAuthorization(browser, 'paperless')
    expect(callbackOf(again).searchParams.get('error')).toBe('access_denied')
  })

  it('a PIN-only session on an app without allow_pin: sign in properly, then the code', async () => {
    server.t.services.apps.update('paperless', { groups: [] })
    try {
      const browser = await pinSignedIn(ids.kid!)
      const config = await rp('paperless')
      const request = await authorizationRequest(config, { redirect_uri: REDIRECT })
      const asked = await browser.page(request.url.toString())
      expect(asked.at).toMatch(/\/ui\/sign-in\?reauth=1/)
      const returnTo = new URL(asked.at).searchParams.get('return_to')!
      const back = await browser.post('/ui/sign-in', {
        username: 'kid',
        password: PASSWORD,
        return_to: returnTo,
      })
      expect(callbackOf(back).searchParams.get('code')).toBeTruthy()
      // The app allowing PINs lets the PIN session through, with amr pin.
      const pinOnly = await pinSignedIn(ids.kid!)
      const tablet = await startAuthorization(pinOnly, 'tablet')
      expect(callbackOf(tablet).searchParams.get('code')).toBeTruthy()
    } finally {
      server.t.services.apps.update('paperless', { groups: ['parents'] })
    }
  })

  it('require_mfa: a password-only sign-in is asked again, then refused, never looped', async () => {
    const browser = await signedIn('mum')
    const asked = await startAuthorization(browser, 'strict')
    expect(asked.at).toMatch(/\/ui\/sign-in\?reauth=1/)
    const returnTo = new URL(asked.at).searchParams.get('return_to')!
    const back = await browser.post('/ui/sign-in', {
      username: 'mum',
      password: PASSWORD,
      return_to: returnTo,
    })
    expect(callbackOf(back).searchParams.get('error')).toBe('access_denied')
  })

  it('prompt=login and an exceeded max_age send a signed-in person to sign in again', async () => {
    const browser = await signedIn('mum')
    const login = await startAuthorization(browser, 'paperless', { prompt: 'login' })
    expect(login.at).toMatch(/\/ui\/sign-in\?reauth=1/)
    server.t.clock.advance(120)
    const old = await startAuthorization(browser, 'paperless', { max_age: '60' })
    expect(old.at).toMatch(/\/ui\/sign-in\?reauth=1/)
    const fine = await startAuthorization(browser, 'paperless', { max_age: '3600' })
    expect(callbackOf(fine).searchParams.get('code')).toBeTruthy()
  })
})

describe('API §7: what ends a person’s sessions ends the provider’s too', () => {
  it('signing out of the web UI: the app’s refresh token is refused, prompt=none asks to sign in', async () => {
    const { clientId, clientSecret } = addApp(server.t, 'immich', { redirectUris: [REDIRECT] })
    const config = await relyingParty(server.base, clientId, 'post', clientSecret)
    const browser = await signedIn('mum')
    const request = await authorizationRequest(config, {
      redirect_uri: REDIRECT,
      scope: 'openid offline_access',
    })
    const callback = callbackOf(await browser.page(request.url.toString()))
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    })
    await browser.page(`${server.base}/ui/account`)
    const out = await browser.post('/ui/sign-out', {})
    expect(out.at).toBe(`${server.base}/ui/sign-in`)
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    })
    const none = await authorizationRequest(config, { redirect_uri: REDIRECT, prompt: 'none' })
    expect(callbackOf(await browser.follow(none.url.toString())).searchParams.get('error')).toBe(
      'login_required',
    )
  })

  it('a password change: provider grants, tokens and sessions deleted, refresh refused', async () => {
    const { clientId, clientSecret } = addApp(server.t, 'nextcloud', { redirectUris: [REDIRECT] })
    const config = await relyingParty(server.base, clientId, 'basic', clientSecret)
    const request = await authorizationRequest(config, {
      redirect_uri: REDIRECT,
      scope: 'openid offline_access',
    })
    const browser = cookieBrowser(server.base)
    const callback = callbackOf(
      await authorize(browser, server.base, request.url, { username: 'mum', password: PASSWORD }),
    )
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    })
    expect(server.t.services.oidcPayloads.kindsOf(ids.mum!)).toEqual(
      expect.arrayContaining(['Grant', 'Session', 'RefreshToken', 'AccessToken']),
    )
    const { access_token } = await login(server.t, 'mum')
    const changed = await server.t.call('PUT', '/v1/me/password', {
      token: access_token,
      json: { current_password: PASSWORD, new_password: 'a brand new long passphrase' },
    })
    expect(changed.status).toBe(204)
    expect(server.t.services.oidcPayloads.kindsOf(ids.mum!)).toEqual([])
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    })
    // The browser's provider session is gone with it: prompt=none now needs a sign-in.
    const none = await authorizationRequest(config, { redirect_uri: REDIRECT, prompt: 'none' })
    const result = await browser.follow(none.url.toString())
    expect(callbackOf(result).searchParams.get('error')).toBe('login_required')
  })
})

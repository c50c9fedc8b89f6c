import * as client from 'openid-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addUser, PASSWORD } from '../helpers/fixtures.js'
import {
  addApp,
  authorizationRequest,
  authorize,
  callbackOf,
  cookieBrowser,
  relyingParty,
  startOIDCServer,
  type OIDCServer,
} from './harness.js'

const REDIRECT = 'http://127.0.0.1:9/callback'
const BYE = 'http://127.0.0.1:9/bye'
const ANNA = { username: 'anna', password: PASSWORD }
let server: OIDCServer
let annaId: string

beforeAll(async () => {
  server = await startOIDCServer()
  const { t } = server
  t.services.groups.add('family')
  const anna = await addUser(t, 'anna', { displayName: 'Anna' })
  annaId = anna.id
  t.services.groups.setForUser(anna.id, ['family'])
}, 60_000)
afterAll(() => server?.close())

/** Signs Anna in for an app, from the authorization request to tokens checked by openid-client. */
async function signInAnna(config: client.Configuration, scope: string) {
  const request = await authorizationRequest(config, { redirect_uri: REDIRECT, scope })
  const browser = cookieBrowser(server.base)
  const callback = callbackOf(await authorize(browser, server.base, request.url, ANNA))
  expect(callback.searchParams.get('iss')).toBe(server.base)
  const tokens = await client.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: request.verifier,
    expectedState: request.state,
    expectedNonce: request.nonce,
  })
  return { tokens, browser }
}

describe('GET /.well-known/openid-configuration', () => {
  it('publishes the §12 profile', async () => {
    const response = await fetch(`${server.base}/.well-known/openid-configuration`)
    expect(response.status).toBe(200)
    const doc = (await response.json()) as Record<string, unknown>
    expect(doc.issuer).toBe(server.base)
    expect(doc.scopes_supported).toEqual(['openid', 'profile', 'email', 'groups', 'offline_access'])
    expect(doc.code_challenge_methods_supported).toEqual(['S256'])
    expect(doc.token_endpoint_auth_methods_supported).toEqual([
      'client_secret_basic',
      'client_secret_post',
      'none',
    ])
    expect(doc.authorization_response_iss_parameter_supported).toBe(true)
    expect(doc.response_types_supported).toEqual(['code'])
    expect(doc.grant_types_supported).toEqual(['authorization_code', 'refresh_token'])
    expect(doc.id_token_signing_alg_values_supported).toEqual(['RS256', 'ES256'])
    expect(doc.jwks_uri).toBe(`${server.base}/oidc/jwks`)
  })

  it('publishes the ID token keys in the service’s one JWKS', async () => {
    const own = (await (await fetch(`${server.base}/oidc/jwks`)).json()) as {
      keys: { alg: string }[]
    }
    const main = (await (await fetch(`${server.base}/.well-known/jwks.json`)).json()) as typeof own
    expect(own).toEqual(main)
    expect(own.keys.map((k) => k.alg)).toEqual(expect.arrayContaining(['RS256', 'ES256']))
    expect(JSON.stringify(own)).not.toMatch(/"d"|"p"|"q"/)
  })
})

describe('the web UI’s sign-in page for an authorization', () => {
  it('lets forms lead to the apps’ redirect origins (CSP form-action) and takes interaction return_to', async () => {
    addApp(server.t, 'csp-app', { redirectUris: ['https://photos.example.test/cb'] })
    const page = await fetch(
      `${server.base}/ui/sign-in?return_to=%2Foidc%2Finteraction%2Fabc_DEF-1`,
    )
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toMatch(
      /form-action 'self'[^;]* https:\/\/photos\.example\.test[ ;]/,
    )
    for (const target of [
      '/oidc/token',
      '/oidc/interaction/a/b',
      '//evil.test/oidc/interaction/x',
    ]) {
      const refused = await fetch(
        `${server.base}/ui/sign-in?return_to=${encodeURIComponent(target)}`,
      )
      expect(refused.status).toBe(400)
    }
  })
})

describe('the authorization code flow with openid-client', () => {
  it('confidential client, client_secret_basic: tokens, userinfo, refresh, revocation, logout', async () => {
    const { clientId, clientSecret } = addApp(server.t, 'paperless', {
      redirectUris: [REDIRECT],
      postLogoutRedirectUris: [BYE],
    })
    const config = await relyingParty(server.base, clientId, 'basic', clientSecret)
    const scope = 'openid profile email groups offline_access'
    const { tokens, browser } = await signInAnna(config, scope)
    const claims = tokens.claims()!
    expect(claims).toMatchObject({
      iss: server.base,
      sub: annaId,
      aud: 'paperless',
      azp: 'paperless',
      amr: ['pwd'],
      preferred_username: 'anna',
      name: 'Anna',
      groups: ['family'],
    })
    expect(typeof claims.auth_time).toBe('number')
    expect(tokens.refresh_token).toBeTruthy()

    const info = await client.fetchUserInfo(config, tokens.access_token, annaId)
    expect(info).toMatchObject({ sub: annaId, preferred_username: 'anna', groups: ['family'] })
    const posted = await client.fetchProtectedResource(
      config,
      tokens.access_token,
      new URL(`${server.base}/oidc/me`),
      'POST',
    )
    expect(posted.status).toBe(200)

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!)
    expect(refreshed.claims()?.sub).toBe(annaId)
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token)
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    })

    await client.tokenRevocation(config, refreshed.access_token)
    await expect(client.fetchUserInfo(config, refreshed.access_token, annaId)).rejects.toThrow()

    // RP-initiated logout: the question page, then back to the app with its state.
    const end = client.buildEndSessionUrl(config, {
      id_token_hint: refreshed.id_token!,
      post_logout_redirect_uri: BYE,
      state: 'see-you',
    })
    const question = await browser.page(end.toString())
    expect(question.response.status).toBe(200)
    const action = /<form[^>]*action="([^"]+)"/.exec(question.html)![1]!
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(question.html)![1]!
    const answer = await browser.follow(new URL(action, server.base).toString(), {
      method: 'POST',
      body: new URLSearchParams({ xsrf, logout: 'yes' }),
    })
    expect(answer.left).toBe(true)
    expect(answer.at).toBe(`${BYE}?state=see-you`)
    // The web UI session ended with it, and so did the app's refresh token.
    const account = await browser.follow(`${server.base}/ui/account`)
    expect(account.at).toMatch(/\/ui\/sign-in/)
    await expect(client.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    })
  })

  it('confidential client, client_secret_post, and no refresh token without offline_access', async () => {
    const { clientId, clientSecret } = addApp(server.t, 'immich', { redirectUris: [REDIRECT] })
    const config = await relyingParty(server.base, clientId, 'post', clientSecret)
    const { tokens } = await signInAnna(config, 'openid profile')
    expect(tokens.claims()).toMatchObject({
      sub: annaId,
      aud: 'immich',
      preferred_username: 'anna',
    })
    expect(tokens.claims()?.groups).toBeUndefined()
    expect(tokens.refresh_token).toBeUndefined()
  })

  it('a wrong client secret is refused with invalid_client', async () => {
    const { clientId } = addApp(server.t, 'nextcloud', { redirectUris: [REDIRECT] })
    const config = await relyingParty(server.base, clientId, 'post', 'not-the-secret')
    const request = await authorizationRequest(config, { redirect_uri: REDIRECT })
    const callback = callbackOf(
      await authorize(cookieBrowser(server.base), server.base, request.url, ANNA),
    )
    await expect(
      client.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: request.verifier,
        expectedState: request.state,
      }),
    ).rejects.toMatchObject({ error: 'invalid_client' })
  })

  it('public client with PKCE, ID token signed ES256 for an app that asks for it', async () => {
    const { clientId } = addApp(server.t, 'jellyfin', {
      redirectUris: [REDIRECT],
      public: true,
      idTokenAlg: 'ES256',
    })
    const config = await relyingParty(server.base, clientId, 'none')
    const { tokens } = await signInAnna(config, 'openid groups offline_access')
    expect(tokens.claims()).toMatchObject({ sub: annaId, aud: 'jellyfin', groups: ['family'] })
    const header = JSON.parse(Buffer.from(tokens.id_token!.split('.')[0]!, 'base64url').toString())
    expect(header.alg).toBe('ES256')
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!)
    expect(refreshed.access_token).toBeTruthy()
  })
})

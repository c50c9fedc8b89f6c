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
const ANNA = { username: 'anna', password: PASSWORD }
let server: OIDCServer
let config: client.Configuration

beforeAll(async () => {
  server = await startOIDCServer()
  await addUser(server.t, 'anna')
  const { clientId, clientSecret } = addApp(server.t, 'paperless', { redirectUris: [REDIRECT] })
  config = await relyingParty(server.base, clientId, 'basic', clientSecret)
}, 60_000)
afterAll(() => server?.close())

async function codeFor(params: Record<string, string> = {}) {
  const request = await authorizationRequest(config, { redirect_uri: REDIRECT, ...params })
  const callback = callbackOf(
    await authorize(cookieBrowser(server.base), server.base, request.url, ANNA),
  )
  return { request, callback }
}

describe('the token endpoint refuses', () => {
  it('a wrong PKCE verifier (invalid_grant)', async () => {
    const { request, callback } = await codeFor()
    await expect(
      client.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: client.randomPKCECodeVerifier(),
        expectedState: request.state,
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant' })
  })

  it('a code used twice, and then the tokens of its first use too', async () => {
    const { request, callback } = await codeFor({ scope: 'openid offline_access' })
    const checks = {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    }
    const first = await client.authorizationCodeGrant(config, callback, checks)
    expect(first.refresh_token).toBeTruthy()
    await expect(client.authorizationCodeGrant(config, callback, checks)).rejects.toMatchObject({
      error: 'invalid_grant',
    })
    const sub = first.claims()!.sub
    await expect(client.fetchUserInfo(config, first.access_token, sub)).rejects.toThrow()
    await expect(client.refreshTokenGrant(config, first.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    })
  })

  it('a code older than 60 seconds', async () => {
    const { request, callback } = await codeFor()
    server.t.clock.advance(61)
    await expect(
      client.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: request.verifier,
        expectedState: request.state,
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant' })
  })
})

describe('the authorization endpoint answers with a page, never a redirect', () => {
  const expectErrorPage = async (url: URL, error: string) => {
    const response = await fetch(url, { redirect: 'manual' })
    expect(response.status).toBe(400)
    expect(response.headers.get('location')).toBeNull()
    expect(response.headers.get('content-type')).toMatch(/text\/html/)
    expect(await response.text()).toContain(`data-error="${error}"`)
  }

  it('for a redirect URI that is not registered exactly', async () => {
    for (const uri of [
      'http://127.0.0.1:9/callback/',
      'http://127.0.0.1:9/other',
      'http://evil.test/callback',
    ]) {
      const { url } = await authorizationRequest(config, { redirect_uri: uri })
      await expectErrorPage(url, 'invalid_redirect_uri')
    }
  })

  it('for an interaction this browser did not start (or that expired)', async () => {
    const response = await fetch(`${server.base}/oidc/interaction/not-a-real-one`, {
      redirect: 'manual',
    })
    expect(response.status).toBe(400)
    expect(response.headers.get('location')).toBeNull()
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'/)
  })

  it('for an unknown client', async () => {
    const { url } = await authorizationRequest(config, { redirect_uri: REDIRECT })
    url.searchParams.set('client_id', 'nobody')
    await expectErrorPage(url, 'invalid_client')
  })
})

describe('the authorization endpoint redirects back with an error', () => {
  it('login_required for prompt=none without a session', async () => {
    const { url, state } = await authorizationRequest(config, {
      redirect_uri: REDIRECT,
      prompt: 'none',
    })
    const result = await cookieBrowser(server.base).follow(url.toString())
    const callback = callbackOf(result)
    expect(callback.searchParams.get('error')).toBe('login_required')
    expect(callback.searchParams.get('state')).toBe(state)
  })

  it('a public client without PKCE (invalid_request)', async () => {
    const { clientId } = addApp(server.t, 'spa', { redirectUris: [REDIRECT], public: true })
    const spa = await relyingParty(server.base, clientId, 'none')
    const url = client.buildAuthorizationUrl(spa, { redirect_uri: REDIRECT, scope: 'openid' })
    const result = await cookieBrowser(server.base).follow(url.toString())
    expect(callbackOf(result).searchParams.get('error')).toBe('invalid_request')
  })
})

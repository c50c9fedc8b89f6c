import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { TokenResponse } from '../../src/http/views.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, errorOf, login, PASSWORD } from '../helpers/fixtures.js'
import { addQuickLoginUser, quickLoginTokens } from '../helpers/household.js'

let t: TestApp
let admin: TokenResponse
beforeEach(async () => {
  // An https issuer: then http redirect URIs are accepted only on loopback.
  const env = { AUTH_QUICK_LOGIN_NETWORKS: '192.168.1.0/24', AUTH_ISSUER: 'https://auth.home.arpa' }
  t = await createTestApp({ env })
  await addUser(t, 'alice', { role: 'admin' })
  admin = await login(t, 'alice')
  t.services.groups.add('parents')
})
afterEach(() => t.close())

const post = (json: unknown, token = admin.access_token) =>
  t.call('POST', '/v1/admin/apps', { token, json })
const patch = (name: string, json: unknown, token = admin.access_token) =>
  t.call('PATCH', `/v1/admin/apps/${name}`, { token, json })
type Created = { app: Record<string, unknown>; client_secret?: string }

const PAPERLESS = {
  name: 'paperless',
  redirect_uris: ['https://docs.home.arpa/accounts/oidc/hail-mary/login/callback/'],
  post_logout_redirect_uris: ['https://docs.home.arpa/'],
  groups: ['parents'],
  require_mfa: true,
}

describe('POST /v1/admin/apps', () => {
  it('registers a confidential client: its secret once, stored only as an HMAC', async () => {
    const created = await post(PAPERLESS)
    expect(created.status).toBe(201)
    const body = (await created.json()) as Created
    expect(body.app).toEqual({
      name: 'paperless',
      client_id: 'paperless',
      public: false,
      pkce: true,
      id_token_alg: 'RS256',
      redirect_uris: PAPERLESS.redirect_uris,
      post_logout_redirect_uris: PAPERLESS.post_logout_redirect_uris,
      domains: [],
      groups: ['parents'],
      allow_pin: false,
      require_mfa: true,
      created_at: '2026-11-30T12:00:00.000Z',
      updated_at: '2026-11-30T12:00:00.000Z',
    })
    expect(body.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const app = t.services.apps.findByClientId('paperless')!
    expect(app.clientSecretHash).not.toContain(body.client_secret)
    expect(t.services.apps.verifySecret(app, body.client_secret!)).toBe(true)
    expect(t.services.apps.verifySecret(app, body.client_secret!.slice(1) + 'x')).toBe(false)
    const shown = await t.call('GET', '/v1/admin/apps/paperless', { token: admin.access_token })
    expect(JSON.stringify(await shown.json())).not.toContain(body.client_secret)
    // The audit log records the policy, never the secret or its hash.
    const audit = await t.call('GET', '/v1/admin/audit', { token: admin.access_token })
    const text = await audit.text()
    expect(text).toContain('"type":"app.created"')
    expect(text).not.toContain(body.client_secret)
    expect(text).not.toContain(app.clientSecretHash)
  })

  it('registers a public client (no secret) and a proxy-only app (no client id)', async () => {
    const pub = (await (
      await post({ name: 'tablet', redirect_uris: ['http://localhost:8080/cb'], public: true })
    ).json()) as Created
    expect(pub.app).toMatchObject({ client_id: 'tablet', public: true })
    expect(pub.client_secret).toBeUndefined()
    const proxied = await post({ name: 'jelly_fin', domains: ['Media.Home.Arpa'], allow_pin: true })
    const body = (await proxied.json()) as Created
    expect(body.app).toMatchObject({ client_id: null, domains: ['media.home.arpa'] })
    expect(body.client_secret).toBeUndefined()
    const list = await t.call('GET', '/v1/admin/apps', { token: admin.access_token })
    const { apps } = (await list.json()) as { apps: { name: string }[] }
    expect(apps.map((a) => a.name)).toEqual(['jelly_fin', 'tablet'])
  })

  it.each([
    ['a bad name', { name: 'Paper Less' }],
    ['this service’s audience as name', { name: 'hail-mary-api' }],
    ['a relative redirect URI', { name: 'a', redirect_uris: ['/cb'] }],
    ['a redirect URI with a fragment', { name: 'a', redirect_uris: ['https://a.example/cb#x'] }],
    ['http off loopback', { name: 'a', redirect_uris: ['http://docs.home.arpa/cb'] }],
    ['another scheme', { name: 'a', redirect_uris: ['javascript:alert(1)'] }],
    ['user info in a URI', { name: 'a', redirect_uris: ['https://u:p@a.example/cb'] }],
    [
      'a public client without PKCE',
      { name: 'a', redirect_uris: ['https://a.example/cb'], public: true, pkce: false },
    ],
    ['a public app without redirect URI', { name: 'a', public: true }],
    [
      'logout URIs without redirect URIs',
      { name: 'a', post_logout_redirect_uris: ['https://a.example/'] },
    ],
    ['an unknown group', { name: 'a', groups: ['nobody'] }],
    ['a bad domain', { name: 'a', domains: ['https://docs.home.arpa'] }],
    ['a domain with a port', { name: 'a', domains: ['docs.home.arpa:8000'] }],
    [
      'an unknown id_token_alg',
      { name: 'a', redirect_uris: ['https://a.example/cb'], id_token_alg: 'HS256' },
    ],
    ['an unknown field', { name: 'a', client_secret: 'mine' }],
  ])('answers 400 invalid_request for %s', async (_, json) => {
    expect(await errorOf(await post(json))).toEqual({ status: 400, error: 'invalid_request' })
    expect(t.services.apps.list()).toEqual([])
  })

  it('answers 409 for a name or a domain already taken', async () => {
    expect((await post({ name: 'docs', domains: ['docs.home.arpa'] })).status).toBe(201)
    expect(await errorOf(await post({ name: 'docs' }))).toEqual({ status: 409, error: 'conflict' })
    const sameDomain = await post({ name: 'other', domains: ['DOCS.home.arpa'] })
    expect(await errorOf(sameDomain)).toEqual({ status: 409, error: 'conflict' })
  })
})

describe('GET/PATCH/DELETE /v1/admin/apps/:name', () => {
  it('changes the policy; a proxy-only app that gets a redirect URI gets its secret once', async () => {
    await post({ name: 'docs', domains: ['docs.home.arpa'] })
    const changed = await patch('docs', { groups: ['parents'], allow_pin: true })
    expect(((await changed.json()) as Created).app).toMatchObject({
      groups: ['parents'],
      allow_pin: true,
      domains: ['docs.home.arpa'],
    })
    const client = (await (
      await patch('docs', { redirect_uris: ['https://docs.home.arpa/cb'] })
    ).json()) as Created
    expect(client.app.client_id).toBe('docs')
    expect(client.client_secret).toBeDefined()
    const again = (await (await patch('docs', { require_mfa: true })).json()) as Created
    expect(again.client_secret).toBeUndefined()
    expect(await errorOf(await patch('docs', { public: true, pkce: false }))).toEqual({
      status: 400,
      error: 'invalid_request',
    })
    expect(await errorOf(await patch('nope', { allow_pin: true }))).toEqual({
      status: 404,
      error: 'not_found',
    })
  })

  it('removes an app at once (404 afterwards)', async () => {
    await post({ name: 'docs' })
    expect(
      (await t.call('DELETE', '/v1/admin/apps/docs', { token: admin.access_token })).status,
    ).toBe(204)
    const gone = await t.call('GET', '/v1/admin/apps/docs', { token: admin.access_token })
    expect(await errorOf(gone)).toEqual({ status: 404, error: 'not_found' })
    const again = await t.call('DELETE', '/v1/admin/apps/docs', { token: admin.access_token })
    expect(await errorOf(again)).toEqual({ status: 404, error: 'not_found' })
  })
})

describe('who may manage apps', () => {
  it('registering or changing an app needs a recent sign-in (403 reauth_required)', async () => {
    await post({ name: 'docs' })
    t.clock.advance(11 * 60)
    const refreshed = await t.call('POST', '/v1/token/refresh', {
      json: { refresh_token: admin.refresh_token },
    })
    const stale = ((await refreshed.json()) as TokenResponse).access_token
    expect(await errorOf(await post({ name: 'new' }, stale))).toEqual({
      status: 403,
      error: 'reauth_required',
    })
    expect(await errorOf(await patch('docs', { allow_pin: true }, stale))).toEqual({
      status: 403,
      error: 'reauth_required',
    })
    expect(t.services.apps.findByName('docs')!.allowPin).toBe(false)
    // The password typed again passes the rule; a wrong one does not.
    const wrong = await post({ name: 'new', current_password: 'wrong password' }, stale)
    expect(wrong.status).toBe(401)
    expect((await post({ name: 'new', current_password: PASSWORD }, stale)).status).toBe(201)
    // Reading and removing need no recent sign-in.
    expect((await t.call('GET', '/v1/admin/apps', { token: stale })).status).toBe(200)
    expect((await t.call('DELETE', '/v1/admin/apps/docs', { token: stale })).status).toBe(204)
  })

  it('refuses members (403 forbidden), PIN-only sessions (403) and no token (401)', async () => {
    await addUser(t, 'bob')
    const member = (await login(t, 'bob')).access_token
    const carol = await addQuickLoginUser(t, 'carol')
    t.services.users.update(carol.id, { role: 'admin' })
    const pinOnly = (await quickLoginTokens(t, carol.id)).access_token
    await post({ name: 'docs' })
    const requests = [
      ['GET', '/v1/admin/apps', undefined],
      ['POST', '/v1/admin/apps', { name: 'x' }],
      ['GET', '/v1/admin/apps/docs', undefined],
      ['PATCH', '/v1/admin/apps/docs', { allow_pin: true }],
      ['DELETE', '/v1/admin/apps/docs', undefined],
    ] as const
    for (const [method, path, json] of requests) {
      const asMember = await t.call(method, path, { token: member, json })
      expect(await errorOf(asMember)).toEqual({ status: 403, error: 'forbidden' })
      const asPin = await t.call(method, path, { token: pinOnly, json })
      expect(await errorOf(asPin)).toEqual({ status: 403, error: 'step_up_required' })
      expect(await errorOf(await t.call(method, path, { json }))).toEqual({
        status: 401,
        error: 'unauthorized',
      })
    }
    expect(t.services.apps.list().map((a) => a.name)).toEqual(['docs'])
  })
})

import { request as httpRequest } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { listen } from '../helpers/listening.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, errorOf } from '../helpers/fixtures.js'
import { addQuickLoginUser, HOME, OUTSIDE, PIN, quickLogin } from '../helpers/household.js'

let t: TestApp
afterEach(() => t.close())

const NETWORKS = { AUTH_QUICK_LOGIN_NETWORKS: '192.168.1.0/24,fd12:3456::/48' }

describe('POST /v1/quick-login and GET /v1/quick-login/profiles by network', () => {
  it('is off by default, even from the household network', async () => {
    t = await createTestApp()
    const alice = await addQuickLoginUser(t, 'alice')
    expect(await errorOf(await quickLogin(t, alice.id, PIN, HOME))).toEqual({
      status: 403,
      error: 'network_not_allowed',
    })
    const profiles = await t.call('GET', '/v1/quick-login/profiles', { peer: HOME })
    expect(await errorOf(profiles)).toEqual({ status: 403, error: 'network_not_allowed' })
  })

  it('answers 403 from outside, with or without a forged X-Forwarded-For, revealing nothing', async () => {
    t = await createTestApp({ env: NETWORKS })
    const alice = await addQuickLoginUser(t, 'alice')
    const plain = await quickLogin(t, alice.id, PIN, OUTSIDE)
    const forged = await quickLogin(t, alice.id, PIN, OUTSIDE, { 'x-forwarded-for': HOME })
    const unknown = await quickLogin(t, 'no-such-user', PIN, OUTSIDE)
    const bodies = await Promise.all([plain, forged, unknown].map((r) => r.json()))
    expect([plain.status, forged.status, unknown.status]).toEqual([403, 403, 403])
    expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1)
    expect(bodies[0]).toMatchObject({ error: 'network_not_allowed' })
    const profiles = await t.call('GET', '/v1/quick-login/profiles', {
      peer: OUTSIDE,
      headers: { 'x-forwarded-for': HOME },
    })
    expect(profiles.status).toBe(403)
  })

  it('refuses an inside peer that forwards X-Forwarded-For without being a trusted proxy, and warns once', async () => {
    t = await createTestApp({ env: NETWORKS })
    const alice = await addQuickLoginUser(t, 'alice')
    const response = await quickLogin(t, alice.id, PIN, '192.168.1.5', {
      'x-forwarded-for': '192.168.1.20',
    })
    expect(await errorOf(response)).toEqual({ status: 403, error: 'network_not_allowed' })
    await quickLogin(t, alice.id, PIN, '192.168.1.5', { 'x-forwarded-for': '192.168.1.21' })
    expect(
      t.logs.filter((l) => l.includes('not in AUTH_TRUST_PROXY') && l.includes('192.168.1.5')),
    ).toHaveLength(1)
  })

  it('allows an inside client through a trusted proxy', async () => {
    t = await createTestApp({ env: { ...NETWORKS, AUTH_TRUST_PROXY: '172.18.0.2/32' } })
    const alice = await addQuickLoginUser(t, 'alice')
    const inside = await quickLogin(t, alice.id, PIN, '172.18.0.2', { 'x-forwarded-for': HOME })
    expect(inside.status).toBe(200)
    const outside = await quickLogin(t, alice.id, PIN, '172.18.0.2', {
      'x-forwarded-for': `${HOME}, ${OUTSIDE}`,
    })
    expect(outside.status).toBe(403)
    expect((await quickLogin(t, alice.id, PIN, '172.18.0.2')).status).toBe(403) // the proxy itself is not home
  })

  // Regression: a trusted proxy that sent no X-Forwarded-For was taken as a household client.
  it('refuses a trusted proxy inside the household network that names no client', async () => {
    t = await createTestApp({ env: { ...NETWORKS, AUTH_TRUST_PROXY: '192.168.1.2' } })
    const alice = await addQuickLoginUser(t, 'alice')
    expect(await errorOf(await quickLogin(t, alice.id, PIN, '192.168.1.2'))).toEqual({
      status: 403,
      error: 'network_not_allowed',
    })
    const realIP = await quickLogin(t, alice.id, PIN, '192.168.1.2', { 'x-real-ip': HOME })
    expect(realIP.status).toBe(403)
    const named = await quickLogin(t, alice.id, PIN, '192.168.1.2', { 'x-forwarded-for': HOME })
    expect(named.status).toBe(200)
  })

  // Regression: an undeclared LAN proxy that set only X-Real-IP made the internet look local.
  it.each(['x-real-ip', 'true-client-ip', 'cf-connecting-ip'])(
    'refuses an inside peer that sends %s without being a trusted proxy, and warns',
    async (header) => {
      t = await createTestApp({ env: NETWORKS })
      const alice = await addQuickLoginUser(t, 'alice')
      const response = await quickLogin(t, alice.id, PIN, '192.168.1.5', { [header]: OUTSIDE })
      expect(await errorOf(response)).toEqual({ status: 403, error: 'network_not_allowed' })
      expect(
        t.logs.filter((l) => l.includes('not in AUTH_TRUST_PROXY') && l.includes('192.168.1.5')),
      ).toHaveLength(1)
      // The same peer without the header is a household device again.
      expect((await quickLogin(t, alice.id, PIN, '192.168.1.5')).status).toBe(200)
    },
  )

  // Regression: ipaddr.js read `192.168.001.20` as 192.168.1.20 and `3232235796` as an address.
  it.each(['192.168.001.20', '3232235796', '0xc0.0xa8.1.20'])(
    'refuses a non-canonical X-Forwarded-For entry %j from a trusted proxy',
    async (entry) => {
      t = await createTestApp({ env: { ...NETWORKS, AUTH_TRUST_PROXY: '172.18.0.2' } })
      const alice = await addQuickLoginUser(t, 'alice')
      const response = await quickLogin(t, alice.id, PIN, '172.18.0.2', {
        'x-forwarded-for': entry,
      })
      expect(await errorOf(response)).toEqual({ status: 403, error: 'network_not_allowed' })
    },
  )

  it('allows an IPv6 network and an IPv4-mapped client', async () => {
    t = await createTestApp({ env: NETWORKS })
    const alice = await addQuickLoginUser(t, 'alice')
    expect((await quickLogin(t, alice.id, PIN, 'fd12:3456:0:7::42')).status).toBe(200)
    expect((await quickLogin(t, alice.id, PIN, '::ffff:192.168.1.77')).status).toBe(200)
    expect((await quickLogin(t, alice.id, PIN, 'fd99::1')).status).toBe(403)
  })

  it('lists only opted-in users with a PIN', async () => {
    t = await createTestApp({ env: NETWORKS })
    const alice = await addQuickLoginUser(t, 'alice')
    await addUser(t, 'bob') // no PIN, not opted in
    const carol = await addQuickLoginUser(t, 'carol')
    const dave = await addQuickLoginUser(t, 'dave')
    const { login } = await import('../helpers/fixtures.js')
    const daveToken = (await login(t, 'dave')).access_token
    await t.call('PUT', '/v1/me/quick-login', { token: daveToken, json: { enabled: false } })
    const carolToken = (await login(t, 'carol')).access_token
    await t.call('DELETE', '/v1/me/pin', { token: carolToken })
    const response = await t.call('GET', '/v1/quick-login/profiles', { peer: HOME })
    expect(await response.json()).toEqual({ profiles: [{ id: alice.id, display_name: 'Alice' }] })
    void carol
    void dave
  })

  it('carries amr ["pin"] in its tokens', async () => {
    t = await createTestApp({ env: NETWORKS })
    const alice = await addQuickLoginUser(t, 'alice')
    const response = await quickLogin(t, alice.id, PIN, HOME)
    const { access_token } = (await response.json()) as { access_token: string }
    const { decodeJwt } = await import('jose')
    expect(decodeJwt(access_token).amr).toEqual(['pin'])
  })
})

// A web page can re-point its own domain at the NAS (DNS rebinding): a household browser
// then reaches the service as `evil.example`, from inside the household network.
describe('quick login reached under a foreign host name', () => {
  it('answers 403 unless the request names this service (issuer host, localhost or an IP)', async () => {
    t = await createTestApp({
      env: {
        AUTH_QUICK_LOGIN_NETWORKS: '192.168.1.0/24',
        AUTH_ISSUER: 'http://nas.home.example:3100',
      },
    })
    const peer = { incoming: { socket: { remoteAddress: '192.168.1.20' } } }
    const at = (host: string, path: string) => t.app.request(`http://${host}${path}`, {}, peer)
    for (const path of ['/v1/quick-login/profiles', '/ui/household']) {
      expect((await at('evil.example', path)).status).toBe(403)
      expect((await at('evil.example:3100', path)).status).toBe(403)
      expect((await at('nas.home.example:3100', path)).status).toBe(200)
      expect((await at('192.168.1.5:3100', path)).status).toBe(200)
      expect((await at('[fd00::5]:3100', path)).status).toBe(200)
      expect((await at('localhost:3100', path)).status).toBe(200)
    }
    const pin = await t.app.request(
      'http://evil.example/v1/quick-login',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user_id: 'x', pin: '482915' }),
      },
      peer,
    )
    expect(await errorOf(pin)).toEqual({ status: 403, error: 'network_not_allowed' })
  })

  it('reads the host from the Host header of a real request', async () => {
    t = await createTestApp({ env: { AUTH_QUICK_LOGIN_NETWORKS: '127.0.0.0/8' } })
    const server = await listen(t)
    const get = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const url = new URL(`${server.base}/v1/quick-login/profiles`)
        const request = httpRequest(
          { host: url.hostname, port: url.port, path: url.pathname, headers: { host } },
          (response) => {
            response.resume()
            resolve(response.statusCode ?? 0)
          },
        )
        request.on('error', reject)
        request.end()
      })
    expect(await get('evil.example')).toBe(403)
    expect(await get(new URL(server.base).host)).toBe(200)
    await server.close()
  })
})

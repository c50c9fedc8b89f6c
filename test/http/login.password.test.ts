import argon2 from 'argon2'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, countHashes, errorOf, login, PASSWORD } from '../helpers/fixtures.js'

let t: TestApp
beforeEach(async () => {
  // Full cost: a hash is upgraded to the production parameters here.
  t = await createTestApp({ argon2: 'configured' })
})
afterEach(() => t.close())

describe('POST /v1/login/password', () => {
  it('answers the token response of API §4 with an RFC 9068 access token', async () => {
    const alice = await addUser(t, 'alice', { role: 'admin' })
    const tokens = await login(t, 'alice')
    expect(tokens).toMatchObject({
      token_type: 'Bearer',
      expires_in: 600,
      refresh_expires_in: 7 * 86_400,
      session_id: expect.any(String),
      user: { id: alice.id, username: 'alice', display_name: 'Alice', role: 'admin' },
    })
    expect(tokens.refresh_token.length).toBeGreaterThanOrEqual(43)
    const header = decodeProtectedHeader(tokens.access_token)
    expect(header).toEqual({ alg: 'ES256', kid: expect.any(String), typ: 'at+jwt' })
    const claims = decodeJwt(tokens.access_token)
    const now = Date.parse('2026-11-30T12:00:00Z') / 1000
    expect(claims).toEqual({
      iss: 'http://localhost:3100',
      aud: 'hail-mary-api',
      sub: alice.id,
      iat: now,
      exp: now + 600,
      jti: expect.any(String),
      sid: tokens.session_id,
      auth_time: now,
      amr: ['pwd'],
      role: 'admin',
      groups: [],
      preferred_username: 'alice',
      name: 'Alice',
    })
  })

  it('normalises the username as at creation (NFKC, lower case)', async () => {
    await addUser(t, 'alice')
    await login(t, 'ＡＬＩＣＥ')
  })

  it('gives one answer for unknown user, wrong password, disabled account and impossible name', async () => {
    const bob = await addUser(t, 'bob')
    t.services.database.sqlite.prepare('UPDATE users SET disabled = 1 WHERE id = ?').run(bob.id)
    await addUser(t, 'alice')
    const attempts = [
      { username: 'nobody', password: PASSWORD },
      { username: 'alice', password: 'not the password at all' },
      { username: 'bob', password: PASSWORD },
      { username: 'a', password: PASSWORD },
      { username: 'al ice', password: PASSWORD },
    ]
    const bodies = []
    for (const json of attempts) {
      const response = await t.call('POST', '/v1/login/password', { json })
      expect(response.status).toBe(401)
      bodies.push(await response.json())
    }
    expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1)
    expect(bodies[0]).toEqual({ error: 'invalid_credentials', message: expect.any(String) })
  })

  it('runs one argon2 verification for an unknown user too', async () => {
    await addUser(t, 'alice')
    await t.services.hasher.dummyVerify('warm up: the dummy hash is made once')
    const verifications = countHashes(t)
    await t.call('POST', '/v1/login/password', { json: { username: 'nobody', password: 'x' } })
    await t.call('POST', '/v1/login/password', { json: { username: 'alice', password: 'x' } })
    expect(verifications()).toBe(2)
  })

  it('upgrades a hash made with weaker parameters after a successful login', async () => {
    const alice = await addUser(t, 'alice')
    const weak = await argon2.hash(PASSWORD, {
      type: argon2.argon2id,
      memoryCost: 8192,
      timeCost: 1,
    })
    const row = () =>
      t.services.database.sqlite
        .prepare('SELECT password_hash FROM users WHERE id = ?')
        .get(alice.id) as {
        password_hash: string
      }
    t.services.database.sqlite
      .prepare('UPDATE users SET password_hash = ? WHERE id = ?')
      .run(weak, alice.id)
    await login(t, 'alice')
    expect(row().password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/)
    await login(t, 'alice')
  })

  it('refuses a missing field or a wrong type with 400 naming the field', async () => {
    for (const json of [{ username: 'alice' }, { username: 'alice', password: 42 }, ['alice']]) {
      const response = await t.call('POST', '/v1/login/password', { json })
      expect(await errorOf(response)).toEqual({ status: 400, error: 'invalid_request' })
    }
    const response = await t.call('POST', '/v1/login/password', { json: { username: 'alice' } })
    expect(((await response.json()) as { message: string }).message).toMatch(/^password:/)
  })
})

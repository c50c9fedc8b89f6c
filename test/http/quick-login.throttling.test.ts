import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, countHashes, errorOf, login } from '../helpers/fixtures.js'
import { addQuickLoginUser, HOME, PIN, quickLogin } from '../helpers/household.js'
import { enrolTOTP, passwordStep } from '../helpers/second-factors.js'

let t: TestApp
let aliceId: string
const env = { AUTH_QUICK_LOGIN_NETWORKS: '192.168.1.0/24' }
beforeEach(async () => {
  t = await createTestApp({ env })
  aliceId = (await addQuickLoginUser(t, 'alice')).id
})
afterEach(() => t.close())

const wrong = (userId = aliceId, peer = HOME) => quickLogin(t, userId, '731904', peer)

describe('PIN attempts', () => {
  it('blocks after 5 wrong PINs: the 6th, even right, is 429 with Retry-After and no argon2', async () => {
    for (let i = 0; i < 5; i++) expect((await wrong()).status).toBe(401)
    const hashes = countHashes(t)
    const sixth = await quickLogin(t, aliceId, PIN)
    expect(await errorOf(sixth)).toEqual({ status: 429, error: 'rate_limited' })
    expect(Number(sixth.headers.get('retry-after'))).toBe(900)
    expect(hashes()).toBe(0)
  })

  it('keeps the block across a restart (a new app on the same database)', async () => {
    for (let i = 0; i < 5; i++) await wrong()
    t.close()
    t = await createTestApp({ env, dataDir: t.dataDir, secret: t.secret, clock: t.clock })
    expect((await quickLogin(t, aliceId, PIN)).status).toBe(429)
    t.clock.advance(15 * 60)
    expect((await quickLogin(t, aliceId, PIN)).status).toBe(200)
  })

  it('disables the PIN at the 10th consecutive failure until a password sign-in', async () => {
    for (let i = 0; i < 5; i++) await wrong()
    t.clock.advance(15 * 60)
    for (let i = 0; i < 5; i++) expect((await wrong()).status).toBe(401)
    t.clock.advance(15 * 60)
    expect(await errorOf(await quickLogin(t, aliceId, PIN))).toEqual({
      status: 403,
      error: 'pin_disabled',
    })
    await login(t, 'alice')
    expect((await quickLogin(t, aliceId, PIN)).status).toBe(200)
    const types = t.services.database.sqlite
      .prepare("SELECT type FROM audit_events WHERE type LIKE 'pin.%' ORDER BY id")
      .all()
    expect(types).toEqual([{ type: 'pin.set' }, { type: 'pin.disabled' }, { type: 'pin.enabled' }])
  })

  it('keeps a disabled PIN disabled after a password step answered mfa_required', async () => {
    // Regression: the correct password alone re-enabled the PIN and cleared its block, so
    // password + household network gave unlimited PIN tries around the second factor.
    const { secret } = await enrolTOTP(t, (await login(t, 'alice')).access_token)
    for (let i = 0; i < 5; i++) await wrong()
    t.clock.advance(15 * 60)
    for (let i = 0; i < 5; i++) await wrong()
    const { mfa_token } = await passwordStep(t, 'alice')
    expect(await errorOf(await quickLogin(t, aliceId, PIN))).toEqual({
      status: 403,
      error: 'pin_disabled',
    })
    // The finished sign-in (tokens issued) is what re-enables it.
    t.clock.advance(30)
    const code = await t.services.totp.generate(secret)
    const done = await t.call('POST', '/v1/login/totp', { json: { mfa_token, code } })
    expect(done.status).toBe(200)
    expect((await quickLogin(t, aliceId, PIN)).status).toBe(200)
  })

  it('keeps an active PIN block after a password step answered mfa_required', async () => {
    await enrolTOTP(t, (await login(t, 'alice')).access_token)
    for (let i = 0; i < 5; i++) await wrong()
    await passwordStep(t, 'alice')
    expect(await errorOf(await quickLogin(t, aliceId, PIN))).toEqual({
      status: 429,
      error: 'rate_limited',
    })
  })

  it('resets the running count on a correct PIN, so it never reaches 10 between successes', async () => {
    for (let i = 0; i < 5; i++) await wrong()
    t.clock.advance(15 * 60)
    for (let i = 0; i < 4; i++) await wrong()
    expect((await quickLogin(t, aliceId, PIN)).status).toBe(200)
    for (let i = 0; i < 5; i++) expect((await wrong()).status).toBe(401)
    t.clock.advance(15 * 60)
    expect((await quickLogin(t, aliceId, PIN)).status).toBe(200)
  })

  it('lets an admin unlock a disabled PIN', async () => {
    await addUser(t, 'owner', { role: 'admin' })
    for (let i = 0; i < 5; i++) await wrong()
    t.clock.advance(15 * 60)
    for (let i = 0; i < 5; i++) await wrong()
    expect((await quickLogin(t, aliceId, PIN)).status).toBe(403)
    const admin = (await login(t, 'owner')).access_token
    const unlock = await t.call('POST', `/v1/admin/users/${aliceId}/unlock`, { token: admin })
    expect(unlock.status).toBe(204)
    expect((await quickLogin(t, aliceId, PIN)).status).toBe(200)
  })

  it('resets the consecutive count on success', async () => {
    for (let i = 0; i < 4; i++) await wrong()
    expect((await quickLogin(t, aliceId, PIN)).status).toBe(200)
    for (let i = 0; i < 4; i++) expect((await wrong()).status).toBe(401)
    expect((await quickLogin(t, aliceId, PIN)).status).toBe(200)
  })

  it('limits one address to 10 failures per 15 minutes across users, known or not', async () => {
    const bobId = (await addQuickLoginUser(t, 'bob')).id
    for (let i = 0; i < 4; i++) await wrong(aliceId)
    for (let i = 0; i < 4; i++) await wrong(bobId)
    await wrong('no-such-user')
    await wrong('another-made-up-id')
    const hashes = countHashes(t)
    const eleventh = await quickLogin(t, bobId, PIN)
    expect(await errorOf(eleventh)).toEqual({ status: 429, error: 'rate_limited' })
    expect(hashes()).toBe(0)
    expect((await quickLogin(t, bobId, PIN, '192.168.1.99')).status).toBe(200)
  })

  it('audits success, failure and block', async () => {
    for (let i = 0; i < 5; i++) await wrong()
    await quickLogin(t, aliceId, PIN)
    t.clock.advance(15 * 60)
    await quickLogin(t, aliceId, PIN)
    const rows = t.services.database.sqlite
      .prepare(
        "SELECT type, address, detail FROM audit_events WHERE type LIKE 'login.%' AND detail LIKE '%pin%' ORDER BY id",
      )
      .all() as { type: string; address: string }[]
    expect(rows.map((r) => r.type)).toEqual([
      ...Array(5).fill('login.failed'),
      'login.blocked',
      'login.succeeded',
    ])
    expect(new Set(rows.map((r) => r.address))).toEqual(new Set([HOME]))
  })
})

describe('PIN rules', () => {
  it.each(['000000', '123456', '654321', '12345', 'abcdef', '12a456', '1234567890123'])(
    'refuses %s with 400',
    async (pin) => {
      const token = (await login(t, 'alice')).access_token
      const response = await t.call('PUT', '/v1/me/pin', {
        token,
        json: { pin, current_password: 'correct horse battery staple' },
      })
      expect(await errorOf(response)).toEqual({ status: 400, error: 'invalid_request' })
    },
  )

  it('needs the current password to set a PIN', async () => {
    const token = (await login(t, 'alice')).access_token
    const response = await t.call('PUT', '/v1/me/pin', {
      token,
      json: { pin: '918273', current_password: 'not my password at all' },
    })
    expect(await errorOf(response)).toEqual({ status: 401, error: 'invalid_credentials' })
    expect((await quickLogin(t, aliceId, '918273')).status).toBe(401)
  })
})

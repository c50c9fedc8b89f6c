import { afterEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, errorOf } from '../helpers/fixtures.js'
import { addQuickLoginUser, quickLogin, quickLoginTokens } from '../helpers/household.js'
import { enrolTOTP, passwordStep, strongToken } from '../helpers/second-factors.js'

// Review of issue 17: a restart between the steps of a sign-in neither loses nor repeats what
// the sign-in uses up, and a PIN-only session stays as narrow as API §5 says.
const env = { AUTH_QUICK_LOGIN_NETWORKS: '192.168.1.0/24' }
let t: TestApp
afterEach(() => t.close())

const restart = async () => {
  t.close()
  t = await createTestApp({ env, dataDir: t.dataDir, secret: t.secret, clock: t.clock })
}

describe('a restart between the two steps of a sign-in', () => {
  it('keeps the mfa_token usable once, and the TOTP code once', async () => {
    t = await createTestApp({ env })
    await addUser(t, 'alice')
    const { secret } = await enrolTOTP(t, await strongToken(t, 'alice'))
    t.clock.advance(30)
    const { mfa_token } = await passwordStep(t, 'alice')
    await restart()
    const code = await t.services.totp.generate(secret)
    const step = () => t.call('POST', '/v1/login/totp', { json: { mfa_token, code } })
    expect((await step()).status).toBe(200)
    await restart()
    expect(await errorOf(await step())).toEqual({ status: 401, error: 'invalid_mfa_token' })
    const { mfa_token: next } = await passwordStep(t, 'alice')
    const replay = await t.call('POST', '/v1/login/totp', { json: { mfa_token: next, code } })
    expect(await errorOf(replay)).toEqual({ status: 401, error: 'invalid_credentials' })
  })

  it("keeps a PIN's running count across a restart", async () => {
    t = await createTestApp({ env })
    const alice = await addQuickLoginUser(t, 'alice')
    for (let i = 0; i < 4; i++) expect((await quickLogin(t, alice.id, '731904')).status).toBe(401)
    await restart()
    expect((await quickLogin(t, alice.id, '731905')).status).toBe(401)
    expect(await errorOf(await quickLogin(t, alice.id, '731906'))).toMatchObject({ status: 429 })
    expect(t.services.users.findById(alice.id)!.pinFailures).toBe(5)
  })
})

describe('a PIN-only session', () => {
  it('reads /v1/me, refreshes and logs out, and nothing else, before and after a refresh', async () => {
    t = await createTestApp({ env })
    const alice = await addQuickLoginUser(t, 'alice')
    const first = await quickLoginTokens(t, alice.id)
    const refreshed = await t.call('POST', '/v1/token/refresh', {
      json: { refresh_token: first.refresh_token },
    })
    expect(refreshed.status).toBe(200)
    const second = (await refreshed.json()) as { access_token: string; refresh_token: string }
    for (const token of [first.access_token, second.access_token]) {
      expect((await t.call('GET', '/v1/me', { token })).status).toBe(200)
      for (const [method, path, json] of [
        ['GET', '/v1/me/sessions'],
        ['GET', '/v1/me/passkeys'],
        ['PUT', '/v1/me/pin', { pin: '902741' }],
        ['PUT', '/v1/me/quick-login', { enabled: false }],
        ['POST', '/v1/me/totp/setup'],
        ['GET', '/v1/admin/users'],
      ] as const) {
        const answer = await t.call(method, path, { token, json })
        expect(await errorOf(answer)).toEqual({ status: 403, error: 'step_up_required' })
      }
    }
    const out = await t.call('POST', '/v1/logout', {
      json: { refresh_token: second.refresh_token },
    })
    expect(out.status).toBe(204)
  })
})

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, login } from '../helpers/fixtures.js'
import { addQuickLoginUser, PIN, quickLogin } from '../helpers/household.js'
import { enrolTOTP, passwordStep, strongToken } from '../helpers/second-factors.js'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp({ env: { AUTH_QUICK_LOGIN_NETWORKS: '192.168.1.0/24' } })
})
afterEach(() => t.close())

/** The session write fails, as a disk that fills at that very moment would make it. */
const failSessionWrites = () =>
  t.services.database.sqlite.exec(
    "CREATE TRIGGER fail_session BEFORE INSERT ON sessions BEGIN SELECT RAISE(ABORT, 'injected'); END",
  )
const healSessionWrites = () => t.services.database.sqlite.exec('DROP TRIGGER fail_session')

// A sign-in writes what it uses up and its session in one transaction (one durable commit):
// regression, the second step used its mfa_token and a quick login reset the PIN's count in
// commits of their own, before the session was written.
describe('a sign-in whose session write fails', () => {
  it('POST /v1/login/totp keeps the mfa_token usable', async () => {
    await addUser(t, 'alice')
    const { secret } = await enrolTOTP(t, await strongToken(t, 'alice'))
    t.clock.advance(30)
    const { mfa_token } = await passwordStep(t, 'alice')
    failSessionWrites()
    const step = (code: string) => t.call('POST', '/v1/login/totp', { json: { mfa_token, code } })
    expect((await step(await t.services.totp.generate(secret))).status).toBeGreaterThanOrEqual(500)
    healSessionWrites()
    t.clock.advance(30) // the failed step claimed its time step: the next code
    expect((await step(await t.services.totp.generate(secret))).status).toBe(200)
  })

  it("POST /v1/quick-login leaves the PIN's count of failures as it was", async () => {
    const alice = await addQuickLoginUser(t, 'alice')
    for (let i = 0; i < 4; i++) expect((await quickLogin(t, alice.id, '731904')).status).toBe(401)
    failSessionWrites()
    expect((await quickLogin(t, alice.id, PIN)).status).toBeGreaterThanOrEqual(500)
    healSessionWrites()
    expect(t.services.users.findById(alice.id)!.pinFailures).toBe(4)
    expect((await quickLogin(t, alice.id, PIN)).status).toBe(200)
    expect(t.services.users.findById(alice.id)!.pinFailures).toBe(0)
  })

  it('POST /v1/login/password answers no tokens and writes no login.succeeded', async () => {
    await addUser(t, 'bob')
    failSessionWrites()
    const failed = await t.call('POST', '/v1/login/password', {
      json: { username: 'bob', password: 'correct horse battery staple' },
    })
    expect(failed.status).toBeGreaterThanOrEqual(500)
    expect(JSON.stringify(await failed.json())).not.toMatch(/access_token|eyJ/)
    healSessionWrites()
    const events = t.services.database.sqlite
      .prepare("SELECT count(*) AS n FROM audit_events WHERE type = 'login.succeeded'")
      .get() as { n: number }
    expect(events.n).toBe(0)
    await login(t, 'bob')
  })
})

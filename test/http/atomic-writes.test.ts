import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, errorOf, login, PASSWORD } from '../helpers/fixtures.js'

const NEW_PASSWORD = 'another long passphrase for kid'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
  await addUser(t, 'kid')
})
afterEach(() => t.close())

/** The revocation write fails, as a disk that fills at that very moment would make it. */
const failRevocations = () =>
  t.services.database.sqlite.exec(
    "CREATE TRIGGER fail_revoke BEFORE UPDATE OF revoked_at ON sessions BEGIN SELECT RAISE(ABORT, 'injected'); END",
  )
const healRevocations = () => t.services.database.sqlite.exec('DROP TRIGGER fail_revoke')

// Regression: a password change (and a reset) made three commits; when the revocation
// failed, the new password was already set and the other sessions still refreshed.
describe('a password change that fails midway', () => {
  it('PUT /v1/me/password changes nothing: old password and other sessions as they were', async () => {
    const a = await login(t, 'kid')
    const b = await login(t, 'kid')
    failRevocations()
    const changed = await t.call('PUT', '/v1/me/password', {
      token: a.access_token,
      json: { current_password: PASSWORD, new_password: NEW_PASSWORD },
    })
    expect(changed.status).toBeGreaterThanOrEqual(500)
    healRevocations()
    await login(t, 'kid', PASSWORD)
    const refreshed = await t.call('POST', '/v1/token/refresh', {
      json: { refresh_token: b.refresh_token },
    })
    expect(refreshed.status).toBe(200)
    const types = t.services.database.sqlite
      .prepare("SELECT type FROM audit_events WHERE type = 'password.changed'")
      .all()
    expect(types).toEqual([])
  })

  it('POST /v1/password-reset changes nothing and keeps the code usable', async () => {
    const owner = await addUser(t, 'owner', { role: 'admin' })
    const admin = await login(t, 'owner')
    const kid = t.services.users.findByUsername('kid')!
    const issued = await t.call('POST', `/v1/admin/users/${kid.id}/reset-code`, {
      token: admin.access_token,
    })
    const { code } = (await issued.json()) as { code: string }
    const session = await login(t, 'kid')
    failRevocations()
    const reset = await t.call('POST', '/v1/password-reset', {
      json: { code, new_password: NEW_PASSWORD },
    })
    expect(reset.status).toBeGreaterThanOrEqual(500)
    healRevocations()
    await login(t, 'kid', PASSWORD)
    expect(
      (
        await t.call('POST', '/v1/token/refresh', {
          json: { refresh_token: session.refresh_token },
        })
      ).status,
    ).toBe(200)
    // The code was not burnt by the failure: it works now.
    const again = await t.call('POST', '/v1/password-reset', {
      json: { code, new_password: NEW_PASSWORD },
    })
    expect(again.status).toBe(204)
    await login(t, 'kid', NEW_PASSWORD)
    expect(
      await errorOf(
        await t.call('POST', '/v1/token/refresh', {
          json: { refresh_token: session.refresh_token },
        }),
      ),
    ).toEqual({ status: 401, error: 'invalid_grant' })
    expect(owner.id).toBeTruthy()
  })
})

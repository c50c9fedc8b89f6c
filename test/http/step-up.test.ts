import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { errorOf, login, PASSWORD } from '../helpers/fixtures.js'
import { addQuickLoginUser, quickLoginTokens } from '../helpers/household.js'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp({ env: { AUTH_QUICK_LOGIN_NETWORKS: '192.168.1.0/24' } })
})
afterEach(() => t.close())

describe('a PIN-only session', () => {
  it('may read /v1/me, refresh and log out', async () => {
    const admin = await addQuickLoginUser(t, 'alice')
    const tokens = await quickLoginTokens(t, admin.id)
    expect((await t.call('GET', '/v1/me', { token: tokens.access_token })).status).toBe(200)
    const refreshed = await t.call('POST', '/v1/token/refresh', {
      json: { refresh_token: tokens.refresh_token },
    })
    expect(refreshed.status).toBe(200)
    const next = (await refreshed.json()) as { refresh_token: string; access_token: string }
    expect(
      (
        await t.call('PUT', '/v1/me/pin', {
          token: next.access_token,
          json: { pin: '902817', current_password: PASSWORD },
        })
      ).status,
    ).toBe(403)
    expect(
      (await t.call('POST', '/v1/logout', { json: { refresh_token: next.refresh_token } })).status,
    ).toBe(204)
  })

  it('gets 403 step_up_required on admin routes and every credential change, even as an admin', async () => {
    const alice = await addQuickLoginUser(t, 'alice')
    t.services.database.sqlite.prepare("UPDATE users SET role = 'admin' WHERE id = ?").run(alice.id)
    const { access_token: token } = await quickLoginTokens(t, alice.id)
    const attempts: [string, string, unknown][] = [
      [
        'PUT',
        '/v1/me/password',
        { current_password: PASSWORD, new_password: 'a brand new long password' },
      ],
      ['PUT', '/v1/me/pin', { pin: '902817', current_password: PASSWORD }],
      ['DELETE', '/v1/me/pin', undefined],
      ['PUT', '/v1/me/quick-login', { enabled: false }],
      ['POST', `/v1/admin/users/${alice.id}/unlock`, undefined],
    ]
    for (const [method, path, json] of attempts) {
      const response = await t.call(method, path, { token, json })
      expect(await errorOf(response), `${method} ${path}`).toEqual({
        status: 403,
        error: 'step_up_required',
      })
    }
    // The same person with a password session may.
    const strong = (await login(t, 'alice')).access_token
    expect(
      (await t.call('POST', `/v1/admin/users/${alice.id}/unlock`, { token: strong })).status,
    ).toBe(204)
  })

  it('a member with a password session gets 403 forbidden on admin routes', async () => {
    const bob = await addQuickLoginUser(t, 'bob')
    const token = (await login(t, 'bob')).access_token
    const response = await t.call('POST', `/v1/admin/users/${bob.id}/unlock`, { token })
    expect(await errorOf(response)).toEqual({ status: 403, error: 'forbidden' })
  })
})

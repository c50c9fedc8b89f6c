import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { TokenResponse } from '../../src/http/views.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, errorOf, login, PASSWORD } from '../helpers/fixtures.js'

// Attacks on the recent sign-in rule (API §7) by someone holding a stolen access token or a
// leaked refresh token, whose sign-in is older than AUTH_REAUTH_MAX_AGE (10 minutes).
const STALE_SECONDS = 11 * 60

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

/** An access token minted from a leaked refresh token after the window (same auth_time). */
async function staleToken(tokens: TokenResponse): Promise<string> {
  t.clock.advance(STALE_SECONDS)
  const refreshed = await t.call('POST', '/v1/token/refresh', {
    json: { refresh_token: tokens.refresh_token },
  })
  expect(refreshed.status).toBe(200)
  return ((await refreshed.json()) as TokenResponse).access_token
}

describe('admin power through an old sign-in', () => {
  it('re-enabling a disabled admin hands out admin power: 403 reauth_required, like promoting', async () => {
    await addUser(t, 'alice', { role: 'admin' })
    const carol = await addUser(t, 'carol', { role: 'admin' })
    const session = await login(t, 'alice')
    const disable = await t.call('PATCH', `/v1/admin/users/${carol.id}`, {
      token: session.access_token,
      json: { disabled: true },
    })
    expect(disable.status).toBe(200)
    const stale = await staleToken(session)
    const enable = (extra: Record<string, unknown> = {}) =>
      t.call('PATCH', `/v1/admin/users/${carol.id}`, {
        token: stale,
        json: { disabled: false, ...extra },
      })
    expect(await errorOf(await enable())).toEqual({ status: 403, error: 'reauth_required' })
    expect(t.services.users.findById(carol.id)!.disabled).toBe(true)
    expect((await enable({ current_password: PASSWORD })).status).toBe(200)
    expect(t.services.users.findById(carol.id)!.disabled).toBe(false)
  })

  it('re-enabling a disabled member stays an ordinary admin act', async () => {
    await addUser(t, 'alice', { role: 'admin' })
    const bob = await addUser(t, 'bob')
    t.services.users.update(bob.id, { disabled: true })
    const stale = await staleToken(await login(t, 'alice'))
    const enable = await t.call('PATCH', `/v1/admin/users/${bob.id}`, {
      token: stale,
      json: { disabled: false },
    })
    expect(enable.status).toBe(200)
  })
})

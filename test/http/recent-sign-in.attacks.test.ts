import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { TokenResponse } from '../../src/http/views.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, countHashes, errorOf, login, PASSWORD } from '../helpers/fixtures.js'
import { listen, statusCounts } from '../helpers/listening.js'
import { enrolTOTP, passwordStep } from '../helpers/second-factors.js'
import { uiBrowser, uiSignIn } from '../helpers/ui-browser.js'

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

describe('guessing the password through a credential route', () => {
  it('64 parallel guesses over a real socket get no more argon2 checks than sign-in gives', async () => {
    await addUser(t, 'alice')
    const stale = await staleToken(await login(t, 'alice'))
    const server = await listen(t)
    try {
      const hashes = countHashes(t)
      const removePIN = (password: string) =>
        fetch(`${server.base}/v1/me/pin`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${stale}`, 'content-type': 'application/json' },
          body: JSON.stringify({ current_password: password }),
        })
      const counts = await statusCounts(
        Array.from({ length: 64 }, (_, n) => removePIN(`wrong guess ${n}`)),
      )
      // API §6: 10 consecutive failures per (username, address), paid for before argon2 runs.
      expect(counts).toEqual({ 401: 10, 429: 54 })
      expect(hashes()).toBe(10)
      // The same counter as the sign-in form: the right password is now refused there too,
      // and here, without running argon2.
      const signIn = await server.post('/v1/login/password', {
        username: 'alice',
        password: PASSWORD,
      })
      expect(signIn.status).toBe(429)
      const right = await removePIN(PASSWORD)
      expect(right.status).toBe(429)
      expect(hashes()).toBe(10)
    } finally {
      await server.close()
    }
  })
})

describe("the web UI's JSON routes for passkeys", () => {
  it('refuse to start a passkey registration for an old browser session: 403 reauth_required', async () => {
    await addUser(t, 'alice')
    const browser = uiBrowser(t)
    await uiSignIn(browser, 'alice', PASSWORD)
    t.clock.advance(STALE_SECONDS)
    expect((await browser.get('/ui/account')).status).toBe(200)
    const started = await browser.postJSON('/ui/account/passkeys/options', {})
    expect(await errorOf(started)).toEqual({ status: 403, error: 'reauth_required' })
    // A JSON body's current_password is not read by this route (the page sends none); a
    // wrong one must not slip through either.
    const wrong = await browser.postJSON('/ui/account/passkeys/options', {
      current_password: 'not the password at all',
    })
    expect(wrong.status).toBe(403)
    const codes = t.services.database.sqlite
      .prepare("SELECT COUNT(*) AS n FROM one_time_codes WHERE purpose = 'webauthn-register'")
      .get() as { n: number }
    expect(codes.n).toBe(0)
  })
})

describe('what a person had pending ends with their sessions (API §7)', () => {
  /** A reset code made for bob, and the call that redeems it for a password of the holder's. */
  async function resetCodeFor(bobId: string) {
    const admin = await login(t, 'alice')
    const made = await t.call('POST', `/v1/admin/users/${bobId}/reset-code`, {
      token: admin.access_token,
      json: {},
    })
    expect(made.status).toBe(200)
    const { code } = (await made.json()) as { code: string }
    return () =>
      t.call('POST', '/v1/password-reset', {
        json: { code, new_password: 'a password the holder of the code chose' },
      })
  }

  beforeEach(async () => {
    await addUser(t, 'alice', { role: 'admin' })
    t.services.database.sqlite.prepare('UPDATE users SET mfa_enabled = 0').run()
  })

  it('a password change ends a reset code someone else may have seen', async () => {
    const bob = await addUser(t, 'bob')
    const redeem = await resetCodeFor(bob.id)
    const change = await t.call('PUT', '/v1/me/password', {
      token: (await login(t, 'bob')).access_token,
      json: { current_password: PASSWORD, new_password: 'bob chose this one himself' },
    })
    expect(change.status).toBe(204)
    expect(await errorOf(await redeem())).toEqual({ status: 401, error: 'invalid_grant' })
  })

  it('a role change or disabling ends a pending reset code', async () => {
    const admin = await login(t, 'alice')
    for (const change of [{ role: 'admin' }, { disabled: true }]) {
      const bob = await addUser(t, `bob${Object.keys(change)[0]}`)
      const redeem = await resetCodeFor(bob.id)
      const patched = await t.call('PATCH', `/v1/admin/users/${bob.id}`, {
        token: admin.access_token,
        json: change,
      })
      expect(patched.status).toBe(200)
      expect(await errorOf(await redeem())).toEqual({ status: 401, error: 'invalid_grant' })
    }
  })

  it('a password change ends an mfa_token won with the old password', async () => {
    const bob = await addUser(t, 'bob')
    const session = await login(t, 'bob')
    const { secret } = await enrolTOTP(t, session.access_token)
    t.clock.advance(30)
    const thief = await passwordStep(t, 'bob')
    const change = await t.call('PUT', '/v1/me/password', {
      token: session.access_token,
      json: { current_password: PASSWORD, new_password: 'bob chose this one himself' },
    })
    expect(change.status).toBe(204)
    const step = await t.call('POST', '/v1/login/totp', {
      json: { mfa_token: thief.mfa_token, code: await t.services.totp.generate(secret) },
    })
    expect(await errorOf(step)).toEqual({ status: 401, error: 'invalid_mfa_token' })
    void bob
  })
})

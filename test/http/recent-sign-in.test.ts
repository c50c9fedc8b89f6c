import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { TokenResponse } from '../../src/http/views.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, errorOf, login, PASSWORD } from '../helpers/fixtures.js'
import { addPasskey, enrolTOTP, passwordStep } from '../helpers/second-factors.js'
import { uiBrowser, uiSignIn } from '../helpers/ui-browser.js'

// AUTH_REAUTH_MAX_AGE is 10 minutes by default; the access token lives 10 minutes too.
const STALE_SECONDS = 11 * 60

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

/**
 * An access token whose sign-in is older than the window: what a thief holds who minted it
 * from a leaked refresh token (a refresh keeps the session's `auth_time`).
 */
async function staleToken(tokens: TokenResponse): Promise<string> {
  t.clock.advance(STALE_SECONDS)
  const refreshed = await t.call('POST', '/v1/token/refresh', {
    json: { refresh_token: tokens.refresh_token },
  })
  expect(refreshed.status).toBe(200)
  return ((await refreshed.json()) as TokenResponse).access_token
}

interface Change {
  name: string
  method: string
  path: (ids: { passkey: string; bob: string }) => string
  json?: Record<string, unknown>
  admin?: boolean
  /** Used up by its first success (nothing left to do again). */
  once?: boolean
}

// Every route of API §7 that changes how one signs in, or hands out admin power, and takes
// the proof from the token or an optional current_password.
const CHANGES: Change[] = [
  {
    name: 'opting in to quick login',
    method: 'PUT',
    path: () => '/v1/me/quick-login',
    json: { enabled: true },
  },
  { name: 'removing the PIN', method: 'DELETE', path: () => '/v1/me/pin' },
  { name: 'setting up TOTP', method: 'POST', path: () => '/v1/me/totp/setup' },
  { name: 'adding a passkey', method: 'POST', path: () => '/v1/me/passkeys/options' },
  {
    name: 'renaming a passkey',
    method: 'PATCH',
    path: (i) => `/v1/me/passkeys/${i.passkey}`,
    json: { name: 'Other' },
  },
  {
    name: 'removing a passkey',
    method: 'DELETE',
    path: (i) => `/v1/me/passkeys/${i.passkey}`,
    once: true,
  },
  {
    name: 'creating an admin',
    method: 'POST',
    path: () => '/v1/admin/users',
    json: { username: 'carol', role: 'admin' },
    admin: true,
    once: true,
  },
  {
    name: 'promoting to admin',
    method: 'PATCH',
    path: (i) => `/v1/admin/users/${i.bob}`,
    json: { role: 'admin' },
    admin: true,
  },
  {
    name: 'making a reset code',
    method: 'POST',
    path: (i) => `/v1/admin/users/${i.bob}/reset-code`,
    admin: true,
  },
]

async function setUp() {
  const alice = await addUser(t, 'alice', { role: 'admin' })
  const bob = await addUser(t, 'bob')
  const fresh = await login(t, 'alice')
  const { passkey } = await addPasskey(t, fresh.access_token)
  // A PIN to remove, so that change has something to act on.
  const pin = await t.call('PUT', '/v1/me/pin', {
    token: fresh.access_token,
    json: { pin: '482915', current_password: PASSWORD },
  })
  expect(pin.status).toBe(204)
  // MFA off, so a fresh password sign-in stays one step in these tests.
  t.services.database.sqlite.prepare('UPDATE users SET mfa_enabled = 0 WHERE id = ?').run(alice.id)
  return { alice, ids: { passkey: passkey.id, bob: bob.id } }
}

describe('a recent sign-in for credential changes and admin acts (API §7)', () => {
  for (const change of CHANGES) {
    it(`${change.name}: 403 reauth_required with an old sign-in, allowed with current_password or a fresh sign-in`, async () => {
      const { ids } = await setUp()
      const session = await freshSession('alice')
      const stale = await staleToken(session)
      const call = (token: string, extra: Record<string, unknown> = {}) =>
        t.call(change.method, change.path(ids), {
          token,
          ...(change.json || Object.keys(extra).length > 0
            ? { json: { ...(change.json ?? {}), ...extra } }
            : {}),
        })
      expect(await errorOf(await call(stale))).toEqual({ status: 403, error: 'reauth_required' })
      const wrong = await call(stale, { current_password: 'not the password at all' })
      expect(wrong.status).toBe(401)
      const withPassword = await call(stale, { current_password: PASSWORD })
      expect(withPassword.status).toBeLessThan(300)
      if (change.once) return
      const again = await freshSession('alice')
      expect((await call(again.access_token)).status).toBeLessThan(300)
    })
  }

  it('changes nothing when refused: no passkey ceremony, no pending TOTP, no new admin', async () => {
    const { ids } = await setUp()
    const stale = await staleToken(await freshSession('alice'))
    const rowsBefore = countRows()
    for (const change of CHANGES) {
      const response = await t.call(change.method, change.path(ids), {
        token: stale,
        ...(change.json ? { json: change.json } : {}),
      })
      expect(response.status).toBe(403)
    }
    expect(countRows()).toEqual(rowsBefore)
    expect(t.services.users.findById(ids.bob)!.role).toBe('member')
  })

  it('password, PIN, TOTP removal and recovery codes always take the current password', async () => {
    await addUser(t, 'alice')
    const stale = await staleToken(await login(t, 'alice'))
    const pin = await t.call('PUT', '/v1/me/pin', {
      token: stale,
      json: { pin: '482915', current_password: PASSWORD },
    })
    expect(pin.status).toBe(204)
    const missing = await t.call('PUT', '/v1/me/pin', { token: stale, json: { pin: '482915' } })
    expect(missing.status).toBe(400)
  })
})

describe('TOTP set up while TOTP is active', () => {
  it('keeps the active secret until the new one is confirmed, and confirming needs a recent sign-in', async () => {
    await addUser(t, 'alice')
    const first = await login(t, 'alice')
    const { secret: active } = await enrolTOTP(t, first.access_token)
    const setup = await t.call('POST', '/v1/me/totp/setup', { token: first.access_token })
    const { secret: pending } = (await setup.json()) as { secret: string }
    expect(pending).not.toBe(active)
    // Still signed in with the active secret's codes, not the pending one's (next time step:
    // the enrolment used this one).
    t.clock.advance(30)
    const step = await passwordStep(t, 'alice')
    const wrongSecret = await t.call('POST', '/v1/login/totp', {
      json: { mfa_token: step.mfa_token, code: await t.services.totp.generate(pending) },
    })
    expect(wrongSecret.status).toBe(401)
    const ok = await t.call('POST', '/v1/login/totp', {
      json: { mfa_token: step.mfa_token, code: await t.services.totp.generate(active) },
    })
    expect(ok.status).toBe(200)
    // A thief with an old sign-in cannot confirm the pending secret over the active one.
    const stale = await staleToken(first)
    const confirm = await t.call('POST', '/v1/me/totp/confirm', {
      token: stale,
      json: { code: await t.services.totp.generate(pending) },
    })
    expect(await errorOf(confirm)).toEqual({ status: 403, error: 'reauth_required' })
    const user = t.services.users.findByUsername('alice')!
    expect(t.services.secretKeys.decrypt('totp-secret', user.totpSecretSealed!, user.id)).toBe(
      active,
    )
  })
})

describe('the web UI asks for a recent sign-in and brings the person back', () => {
  it('sends an old session through sign-in, then the change works; a form with the password passes at once', async () => {
    await addUser(t, 'alice')
    const pinSet = await login(t, 'alice')
    await t.call('PUT', '/v1/me/pin', {
      token: pinSet.access_token,
      json: { pin: '482915', current_password: PASSWORD },
    })
    const browser = uiBrowser(t)
    await uiSignIn(browser, 'alice', PASSWORD)
    t.clock.advance(STALE_SECONDS)
    await browser.get('/ui/account')
    const refused = await browser.post('/ui/account/pin/remove')
    expect(refused.status).toBe(303)
    expect(refused.headers.get('location')).toBe('/ui/sign-in?reauth=1&return_to=%2Fui%2Faccount')
    expect(t.services.users.findByUsername('alice')!.pinHash).not.toBeNull()
    const page = await browser.get(refused.headers.get('location')!)
    expect(await page.text()).toContain('Sign in again')
    const back = await browser.post('/ui/sign-in', {
      username: 'alice',
      password: PASSWORD,
      return_to: '/ui/account',
    })
    expect(back.headers.get('location')).toBe('/ui/account')
    await browser.get('/ui/account')
    expect((await browser.post('/ui/account/pin/remove')).status).toBe(200)
    expect(t.services.users.findByUsername('alice')!.pinHash).toBeNull()
    // Signing in again ended the old browser session rather than leaving it behind.
    const live = t.services.database.sqlite
      .prepare('SELECT COUNT(*) AS n FROM sessions WHERE revoked_at IS NULL')
      .get() as { n: number }
    expect(live.n).toBe(2) // the API session above and the new browser session
  })

  it('refuses promoting a member from the members page with an old session, the same rule as the API', async () => {
    await addUser(t, 'alice', { role: 'admin' })
    const bob = await addUser(t, 'bob')
    const browser = uiBrowser(t)
    await uiSignIn(browser, 'alice', PASSWORD)
    t.clock.advance(STALE_SECONDS)
    await browser.get('/ui/members')
    const refused = await browser.post(`/ui/members/${bob.id}/update`, { role: 'admin' })
    expect(refused.status).toBe(303)
    expect(refused.headers.get('location')).toContain('/ui/sign-in?reauth=1')
    expect(t.services.users.findById(bob.id)!.role).toBe('member')
    const withPassword = await browser.post(`/ui/members/${bob.id}/update`, {
      role: 'admin',
      current_password: PASSWORD,
    })
    expect(withPassword.status).toBe(200)
    expect(t.services.users.findById(bob.id)!.role).toBe('admin')
  })
})

/** A fresh one-step password sign-in. */
async function freshSession(username: string): Promise<TokenResponse> {
  const response = await t.call('POST', '/v1/login/password', {
    json: { username, password: PASSWORD },
  })
  const body = (await response.json()) as TokenResponse | { mfa_token: string }
  if ('access_token' in body) return body
  throw new Error('expected a one-step sign-in')
}

function countRows() {
  const count = (table: string) =>
    (
      t.services.database.sqlite.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as {
        n: number
      }
    ).n
  return {
    codes: count('one_time_codes'),
    users: count('users'),
    passkeys: count('passkeys'),
    pending: (
      t.services.database.sqlite
        .prepare('SELECT COUNT(*) AS n FROM users WHERE totp_pending_sealed IS NOT NULL')
        .get() as { n: number }
    ).n,
  }
}

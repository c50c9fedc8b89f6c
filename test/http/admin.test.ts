import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { TokenResponse } from '../../src/http/views.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, errorOf, login, PASSWORD } from '../helpers/fixtures.js'

let t: TestApp
let admin: string
let ownerId: string
beforeEach(async () => {
  t = await createTestApp()
  ownerId = (await addUser(t, 'owner', { role: 'admin' })).id
  admin = (await login(t, 'owner')).access_token
})
afterEach(() => t.close())

const NEW_PASSWORD = 'a completely new long password'

describe('/v1/admin/*', () => {
  it('answers 403 forbidden to a member on every admin route', async () => {
    const member = await addUser(t, 'kid')
    const token = (await login(t, 'kid')).access_token
    const routes: [string, string, unknown?][] = [
      ['GET', '/v1/admin/users'],
      ['POST', '/v1/admin/users', { username: 'someone' }],
      ['GET', `/v1/admin/users/${ownerId}`],
      ['PATCH', `/v1/admin/users/${member.id}`, { role: 'admin' }],
      ['DELETE', `/v1/admin/users/${ownerId}`],
      ['POST', `/v1/admin/users/${member.id}/reset-code`],
      ['POST', `/v1/admin/users/${member.id}/unlock`],
      ['DELETE', `/v1/admin/users/${ownerId}/sessions`],
      ['GET', '/v1/admin/audit'],
    ]
    for (const [method, path, json] of routes) {
      expect(
        await errorOf(await t.call(method, path, { token, json })),
        `${method} ${path}`,
      ).toEqual({
        status: 403,
        error: 'forbidden',
      })
    }
    expect((await t.call('GET', '/v1/admin/users')).status).toBe(401)
  })

  it('lets an admin add, read, change and remove members', async () => {
    const created = await t.call('POST', '/v1/admin/users', {
      token: admin,
      json: { username: 'Kid', display_name: 'The Kid', password: PASSWORD },
    })
    expect(created.status).toBe(201)
    const { user } = (await created.json()) as { user: { id: string } }
    expect(user).toMatchObject({
      username: 'kid',
      display_name: 'The Kid',
      role: 'member',
      disabled: false,
    })
    const list = (await (await t.call('GET', '/v1/admin/users', { token: admin })).json()) as {
      users: { username: string }[]
    }
    expect(list.users.map((u) => u.username)).toEqual(['kid', 'owner'])
    const patched = await t.call('PATCH', `/v1/admin/users/${user.id}`, {
      token: admin,
      json: { role: 'admin', display_name: 'Kiddo' },
    })
    expect(await patched.json()).toMatchObject({ user: { role: 'admin', display_name: 'Kiddo' } })
    expect((await t.call('GET', `/v1/admin/users/${user.id}`, { token: admin })).status).toBe(200)
    expect((await t.call('DELETE', `/v1/admin/users/${user.id}`, { token: admin })).status).toBe(
      204,
    )
    expect(
      await errorOf(await t.call('GET', `/v1/admin/users/${user.id}`, { token: admin })),
    ).toEqual({ status: 404, error: 'not_found' })
    const taken = await t.call('POST', '/v1/admin/users', {
      token: admin,
      json: { username: 'owner' },
    })
    expect(await errorOf(taken)).toEqual({ status: 409, error: 'conflict' })
    const unknownField = await t.call('PATCH', `/v1/admin/users/${ownerId}`, {
      token: admin,
      json: { password_hash: 'x' },
    })
    expect(unknownField.status).toBe(400)
  })

  it('never removes, disables or demotes the last enabled admin', async () => {
    for (const [method, json] of [
      ['PATCH', { role: 'member' }],
      ['PATCH', { disabled: true }],
      ['DELETE', undefined],
    ] as const) {
      const response = await t.call(method, `/v1/admin/users/${ownerId}`, { token: admin, json })
      expect(await errorOf(response)).toEqual({ status: 409, error: 'conflict' })
    }
    const second = await addUser(t, 'partner', { role: 'admin' })
    expect(
      (
        await t.call('PATCH', `/v1/admin/users/${second.id}`, {
          token: admin,
          json: { disabled: true },
        })
      ).status,
    ).toBe(200)
    expect(
      (
        await t.call('PATCH', `/v1/admin/users/${ownerId}`, {
          token: admin,
          json: { role: 'member' },
        })
      ).status,
    ).toBe(409)
  })

  it('gives a one-time reset code when created without a password', async () => {
    const created = await t.call('POST', '/v1/admin/users', {
      token: admin,
      json: { username: 'grandma' },
    })
    const { reset_code } = (await created.json()) as { reset_code: string }
    expect(reset_code.length).toBeGreaterThanOrEqual(43)
    expect(
      (
        await t.call('POST', '/v1/password-reset', {
          json: { code: reset_code, new_password: NEW_PASSWORD },
        })
      ).status,
    ).toBe(204)
    await login(t, 'grandma', NEW_PASSWORD)
  })
})

describe('reset codes', () => {
  it('work once, revoke the old sessions, and expire after 24 h', async () => {
    const kid = await addUser(t, 'kid')
    const old = await login(t, 'kid')
    const issued = await t.call('POST', `/v1/admin/users/${kid.id}/reset-code`, { token: admin })
    const { code, expires_at } = (await issued.json()) as { code: string; expires_at: string }
    expect(expires_at).toBe('2026-12-01T12:00:00.000Z')
    const reset = () =>
      t.call('POST', '/v1/password-reset', { json: { code, new_password: NEW_PASSWORD } })
    expect((await reset()).status).toBe(204)
    expect(await errorOf(await reset())).toEqual({ status: 401, error: 'invalid_grant' })
    expect(
      (await t.call('POST', '/v1/token/refresh', { json: { refresh_token: old.refresh_token } }))
        .status,
    ).toBe(401)
    expect((await t.call('GET', '/v1/me', { token: old.access_token })).status).toBe(401)
    await login(t, 'kid', NEW_PASSWORD)

    const second = (await (
      await t.call('POST', `/v1/admin/users/${kid.id}/reset-code`, { token: admin })
    ).json()) as { code: string }
    t.clock.advance(86_400)
    const late = await t.call('POST', '/v1/password-reset', {
      json: { code: second.code, new_password: 'yet another long password' },
    })
    expect(await errorOf(late)).toEqual({ status: 401, error: 'invalid_grant' })
  })
})

describe('disabling a user', () => {
  it('kills their refresh token at once and their access token at the next call', async () => {
    const kid = await addUser(t, 'kid')
    const tokens: TokenResponse = await login(t, 'kid')
    expect((await t.call('GET', '/v1/me', { token: tokens.access_token })).status).toBe(200)
    const disabled = await t.call('PATCH', `/v1/admin/users/${kid.id}`, {
      token: admin,
      json: { disabled: true },
    })
    expect(disabled.status).toBe(200)
    expect(
      await errorOf(
        await t.call('POST', '/v1/token/refresh', {
          json: { refresh_token: tokens.refresh_token },
        }),
      ),
    ).toEqual({
      status: 401,
      error: 'invalid_grant',
    })
    expect((await t.call('GET', '/v1/me', { token: tokens.access_token })).status).toBe(401)
    expect(
      (
        await t.call('POST', '/v1/login/password', {
          json: { username: 'kid', password: PASSWORD },
        })
      ).status,
    ).toBe(401)
    await t.call('PATCH', `/v1/admin/users/${kid.id}`, { token: admin, json: { disabled: false } })
    await login(t, 'kid')
  })

  // Regression: a demoted admin kept their sessions, so refreshed tokens still said
  // `role: admin` to every offline verifier until the session ended.
  it("a role change ends the person's sessions, both ways", async () => {
    const kid = await addUser(t, 'kid', { role: 'admin' })
    const before = await login(t, 'kid')
    const demoted = await t.call('PATCH', `/v1/admin/users/${kid.id}`, {
      token: admin,
      json: { role: 'member' },
    })
    expect(demoted.status).toBe(200)
    const refresh = await t.call('POST', '/v1/token/refresh', {
      json: { refresh_token: before.refresh_token },
    })
    expect(await errorOf(refresh)).toEqual({ status: 401, error: 'invalid_grant' })
    expect((await t.call('GET', '/v1/me', { token: before.access_token })).status).toBe(401)
    const after = await login(t, 'kid')
    expect(after.user.role).toBe('member')
    // A display-name change alone is no role change: the session stays.
    await t.call('PATCH', `/v1/admin/users/${kid.id}`, {
      token: admin,
      json: { display_name: 'Kiddo' },
    })
    expect((await t.call('GET', '/v1/me', { token: after.access_token })).status).toBe(200)
  })

  it('revoke-all ends every session of a user', async () => {
    const kid = await addUser(t, 'kid')
    const a = await login(t, 'kid')
    const b = await login(t, 'kid')
    expect(
      (await t.call('DELETE', `/v1/admin/users/${kid.id}/sessions`, { token: admin })).status,
    ).toBe(204)
    for (const s of [a, b])
      expect((await t.call('GET', '/v1/me', { token: s.access_token })).status).toBe(401)
  })
})

describe('/v1/me/sessions and /v1/me/password', () => {
  it('lists and revokes own sessions; a password change ends the others', async () => {
    await addUser(t, 'kid')
    const phone = await t.call('POST', '/v1/login/password', {
      json: { username: 'kid', password: PASSWORD },
      headers: { 'user-agent': 'Phone/1.0' },
      peer: '192.168.1.30',
    })
    const phoneTokens = (await phone.json()) as TokenResponse
    const laptop = await login(t, 'kid')
    const tablet = await login(t, 'kid')
    const list = (await (
      await t.call('GET', '/v1/me/sessions', { token: laptop.access_token })
    ).json()) as {
      sessions: {
        id: string
        current: boolean
        address: string
        user_agent: string
        methods: string[]
      }[]
    }
    expect(list.sessions).toHaveLength(3)
    expect(list.sessions.find((s) => s.id === phoneTokens.session_id)).toMatchObject({
      address: '192.168.1.30',
      user_agent: 'Phone/1.0',
      methods: ['pwd'],
      current: false,
    })
    expect(list.sessions.find((s) => s.current)?.id).toBe(laptop.session_id)
    expect(
      (
        await t.call('DELETE', `/v1/me/sessions/${tablet.session_id}`, {
          token: laptop.access_token,
        })
      ).status,
    ).toBe(204)
    expect((await t.call('GET', '/v1/me', { token: tablet.access_token })).status).toBe(401)
    // Regression (issue 14): this named an access token as the id, so it passed whatever the
    // owner check did. Another person's real session id: 404, and that session lives on.
    const owners = await login(t, 'owner')
    const others = await t.call('DELETE', `/v1/me/sessions/${owners.session_id}`, {
      token: laptop.access_token,
    })
    expect(await errorOf(others)).toEqual({ status: 404, error: 'not_found' })
    expect((await t.call('GET', '/v1/me', { token: owners.access_token })).status).toBe(200)

    const change = await t.call('PUT', '/v1/me/password', {
      token: laptop.access_token,
      json: { current_password: PASSWORD, new_password: NEW_PASSWORD },
    })
    expect(change.status).toBe(204)
    expect((await t.call('GET', '/v1/me', { token: phoneTokens.access_token })).status).toBe(401)
    expect((await t.call('GET', '/v1/me', { token: laptop.access_token })).status).toBe(200)
    await login(t, 'kid', NEW_PASSWORD)
  })
})

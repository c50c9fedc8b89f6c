import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { TokenResponse } from '../../src/http/views.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, errorOf, login } from '../helpers/fixtures.js'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
  await addUser(t, 'alice')
})
afterEach(() => t.close())

const refresh = (refresh_token: string) =>
  t.call('POST', '/v1/token/refresh', { json: { refresh_token } })
const refreshed = async (token: string) => {
  const response = await refresh(token)
  expect(response.status).toBe(200)
  return (await response.json()) as TokenResponse
}
const me = (token: string) => t.call('GET', '/v1/me', { token })

describe('POST /v1/token/refresh', () => {
  it('rotates: the new token works, the old one no longer does', async () => {
    const first = await login(t, 'alice')
    const second = await refreshed(first.refresh_token)
    expect(second.refresh_token).not.toBe(first.refresh_token)
    expect(second.session_id).toBe(first.session_id)
    expect((await me(second.access_token)).status).toBe(200)
    await refreshed(second.refresh_token)
  })

  it('treats reuse after the grace window as theft: the whole session dies', async () => {
    const first = await login(t, 'alice')
    const second = await refreshed(first.refresh_token)
    t.clock.advance(11)
    expect(await errorOf(await refresh(first.refresh_token))).toEqual({
      status: 401,
      error: 'invalid_grant',
    })
    expect((await refresh(second.refresh_token)).status).toBe(401)
    expect((await me(second.access_token)).status).toBe(401)
    const audit = t.services.database.sqlite
      .prepare("SELECT type FROM audit_events WHERE type = 'refresh.reused'")
      .all()
    expect(audit).toHaveLength(1)
  })

  it('refuses reuse inside the grace window without ending the session', async () => {
    const first = await login(t, 'alice')
    const second = await refreshed(first.refresh_token)
    t.clock.advance(10)
    expect(await errorOf(await refresh(first.refresh_token))).toEqual({
      status: 401,
      error: 'invalid_grant',
    })
    expect((await me(second.access_token)).status).toBe(200)
    await refreshed(second.refresh_token)
  })

  it('audits a refusal inside the grace window once per token, and spares the session', async () => {
    const first = await login(t, 'alice')
    const second = await refreshed(first.refresh_token)
    t.clock.advance(3)
    expect((await refresh(first.refresh_token)).status).toBe(401)
    expect((await refresh(first.refresh_token)).status).toBe(401)
    const events = t.services.database.sqlite
      .prepare("SELECT user_id, detail FROM audit_events WHERE type = 'refresh.reused'")
      .all() as { user_id: string; detail: string }[]
    expect(events).toHaveLength(1)
    expect(JSON.parse(events[0]!.detail)).toEqual({
      session_id: first.session_id,
      within_grace: true,
      session_revoked: false,
    })
    expect((await me(second.access_token)).status).toBe(200)
  })

  it('lets exactly one of two concurrent refreshes of one token succeed', async () => {
    const first = await login(t, 'alice')
    const statuses = await Promise.all([
      refresh(first.refresh_token),
      refresh(first.refresh_token),
    ]).then((rs) => rs.map((r) => r.status).sort())
    expect(statuses).toEqual([200, 401])
  })

  it('honours the idle expiry', async () => {
    const first = await login(t, 'alice')
    t.clock.advance(7 * 86_400 - 1)
    const second = await refreshed(first.refresh_token)
    t.clock.advance(7 * 86_400)
    expect(await errorOf(await refresh(second.refresh_token))).toEqual({
      status: 401,
      error: 'invalid_grant',
    })
  })

  it('honours the absolute lifetime however active the session is', async () => {
    let tokens = await login(t, 'alice')
    for (let day = 0; day < 29; day++) {
      t.clock.advance(86_400)
      tokens = await refreshed(tokens.refresh_token)
    }
    expect(tokens.refresh_expires_in).toBe(86_400)
    t.clock.advance(86_400)
    expect((await refresh(tokens.refresh_token)).status).toBe(401)
  })

  it('refuses unknown tokens and bad bodies', async () => {
    expect(await errorOf(await refresh('x'.repeat(43)))).toEqual({
      status: 401,
      error: 'invalid_grant',
    })
    const response = await t.call('POST', '/v1/token/refresh', { json: { refresh_token: 7 } })
    expect(await errorOf(response)).toEqual({ status: 400, error: 'invalid_request' })
  })

  it('stores refresh tokens only as hashes', async () => {
    const tokens = await login(t, 'alice')
    const rows = t.services.database.sqlite.prepare('SELECT hash FROM refresh_tokens').all() as {
      hash: string
    }[]
    expect(rows.map((r) => r.hash)).not.toContain(tokens.refresh_token)
  })
})

describe('POST /v1/logout', () => {
  it('revokes the session: refresh fails and the access token is refused at once', async () => {
    const tokens = await login(t, 'alice')
    expect(
      (await t.call('POST', '/v1/logout', { json: { refresh_token: tokens.refresh_token } }))
        .status,
    ).toBe(204)
    expect((await refresh(tokens.refresh_token)).status).toBe(401)
    expect((await me(tokens.access_token)).status).toBe(401)
  })
})

describe('POST /v1/token/refresh: the grace is measured to the millisecond', () => {
  /** Signs bob in and rotates once with the clock at `rotatedAt`; returns both responses. */
  async function rotateAt(g: TestApp, rotatedAt: Date) {
    g.clock.set(rotatedAt)
    const first = await login(g, 'bob')
    const rotated = await g.call('POST', '/v1/token/refresh', {
      json: { refresh_token: first.refresh_token },
    })
    expect(rotated.status).toBe(200)
    return { first, second: (await rotated.json()) as TokenResponse }
  }
  const reuse = (g: TestApp, token: TokenResponse) =>
    g.call('POST', '/v1/token/refresh', { json: { refresh_token: token.refresh_token } })
  const at = (ms: number) => new Date(Date.UTC(2026, 10, 30, 12, 0, 0, ms))

  let g: TestApp
  beforeEach(async () => {
    g = await createTestApp({ env: { AUTH_REFRESH_REUSE_GRACE: '2s' } })
    await addUser(g, 'bob')
  })
  afterEach(() => g.close())

  // Regression: the grace was compared in whole seconds, so with a 2 s grace a reuse 2.9 s
  // after the rotation was still spared (the session survived ~30 % of such reuses).
  it('revokes a reuse 1 ms past a 2 s grace, wherever in its second the rotation fell', async () => {
    for (const offsetMs of [0, 250, 500, 900, 999]) {
      const { first, second } = await rotateAt(g, at(offsetMs))
      g.clock.advance(2.001)
      expect(await errorOf(await reuse(g, first))).toEqual({ status: 401, error: 'invalid_grant' })
      expect((await g.call('GET', '/v1/me', { token: second.access_token })).status).toBe(401)
    }
  })

  it('spares a reuse exactly at the end of a 2 s grace', async () => {
    const { first, second } = await rotateAt(g, at(999))
    g.clock.advance(2)
    expect((await reuse(g, first)).status).toBe(401)
    expect((await g.call('GET', '/v1/me', { token: second.access_token })).status).toBe(200)
  })
})

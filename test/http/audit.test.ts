import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, errorOf, login, PASSWORD } from '../helpers/fixtures.js'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

interface Event {
  id: number
  at: string
  type: string
  actor_id: string | null
  user_id: string | null
  address: string | null
  user_agent: string | null
  detail: Record<string, unknown>
}

describe('GET /v1/admin/audit', () => {
  it('shows a scripted scenario in order, newest first, with no secret in any field', async () => {
    const owner = await addUser(t, 'owner', { role: 'admin' })
    const secrets: string[] = [PASSWORD]
    const ownerTokens = await login(t, 'owner')
    secrets.push(ownerTokens.access_token, ownerTokens.refresh_token)
    const admin = ownerTokens.access_token
    const ua = { 'user-agent': 'Scenario/1.0' }

    const created = await t.call('POST', '/v1/admin/users', {
      token: admin,
      json: { username: 'kid' },
      headers: ua,
    })
    const { user, reset_code } = (await created.json()) as {
      user: { id: string }
      reset_code: string
    }
    secrets.push(reset_code)
    const kidPassword = 'the kid picked this long one'
    secrets.push(kidPassword)
    await t.call('POST', '/v1/password-reset', {
      json: { code: reset_code, new_password: kidPassword },
    })
    await t.call('POST', '/v1/login/password', {
      json: { username: 'kid', password: 'a wrong guess of a password' },
    })
    const kid = await login(t, 'kid', kidPassword)
    secrets.push(kid.access_token, kid.refresh_token)
    const rotated = await t.call('POST', '/v1/token/refresh', {
      json: { refresh_token: kid.refresh_token },
    })
    secrets.push(((await rotated.json()) as { refresh_token: string }).refresh_token)
    t.clock.advance(60)
    await t.call('POST', '/v1/token/refresh', { json: { refresh_token: kid.refresh_token } }) // reuse
    const admin2 = (await login(t, 'owner')).access_token
    await t.call('PATCH', `/v1/admin/users/${user.id}`, {
      token: admin2,
      json: { disabled: true },
      headers: ua,
    })
    for (let i = 0; i < 10; i++) {
      await t.call('POST', '/v1/login/password', {
        json: { username: 'kid', password: 'guessing again' },
      })
    }
    expect(
      await errorOf(
        await t.call('POST', '/v1/login/password', {
          json: { username: 'kid', password: kidPassword },
        }),
      ),
    ).toEqual({
      status: 429,
      error: 'rate_limited',
    })

    const page = (await (
      await t.call('GET', '/v1/admin/audit?limit=200', { token: admin2 })
    ).json()) as {
      events: Event[]
      next_before: number | null
    }
    const types = page.events.map((e) => e.type).reverse()
    const withoutRepeats = types.filter((type, i) => type !== types[i - 1])
    expect(withoutRepeats).toEqual([
      'login.succeeded',
      'user.created',
      'password.reset',
      'login.failed',
      'login.succeeded',
      'refresh.reused',
      'login.succeeded',
      'user.disabled',
      'login.failed',
      'login.blocked',
    ])
    const createdEvent = page.events.find((e) => e.type === 'user.created')!
    expect(createdEvent).toMatchObject({
      actor_id: owner.id,
      user_id: user.id,
      user_agent: 'Scenario/1.0',
      address: '127.0.0.1',
    })
    expect(createdEvent.at).toBe('2026-11-30T12:00:00.000Z')
    expect(page.events.find((e) => e.type === 'login.blocked')!.detail).toMatchObject({
      method: 'password',
    })
    const everything = JSON.stringify(page)
    for (const secret of secrets) expect(everything).not.toContain(secret)
    expect(page.next_before).toBeNull()
  })

  it('pages newest first with next_before', async () => {
    await addUser(t, 'owner', { role: 'admin' })
    for (let i = 0; i < 5; i++)
      await t.call('POST', '/v1/login/password', {
        json: { username: 'x' + i, password: 'nope nope' },
      })
    const admin = (await login(t, 'owner')).access_token
    const first = (await (
      await t.call('GET', '/v1/admin/audit?limit=4', { token: admin })
    ).json()) as { events: Event[]; next_before: number }
    expect(first.events).toHaveLength(4)
    const second = (await (
      await t.call('GET', `/v1/admin/audit?limit=4&before=${first.next_before}`, { token: admin })
    ).json()) as {
      events: Event[]
      next_before: number | null
    }
    const ids = [...first.events, ...second.events].map((e) => e.id)
    expect(ids).toEqual([...ids].sort((a, b) => b - a))
    expect(new Set(ids).size).toBe(ids.length)
    expect(second.next_before).toBeNull()
    expect((await t.call('GET', '/v1/admin/audit?limit=x', { token: admin })).status).toBe(400)
  })

  it('keeps the log bounded by age and count', async () => {
    t.close()
    t = await createTestApp({ env: { AUTH_AUDIT_RETENTION: '1d', AUTH_AUDIT_MAX_EVENTS: '100' } })
    for (let i = 0; i < 30; i++) t.services.audit.record({ type: 'test.old' })
    t.clock.advance(2 * 86_400)
    for (let i = 0; i < 150; i++) t.services.audit.record({ type: 'test.new' })
    t.services.audit.prune()
    const rows = t.services.database.sqlite
      .prepare('SELECT type, count(*) AS n FROM audit_events GROUP BY type')
      .all()
    expect(rows).toEqual([{ type: 'test.new', n: 100 }])
  })
})

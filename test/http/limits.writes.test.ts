import { afterEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, errorOf } from '../helpers/fixtures.js'

// Unauthenticated requests must not make the service write without bound (API §6).
let t: TestApp
afterEach(() => t.close())

const rows = (table: string) =>
  (t.services.database.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number })
    .n
const allRows = () =>
  ['one_time_codes', 'audit_events', 'rate_limit_points', 'sessions'].reduce(
    (sum, table) => sum + rows(table),
    0,
  )

describe('floods of unauthenticated requests', () => {
  it('5,000 WebAuthn options calls from one address write a bounded number of rows', async () => {
    t = await createTestApp()
    const before = allRows()
    const statuses: Record<number, number> = {}
    for (let i = 0; i < 5000; i++) {
      const response = await t.call('POST', '/v1/login/webauthn/options', {
        json: {},
        peer: '203.0.113.50',
      })
      statuses[response.status] = (statuses[response.status] ?? 0) + 1
    }
    expect(statuses).toEqual({ 200: 30, 429: 4970 })
    // 30 challenges, one counter, one login.blocked event.
    expect(allRows() - before).toBeLessThanOrEqual(32)
    const refused = await t.call('POST', '/v1/login/webauthn/options', {
      json: {},
      peer: '203.0.113.50',
    })
    expect(await errorOf(refused)).toEqual({ status: 429, error: 'rate_limited' })
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60)
    // Another address, and the same one a minute later, are served.
    const other = await t.call('POST', '/v1/login/webauthn/options', {
      json: {},
      peer: '203.0.113.51',
    })
    expect(other.status).toBe(200)
    t.clock.advance(60)
    const later = await t.call('POST', '/v1/login/webauthn/options', {
      json: {},
      peer: '203.0.113.50',
    })
    expect(later.status).toBe(200)
  }, 60_000)

  it('one login.blocked event per block, its count written at most once a minute', async () => {
    t = await createTestApp({ env: { AUTH_AUDIT_MAX_EVENTS: '100' } })
    await addUser(t, 'alice')
    const attempt = () =>
      t.call('POST', '/v1/login/password', {
        json: { username: 'alice', password: 'wrong password number' },
        peer: '198.51.100.7',
      })
    for (let i = 0; i < 10; i++) expect((await attempt()).status).toBe(401)
    // Far more refusals than the audit log keeps: the failures before them must survive.
    for (let i = 0; i < 600; i++) expect((await attempt()).status).toBe(429)
    t.clock.advance(60)
    expect((await attempt()).status).toBe(429)
    const events = t.services.database.sqlite
      .prepare("SELECT type, detail FROM audit_events WHERE type LIKE 'login.%' ORDER BY id")
      .all() as { type: string; detail: string }[]
    expect(events.map((e) => e.type)).toEqual([...Array(10).fill('login.failed'), 'login.blocked'])
    expect(JSON.parse(events.at(-1)!.detail)).toEqual({ method: 'password', count: 601 })
  }, 60_000)
})

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runMaintenance } from '../../src/startup.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, login } from '../helpers/fixtures.js'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
  await addUser(t, 'alice')
})
afterEach(() => t.close())

const count = (table: string) =>
  (t.services.database.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number })
    .n

describe('maintenance', () => {
  it('drops sessions a day after they ended, with their refresh tokens, and stale rate-limit rows', async () => {
    const kept = await login(t, 'alice')
    const ended = await login(t, 'alice')
    await t.call('POST', '/v1/logout', { json: { refresh_token: ended.refresh_token } })
    await t.call('POST', '/v1/login/password', {
      json: { username: 'alice', password: 'wrong wrong wrong' },
    })
    runMaintenance(t.services)
    expect(count('sessions')).toBe(2)
    t.clock.advance(2 * 86_400 + 1)
    await t.call('POST', '/v1/token/refresh', { json: { refresh_token: kept.refresh_token } })
    runMaintenance(t.services)
    expect(count('sessions')).toBe(1)
    expect(count('refresh_tokens')).toBe(2) // the live session's old and new token
    expect(count('rate_limit_points')).toBe(0)
  })
})

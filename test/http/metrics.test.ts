import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, errorOf, login } from '../helpers/fixtures.js'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
  await addUser(t, 'alice')
})
afterEach(() => t.close())

const scrape = async (peer = '127.0.0.1') => {
  const response = await t.call('GET', '/metrics', { peer })
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/)
  return response.text()
}

describe('GET /metrics', () => {
  it('serves the series of API §9', async () => {
    await login(t, 'alice')
    await t.call('POST', '/v1/login/password', {
      json: { username: 'alice', password: 'wrong wrong wrong' },
    })
    for (let i = 0; i < 11; i++)
      await t.call('POST', '/v1/login/password', {
        json: { username: 'bob', password: 'nope nope nope' },
      })
    await t.call('GET', '/v1/admin/users/123')
    const text = await scrape('::1')
    expect(text).toMatch(
      /hail_mary_auth_http_requests_total\{route="\/v1\/login\/password",method="POST",status="200"\} 1/,
    )
    expect(text).toMatch(
      /hail_mary_auth_http_requests_total\{route="\/v1\/login\/password",method="POST",status="429"\} 1/,
    )
    expect(text).toMatch(
      /hail_mary_auth_http_request_duration_seconds_bucket\{le="0.5",route="\/v1\/login\/password"/,
    )
    // Labelled by pattern, never by raw path (which could hold ids or codes).
    expect(text).toContain('route="/v1/admin/users/:id"')
    expect(text).not.toContain('/v1/admin/users/123')
    expect(text).toMatch(
      /hail_mary_auth_login_attempts_total\{method="password",result="succeeded"\} 1/,
    )
    expect(text).toMatch(
      /hail_mary_auth_login_attempts_total\{method="password",result="failed"\} 11/,
    )
    expect(text).toMatch(
      /hail_mary_auth_login_attempts_total\{method="password",result="blocked"\} 1/,
    )
    expect(text).toMatch(/hail_mary_auth_rate_limit_blocks_total\{method="password"\} 1/)
    expect(text).toMatch(/hail_mary_auth_hash_queue_depth 0/)
    expect(text).toMatch(/hail_mary_auth_active_sessions 1/)
    expect(text).toMatch(/hail_mary_auth_process_resident_memory_bytes \d+/)
  })

  it('answers 403 network_not_allowed outside AUTH_METRICS_NETWORKS, even with a forged X-Forwarded-For', async () => {
    expect(await errorOf(await t.call('GET', '/metrics', { peer: '192.168.1.20' }))).toEqual({
      status: 403,
      error: 'network_not_allowed',
    })
    const forged = await t.call('GET', '/metrics', {
      peer: '192.168.1.20',
      headers: { 'x-forwarded-for': '127.0.0.1' },
    })
    expect(forged.status).toBe(403)
  })

  it('follows AUTH_METRICS_NETWORKS', async () => {
    t.close()
    t = await createTestApp({ env: { AUTH_METRICS_NETWORKS: '10.0.0.0/8' } })
    expect((await t.call('GET', '/metrics', { peer: '10.1.2.3' })).status).toBe(200)
    expect((await t.call('GET', '/metrics', { peer: '127.0.0.1' })).status).toBe(403)
  })
})

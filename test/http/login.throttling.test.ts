import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, countHashes, errorOf, PASSWORD } from '../helpers/fixtures.js'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
  await addUser(t, 'alice')
})
afterEach(() => t.close())

const attempt = (username: string, password: string, peer = '198.51.100.7') =>
  t.call('POST', '/v1/login/password', { json: { username, password }, peer })

describe('password login throttling', () => {
  it('answers 429 after 10 failures for (user, address) without running argon2', async () => {
    for (let i = 0; i < 10; i++)
      expect((await attempt('alice', 'wrong password number')).status).toBe(401)
    const hashes = countHashes(t)
    const blocked = await attempt('alice', PASSWORD)
    expect(await errorOf(blocked)).toEqual({ status: 429, error: 'rate_limited' })
    expect(Number(blocked.headers.get('retry-after'))).toBe(900)
    expect(hashes()).toBe(0)
    // Another address is not blocked for alice; the block ends with time.
    expect((await attempt('alice', PASSWORD, '198.51.100.8')).status).toBe(200)
    t.clock.advance(900)
    expect((await attempt('alice', PASSWORD)).status).toBe(200)
  })

  it('resets the count on a success before the limit', async () => {
    for (let i = 0; i < 9; i++) await attempt('alice', 'wrong password number')
    expect((await attempt('alice', PASSWORD)).status).toBe(200)
    for (let i = 0; i < 9; i++)
      expect((await attempt('alice', 'wrong password number')).status).toBe(401)
    expect((await attempt('alice', PASSWORD)).status).toBe(200)
  })

  it('blocks an unknown username exactly like a known one', async () => {
    const answers = []
    for (const username of ['alice', 'nobody']) {
      for (let i = 0; i < 10; i++) await attempt(username, 'wrong password number')
      const blocked = await attempt(username, 'wrong password number')
      answers.push({
        status: blocked.status,
        body: await blocked.json(),
        retry: blocked.headers.get('retry-after'),
      })
    }
    expect(answers[0]).toEqual(answers[1])
    expect(answers[0]!.status).toBe(429)
  })

  it('counts two addresses of one IPv6 /64 together per address', async () => {
    t.close()
    t = await createTestApp({ env: { AUTH_LIMIT_ADDRESS_FAILURES_PER_DAY: '4' } })
    const a = '2001:db8:1:2::a'
    const b = '2001:db8:1:2:ffff::b'
    await attempt('x1', 'wrong password number', a)
    await attempt('x2', 'wrong password number', b)
    await attempt('x3', 'wrong password number', a)
    await attempt('x4', 'wrong password number', b)
    expect((await attempt('x5', 'wrong password number', a)).status).toBe(429)
    expect((await attempt('x5', 'wrong password number', '2001:db8:1:3::a')).status).toBe(401)
  })

  // The default of 100 is shown by test/unit/config.test.ts; 12 spares 88 argon2 runs.
  it('blocks one address after its failures of the day across usernames', async () => {
    t.close()
    t = await createTestApp({ env: { AUTH_LIMIT_ADDRESS_FAILURES_PER_DAY: '12' } })
    await addUser(t, 'alice')
    for (let i = 0; i < 12; i++) await attempt(`user${i}`, 'wrong password number')
    expect((await attempt('alice', PASSWORD)).status).toBe(429)
    t.clock.advance(86_400)
    expect((await attempt('alice', PASSWORD)).status).toBe(200)
  }, 60_000)

  it('does not count busy or rate-limited answers as failures', async () => {
    for (let i = 0; i < 10; i++) await attempt('alice', 'wrong password number')
    for (let i = 0; i < 20; i++)
      expect((await attempt('alice', 'wrong password number')).status).toBe(429)
    t.clock.advance(900)
    expect((await attempt('alice', PASSWORD)).status).toBe(200)
  })
})

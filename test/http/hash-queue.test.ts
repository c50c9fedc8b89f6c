import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { QUEUE_PER_SLOT } from '../../src/auth/hash-queue.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, errorOf } from '../helpers/fixtures.js'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp({ env: { AUTH_HASH_CONCURRENCY: '1' } })
  await addUser(t, 'alice')
})
afterEach(() => t.close())

const attempt = (username: string, peer: string, password = 'wrong password here') =>
  t.call('POST', '/v1/login/password', { json: { username, password }, peer })
const settle = () => new Promise((resolve) => setImmediate(resolve))

/** Holds the one argon2 slot and every waiting place with work that ends when released. */
async function fillQueue() {
  let open!: () => void
  const gate = new Promise<void>((resolve) => (open = resolve))
  const held = Array.from({ length: 1 + QUEUE_PER_SLOT }, () =>
    t.services.hashQueue.run(() => gate),
  )
  while (t.services.hashQueue.depth() < QUEUE_PER_SLOT) await settle()
  return async () => {
    open()
    await Promise.all(held)
  }
}

describe('the argon2 queue', () => {
  it('answers 503 busy at once beyond 1 running + 64 waiting (distinct users and addresses)', async () => {
    // Each attempt has its own username and address, so no rate limit refuses any of them.
    const queued = Array.from({ length: 1 + QUEUE_PER_SLOT }, (_, i) =>
      attempt(`user${i}`, `198.51.100.${i + 1}`),
    )
    while (t.services.hashQueue.depth() < QUEUE_PER_SLOT) await settle()
    expect(t.services.hashQueue.running()).toBe(1)

    const overflow = await attempt('alice', '203.0.113.5')
    // "At once": answered while the queue is still (nearly) full, not after waiting its turn.
    expect(t.services.hashQueue.depth()).toBeGreaterThanOrEqual(QUEUE_PER_SLOT - 1)
    expect(await errorOf(overflow)).toEqual({ status: 503, error: 'busy' })
    expect(overflow.headers.get('retry-after')).toBe('1')

    const statuses = await Promise.all(queued).then((rs) => rs.map((r) => r.status))
    expect(statuses.every((s) => s === 401)).toBe(true)
    expect(t.services.hashQueue.depth()).toBe(0)
  })

  it('counts busy answers toward no limit: all 10 attempts stay after 12 refusals', async () => {
    const drain = await fillQueue()
    for (let i = 0; i < 12; i++) {
      expect(await errorOf(await attempt('alice', '203.0.113.5'))).toEqual({
        status: 503,
        error: 'busy',
      })
    }
    await drain()
    for (let i = 0; i < 10; i++) expect((await attempt('alice', '203.0.113.5')).status).toBe(401)
    expect((await attempt('alice', '203.0.113.5')).status).toBe(429)
  })

  it('keeps unknown usernames answerable after one met a full queue (the dummy hash)', async () => {
    // Regression: the dummy hash was made lazily through the queue; made while it was full, a
    // rejected promise was kept and every unknown username answered 503 until a restart.
    const drain = await fillQueue()
    expect(await errorOf(await attempt('nobody', '203.0.113.6'))).toEqual({
      status: 503,
      error: 'busy',
    })
    await drain()
    expect(await errorOf(await attempt('nobody', '203.0.113.6'))).toEqual({
      status: 401,
      error: 'invalid_credentials',
    })
  })
})

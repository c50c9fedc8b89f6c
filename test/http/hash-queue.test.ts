import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { QUEUE_PER_SLOT } from '../../src/auth/hash-queue.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, errorOf } from '../helpers/fixtures.js'

let t: TestApp
beforeEach(async () => {
  // Full cost: the queue fills only while each hash takes its real time.
  t = await createTestApp({ env: { AUTH_HASH_CONCURRENCY: '1' }, argon2: 'configured' })
  await addUser(t, 'alice')
})
afterEach(() => t.close())

describe('the argon2 queue', () => {
  it('answers 503 busy at once to the login beyond 1 running + 64 waiting', async () => {
    const attempt = () =>
      t.call('POST', '/v1/login/password', {
        json: { username: 'alice', password: 'wrong password here' },
      })
    const queued = Array.from({ length: 1 + QUEUE_PER_SLOT }, attempt)
    // Let the 65 reach the queue before the next one arrives.
    while (t.services.hashQueue.depth() < QUEUE_PER_SLOT) await new Promise((r) => setImmediate(r))
    expect(t.services.hashQueue.running()).toBe(1)

    const overflow = await attempt()
    // "At once": answered while the queue is still (nearly) full, not after waiting its turn.
    expect(t.services.hashQueue.depth()).toBeGreaterThanOrEqual(QUEUE_PER_SLOT - 1)
    expect(await errorOf(overflow)).toEqual({ status: 503, error: 'busy' })
    expect(overflow.headers.get('retry-after')).toBe('1')

    const statuses = await Promise.all(queued).then((rs) => rs.map((r) => r.status))
    expect(statuses.every((s) => s === 401)).toBe(true)
    expect(t.services.hashQueue.depth()).toBe(0)
  })
})

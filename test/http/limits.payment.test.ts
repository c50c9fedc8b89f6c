import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AuthError } from '../../src/errors.js'
import type { Counter } from '../../src/limits/rate-limits.js'
import { createTestApp, type TestApp } from '../helpers/app.js'

// The payment rules of API §6 on the limits module itself (fresh app, real migrations).
let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

const refusal = {
  userId: null,
  method: 'pin',
  context: { address: '192.0.2.1', addressKey: '192.0.2.1', userAgent: null },
}
const pinUser: Counter[] = [['pinUser', 'u1']]
const pay = (counters = pinUser) => t.services.limits.pay(counters, refusal)
const refusedWith = (attempt: Promise<unknown>) =>
  attempt.then(
    () => null,
    (error: unknown) =>
      error instanceof AuthError ? [error.code, error.retryAfterSeconds] : error,
  )
const busy = () => Promise.reject(new Error('busy'))

describe('paying for attempts', () => {
  it('refuses the attempt beyond the points in flight, with no block and no point kept', async () => {
    const held = await Promise.all(Array.from({ length: 5 }, () => pay()))
    for (let i = 0; i < 20; i++) expect(await refusedWith(pay())).toEqual(['rate_limited', 1])
    for (const payment of held) await payment.succeeded()
    const again = await Promise.all(Array.from({ length: 5 }, () => pay()))
    expect(again).toHaveLength(5)
  })

  it('gives back the points of a check that did not happen (a full queue)', async () => {
    for (let i = 0; i < 5; i++) {
      const payment = await pay()
      await expect(payment.check(busy)).rejects.toThrow('busy')
    }
    const held = await Promise.all(Array.from({ length: 5 }, () => pay()))
    expect(held).toHaveLength(5)
  })

  it('never counts below zero when a success deleted the counter before a give-back', async () => {
    const first = await pay()
    const second = await pay()
    await first.succeeded()
    await expect(second.check(busy)).rejects.toThrow('busy')
    const held = await Promise.all(Array.from({ length: 5 }, () => pay()))
    expect(held).toHaveLength(5)
    expect(await refusedWith(pay())).toEqual(['rate_limited', 1])
  })

  it('starts one block, doubling once, when several failures see the counter spent', async () => {
    const counters: Counter[] = [['secondFactorUser', 'u2']]
    const blockSeconds = async () => {
      const held = await Promise.all(Array.from({ length: 5 }, () => pay(counters)))
      const started = await Promise.all(held.map((payment) => payment.failed()))
      expect(started.filter(Boolean)).toHaveLength(1)
      const refused = (await refusedWith(pay(counters))) as [string, number]
      return refused[1]
    }
    expect(await blockSeconds()).toBe(900)
    t.clock.advance(900)
    expect(await blockSeconds()).toBe(1800)
  })
})

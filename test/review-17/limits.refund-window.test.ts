import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AuthError } from '../../src/errors.js'
import type { Counter } from '../../src/limits/rate-limits.js'
import { createTestApp, type TestApp } from '../helpers/app.js'

// Review of issue 17 (the hand-written give-back): a point is given back to the window it was
// taken from, never to the next one. Regression: an attempt paid just before a window ended
// and answered after the next one began took a point off the failures of the new window, so
// each success that straddled the boundary bought one more wrong secret than API §6 allows.
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
const pinAddress: Counter[] = [['pinAddress', '192.0.2.1']]
const pay = () => t.services.limits.pay(pinAddress, refusal)
const refused = (attempt: Promise<unknown>) =>
  attempt.then(
    () => null,
    (error: unknown) => (error instanceof AuthError ? error.code : error),
  )

describe('a give-back that lands in the next window', () => {
  it('leaves the failures of the new window counted (success paid in the old one)', async () => {
    const early = await pay() // paid in the first 15-minute window
    t.clock.advance(15 * 60 + 1) // that window ends while it is being checked
    for (let i = 0; i < 9; i++) await (await pay()).failed()
    await early.succeeded() // its point goes back: not to the new window's failures
    await (await pay()).failed() // the 10th failure of the new window
    expect(await refused(pay())).toBe('rate_limited')
  })

  it('leaves the failures of the new window counted (a check that did not happen)', async () => {
    const early = await pay()
    t.clock.advance(15 * 60 + 1)
    for (let i = 0; i < 9; i++) await (await pay()).failed()
    await expect(early.check(() => Promise.reject(new Error('busy')))).rejects.toThrow('busy')
    await (await pay()).failed()
    expect(await refused(pay())).toBe('rate_limited')
  })

  it('still gives a point back within its own window', async () => {
    for (let i = 0; i < 9; i++) await (await pay()).failed()
    await (await pay()).succeeded()
    await (await pay()).failed()
    expect(await refused(pay())).toBe('rate_limited')
  })
})

describe('give-backs during a block', () => {
  it('never lift it, however many refused attempts give their point back', async () => {
    const pinUser: Counter[] = [['pinUser', 'u1']]
    const payUser = () => t.services.limits.pay(pinUser, refusal)
    for (let i = 0; i < 5; i++) await (await payUser()).failed()
    const retryAfter = () =>
      payUser().then(
        () => null,
        (error: unknown) => (error instanceof AuthError ? error.retryAfterSeconds : error),
      )
    expect(await retryAfter()).toBe(900)
    for (let i = 0; i < 300; i++) await retryAfter()
    t.clock.advance(899)
    expect(await retryAfter()).toBe(1)
    t.clock.advance(1)
    await (await payUser()).succeeded()
  })
})

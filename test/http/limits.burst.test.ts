import { afterEach, describe, expect, it, vi } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, countHashes, errorOf, PASSWORD } from '../helpers/fixtures.js'
import { addQuickLoginUser, PIN } from '../helpers/household.js'
import { listen, statusCounts, type Listening } from '../helpers/listening.js'
import { addPasskey, enrolTOTP, passwordStep, strongToken } from '../helpers/second-factors.js'

// Signature checks made slow on demand (a busy NAS): the limit must not rely on them being quick.
const slowWebAuthn = vi.hoisted(() => ({ on: false, calls: 0 }))
vi.mock('../../src/lazy.js', async (importOriginal) => {
  const lazy = await importOriginal<typeof import('../../src/lazy.js')>()
  const loadWebAuthn: typeof lazy.loadWebAuthn = async () => {
    const webauthn = await lazy.loadWebAuthn()
    if (!slowWebAuthn.on) return webauthn
    return {
      ...webauthn,
      verifyAuthenticationResponse: async (...args) => {
        slowWebAuthn.calls++
        await new Promise((resolve) => setTimeout(resolve, 100))
        return webauthn.verifyAuthenticationResponse(...args)
      },
    }
  }
  return { ...lazy, loadWebAuthn }
})

// Attempts sent all at once over a real socket (API §6 "pay before checking"). Under the old
// check-then-count code every one of them was checked: 64 × 401.
const BURST = 64
let t: TestApp
let server: Listening
afterEach(async () => {
  await server.close()
  t.close()
})

async function start(env: Record<string, string> = {}) {
  t = await createTestApp({ env: { AUTH_QUICK_LOGIN_NETWORKS: '127.0.0.0/8', ...env } })
  server = await listen(t)
}

const burst = (make: (i: number) => [string, unknown]) =>
  statusCounts(Array.from({ length: BURST }, (_, i) => server.post(...make(i))))
/** Makes `object[name]` take 100 ms more; returns how many times it was called. */
function slowDown<T extends object>(object: T, name: keyof T & string): () => number {
  const original = object[name] as (...args: unknown[]) => unknown
  let calls = 0
  Object.assign(object, {
    [name]: async (...args: unknown[]) => {
      calls++
      await new Promise((resolve) => setTimeout(resolve, 100))
      return original(...args)
    },
  })
  return () => calls
}
const wrongPIN = (i: number) => String(200_000 + i)
const pinRow = () =>
  t.services.database.sqlite.prepare('SELECT pin_failures, pin_disabled FROM users').get()

describe('64 attempts at once', () => {
  it('wrong PINs for one person: 5 checks, the rest 429; two bursts disable the PIN at 10', async () => {
    await start()
    const alice = (await addQuickLoginUser(t, 'alice')).id
    const hashes = countHashes(t)
    const first = await burst((i) => ['/v1/quick-login', { user_id: alice, pin: wrongPIN(i) }])
    expect(first).toEqual({ 401: 5, 429: BURST - 5 })
    expect(hashes()).toBe(5)
    expect(pinRow()).toEqual({ pin_failures: 5, pin_disabled: 0 })

    t.clock.advance(15 * 60)
    // The right PIN rides along at the end of the second burst: it is refused too.
    const second = await burst((i) => [
      '/v1/quick-login',
      { user_id: alice, pin: i === BURST - 1 ? PIN : wrongPIN(i) },
    ])
    expect(second).toEqual({ 401: 5, 429: BURST - 5 })
    expect(hashes()).toBe(10)
    expect(pinRow()).toEqual({ pin_failures: 10, pin_disabled: 1 })
    t.clock.advance(15 * 60)
    expect(
      await errorOf(await server.post('/v1/quick-login', { user_id: alice, pin: PIN })),
    ).toEqual({ status: 403, error: 'pin_disabled' })
  })

  it('wrong PINs across made-up user ids from one address: 10 checks', async () => {
    await start()
    const hashes = countHashes(t)
    const counts = await burst((i) => [
      '/v1/quick-login',
      { user_id: `nobody-${i}`, pin: '731904' },
    ])
    expect(counts).toEqual({ 401: 10, 429: BURST - 10 })
    expect(hashes()).toBe(10)
  })

  it('wrong passwords for one (username, address): 10 checks', async () => {
    await start()
    await addUser(t, 'alice')
    const hashes = countHashes(t)
    const counts = await burst((i) => [
      '/v1/login/password',
      { username: 'alice', password: `wrong password ${i}` },
    ])
    expect(counts).toEqual({ 401: 10, 429: BURST - 10 })
    expect(hashes()).toBe(10)
    // Paid points stay paid: the right password is refused until the block ends.
    const right = await server.post('/v1/login/password', { username: 'alice', password: PASSWORD })
    expect(await errorOf(right)).toEqual({ status: 429, error: 'rate_limited' })
  })

  it('wrong TOTP and recovery codes on one mfa_token: 5 checks (one shared counter)', async () => {
    await start()
    await addUser(t, 'alice')
    await enrolTOTP(t, await strongToken(t, 'alice'))
    t.clock.advance(30)
    const { mfa_token } = await passwordStep(t, 'alice')
    // A code check takes a while on a busy NAS; the limit must not depend on it being quick.
    const checks = slowDown(t.services.totp, 'verify')
    const recoveryChecks = slowDown(t.services.recoveryCodes, 'consume')
    const counts = await burst((i) =>
      i % 2 === 0
        ? ['/v1/login/totp', { mfa_token, code: String(100_000 + i) }]
        : ['/v1/login/recovery-code', { mfa_token, code: `aaaa-bbbb-${1000 + i}` }],
    )
    expect(counts).toEqual({ 401: 5, 429: BURST - 5 })
    expect(checks() + recoveryChecks()).toBe(5)
  })

  it('refused passkey assertions for one person and address: 10 checks', async () => {
    await start()
    await addUser(t, 'alice')
    const { authenticator } = await addPasskey(t, await strongToken(t, 'alice'))
    const ceremonies: { login_id: string; options: never }[] = []
    while (ceremonies.length < BURST + 1) {
      const response = await server.post('/v1/login/webauthn/options', {})
      // 30 options per address per minute: wait for the next minute.
      if (response.status === 429) t.clock.advance(60)
      else ceremonies.push((await response.json()) as never)
    }
    // Each assertion is signed for the ceremony before its own: a wrong assertion by alice's
    // passkey, checked against a live challenge.
    slowWebAuthn.on = true
    const counts = await burst((i) => [
      '/v1/login/webauthn/verify',
      {
        login_id: ceremonies[i + 1]!.login_id,
        response: authenticator.assert(ceremonies[i]!.options),
      },
    ])
    expect(counts).toEqual({ 401: 10, 429: BURST - 10 })
    expect(slowWebAuthn.calls).toBe(10)
  })
})

describe('a correct PIN that a concurrent failure outran', () => {
  it('answers 403 pin_disabled when failures checked meanwhile disabled the PIN', async () => {
    // 20 checks per person here, so the 10th failure can land while the right PIN is checked.
    await start({ AUTH_LIMIT_PIN_FAILURES: '20', AUTH_LIMIT_PIN_ADDRESS_FAILURES: '100' })
    const alice = (await addQuickLoginUser(t, 'alice')).id
    const RIGHT_AT = 15
    // In-process requests start in order, so they reach the argon2 queue (2 at a time) in order.
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.call('POST', '/v1/quick-login', {
          json: { user_id: alice, pin: i === RIGHT_AT ? PIN : wrongPIN(i) },
          peer: '127.0.0.1',
        }),
      ),
    )
    expect(await errorOf(answers[RIGHT_AT]!)).toEqual({ status: 403, error: 'pin_disabled' })
    expect(pinRow()).toMatchObject({ pin_disabled: 1 })
  })
})

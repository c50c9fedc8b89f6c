import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { countHashes, login } from '../helpers/fixtures.js'
import { addQuickLoginUser, PIN } from '../helpers/household.js'
import { listen, statusCounts, type Listening } from '../helpers/listening.js'

// A LAN attacker's PIN bursts over a real socket (API §6) while the person attacked signs in
// with the right PIN at the same moment: their success must not buy the attacker checks.
const BURST = 64
const env = { AUTH_QUICK_LOGIN_NETWORKS: '127.0.0.0/8' }
let t: TestApp
let server: Listening
let alice: string
beforeEach(async () => {
  t = await createTestApp({ env })
  server = await listen(t)
  alice = (await addQuickLoginUser(t, 'alice')).id
})
afterEach(async () => {
  await server.close()
  t.close()
})

const pinAttempt = (pin: string) => server.post('/v1/quick-login', { user_id: alice, pin })
let answered = 0
const wrongPINs = (from: number) =>
  statusCounts(
    Array.from({ length: BURST }, (_, i) =>
      pinAttempt(String(300_000 + from + i)).finally(() => answered++),
    ),
  )
const gate = () => {
  let open!: () => void
  const closed = new Promise<void>((resolve) => (open = resolve))
  return { closed, open }
}
/** Each argon2 task waits for `until(n)` (n = 1 for the first) before it queues; returns the count. */
function holdHashes(until: (call: number) => Promise<void>): () => number {
  const run = t.services.hashQueue.run
  let calls = 0
  t.services.hashQueue.run = (task) => {
    const call = ++calls
    return until(call).then(() => run(task))
  }
  return () => calls
}
const waitFor = async (done: () => boolean) => {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 5))
}

describe('the right PIN during a burst of wrong ones', () => {
  it('does not lift the block that the wrong PINs checked alongside it started', async () => {
    // Regression: the victim's success deleted the per-person counter, lifting that block:
    // each of their sign-ins bought the attacker 4 + 5 checks. Only a password or passkey
    // sign-in lifts a PIN block (API §6).
    const hashes = countHashes(t)
    const victimCheck = gate()
    const calls = holdHashes((call) => (call === 1 ? victimCheck.closed : Promise.resolve()))
    const victim = pinAttempt(PIN)
    await waitFor(() => calls() === 1)
    const first = await wrongPINs(0)
    victimCheck.open()
    expect((await victim).status).toBe(200)
    const second = await wrongPINs(BURST)
    expect(first[401]).toBeLessThanOrEqual(4)
    expect(second).toEqual({ 429: BURST })
    expect(hashes()).toBe(1 + first[401]!)
    // The right PIN reset the running count, not the block: a password sign-in still lifts it.
    await login(t, 'alice')
    expect((await pinAttempt(PIN)).status).toBe(200)
  })

  it('counts the wrong PINs still being checked when the success lands', async () => {
    // Regression: the success deleted the points of the four wrong PINs in flight; their
    // failures then counted nothing, and five more were checked at once: 9 in all.
    const hashes = countHashes(t)
    const [victimCheck, attackChecks] = [gate(), gate()]
    const calls = holdHashes((call) => (call === 1 ? victimCheck.closed : attackChecks.closed))
    const victim = pinAttempt(PIN)
    await waitFor(() => calls() === 1)
    answered = 0
    const first = wrongPINs(0)
    // Every wrong PIN has paid or been refused; the checks of those that paid are held.
    await waitFor(() => answered + calls() - 1 === BURST)
    victimCheck.open()
    expect((await victim).status).toBe(200)
    attackChecks.open()
    const firstCounts = await first
    // Five in a row after the success, however they are split: then the block.
    const second = await wrongPINs(BURST)
    expect((firstCounts[401] ?? 0) + (second[401] ?? 0)).toBe(5)
    expect(hashes()).toBe(6)
  })
})

describe('a password sign-in during a burst of wrong PINs', () => {
  it('lifts the PIN block but keeps the points of the PINs still being checked', async () => {
    // Regression: the sign-in deleted the per-person counter with the points of the five
    // wrong PINs in flight, so five more were checked at once: 10 in all.
    const hashes = countHashes(t)
    const attackChecks = gate()
    const calls = holdHashes((call) => (call <= 5 ? attackChecks.closed : Promise.resolve()))
    answered = 0
    const first = wrongPINs(0)
    await waitFor(() => answered + calls() === BURST)
    await login(t, 'alice')
    const second = await wrongPINs(BURST)
    attackChecks.open()
    expect({ first: await first, second }).toEqual({
      first: { 401: 5, 429: BURST - 5 },
      second: { 429: BURST },
    })
    expect(hashes()).toBe(5 + 1)
  })
})

describe('a restart while wrong PINs are being checked', () => {
  it('leaves no PIN refused for ever: a password sign-in ends the points left held', async () => {
    // Regression: the points of checks a restart cut off are never given back, and the
    // per-person PIN counter has no window: the right PIN got 429 for ever, and a password
    // sign-in lifted nothing (no failure had been counted).
    const calls = holdHashes(() => new Promise<never>(() => undefined))
    const cut = Array.from({ length: 5 }, (_, i) =>
      pinAttempt(String(400_000 + i)).catch(() => null),
    )
    await waitFor(() => calls() === 5)
    await server.close()
    t.close()
    await Promise.all(cut)
    t = await createTestApp({ env, dataDir: t.dataDir, secret: t.secret, clock: t.clock })
    server = await listen(t)
    expect((await pinAttempt(PIN)).status).toBe(429)
    await login(t, 'alice')
    expect((await pinAttempt(PIN)).status).toBe(200)
  })
})

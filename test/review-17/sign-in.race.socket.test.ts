import { afterEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser } from '../helpers/fixtures.js'
import { addQuickLoginUser, PIN } from '../helpers/household.js'
import { listen, statusCounts, type Listening } from '../helpers/listening.js'
import { enrolTOTP, passwordStep, strongToken } from '../helpers/second-factors.js'

// Review of issue 17 (one-commit sign-ins): the same single-use proof sent 64 times at once
// over a real socket gives exactly one session, whatever the interleaving of the checks and
// the commits that use it up.
const BURST = 64
let t: TestApp
let server: Listening
afterEach(async () => {
  await server.close()
  t.close()
})

const sessionCount = () =>
  (t.services.database.sqlite.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number })
    .n

async function twoFactorUser() {
  t = await createTestApp({ env: { AUTH_QUICK_LOGIN_NETWORKS: '127.0.0.0/8' } })
  server = await listen(t)
  await addUser(t, 'alice')
  const enrolled = await enrolTOTP(t, await strongToken(t, 'alice'))
  t.clock.advance(30) // the confirmation code's step is used
  const before = sessionCount()
  const { mfa_token } = await passwordStep(t, 'alice')
  return { ...enrolled, mfa_token, before }
}

describe('one mfa_token sent 64 times at once', () => {
  it('with the same TOTP code: one 200, one new session', async () => {
    const { secret, mfa_token, before } = await twoFactorUser()
    const code = await t.services.totp.generate(secret)
    const counts = await statusCounts(
      Array.from({ length: BURST }, () => server.post('/v1/login/totp', { mfa_token, code })),
    )
    expect(counts[200]).toBe(1)
    expect(Object.keys(counts).filter((s) => Number(s) >= 500)).toEqual([])
    expect(sessionCount()).toBe(before + 1)
  })

  it('with the same recovery code: one 200, one new session, the code used once', async () => {
    const { recoveryCodes, mfa_token, before } = await twoFactorUser()
    const code = recoveryCodes[0]!
    const counts = await statusCounts(
      Array.from({ length: BURST }, () =>
        server.post('/v1/login/recovery-code', { mfa_token, code }),
      ),
    )
    expect(counts[200]).toBe(1)
    expect(Object.keys(counts).filter((s) => Number(s) >= 500)).toEqual([])
    expect(sessionCount()).toBe(before + 1)
  })

  it('with a TOTP code and different recovery codes mixed: one 200, one new session', async () => {
    const { secret, recoveryCodes, mfa_token, before } = await twoFactorUser()
    const code = await t.services.totp.generate(secret)
    const counts = await statusCounts(
      Array.from({ length: BURST }, (_, i) =>
        i % 2 === 0
          ? server.post('/v1/login/totp', { mfa_token, code })
          : server.post('/v1/login/recovery-code', {
              mfa_token,
              code: recoveryCodes[i % recoveryCodes.length]!,
            }),
      ),
    )
    expect(counts[200]).toBe(1)
    expect(Object.keys(counts).filter((s) => Number(s) >= 500)).toEqual([])
    expect(sessionCount()).toBe(before + 1)
    // The mfa_token is used up: nothing more comes of it.
    const again = await server.post('/v1/login/totp', { mfa_token, code })
    expect(again.status).toBe(401)
    expect(((await again.json()) as { error: string }).error).toBe('invalid_mfa_token')
  })
})

describe('one right PIN sent 64 times at once', () => {
  // A right PIN gives its point back (it is no guess), so a burst of them is not held to 5:
  // each answer is a session or 429, never a 5xx, and the PIN's count stays at zero.
  it('answers each with a session of its own or 429, and leaves the PIN usable', async () => {
    await twoFactorUser()
    const bob = await addQuickLoginUser(t, 'bob')
    const before = sessionCount()
    const counts = await statusCounts(
      Array.from({ length: BURST }, () =>
        server.post('/v1/quick-login', { user_id: bob.id, pin: PIN }),
      ),
    )
    expect((counts[200] ?? 0) + (counts[429] ?? 0)).toBe(BURST)
    expect(sessionCount()).toBe(before + (counts[200] ?? 0))
    expect(t.services.users.findById(bob.id)).toMatchObject({ pinFailures: 0, pinDisabled: false })
    expect((await server.post('/v1/quick-login', { user_id: bob.id, pin: PIN })).status).toBe(200)
  })
})

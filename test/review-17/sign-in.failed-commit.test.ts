import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser } from '../helpers/fixtures.js'
import { enrolTOTP, passwordStep, strongToken } from '../helpers/second-factors.js'

// Review of issue 17 (what a sign-in uses up is written in the session's own commit): a
// second step whose session write fails uses up nothing, neither the mfa_token nor the proof.
// Regression: a recovery code (one of ten, single use) and the TOTP time step were used in
// commits of their own before the session was written, so a disk that filled at that moment
// burnt the person's recovery code with no sign-in to show for it.
let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

const failSessionWrites = () =>
  t.services.database.sqlite.exec(
    "CREATE TRIGGER fail_session BEFORE INSERT ON sessions BEGIN SELECT RAISE(ABORT, 'injected'); END",
  )
const healSessionWrites = () => t.services.database.sqlite.exec('DROP TRIGGER fail_session')

async function secondStep() {
  await addUser(t, 'alice')
  const enrolled = await enrolTOTP(t, await strongToken(t, 'alice'))
  t.clock.advance(30)
  const { mfa_token } = await passwordStep(t, 'alice')
  return { ...enrolled, mfa_token }
}

describe('a second step whose session write fails', () => {
  it('POST /v1/login/recovery-code keeps the recovery code', async () => {
    const { recoveryCodes, mfa_token } = await secondStep()
    const code = recoveryCodes[0]!
    const step = () => t.call('POST', '/v1/login/recovery-code', { json: { mfa_token, code } })
    failSessionWrites()
    const failed = await step()
    expect(failed.status).toBeGreaterThanOrEqual(500)
    expect(JSON.stringify(await failed.json())).not.toMatch(/access_token|eyJ/)
    healSessionWrites()
    expect((await step()).status).toBe(200)
  })

  it('POST /v1/login/totp keeps the time step: the same code works once written', async () => {
    const { secret, mfa_token } = await secondStep()
    const code = await t.services.totp.generate(secret)
    const step = () => t.call('POST', '/v1/login/totp', { json: { mfa_token, code } })
    failSessionWrites()
    expect((await step()).status).toBeGreaterThanOrEqual(500)
    healSessionWrites()
    expect((await step()).status).toBe(200)
    // …and once only.
    const { mfa_token: again } = await passwordStep(t, 'alice')
    const replay = await t.call('POST', '/v1/login/totp', { json: { mfa_token: again, code } })
    expect(replay.status).toBe(401)
  })

  it('does not count a failed write as a wrong code', async () => {
    const { recoveryCodes, mfa_token } = await secondStep()
    failSessionWrites()
    for (let i = 0; i < 6; i++) {
      const failed = await t.call('POST', '/v1/login/recovery-code', {
        json: { mfa_token, code: recoveryCodes[i]! },
      })
      expect(failed.status).toBeGreaterThanOrEqual(500)
    }
    healSessionWrites()
    // Six answered 5xx: had they counted, the fifth would have started a block.
    const ok = await t.call('POST', '/v1/login/recovery-code', {
      json: { mfa_token, code: recoveryCodes[6]! },
    })
    expect(ok.status).toBe(200)
  })
})

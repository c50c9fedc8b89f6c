import { decodeJwt } from 'jose'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, errorOf, PASSWORD } from '../helpers/fixtures.js'
import { enrolTOTP, passwordStep, strongToken } from '../helpers/second-factors.js'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
  await addUser(t, 'alice')
})
afterEach(() => t.close())

const totpStep = (mfa_token: string, code: string) =>
  t.call('POST', '/v1/login/totp', { json: { mfa_token, code } })

describe('TOTP', () => {
  it('set-up gives the secret, an otpauth URI and a QR code; nothing changes until confirmed', async () => {
    const token = await strongToken(t, 'alice')
    const setup = (await (await t.call('POST', '/v1/me/totp/setup', { token })).json()) as Record<
      string,
      string
    >
    expect(setup.secret).toMatch(/^[A-Z2-7]{32}$/)
    expect(setup.otpauth_uri).toMatch(/^otpauth:\/\/totp\/Hail%20Mary:alice\?/)
    expect(setup.otpauth_uri).toContain(`secret=${setup.secret}`)
    expect(setup.qr_svg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/)
    const me = (await (await t.call('GET', '/v1/me', { token })).json()) as {
      methods: Record<string, unknown>
    }
    expect(me.methods).toMatchObject({ totp: false, mfa: false })
    const wrong = await t.call('POST', '/v1/me/totp/confirm', { token, json: { code: '000000' } })
    expect(await errorOf(wrong)).toEqual({ status: 400, error: 'invalid_request' })
  })

  it('setup → confirm → password answers mfa_required → a code gives tokens with amr pwd+otp+mfa', async () => {
    const { secret, recoveryCodes } = await enrolTOTP(t, await strongToken(t, 'alice'))
    expect(recoveryCodes).toHaveLength(10)
    expect(new Set(recoveryCodes).size).toBe(10)
    t.clock.advance(30)
    const step = await passwordStep(t, 'alice')
    expect(step.methods).toEqual(['totp', 'recovery_code'])
    const response = await totpStep(step.mfa_token, await t.services.totp.generate(secret))
    expect(response.status).toBe(200)
    const { access_token } = (await response.json()) as { access_token: string }
    expect(new Set(decodeJwt(access_token).amr as string[])).toEqual(new Set(['pwd', 'otp', 'mfa']))
    const me = (await (await t.call('GET', '/v1/me', { token: access_token })).json()) as {
      methods: Record<string, unknown>
    }
    expect(me.methods).toMatchObject({ totp: true, mfa: true })
  })

  it('refuses the same code again, even with a new mfa_token', async () => {
    const { secret } = await enrolTOTP(t, await strongToken(t, 'alice'))
    t.clock.advance(30)
    const code = await t.services.totp.generate(secret)
    expect((await totpStep((await passwordStep(t, 'alice')).mfa_token, code)).status).toBe(200)
    const again = await totpStep((await passwordStep(t, 'alice')).mfa_token, code)
    expect(await errorOf(again)).toEqual({ status: 401, error: 'invalid_credentials' })
  })

  it('refuses the confirmation code itself at the next sign-in (a step is used once)', async () => {
    const token = await strongToken(t, 'alice')
    const setup = (await (await t.call('POST', '/v1/me/totp/setup', { token })).json()) as {
      secret: string
    }
    const code = await t.services.totp.generate(setup.secret)
    expect((await t.call('POST', '/v1/me/totp/confirm', { token, json: { code } })).status).toBe(
      200,
    )
    expect((await totpStep((await passwordStep(t, 'alice')).mfa_token, code)).status).toBe(401)
  })

  it('refuses a code two steps old but accepts one step of drift', async () => {
    const { secret } = await enrolTOTP(t, await strongToken(t, 'alice'))
    t.clock.advance(300)
    const old = await t.services.totp.generate(secret)
    t.clock.advance(60)
    const { mfa_token } = await passwordStep(t, 'alice')
    expect(await errorOf(await totpStep(mfa_token, old))).toEqual({
      status: 401,
      error: 'invalid_credentials',
    })
    t.clock.advance(-30)
    const previous = await t.services.totp.generate(secret)
    t.clock.advance(30)
    expect((await totpStep(mfa_token, previous)).status).toBe(200) // the mfa_token survived the wrong code
  })

  it('accepts each recovery code once, with amr pwd+otp+mfa', async () => {
    const { recoveryCodes } = await enrolTOTP(t, await strongToken(t, 'alice'))
    const use = async (code: string) =>
      t.call('POST', '/v1/login/recovery-code', {
        json: { mfa_token: (await passwordStep(t, 'alice')).mfa_token, code },
      })
    const first = await use(recoveryCodes[0]!.toUpperCase())
    expect(first.status).toBe(200)
    expect(
      new Set(
        decodeJwt(((await first.json()) as { access_token: string }).access_token).amr as string[],
      ),
    ).toEqual(new Set(['pwd', 'otp', 'mfa']))
    expect(await errorOf(await use(recoveryCodes[0]!))).toEqual({
      status: 401,
      error: 'invalid_credentials',
    })
    expect((await use(recoveryCodes[1]!)).status).toBe(200)
    const detail = t.services.database.sqlite
      .prepare(
        "SELECT detail FROM audit_events WHERE type = 'login.succeeded' ORDER BY id DESC LIMIT 1",
      )
      .get() as { detail: string }
    expect(JSON.parse(detail.detail)).toMatchObject({ method: 'recovery_code' })
  })

  it('answers invalid_mfa_token for an unknown, used or expired mfa_token', async () => {
    const { secret } = await enrolTOTP(t, await strongToken(t, 'alice'))
    expect(await errorOf(await totpStep('made-up', '123456'))).toEqual({
      status: 401,
      error: 'invalid_mfa_token',
    })
    t.clock.advance(30)
    const { mfa_token } = await passwordStep(t, 'alice')
    expect((await totpStep(mfa_token, await t.services.totp.generate(secret))).status).toBe(200)
    t.clock.advance(30)
    expect(
      await errorOf(await totpStep(mfa_token, await t.services.totp.generate(secret))),
    ).toEqual({
      status: 401,
      error: 'invalid_mfa_token',
    })
    const late = await passwordStep(t, 'alice')
    t.clock.advance(301)
    expect(
      await errorOf(await totpStep(late.mfa_token, await t.services.totp.generate(secret))),
    ).toEqual({
      status: 401,
      error: 'invalid_mfa_token',
    })
  })

  it('blocks after 5 wrong codes per user (shared with recovery codes)', async () => {
    const { secret } = await enrolTOTP(t, await strongToken(t, 'alice'))
    t.clock.advance(30)
    const { mfa_token } = await passwordStep(t, 'alice')
    for (let i = 0; i < 3; i++) expect((await totpStep(mfa_token, '000000')).status).toBe(401)
    for (let i = 0; i < 2; i++) {
      const response = await t.call('POST', '/v1/login/recovery-code', {
        json: { mfa_token, code: 'aaaa-bbbb-cccc' },
      })
      expect(response.status).toBe(401)
    }
    const blocked = await totpStep(mfa_token, await t.services.totp.generate(secret))
    expect(await errorOf(blocked)).toEqual({ status: 429, error: 'rate_limited' })
  })

  it('doubles the block with each consecutive block, up to a day, until a success', async () => {
    const { secret } = await enrolTOTP(t, await strongToken(t, 'alice'))
    const blockAfterFiveWrong = async () => {
      const { mfa_token } = await passwordStep(t, 'alice')
      for (let i = 0; i < 5; i++) expect((await totpStep(mfa_token, '000000')).status).toBe(401)
      const blocked = await totpStep(mfa_token, '000000')
      expect(await errorOf(blocked)).toEqual({ status: 429, error: 'rate_limited' })
      return Number(blocked.headers.get('retry-after'))
    }
    const seen = []
    for (let round = 0; round < 9; round++) {
      const seconds = await blockAfterFiveWrong()
      seen.push(seconds)
      t.clock.advance(seconds)
    }
    expect(seen).toEqual([900, 1800, 3600, 7200, 14_400, 28_800, 57_600, 86_400, 86_400])
    // A success ends the run: the next block is 15 minutes again.
    const { mfa_token } = await passwordStep(t, 'alice')
    expect((await totpStep(mfa_token, await t.services.totp.generate(secret))).status).toBe(200)
    t.clock.advance(30)
    expect(await blockAfterFiveWrong()).toBe(900)
  }, 60_000)

  it('answers 401, not 500, when the clock was stepped back behind the last used code', async () => {
    const { secret } = await enrolTOTP(t, await strongToken(t, 'alice'))
    t.clock.advance(30)
    const first = await passwordStep(t, 'alice')
    const code = await t.services.totp.generate(secret)
    expect((await totpStep(first.mfa_token, code)).status).toBe(200)
    t.clock.advance(-600)
    const { mfa_token } = await passwordStep(t, 'alice')
    const stale = await totpStep(mfa_token, await t.services.totp.generate(secret))
    expect(await errorOf(stale)).toEqual({ status: 401, error: 'invalid_credentials' })
  })

  it('keeps the secret unreadable in the database file', async () => {
    const { secret } = await enrolTOTP(t, await strongToken(t, 'alice'))
    t.services.database.sqlite.pragma('wal_checkpoint(TRUNCATE)')
    const file = readFileSync(join(t.dataDir, 'auth.db'))
    expect(file.includes(Buffer.from(secret))).toBe(false)
    const row = t.services.database.sqlite
      .prepare('SELECT totp_secret_sealed FROM users')
      .get() as { totp_secret_sealed: string }
    expect(row.totp_secret_sealed).toMatch(/^v1\./)
  })

  it('removing TOTP needs the password and brings password-only sign-in back', async () => {
    const token = await strongToken(t, 'alice')
    await enrolTOTP(t, token)
    const wrong = await t.call('DELETE', '/v1/me/totp', {
      token,
      json: { current_password: 'not the password here' },
    })
    expect(wrong.status).toBe(401)
    const removed = await t.call('DELETE', '/v1/me/totp', {
      token,
      json: { current_password: PASSWORD },
    })
    expect(removed.status).toBe(204)
    const login = await t.call('POST', '/v1/login/password', {
      json: { username: 'alice', password: PASSWORD },
    })
    expect(await login.json()).toHaveProperty('access_token')
  })
})

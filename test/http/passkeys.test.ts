import { decodeJwt } from 'jose'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { createAuthenticator } from '../helpers/authenticator.js'
import { addUser, errorOf, PASSWORD } from '../helpers/fixtures.js'
import { addPasskey, ORIGIN, passwordStep, RP_ID, strongToken } from '../helpers/second-factors.js'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
  await addUser(t, 'alice')
})
afterEach(() => t.close())

type Options = {
  login_id: string
  options: { challenge: string; allowCredentials?: { id: string }[] }
}
const options = async (json: Record<string, unknown> = {}) => {
  const response = await t.call('POST', '/v1/login/webauthn/options', { json })
  expect(response.status).toBe(200)
  return (await response.json()) as Options
}
const verify = (login_id: string, response: unknown) =>
  t.call('POST', '/v1/login/webauthn/verify', { json: { login_id, response } })

describe('passkeys', () => {
  it('registers a passkey and signs in without a username (discoverable)', async () => {
    const { authenticator, passkey } = await addPasskey(t, await strongToken(t, 'alice'))
    expect(passkey.name).toBe('Phone')
    const start = await options()
    expect(start.options.allowCredentials ?? []).toEqual([])
    const response = await verify(start.login_id, authenticator.assert(start.options as never))
    expect(response.status).toBe(200)
    const tokens = (await response.json()) as { access_token: string; user: { username: string } }
    expect(tokens.user.username).toBe('alice')
    expect(decodeJwt(tokens.access_token).amr).toEqual(['hwk'])
  })

  it('signs in with a username (allowCredentials lists the passkeys) and hides unknown usernames', async () => {
    const { authenticator, passkey } = await addPasskey(t, await strongToken(t, 'alice'))
    const known = await options({ username: 'alice' })
    expect(known.options.allowCredentials?.map((c) => c.id)).toEqual([passkey.id])
    expect(
      (await verify(known.login_id, authenticator.assert(known.options as never))).status,
    ).toBe(200)
    const unknown = await options({ username: 'nobody' })
    expect(unknown.options.allowCredentials).toHaveLength(1)
    expect((await options({ username: 'nobody' })).options.allowCredentials).toEqual(
      unknown.options.allowCredentials,
    )
  })

  it('refuses a replayed assertion (the challenge is single use)', async () => {
    const { authenticator } = await addPasskey(t, await strongToken(t, 'alice'))
    const start = await options()
    const assertion = authenticator.assert(start.options as never)
    expect((await verify(start.login_id, assertion)).status).toBe(200)
    expect(await errorOf(await verify(start.login_id, assertion))).toEqual({
      status: 401,
      error: 'invalid_credentials',
    })
    const fresh = await options()
    expect((await verify(fresh.login_id, assertion)).status).toBe(401) // signed over the old challenge
  })

  it.each([
    ['a wrong origin', { origin: 'https://evil.example' }],
    ['a wrong RP id', { rpID: 'evil.example' }],
    ['no user verification', { userVerified: false }],
  ])('refuses an assertion with %s', async (_name, ceremony) => {
    const { authenticator } = await addPasskey(t, await strongToken(t, 'alice'))
    const start = await options()
    const response = await verify(
      start.login_id,
      authenticator.assert(start.options as never, ceremony),
    )
    expect(await errorOf(response)).toEqual({ status: 401, error: 'invalid_credentials' })
  })

  it('refuses a malformed user handle with 401, not 500', async () => {
    const { authenticator } = await addPasskey(t, await strongToken(t, 'alice'))
    for (const userHandle of [12345, { x: 1 }, 'bm90LWFsaWNl']) {
      const start = await options()
      const assertion = authenticator.assert(start.options as never)
      const tampered = { ...assertion, response: { ...assertion.response, userHandle } }
      expect(await errorOf(await verify(start.login_id, tampered))).toEqual({
        status: 401,
        error: 'invalid_credentials',
      })
    }
  })

  it('refuses an expired challenge', async () => {
    const { authenticator } = await addPasskey(t, await strongToken(t, 'alice'))
    const start = await options()
    t.clock.advance(301)
    expect(
      (await verify(start.login_id, authenticator.assert(start.options as never))).status,
    ).toBe(401)
  })

  it('refuses a signature counter that goes backwards, and audits it', async () => {
    const { authenticator } = await addPasskey(t, await strongToken(t, 'alice'))
    const first = await options()
    expect(
      (await verify(first.login_id, authenticator.assert(first.options as never, { counter: 10 })))
        .status,
    ).toBe(200)
    const second = await options()
    expect(
      (await verify(second.login_id, authenticator.assert(second.options as never, { counter: 5 })))
        .status,
    ).toBe(401)
    const audit = t.services.database.sqlite
      .prepare("SELECT type FROM audit_events WHERE type = 'passkey.counter_regressed'")
      .all()
    expect(audit).toHaveLength(1)
  })

  it('refuses registrations with a wrong origin, without UV, or for a used or expired ceremony', async () => {
    const token = await strongToken(t, 'alice')
    const authenticator = createAuthenticator({ origin: ORIGIN, rpID: RP_ID })
    const start = async () =>
      (await (await t.call('POST', '/v1/me/passkeys/options', { token })).json()) as {
        registration_id: string
        options: never
      }
    const register = (registration_id: string, response: unknown) =>
      t.call('POST', '/v1/me/passkeys', { token, json: { registration_id, response } })
    let s = await start()
    expect(
      (
        await register(
          s.registration_id,
          authenticator.register(s.options, { origin: 'https://evil.example' }),
        )
      ).status,
    ).toBe(400)
    s = await start()
    expect(
      (
        await register(
          s.registration_id,
          authenticator.register(s.options, { userVerified: false }),
        )
      ).status,
    ).toBe(400)
    s = await start()
    const good = authenticator.register(s.options)
    expect((await register(s.registration_id, good)).status).toBe(201)
    expect((await register(s.registration_id, good)).status).toBe(400)
    s = await start()
    t.clock.advance(301)
    expect((await register(s.registration_id, authenticator.register(s.options))).status).toBe(400)
  })

  it('excludes existing credentials, lists, renames and deletes passkeys', async () => {
    const token = await strongToken(t, 'alice')
    const { passkey } = await addPasskey(t, token)
    const again = (await (await t.call('POST', '/v1/me/passkeys/options', { token })).json()) as {
      options: {
        excludeCredentials: { id: string }[]
        authenticatorSelection: Record<string, unknown>
      }
    }
    expect(again.options.excludeCredentials.map((c) => c.id)).toEqual([passkey.id])
    expect(again.options.authenticatorSelection).toMatchObject({
      residentKey: 'preferred',
      userVerification: 'required',
    })
    const renamed = await t.call('PATCH', `/v1/me/passkeys/${passkey.id}`, {
      token,
      json: { name: 'Kitchen tablet' },
    })
    expect(await renamed.json()).toMatchObject({
      id: passkey.id,
      name: 'Kitchen tablet',
      last_used_at: null,
    })
    const list = (await (await t.call('GET', '/v1/me/passkeys', { token })).json()) as {
      passkeys: unknown[]
    }
    expect(list.passkeys).toHaveLength(1)
    expect((await t.call('DELETE', `/v1/me/passkeys/${passkey.id}`, { token })).status).toBe(204)
    expect((await t.call('DELETE', `/v1/me/passkeys/${passkey.id}`, { token })).status).toBe(404)
  })

  it('is a second factor after a password: password alone never yields tokens', async () => {
    const { authenticator } = await addPasskey(t, await strongToken(t, 'alice'))
    const step = await passwordStep(t, 'alice')
    expect(step.methods).toEqual(['webauthn', 'recovery_code'])
    const start = await options({ mfa_token: step.mfa_token })
    const response = await verify(start.login_id, authenticator.assert(start.options as never))
    expect(response.status).toBe(200)
    const { access_token } = (await response.json()) as { access_token: string }
    expect(new Set(decodeJwt(access_token).amr as string[])).toEqual(new Set(['pwd', 'hwk', 'mfa']))
    // Bob's passkey cannot finish Alice's sign-in.
    await addUser(t, 'bob')
    const bob = await addPasskey(t, await strongToken(t, 'bob'))
    const aliceStep = await passwordStep(t, 'alice')
    const aliceOptions = await options({ mfa_token: aliceStep.mfa_token })
    const foreign = bob.authenticator.assert({
      ...aliceOptions.options,
      allowCredentials: [],
    } as never)
    expect((await verify(aliceOptions.login_id, foreign)).status).toBe(401)
  })

  it('keeps no usable mfa_token in the database during a passkey second step', async () => {
    // Regression: the ceremony row held the raw mfa_token in its JSON data.
    const { authenticator } = await addPasskey(t, await strongToken(t, 'alice'))
    const step = await passwordStep(t, 'alice')
    const start = await options({ mfa_token: step.mfa_token })
    t.services.database.sqlite.pragma('wal_checkpoint(TRUNCATE)')
    const path = join(t.dataDir, 'auth.db')
    const files = [path, `${path}-wal`].filter(existsSync).map((file) => readFileSync(file))
    expect(files.some((bytes) => bytes.includes(Buffer.from(step.mfa_token)))).toBe(false)
    // The reference still finishes the sign-in, once.
    const assertion = authenticator.assert(start.options as never)
    expect((await verify(start.login_id, assertion)).status).toBe(200)
    const again = await t.call('POST', '/v1/login/webauthn/options', {
      json: { mfa_token: step.mfa_token },
    })
    expect(await errorOf(again)).toEqual({ status: 401, error: 'invalid_mfa_token' })
  })

  it('every sign-in route refuses the password alone once a factor is enrolled', async () => {
    const token = await strongToken(t, 'alice')
    await addPasskey(t, token)
    const response = await t.call('POST', '/v1/login/password', {
      json: { username: 'alice', password: PASSWORD },
    })
    const body = (await response.json()) as Record<string, unknown>
    expect(body).not.toHaveProperty('access_token')
    expect(body).not.toHaveProperty('refresh_token')
    expect(body.mfa_required).toBe(true)
  })
})

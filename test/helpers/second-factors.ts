import { expect } from 'vitest'
import type { TokenResponse } from '../../src/http/views.js'
import type { TestApp } from './app.js'
import { createAuthenticator } from './authenticator.js'
import { login, PASSWORD } from './fixtures.js'

export const ORIGIN = 'http://localhost:3100'
export const RP_ID = 'localhost'

/** Registers a passkey through the real routes with a software authenticator. */
export async function addPasskey(
  t: TestApp,
  accessToken: string,
  authenticator = createAuthenticator({ origin: ORIGIN, rpID: RP_ID }),
) {
  const started = await t.call('POST', '/v1/me/passkeys/options', { token: accessToken })
  expect(started.status).toBe(200)
  const { registration_id, options } = (await started.json()) as {
    registration_id: string
    options: never
  }
  const response = authenticator.register(options)
  const added = await t.call('POST', '/v1/me/passkeys', {
    token: accessToken,
    json: { registration_id, response, name: 'Phone' },
  })
  expect(added.status).toBe(201)
  return { authenticator, passkey: (await added.json()) as { id: string; name: string } }
}

/** Enrols TOTP through the real routes; returns the secret and the recovery codes. */
export async function enrolTOTP(t: TestApp, accessToken: string) {
  const setup = await t.call('POST', '/v1/me/totp/setup', { token: accessToken })
  expect(setup.status).toBe(200)
  const { secret } = (await setup.json()) as { secret: string }
  const code = await t.services.totp.generate(secret)
  const confirmed = await t.call('POST', '/v1/me/totp/confirm', {
    token: accessToken,
    json: { code },
  })
  expect(confirmed.status).toBe(200)
  const { recovery_codes } = (await confirmed.json()) as { recovery_codes: string[] }
  return { secret, recoveryCodes: recovery_codes }
}

export async function passwordStep(
  t: TestApp,
  username: string,
): Promise<{ mfa_token: string; methods: string[] }> {
  const response = await t.call('POST', '/v1/login/password', {
    json: { username, password: PASSWORD },
  })
  expect(response.status).toBe(200)
  const body = (await response.json()) as {
    mfa_required?: boolean
    mfa_token: string
    methods: string[]
  }
  expect(body.mfa_required).toBe(true)
  return body
}

export async function strongToken(t: TestApp, username: string): Promise<string> {
  return ((await login(t, username)) as TokenResponse).access_token
}

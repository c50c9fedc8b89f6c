import { expect } from 'vitest'
import type { TokenResponse } from '../../src/http/views.js'
import type { TestApp } from './app.js'
import { addUser, login } from './fixtures.js'

export const HOME = '192.168.1.20'
export const OUTSIDE = '203.0.113.9'
export const PIN = '482915'

/** A member with a PIN who opted in to quick login, set through the real routes. */
export async function addQuickLoginUser(t: TestApp, username: string, pin = PIN) {
  const user = await addUser(t, username)
  const { access_token } = await login(t, username)
  const set = await t.call('PUT', '/v1/me/pin', {
    token: access_token,
    json: { pin, current_password: 'correct horse battery staple' },
  })
  expect(set.status).toBe(204)
  const optIn = await t.call('PUT', '/v1/me/quick-login', {
    token: access_token,
    json: { enabled: true },
  })
  expect(optIn.status).toBe(204)
  return user
}

export const quickLogin = (
  t: TestApp,
  user_id: string,
  pin: string,
  peer = HOME,
  headers: Record<string, string> = {},
) => t.call('POST', '/v1/quick-login', { json: { user_id, pin }, peer, headers })

export async function quickLoginTokens(
  t: TestApp,
  userId: string,
  pin = PIN,
): Promise<TokenResponse> {
  const response = await quickLogin(t, userId, pin)
  expect(response.status).toBe(200)
  return (await response.json()) as TokenResponse
}

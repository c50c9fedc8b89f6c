import { expect } from 'vitest'
import { createTestApp, type TestApp } from './app.js'
import { addUser, login } from './fixtures.js'
import { addQuickLoginUser, HOME, quickLoginTokens } from './household.js'
import { addPasskey } from './second-factors.js'

/** The callers of the authorization matrix (issue 14). */
export const ROLES = ['none', 'expired', 'pin', 'other', 'member', 'admin'] as const
export type Role = (typeof ROLES)[number]

export interface People {
  t: TestApp
  /** The bearer token each role calls with; `other` is the member using someone else's ids. */
  tokens: Record<Role, string | undefined>
  /** Ids the member owns, and ids of another person, for routes with an `:id`. */
  own: { userId: string; sessionId: string; passkeyId: string }
  others: { userId: string; sessionId: string; passkeyId: string }
}

/**
 * A household where every role exists at once: an admin, a member (with a spare session and a
 * passkey of their own), another member (a session and a passkey the member must not touch),
 * a PIN-only session and an expired access token. All set up through the real routes.
 */
export async function household(): Promise<People> {
  const t = await createTestApp({ env: { AUTH_QUICK_LOGIN_NETWORKS: '192.168.1.0/24' } })
  await addUser(t, 'owner', { role: 'admin' })
  const kid = await addUser(t, 'kid')
  const sis = await addUser(t, 'sis')
  const expired = (await login(t, 'kid', undefined, HOME)).access_token
  // Past its lifetime and the verifier's 30 s of clock tolerance.
  t.clock.advance(t.services.config.accessTokenTTLSeconds + 31)
  expect((await t.call('GET', '/v1/me', { token: expired, peer: HOME })).status).toBe(401)

  const gran = await addQuickLoginUser(t, 'gran')
  const pin = (await quickLoginTokens(t, gran.id)).access_token
  const member = await login(t, 'kid', undefined, HOME)
  const spare = await login(t, 'kid', undefined, HOME)
  const { passkey: ownPasskey } = await addPasskey(t, member.access_token)
  const sister = await login(t, 'sis', undefined, HOME)
  const { passkey: sisPasskey } = await addPasskey(t, sister.access_token)
  const admin = (await login(t, 'owner', undefined, HOME)).access_token
  return {
    t,
    tokens: {
      none: undefined,
      expired,
      pin,
      other: member.access_token,
      member: member.access_token,
      admin,
    },
    own: { userId: kid.id, sessionId: spare.session_id, passkeyId: ownPasskey.id },
    others: { userId: sis.id, sessionId: sister.session_id, passkeyId: sisPasskey.id },
  }
}

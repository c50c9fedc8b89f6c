import { unixSeconds, type Clock } from '../clock.js'
import type { Config } from '../config.js'
import { reauthRequired } from '../errors.js'
import type { RequestContext } from './audit.js'
import { verifyPassword, type PasswordLoginDeps } from './password-login.js'
import type { UserRow } from './users.js'

/**
 * What a request shows of how recently its person signed in: the `auth_time` of its session
 * and, optionally, the password typed again. `'at-the-box'` is the owner at the CLI, who
 * already holds the data directory.
 */
export type Proof = { authTime: number; currentPassword?: string | undefined } | 'at-the-box'

export interface RecentSignInDeps extends PasswordLoginDeps {
  clock: Clock
  config: Pick<Config, 'reauthMaxAgeSeconds'>
}

/**
 * Re-checks the signed-in person's password before a credential change, under the same
 * limits as a sign-in (so it cannot be used to guess the password faster).
 */
export async function confirmPassword(
  deps: PasswordLoginDeps,
  user: UserRow,
  password: string,
  context: RequestContext,
): Promise<void> {
  await verifyPassword(deps, { username: user.username, password }, context)
}

/**
 * Changing how one signs in, and the admin acts of API §7, need a recent sign-in: a stolen
 * 10-minute access token (or one minted from a leaked refresh token, which keeps the
 * original `auth_time`) must not become a permanent passkey. The password, when sent, is
 * checked under the sign-in limits, so this is no faster way to guess it.
 */
export async function assertRecentSignIn(
  deps: RecentSignInDeps,
  user: UserRow,
  proof: Proof,
  context: RequestContext,
): Promise<void> {
  if (proof === 'at-the-box') return
  const age = unixSeconds(deps.clock) - proof.authTime
  if (age >= 0 && age <= deps.config.reauthMaxAgeSeconds) return
  if (proof.currentPassword === undefined || proof.currentPassword === '') throw reauthRequired()
  await confirmPassword(deps, user, proof.currentPassword, context)
}

import { invalidCredentials } from '../errors.js'
import type { Audit, RequestContext } from './audit.js'
import { normalizePassword, normalizeUsername } from './credentials-policy.js'
import type { PasswordHasher } from './password-hasher.js'
import type { Issuer, TokenResponse } from './token-response.js'
import type { UserRow, Users } from './users.js'

export interface PasswordLoginDeps {
  users: Users
  hasher: PasswordHasher
  issuer: Issuer
  audit: Audit
}

/**
 * Checks a username and password. Unknown user, wrong password and disabled account give the
 * same 401, and each runs one argon2 verification, so neither answer nor timing tells them
 * apart (API §4). Returns the user on success; callers decide whether a second factor follows.
 */
export async function verifyPassword(
  deps: PasswordLoginDeps,
  input: { username: string; password: string },
  context: RequestContext,
): Promise<UserRow> {
  const username = normalizeUsername(input.username)
  const user = username ? deps.users.findByUsername(username) : null
  const password = normalizePassword(input.password)
  if (!user || !user.passwordHash) {
    await deps.hasher.dummyVerify(password)
    return fail(deps, null, context, 'unknown_user')
  }
  const result = await deps.hasher.verify(user.passwordHash, password)
  if (!result.ok) return fail(deps, user.id, context, 'wrong_password')
  if (user.disabled) return fail(deps, user.id, context, 'disabled')
  if (result.needsRehash) await deps.users.upgradeHash(user.id, input.password)
  return user
}

function fail(
  deps: PasswordLoginDeps,
  userId: string | null,
  context: RequestContext,
  reason: string,
): never {
  deps.audit.record({
    type: 'login.failed',
    userId,
    context,
    detail: { method: 'password', reason },
  })
  throw invalidCredentials()
}

export async function loginWithPassword(
  deps: PasswordLoginDeps,
  input: { username: string; password: string },
  context: RequestContext,
): Promise<TokenResponse> {
  const user = await verifyPassword(deps, input, context)
  deps.audit.record({
    type: 'login.succeeded',
    userId: user.id,
    context,
    detail: { method: 'password' },
  })
  return deps.issuer.signIn(user, ['pwd'], context)
}

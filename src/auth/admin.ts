import type { RateLimits } from '../limits/rate-limits.js'
import { notFound } from '../errors.js'
import type { Audit, RequestContext } from './audit.js'
import type { Pins } from './pins.js'
import type { Users } from './users.js'

export interface AdminDeps {
  users: Users
  limits: RateLimits
  pins: Pins
  audit: Audit
}

/** Clears a user's rate-limit blocks and re-enables a disabled PIN (API §7). */
export function unlockUser(
  deps: AdminDeps,
  userId: string,
  actorId: string,
  context: RequestContext,
): void {
  const user = deps.users.findById(userId)
  if (!user) throw notFound('No such user.')
  deps.limits.resetMatching('loginUserAddress', `${user.username}|`)
  deps.limits.reset('secondFactorUser', user.id)
  deps.pins.resetFailures(user, 'admin', context, actorId)
  deps.limits.reset('pinUser', user.id)
  deps.audit.record({ type: 'user.unlocked', userId: user.id, actorId, context })
}

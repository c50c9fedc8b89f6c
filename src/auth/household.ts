import { and, count, eq } from 'drizzle-orm'
import type { Clock } from '../clock.js'
import type { DB } from '../db/client.js'
import { users } from '../db/schema.js'
import { conflict, invalidRequest, notFound } from '../errors.js'
import type { Audit, RequestContext } from './audit.js'
import { countPasskeys } from './passkey-store.js'
import { issueResetCode, RESET_CODE_TTL_SECONDS } from './password-reset.js'
import type { OneTimeCodes } from './one-time-codes.js'
import { requiresSecondFactor } from './second-factor.js'
import type { Sessions } from './sessions.js'
import type { Role, UserRow, Users } from './users.js'
import { assertRecentSignIn, type Proof, type RecentSignInDeps } from './recent-sign-in.js'

export interface HouseholdDeps extends RecentSignInDeps {
  db: DB
  clock: Clock
  users: Users
  sessions: Sessions
  codes: OneTimeCodes
  audit: Audit
}

/**
 * Who did it: an admin over HTTP (with address, and the proof of a recent sign-in that
 * creating or promoting an admin and making a reset code need) or the owner at the box (the
 * CLI), who holds the data directory anyway.
 */
export type Actor =
  | { id: string; user: UserRow; context: RequestContext; proof: Proof }
  | { id: null; context?: undefined; proof: 'at-the-box' }

export const AT_THE_BOX: Actor = { id: null, proof: 'at-the-box' }

/** The admin acts of API §7 that hand out power need a recent sign-in. */
async function assertActorRecent(deps: HouseholdDeps, actor: Actor): Promise<void> {
  if (actor.id === null) return
  await assertRecentSignIn(deps, actor.user, actor.proof, actor.context)
}

export interface UserMethods {
  password: boolean
  totp: boolean
  passkeys: number
  pin: boolean
  quickLogin: boolean
  mfa: boolean
}

/** The sign-in methods of a user, as `/v1/me` and the admin views report them (API §7). */
export function userMethods(db: DB, user: UserRow): UserMethods {
  const passkeys = countPasskeys(db, user.id)
  return {
    password: user.passwordHash !== null,
    totp: user.totpSecretSealed !== null,
    passkeys,
    pin: user.pinHash !== null && !user.pinDisabled,
    quickLogin: user.quickLogin,
    mfa: requiresSecondFactor(user, passkeys),
  }
}

export function requireUser(deps: Pick<HouseholdDeps, 'users'>, id: string): UserRow {
  const user = deps.users.findById(id)
  if (!user) throw notFound('No such user.')
  return user
}

const enabledAdmins = (db: DB) =>
  db
    .select({ n: count() })
    .from(users)
    .where(and(eq(users.role, 'admin'), eq(users.disabled, false)))
    .get()?.n ?? 0

/**
 * The household must keep an admin who can sign in: the last enabled admin cannot be
 * removed, disabled or demoted (409). Checked inside the writing transaction.
 */
function guardLastAdmin(db: DB, user: UserRow, losesAdmin: boolean): void {
  if (losesAdmin && user.role === 'admin' && !user.disabled && enabledAdmins(db) <= 1) {
    throw conflict('This is the last enabled admin; make another admin first.')
  }
}

export async function addMember(
  deps: HouseholdDeps,
  input: {
    username: string
    displayName?: string | undefined
    role?: Role | undefined
    password?: string | undefined
  },
  actor: Actor,
): Promise<{ user: UserRow; resetCode: { code: string; expiresAt: number } | null }> {
  // Always: a new member without a password gets a reset code, which is a way in.
  await assertActorRecent(deps, actor)
  const user = await deps.users.create(input)
  deps.audit.record({
    type: 'user.created',
    userId: user.id,
    actorId: actor.id,
    context: actor.context,
    detail: { role: user.role },
  })
  // Without a password the person chooses their own with a one-time code (no mail needed).
  const resetCode = input.password === undefined ? issueResetCode(deps, user.id) : null
  return { user, resetCode }
}

export async function updateMember(
  deps: HouseholdDeps,
  id: string,
  changes: {
    role?: Role | undefined
    disabled?: boolean | undefined
    displayName?: string | undefined
    /** Set by an admin, so verified (API §7); null clears it. */
    email?: string | null | undefined
  },
  actor: Actor,
): Promise<UserRow> {
  // Promoting, and re-enabling an admin (its way in works again), both hand out admin power.
  const target = requireUser(deps, id)
  const becomesAdmin = changes.role === 'admin' && target.role !== 'admin'
  const enablesAdmin =
    changes.disabled === false && target.disabled && (changes.role ?? target.role) === 'admin'
  if (becomesAdmin || enablesAdmin) await assertActorRecent(deps, actor)
  return deps.db.transaction(() => {
    const user = requireUser(deps, id)
    const losesAdmin =
      (changes.role !== undefined && changes.role !== 'admin') || changes.disabled === true
    guardLastAdmin(deps.db, user, losesAdmin)
    const displayName = changes.displayName?.trim()
    if (displayName !== undefined && (displayName.length === 0 || displayName.length > 64)) {
      throw invalidRequest('display_name: must be 1–64 characters')
    }
    // In the same commit as the rest: a PATCH is applied whole or not at all.
    if (changes.email !== undefined) deps.users.assignEmail(id, changes.email, true)
    deps.users.update(id, {
      ...(changes.role !== undefined ? { role: changes.role } : {}),
      ...(changes.disabled !== undefined ? { disabled: changes.disabled } : {}),
      ...(displayName !== undefined ? { displayName } : {}),
    })
    // A disabled account loses every session at once, and so does a role change (API §7):
    // offline verifiers would otherwise see the old `role` in refreshed tokens. Refresh
    // tokens stop working now, access tokens at the next call to this service.
    const roleChanged = changes.role !== undefined && changes.role !== user.role
    if ((changes.disabled === true && !user.disabled) || roleChanged) {
      deps.sessions.revokeAllForUser(id)
      deps.codes.endPending(id)
    }
    const detail = {
      ...(changes.role !== undefined && changes.role !== user.role ? { role: changes.role } : {}),
      ...(changes.disabled !== undefined && changes.disabled !== user.disabled
        ? { disabled: changes.disabled }
        : {}),
      ...(displayName !== undefined && displayName !== user.displayName
        ? { display_name: displayName }
        : {}),
    }
    if (changes.email !== undefined) {
      deps.audit.record({
        type: 'user.email_changed',
        userId: id,
        actorId: actor.id,
        context: actor.context,
        detail: { verified: changes.email !== null && changes.email.trim() !== '' },
      })
      if (Object.keys(detail).length === 0 && changes.displayName === undefined) {
        return requireUser(deps, id)
      }
    }
    const type =
      'disabled' in detail
        ? detail.disabled
          ? 'user.disabled'
          : 'user.enabled'
        : 'role' in detail
          ? 'user.role_changed'
          : 'user.updated'
    deps.audit.record({ type, userId: id, actorId: actor.id, context: actor.context, detail })
    return requireUser(deps, id)
  })
}

export function deleteMember(deps: HouseholdDeps, id: string, actor: Actor): void {
  deps.db.transaction(() => {
    const user = requireUser(deps, id)
    guardLastAdmin(deps.db, user, true)
    deps.users.remove(id)
    deps.audit.record({
      type: 'user.deleted',
      userId: id,
      actorId: actor.id,
      context: actor.context,
      detail: { username: user.username },
    })
  })
}

export async function issueMemberResetCode(
  deps: HouseholdDeps,
  id: string,
  actor: Actor,
): Promise<{ code: string; expiresAt: number }> {
  requireUser(deps, id)
  await assertActorRecent(deps, actor)
  const { code, expiresAt } = issueResetCode(deps, id)
  deps.audit.record({
    type: 'reset_code.issued',
    userId: id,
    actorId: actor.id,
    context: actor.context,
    detail: { ttl_seconds: RESET_CODE_TTL_SECONDS },
  })
  return { code, expiresAt }
}

export function revokeMemberSessions(deps: HouseholdDeps, id: string, actor: Actor): void {
  requireUser(deps, id)
  deps.sessions.revokeAllForUser(id)
  deps.audit.record({
    type: 'sessions.revoked',
    userId: id,
    actorId: actor.id,
    context: actor.context,
  })
}

import { randomUUID } from 'node:crypto'
import { and, count, eq, isNull, lt, ne, or, sql } from 'drizzle-orm'
import { unixSeconds, type Clock } from '../clock.js'
import type { DB } from '../db/client.js'
import { users } from '../db/schema.js'
import { conflict, invalidRequest } from '../errors.js'
import { normalizePassword, normalizeUsername, passwordProblem } from './credentials-policy.js'
import type { PasswordHasher } from './password-hasher.js'

export type UserRow = typeof users.$inferSelect
export type Role = 'admin' | 'member'

/** A new account: no PIN, no second factor yet, MFA on as soon as one is enrolled. */
export function newUserRow(input: {
  id: string
  username: string
  displayName?: string | undefined
  role: Role
  passwordHash: string | null
  now: number
}): UserRow {
  return {
    id: input.id,
    username: input.username,
    displayName: input.displayName?.trim().slice(0, 64) || input.username,
    role: input.role,
    disabled: false,
    passwordHash: input.passwordHash,
    pinHash: null,
    pinFailures: 0,
    pinDisabled: false,
    quickLogin: false,
    mfaEnabled: true,
    totpSecretSealed: null,
    totpPendingSealed: null,
    totpLastStep: null,
    email: null,
    emailVerified: false,
    createdAt: input.now,
    updatedAt: input.now,
  }
}

export type Users = ReturnType<typeof createUsers>

const EMAIL_MAX = 254

/** Lower-cased and trimmed, so the unique index compares addresses case-insensitively. */
function normalizeEmail(email: string | null): string | null {
  if (email === null) return null
  const normalized = email.trim().toLowerCase()
  if (normalized.length === 0) return null
  if (normalized.length > EMAIL_MAX || !/^[^\s@]+@[^\s@]+$/.test(normalized)) {
    throw invalidRequest('email: must be an email address of at most 254 characters')
  }
  return normalized
}

/** What may change on a user row; ids, usernames and creation times never do. */
export type UserChanges = Partial<Omit<UserRow, 'id' | 'username' | 'createdAt' | 'updatedAt'>>

export function createUsers(deps: {
  db: DB
  clock: Clock
  hasher: PasswordHasher
  passwordMinLength: number
}) {
  const { db, clock, hasher } = deps

  // Prepared once: on the sign-in and bearer paths a statement prepared per call costs more
  // than the query itself.
  const byId = db
    .select()
    .from(users)
    .where(eq(users.id, sql.placeholder('id')))
    .prepare()
  const byUsername = db
    .select()
    .from(users)
    .where(eq(users.username, sql.placeholder('username')))
    .prepare()
  // A correct PIN resets its count on every quick sign-in.
  const acceptPINOf = db
    .update(users)
    .set({ pinFailures: 0 })
    .where(and(eq(users.id, sql.placeholder('id')), eq(users.pinDisabled, false)))
    .returning({ id: users.id })
    .prepare()
  const findById = (id: string) => byId.get({ id }) ?? null
  const findByUsername = (username: string) => byUsername.get({ username }) ?? null

  /** Checks the password rules; throws 400 naming the field. */
  function checkPassword(password: string, username: string, field = 'password'): void {
    const problem = passwordProblem(password, { minLength: deps.passwordMinLength, username })
    if (problem) throw invalidRequest(`${field}: ${problem}`)
  }

  return {
    findById,
    findByUsername,
    checkPassword,
    count: () => db.select({ n: count() }).from(users).get()?.n ?? 0,
    list: () => db.select().from(users).orderBy(users.username).all(),

    async create(input: {
      username: string
      displayName?: string
      role?: Role
      password?: string
      id?: string
      passwordHash?: string
    }): Promise<UserRow> {
      const username = normalizeUsername(input.username)
      if (!username) {
        throw invalidRequest('username: must be 3–32 of a-z, 0-9, ".", "_", "-"')
      }
      // The same bound in every door (the API's schema, the web form, `user add`).
      if ((input.displayName?.trim().length ?? 0) > 64) {
        throw invalidRequest('display_name: must be at most 64 characters', 'display_name')
      }
      if (input.password !== undefined) checkPassword(input.password, username)
      if (findByUsername(username)) throw conflict('That username is taken.')
      const passwordHash =
        input.password !== undefined
          ? await hasher.hash(normalizePassword(input.password))
          : (input.passwordHash ?? null)
      const row = newUserRow({
        id: input.id ?? randomUUID(),
        username,
        displayName: input.displayName,
        role: input.role ?? 'member',
        passwordHash,
        now: unixSeconds(clock),
      })
      db.insert(users).values(row).run()
      return row
    },

    /** The argon2id hash of a new password, to be written with `update` in a transaction. */
    hashPassword: (password: string) => hasher.hash(normalizePassword(password)),

    /**
     * Every change to a user row goes through here (this module is the table's one writer);
     * `updatedAt` follows the clock.
     */
    update(userId: string, changes: UserChanges): void {
      db.update(users)
        .set({ ...changes, updatedAt: unixSeconds(clock) })
        .where(eq(users.id, userId))
        .run()
    },

    /**
     * Sets or clears the email address (API §7): lower-cased, unique whatever its case,
     * `email_verified` only when an admin vouches for it. 400 for a malformed address, 409
     * when it belongs to someone else.
     */
    assignEmail(userId: string, email: string | null, verified: boolean): void {
      const address = normalizeEmail(email)
      if (address !== null) {
        const taken = db
          .select({ id: users.id })
          .from(users)
          .where(and(eq(users.email, address), ne(users.id, userId)))
          .get()
        if (taken) throw conflict('That email address belongs to someone else.')
      }
      db.update(users)
        .set({
          email: address,
          emailVerified: address !== null && verified,
          updatedAt: unixSeconds(clock),
        })
        .where(eq(users.id, userId))
        .run()
    },

    remove(userId: string): void {
      db.delete(users).where(eq(users.id, userId)).run()
    },

    /** Rows already checked (a whole import file, in the caller's transaction). */
    insertChecked(row: UserRow): void {
      db.insert(users).values(row).run()
    },

    /** Replaces a hash made with older parameters (or bcrypt) after a successful login. */
    async upgradeHash(userId: string, password: string): Promise<void> {
      const passwordHash = await hasher.hash(normalizePassword(password))
      db.update(users).set({ passwordHash }).where(eq(users.id, userId)).run()
    },

    /**
     * Counts a wrong PIN in SQL (`pin_failures + 1 … RETURNING`), so concurrent failures each
     * count, and disables the PIN at `disableAfter` however the attempts interleave.
     */
    countPinFailure(userId: string, disableAfter: number) {
      return db
        .update(users)
        .set({
          pinFailures: sql`${users.pinFailures} + 1`,
          pinDisabled: sql`${users.pinDisabled} OR ${users.pinFailures} + 1 >= ${disableAfter}`,
          updatedAt: unixSeconds(clock),
        })
        .where(eq(users.id, userId))
        .returning({ failures: users.pinFailures, disabled: users.pinDisabled })
        .get()
    },

    /** Resets the count of a PIN still enabled; false when a failure has disabled it meanwhile. */
    acceptPIN(userId: string): boolean {
      return acceptPINOf.get({ id: userId }) !== undefined
    },

    /** Claims a TOTP time step with a conditional UPDATE: of two requests with one code, one wins. */
    claimTOTPStep(userId: string, step: number): boolean {
      const claimed = db
        .update(users)
        .set({ totpLastStep: step })
        .where(
          and(eq(users.id, userId), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))),
        )
        .run()
      return claimed.changes === 1
    },
  }
}

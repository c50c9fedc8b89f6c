import type { AuthenticatorTransport } from '@simplewebauthn/server'
import { count, eq, sql } from 'drizzle-orm'
import type { DB } from '../db/client.js'
import { passkeys } from '../db/schema.js'

// The reads of the passkeys table, used by sign-in, the second-factor rules and the views;
// registration, renaming and removal live in passkeys.ts.

/** WebAuthn ceremonies must finish within five minutes (API §4). */
export const CEREMONY_TTL_SECONDS = 300

export type PasskeyRow = typeof passkeys.$inferSelect

/** The WebAuthn user handle: the user id's bytes, so a discoverable passkey names its owner. */
export const userHandle = (userId: string) => new TextEncoder().encode(userId)

export const listPasskeys = (db: DB, userId: string) =>
  db.select().from(passkeys).where(eq(passkeys.userId, userId)).orderBy(passkeys.createdAt).all()

const countStatements = new WeakMap<
  DB,
  { get(values: { userId: string }): { n: number } | undefined }
>()

/** Asked on every sign-in and /v1/me: prepared once per database handle. */
export function countPasskeys(db: DB, userId: string): number {
  let statement = countStatements.get(db)
  if (!statement) {
    statement = db
      .select({ n: count() })
      .from(passkeys)
      .where(eq(passkeys.userId, sql.placeholder('userId')))
      .prepare()
    countStatements.set(db, statement)
  }
  return statement.get({ userId })?.n ?? 0
}

export function parseTransports(text: string | null): AuthenticatorTransport[] {
  return text ? (JSON.parse(text) as AuthenticatorTransport[]) : []
}

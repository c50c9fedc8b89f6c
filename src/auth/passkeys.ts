import type {
  PublicKeyCredentialCreationOptionsJSON,
  RegistrationResponseJSON,
  VerifiedRegistrationResponse,
} from '@simplewebauthn/server'
import { loadWebAuthn } from '../lazy.js'
import { and, eq } from 'drizzle-orm'
import { unixSeconds, type Clock } from '../clock.js'
import type { Config } from '../config.js'
import type { DB } from '../db/client.js'
import { passkeys } from '../db/schema.js'
import { invalidRequest, notFound } from '../errors.js'
import type { Audit, RequestContext } from './audit.js'
import type { OneTimeCodes } from './one-time-codes.js'
import type { UserRow } from './users.js'
import {
  CEREMONY_TTL_SECONDS,
  listPasskeys,
  parseTransports,
  userHandle,
  type PasskeyRow,
} from './passkey-store.js'
import { assertRecentSignIn, type Proof, type RecentSignInDeps } from './recent-sign-in.js'

export interface PasskeyDeps {
  db: DB
  clock: Clock
  codes: OneTimeCodes
  audit: Audit
  webauthn: Config['webauthn']
}

/**
 * Creation options: resident key preferred, user verification required, no duplicates.
 * Starting a registration needs a recent sign-in; the single-use ceremony it creates (bound
 * to the user, 5 minutes) is what the registration then presents.
 */
export async function passkeyRegistrationOptions(
  deps: PasskeyDeps & RecentSignInDeps,
  user: UserRow,
  proof: Proof,
  context: RequestContext,
): Promise<{ registrationId: string; options: PublicKeyCredentialCreationOptionsJSON }> {
  await assertRecentSignIn(deps, user, proof, context)
  const { generateRegistrationOptions } = await loadWebAuthn()
  const options = await generateRegistrationOptions({
    rpName: deps.webauthn.rpName,
    rpID: deps.webauthn.rpID,
    userName: user.username,
    userDisplayName: user.displayName,
    userID: userHandle(user.id),
    attestationType: 'none',
    excludeCredentials: listPasskeys(deps.db, user.id).map((p) => ({
      id: p.id,
      transports: parseTransports(p.transports),
    })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
    timeout: CEREMONY_TTL_SECONDS * 1000,
  })
  const { code } = deps.codes.create('webauthn-register', {
    userId: user.id,
    ttlSeconds: CEREMONY_TTL_SECONDS,
    data: { challenge: options.challenge },
  })
  return { registrationId: code, options }
}

export async function registerPasskey(
  deps: PasskeyDeps,
  user: UserRow,
  input: { registrationId: string; response: RegistrationResponseJSON; name: string },
  context: RequestContext,
): Promise<PasskeyRow> {
  const ceremony = deps.codes.consume('webauthn-register', input.registrationId)
  if (!ceremony || ceremony.userId !== user.id) {
    throw invalidRequest('registration_id: unknown, expired or already used; start again')
  }
  const { challenge } = ceremony.data as { challenge: string }
  const { verifyRegistrationResponse } = await loadWebAuthn()
  let verified: VerifiedRegistrationResponse
  try {
    verified = await verifyRegistrationResponse({
      response: input.response,
      expectedChallenge: challenge,
      expectedOrigin: deps.webauthn.origins,
      expectedRPID: deps.webauthn.rpID,
      requireUserVerification: true,
    })
  } catch (error) {
    throw invalidRequest(`response: ${(error as Error).message}`)
  }
  if (!verified.verified) throw invalidRequest('response: the passkey could not be verified')
  const { credential, credentialDeviceType, credentialBackedUp } = verified.registrationInfo
  if (deps.db.select().from(passkeys).where(eq(passkeys.id, credential.id)).get()) {
    throw invalidRequest('response: this passkey is already registered')
  }
  const row: PasskeyRow = {
    id: credential.id,
    userId: user.id,
    name: input.name,
    publicKey: Buffer.from(credential.publicKey).toString('base64url'),
    counter: credential.counter,
    transports: JSON.stringify(credential.transports ?? []),
    deviceType: credentialDeviceType,
    backedUp: credentialBackedUp,
    createdAt: unixSeconds(deps.clock),
    lastUsedAt: null,
  }
  deps.db.insert(passkeys).values(row).run()
  deps.audit.record({
    type: 'passkey.added',
    userId: user.id,
    actorId: user.id,
    context,
    detail: { passkey_id: row.id, name: row.name },
  })
  return row
}

/** A sign-in with the passkey: its new signature counter and when it was last used. */
export function recordPasskeyUse(
  deps: { db: DB; clock: Clock },
  id: string,
  counter: number,
): void {
  deps.db
    .update(passkeys)
    .set({ counter, lastUsedAt: unixSeconds(deps.clock) })
    .where(eq(passkeys.id, id))
    .run()
}

function ownPasskey(db: DB, userId: string, id: string): PasskeyRow {
  const row = db
    .select()
    .from(passkeys)
    .where(and(eq(passkeys.id, id), eq(passkeys.userId, userId)))
    .get()
  if (!row) throw notFound('No such passkey.')
  return row
}

export async function renamePasskey(
  deps: PasskeyDeps & RecentSignInDeps,
  user: UserRow,
  input: { id: string; name: string },
  proof: Proof,
  context: RequestContext,
): Promise<PasskeyRow> {
  ownPasskey(deps.db, user.id, input.id)
  await assertRecentSignIn(deps, user, proof, context)
  deps.db.update(passkeys).set({ name: input.name }).where(eq(passkeys.id, input.id)).run()
  return ownPasskey(deps.db, user.id, input.id)
}

export async function deletePasskey(
  deps: PasskeyDeps & RecentSignInDeps,
  user: UserRow,
  id: string,
  proof: Proof,
  context: RequestContext,
): Promise<void> {
  const userId = user.id
  const row = ownPasskey(deps.db, userId, id)
  await assertRecentSignIn(deps, user, proof, context)
  deps.db.delete(passkeys).where(eq(passkeys.id, id)).run()
  deps.audit.record({
    type: 'passkey.removed',
    userId,
    actorId: userId,
    context,
    detail: { passkey_id: row.id, name: row.name },
  })
}

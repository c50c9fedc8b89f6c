import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server'
import { loadWebAuthn } from '../lazy.js'
import { eq } from 'drizzle-orm'
import { passkeys } from '../db/schema.js'
import { invalidCredentials, invalidMFAToken } from '../errors.js'
import type { Counter, RateLimits } from '../limits/rate-limits.js'
import type { SecretKeys } from '../secret-keys.js'
import type { AMR } from './access-tokens.js'
import type { RequestContext } from './audit.js'
import { normalizeUsername } from './credentials-policy.js'
import {
  CEREMONY_TTL_SECONDS,
  listPasskeys,
  parseTransports,
  type PasskeyRow,
} from './passkey-store.js'
import { recordPasskeyUse, type PasskeyDeps } from './passkeys.js'
import type { Pins } from './pins.js'
import { peekMFA, twoFactorAMR } from './second-factor.js'
import type { IssuedTokens, Issuer } from './token-response.js'
import type { UserRow, Users } from './users.js'

export interface PasskeyLoginDeps extends PasskeyDeps {
  users: Users
  limits: RateLimits
  pins: Pins
  issuer: Issuer
  secretKeys: SecretKeys
}

interface Ceremony {
  challenge: string
  /** Set when the passkey must belong to this user (a username was given, or MFA). */
  userId?: string
  /** The half-finished password sign-in this assertion completes: its row's HMAC. */
  mfaRef?: string
  amr?: AMR[]
}

/**
 * Request options (API §4): for a username its passkeys, for an `mfa_token` the user's, and
 * none for a discoverable passkey. An unknown username gets a stable made-up credential id,
 * so the options do not tell which accounts exist.
 */
export async function passkeyLoginOptions(
  deps: PasskeyLoginDeps,
  input: { username?: string | undefined; mfaToken?: string | undefined },
  context: RequestContext,
): Promise<{ login_id: string; options: PublicKeyCredentialRequestOptionsJSON }> {
  // Each answer writes a challenge row for anyone who asks: rationed per address (API §6).
  await deps.limits.rate(['passkeyOptions', context.addressKey], {
    userId: null,
    method: 'passkey_options',
    context,
  })
  const ceremony: Omit<Ceremony, 'challenge'> = {}
  let allow: { id: string; transports?: ReturnType<typeof parseTransports> }[] = []
  if (input.mfaToken !== undefined) {
    const pending = peekMFA(deps.codes, input.mfaToken)
    // A reference to the mfa_token, never the token: the row must not hold a usable secret.
    const mfaRef = deps.codes.reference('mfa', input.mfaToken)
    Object.assign(ceremony, { userId: pending.userId, mfaRef, amr: pending.amr })
    allow = listPasskeys(deps.db, pending.userId).map((p) => ({
      id: p.id,
      transports: parseTransports(p.transports),
    }))
  } else if (input.username !== undefined) {
    const username = normalizeUsername(input.username)
    const user = username ? deps.users.findByUsername(username) : null
    if (user) {
      ceremony.userId = user.id
      allow = listPasskeys(deps.db, user.id).map((p) => ({
        id: p.id,
        transports: parseTransports(p.transports),
      }))
    }
    if (allow.length === 0)
      allow = [{ id: deps.secretKeys.hashToken(`decoy:${input.username}`).slice(0, 22) }]
  }
  const { generateAuthenticationOptions } = await loadWebAuthn()
  const options = await generateAuthenticationOptions({
    rpID: deps.webauthn.rpID,
    allowCredentials: allow,
    userVerification: 'required',
    timeout: CEREMONY_TTL_SECONDS * 1000,
  })
  const { code } = deps.codes.create('webauthn-login', {
    ttlSeconds: CEREMONY_TTL_SECONDS,
    userId: ceremony.userId ?? null,
    data: { ...ceremony, challenge: options.challenge } satisfies Ceremony,
  })
  return { login_id: code, options }
}

/** Verifies an assertion (single-use challenge, UV required, counter checked) into tokens. */
export async function loginWithPasskey(
  deps: PasskeyLoginDeps,
  input: { loginId: string; response: AuthenticationResponseJSON },
  context: RequestContext,
): Promise<IssuedTokens> {
  const found = deps.codes.consume('webauthn-login', input.loginId)
  const ceremony = found?.data as Ceremony | undefined
  const passkey =
    deps.db
      .select()
      .from(passkeys)
      .where(eq(passkeys.id, String(input.response.id)))
      .get() ?? null
  const owner = passkey ? deps.users.findById(passkey.userId) : null
  const subject = owner?.username ?? `passkey:${String(input.response.id).slice(0, 64)}`
  const checks: Counter[] = [
    ['loginUserAddress', `${subject}|${context.addressKey}`],
    ['loginAddress', context.addressKey],
  ]
  if (ceremony?.mfaRef && ceremony.userId) checks.push(['secondFactorUser', ceremony.userId])
  const payment = await deps.limits.pay(checks, {
    userId: owner?.id ?? null,
    method: 'passkey',
    context,
  })
  const reason = await payment.check(() => refusal(deps, ceremony, passkey, owner, input, context))
  if (reason !== null || !ceremony || !passkey || !owner) {
    const blocked = await payment.failed()
    deps.audit.record({
      type: 'login.failed',
      userId: owner?.id ?? null,
      context,
      detail: { method: 'passkey', reason, ...(blocked ? { blocked: true } : {}) },
    })
    throw invalidCredentials()
  }
  await payment.succeeded()

  let amr: AMR[] = ['hwk']
  if (ceremony.mfaRef) {
    if (!deps.codes.consumeReference('mfa', ceremony.mfaRef)) throw invalidMFAToken()
    amr = twoFactorAMR(ceremony.amr ?? ['pwd'], 'hwk')
  }
  const tokens = await deps.issuer.signIn(owner, amr, context, {
    method: 'passkey',
    passkey_id: passkey.id,
    mfa: Boolean(ceremony.mfaRef),
  })
  // A complete passkey sign-in (tokens issued) lifts a PIN block (API §6).
  deps.pins.resetFailures(owner, 'passkey', context)
  return tokens
}

/** Why an assertion is refused (null: accepted, and the new counter is stored). */
async function refusal(
  deps: PasskeyLoginDeps,
  ceremony: Ceremony | undefined,
  passkey: PasskeyRow | null,
  owner: UserRow | null,
  input: { response: AuthenticationResponseJSON },
  context: RequestContext,
): Promise<string | null> {
  if (!ceremony) return 'unknown_or_used_challenge'
  if (!passkey || !owner || owner.disabled) return 'unknown_passkey'
  if (ceremony.userId && ceremony.userId !== owner.id) return 'other_user'
  // The shape inside `response` is the client's; check the type before decoding it.
  const handle: unknown = input.response.response?.userHandle
  if (handle !== undefined && handle !== null && handle !== '') {
    if (typeof handle !== 'string' || Buffer.from(handle, 'base64url').toString() !== owner.id) {
      return 'user_handle'
    }
  }
  const counter = await verifyAssertion(deps, passkey, ceremony.challenge, input.response, context)
  if (counter === null) return 'assertion'
  recordPasskeyUse(deps, passkey.id, counter)
  return null
}

/** The new signature counter, or null when the assertion is refused. */
async function verifyAssertion(
  deps: PasskeyLoginDeps,
  passkey: PasskeyRow,
  challenge: string,
  response: AuthenticationResponseJSON,
  context: RequestContext,
): Promise<number | null> {
  const { verifyAuthenticationResponse } = await loadWebAuthn()
  try {
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: deps.webauthn.origins,
      expectedRPID: deps.webauthn.rpID,
      credential: {
        id: passkey.id,
        publicKey: Buffer.from(passkey.publicKey, 'base64url'),
        counter: passkey.counter,
        transports: parseTransports(passkey.transports),
      },
      requireUserVerification: true,
    })
    return result.verified ? result.authenticationInfo.newCounter : null
  } catch (error) {
    // A counter that went backwards suggests a cloned authenticator: refuse and record it.
    if (/counter/i.test((error as Error).message)) {
      deps.audit.record({
        type: 'passkey.counter_regressed',
        userId: passkey.userId,
        context,
        detail: { passkey_id: passkey.id, stored_counter: passkey.counter },
      })
    }
    return null
  }
}

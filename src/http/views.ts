import type { AppRow } from '../auth/apps.js'
import type { Audit } from '../auth/audit.js'
import type { GroupRow } from '../auth/groups.js'
import type { PasskeyRow } from '../auth/passkey-store.js'
import type { MFARequired } from '../auth/second-factor.js'
import type { Sessions } from '../auth/sessions.js'
import type { IssuedTokens } from '../auth/token-response.js'
import type { UserMethods } from '../auth/household.js'
import type { UserRow } from '../auth/users.js'
import { requiresSecondFactor } from '../auth/second-factor.js'

/**
 * The JSON shapes of API.md, made from domain values. The domain never speaks the wire
 * format; these functions are the only place that does.
 */
export const isoTime = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString()

export interface PublicUser {
  id: string
  username: string
  display_name: string
  role: UserRow['role']
}

export const publicUser = (user: UserRow): PublicUser => ({
  id: user.id,
  username: user.username,
  display_name: user.displayName,
  role: user.role,
})

export const methodsView = (methods: UserMethods) => ({
  password: methods.password,
  totp: methods.totp,
  passkeys: methods.passkeys,
  pin: methods.pin,
  quick_login: methods.quickLogin,
  mfa: methods.mfa,
})
export type MethodsView = ReturnType<typeof methodsView>

/** What `/v1/me` and the admin views add to the public user (API §7, §11). */
export const memberFactsView = (user: UserRow, groups: string[]) => ({
  email: user.email,
  email_verified: user.emailVerified,
  groups,
})

/**
 * `GET /v1/me` (API §7): the public user, their member facts and their sign-in methods, made
 * from what one statement read (Sessions.liveMember), with the passkeys already counted; the
 * methods as household.ts's userMethods counts them. One literal: the spreads of the shared
 * views cost more than the rest of the answer's making on this, the busiest bearer route.
 */
export const meView = (user: UserRow, groups: string[], passkeys: number) => ({
  id: user.id,
  username: user.username,
  display_name: user.displayName,
  role: user.role,
  email: user.email,
  email_verified: user.emailVerified,
  groups,
  methods: {
    password: user.passwordHash !== null,
    totp: user.totpSecretSealed !== null,
    passkeys,
    pin: user.pinHash !== null && !user.pinDisabled,
    quick_login: user.quickLogin,
    mfa: requiresSecondFactor(user, passkeys),
  },
})

export const adminUserView = (user: UserRow, methods: UserMethods, groups: string[]) => ({
  ...publicUser(user),
  ...memberFactsView(user, groups),
  disabled: user.disabled,
  created_at: isoTime(user.createdAt),
  methods: methodsView(methods),
})

export const sessionView = (s: ReturnType<Sessions['listLive']>[number]) => ({
  id: s.id,
  created_at: isoTime(s.createdAt),
  last_used_at: isoTime(s.lastUsedAt),
  expires_at: isoTime(s.expiresAt),
  address: s.address,
  user_agent: s.userAgent,
  methods: s.methods,
  current: s.current,
})

/** `GET /v1/admin/audit` (API §7): `at` in ISO 8601, newest first. */
export const auditPageView = (page: ReturnType<Audit['page']>) => ({
  events: page.events.map((e) => ({
    id: e.id,
    at: isoTime(e.at),
    type: e.type,
    actor_id: e.actorId,
    user_id: e.userId,
    address: e.address,
    user_agent: e.userAgent,
    detail: e.detail,
  })),
  next_before: page.nextBefore,
})

export const passkeyView = (row: PasskeyRow) => ({
  id: row.id,
  name: row.name,
  created_at: isoTime(row.createdAt),
  last_used_at: row.lastUsedAt === null ? null : isoTime(row.lastUsedAt),
})
export type PasskeyView = ReturnType<typeof passkeyView>

export const groupView = (row: GroupRow) => ({
  name: row.name,
  description: row.description,
  created_at: isoTime(row.createdAt),
})

/** An app as API §11 shows it; never its secret or the secret's hash. */
export const appView = (app: AppRow) => ({
  name: app.name,
  client_id: app.clientId,
  public: app.public,
  pkce: app.pkce,
  id_token_alg: app.idTokenAlg,
  redirect_uris: app.redirectUris,
  post_logout_redirect_uris: app.postLogoutRedirectUris,
  domains: app.domains,
  groups: app.groups,
  allow_pin: app.allowPin,
  require_mfa: app.requireMfa,
  created_at: isoTime(app.createdAt),
  updated_at: isoTime(app.updatedAt),
})
export type AppView = ReturnType<typeof appView>

/** API §4's token response. */
export interface TokenResponse {
  access_token: string
  token_type: 'Bearer'
  expires_in: number
  refresh_token: string
  refresh_expires_in: number
  session_id: string
  user: PublicUser
}

export const tokenResponse = (tokens: IssuedTokens): TokenResponse => ({
  access_token: tokens.accessToken,
  token_type: 'Bearer',
  expires_in: tokens.expiresInSeconds,
  refresh_token: tokens.refreshToken,
  refresh_expires_in: tokens.refreshExpiresInSeconds,
  session_id: tokens.sessionId,
  user: publicUser(tokens.user),
})

/** A sign-in step's answer: the tokens, or the second step of API §4.1. */
export const signInView = (result: IssuedTokens | MFARequired) =>
  result.kind === 'tokens'
    ? tokenResponse(result)
    : { mfa_required: true as const, mfa_token: result.mfaToken, methods: result.methods }

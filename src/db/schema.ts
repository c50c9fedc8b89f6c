import { sql } from 'drizzle-orm'
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'

// Times are unix seconds, always written by the code from the injected clock (no SQL defaults).

export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
})

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role', { enum: ['admin', 'member'] }).notNull(),
    disabled: integer('disabled', { mode: 'boolean' }).notNull(),
    passwordHash: text('password_hash'),
    pinHash: text('pin_hash'),
    pinFailures: integer('pin_failures').notNull(),
    pinDisabled: integer('pin_disabled', { mode: 'boolean' }).notNull(),
    quickLogin: integer('quick_login', { mode: 'boolean' }).notNull(),
    mfaEnabled: integer('mfa_enabled', { mode: 'boolean' }).notNull(),
    totpSecretSealed: text('totp_secret_sealed'),
    totpPendingSealed: text('totp_pending_sealed'),
    totpLastStep: integer('totp_last_step'),
    /** Stored lower-cased, so the unique index is case-insensitive (API §7). */
    email: text('email'),
    /** True only when an admin set the address; a person's own change sets it false. */
    emailVerified: integer('email_verified', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('users_username_unique').on(t.username),
    uniqueIndex('users_email_unique').on(t.email),
  ],
)

export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    amr: text('amr').notNull(),
    authTime: integer('auth_time').notNull(),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    revokedAt: integer('revoked_at'),
    address: text('address'),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
)

/** Every refresh token a session was given, hashed; rotated ones stay to detect reuse. */
export const refreshTokens = sqliteTable(
  'refresh_tokens',
  {
    hash: text('hash').primaryKey(),
    sessionId: text('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    issuedAt: integer('issued_at').notNull(),
    idleExpiresAt: integer('idle_expires_at').notNull(),
    rotatedAt: integer('rotated_at'),
    /**
     * Unix milliseconds of the rotation: the reuse grace (API §5) is compared to the
     * millisecond, since whole seconds spared reuses up to a second past it.
     */
    rotatedAtMs: integer('rotated_at_ms'),
  },
  (t) => [index('refresh_tokens_session_idx').on(t.sessionId)],
)

export const signingKeys = sqliteTable('signing_keys', {
  kid: text('kid').primaryKey(),
  alg: text('alg').notNull(),
  publicJWK: text('public_jwk').notNull(),
  privateSealed: text('private_sealed').notNull(),
  createdAt: integer('created_at').notNull(),
  /**
   * Published from createdAt; signs from activatesAt (one JWKS cache lifetime later). It stops
   * signing when the next key activates and is published until its last token has expired.
   */
  activatesAt: integer('activates_at').notNull(),
})

/** Single-use secrets (setup, reset, MFA step, WebAuthn ceremonies), stored as HMACs. */
export const oneTimeCodes = sqliteTable(
  'one_time_codes',
  {
    hash: text('hash').primaryKey(),
    purpose: text('purpose').notNull(),
    userId: text('user_id').references(() => users.id, { onDelete: 'cascade' }),
    data: text('data'),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('one_time_codes_expiry_idx').on(t.expiresAt)],
)

export const recoveryCodes = sqliteTable(
  'recovery_codes',
  {
    hash: text('hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('recovery_codes_user_idx').on(t.userId)],
)

export const passkeys = sqliteTable(
  'passkeys',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    publicKey: text('public_key').notNull(),
    counter: integer('counter').notNull(),
    transports: text('transports'),
    deviceType: text('device_type'),
    backedUp: integer('backed_up', { mode: 'boolean' }).notNull(),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at'),
  },
  (t) => [index('passkeys_user_idx').on(t.userId)],
)

export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    type: text('type').notNull(),
    actorId: text('actor_id'),
    userId: text('user_id'),
    address: text('address'),
    userAgent: text('user_agent'),
    detail: text('detail')
      .notNull()
      .default(sql`'{}'`),
  },
  (t) => [index('audit_events_at_idx').on(t.at)],
)

/**
 * The points of the rate-limit policies (API §6), persisted so that a restart does not reset
 * them. The layout is rate-limiter-flexible's `RateLimiterSQLite` table (created here, by the
 * migrations, rather than by the library): `key` is `<policy>:<subject>`, `expire` is in unix
 * milliseconds (the library's unit), null for a counter that lasts until a success.
 */
export const rateLimitPoints = sqliteTable('rate_limit_points', {
  key: text('key').primaryKey(),
  points: integer('points').notNull().default(0),
  expire: integer('expire'),
})

/** Groups (API §11): names of 1–32 of a-z 0-9 -. */
export const groups = sqliteTable('groups', {
  name: text('name').primaryKey(),
  description: text('description'),
  createdAt: integer('created_at').notNull(),
})

/** Membership; a group still held by someone or named by an app is not silently dropped. */
export const userGroups = sqliteTable(
  'user_groups',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    groupName: text('group_name')
      .notNull()
      .references(() => groups.name, { onDelete: 'restrict' }),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.groupName] }),
    index('user_groups_group_idx').on(t.groupName),
  ],
)

/**
 * Apps (API §11): an OIDC client, a forward-auth domain, or both, with its access policy.
 * The array columns hold JSON arrays; the client secret is stored only as an HMAC.
 */
export const apps = sqliteTable(
  'apps',
  {
    name: text('name').primaryKey(),
    clientId: text('client_id'),
    clientSecretHash: text('client_secret_hash'),
    public: integer('public', { mode: 'boolean' }).notNull(),
    pkce: integer('pkce', { mode: 'boolean' }).notNull(),
    idTokenAlg: text('id_token_alg', { enum: ['RS256', 'ES256'] }).notNull(),
    redirectUris: text('redirect_uris').notNull(),
    postLogoutRedirectUris: text('post_logout_redirect_uris').notNull(),
    domains: text('domains').notNull(),
    groups: text('groups').notNull(),
    allowPin: integer('allow_pin', { mode: 'boolean' }).notNull(),
    requireMfa: integer('require_mfa', { mode: 'boolean' }).notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('apps_client_id_unique').on(t.clientId)],
)

/** oidc-provider's adapter storage (API §12): one row per model instance, by kind and id. */
export const oidcPayloads = sqliteTable(
  'oidc_payloads',
  {
    id: text('id').notNull(),
    kind: text('kind').notNull(),
    payload: text('payload').notNull(),
    grantId: text('grant_id'),
    userCode: text('user_code'),
    uid: text('uid'),
    accountId: text('account_id'),
    expiresAt: integer('expires_at'),
    consumedAt: integer('consumed_at'),
  },
  (t) => [
    primaryKey({ columns: [t.kind, t.id] }),
    index('oidc_payloads_grant_idx').on(t.grantId),
    index('oidc_payloads_uid_idx').on(t.uid),
    index('oidc_payloads_account_idx').on(t.accountId),
    index('oidc_payloads_expiry_idx').on(t.expiresAt),
  ],
)

/**
 * Forward-auth proxy sessions (API §13): the cookie for AUTH_COOKIE_DOMAIN, stored only as an
 * HMAC and tied to the web UI session that made it, so it ends with that session.
 */
export const proxySessions = sqliteTable(
  'proxy_sessions',
  {
    hash: text('hash').primaryKey(),
    sessionId: text('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('proxy_sessions_session_idx').on(t.sessionId)],
)

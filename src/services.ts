import type { Clock } from './clock.js'
import type { Config } from './config.js'
import type { Database } from './db/client.js'
import type { Logger } from './logger.js'
import type { Metrics } from './metrics.js'
import type { SecretKeys } from './secret-keys.js'
import { createAccessTokens } from './auth/access-tokens.js'
import { createAudit } from './auth/audit.js'
import { createHashQueue } from './auth/hash-queue.js'
import { createOneTimeCodes } from './auth/one-time-codes.js'
import { createPasswordHasher } from './auth/password-hasher.js'
import { createSessions } from './auth/sessions.js'
import { createSigningKeys } from './auth/signing-keys.js'
import { createIssuer } from './auth/token-response.js'
import { createUsers } from './auth/users.js'
import { createPins } from './auth/pins.js'
import { createRateLimits } from './limits/rate-limits.js'
import { createBlockedEvents } from './limits/blocked-events.js'
import { createRecoveryCodes } from './auth/recovery-codes.js'
import { createTOTP } from './auth/totp.js'
import { createOIDCPayloads } from './oidc/payload-store.js'
import { createGroups } from './auth/groups.js'
import { createApps } from './auth/apps.js'
import { createProxySessions } from './auth/proxy-sessions.js'
import { createAppsByHost } from './auth/forward-auth.js'

export interface BaseDeps {
  metrics?: Metrics | undefined
  config: Config
  clock: Clock
  logger: Logger
  database: Database
  secretKeys: SecretKeys
}

export type Services = ReturnType<typeof buildServices>

/** The one place where domain modules are wired together, each given only what it uses. */
export function buildServices(base: BaseDeps) {
  const { config, clock, secretKeys } = base
  const db = base.database.db
  const hashQueue = createHashQueue(config.hashConcurrency)
  const hasher = createPasswordHasher({ argon2: config.argon2, queue: hashQueue })
  const signingKeys = createSigningKeys({
    db,
    clock,
    secretKeys,
    alg: config.signingAlg,
    rotationSeconds: config.keyRotationSeconds,
    accessTokenTTLSeconds: config.accessTokenTTLSeconds,
  })
  const accessTokens = createAccessTokens({ clock, config, signingKeys })
  const oidcPayloads = createOIDCPayloads({ db, clock })
  const sessions = createSessions({
    db,
    clock,
    secretKeys,
    config,
    onRevoke: (userId, everySession) =>
      oidcPayloads.forgetAccount(userId, { includeSessions: everySession }),
  })
  const users = createUsers({ db, clock, hasher, passwordMinLength: config.passwordMinLength })
  const audit = createAudit({
    db,
    clock,
    retention: config.audit,
    observe: base.metrics?.observeAudit,
  })
  const codes = createOneTimeCodes({ db, clock, secretKeys })
  const groups = createGroups({ db, clock })
  const apps = createApps({
    db,
    clock,
    secretKeys,
    groups,
    audience: config.audience,
    allowHTTP: config.issuer.startsWith('http:'),
  })
  const issuer = createIssuer({ db, clock, sessions, accessTokens, audit, groups })
  const limits = createRateLimits({
    database: base.database,
    limits: config.limits,
    blockedEvents: createBlockedEvents({ audit, clock }),
  })
  const pins = createPins({
    db,
    users,
    hasher,
    limits,
    audit,
    disableAfter: config.limits.pinDisableAfter,
  })
  return {
    pinMinLength: config.pinMinLength,
    webauthn: config.webauthn,
    issuerName: config.webauthn.rpName,
    totp: createTOTP({ clock }),
    recoveryCodes: createRecoveryCodes({ db, clock, secretKeys }),
    limits,
    pins,
    ...base,
    db,
    hashQueue,
    hasher,
    signingKeys,
    accessTokens,
    sessions,
    oidcPayloads,
    users,
    audit,
    codes,
    issuer,
    groups,
    apps,
    proxySessions: createProxySessions({ db, clock, secretKeys }),
    appsByHost: createAppsByHost(db),
  }
}

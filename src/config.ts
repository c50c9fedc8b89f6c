import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { parseDurationSeconds } from './duration.js'
import type { CIDR } from './limits/cidr.js'
import { parseNetworkList } from './limits/network-settings.js'
import { assessSecret } from './secret-policy.js'
import { explainReadError } from './unreadable-file.js'
import { commonLists } from './common-words.js'
import { cookieDomainProblem } from './cookie-domain.js'

export type SigningAlg = 'ES256' | 'EdDSA' | 'RS256'

export interface Config {
  /** The secret given by the operator; null means "generate or read $dataDir/secret.key". */
  givenSecret: string | null
  dataDir: string
  databasePath: string
  host: string
  port: number
  issuer: string
  audience: string[]
  accessTokenTTLSeconds: number
  refreshTokenTTLSeconds: number
  refreshIdleTTLSeconds: number
  refreshReuseGraceSeconds: number
  /** How recent a sign-in must be to change credentials or act as admin (API §7). */
  reauthMaxAgeSeconds: number
  signingAlg: SigningAlg
  keyRotationSeconds: number
  trustProxy: CIDR[]
  quickLoginNetworks: CIDR[]
  metricsNetworks: CIDR[]
  webauthn: { rpID: string; origins: string[]; rpName: string }
  passwordMinLength: number
  pinMinLength: number
  argon2: { memoryKiB: number; timeCost: number; parallelism: number }
  hashConcurrency: number
  initialAdmin: { username: string; password: string } | null
  returnToOrigins: string[]
  /** AUTH_COOKIE_DOMAIN: parent domain of the forward-auth apps (API §13); null = off. */
  cookieDomain: string | null
  logLevel: string
  /** What `serve` does on a configuration error (API §1): exit 78, or wait with /readyz 503. */
  onConfigError: ConfigErrorMode
  limits: LimitSettings
  audit: { maxAgeSeconds: number; maxEvents: number }
}

export type Env = Record<string, string | undefined>
export type ReadFile = (path: string) => string
export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] }

export const ARGON2_MINIMUM = { memoryKiB: 19_456, timeCost: 2, parallelism: 1 }

/** The numbers of the rate-limit policies of API §6; `src/limits/rate-limits.ts` uses them. */
export interface LimitSettings {
  loginFailures: number
  loginBlockSeconds: number
  addressFailuresPerDay: number
  secondFactorFailures: number
  pinFailures: number
  pinDisableAfter: number
  pinAddressFailures: number
}

export const DEFAULT_LIMITS: LimitSettings = {
  loginFailures: 10,
  loginBlockSeconds: 15 * 60,
  addressFailuresPerDay: 100,
  secondFactorFailures: 5,
  pinFailures: 5,
  pinDisableAfter: 10,
  pinAddressFailures: 10,
}
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

export type ConfigErrorMode = 'exit' | 'wait'

/**
 * `AUTH_ON_CONFIG_ERROR` alone (default `exit`; null when invalid). Read apart from the rest,
 * because `serve` needs it exactly when some other variable is bad.
 */
export function readConfigErrorMode(env: Env): ConfigErrorMode | null {
  const value = env.AUTH_ON_CONFIG_ERROR?.trim() || 'exit'
  return value === 'exit' || value === 'wait' ? value : null
}

/**
 * Reads and validates every variable of API §1 at once. Pure apart from reading `*_FILE`
 * files through `readFile`; returns every problem, one line each, never a secret's value.
 */
export function loadConfig(env: Env, readFile: ReadFile): ConfigResult {
  const errors: string[] = []
  const fail = (name: string, problem: string, example: string) => {
    errors.push(`${name}: ${problem}, for example ${name}=${example}`)
  }
  const text = (name: string) => {
    const value = env[name]
    return value === undefined || value.trim() === '' ? undefined : value.trim()
  }
  const secretValue = (name: string): string | undefined => {
    const direct = env[name]
    const file = text(`${name}_FILE`)
    if (direct !== undefined && direct !== '' && file !== undefined) {
      errors.push(`${name}: set either ${name} or ${name}_FILE, not both`)
      return undefined
    }
    if (file === undefined) return direct === '' ? undefined : direct
    try {
      return readFile(file).replace(/\r?\n$/, '')
    } catch (error) {
      errors.push(`${name}_FILE: ${explainReadError(file, error)}`)
      return undefined
    }
  }
  const duration = (name: string, fallback: string, maxSeconds = Infinity) => {
    const raw = text(name) ?? fallback
    const seconds = parseDurationSeconds(raw)
    if (seconds === null) fail(name, 'must be a duration like 90s, 10m, 12h or 30d', fallback)
    else if (seconds > maxSeconds) fail(name, `must be at most ${maxSeconds / 60}m`, fallback)
    return seconds ?? 0
  }
  const integer = (name: string, fallback: number, min: number, max: number) => {
    const raw = text(name)
    if (raw === undefined) return fallback
    const value = /^\d+$/.test(raw) ? Number(raw) : NaN
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      fail(name, `must be a whole number from ${min} to ${max}`, String(fallback))
      return fallback
    }
    return value
  }
  const networks = (name: string, fallback: string, refuseEverything = false) => {
    const parsed = parseNetworkList(text(name) ?? fallback, { refuseEverything })
    for (const problem of parsed.problems) fail(name, problem, '192.168.1.0/24,fd00::/8')
    return parsed.networks
  }
  const list = (name: string, fallback: string) =>
    (text(name) ?? fallback)
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean)
  const origins = (name: string, fallback: string) =>
    list(name, fallback).filter((entry) => {
      const origin = originOf(entry)
      if (origin === entry) return true
      fail(name, `"${entry}" is not an origin (scheme://host[:port])`, 'https://auth.home.arpa')
      return false
    })

  const dataDir = text('AUTH_DATA_DIR') ?? './data'
  const port = integer('AUTH_PORT', integer('PORT', 3100, 1, 65_535), 1, 65_535)
  const issuer = text('AUTH_ISSUER') ?? 'http://localhost:3100'
  const issuerURL = parseURL(issuer)
  if (!issuerURL) fail('AUTH_ISSUER', 'must be an absolute http(s) URL', 'https://auth.home.arpa')

  const givenSecret = secretValue('AUTH_SECRET') ?? null
  if (givenSecret !== null) {
    const verdict = assessSecret(givenSecret, commonLists().words)
    if (!verdict.ok) {
      errors.push(
        `AUTH_SECRET: the secret is too weak (${verdict.reason}); ` +
          // A path here is the secret file's, given to the wrong variable (a compose mix-up).
          (/^\/\S+$/.test(givenSecret)
            ? 'it looks like a file path: set AUTH_SECRET_FILE to it instead of AUTH_SECRET; '
            : '') +
          'make a good one with `hail-mary-auth gen-secret` (or `openssl rand -base64 48`), ' +
          'or unset it to have one generated into the data directory',
      )
    }
  }

  const signingAlg = text('AUTH_SIGNING_ALG') ?? 'ES256'
  if (!['ES256', 'EdDSA', 'RS256'].includes(signingAlg)) {
    fail('AUTH_SIGNING_ALG', 'must be ES256, EdDSA or RS256', 'ES256')
  }
  const logLevel = text('AUTH_LOG_LEVEL') ?? 'info'
  if (!LOG_LEVELS.includes(logLevel)) fail('AUTH_LOG_LEVEL', `must be one of ${LOG_LEVELS}`, 'info')
  const onConfigError = readConfigErrorMode(env)
  if (!onConfigError) fail('AUTH_ON_CONFIG_ERROR', 'must be exit or wait', 'wait')

  const argon2 = {
    memoryKiB: integer('AUTH_ARGON2_MEMORY_KIB', 19_456, ARGON2_MINIMUM.memoryKiB, 4_194_304),
    timeCost: integer('AUTH_ARGON2_TIME', 2, ARGON2_MINIMUM.timeCost, 100),
    parallelism: integer('AUTH_ARGON2_PARALLELISM', 1, ARGON2_MINIMUM.parallelism, 16),
  }

  const adminUsername = text('AUTH_INITIAL_ADMIN_USERNAME')
  const adminPassword = secretValue('AUTH_INITIAL_ADMIN_PASSWORD')
  if ((adminUsername === undefined) !== (adminPassword === undefined)) {
    errors.push(
      'AUTH_INITIAL_ADMIN_USERNAME: set it together with AUTH_INITIAL_ADMIN_PASSWORD (or _FILE), or neither',
    )
  }

  const rpID = text('AUTH_WEBAUTHN_RP_ID') ?? issuerURL?.hostname ?? 'localhost'
  const config: Config = {
    givenSecret,
    dataDir,
    databasePath: text('AUTH_DATABASE_PATH') ?? join(dataDir, 'auth.db'),
    host: text('AUTH_HOST') ?? '127.0.0.1',
    port,
    issuer,
    audience: list('AUTH_AUDIENCE', 'hail-mary-api'),
    accessTokenTTLSeconds: duration('AUTH_ACCESS_TOKEN_TTL', '10m', 3600),
    refreshTokenTTLSeconds: duration('AUTH_REFRESH_TOKEN_TTL', '30d'),
    // Unset, the idle TTL is 7 d or the absolute lifetime when that is shorter (§1), so
    // AUTH_REFRESH_TOKEN_TTL=12h alone starts; an explicit longer one is refused below.
    refreshIdleTTLSeconds:
      text('AUTH_REFRESH_IDLE_TTL') === undefined
        ? Math.min(7 * 86_400, parseDurationSeconds(text('AUTH_REFRESH_TOKEN_TTL') ?? '30d') ?? 0)
        : duration('AUTH_REFRESH_IDLE_TTL', '7d'),
    refreshReuseGraceSeconds: duration('AUTH_REFRESH_REUSE_GRACE', '10s', 300),
    reauthMaxAgeSeconds: duration('AUTH_REAUTH_MAX_AGE', '10m'),
    signingAlg: signingAlg as SigningAlg,
    keyRotationSeconds: duration('AUTH_KEY_ROTATION', '30d'),
    trustProxy: networks('AUTH_TRUST_PROXY', '', true),
    quickLoginNetworks: networks('AUTH_QUICK_LOGIN_NETWORKS', '', true),
    metricsNetworks: networks('AUTH_METRICS_NETWORKS', '127.0.0.1/32,::1/128'),
    webauthn: {
      rpID,
      origins: origins('AUTH_WEBAUTHN_ORIGINS', issuerURL?.origin ?? 'http://localhost:3100'),
      rpName: text('AUTH_WEBAUTHN_RP_NAME') ?? 'Hail Mary',
    },
    passwordMinLength: integer('AUTH_PASSWORD_MIN_LENGTH', 15, 8, 256),
    pinMinLength: integer('AUTH_PIN_MIN_LENGTH', 6, 4, 12),
    argon2,
    hashConcurrency: integer('AUTH_HASH_CONCURRENCY', availableParallelism(), 1, 64),
    initialAdmin:
      adminUsername !== undefined && adminPassword !== undefined
        ? { username: adminUsername, password: adminPassword }
        : null,
    returnToOrigins: origins('AUTH_RETURN_TO_ORIGINS', ''),
    cookieDomain: text('AUTH_COOKIE_DOMAIN')?.toLowerCase().replace(/^\./, '') ?? null,
    logLevel,
    onConfigError: onConfigError ?? 'exit',
    audit: {
      maxAgeSeconds: duration('AUTH_AUDIT_RETENTION', '90d'),
      maxEvents: integer('AUTH_AUDIT_MAX_EVENTS', 100_000, 100, 100_000_000),
    },
    limits: {
      loginFailures: integer('AUTH_LIMIT_LOGIN_FAILURES', DEFAULT_LIMITS.loginFailures, 1, 1000),
      loginBlockSeconds: duration('AUTH_LIMIT_BLOCK', '15m'),
      addressFailuresPerDay: integer(
        'AUTH_LIMIT_ADDRESS_FAILURES_PER_DAY',
        DEFAULT_LIMITS.addressFailuresPerDay,
        1,
        100_000,
      ),
      secondFactorFailures: integer(
        'AUTH_LIMIT_SECOND_FACTOR_FAILURES',
        DEFAULT_LIMITS.secondFactorFailures,
        1,
        100,
      ),
      pinFailures: integer('AUTH_LIMIT_PIN_FAILURES', DEFAULT_LIMITS.pinFailures, 1, 100),
      pinDisableAfter: integer(
        'AUTH_LIMIT_PIN_DISABLE_AFTER',
        DEFAULT_LIMITS.pinDisableAfter,
        1,
        1000,
      ),
      pinAddressFailures: integer(
        'AUTH_LIMIT_PIN_ADDRESS_FAILURES',
        DEFAULT_LIMITS.pinAddressFailures,
        1,
        10_000,
      ),
    },
  }
  if (config.cookieDomain !== null) {
    const problem = cookieDomainProblem(config.cookieDomain, issuerURL, config.trustProxy)
    if (problem) fail('AUTH_COOKIE_DOMAIN', problem, 'home.example')
  }
  if (config.refreshIdleTTLSeconds > config.refreshTokenTTLSeconds && errors.length === 0) {
    fail('AUTH_REFRESH_IDLE_TTL', 'must not be longer than AUTH_REFRESH_TOKEN_TTL', '7d')
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, config }
}

function parseURL(text: string): URL | null {
  try {
    const url = new URL(text)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null
  } catch {
    return null
  }
}

function originOf(text: string): string | null {
  return parseURL(text)?.origin ?? null
}

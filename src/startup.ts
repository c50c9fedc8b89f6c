import { timingSafeEqual } from 'node:crypto'
import type { Clock } from './clock.js'
import type { Config } from './config.js'
import { closeDatabase, openDatabase, readMeta, writeMeta, type Database } from './db/client.js'
import { migrateDatabase } from './db/migrate.js'
import { storageFaultOf } from './db/storage-fault.js'
import type { Logger } from './logger.js'
import { failCheck, passCheck, type Readiness } from './readiness.js'
import { deriveSecretKeys, type SecretKeys } from './secret-keys.js'
import { buildServices, type Services } from './services.js'
import { bootstrapFirstAdmin } from './auth/first-admin.js'
import type { Metrics } from './metrics.js'

export interface StartupInput {
  config: Config
  secret: string
  clock: Clock
  logger: Logger
  migrationsDir: string
  readiness: Readiness
  metrics?: Metrics
}

export type OpenOutcome =
  | { kind: 'open'; database: Database; secretKeys: SecretKeys }
  | { kind: 'failed' }
  | { kind: 'config-error'; message: string }

const FINGERPRINT_KEY = 'secret_fingerprint'

/**
 * Opens the database and checks it was created with this secret (API §1.1). A different
 * secret is a configuration error: nothing is written, so the operator can fix it.
 */
export function openChecked(input: StartupInput): OpenOutcome {
  const secretKeys = deriveSecretKeys(input.secret)
  let database: Database
  try {
    database = openDatabase(input.config.databasePath)
  } catch (error) {
    const message = `cannot open ${input.config.databasePath}: ${(error as Error).message}`
    input.logger.error({ err: error }, message)
    // /readyz is public: what is wrong, never the path
    const fault = storageFaultOf(error)
    failCheck(input.readiness, 'database', fault ? fault.summary : 'cannot open the database')
    return { kind: 'failed' }
  }
  const stored = readMeta(database, FINGERPRINT_KEY)
  if (stored !== null && !sameText(stored, secretKeys.fingerprint)) {
    closeDatabase(database)
    return {
      kind: 'config-error',
      message:
        `AUTH_SECRET: ${input.config.databasePath} was created with a different master secret; ` +
        'start with the original secret (or its secret.key). Nothing was changed.',
    }
  }
  passCheck(input.readiness, 'database')
  return { kind: 'open', database, secretKeys }
}

/**
 * The start-up work after the server listens. Never throws: a failure is logged with its
 * cause, reported by `/readyz`, and the process stays up without a restart loop.
 */
export async function completeStartup(
  input: StartupInput,
  database: Database,
  secretKeys: SecretKeys,
  purpose: BootPurpose = 'serve',
): Promise<Services | null> {
  const { config, clock, logger, readiness } = input
  try {
    const result = await migrateDatabase(database, {
      migrationsDir: input.migrationsDir,
      databasePath: config.databasePath,
      clock,
    })
    if (result.backupPath) logger.info({ backup: result.backupPath }, 'database backed up')
    if (result.applied > 0) logger.info({ applied: result.applied }, 'migrations applied')
    passCheck(readiness, 'migrations')
    if (readMeta(database, FINGERPRINT_KEY) === null) {
      writeMeta(database, FINGERPRINT_KEY, secretKeys.fingerprint)
    }
  } catch (error) {
    logger.error({ err: error }, 'database migration failed')
    failCheck(readiness, 'migrations', (error as Error).message)
    return null
  }
  let services: Services
  try {
    services = buildServices({
      config,
      clock,
      logger,
      database,
      secretKeys,
      metrics: input.metrics,
    })
  } catch (error) {
    logger.error({ err: error }, 'the services could not be built')
    failCheck(readiness, 'bootstrap', 'the services could not be built; see the log')
    return null
  }
  try {
    await services.signingKeys.load()
    await services.signingKeys.ensureCurrent()
    passCheck(readiness, 'signing_keys')
  } catch (error) {
    logger.error({ err: error }, 'signing keys could not be loaded')
    failCheck(readiness, 'signing_keys', (error as Error).message)
    return null
  }
  if (purpose === 'command') {
    readiness.status = 'ready'
    return services
  }
  // The server runs the first maintenance once its storage watch exists (server.ts): a
  // database locked or full at start then shows in /readyz instead of a warning only.
  // A failed bootstrap (say, a weak initial admin password) is shown but does not stop the
  // service: the setup code remains a way in.
  try {
    passCheck(readiness, 'bootstrap', await bootstrapFirstAdmin(services, config.initialAdmin))
  } catch (error) {
    logger.error({ err: error }, 'creating the initial admin failed')
    readiness.checks.bootstrap = { status: 'failed', message: (error as Error).message }
    await bootstrapFirstAdmin(services, null).catch(() => undefined)
  }
  input.metrics?.attach(services)
  readiness.status = 'ready'
  return services
}

/** A command of the CLI runs the same start-up but bootstraps nothing and prunes nothing. */
export type BootPurpose = 'serve' | 'command'

export type Booted =
  | { kind: 'config-error'; message: string }
  | { kind: 'started'; database: Database | null; services: Services | null }

/**
 * The one start-up sequence of the server, the tests and the benchmarks: open the database
 * with the secret checks, run `afterOpen` (the server listens there, so `/healthz` answers
 * while migrations run), then migrate, load keys and bootstrap. `services` is null when a
 * step failed; `/readyz` then says which.
 */
export async function boot(
  input: StartupInput,
  afterOpen: () => Promise<void> = async () => undefined,
  purpose: BootPurpose = 'serve',
): Promise<Booted> {
  const opened = openChecked(input)
  if (opened.kind === 'config-error') return opened
  try {
    await afterOpen()
  } catch (error) {
    if (opened.kind === 'open') closeDatabase(opened.database)
    throw error
  }
  if (opened.kind !== 'open') return { kind: 'started', database: null, services: null }
  const services = await completeStartup(input, opened.database, opened.secretKeys, purpose)
  return { kind: 'started', database: opened.database, services }
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

/**
 * Keeps the database bounded: old audit events, ended sessions, the OIDC provider's expired
 * rows, stale rate-limit rows.
 */
export function runMaintenance(services: Services): void {
  services.audit.prune()
  services.sessions.pruneEnded()
  services.oidcPayloads.pruneExpired()
  services.limits.prune()
}

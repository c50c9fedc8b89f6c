import { readFileSync } from 'node:fs'
import { systemClock } from '../clock.js'
import { loadConfig, type Config, type Env } from '../config.js'
import { closeDatabase, type Database } from '../db/client.js'
import type { SecretKeys } from '../secret-keys.js'
import { migrateDatabase } from '../db/migrate.js'
import { createLogger } from '../logger.js'
import { defaultMigrationsDir } from '../package-root.js'
import { createReadiness } from '../readiness.js'
import { resolveSecret } from '../secret-file.js'
import { buildServices, type Services } from '../services.js'
import { openChecked } from '../startup.js'

/** A command failed in a way the user can act on: one line, a chosen exit code. */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message)
  }
}

export interface CommandContext {
  services: Services
  migrationsDir: string
}

export interface DatabaseContext {
  config: Config
  database: Database
  migrationsDir: string
}

export function configFrom(env: Env): Config {
  const loaded = loadConfig(env, (path) => readFileSync(path, 'utf8'))
  if (!loaded.ok) throw new CommandError(`configuration error: ${loaded.errors.join('; ')}`, 78)
  return loaded.config
}

/**
 * Opens the database the way the server does (same secret checks, pending migrations applied
 * with a backup first) and runs one command on the same services the routes use.
 */
export async function withServices<T>(
  env: Env,
  run: (context: CommandContext) => Promise<T> | T,
): Promise<T> {
  return withDatabase(env, async ({ config, database, migrationsDir }, secretKeys) => {
    await migrateDatabase(database, {
      migrationsDir,
      databasePath: config.databasePath,
      clock: systemClock,
    }).catch((error: Error) => {
      throw new CommandError(error.message)
    })
    const logger = createLogger('silent')
    const services = buildServices({ config, clock: systemClock, logger, database, secretKeys })
    return run({ services, migrationsDir })
  })
}

/** Opens the database with the server's secret checks, migrating nothing. */
export async function withDatabase<T>(
  env: Env,
  run: (context: DatabaseContext, secretKeys: SecretKeys) => Promise<T> | T,
): Promise<T> {
  const config = configFrom(env)
  const secret = resolveSecret(config.givenSecret, config.dataDir)
  if (!secret.ok) throw new CommandError(`configuration error: ${secret.error}`, 78)
  const migrationsDir = defaultMigrationsDir()
  const logger = createLogger('silent')
  const opened = openChecked({
    config,
    secret: secret.secret,
    clock: systemClock,
    logger,
    migrationsDir,
    readiness: createReadiness(),
  })
  if (opened.kind === 'config-error') {
    throw new CommandError(`configuration error: ${opened.message}`, 78)
  }
  if (opened.kind === 'failed') throw new CommandError(`cannot open ${config.databasePath}`)
  const { database, secretKeys } = opened
  try {
    return await run({ config, database, migrationsDir }, secretKeys)
  } finally {
    closeDatabase(database)
  }
}

import { readFileSync } from 'node:fs'
import { systemClock } from '../clock.js'
import { loadConfig, type Config, type Env } from '../config.js'
import { closeDatabase, type Database } from '../db/client.js'
import type { SecretKeys } from '../secret-keys.js'
import { createLogger } from '../logger.js'
import { defaultMigrationsDir } from '../package-root.js'
import { createReadiness } from '../readiness.js'
import { resolveSecret } from '../secret-file.js'
import type { Services } from '../services.js'
import { boot, openChecked } from '../startup.js'

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
 * Starts the way the server does (the same `boot()`: secret checks, pending migrations
 * applied with a backup first, keys loaded) and runs one command on the same services the
 * routes use. Nothing is bootstrapped: a command never makes a setup code.
 */
export async function withServices<T>(
  env: Env,
  run: (context: CommandContext) => Promise<T> | T,
): Promise<T> {
  const config = configFrom(env)
  const secret = resolveSecret(config.givenSecret, config.dataDir, config.databasePath)
  if (!secret.ok) throw new CommandError(`configuration error: ${secret.error}`, 78)
  const migrationsDir = defaultMigrationsDir()
  const readiness = createReadiness()
  const input = {
    config,
    secret: secret.secret,
    clock: systemClock,
    logger: createLogger('silent'),
    migrationsDir,
    readiness,
  }
  const booted = await boot(input, async () => undefined, 'command')
  if (booted.kind === 'config-error') {
    throw new CommandError(`configuration error: ${booted.message}`, 78)
  }
  const { services, database } = booted
  try {
    if (!services) {
      const failed = Object.values(readiness.checks).find((check) => check.status === 'failed')
      throw new CommandError(failed?.message ?? `cannot open ${config.databasePath}`)
    }
    return await run({ services, migrationsDir })
  } finally {
    services?.limits.close()
    if (database) closeDatabase(database)
  }
}

/** Opens the database with the server's secret checks, migrating nothing. */
export async function withDatabase<T>(
  env: Env,
  run: (context: DatabaseContext, secretKeys: SecretKeys) => Promise<T> | T,
): Promise<T> {
  const config = configFrom(env)
  const secret = resolveSecret(config.givenSecret, config.dataDir, config.databasePath)
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

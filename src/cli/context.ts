import { readFileSync } from 'node:fs'
import { systemClock, type Clock } from '../clock.js'
import { loadConfig, type Config, type Env } from '../config.js'
import { closeDatabase, type Database } from '../db/client.js'
import { createLogger } from '../logger.js'
import { defaultMigrationsDir } from '../package-root.js'
import { createReadiness } from '../readiness.js'
import { resolveSecret } from '../secret-file.js'
import type { SecretKeys } from '../secret-keys.js'
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
  config: Config
  clock: Clock
  database: Database
  secretKeys: SecretKeys
  migrationsDir: string
}

export function configFrom(env: Env): Config {
  const loaded = loadConfig(env, (path) => readFileSync(path, 'utf8'))
  if (!loaded.ok) throw new CommandError(`configuration error: ${loaded.errors.join('; ')}`, 78)
  return loaded.config
}

/** Opens the database the way the server does (same secret checks), for one command. */
export async function withDatabase<T>(
  env: Env,
  run: (context: CommandContext) => Promise<T> | T,
): Promise<T> {
  const config = configFrom(env)
  const secret = resolveSecret(config.givenSecret, config.dataDir)
  if (!secret.ok) throw new CommandError(`configuration error: ${secret.error}`, 78)
  const migrationsDir = defaultMigrationsDir()
  const opened = openChecked({
    config,
    secret: secret.secret,
    clock: systemClock,
    logger: createLogger('silent'),
    migrationsDir,
    readiness: createReadiness(),
  })
  if (opened.kind === 'config-error')
    throw new CommandError(`configuration error: ${opened.message}`, 78)
  if (opened.kind === 'failed') throw new CommandError(`cannot open ${config.databasePath}`)
  try {
    return await run({
      config,
      clock: systemClock,
      database: opened.database,
      secretKeys: opened.secretKeys,
      migrationsDir,
    })
  } finally {
    closeDatabase(opened.database)
  }
}

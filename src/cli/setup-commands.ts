import { systemClock } from '../clock.js'
import type { Env } from '../config.js'
import { writeBackup } from '../db/client.js'
import { migrateDatabase, planMigrations } from '../db/migrate.js'
import { generateSecret } from '../secret-keys.js'
import { CommandError, configFrom, withDatabase } from './context.js'
import { resolveSecretFileStatus } from './secret-status.js'

/** The commands that set a box up; returns what to print, or throws a CommandError. */
export async function runSetupCommand(
  command: string,
  args: string[],
  env: Env,
): Promise<string | null> {
  switch (command) {
    case 'gen-secret':
      return generateSecret()
    case 'check-config':
      return `configuration is valid; ${resolveSecretFileStatus(configFrom(env))}`
    case 'migrate':
      return withDatabase(env, async ({ config, database, migrationsDir }) => {
        const result = await migrateDatabase(database, {
          migrationsDir,
          databasePath: config.databasePath,
          clock: systemClock,
        }).catch((error: Error) => {
          throw new CommandError(error.message)
        })
        const pending = planMigrations(database, migrationsDir).pending.length
        const backup = result.backupPath ? ` (backup: ${result.backupPath})` : ''
        return `${result.applied} migration(s) applied${backup}; ${pending} pending`
      })
    case 'backup': {
      const file = args[0]
      if (!file) throw new CommandError('usage: hail-mary-auth backup <file>', 64)
      // The database as it is, pending migrations and all: a backup must not change it first.
      return withDatabase(env, async ({ database }) => {
        await writeBackup(database, file)
        return `backup written to ${file}`
      })
    }
    default:
      return null
  }
}

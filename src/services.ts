import type { Clock } from './clock.js'
import type { Config } from './config.js'
import type { Database } from './db/client.js'
import type { Logger } from './logger.js'
import type { SecretKeys } from './secret-keys.js'

/** Everything a route may use once the service is ready; built in one place (startup.ts). */
export interface Services {
  config: Config
  clock: Clock
  logger: Logger
  database: Database
  secretKeys: SecretKeys
}

export function buildServices(base: Services): Services {
  return base
}

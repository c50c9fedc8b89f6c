import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Config } from '../config.js'
import { resolveSecret } from '../secret-file.js'
import { CommandError } from './context.js'

/** Describes where the master secret comes from, without creating anything. */
export function resolveSecretFileStatus(config: Config): string {
  if (config.givenSecret !== null) return 'the master secret is given and strong enough'
  const path = join(config.dataDir, 'secret.key')
  if (!existsSync(path)) return `a master secret will be generated at ${path} on first start`
  const resolved = resolveSecret(null, config.dataDir, config.databasePath)
  if (!resolved.ok) throw new CommandError(`configuration error: ${resolved.error}`, 78)
  return `the master secret is read from ${path}`
}

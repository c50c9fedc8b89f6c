import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The folder holding package.json, whether running from src/ (tests), dist/src/ (tsc) or the
 * bundle's dist/server/ and dist/server/chunks/ (build/bundle.mjs): the first one above.
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir)
    if (parent === dir) throw new Error('package.json not found above ' + import.meta.url)
    dir = parent
  }
  return dir
}

export const defaultMigrationsDir = () => join(packageRoot(), 'migrations')

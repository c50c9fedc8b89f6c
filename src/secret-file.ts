import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { generateSecret } from './secret-keys.js'
import { MIN_SECRET_LENGTH } from './secret-policy.js'
import { explainReadError } from './unreadable-file.js'

export type SecretResolution =
  { ok: true; secret: string; generatedPath: string | null } | { ok: false; error: string }

/**
 * The master secret when none is given (API §1.1): generated once into
 * `$dataDir/secret.key` with mode 0600, read back on later starts. A key file that group or
 * others can read is refused rather than silently trusted. A database that already exists
 * was made with some other secret: a new key would only be refused by its fingerprint, so
 * none is written (a stray new secret.key would later be mistaken for the real one).
 */
export function resolveSecret(
  givenSecret: string | null,
  dataDir: string,
  databasePath: string,
): SecretResolution {
  if (givenSecret !== null) return { ok: true, secret: givenSecret, generatedPath: null }
  const path = join(dataDir, 'secret.key')
  let mode: number | null = null
  try {
    mode = statSync(path).mode
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      return { ok: false, error: `AUTH_SECRET: ${explainReadError(path, error)}` }
    }
  }
  if (mode === null && hasContent(databasePath)) {
    return {
      ok: false,
      error:
        `AUTH_SECRET: ${path} is missing but the database ${databasePath} exists; restore the ` +
        'secret.key it was created with (or set AUTH_SECRET_FILE to that secret). Nothing was written.',
    }
  }
  if (mode === null) {
    try {
      mkdirSync(dataDir, { recursive: true, mode: 0o700 })
      const secret = generateSecret()
      writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' })
      chmodSync(path, 0o600) // the umask may have taken bits away, never added: make it exact
      return { ok: true, secret, generatedPath: path }
    } catch (error) {
      return { ok: false, error: `AUTH_DATA_DIR: cannot write ${path} (${errorCode(error)})` }
    }
  }
  if ((mode & 0o077) !== 0) {
    return {
      ok: false,
      error: `AUTH_SECRET: ${path} is readable by group or others (mode ${(mode & 0o777).toString(8)}); run chmod 600 ${path}`,
    }
  }
  let secret: string
  try {
    secret = readFileSync(path, 'utf8').replace(/\r?\n$/, '')
  } catch (error) {
    return { ok: false, error: `AUTH_SECRET: ${explainReadError(path, error)}` }
  }
  if ([...secret].length < MIN_SECRET_LENGTH) {
    return { ok: false, error: `AUTH_SECRET: ${path} holds a secret shorter than 32 characters` }
  }
  return { ok: true, secret, generatedPath: null }
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'error'
}

/** An empty file is what a touch or a failed first open leaves: not yet a database. */
function hasContent(path: string): boolean {
  try {
    return statSync(path).size > 0
  } catch {
    return false
  }
}

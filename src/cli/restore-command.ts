import { randomBytes, timingSafeEqual } from 'node:crypto'
import {
  chmodSync,
  chownSync,
  constants,
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { systemClock, type Clock } from '../clock.js'
import type { Config, Env } from '../config.js'
import { closeDatabase, openDatabase, readMeta } from '../db/client.js'
import { planMigrations } from '../db/migrate.js'
import { storageFaultOf } from '../db/storage-fault.js'
import { defaultMigrationsDir } from '../package-root.js'
import { resolveSecret } from '../secret-file.js'
import { deriveSecretKeys } from '../secret-keys.js'
import { CommandError, configFrom } from './context.js'

// The key start-up keeps the secret's fingerprint under (API §1.1).
const FINGERPRINT_KEY = 'secret_fingerprint'

/**
 * `hail-mary-auth restore <file>` (API §8): puts a backup in place of the database. The file
 * is checked on a copy first (SQLite, integrity_check ok, this service's tables, no migration
 * from a newer version, made with this master secret); the database it replaces is kept next
 * to it, mode 0600. Refused while any process has the database open.
 */
export async function runRestoreCommand(args: string[], env: Env): Promise<string> {
  const [file, ...rest] = args
  if (!file || rest.length > 0) throw new CommandError('usage: hail-mary-auth restore <file>', 64)
  const config = configFrom(env)
  const fingerprint = secretFingerprint(config)
  // Not the pid: `docker compose run` gives every restore pid 1, and the copy a killed one
  // left behind would make each later restore fail with EEXIST.
  const staged = `${config.databasePath}.restoring-${randomBytes(6).toString('hex')}`
  try {
    stage(file, staged, config.dataDir)
    validate(file, staged, fingerprint)
    const kept = swap(staged, config.databasePath, systemClock)
    const note = kept ? `; the replaced database was kept as ${kept}` : ''
    return `restored ${file} into ${config.databasePath}${note}`
  } finally {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${staged}${suffix}`, { force: true })
  }
}

/** The fingerprint of the secret the service would start with; never makes a new secret. */
function secretFingerprint(config: Config): string {
  if (config.givenSecret === null && !existsSync(join(config.dataDir, 'secret.key'))) {
    throw new CommandError(
      `configuration error: AUTH_SECRET: restore needs the master secret the backup was made with; put its secret.key in ${config.dataDir} or set AUTH_SECRET_FILE`,
      78,
    )
  }
  const secret = resolveSecret(config.givenSecret, config.dataDir, config.databasePath)
  if (!secret.ok) throw new CommandError(`configuration error: ${secret.error}`, 78)
  return deriveSecretKeys(secret.secret).fingerprint
}

/** A private copy next to the database: checked there, then renamed into place atomically. */
function stage(file: string, staged: string, dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  try {
    copyFileSync(file, staged, constants.COPYFILE_EXCL)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error'
    throw new CommandError(`cannot read ${file} (${code}); nothing was changed`)
  }
  chmodSync(staged, 0o600)
  // Run as root (sudo, docker exec -u 0) for a service that is not: the restored file goes to
  // whoever owns the data directory, or the service could not open its own database.
  if (process.getuid?.() === 0) {
    const { uid, gid } = statSync(dataDir)
    chownSync(staged, uid, gid)
  }
}

function validate(file: string, staged: string, fingerprint: string): void {
  const refuse = (why: string) => new CommandError(`${file} ${why}; nothing was changed`)
  let database
  try {
    database = openDatabase(staged)
  } catch {
    throw refuse('is not a SQLite database')
  }
  try {
    let integrity: unknown
    try {
      integrity = database.sqlite.pragma('integrity_check(1)', { simple: true })
    } catch {
      throw refuse('is not a SQLite database, or is damaged')
    }
    if (integrity !== 'ok') throw refuse('is damaged (integrity_check failed)')
    const stored = readMeta(database, FINGERPRINT_KEY)
    const plan = planMigrations(database, defaultMigrationsDir())
    if (stored === null || plan.appliedTag === null) {
      throw refuse('is not a hail-mary-auth database (or one that never started)')
    }
    if (plan.unknown) {
      throw refuse('was written by a newer version of hail-mary-auth; restore it with that version')
    }
    if (!sameText(stored, fingerprint)) {
      throw refuse(
        'was made with a different master secret; restore it with the secret.key (or AUTH_SECRET) it was made with',
      )
    }
  } finally {
    closeDatabase(database)
  }
}

/**
 * Swaps the checked copy in. A process with the database open in WAL mode holds a shared
 * lock on it, and leaving WAL mode needs an exclusive one, so SQLITE_BUSY here means the
 * service (or another command) is running on it. The kernel drops the lock when a process
 * dies, even by SIGKILL: no stale lock or pid file can block a restore. Leaving WAL mode also
 * folds the -wal file into the database, so the kept copy is complete.
 */
function swap(staged: string, databasePath: string, clock: Clock): string | null {
  if (!existsSync(databasePath)) {
    renameSync(staged, databasePath)
    return null
  }
  const live = lockUnused(databasePath)
  try {
    const stamp = clock
      .now()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z')
    const kept = `${databasePath}.before-restore-${stamp}`
    // A second name first, then one rename over the database: at every moment (a SIGKILL, a
    // failing disk) the path holds the old file or the new one. None would start an empty
    // service with a setup code.
    keepAside(databasePath, kept)
    const moved: string[] = []
    try {
      // Left by a file SQLite could not open: they belong to the replaced database.
      for (const suffix of ['-wal', '-shm']) {
        if (!existsSync(`${databasePath}${suffix}`)) continue
        renameSync(`${databasePath}${suffix}`, `${kept}${suffix}`)
        moved.push(suffix)
      }
      renameSync(staged, databasePath)
    } catch (error) {
      for (const suffix of moved) renameSync(`${kept}${suffix}`, `${databasePath}${suffix}`)
      rmSync(kept, { force: true })
      throw error
    }
    return kept
  } finally {
    if (live?.inTransaction) live.exec('ROLLBACK')
    live?.close()
  }
}

/** `kept` as a hard link to `path`, or a copy where the file system has no hard links. */
function keepAside(path: string, kept: string): void {
  try {
    linkSync(path, kept)
  } catch {
    copyFileSync(path, kept, constants.COPYFILE_EXCL)
  }
  chmodSync(kept, 0o600)
}

/** Takes the database for the swap, or refuses; null for a file SQLite cannot even read. */
function lockUnused(databasePath: string): BetterSqlite3.Database | null {
  let live: BetterSqlite3.Database
  try {
    live = new BetterSqlite3(databasePath, { fileMustExist: true, timeout: 0 })
  } catch {
    return null
  }
  try {
    live.pragma('journal_mode = DELETE')
    live.exec('BEGIN EXCLUSIVE') // a server starting meanwhile waits until the swap is done
    return live
  } catch (error) {
    live.close()
    if (storageFaultOf(error)?.kind === 'locked') {
      throw new CommandError(
        `${databasePath} is in use (is the service running?); stop it, then restore. Nothing was changed`,
      )
    }
    if (storageFaultOf(error)?.kind === 'corrupt') return null // a damaged file is replaced as is
    throw error
  }
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

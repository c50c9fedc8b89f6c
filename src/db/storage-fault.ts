import { randomBytes } from 'node:crypto'
import { closeSync, mkdirSync, openSync, unlinkSync, writeSync } from 'node:fs'
import { dirname, join } from 'node:path'

export type StorageFaultKind = 'full' | 'read_only' | 'locked' | 'corrupt' | 'io'

/** A storage fault (API §2): what a person is told, never a path or a query. */
export interface StorageFault {
  kind: StorageFaultKind
  /** SQLite's extended result code (`SQLITE_IOERR_WRITE`) or the errno (`ENOSPC`). */
  code: string
  summary: string
}

// better-sqlite3's SqliteError carries SQLite's extended code; a prefix names the family.
// SQLITE_LOCKED is a lock inside this process (shared cache), reported like a busy file.
const FAMILIES: [prefix: string, kind: StorageFaultKind][] = [
  ['SQLITE_FULL', 'full'],
  ['SQLITE_READONLY', 'read_only'],
  ['SQLITE_BUSY', 'locked'],
  ['SQLITE_LOCKED', 'locked'],
  ['SQLITE_CORRUPT', 'corrupt'],
  ['SQLITE_NOTADB', 'corrupt'],
  ['SQLITE_IOERR', 'io'],
  ['SQLITE_CANTOPEN', 'io'],
  ['ENOSPC', 'full'],
  ['EDQUOT', 'full'],
  ['EFBIG', 'full'],
  ['EROFS', 'read_only'],
  ['EIO', 'io'],
]

const SUMMARIES: Record<StorageFaultKind, string> = {
  full: 'the disk is full',
  read_only: 'the database or its directory is read-only',
  locked: 'the database is locked by another process',
  corrupt: 'the database file is damaged',
  io: 'the disk reported an I/O error',
}

/** The storage fault behind an error (looking through wrappers such as drizzle's), or null. */
export function storageFaultOf(error: unknown): StorageFault | null {
  for (let inner = error, depth = 0; inner instanceof Error && depth < 8; depth++) {
    const code = (inner as { code?: unknown }).code
    if (typeof code === 'string') {
      const family = FAMILIES.find(([prefix]) => code === prefix || code.startsWith(`${prefix}_`))
      if (family) return { kind: family[1], code, summary: SUMMARIES[family[1]] }
    }
    inner = inner.cause
  }
  return null
}

/**
 * SQLite reports a write refused by a file system gone read-only as SQLITE_IOERR_WRITE, the
 * errno lost. Trying to create a file tells the operator which of the two it is.
 */
export function refineStorageFault(fault: StorageFault, databasePath: string): StorageFault {
  if (fault.kind !== 'io' || writeErrorOf(dirname(databasePath)) !== 'EROFS') return fault
  return { kind: 'read_only', code: fault.code, summary: 'the file system is read-only' }
}

/** `/readyz`'s line for a fault: short and public, so no path and no SQL. */
export function describeStorageFault(fault: StorageFault): string {
  return `${fault.summary} (${fault.code}); writes are refused until it clears`
}

/**
 * Whether the service can create files in its data directory, tried by writing one (root
 * ignores modes, and access(2) misses an ext4 gone read-only after an error). An unwritable
 * data directory at start is a configuration error (API §1); null when writable.
 */
export function unwritableDataDir(dataDir: string): string | null {
  const code = writeErrorOf(dataDir, { create: true })
  // A full disk is not a configuration error: start-up goes on and /readyz reports it.
  if (code === null || !['EACCES', 'EPERM', 'EROFS'].includes(code)) return null
  return (
    `AUTH_DATA_DIR: ${dataDir} is not writable (${code}); the service keeps its database, ` +
    `backups and secret there. Make it writable by uid ${process.getuid?.() ?? '?'}, ` +
    'e.g. chown it to that user, or point AUTH_DATA_DIR at a writable directory'
  )
}

/** The errno of writing a small file in `dir` (removed again), or null when it worked. */
function writeErrorOf(dir: string, options: { create?: boolean } = {}): string | null {
  const probe = join(dir, `.write-test-${randomBytes(6).toString('hex')}`)
  try {
    if (options.create) mkdirSync(dir, { recursive: true, mode: 0o700 })
    const fd = openSync(probe, 'wx', 0o600)
    try {
      writeSync(fd, 'ok')
    } finally {
      closeSync(fd)
      unlinkSync(probe)
    }
    return null
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'error'
  }
}

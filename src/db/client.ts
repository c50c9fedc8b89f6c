import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs'
import { dirname } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import * as schema from './schema.js'

export type DB = BetterSQLite3Database<typeof schema>
export interface Database {
  sqlite: BetterSqlite3.Database
  db: DB
}

/**
 * Opens the SQLite file with the pragmas the service relies on: WAL for concurrent readers,
 * synchronous=FULL so an answered revocation survives a power cut (API §10), foreign keys on,
 * and a busy timeout so a CLI command and the server can share the file.
 */
export function openDatabase(path: string): Database {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  // Create the file 0600 ourselves: SQLite gives the -wal and -shm files the same mode.
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600))
  const sqlite = new BetterSqlite3(path)
  try {
    sqlite.pragma('busy_timeout = 5000')
    sqlite.pragma('journal_mode = WAL')
    sqlite.pragma('synchronous = FULL')
    sqlite.pragma('foreign_keys = ON')
  } catch (error) {
    sqlite.close()
    throw error
  }
  return { sqlite, db: drizzle(sqlite, { schema }) }
}

/**
 * Writes a consistent copy of the database to `path` with SQLite's online backup API. The
 * file is made mode 0600 before a byte is copied into it (API §10): a backup holds every hash
 * and sealed key the database does, and SQLite would create it 0644.
 */
export async function writeBackup(database: Database, path: string): Promise<void> {
  closeSync(openSync(path, 'a', 0o600))
  chmodSync(path, 0o600)
  await database.sqlite.backup(path)
}

export function closeDatabase(database: Database): void {
  if (database.sqlite.open) database.sqlite.close()
}

/** Reads a value of the `meta` table; null when the table or the key does not exist yet. */
export function readMeta(database: Database, key: string): string | null {
  const table = database.sqlite
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'")
    .get()
  if (!table) return null
  const row = database.sqlite.prepare('SELECT value FROM meta WHERE key = ?').get(key) as
    { value: string } | undefined
  return row?.value ?? null
}

export function writeMeta(database: Database, key: string, value: string): void {
  database.sqlite
    .prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    )
    .run(key, value)
}

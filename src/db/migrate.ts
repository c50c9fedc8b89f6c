import { readdirSync, readFileSync, unlinkSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { readMigrationFiles, type MigrationMeta } from 'drizzle-orm/migrator'
import type { Clock } from '../clock.js'
import { writeBackup, type Database } from './client.js'

export const BACKUPS_KEPT = 5

interface AppliedRow {
  hash: string
  created_at: number
}

export interface MigrationPlan {
  pending: MigrationMeta[]
  /** Tag of the newest applied migration (`0000_init`), or null for an empty database. */
  appliedTag: string | null
  /** A migration the database has but this version does not know: written by a newer one. */
  unknown: AppliedRow | null
}

export class MigrationError extends Error {
  override name = 'MigrationError'
}

export function planMigrations(database: Database, migrationsDir: string): MigrationPlan {
  const local = readMigrationFiles({ migrationsFolder: migrationsDir })
  const tags = readTags(migrationsDir)
  const hasTable = database.sqlite
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'")
    .get()
  const applied = hasTable
    ? (database.sqlite
        .prepare('SELECT hash, created_at FROM __drizzle_migrations ORDER BY created_at')
        .all() as AppliedRow[])
    : []
  const known = new Map(local.map((m) => [m.folderMillis, m]))
  const unknown =
    applied.find((row) => known.get(Number(row.created_at))?.hash !== row.hash) ?? null
  const newest = applied.at(-1)
  const newestMillis = newest ? Number(newest.created_at) : -Infinity
  return {
    pending: local.filter((m) => m.folderMillis > newestMillis),
    appliedTag: newest ? (tags.get(Number(newest.created_at)) ?? 'unknown') : null,
    unknown,
  }
}

/**
 * Applies pending migrations without asking anyone (API §2). An existing database is first
 * copied with SQLite's online backup API; the migrations then run in one transaction, so a
 * failure rolls back to exactly the state before. A database that has a migration this
 * version does not know is refused untouched.
 */
export async function migrateDatabase(
  database: Database,
  options: { migrationsDir: string; databasePath: string; clock: Clock },
): Promise<{ applied: number; backupPath: string | null }> {
  const plan = planMigrations(database, options.migrationsDir)
  if (plan.unknown) {
    throw new MigrationError(
      'the database was written by a newer version of hail-mary-auth ' +
        `(it has a migration from ${new Date(Number(plan.unknown.created_at)).toISOString()} ` +
        'that this version does not know); run the newer version or restore a backup',
    )
  }
  if (plan.pending.length === 0) return { applied: 0, backupPath: null }
  let backupPath: string | null = null
  if (plan.appliedTag !== null) {
    backupPath = await backupDatabase(
      database,
      options.databasePath,
      plan.appliedTag,
      options.clock,
    )
  }
  try {
    migrate(database.db, { migrationsFolder: options.migrationsDir })
  } catch (error) {
    throw new MigrationError(`migration failed and was rolled back: ${describe(error)}`, {
      cause: error,
    })
  }
  return { applied: plan.pending.length, backupPath }
}

/** A consistent copy next to the database, `auth.db.backup-<from>-<timestamp>`; keeps 5. */
export async function backupDatabase(
  database: Database,
  databasePath: string,
  fromTag: string,
  clock: Clock,
): Promise<string> {
  const stamp = clock
    .now()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
  const path = `${databasePath}.backup-${fromTag}-${stamp}`
  await writeBackup(database, path)
  pruneBackups(databasePath)
  return path
}

function pruneBackups(databasePath: string): void {
  const prefix = `${basename(databasePath)}.backup-`
  const stampOf = (name: string) => /-(\d{8}T\d{6}Z)$/.exec(name)?.[1] ?? ''
  const backups = readdirSync(dirname(databasePath))
    .filter((name) => name.startsWith(prefix))
    .sort((a, b) => stampOf(a).localeCompare(stampOf(b)) || a.localeCompare(b))
  for (const name of backups.slice(0, Math.max(0, backups.length - BACKUPS_KEPT))) {
    unlinkSync(join(dirname(databasePath), name))
  }
}

function readTags(migrationsDir: string): Map<number, string> {
  const journal = JSON.parse(
    readFileSync(join(migrationsDir, 'meta', '_journal.json'), 'utf8'),
  ) as {
    entries: { when: number; tag: string }[]
  }
  return new Map(journal.entries.map((e) => [e.when, e.tag]))
}

/** The innermost cause: drizzle wraps SQLite's own message ("no such table: …"). */
function describe(error: unknown): string {
  let inner = error
  while (inner instanceof Error && inner.cause instanceof Error) inner = inner.cause
  return (inner instanceof Error ? inner.message : String(inner)).trim()
}

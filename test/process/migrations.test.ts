import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { closeDatabase } from '../../src/db/client.js'
import { createLogger } from '../../src/logger.js'
import { defaultMigrationsDir } from '../../src/package-root.js'
import { createReadiness } from '../../src/readiness.js'
import { startInProcess } from '../../src/in-process.js'
import { migrationsWithExtra } from '../helpers/migrations.js'
import { strongSecret } from '../helpers/secrets.js'
import { tempDir } from '../helpers/temp-dir.js'

const clock = { now: () => new Date('2026-11-30T12:00:00Z') }

/** Runs the same start-up steps as the server, on `dataDir`, with `migrationsDir`. */
async function start(dataDir: string, secret: string, migrationsDir = defaultMigrationsDir()) {
  const loaded = loadConfig({ AUTH_DATA_DIR: dataDir, AUTH_SECRET: secret }, () => '')
  if (!loaded.ok) throw new Error(loaded.errors.join())
  const readiness = createReadiness()
  const input = {
    config: loaded.config,
    secret,
    clock,
    logger: createLogger('silent'),
    migrationsDir,
    readiness,
  }
  return startInProcess(input)
}

describe('migrations at start-up', () => {
  it('migrates a fresh database and becomes ready', async () => {
    const dir = tempDir()
    const { app, close } = await start(dir, strongSecret())
    expect((await app.request('/readyz')).status).toBe(200)
    close()
    expect(readdirSync(dir).filter((f) => f.includes('.backup-'))).toEqual([])
  })

  it('backs an existing database up before applying a pending migration', async () => {
    const dir = tempDir()
    const secret = strongSecret()
    ;(await start(dir, secret)).close()
    const next = migrationsWithExtra(tempDir(), 'add-nickname')
    const { app, close } = await start(dir, secret, next)
    expect((await app.request('/readyz')).status).toBe(200)
    close()
    const backups = readdirSync(dir).filter((f) => f.startsWith('auth.db.backup-'))
    const journal = JSON.parse(
      readFileSync(join(defaultMigrationsDir(), 'meta/_journal.json'), 'utf8'),
    ) as {
      entries: { tag: string }[]
    }
    expect(backups).toEqual([`auth.db.backup-${journal.entries.at(-1)!.tag}-20261130T120000Z`])
    // Regression: backups were written 0644, readable by every account on the NAS (API §10).
    expect(statSync(join(dir, backups[0]!)).mode & 0o777).toBe(0o600)
    const backup = new BetterSqlite3(join(dir, backups[0]!), { readonly: true })
    expect(
      backup.prepare("SELECT name FROM sqlite_master WHERE name = 'fixture_nicknames'").get(),
    ).toBeUndefined()
    backup.close()
    const db = new BetterSqlite3(join(dir, 'auth.db'), { readonly: true })
    expect(db.prepare("SELECT value FROM meta WHERE key = 'fixture'").get()).toEqual({
      value: 'applied',
    })
    db.close()
  })

  it('rolls a failing migration back: file byte-identical, not ready, reason shown', async () => {
    const dir = tempDir()
    const secret = strongSecret()
    ;(await start(dir, secret)).close()
    const dbPath = join(dir, 'auth.db')
    const before = readFileSync(dbPath)
    const broken = migrationsWithExtra(tempDir(), 'broken')

    const { app, readiness, close } = await start(dir, secret, broken)
    expect(readiness.status).toBe('failed')
    expect((await app.request('/healthz')).status).toBe(200)
    const ready = await app.request('/readyz')
    expect(ready.status).toBe(503)
    expect(ready.headers.get('retry-after')).toBe('5')
    const body = (await ready.json()) as { checks: { migrations: { message: string } } }
    expect(body.checks.migrations.message).toMatch(/rolled back.*no_such_table/)
    const v1 = await app.request('/v1/login/password', { method: 'POST' })
    expect(v1.status).toBe(503)
    expect(await v1.json()).toMatchObject({ error: 'not_ready' })
    close()
    expect(readFileSync(dbPath).equals(before)).toBe(true)
    expect(existsSync(`${dbPath}-wal`) ? readFileSync(`${dbPath}-wal`).length : 0).toBe(0)
  })

  it('keeps the last five backups', async () => {
    const dir = tempDir()
    const secret = strongSecret()
    ;(await start(dir, secret)).close()
    const { backupDatabase } = await import('../../src/db/migrate.js')
    const { openDatabase } = await import('../../src/db/client.js')
    const database = openDatabase(join(dir, 'auth.db'))
    for (let day = 1; day <= 7; day++) {
      await backupDatabase(database, join(dir, 'auth.db'), '0000_init', {
        now: () => new Date(Date.UTC(2026, 10, day)),
      })
    }
    closeDatabase(database)
    const stamps = readdirSync(dir)
      .filter((f) => f.includes('.backup-'))
      .map((f) => f.slice(-16, -8))
      .sort()
    expect(stamps).toEqual(['20261103', '20261104', '20261105', '20261106', '20261107'])
  })
})

describe('the SQLite connection', () => {
  it('runs in WAL mode with synchronous=FULL, foreign keys and a busy timeout (API §10)', async () => {
    const { openDatabase } = await import('../../src/db/client.js')
    const database = openDatabase(join(tempDir(), 'auth.db'))
    expect(database.sqlite.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(database.sqlite.pragma('synchronous', { simple: true })).toBe(2) // FULL
    expect(database.sqlite.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(database.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000)
    closeDatabase(database)
  })
})

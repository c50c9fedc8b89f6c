import { join } from 'node:path'
import { Writable } from 'node:stream'
import BetterSqlite3 from 'better-sqlite3'
import { DrizzleQueryError } from 'drizzle-orm'
import { Hono } from 'hono'
import { describe, expect, it, vi } from 'vitest'
import { closeDatabase, openDatabase } from '../../src/db/client.js'
import { storageFaultOf } from '../../src/db/storage-fault.js'
import { createStorageWatch } from '../../src/db/storage-watch.js'
import { errorHandler } from '../../src/http/middleware/error-handler.js'
import type { AppEnv } from '../../src/http/env.js'
import { createLogger } from '../../src/logger.js'
import { createReadiness } from '../../src/readiness.js'
import { tempDir } from '../helpers/temp-dir.js'

const sqliteError = (code: string) => new BetterSqlite3.SqliteError(`failed: ${code}`, code)

describe('storageFaultOf', () => {
  it.each([
    ['SQLITE_FULL', 'full'],
    ['SQLITE_READONLY', 'read_only'],
    ['SQLITE_READONLY_DBMOVED', 'read_only'],
    ['SQLITE_BUSY', 'locked'],
    ['SQLITE_BUSY_SNAPSHOT', 'locked'],
    ['SQLITE_LOCKED', 'locked'],
    ['SQLITE_CORRUPT', 'corrupt'],
    ['SQLITE_NOTADB', 'corrupt'],
    ['SQLITE_IOERR_WRITE', 'io'],
    ['SQLITE_IOERR_FSYNC', 'io'],
    ['SQLITE_CANTOPEN', 'io'],
  ])('reads %s as %s', (code, kind) => {
    expect(storageFaultOf(sqliteError(code))).toMatchObject({ kind, code })
  })

  it('finds the fault behind drizzle’s wrapper, and nothing in other errors', () => {
    const wrapped = new DrizzleQueryError('INSERT …', [], sqliteError('SQLITE_FULL'))
    expect(storageFaultOf(wrapped)?.kind).toBe('full')
    expect(storageFaultOf(sqliteError('SQLITE_CONSTRAINT_UNIQUE'))).toBeNull()
    expect(storageFaultOf(sqliteError('SQLITE_FULLNESS'))).toBeNull()
    expect(storageFaultOf(new Error('disk I/O error'))).toBeNull()
    expect(storageFaultOf('SQLITE_FULL')).toBeNull()
  })
})

/** A database with the `meta` table the probe writes, and a second process-like connection. */
function setup() {
  const path = join(tempDir(), 'auth.db')
  const database = openDatabase(path)
  database.sqlite.exec('CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)')
  database.sqlite.pragma('busy_timeout = 0') // fail at once instead of the 5 s a server waits
  const lines: string[] = []
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString())
      done()
    },
  })
  const logger = createLogger('info', sink)
  const readiness = createReadiness()
  readiness.status = 'ready'
  const watch = createStorageWatch({ readiness, logger, database, probeIntervalMs: 10 })
  const app = new Hono<AppEnv>()
  app.onError(errorHandler(logger, watch))
  app.post('/write', (c) => {
    database.sqlite.prepare("INSERT INTO meta (key, value) VALUES ('k', 'v')").run()
    return c.body(null, 204)
  })
  return { path, database, readiness, watch, app, log: () => lines.join('') }
}

describe('the error handler with a storage watch', () => {
  it('answers 503 storage_unavailable, marks /readyz degraded, and a probe clears it', async () => {
    const { path, database, readiness, app, log } = setup()
    const holder = new BetterSqlite3(path)
    holder.exec('BEGIN EXCLUSIVE')
    const response = await app.request('/write', { method: 'POST' })
    expect(response.status).toBe(503)
    expect(response.headers.get('retry-after')).toBe('5')
    expect(await response.json()).toMatchObject({ error: 'storage_unavailable', retry_after: 5 })
    expect(readiness.status).toBe('degraded')
    expect(readiness.checks.database).toEqual({
      status: 'failed',
      message:
        'the database is locked by another process (SQLITE_BUSY); writes are refused until it clears',
    })
    expect(log()).toContain('storage fault: the database is locked by another process')

    holder.exec('ROLLBACK')
    holder.close()
    await vi.waitFor(() => expect(readiness.status).toBe('ready'), { timeout: 5000 })
    expect(readiness.checks.database).toEqual({ status: 'ok' })
    expect(log()).toContain('storage recovered')
    expect((await app.request('/write', { method: 'POST' })).status).toBe(204)
    closeDatabase(database)
  })

  it('keeps a failed start failed: a fault never turns it ready or degraded', async () => {
    const { path, database, readiness, app } = setup()
    readiness.status = 'failed'
    const holder = new BetterSqlite3(path)
    holder.exec('BEGIN EXCLUSIVE')
    expect((await app.request('/write', { method: 'POST' })).status).toBe(503)
    holder.exec('ROLLBACK')
    holder.close()
    expect(readiness.status).toBe('failed')
    closeDatabase(database)
  })
})

describe('StorageWatch.guard', () => {
  it('reports a fault in background work instead of throwing it out of a timer', () => {
    const { database, readiness, watch, log } = setup()
    expect(() =>
      watch.guard('maintenance', () => {
        throw sqliteError('SQLITE_FULL')
      }),
    ).not.toThrow()
    expect(readiness.status).toBe('degraded')
    expect(() =>
      watch.guard('maintenance', () => {
        throw new Error('a bug')
      }),
    ).not.toThrow()
    expect(log()).toContain('maintenance failed')
    closeDatabase(database)
  })
})

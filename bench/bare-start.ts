import { serve } from '@hono/node-server'
import BetterSqlite3 from 'better-sqlite3'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { Hono } from 'hono'
import { join } from 'node:path'
import { defaultMigrationsDir } from '../src/package-root.js'

// The baseline for cold start: Hono + SQLite (same pragmas) + the same migrations, nothing else.
const sqlite = new BetterSqlite3(join(process.env.AUTH_DATA_DIR!, 'auth.db'))
sqlite.pragma('journal_mode = WAL')
sqlite.pragma('synchronous = FULL')
migrate(drizzle(sqlite), { migrationsFolder: defaultMigrationsDir() })
const app = new Hono()
app.get('/readyz', (c) => c.json({ status: 'ready' }))
serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.AUTH_PORT) })
process.on('SIGTERM', () => process.exit(0))

import { chmodSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { freePort, startProcess } from '../helpers/process.js'
import { strongSecret } from '../helpers/secrets.js'
import { tempDir } from '../helpers/temp-dir.js'

async function startReady(cwd: string, env: Record<string, string> = {}) {
  const running = startProcess(env, { cwd, port: await freePort() })
  await running.waitForLog('ready')
  return running
}

async function stop(running: ReturnType<typeof startProcess>) {
  running.child.kill('SIGTERM')
  return running.exited
}

describe('start-up without a given secret', () => {
  it('generates data/secret.key with mode 0600 once and reuses it', async () => {
    const cwd = tempDir()
    const first = await startReady(cwd)
    expect(first.output()).toContain('generated a new master secret')
    expect(await stop(first)).toEqual({ code: 0, signal: null })
    const keyPath = join(cwd, 'data', 'secret.key')
    expect(statSync(keyPath).mode & 0o777).toBe(0o600)
    expect(statSync(join(cwd, 'data', 'auth.db')).mode & 0o077).toBe(0)
    const key = readFileSync(keyPath, 'utf8')

    const second = await startReady(cwd)
    expect(second.output()).not.toContain('generated a new master secret')
    await stop(second)
    expect(readFileSync(keyPath, 'utf8')).toBe(key)
  })

  it('refuses a secret.key readable by others with exit 78', async () => {
    const cwd = tempDir()
    await stop(await startReady(cwd))
    chmodSync(join(cwd, 'data', 'secret.key'), 0o644)
    const running = startProcess({}, { cwd, port: await freePort() })
    expect((await running.exited).code).toBe(78)
    expect(running.output()).toContain('chmod 600')
  })
})

describe('start-up with a different secret', () => {
  it('refuses with exit 78 and leaves the database file unchanged', async () => {
    const cwd = tempDir()
    await stop(await startReady(cwd, { AUTH_SECRET: strongSecret() }))
    const dbPath = join(cwd, 'data', 'auth.db')
    const before = readFileSync(dbPath)
    const running = startProcess({ AUTH_SECRET: strongSecret() }, { cwd, port: await freePort() })
    expect((await running.exited).code).toBe(78)
    expect(running.output()).toContain('different master secret')
    expect(readFileSync(dbPath).equals(before)).toBe(true)
  })
})

describe('start-up on a database from a newer version', () => {
  it('stays up, live but not ready, and leaves the database alone', async () => {
    const cwd = tempDir()
    const secret = strongSecret()
    await stop(await startReady(cwd, { AUTH_SECRET: secret }))
    const dbPath = join(cwd, 'data', 'auth.db')
    const sqlite = new BetterSqlite3(dbPath)
    sqlite
      .prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)')
      .run('from-the-future', Date.UTC(2099, 0, 1))
    sqlite.close()
    const before = readFileSync(dbPath)

    const running = startProcess({ AUTH_SECRET: secret }, { cwd, port: await freePort() })
    await running.waitForLog('database migration failed')
    expect((await fetch(`${running.url}/healthz`)).status).toBe(200)
    const ready = await fetch(`${running.url}/readyz`)
    expect(ready.status).toBe(503)
    const body = (await ready.json()) as {
      status: string
      checks: Record<string, { message?: string }>
    }
    expect(body.status).toBe('failed')
    expect(body.checks.migrations?.message).toContain('newer version')
    const v1 = await fetch(`${running.url}/v1/me`)
    expect(v1.status).toBe(503)
    expect(await v1.json()).toMatchObject({ error: 'not_ready' })
    expect(running.child.exitCode).toBeNull()
    expect(await stop(running)).toEqual({ code: 0, signal: null })
    expect(readFileSync(dbPath).equals(before)).toBe(true)
  })
})

import { statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { runCLI } from '../helpers/process.js'
import { strongSecret } from '../helpers/secrets.js'
import { tempDir } from '../helpers/temp-dir.js'

const modeOf = (path: string) => statSync(path).mode & 0o777

// Regression: `backup <file>` wrote the copy 0644, readable by every account on the NAS,
// while it holds every hash and sealed key the database does (API §10).
describe('hail-mary-auth backup <file>', () => {
  it('writes a consistent copy with mode 0600', async () => {
    const cwd = tempDir()
    const env = { AUTH_SECRET: strongSecret(), AUTH_DATA_DIR: join(cwd, 'data') }
    expect((await runCLI(['migrate'], env, cwd)).code).toBe(0)
    const copy = join(cwd, 'copy.db')
    expect((await runCLI(['backup', copy], env, cwd)).code).toBe(0)
    expect(modeOf(copy)).toBe(0o600)
    const db = new BetterSqlite3(copy, { readonly: true })
    expect(db.prepare("SELECT 1 AS ok FROM sqlite_master WHERE name = 'users'").get()).toEqual({
      ok: 1,
    })
    db.close()
  })

  it('narrows an existing file it overwrites to 0600', async () => {
    const cwd = tempDir()
    const env = { AUTH_SECRET: strongSecret(), AUTH_DATA_DIR: join(cwd, 'data') }
    expect((await runCLI(['migrate'], env, cwd)).code).toBe(0)
    const copy = join(cwd, 'old-copy.db')
    writeFileSync(copy, '', { mode: 0o644 })
    expect((await runCLI(['backup', copy], env, cwd)).code).toBe(0)
    expect(modeOf(copy)).toBe(0o600)
  })
})

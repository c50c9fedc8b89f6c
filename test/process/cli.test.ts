import { existsSync } from 'node:fs'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { createTestApp } from '../helpers/app.js'
import { errorOf, login, PASSWORD } from '../helpers/fixtures.js'
import { runCLI } from '../helpers/process.js'
import { strongSecret } from '../helpers/secrets.js'
import { tempDir } from '../helpers/temp-dir.js'

function box() {
  const cwd = tempDir()
  const env = { AUTH_SECRET: strongSecret(), AUTH_DATA_DIR: join(cwd, 'data') }
  return { cwd, env, cli: (args: string[], input?: string) => runCLI(args, env, cwd, input) }
}

describe('hail-mary-auth user', () => {
  it('adds an admin with a password from stdin, lists users, and the admin can log in', async () => {
    const { cli, env, cwd } = box()
    const added = await cli(
      [
        'user',
        'add',
        'Owner',
        '--role',
        'admin',
        '--display-name',
        'The Owner',
        '--password-stdin',
      ],
      `${PASSWORD}\n`,
    )
    expect(added).toMatchObject({ code: 0 })
    expect(added.output).toMatch(/^created admin owner \(/)
    expect(added.output).not.toContain(PASSWORD)
    const listed = await cli(['user', 'list'])
    expect(listed.code).toBe(0)
    // One JSON object per line (API §8), the admin API's view of a user.
    const lines = listed.output.trim().split('\n')
    const [row, ...more] = lines.map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(more).toEqual([])
    expect(row).toMatchObject({
      username: 'owner',
      role: 'admin',
      disabled: false,
      display_name: 'The Owner',
    })

    const t = await createTestApp({ dataDir: env.AUTH_DATA_DIR, secret: env.AUTH_SECRET })
    expect((await login(t, 'owner')).user).toMatchObject({
      role: 'admin',
      display_name: 'The Owner',
    })
    t.close()
    void cwd
  })

  it('adds a member without a password and prints a one-time reset code that sets it', async () => {
    const { cli, env } = box()
    const added = await cli(['user', 'add', 'kid'])
    expect(added.code).toBe(0)
    const code = added.output.trim().split('\n').at(-1)!
    const t = await createTestApp({ dataDir: env.AUTH_DATA_DIR, secret: env.AUTH_SECRET })
    const weak = await t.call('POST', '/v1/password-reset', {
      json: { code, new_password: 'short' },
    })
    expect(await errorOf(weak)).toEqual({ status: 400, error: 'invalid_request' })
    const reset = await t.call('POST', '/v1/password-reset', {
      json: { code, new_password: PASSWORD },
    })
    expect(reset.status).toBe(204)
    await login(t, 'kid')
    const again = await t.call('POST', '/v1/password-reset', {
      json: { code, new_password: PASSWORD },
    })
    expect(await errorOf(again)).toEqual({ status: 401, error: 'invalid_grant' })
    t.close()
  })

  it('fails with one clear line and a non-zero exit on bad input', async () => {
    const { cli } = box()
    const weak = await cli(['user', 'add', 'owner', '--password-stdin'], 'short\n')
    expect(weak.code).not.toBe(0)
    expect(weak.output.trim().split('\n')).toEqual([
      expect.stringMatching(/^hail-mary-auth: password: must be at least 15/),
    ])
    const role = await cli(['user', 'add', 'owner', '--role', 'root'])
    expect(role.code).toBe(64)
    const unknown = await cli(['frobnicate'])
    expect(unknown.code).toBe(64)
    expect(unknown.output).toContain('unknown command')
    // Regression: an unknown option was an "unexpected error" with exit 1.
    const option = await cli(['user', 'add', 'owner', '--admin'])
    expect(option.code).toBe(64)
    expect(option.output.trim().split('\n')).toEqual([
      expect.stringMatching(/^hail-mary-auth: Unknown option '--admin'.*; usage: /),
    ])
  })

  it('backs the database up as it is, migrating nothing first', async () => {
    const { cli, cwd } = box()
    const out = join(cwd, 'copy.db')
    const backup = await cli(['backup', out])
    expect(backup.code).toBe(0)
    // A fresh data dir: the backup (and the database) hold no table, where a migrating
    // backup would have created the whole schema first.
    for (const file of [out, join(cwd, 'data', 'auth.db')]) {
      const db = new BetterSqlite3(file, { readonly: true })
      expect(
        db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'").get(),
      ).toEqual({ n: 0 })
      db.close()
    }
  })
})

describe('hail-mary-auth keys, migrate, check-config, backup', () => {
  it('lists keys and rotates with a publish-first delay', async () => {
    const { cli } = box()
    const first = await cli(['keys', 'list'])
    expect(first.code).toBe(0)
    // One JSON object per line (API §8): the one key made at start.
    const lines = first.output.trim().split('\n')
    expect(lines.map((line) => JSON.parse(line) as object)).toEqual([
      expect.objectContaining({ kid: expect.any(String), retired_at: null }),
    ])
    const rotated = await cli(['keys', 'rotate'])
    expect(rotated.code).toBe(0)
    expect(rotated.output).toMatch(/is published now and signs from /)
    expect((await cli(['keys', 'list'])).output.trim().split('\n')).toHaveLength(2)
  })

  it('migrates, checks the configuration and writes a backup', async () => {
    const { cli, cwd } = box()
    expect(await cli(['migrate'])).toMatchObject({
      code: 0,
      output: expect.stringMatching(/^[1-9]\d* migration\(s\) applied; 0 pending/),
    })
    expect(await cli(['migrate'])).toMatchObject({
      code: 0,
      output: expect.stringMatching(/^0 migration\(s\) applied/),
    })
    expect(await cli(['check-config'])).toMatchObject({
      code: 0,
      output: expect.stringContaining('configuration is valid'),
    })
    expect((await cli(['backup', join(cwd, 'copy.db')])).code).toBe(0)
    expect(existsSync(join(cwd, 'copy.db'))).toBe(true)
    const bad = await runCLI(['check-config'], { AUTH_PORT: 'x' }, cwd)
    expect(bad.code).toBe(78)
  })
})

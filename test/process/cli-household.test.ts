import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import argon2 from 'argon2'
import { describe, expect, it } from 'vitest'
import { createTestApp } from '../helpers/app.js'
import { argon2CLIHash, ensureArgon2CLI } from '../helpers/argon2-cli.js'
import { errorOf, login, PASSWORD } from '../helpers/fixtures.js'
import { runCLI } from '../helpers/process.js'
import { strongSecret } from '../helpers/secrets.js'
import { tempDir } from '../helpers/temp-dir.js'

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url))

function box() {
  const cwd = tempDir()
  const env = { AUTH_SECRET: strongSecret(), AUTH_DATA_DIR: join(cwd, 'data') }
  return { cwd, env, cli: (args: string[], input?: string) => runCLI(args, env, cwd, input) }
}

describe('hail-mary-auth user import', () => {
  it('keeps ids and old bcrypt passwords, and upgrades the hash to argon2id at sign-in', async () => {
    const { cli, env } = box()
    const imported = await cli(['user', 'import', fixture('hail-mary-users.json')])
    expect(imported).toMatchObject({ code: 0, output: 'imported 4 user(s)\n' })
    const t = await createTestApp({ dataDir: env.AUTH_DATA_DIR, secret: env.AUTH_SECRET })
    const dad = await login(t, 'dad', 'old hail mary password dad')
    expect(dad.user).toEqual({
      id: '6f1c2d4e-0001-4000-8000-000000000001',
      username: 'dad',
      display_name: 'Dad',
      role: 'admin',
    })
    await login(t, 'mum', 'old hail mary password mum')
    await login(t, 'kid', 'kid')
    const hashes = t.services.database.sqlite
      .prepare('SELECT username, password_hash FROM users ORDER BY username')
      .all() as {
      username: string
      password_hash: string | null
    }[]
    expect(hashes.map((h) => [h.username, h.password_hash?.slice(0, 10) ?? null])).toEqual([
      ['dad', '$argon2id$'],
      ['grandma', null],
      ['kid', '$argon2id$'],
      ['mum', '$argon2id$'],
    ])
    const wrong = await t.call('POST', '/v1/login/password', {
      json: { username: 'dad', password: 'old hail mary password mum' },
    })
    expect(await errorOf(wrong)).toEqual({ status: 401, error: 'invalid_credentials' })
    t.close()
    const again = await cli(['user', 'import', fixture('hail-mary-users.json')])
    expect(again.code).not.toBe(0)
    expect(again.output).toContain('already exists')
  })

  // Regression (issue 14): the import took only `m,t,p`, so hashes of the argon2 package (and
  // this service's own export), written `m=…,p=…,t=…`, could not be imported.
  it('imports argon2id from the argon2 package (m,p,t) and the reference CLI (m,t,p)', async () => {
    ensureArgon2CLI()
    const { cli, cwd, env } = box()
    const rows = [
      {
        username: 'pkg',
        password_hash: await argon2.hash('pkg password one', { type: argon2.argon2id }),
      },
      {
        username: 'ref',
        password_hash: argon2CLIHash('ref password two', {
          memoryKiB: 19_456,
          timeCost: 2,
          parallelism: 1,
        }),
      },
    ]
    expect(rows[0]!.password_hash).toMatch(/^\$argon2id\$v=19\$m=\d+,p=\d+,t=\d+\$/)
    writeFileSync(join(cwd, 'users.json'), JSON.stringify(rows))
    const imported = await cli(['user', 'import', join(cwd, 'users.json')])
    expect(imported).toMatchObject({ code: 0, output: 'imported 2 user(s)\n' })
    const t = await createTestApp({ dataDir: env.AUTH_DATA_DIR, secret: env.AUTH_SECRET })
    await login(t, 'pkg', 'pkg password one')
    await login(t, 'ref', 'ref password two')
    t.close()
  })

  it('changes nothing for a file with one bad row, and names the row', async () => {
    const { cli } = box()
    const result = await cli(['user', 'import', fixture('hail-mary-users-bad-row.json')])
    expect(result.code).toBe(1)
    expect(result.output.trim().split('\n')).toEqual([
      'hail-mary-auth: nothing imported: row 3 (kid): password_hash: must be a bcrypt ($2a$/$2b$/$2y$) or argon2id PHC string',
    ])
    expect((await cli(['user', 'list'])).output).toBe('') // no user, no line (API §8)
  })
})

describe('hail-mary-auth user set-role|disable|enable|reset-code', () => {
  it('keeps the last admin, and manages members on the same paths as the routes', async () => {
    const { cli, env } = box()
    await cli(['user', 'add', 'owner', '--role', 'admin', '--password-stdin'], PASSWORD)
    await cli(['user', 'add', 'kid', '--password-stdin'], PASSWORD)
    for (const args of [
      ['set-role', 'owner', 'member'],
      ['disable', 'owner'],
    ]) {
      const refused = await cli(['user', ...args])
      expect(refused.code).toBe(1)
      expect(refused.output).toContain('last enabled admin')
    }
    expect((await cli(['user', 'set-role', 'kid', 'admin'])).code).toBe(0)
    expect((await cli(['user', 'disable', 'owner'])).output).toBe(
      'owner is disabled and signed out everywhere\n',
    )
    const t = await createTestApp({ dataDir: env.AUTH_DATA_DIR, secret: env.AUTH_SECRET })
    expect(
      (
        await t.call('POST', '/v1/login/password', {
          json: { username: 'owner', password: PASSWORD },
        })
      ).status,
    ).toBe(401)
    t.close()
    expect((await cli(['user', 'enable', 'owner'])).code).toBe(0)
    const reset = await cli(['user', 'reset-code', 'kid'])
    expect(reset.code).toBe(0)
    const code = reset.output.trim().split('\n').at(-1)!
    const t2 = await createTestApp({ dataDir: env.AUTH_DATA_DIR, secret: env.AUTH_SECRET })
    expect(
      (
        await t2.call('POST', '/v1/password-reset', {
          json: { code, new_password: 'the kid chose this one' },
        })
      ).status,
    ).toBe(204)
    await login(t2, 'owner')
    const types = t2.services.database.sqlite
      .prepare(
        "SELECT type FROM audit_events WHERE type LIKE 'user.%' OR type LIKE 'reset%' ORDER BY id",
      )
      .all()
    expect(types.map((r) => (r as { type: string }).type)).toEqual([
      'user.created',
      'user.created',
      'user.role_changed',
      'user.disabled',
      'user.enabled',
      'reset_code.issued',
    ])
    t2.close()
    expect((await cli(['user', 'disable', 'nobody'])).output).toContain('no user named "nobody"')
    // Ten real CLI processes, each at the full argon2 cost the environment cannot lower: 30 s
    // was not enough on a busy 2-core machine (it timed out in the issue-14 baseline run).
  }, 90_000)
})

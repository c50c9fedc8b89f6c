import { copyFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { beforeAll, describe, expect, it } from 'vitest'
import { PASSWORD } from '../helpers/fixtures.js'
import { signIn, startServer, stopServer } from '../helpers/live-server.js'
import { runCLI, type RunningProcess } from '../helpers/process.js'
import { strongSecret } from '../helpers/secrets.js'
import { tempDir } from '../helpers/temp-dir.js'

// API §8: `restore <file>` refuses while the service runs on the same database, checks the
// file before touching anything, and keeps the database it replaces (mode 0600).
const modeOf = (path: string) => statSync(path).mode & 0o777

function box() {
  const cwd = tempDir()
  const dataDir = join(cwd, 'data')
  const env = {
    AUTH_SECRET: strongSecret(),
    AUTH_DATA_DIR: dataDir,
    AUTH_INITIAL_ADMIN_USERNAME: 'owner',
    AUTH_INITIAL_ADMIN_PASSWORD: PASSWORD,
  }
  const cli = (args: string[], input?: string) => runCLI(args, env, cwd, input)
  return { cwd, dataDir, dbPath: join(dataDir, 'auth.db'), env, cli }
}

function usernames(dbPath: string): string[] {
  const sqlite = new BetterSqlite3(dbPath, { readonly: true })
  try {
    const rows = sqlite.prepare('SELECT username FROM users ORDER BY username').all()
    return (rows as { username: string }[]).map((row) => row.username)
  } finally {
    sqlite.close()
  }
}

const keptCopies = (dataDir: string) =>
  readdirSync(dataDir).filter((name) => name.includes('.before-restore-'))

describe('hail-mary-auth restore <file>', () => {
  it('refuses while the service runs on the database, and changes nothing', async () => {
    const { cwd, dataDir, dbPath, env, cli } = box()
    const server = await startServer(env, cwd)
    try {
      const copy = join(cwd, 'copy.db')
      expect((await cli(['backup', copy])).code).toBe(0)
      const refused = await cli(['restore', copy])
      expect(refused.code).toBe(1)
      expect(refused.output.trim().split('\n')).toHaveLength(1)
      expect(refused.output).toMatch(/is in use \(is the service running\?\)/)
      expect(keptCopies(dataDir)).toEqual([])
      await signIn(server.url, 'owner', PASSWORD) // the service did not notice
      expect(usernames(dbPath)).toEqual(['owner'])
    } finally {
      await stopServer(server)
    }
  })

  it('puts the backup in place and keeps the replaced database, even after a SIGKILL', async () => {
    const { cwd, dataDir, dbPath, env, cli } = box()
    const server = await startServer(env, cwd)
    let stopped: RunningProcess | undefined = server
    try {
      expect((await cli(['user', 'add', 'kid', '--password-stdin'], PASSWORD)).code).toBe(0)
      const copy = join(cwd, 'before-teen.db')
      expect((await cli(['backup', copy])).code).toBe(0)
      expect((await cli(['user', 'add', 'teen', '--password-stdin'], PASSWORD)).code).toBe(0)
      // Killed: the kernel drops its locks, so nothing stale blocks the restore.
      await stopServer(server, 'SIGKILL')
      stopped = undefined

      const restored = await cli(['restore', copy])
      expect(restored).toMatchObject({ code: 0 })
      expect(restored.output).toMatch(/^restored .* the replaced database was kept as /)
      const [kept] = keptCopies(dataDir)
      expect(modeOf(join(dataDir, kept!))).toBe(0o600)
      expect(usernames(join(dataDir, kept!))).toEqual(['kid', 'owner', 'teen'])
      expect(modeOf(dbPath)).toBe(0o600)

      const again = await startServer(env, cwd)
      stopped = again
      expect(usernames(dbPath)).toEqual(['kid', 'owner'])
      await signIn(again.url, 'kid', PASSWORD)
    } finally {
      if (stopped) await stopServer(stopped)
    }
  })
})

describe('hail-mary-auth restore onto a new box', () => {
  it('needs the secret the backup was made with, then restores with nothing to keep', async () => {
    const old = box()
    await stopServer(await startServer(old.env, old.cwd))
    const copy = join(old.cwd, 'copy.db')
    expect((await old.cli(['backup', copy])).code).toBe(0)

    const cwd = tempDir()
    const dataDir = join(cwd, 'data')
    const withoutSecret = await runCLI(['restore', copy], { AUTH_DATA_DIR: dataDir }, cwd)
    expect(withoutSecret.code).toBe(78)
    expect(withoutSecret.output).toMatch(/AUTH_SECRET: restore needs the master secret/)
    const env = { ...old.env, AUTH_DATA_DIR: dataDir }
    const restored = await runCLI(['restore', copy], env, cwd)
    expect(restored.code).toBe(0)
    expect(keptCopies(dataDir)).toEqual([])
    expect(modeOf(join(dataDir, 'auth.db'))).toBe(0o600)
    const server = await startServer(env, cwd)
    try {
      await signIn(server.url, 'owner', PASSWORD)
    } finally {
      await stopServer(server)
    }
  })
})

describe('hail-mary-auth restore refuses a file that is not a good backup of this service', () => {
  let setup: ReturnType<typeof box>
  let good: string
  let before: Buffer
  beforeAll(async () => {
    setup = box()
    await stopServer(await startServer(setup.env, setup.cwd))
    good = join(setup.cwd, 'good.db')
    expect((await setup.cli(['backup', good])).code).toBe(0)
    before = readFileSync(setup.dbPath)
  })

  /** A copy of the good backup, changed by `change`. */
  function variant(name: string, change: (sqlite: BetterSqlite3.Database) => void): string {
    const path = join(setup.cwd, name)
    copyFileSync(good, path)
    const sqlite = new BetterSqlite3(path)
    change(sqlite)
    sqlite.close()
    return path
  }

  const cases: [string, () => string, RegExp][] = [
    ['a missing file', () => join(setup.cwd, 'nowhere.db'), /cannot read .* \(ENOENT\)/],
    [
      'a text file',
      () => {
        const path = join(setup.cwd, 'notes.txt')
        writeFileSync(path, 'not a database\n'.repeat(100))
        return path
      },
      /is not a SQLite database/,
    ],
    [
      'a damaged database',
      () => {
        const path = variant('damaged.db', () => undefined)
        const sqlite = new BetterSqlite3(path)
        const pageSize = sqlite.pragma('page_size', { simple: true }) as number
        const { rootpage } = sqlite
          .prepare("SELECT rootpage FROM sqlite_schema WHERE name = 'users'")
          .get() as { rootpage: number }
        sqlite.close()
        const bytes = readFileSync(path)
        bytes.fill(0xff, (rootpage - 1) * pageSize, rootpage * pageSize)
        writeFileSync(path, bytes)
        return path
      },
      /damaged/,
    ],
    [
      'another program’s database',
      () => variant('other.db', (sqlite) => sqlite.exec('DROP TABLE meta')),
      /is not a hail-mary-auth database/,
    ],
    [
      'a database from a newer version',
      () =>
        variant('newer.db', (sqlite) =>
          sqlite
            .prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)')
            .run('from-the-future', Date.UTC(2099, 0, 1)),
        ),
      /newer version/,
    ],
    [
      'a database made with another master secret',
      () =>
        variant('other-secret.db', (sqlite) =>
          sqlite
            .prepare("UPDATE meta SET value = 'not-this-secret' WHERE key = 'secret_fingerprint'")
            .run(),
        ),
      /different master secret/,
    ],
  ]

  it.each(cases)('%s: exit 1, one line, nothing changed', async (_name, make, reason) => {
    const refused = await setup.cli(['restore', make()])
    expect(refused.code).toBe(1)
    expect(refused.output.trim().split('\n')).toHaveLength(1)
    expect(refused.output).toMatch(reason)
    expect(refused.output).toContain('nothing was changed')
    expect(readFileSync(setup.dbPath).equals(before)).toBe(true)
    expect(readdirSync(setup.dataDir).filter((name) => /restor/.test(name))).toEqual([])
  })

  it('without a file: usage, exit 64', async () => {
    expect((await setup.cli(['restore'])).code).toBe(64)
  })
})

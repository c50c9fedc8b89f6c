import { spawnSync } from 'node:child_process'
import { chmodSync, chownSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { PASSWORD } from '../helpers/fixtures.js'
import {
  isRunning,
  send,
  signIn,
  startServer,
  stopServer,
  waitForReadyz,
  type Answer,
} from '../helpers/live-server.js'
import { freePort, runCLI, startProcess, type RunningProcess } from '../helpers/process.js'
import { packageRoot } from '../../src/package-root.js'
import { strongSecret } from '../helpers/secrets.js'
import {
  ext4Available,
  fillUp,
  mountExt4,
  mountsAvailable,
  mountTmpfs,
  type Mount,
} from '../helpers/storage-mounts.js'
import { tempDir } from '../helpers/temp-dir.js'

// Review of issue 14 (API §2): every kind of write, not only a sign-in, answers 503
// storage_unavailable on a read-only disk (never 500), the process stays up, and a SIGTERM
// during the fault still exits 0 after closing the database.
const servers: RunningProcess[] = []
const mounts: Mount[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) await stopServer(server, 'SIGKILL')
  for (const mount of mounts.splice(0)) mount.unmount()
})

const NEW_PASSWORD = `${PASSWORD}-but-new`

const ownerEnv = (dataDir: string) => ({
  AUTH_SECRET: strongSecret(),
  AUTH_DATA_DIR: dataDir,
  AUTH_INITIAL_ADMIN_USERNAME: 'owner',
  AUTH_INITIAL_ADMIN_PASSWORD: PASSWORD,
})

function expectRefused(answer: Answer, what: string) {
  expect({ what, status: answer.status, error: answer.body.error }).toEqual({
    what,
    status: 503,
    error: 'storage_unavailable',
  })
}

describe.skipIf(!ext4Available())('every write on a disk gone read-only', () => {
  it('answers 503 storage_unavailable, changes nothing, and SIGTERM still exits 0', async () => {
    const mount = mountExt4(16)
    mounts.push(mount)
    const dataDir = join(mount.path, 'data')
    const env = ownerEnv(dataDir)
    const server = await startServer(env, tempDir())
    servers.push(server)
    const url = server.url
    const owner = await signIn(url, 'owner', PASSWORD)
    const bearer = owner.access_token
    const created = await send(
      url,
      'POST',
      '/v1/admin/users',
      { username: 'kid', password: PASSWORD, role: 'member' },
      bearer,
    )
    expect(created.status).toBe(201)
    const kidId = (created.body.user as { id: string }).id

    mount.turnReadOnly()
    const attempts: [string, () => Promise<Answer>][] = [
      [
        'sign-in',
        () => send(url, 'POST', '/v1/login/password', { username: 'kid', password: PASSWORD }),
      ],
      [
        'refresh',
        () => send(url, 'POST', '/v1/token/refresh', { refresh_token: owner.refresh_token }),
      ],
      [
        'password change',
        () =>
          send(
            url,
            'PUT',
            '/v1/me/password',
            { current_password: PASSWORD, new_password: NEW_PASSWORD },
            bearer,
          ),
      ],
      [
        'role change',
        () => send(url, 'PATCH', `/v1/admin/users/${kidId}`, { role: 'admin' }, bearer),
      ],
      ['totp setup', () => send(url, 'POST', '/v1/me/totp/setup', {}, bearer)],
      ['passkey options', () => send(url, 'POST', '/v1/me/passkeys/options', {}, bearer)],
      ['reset code', () => send(url, 'POST', `/v1/admin/users/${kidId}/reset-code`, {}, bearer)],
      [
        'revoke all',
        () => send(url, 'DELETE', `/v1/admin/users/${kidId}/sessions`, undefined, bearer),
      ],
      ['logout', () => send(url, 'POST', '/v1/logout', { refresh_token: owner.refresh_token })],
    ]
    for (const [what, attempt] of attempts) expectRefused(await attempt(), what)
    expect(isRunning(server)).toBe(true)

    expect(await stopServer(server)).toEqual({ code: 0, signal: null })
    const sqlite = new BetterSqlite3(join(dataDir, 'auth.db'), { readonly: true })
    try {
      expect(sqlite.prepare("SELECT role FROM users WHERE username = 'kid'").get()).toEqual({
        role: 'member',
      })
    } finally {
      sqlite.close()
    }
  })
})

describe.skipIf(!mountsAvailable())('every write on a disk that is full', () => {
  it('answers 503 or does it whole; SIGTERM while full exits 0', async () => {
    const mount = mountTmpfs(4096)
    mounts.push(mount)
    const dataDir = join(mount.path, 'data')
    const env = ownerEnv(dataDir)
    const server = await startServer(env, tempDir())
    servers.push(server)
    const url = server.url
    const owner = await signIn(url, 'owner', PASSWORD)
    const bearer = owner.access_token
    fillUp(mount.path)
    for (const [what, attempt] of [
      [
        'sign-in',
        () => send(url, 'POST', '/v1/login/password', { username: 'owner', password: PASSWORD }),
      ],
      [
        'refresh',
        () => send(url, 'POST', '/v1/token/refresh', { refresh_token: owner.refresh_token }),
      ],
      [
        'password',
        () =>
          send(
            url,
            'PUT',
            '/v1/me/password',
            { current_password: PASSWORD, new_password: NEW_PASSWORD },
            bearer,
          ),
      ],
      ['logout', () => send(url, 'POST', '/v1/logout', { refresh_token: owner.refresh_token })],
    ] as const) {
      const answer = await attempt()
      // A full disk may still take a write that reuses free pages; a refusal is a clean 503.
      if (answer.status >= 500)
        expect({ what, error: answer.body.error }).toEqual({ what, error: 'storage_unavailable' })
    }
    expect(isRunning(server)).toBe(true)
    expect(await stopServer(server)).toEqual({ code: 0, signal: null })
    const sqlite = new BetterSqlite3(join(dataDir, 'auth.db'), { readonly: true })
    try {
      expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok')
    } finally {
      sqlite.close()
    }
  })
})

/** `docker compose run --rm auth restore …` runs the CLI as pid 1, every time. */
function restoreAsPidOne(file: string, env: Record<string, string>, cwd: string) {
  const cli = join(packageRoot(), 'dist/server/cli.js')
  const run = spawnSync(
    'unshare',
    ['-p', '-f', '--mount-proc', process.execPath, cli, 'restore', file],
    {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env },
      encoding: 'utf8',
    },
  )
  return { code: run.status, output: `${run.stdout}${run.stderr}` }
}

const unshareWorks = () =>
  process.getuid?.() === 0 && spawnSync('unshare', ['-p', '-f', 'true']).status === 0

describe.skipIf(!unshareWorks())('restore as pid 1 after a restore that was killed', () => {
  it('is not blocked by the staged copy the killed one left behind', async () => {
    const cwd = tempDir()
    const dataDir = join(cwd, 'data')
    const env = ownerEnv(dataDir)
    await stopServer(await startServer(env, cwd))
    const copy = join(cwd, 'copy.db')
    expect((await runCLI(['backup', copy], env, cwd)).code).toBe(0)
    // What a restore killed mid-copy (SIGKILL, power cut, the container stopped) leaves.
    writeFileSync(join(dataDir, 'auth.db.restoring-1'), 'half a copy')

    const restored = restoreAsPidOne(copy, env, cwd)
    expect(restored.output).toMatch(/^restored /)
    expect(restored.code).toBe(0)
  })
})

const straceWorks = () =>
  spawnSync('strace', ['-f', '-qq', '-e', 'trace=none', 'true']).status === 0

describe.skipIf(!straceWorks())('restore killed at each of its renames and links', () => {
  it('never leaves the data directory without a database', async () => {
    const cwd = tempDir()
    const dataDir = join(cwd, 'data')
    const dbPath = join(dataDir, 'auth.db')
    const env = ownerEnv(dataDir)
    await stopServer(await startServer(env, cwd))
    const copy = join(cwd, 'copy.db')
    expect((await runCLI(['backup', copy], env, cwd)).code).toBe(0)

    // SIGKILL on entry to the 1st, 2nd, 3rd… rename or link the restore makes (strace).
    const cli = join(packageRoot(), 'dist/server/cli.js')
    for (let step = 1; step <= 4; step++) {
      const inject = `inject=rename,link:error=EIO:signal=KILL:when=${step}`
      spawnSync(
        'strace',
        [
          '-f',
          '-qq',
          '-e',
          'trace=rename,link',
          '-e',
          inject,
          process.execPath,
          cli,
          'restore',
          copy,
        ],
        {
          cwd,
          env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env },
        },
      )
      // The old database or the new one, never none: a missing auth.db starts an empty service.
      expect({ step, exists: existsSync(dbPath) }).toEqual({ step, exists: true })
    }
  })
})

describe('a database held locked by another process while the service starts', () => {
  it('is not reported ready: /readyz names the lock until it is released', async () => {
    const cwd = tempDir()
    const dataDir = join(cwd, 'data')
    const env = ownerEnv(dataDir)
    await stopServer(await startServer(env, cwd))
    const holder = new BetterSqlite3(join(dataDir, 'auth.db'))
    try {
      holder.exec('BEGIN EXCLUSIVE')
      holder.prepare("INSERT INTO meta (key, value) VALUES ('held', 'by a backup tool')").run()
      const server = await startServer(env, cwd) // its start-up maintenance cannot write
      servers.push(server)
      const readyz = await waitForReadyz(server.url, () => true)
      expect(readyz.status).toBe(503)
      expect(readyz.body.checks.database!.message).toMatch(/locked by another process/)
      holder.exec('ROLLBACK')
      await waitForReadyz(server.url, (r) => r.status === 200)
    } finally {
      holder.close()
    }
  })
})

describe('user import of a file that is not valid JSON', () => {
  it('says so, without echoing the password hashes around the mistake', async () => {
    const cwd = tempDir()
    const env = ownerEnv(join(cwd, 'data'))
    const hash = `$2b$10$${'N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy'}`
    const file = join(cwd, 'users.json')
    // A trailing comma, the most common hand-edit mistake, right after a hash.
    writeFileSync(file, `[{"username":"kid","password_hash":"${hash}"},]`)
    const result = await runCLI(['user', 'import', file], env, cwd)
    expect(result.code).toBe(1)
    expect(result.output).toMatch(/not valid JSON/)
    expect(result.output).not.toContain(hash.slice(-6))
  })
})

describe.skipIf(process.getuid?.() !== 0)('restore run as root for a service that is not', () => {
  it('leaves the database owned by the service, which starts on it', async () => {
    const SERVICE_UID = 1000
    const cwd = tempDir()
    chmodSync(cwd, 0o755)
    const dataDir = join(cwd, 'data')
    mkdirSync(dataDir, { mode: 0o700 })
    chownSync(dataDir, SERVICE_UID, SERVICE_UID)
    const env = ownerEnv(dataDir)
    const asService = async () => {
      const running = startProcess(env, { cwd, port: await freePort(), uid: SERVICE_UID })
      servers.push(running)
      await running.waitForLog('ready')
      return running
    }
    await stopServer(await asService())
    const copy = join(cwd, 'copy.db')
    expect((await runCLI(['backup', copy], env, cwd)).code).toBe(0)
    // `sudo hail-mary-auth restore …` on the NAS, or `docker exec -u 0`.
    expect((await runCLI(['restore', copy], env, cwd)).code).toBe(0)
    expect(statSync(join(dataDir, 'auth.db')).uid).toBe(SERVICE_UID)
    await stopServer(await asService())
  })
})

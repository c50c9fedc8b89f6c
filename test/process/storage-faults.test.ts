import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs'
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
  type Readyz,
} from '../helpers/live-server.js'
import { freePort, startProcess, type RunningProcess } from '../helpers/process.js'
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
import { waitForOutput } from '../helpers/wait-for-output.js'

// API §2: a storage fault while running never ends the process: writes answer 503
// storage_unavailable, /readyz names the fault under `database`, the log says what failed,
// and nothing is half-written. Each test stops its server before its mount goes.
const servers: RunningProcess[] = []
const mounts: Mount[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) await stopServer(server, 'SIGKILL')
  for (const mount of mounts.splice(0)) mount.unmount()
})

const LOGIN = { username: 'owner', password: PASSWORD }

async function serve(dataDir: string) {
  const env = {
    AUTH_SECRET: strongSecret(),
    AUTH_DATA_DIR: dataDir,
    AUTH_INITIAL_ADMIN_USERNAME: 'owner',
    AUTH_INITIAL_ADMIN_PASSWORD: PASSWORD,
  }
  const server = await startServer(env, tempDir())
  servers.push(server)
  return { server, env }
}

async function expectStorageUnavailable(base: string) {
  const response = await fetch(`${base}/v1/login/password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(LOGIN),
  })
  expect(response.status).toBe(503)
  expect(response.headers.get('retry-after')).toBe('5')
  expect(await response.json()).toMatchObject({ error: 'storage_unavailable' })
}

function expectDegraded(readyz: Readyz, words: RegExp, dataDir: string) {
  expect(readyz.status).toBe(503)
  expect(readyz.body.status).toBe('degraded')
  expect(readyz.body.checks.database!.status).toBe('failed')
  expect(readyz.body.checks.database!.message).toMatch(words)
  expect(JSON.stringify(readyz.body)).not.toContain(dataDir) // /readyz is public: no paths
}

/** Sessions and their audit events are written in one transaction: the counts must agree. */
function committedSignIns(dbPath: string) {
  const sqlite = new BetterSqlite3(dbPath)
  try {
    return {
      integrity: sqlite.pragma('integrity_check', { simple: true }),
      sessions: sqlite.prepare('SELECT COUNT(*) AS n FROM sessions').get(),
      events: sqlite
        .prepare("SELECT COUNT(*) AS n FROM audit_events WHERE type = 'login.succeeded'")
        .get(),
      sessionsWithoutToken: sqlite
        .prepare(
          'SELECT COUNT(*) AS n FROM sessions s WHERE NOT EXISTS ' +
            '(SELECT 1 FROM refresh_tokens r WHERE r.session_id = s.id)',
        )
        .get(),
    }
  } finally {
    sqlite.close()
  }
}

describe.skipIf(!mountsAvailable())('a disk that fills up while running', () => {
  it('answers 503 storage_unavailable, reports it in /readyz, stays up and recovers', async () => {
    const mount = mountTmpfs(4096)
    mounts.push(mount)
    const dataDir = join(mount.path, 'data')
    const { server } = await serve(dataDir)
    await signIn(server.url, 'owner', PASSWORD)

    const filler = fillUp(mount.path)
    await expectStorageUnavailable(server.url)
    expectDegraded(
      await waitForReadyz(server.url, (r) => r.status === 503),
      /disk is full/,
      dataDir,
    )
    await waitForOutput(
      server,
      'storage fault: the disk is full; writes answer 503 storage_unavailable',
    )
    expect((await send(server.url, 'GET', '/.well-known/jwks.json')).status).toBe(200)
    expect(isRunning(server)).toBe(true)

    unlinkSync(filler)
    await waitForReadyz(server.url, (r) => r.status === 200 && r.body.status === 'ready')
    await waitForOutput(server, 'storage recovered')
    await signIn(server.url, 'owner', PASSWORD)
    expect(await stopServer(server)).toEqual({ code: 0, signal: null })
    expect(committedSignIns(join(dataDir, 'auth.db'))).toEqual({
      integrity: 'ok',
      sessions: { n: 2 },
      events: { n: 2 },
      sessionsWithoutToken: { n: 0 },
    })
  })
})

describe.skipIf(!ext4Available())('a file system that turns read-only while running', () => {
  it('answers 503 storage_unavailable, reports it in /readyz and stays up', async () => {
    const mount = mountExt4(16)
    mounts.push(mount)
    const dataDir = join(mount.path, 'data')
    const { server } = await serve(dataDir)
    await signIn(server.url, 'owner', PASSWORD)

    mount.turnReadOnly()
    await expectStorageUnavailable(server.url)
    expectDegraded(
      await waitForReadyz(server.url, (r) => r.status === 503),
      /file system is read-only/,
      dataDir,
    )
    await waitForOutput(server, 'storage fault: the file system is read-only; writes answer 503')
    await expectStorageUnavailable(server.url) // and again: no crash, no restart
    expect(isRunning(server)).toBe(true)
    expect((await send(server.url, 'GET', '/healthz')).status).toBe(200)
    await stopServer(server)
  })
})

describe('a database held locked by another process', () => {
  it('answers 503 storage_unavailable after the busy timeout and recovers when released', async () => {
    const dataDir = join(tempDir(), 'data')
    const { server } = await serve(dataDir)
    await signIn(server.url, 'owner', PASSWORD)

    const holder = new BetterSqlite3(join(dataDir, 'auth.db'))
    try {
      holder.exec('BEGIN EXCLUSIVE')
      await expectStorageUnavailable(server.url)
      expectDegraded(await waitForReadyz(server.url, (r) => r.status === 503), /locked/, dataDir)
      await waitForOutput(server, 'storage fault: the database is locked by another process')
      expect(isRunning(server)).toBe(true)
      holder.exec('ROLLBACK')
    } finally {
      holder.close()
    }
    await waitForReadyz(server.url, (r) => r.status === 200)
    await signIn(server.url, 'owner', PASSWORD)
    expect(await stopServer(server)).toEqual({ code: 0, signal: null })
    expect(committedSignIns(join(dataDir, 'auth.db'))).toMatchObject({
      integrity: 'ok',
      sessions: { n: 2 },
      events: { n: 2 },
    })
  })
})

describe('a damaged database file', () => {
  it('at start: the process stays up, live but not ready, and /readyz says why without a path', async () => {
    const cwd = tempDir()
    const dataDir = join(cwd, 'data')
    const { server, env } = await serve(dataDir)
    await stopServer(server)
    overwrite(join(dataDir, 'auth.db'), 0, Buffer.alloc(100, 0x41)) // the header

    const again = startProcess(env, { cwd, port: await freePort() })
    servers.push(again)
    await again.waitForLog('listening')
    const readyz = await waitForReadyz(again.url, (r) => r.body.status === 'failed')
    expect(readyz.status).toBe(503)
    expect(readyz.body.checks.database).toMatchObject({ status: 'failed' })
    expect(readyz.body.checks.database!.message).toMatch(/damaged/)
    expect(JSON.stringify(readyz.body)).not.toContain(dataDir)
    expect(await send(again.url, 'POST', '/v1/login/password', LOGIN)).toMatchObject({
      status: 503,
      body: { error: 'not_ready' },
    })
    expect((await send(again.url, 'GET', '/healthz')).status).toBe(200)
    expect(isRunning(again)).toBe(true)
  })

  it('while running: damaged tables answer 503 storage_unavailable and /readyz says so', async () => {
    const dataDir = join(tempDir(), 'data')
    const dbPath = join(dataDir, 'auth.db')
    const { server } = await serve(dataDir)
    const tokens = await signIn(server.url, 'owner', PASSWORD)

    // Move everything into the main file (the server's cache is dropped with the WAL), then
    // overwrite the pages of the session tables with garbage, as a failing disk would.
    const other = new BetterSqlite3(dbPath)
    other.pragma('wal_checkpoint(TRUNCATE)')
    const pageSize = other.pragma('page_size', { simple: true }) as number
    const roots = other
      .prepare("SELECT rootpage FROM sqlite_schema WHERE name IN ('sessions', 'refresh_tokens')")
      .all() as { rootpage: number }[]
    other.close()
    for (const { rootpage } of roots) {
      overwrite(dbPath, (rootpage - 1) * pageSize, Buffer.alloc(pageSize, 0xff))
    }

    const refreshed = await send(server.url, 'POST', '/v1/token/refresh', {
      refresh_token: tokens.refresh_token,
    })
    expect(refreshed).toMatchObject({ status: 503, body: { error: 'storage_unavailable' } })
    expectDegraded(await waitForReadyz(server.url, (r) => r.status === 503), /damaged/, dataDir)
    await waitForOutput(server, 'storage fault: the database file is damaged')
    expect(isRunning(server)).toBe(true)
  })
})

describe.skipIf(!mountsAvailable())('an unwritable data directory at start', () => {
  it('is a configuration error: exit 78 with a line naming AUTH_DATA_DIR', async () => {
    const mount = mountTmpfs(4096)
    mounts.push(mount)
    const { server, env } = await serve(join(mount.path, 'data'))
    expect(await stopServer(server)).toEqual({ code: 0, signal: null })
    mount.remountReadOnly() // root ignores chmod; a read-only mount stops root too

    const again = startProcess(env, { cwd: tempDir(), port: await freePort() })
    servers.push(again)
    expect((await again.exited).code).toBe(78)
    expect(again.output()).toMatch(/AUTH_DATA_DIR: \S+ is not writable \(EROFS\)/)
  })
})

function overwrite(path: string, offset: number, bytes: Buffer) {
  const fd = openSync(path, 'r+')
  try {
    writeSync(fd, bytes, 0, bytes.length, offset)
  } finally {
    closeSync(fd)
  }
}

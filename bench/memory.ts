import { spawn, spawnSync } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import BetterSqlite3 from 'better-sqlite3'
import { packageRoot } from '../src/package-root.js'
import { freePort, startCommand, waitForReady } from './cold-start.js'
import { BENCH_PASSWORD } from './harness.js'
import { times, type Row } from './rows.js'

const FLOOD = 500
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`
const status = (pid: number, field: 'VmRSS' | 'VmHWM') =>
  Number(
    new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ??
      0,
  ) * 1024

/** Starts `script` on `dataDir`; resolves once /readyz answers 200. */
async function start(script: string, env: Record<string, string>) {
  const port = await freePort()
  const child = spawn(process.execPath, [join(packageRoot(), script)], {
    env: { PATH: process.env.PATH ?? '', AUTH_PORT: String(port), ...env },
    // stdout: the server's log lines into a pipe this process drains, as a container's log
    // driver does
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  child.stdout!.resume()
  await waitForReady(child, port)
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM')
      await new Promise((resolve) => child.once('exit', resolve))
    },
  }
}

/**
 * How long both processes are left alone before their idle memory is read: V8 gives back the
 * heap that start-up grew (its memory reducer) some 15–20 s after allocation stops; read at
 * once, the server showed ~10 MiB more than it keeps while idle (both figures are printed).
 */
const SETTLE_MS = 25_000

/** The floor: Hono + better-sqlite3 + migrations (bare-start), its memory read by `idle()`. */
async function startBare() {
  const dataDir = mkdtempSync(join(tmpdir(), 'hma-bench-mem-'))
  const bare = await start('dist/bench/bare-start.js', { AUTH_DATA_DIR: dataDir })
  await fetch(`${bare.url}/readyz`)
  let stopped: Promise<void> | null = null
  return {
    atStart: status(bare.pid, 'VmRSS'),
    idle: () => status(bare.pid, 'VmRSS'),
    stop: () =>
      (stopped ??= bare.stop().then(() => rmSync(dataDir, { recursive: true, force: true }))),
  }
}

/**
 * `count` people flood0… on a fresh data dir: flood0 added by the service's own CLI (so its
 * hash has the service's argon2 cost), the others copies of that row under new names.
 */
function floodPeople(env: Record<string, string>, count: number): void {
  const cli = /^node (\S+)$/.exec(
    (
      JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
        scripts: { cli: string }
      }
    ).scripts.cli,
  )![1]!
  const added = spawnSync(
    process.execPath,
    [join(packageRoot(), cli), 'user', 'add', 'flood0', '--password-stdin'],
    { env: { PATH: process.env.PATH ?? '', ...env }, input: BENCH_PASSWORD, encoding: 'utf8' },
  )
  if (added.status !== 0) throw new Error(`user add: ${added.stderr}`)
  const sqlite = new BetterSqlite3(join(env.AUTH_DATA_DIR!, 'auth.db'))
  const columns = (sqlite.pragma('table_info(users)') as { name: string }[])
    .map((c) => c.name)
    .filter((name) => name !== 'id' && name !== 'username')
    .join(', ')
  const copy = sqlite.prepare(
    `INSERT INTO users (id, username, ${columns})
     SELECT ?, ?, ${columns} FROM users WHERE username = 'flood0'`,
  )
  sqlite.transaction(() => {
    for (let i = 1; i < count; i++) copy.run(randomUUID(), `flood${i}`)
  })()
  sqlite.close()
}

/**
 * Resident memory of the server as `npm start` runs it, at rest after one sign-in, against
 * the bare start; and its peak (VmHWM) while 500 password logins of 500 different people from
 * 500 different addresses (through a trusted proxy, so no one rate-limit key refuses them)
 * arrive at once: only the hash queue may refuse them, with 503 `busy`, and it must keep the
 * peak bounded. AUTH_HASH_CONCURRENCY=2, a 2-core NAS's default, on any machine.
 */
export async function memoryRows(): Promise<Row[]> {
  const bare = await startBare()
  const dataDir = mkdtempSync(join(tmpdir(), 'hma-bench-mem-'))
  const env = {
    AUTH_DATA_DIR: dataDir,
    AUTH_SECRET: randomBytes(48).toString('base64'),
    AUTH_TRUST_PROXY: '127.0.0.1/32',
    AUTH_HASH_CONCURRENCY: '2',
  }
  floodPeople(env, FLOOD)
  const { file, env: startEnv } = startCommand()
  const server = await start(file, { ...startEnv, ...env })
  try {
    const headers = { 'content-type': 'application/json' }
    const one = JSON.stringify({ username: 'flood0', password: BENCH_PASSWORD })
    const signIn = await fetch(`${server.url}/v1/login/password`, {
      method: 'POST',
      headers: { ...headers, 'x-forwarded-for': '10.0.0.1' },
      body: one,
    })
    if (signIn.status !== 200) throw new Error(`sign-in answered ${signIn.status}`)
    const afterSignIn = status(server.pid, 'VmRSS')
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS))
    const idle = status(server.pid, 'VmRSS')
    const floor = bare.idle()
    await bare.stop()
    let next = 0
    const result = await autocannon({
      url: `${server.url}/v1/login/password`,
      connections: FLOOD,
      amount: FLOOD,
      timeout: 120,
      requests: [
        {
          method: 'POST',
          setupRequest: (request) => {
            const i = next++
            return {
              ...request,
              headers: { ...headers, 'x-forwarded-for': `10.1.${i >> 8}.${i & 255}` },
              body: JSON.stringify({ username: `flood${i}`, password: BENCH_PASSWORD }),
            }
          },
        },
      ],
    })
    const peak = status(server.pid, 'VmHWM')
    const statuses = Object.entries(result.statusCodeStats ?? {})
      .map(([code, { count }]) => `${count}× ${code}`)
      .join(', ')
    return [
      {
        figure: 'resident memory, bare Hono + SQLite + migrations',
        value: `${mib(bare.atStart)} at start, ${mib(floor)} idle`,
      },
      {
        figure: 'resident memory, right after start and one sign-in',
        value: mib(afterSignIn),
        ratio: times(afterSignIn / bare.atStart),
        note: '/ bare start, at start',
      },
      {
        figure: `resident memory, idle (${SETTLE_MS / 1000} s after start and one sign-in)`,
        value: mib(idle),
        ratio: times(idle / floor),
        note: '/ bare start, idle; aim ≤ 80 MiB',
      },
      {
        figure: `peak resident memory, ${FLOOD} logins of distinct people and addresses at once`,
        value: mib(peak),
        ratio: times(peak / floor),
        note: `/ bare start; aim ≤ 180 MiB; answers: ${statuses}${result.errors ? `, ${result.errors} errors` : ''}`,
      },
    ]
  } finally {
    await server.stop()
    await bare.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

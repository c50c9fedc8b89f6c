import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import argon2 from 'argon2'
import BetterSqlite3 from 'better-sqlite3'
import { build } from 'esbuild'
import { packageRoot } from '../src/package-root.js'
import { median } from './harness.js'
import { ms, times, type Row } from './rows.js'

const RUNS = 5

/**
 * The bare start bundled the way build/bundle.mjs bundles the server (one ESM file), so the
 * like-for-like ratio does not credit the server with what bundling alone saves a bare app.
 */
async function bundledBareStart(): Promise<string> {
  const file = 'dist/bench/bare-start.bundled.js'
  await build({
    entryPoints: [join(packageRoot(), 'bench/bare-start.ts')],
    outfile: join(packageRoot(), file),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['better-sqlite3'],
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url)",
    },
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
  })
  return file
}

/**
 * What `npm start` runs (package.json's start script, `[NAME=value …] node <file>`): the file
 * and the environment it sets, so the benches measure what ships.
 */
export function startCommand(): { file: string; env: Record<string, string> } {
  const { scripts } = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
    scripts: { start: string }
  }
  const words = scripts.start.split(' ')
  const node = words.indexOf('node')
  if (node < 0 || node !== words.length - 2 || words.slice(0, node).some((w) => !w.includes('=')))
    throw new Error(`npm start is not \`[NAME=value …] node <file>\`: ${scripts.start}`)
  const env = Object.fromEntries(words.slice(0, node).map((w) => w.split(/=(.*)/s).slice(0, 2)))
  return { file: words[node + 1]!, env }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port
      server.close(() => resolve(port))
    })
  })
}

/** Polls /readyz every 5 ms until it answers 200. */
export async function waitForReady(child: ChildProcess, port: number): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}`)
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    )
    if (ready) return
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/** Milliseconds from spawning `script` to its first 200 from /readyz (polled every 5 ms). */
async function timeToReady(script: string, env: Record<string, string>): Promise<number> {
  const port = await freePort()
  const started = performance.now()
  const child = spawn(process.execPath, [join(packageRoot(), script)], {
    env: {
      PATH: process.env.PATH ?? '',
      AUTH_PORT: String(port),
      AUTH_LOG_LEVEL: 'silent',
      ...env,
    },
    stdio: 'ignore',
  })
  try {
    await waitForReady(child, port)
    return performance.now() - started
  } finally {
    child.kill('SIGTERM')
    await new Promise((resolve) => child.once('exit', resolve))
  }
}

/** A database of 10 000 users and 100 000 audit rows, made by the service's own migrations. */
async function bigDatabase(secret: string): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hma-bench-big-'))
  const server = startCommand()
  await timeToReady(server.file, { ...server.env, AUTH_DATA_DIR: dataDir, AUTH_SECRET: secret })
  const sqlite = new BetterSqlite3(join(dataDir, 'auth.db'))
  const hash = await argon2.hash('a shared bench password', { type: argon2.argon2id })
  const now = Math.floor(Date.now() / 1000)
  sqlite.transaction(() => {
    const user = sqlite.prepare(
      `INSERT INTO users (id, username, display_name, role, disabled, password_hash, pin_failures,
        pin_disabled, quick_login, mfa_enabled, created_at, updated_at)
       VALUES (?, ?, ?, 'member', 0, ?, 0, 0, 0, 1, ?, ?)`,
    )
    for (let i = 0; i < 10_000; i++) user.run(randomUUID(), `user${i}`, `User ${i}`, hash, now, now)
    const event = sqlite.prepare(
      "INSERT INTO audit_events (at, type, user_id, address, user_agent, detail) VALUES (?, 'login.succeeded', ?, '192.168.1.20', 'bench', '{}')",
    )
    for (let i = 0; i < 100_000; i++) event.run(now - (i % 86_400), `user${i % 10_000}`)
  })()
  sqlite.close()
  return dataDir
}

/** Spawn to /readyz 200, against Hono + SQLite + migrations alone; medians of 3 runs. */
export async function coldStartRows(): Promise<Row[]> {
  const secret = randomBytes(48).toString('base64')
  const dirs: string[] = []
  const fresh = () => {
    const dir = mkdtempSync(join(tmpdir(), 'hma-bench-cold-'))
    dirs.push(dir)
    return dir
  }
  const server = startCommand()
  const bundled = await bundledBareStart()
  try {
    const bare: number[] = []
    const bareBundled: number[] = []
    const empty: number[] = []
    for (let i = 0; i < RUNS; i++) {
      bare.push(await timeToReady('dist/bench/bare-start.js', { AUTH_DATA_DIR: fresh() }))
      bareBundled.push(await timeToReady(bundled, { AUTH_DATA_DIR: fresh() }))
      empty.push(
        await timeToReady(server.file, {
          ...server.env,
          AUTH_DATA_DIR: fresh(),
          AUTH_SECRET: secret,
        }),
      )
    }
    const big = await bigDatabase(secret)
    dirs.push(big)
    const loaded: number[] = []
    for (let i = 0; i < RUNS; i++) {
      loaded.push(
        await timeToReady(server.file, { ...server.env, AUTH_DATA_DIR: big, AUTH_SECRET: secret }),
      )
    }
    return [
      { figure: 'cold start, bare Hono + SQLite + migrations', value: ms(median(bare)) },
      {
        figure: 'cold start, the same bare start bundled into one file',
        value: ms(median(bareBundled)),
      },
      {
        figure: 'cold start to /readyz 200, empty data dir',
        value: ms(median(empty)),
        ratio: times(median(empty) / median(bare)),
        note: '/ bare Hono + SQLite + migrations start (as the issue measured it); aim ≤ 1.3×',
      },
      {
        figure: 'cold start to /readyz 200, empty data dir, like for like',
        value: ms(median(empty)),
        ratio: times(median(empty) / median(bareBundled)),
        note: '/ the bare start bundled as the server is',
      },
      {
        figure: 'cold start to /readyz 200, 10 000 users + 100 000 audit rows',
        value: ms(median(loaded)),
        ratio: times(median(loaded) / median(bare)),
        note: '/ bare start (empty)',
      },
    ]
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  }
}

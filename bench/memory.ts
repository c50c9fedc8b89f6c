import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { packageRoot } from '../src/package-root.js'
import { freePort, waitForReady } from './cold-start.js'
import { BENCH_PASSWORD } from './harness.js'
import { startChildServer } from './load.js'
import { times, type Row } from './rows.js'

const FLOOD = 500
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`
const vmRSS = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024

/** The floor: resident memory of Hono + better-sqlite3 + migrations after start (bare-start). */
async function bareResident(): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hma-bench-mem-'))
  const port = await freePort()
  const child = spawn(process.execPath, [join(packageRoot(), 'dist/bench/bare-start.js')], {
    env: { PATH: process.env.PATH ?? '', AUTH_PORT: String(port), AUTH_DATA_DIR: dataDir },
    stdio: 'ignore',
  })
  try {
    await waitForReady(child, port)
    await fetch(`http://127.0.0.1:${port}/readyz`)
    return vmRSS(child.pid!)
  } finally {
    child.kill('SIGTERM')
    await new Promise((resolve) => child.once('exit', resolve))
    rmSync(dataDir, { recursive: true, force: true })
  }
}

/**
 * Resident memory of the server at rest against the bare start, and its peak (VmHWM) while
 * 500 password logins of 500 different people from 500 different addresses (through a
 * trusted proxy, so no one rate-limit key refuses them) arrive at once: only the hash queue
 * may refuse them, with 503 `busy`, and it must keep the peak bounded.
 */
export async function memoryRows(): Promise<Row[]> {
  const floor = await bareResident()
  const server = await startChildServer({ AUTH_TRUST_PROXY: '127.0.0.1/32' })
  try {
    await server.command('add-users', { count: FLOOD, password: BENCH_PASSWORD })
    const headers = { 'content-type': 'application/json' }
    const one = JSON.stringify({ username: 'flood0', password: BENCH_PASSWORD })
    await fetch(`${server.url}/v1/login/password`, { method: 'POST', headers, body: one })
    const idle = server.memory().rss
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
    const { peak } = server.memory()
    const statuses = Object.entries(result.statusCodeStats ?? {})
      .map(([code, { count }]) => `${count}× ${code}`)
      .join(', ')
    return [
      { figure: 'resident memory, bare Hono + SQLite + migrations', value: mib(floor) },
      {
        figure: 'resident memory, idle after start and one sign-in',
        value: mib(idle),
        ratio: times(idle / floor),
        note: '/ bare start; aim ≤ 80 MiB',
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
  }
}

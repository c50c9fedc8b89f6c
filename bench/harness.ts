import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { systemClock, type Clock } from '../src/clock.js'
import { loadConfig, type Env } from '../src/config.js'
import { startInProcess } from '../src/in-process.js'
import { createLogger } from '../src/logger.js'
import { defaultMigrationsDir } from '../src/package-root.js'
import { createReadiness } from '../src/readiness.js'

export const BENCH_PASSWORD = 'a long enough bench password'
export const BENCH_PIN = '480917'

/** A clock the benchmark moves (TOTP codes are good once per 30 s step). */
export function steppingClock(): Clock & { advance(seconds: number): void } {
  let offset = 0
  return {
    now: () => new Date(Date.now() + offset),
    advance: (seconds) => {
      offset += seconds * 1000
    },
  }
}

/** The real service in this process, on a fresh data dir, with the default argon2 cost. */
export async function startBenchService(
  env: Env = {},
  clock: Clock = systemClock,
  logLevel = 'silent',
) {
  const dataDir = mkdtempSync(join(tmpdir(), 'hma-bench-'))
  const secret = randomBytes(48).toString('base64')
  const loaded = loadConfig({ AUTH_DATA_DIR: dataDir, AUTH_SECRET: secret, ...env }, () => '')
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'))
  const readiness = createReadiness()
  const service = await startInProcess({
    config: loaded.config,
    secret,
    clock,
    logger: createLogger(logLevel),
    migrationsDir: defaultMigrationsDir(),
    readiness,
  })
  const services = service.services!
  const request = (path: string, init: RequestInit = {}) =>
    Promise.resolve(
      service.app.request(path, init, { incoming: { socket: { remoteAddress: '127.0.0.1' } } }),
    )
  const postJSON = (path: string, json: unknown) =>
    request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(json),
    })
  return {
    ...service,
    services,
    dataDir,
    secret,
    request,
    postJSON,
    stop() {
      service.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export type BenchService = Awaited<ReturnType<typeof startBenchService>>

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

export const median = (samples: number[]) => percentile(samples, 50)

/**
 * Times `subject` against `baseline` one for one, interleaved, so that noise from a shared
 * machine falls on both alike.
 */
export async function interleaved(
  samples: number,
  baseline: () => Promise<unknown>,
  subject: () => Promise<unknown>,
): Promise<{ baseline: number[]; subject: number[] }> {
  const times = { baseline: [] as number[], subject: [] as number[] }
  for (let i = 0; i < samples; i++) {
    let started = performance.now()
    await baseline()
    times.baseline.push(performance.now() - started)
    started = performance.now()
    await subject()
    times.subject.push(performance.now() - started)
  }
  return times
}

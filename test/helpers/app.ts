import { Writable } from 'node:stream'
import { join } from 'node:path'
import type { createApp } from '../../src/app.js'
import type { NodeAnswer } from '../../src/http/prebuilt-answers.js'
import { loadConfig, type Config, type Env } from '../../src/config.js'
import { createLogger } from '../../src/logger.js'
import { defaultMigrationsDir } from '../../src/package-root.js'
import { createReadiness } from '../../src/readiness.js'
import type { Services } from '../../src/services.js'
import { startInProcess } from '../../src/in-process.js'
import { testClock, type TestClock } from './clock.js'
import { strongSecret } from './secrets.js'
import { tempDir } from './temp-dir.js'

/** argon2id at a small cost, for the many tests that are not about cost (RFC 9106: m ≥ 8·p). */
export const TEST_ARGON2: Config['argon2'] = { memoryKiB: 256, timeCost: 1, parallelism: 1 }

export interface TestApp {
  app: ReturnType<typeof createApp>
  /** The server's answers made before the app, for tests on a real socket (listening.ts). */
  answers: NodeAnswer
  services: Services
  clock: TestClock
  logs: string[]
  dataDir: string
  secret: string
  /** app.request with a JSON body, a bearer token and a socket peer address. */
  call(
    method: string,
    path: string,
    options?: { json?: unknown; token?: string; peer?: string; headers?: Record<string, string> },
  ): Promise<Response>
  close(): void
}

/**
 * The real app on a fresh SQLite file built by the real migrations, through the same start-up
 * code as the server; only the clock is the test's.
 */
export async function createTestApp(
  options: {
    env?: Env
    clock?: TestClock
    dataDir?: string
    secret?: string
    /** argon2 cost; 'configured' keeps what loadConfig gives (the production cost by default). */
    argon2?: Config['argon2'] | 'configured'
  } = {},
): Promise<TestApp> {
  const dataDir = options.dataDir ?? tempDir()
  const secret = options.secret ?? strongSecret()
  const loaded = loadConfig(
    { AUTH_DATA_DIR: dataDir, AUTH_SECRET: secret, AUTH_HASH_CONCURRENCY: '2', ...options.env },
    () => '',
  )
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'))
  const logs: string[] = []
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString().split('\n').filter(Boolean))
      done()
    },
  })
  const logger = createLogger('debug', sink)
  const clock = options.clock ?? testClock()
  const readiness = createReadiness()
  const input = {
    // Cheap argon2 unless a test is about its cost. Only a test can set it, in-process: the
    // environment still has the production floor (test/process/secret.test.ts).
    config:
      options.argon2 === 'configured'
        ? loaded.config
        : { ...loaded.config, argon2: options.argon2 ?? TEST_ARGON2 },
    secret,
    clock,
    logger,
    migrationsDir: defaultMigrationsDir(),
    readiness,
  }
  const { app, answers, services, close } = await startInProcess(input)
  if (!services) throw new Error(JSON.stringify(readiness.checks))
  return {
    app,
    answers,
    services,
    clock,
    logs,
    dataDir,
    secret,
    call(method, path, { json, token, peer = '127.0.0.1', headers = {} } = {}) {
      const init: RequestInit = { method, headers: { ...headers } }
      const h = init.headers as Record<string, string>
      if (json !== undefined) {
        h['content-type'] ??= 'application/json'
        init.body = typeof json === 'string' ? json : JSON.stringify(json)
      }
      if (token) h.authorization = `Bearer ${token}`
      return Promise.resolve(
        app.request(path, init, { incoming: { socket: { remoteAddress: peer } } }),
      )
    },
    close,
  }
}

export const databasePath = (t: TestApp) => join(t.dataDir, 'auth.db')

import { readFileSync } from 'node:fs'
import type { Server } from 'node:http'
import { createApp } from './app.js'
import { createStartingApp } from './http/shell.js'
import { createHttpServer, nodeListener } from './http/node-listener.js'
import { prebuiltAnswers } from './http/prebuilt-answers.js'
import { systemClock, type Clock } from './clock.js'
import { loadConfig, type Env } from './config.js'
import { closeDatabase, type Database } from './db/client.js'
import { createLogger, type Logger } from './logger.js'
import { defaultMigrationsDir } from './package-root.js'
import { createReadiness } from './readiness.js'
import { createMetrics } from './metrics.js'
import { networkWarnings } from './limits/network-settings.js'
import { resolveSecret } from './secret-file.js'
import { listenFailureLine, stopOnConfigError } from './config-error-wait.js'
import { unwritableDataDir } from './db/storage-fault.js'
import { boot, runMaintenance, type Booted } from './startup.js'
import { createStorageWatch } from './db/storage-watch.js'

export const SHUTDOWN_GRACE_MS = 10_000
const MAINTENANCE_INTERVAL_MS = 60 * 60 * 1000

export interface RunOptions {
  env: Env
  clock?: Clock
  migrationsDir?: string
  /** Resolves when the process should stop (a signal); the server then drains. */
  stopSignal: Promise<string>
  printError: (line: string) => void
}

/** Runs the service until `stopSignal`; resolves with the exit code. */
export async function runServer(options: RunOptions): Promise<number> {
  const loaded = loadConfig(options.env, (path) => readFileSync(path, 'utf8'))
  if (!loaded.ok) {
    return stopOnConfigError(options, loaded.errors)
  }
  const config = loaded.config
  const unwritable = unwritableDataDir(config.dataDir)
  if (unwritable) return stopOnConfigError(options, [unwritable])
  const secret = resolveSecret(config.givenSecret, config.dataDir, config.databasePath)
  if (!secret.ok) return stopOnConfigError(options, [secret.error])
  const logger = createLogger(config.logLevel)
  for (const warning of networkWarnings(config)) logger.warn(warning)
  if (secret.generatedPath) {
    logger.warn(
      { path: secret.generatedPath },
      'generated a new master secret; back it up together with the database',
    )
  }
  const readiness = createReadiness()
  const metrics = createMetrics()
  const input = {
    metrics,
    config,
    secret: secret.secret,
    clock: options.clock ?? systemClock,
    logger,
    migrationsDir: options.migrationsDir ?? defaultMigrationsDir(),
    readiness,
  }
  const shell = {
    logger,
    readiness,
    trustProxy: config.trustProxy,
    metrics: { metrics, networks: config.metricsNetworks },
  }
  // The server listens with the starting app (health answers at once); once start-up has
  // built the services, the real app is swapped in whole.
  let current = createStartingApp(shell)
  let answers = prebuiltAnswers({ logger, metrics })
  const listener = nodeListener(
    (request, env) => current.fetch(request, env),
    () => answers,
    { hostname: config.host },
  )
  let server: Server | undefined
  let booted: Booted
  try {
    booted = await boot(input, async () => {
      server = await listen(listener, config.host, config.port)
      logger.info({ host: config.host, port: config.port }, 'listening')
    })
  } catch (error) {
    // Only a server that never listened is a listen failure; a throw after it is not.
    if (server === undefined && config.onConfigError === 'wait') {
      return stopOnConfigError(options, [listenFailureLine(config.host, config.port, error)])
    }
    if (server === undefined) {
      options.printError(
        `cannot listen on ${config.host}:${config.port}: ${(error as Error).message}`,
      )
      return 1
    }
    // A start-up step threw after the server listened: stay up, not ready, no restart loop
    // (API §2); SIGTERM still stops the process cleanly.
    logger.error({ err: error }, 'start-up failed')
    readiness.status = 'failed'
    booted = { kind: 'started', database: null, services: null }
  }
  if (booted.kind === 'config-error') return stopOnConfigError(options, [booted.message])
  const { services, database } = booted
  const storage = database ? createStorageWatch({ readiness, logger, database }) : undefined
  if (services) {
    storage?.guard('maintenance', () => runMaintenance(services))
    current = createApp(services, { ...shell, storage })
    answers = prebuiltAnswers({ logger, metrics, jwks: () => services.signingKeys.checkedJWKS() })
    logger.info('ready')
  }
  const maintenance = setInterval(() => {
    if (services) storage?.guard('maintenance', () => runMaintenance(services))
  }, MAINTENANCE_INTERVAL_MS)
  maintenance.unref()

  const signal = await options.stopSignal
  logger.info({ signal }, 'shutting down')
  clearInterval(maintenance)
  await drain(server!, logger)
  services?.limits.close() // the limiter's own connection to the same file
  if (database) closeDatabase(database)
  logger.info('stopped')
  return 0
}

function listen(
  listener: ReturnType<typeof nodeListener>,
  hostname: string,
  port: number,
): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createHttpServer(listener).listen(port, hostname)
    server.once('error', reject)
    server.once('listening', () => {
      server.off('error', reject)
      resolve(server)
    })
  })
}

/** Stops accepting, lets requests in flight finish (at most 10 s), then cuts the rest. */
async function drain(server: Server, logger: Logger): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      logger.warn('requests still running after 10 s; closing their connections')
      server.closeAllConnections()
    }, SHUTDOWN_GRACE_MS)
    // A keep-alive connection becomes idle once its last request is answered: close it then.
    const idle = setInterval(() => server.closeIdleConnections(), 50)
    server.close(() => {
      clearTimeout(timer)
      clearInterval(idle)
      resolve()
    })
    server.closeIdleConnections()
  })
}

export type { Database }

import { createApp } from './app.js'
import { createStartingApp, type App } from './http/shell.js'
import { prebuiltAnswers, type NodeAnswer } from './http/prebuilt-answers.js'
import { createMetrics } from './metrics.js'
import { closeDatabase } from './db/client.js'
import type { Services } from './services.js'
import { boot, type StartupInput } from './startup.js'

/**
 * The whole start-up without a socket, for tests and benchmarks: the same `boot()` as the
 * server. Throws on a configuration error; a failed step leaves `services` null and the
 * starting app in place, as in the server.
 */
export async function startInProcess(base: StartupInput): Promise<{
  app: App
  /** What a listening server answers before the app (node-listener.ts), as the server's. */
  answers: NodeAnswer
  services: Services | null
  readiness: StartupInput['readiness']
  close: () => void
}> {
  const metrics = base.metrics ?? createMetrics()
  const input = { ...base, metrics }
  const booted = await boot(input)
  if (booted.kind === 'config-error') throw new Error(booted.message)
  const shell = {
    logger: input.logger,
    readiness: input.readiness,
    trustProxy: input.config.trustProxy,
    metrics: { metrics, networks: input.config.metricsNetworks },
  }
  const { services, database } = booted
  return {
    app: services ? createApp(services, shell) : createStartingApp(shell),
    answers: prebuiltAnswers({
      logger: input.logger,
      metrics,
      jwks: services ? () => services.signingKeys.checkedJWKS() : undefined,
    }),
    services,
    readiness: input.readiness,
    close: () => {
      services?.limits.close()
      if (database) closeDatabase(database)
    },
  }
}

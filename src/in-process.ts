import { createApp } from './app.js'
import { createMetrics } from './metrics.js'
import { closeDatabase } from './db/client.js'
import { completeStartup, openChecked, type StartupInput } from './startup.js'

/**
 * The whole start-up without a socket, for tests and benchmarks: the same steps as the server
 * (`openChecked`, then `completeStartup`), in one call. Throws when the database cannot be
 * opened; a failed migration leaves `readiness` failed, as in the server.
 */
export async function startInProcess(base: StartupInput) {
  const metrics = base.metrics ?? createMetrics(base.readiness)
  const input = { ...base, metrics }
  const opened = openChecked(input)
  if (opened.kind !== 'open') {
    throw new Error(opened.kind === 'config-error' ? opened.message : 'database failed to open')
  }
  await completeStartup(input, opened.database, opened.secretKeys)
  const app = createApp({
    logger: input.logger,
    readiness: input.readiness,
    trustProxy: input.config.trustProxy,
    metrics: { metrics, networks: input.config.metricsNetworks },
  })
  return { app, readiness: input.readiness, close: () => closeDatabase(opened.database) }
}

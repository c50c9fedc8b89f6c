import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { startBenchService } from './harness.js'

/**
 * A child process serving the real app plus one bare Hono route on the same server, so a load
 * generator in the parent measures both under the same conditions without sharing a thread.
 */
const service = await startBenchService(
  JSON.parse(process.env.BENCH_ENV ?? '{}') as Record<string, string>,
)
const bare = new Hono()
bare.get('/bare', (c) => c.json({ ok: true }))
const server = serve({
  hostname: '127.0.0.1',
  port: 0,
  fetch: (request, env) =>
    new URL(request.url).pathname === '/bare'
      ? bare.fetch(request)
      : service.app.fetch(request, env),
})
server.once('listening', () => {
  const address = server.address()
  process.send!({ port: typeof address === 'object' && address ? address.port : 0 })
})
process.on('message', (message) => {
  if (message === 'stop') {
    server.close()
    service.stop()
    process.exit(0)
  }
})

import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { startBenchService } from './harness.js'

/**
 * A child process serving the real app plus one bare Hono route on the same server, so a load
 * generator in the parent measures both under the same conditions without sharing a thread.
 * It also runs in-process baselines on request (IPC), so they share the server's process.
 */
// Logs at info like a real server (stdout is /dev/null here), so the per-request log line is
// part of what the HTTP rows measure.
const service = await startBenchService(
  JSON.parse(process.env.BENCH_ENV ?? '{}') as Record<string, string>,
  undefined,
  'info',
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

type Command =
  | { id: number; cmd: 'stop' }
  | { id: number; cmd: 'add-user'; username: string; password: string }
  | { id: number; cmd: 'add-users'; count: number; password: string }
  | { id: number; cmd: 'bare-me'; token: string; seconds: number }

/** One signature verification plus one session lookup, back to back: the floor of /v1/me. */
async function bareMeRate(token: string, seconds: number): Promise<number> {
  const { accessTokens, sessions } = service.services
  let count = 0
  const started = performance.now()
  while (performance.now() - started < seconds * 1000) {
    const access = await accessTokens.verify(token)
    if (!access || !sessions.isActive(access.sid)) throw new Error('bare verification failed')
    count++
  }
  return count / ((performance.now() - started) / 1000)
}

/** `count` people flood0…, the first hashed by the service, the rest sharing its hash (fast). */
async function addUsers(count: number, password: string): Promise<void> {
  const people = service.services.users
  const { passwordHash } = await people.create({ username: 'flood0', password })
  for (let i = 1; i < count; i++)
    await people.create({ username: `flood${i}`, passwordHash: passwordHash! })
}

process.on('message', (message: Command) => {
  void (async () => {
    let result: unknown = null
    if (message.cmd === 'add-user') {
      await service.services.users.create({
        username: message.username,
        password: message.password,
      })
    } else if (message.cmd === 'add-users') {
      await addUsers(message.count, message.password)
    } else if (message.cmd === 'bare-me') {
      result = await bareMeRate(message.token, message.seconds)
    } else if (message.cmd === 'stop') {
      server.close()
      service.stop()
      process.send!({ id: message.id, result }, () => process.exit(0))
      return
    }
    process.send!({ id: message.id, result })
  })()
})

server.once('listening', () => {
  const address = server.address()
  process.send!({ id: 0, result: typeof address === 'object' && address ? address.port : 0 })
})

import { createServer } from 'node:http'
import { getRequestListener } from '@hono/node-server'
import { Hono } from 'hono'
import { nodeListener } from '../src/http/node-listener.js'
import type { AppEnv } from '../src/http/env.js'
import { requestIdFrom } from '../src/http/middleware/request-id.js'
import { SECURITY_HEADERS } from '../src/http/middleware/security-headers.js'
import { createLogger } from '../src/logger.js'
import { startBenchService } from './harness.js'

/**
 * A child process serving the real app plus one bare Hono route on the same server, so a load
 * generator in the parent measures both under the same conditions without sharing a thread.
 * It also runs in-process baselines on request (IPC), so they share the server's process.
 */
// Logs at info like a real server (stdout is a pipe the parent drains), so the per-request log line is
// part of what the HTTP rows measure.
const service = await startBenchService(
  JSON.parse(process.env.BENCH_ENV ?? '{}') as Record<string, string>,
  undefined,
  'info',
)
// The floor of the JWKS row: a bare Hono route serving the same bytes with the same
// Content-Type, without the request frame (http-rates.ts checks that the bytes are the same).
await service.services.signingKeys.ensureCurrent()
const jwks = service.services.signingKeys.publishedJWKS()
const bare = new Hono<AppEnv>()
bare.get('/bare', (c) => c.body(jwks, 200, { 'Content-Type': 'application/json' }))
// The least a request id and a log line per request cost: the same route behind one async
// middleware that sets the id and the security headers on Node's response and logs one line.
const lines = createLogger('info').child({}, { redact: [] })
const framed = new Hono<AppEnv>()
framed.use('*', async function leastFrame(c, next) {
  const id = requestIdFrom(c.env.incoming?.headers['x-request-id'] as string | undefined)
  c.env.outgoing!.setHeader('X-Request-Id', id)
  for (const [name, value] of SECURITY_HEADERS) c.env.outgoing!.setHeader(name, value)
  await next()
  lines.info({ req_id: id, method: c.req.method, path: c.req.path, status: 200 }, 'request')
})
framed.get('/bare-framed', (c) => c.body(jwks, 200, { 'Content-Type': 'application/json' }))
// The floors are dispatched by Node's request URL before anything of the app runs, so each
// pays only what hono costs; the app's requests take the server's own way (node-listener.ts).
const floors: Record<string, ReturnType<typeof getRequestListener>> = {
  '/bare': getRequestListener(bare.fetch),
  '/bare-framed': getRequestListener(framed.fetch),
}
const app = nodeListener(service.app.fetch, () => service.answers, { hostname: '127.0.0.1' })
const server = createServer((request, response) => {
  const floor = floors[request.url ?? '']
  if (floor) void floor(request, response)
  else app(request, response)
}).listen(0, '127.0.0.1')

type Command =
  | { id: number; cmd: 'stop' }
  | { id: number; cmd: 'add-user'; username: string; password: string }
  | { id: number; cmd: 'add-users'; count: number; password: string }
  | { id: number; cmd: 'bare-me'; token: string; seconds: number }
  | { id: number; cmd: 'sign-in-user'; username: string; password: string; pin: string }

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

/** A person with a password and a quick-login PIN: their id and both hashes. */
async function signInUser(username: string, password: string, pin: string) {
  const { users, pins } = service.services
  const user = await users.create({ username, password })
  await pins.set(user.id, pin)
  users.update(user.id, { quickLogin: true })
  const row = users.findById(user.id)!
  return { userId: user.id, passwordHash: row.passwordHash, pinHash: row.pinHash }
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
    } else if (message.cmd === 'sign-in-user') {
      result = await signInUser(message.username, message.password, message.pin)
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

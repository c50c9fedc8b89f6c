import { spawn } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import { networkInterfaces } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { packageRoot } from '../../src/package-root.js'
import { freePort, startProcess } from '../helpers/process.js'
import { strongSecret } from '../helpers/secrets.js'
import { tempDir } from '../helpers/temp-dir.js'
import { waitForOutput } from '../helpers/wait-for-output.js'

// Spawned asynchronously: a blocking spawn would stop this process's stand-in server answering.
async function healthcheck(env: Record<string, string>): Promise<number | null> {
  const child = spawn(process.execPath, [join(packageRoot(), 'dist/server/healthcheck.js')], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: 'ignore',
  })
  return new Promise((resolve) => child.once('exit', resolve))
}

const hasIPv6Loopback = Object.values(networkInterfaces()).some((list) =>
  list?.some((i) => i.address === '::1'),
)

const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))))
})

/** A stand-in service that answers /readyz 200 on exactly one address. */
async function readyOn(host: string): Promise<number> {
  const server = createServer((request, response) => {
    response.writeHead(request.url === '/readyz' ? 200 : 404).end()
  })
  servers.push(server)
  const port = await freePort()
  await new Promise<void>((resolve) => server.listen(port, host, resolve))
  return port
}

describe('the image HEALTHCHECK script', () => {
  it('exits 0 when /readyz is 200 and 1 when nothing answers', async () => {
    const port = await freePort()
    expect(await healthcheck({ AUTH_PORT: String(port) })).toBe(1)
    const server = startProcess({ AUTH_SECRET: strongSecret() }, { cwd: tempDir(), port })
    await server.waitForLog('ready')
    expect(await healthcheck({ AUTH_PORT: String(port) })).toBe(0)
    server.child.kill('SIGTERM')
    await server.exited
  })

  // Regression: it always asked 127.0.0.1, so a service bound to one LAN address was reported
  // unhealthy (and an API waiting on service_healthy never started).
  it('asks the address in AUTH_HOST, not always the loopback', async () => {
    const port = await readyOn('127.0.0.2')
    expect(await healthcheck({ AUTH_HOST: '127.0.0.2', AUTH_PORT: String(port) })).toBe(0)
    expect(await healthcheck({ AUTH_PORT: String(port) })).toBe(1) // nothing on 127.0.0.1
  })

  it('asks the loopback when the service listens on every address (0.0.0.0)', async () => {
    const port = await readyOn('0.0.0.0')
    expect(await healthcheck({ AUTH_HOST: '0.0.0.0', AUTH_PORT: String(port) })).toBe(0)
  })

  it.skipIf(!hasIPv6Loopback)('asks an IPv6 AUTH_HOST in brackets', async () => {
    const port = await readyOn('::1')
    expect(await healthcheck({ AUTH_HOST: '::1', AUTH_PORT: String(port) })).toBe(0)
  })

  it('finds the port in PORT when AUTH_PORT is unset', async () => {
    const port = await readyOn('127.0.0.1')
    expect(await healthcheck({ PORT: String(port) })).toBe(0)
  })

  it('reports a service waiting on a configuration error as unhealthy', async () => {
    const port = await freePort()
    const running = startProcess(
      { AUTH_ON_CONFIG_ERROR: 'wait', AUTH_ACCESS_TOKEN_TTL: '24h' },
      { cwd: tempDir(), port },
    )
    await waitForOutput(running, 'AUTH_ON_CONFIG_ERROR=wait')
    expect(await healthcheck({ AUTH_PORT: String(port) })).toBe(1)
    running.child.kill('SIGTERM')
    expect((await running.exited).code).toBe(0)
  })
})

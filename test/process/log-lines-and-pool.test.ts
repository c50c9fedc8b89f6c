import { readdirSync, readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { freePort, startProcess, type RunningProcess } from '../helpers/process.js'
import { strongSecret } from '../helpers/secrets.js'
import { tempDir } from '../helpers/temp-dir.js'

let server: RunningProcess | undefined
afterEach(async () => {
  if (server && server.child.exitCode === null) server.child.kill('SIGTERM')
  await server?.exited
  server = undefined
})

const logLines = (output: string) =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)

/** Resolves once the child's stdout and stderr have ended: every byte it wrote has arrived. */
const drained = (running: RunningProcess) =>
  Promise.all(
    [running.child.stdout!, running.child.stderr!].map(
      (stream) =>
        new Promise((resolve) =>
          stream.readableEnded ? resolve(null) : stream.once('end', resolve),
        ),
    ),
  )

describe('log lines are written asynchronously but never lost (issue 17)', () => {
  it('a SIGTERM right after a burst of requests still leaves one line per request, then "stopped"', async () => {
    server = startProcess(
      { AUTH_SECRET: strongSecret() },
      { cwd: tempDir(), port: await freePort() },
    )
    await server.waitForLog('ready')
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        fetch(`${server!.url}/healthz`, { headers: { 'x-request-id': `burst-${i}` } }),
      ),
    )
    expect(answers.every((a) => a.status === 200)).toBe(true)
    server.child.kill('SIGTERM')
    expect(await server.exited).toEqual({ code: 0, signal: null })
    await drained(server)
    const lines = logLines(server.output())
    const ids = new Set(lines.filter((l) => l.msg === 'request').map((l) => l.req_id))
    for (let i = 0; i < 200; i++) expect(ids.has(`burst-${i}`)).toBe(true)
    expect(lines.at(-1)?.msg).toBe('stopped')
  })
})

describe('the libuv pool holds AUTH_HASH_CONCURRENCY plus its other users (API §1)', () => {
  it.each(['main', 'cli'] as const)(
    '%s: a concurrency above the default pool serves from a process started with a larger pool, and SIGTERM still exits 0',
    async (entry) => {
      server = startProcess(
        { AUTH_SECRET: strongSecret(), AUTH_HASH_CONCURRENCY: '6' },
        {
          cwd: tempDir(),
          port: await freePort(),
          entry,
          ...(entry === 'cli' ? { args: ['serve'] } : {}),
        },
      )
      await server.waitForLog('ready')
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200)
      const pid = server.child.pid!
      const children = readdirSync(`/proc/${pid}/task`).flatMap((task) =>
        readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean),
      )
      expect(children).toHaveLength(1)
      const environ = readFileSync(`/proc/${children[0]}/environ`, 'utf8').split('\0')
      expect(environ).toContain('UV_THREADPOOL_SIZE=8')
      server.child.kill('SIGTERM')
      expect(await server.exited).toEqual({ code: 0, signal: null })
      await drained(server)
      expect(logLines(server.output()).at(-1)?.msg).toBe('stopped')
    },
  )

  it('the 2-core default fits libuv’s own pool: no second process', async () => {
    server = startProcess(
      { AUTH_SECRET: strongSecret(), AUTH_HASH_CONCURRENCY: '2' },
      { cwd: tempDir(), port: await freePort() },
    )
    await server.waitForLog('ready')
    const pid = server.child.pid!
    const children = readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean),
    )
    expect(children).toEqual([])
  })
})

import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { freePort, runCLI, startProcess } from '../helpers/process.js'
import { strongSecret } from '../helpers/secrets.js'
import { tempDir } from '../helpers/temp-dir.js'

const WEAK = [
  ['a known default', 'development-secret-change-in-production'],
  ['changeme', 'changeme'],
  ['40 identical characters', 'z'.repeat(40)],
  ['a 12-character pattern repeated to 48', 'r7#Kp2!mQx9L'.repeat(4)],
  ['a random 31-character value', randomBytes(24).toString('base64').slice(0, 31)],
  ['password1234567890 twice', 'password1234567890password1234567890'],
]

async function startWith(env: Record<string, string>) {
  const cwd = tempDir()
  const running = startProcess(
    { AUTH_DATA_DIR: join(cwd, 'data'), ...env },
    {
      cwd,
      port: await freePort(),
    },
  )
  const outcome = await Promise.race([
    running.exited.then(({ code }) => ({ code })),
    running.waitForLog('ready').then(() => ({ code: 'ready' as const })),
  ])
  if (outcome.code === 'ready') {
    running.child.kill('SIGTERM')
    await running.exited
  }
  return { outcome: outcome.code, output: running.output(), cwd }
}

describe('master secret at start-up', () => {
  it.each(WEAK)('refuses %s with exit 78 and never prints it', async (_name, secret) => {
    const { outcome, output } = await startWith({ AUTH_SECRET: secret })
    expect(outcome).toBe(78)
    expect(output).toContain('AUTH_SECRET')
    expect(output).toContain('gen-secret')
    expect(output).not.toContain(secret)
  })

  it.each(WEAK)('refuses %s through AUTH_SECRET_FILE', async (_name, secret) => {
    const dir = tempDir()
    writeFileSync(join(dir, 'secret'), `${secret}\n`)
    const { outcome, output } = await startWith({ AUTH_SECRET_FILE: join(dir, 'secret') })
    expect(outcome).toBe(78)
    expect(output).not.toContain(secret)
  })

  it('starts with 48 random bytes, given directly or through a file', async () => {
    expect((await startWith({ AUTH_SECRET: strongSecret() })).outcome).toBe('ready')
    const dir = tempDir()
    writeFileSync(join(dir, 'secret'), `${strongSecret()}\n`, { mode: 0o444 })
    expect((await startWith({ AUTH_SECRET_FILE: join(dir, 'secret') })).outcome).toBe('ready')
  })

  it('starts with the output of gen-secret', async () => {
    const generated = await runCLI(['gen-secret'], {}, tempDir())
    expect(generated.code).toBe(0)
    const secret = generated.output.trim()
    expect(secret.length).toBeGreaterThanOrEqual(64)
    expect((await startWith({ AUTH_SECRET: secret })).outcome).toBe('ready')
  })

  it('refuses AUTH_SECRET and AUTH_SECRET_FILE set together', async () => {
    const dir = tempDir()
    const secret = strongSecret()
    writeFileSync(join(dir, 'secret'), secret)
    const { outcome, output } = await startWith({
      AUTH_SECRET: secret,
      AUTH_SECRET_FILE: join(dir, 'secret'),
    })
    expect(outcome).toBe(78)
    expect(output).not.toContain(secret)
  })

  it('stops with exit 78 and one line naming a bad variable', async () => {
    const { outcome, output } = await startWith({ AUTH_ACCESS_TOKEN_TTL: '24h' })
    expect(outcome).toBe(78)
    expect(output.trim().split('\n')).toEqual([
      expect.stringMatching(/AUTH_ACCESS_TOKEN_TTL: .*for example AUTH_ACCESS_TOKEN_TTL=10m$/),
    ])
  })

  it('stops with exit 78 naming a malformed CIDR entry', async () => {
    const { outcome, output } = await startWith({
      AUTH_QUICK_LOGIN_NETWORKS: '192.168.1.0/24,192.168.300.0/24',
    })
    expect(outcome).toBe(78)
    expect(output).toContain('AUTH_QUICK_LOGIN_NETWORKS: "192.168.300.0/24" is not a CIDR range')
  })
})

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { freePort, runCLI, startProcess } from '../helpers/process.js'
import { strongSecret } from '../helpers/secrets.js'
import { tempDir } from '../helpers/temp-dir.js'

// Every weak value is refused by loadConfig in test/unit/secret-policy.test.ts, directly and
// through AUTH_SECRET_FILE; here two of them show what the real process does with that.
const WEAK = [
  ['a known default', 'development-secret-change-in-production'],
  ['a 12-character pattern repeated to 48', 'r7#Kp2!mQx9L'.repeat(4)],
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

  it('refuses a weak secret given through AUTH_SECRET_FILE', async () => {
    const [, secret] = WEAK[1]!
    const dir = tempDir()
    writeFileSync(join(dir, 'secret'), `${secret}\n`)
    const { outcome, output } = await startWith({ AUTH_SECRET_FILE: join(dir, 'secret') })
    expect(outcome).toBe(78)
    expect(output).toContain('AUTH_SECRET')
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

  // Tests run argon2 cheaply by injecting a cost in-process (test/helpers/app.ts); the
  // environment can never lower it below the OWASP floor of API §1.
  it.each([
    ['AUTH_ARGON2_MEMORY_KIB', '256'],
    ['AUTH_ARGON2_TIME', '1'],
  ])('refuses %s=%s below the production floor with exit 78', async (name, value) => {
    const { outcome, output } = await startWith({ AUTH_SECRET: strongSecret(), [name]: value })
    expect(outcome).toBe(78)
    expect(output).toMatch(new RegExp(`${name}: must be a whole number from \\d+`))
  })
})

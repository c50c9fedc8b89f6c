import { describe, expect, it } from 'vitest'
import { loadConfig, type Env } from '../../src/config.js'
import { strongSecret } from '../helpers/secrets.js'

const noFiles = (path: string): string => {
  throw Object.assign(new Error(`no ${path}`), { code: 'ENOENT' })
}
const errorsOf = (env: Env, readFile = noFiles) => {
  const result = loadConfig(env, readFile)
  return result.ok ? [] : result.errors
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const result = loadConfig({}, noFiles)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.config).toMatchObject({
      givenSecret: null,
      dataDir: './data',
      databasePath: 'data/auth.db',
      host: '127.0.0.1',
      port: 3100,
      issuer: 'http://localhost:3100',
      audience: ['hail-mary-api'],
      accessTokenTTLSeconds: 600,
      refreshTokenTTLSeconds: 30 * 86_400,
      refreshIdleTTLSeconds: 7 * 86_400,
      refreshReuseGraceSeconds: 10,
      signingAlg: 'ES256',
      quickLoginNetworks: [],
      webauthn: { rpID: 'localhost', origins: ['http://localhost:3100'], rpName: 'Hail Mary' },
      passwordMinLength: 15,
      pinMinLength: 6,
      argon2: { memoryKiB: 19_456, timeCost: 2, parallelism: 1 },
    })
  })

  it.each([
    ['AUTH_PORT', 'eighty'],
    ['AUTH_PORT', '70000'],
    ['AUTH_ISSUER', 'localhost:3100'],
    ['AUTH_ACCESS_TOKEN_TTL', '2h'],
    ['AUTH_ACCESS_TOKEN_TTL', '10 minutes'],
    ['AUTH_SIGNING_ALG', 'HS256'],
    ['AUTH_QUICK_LOGIN_NETWORKS', '192.168.1.0/33'],
    ['AUTH_TRUST_PROXY', 'proxy.local'],
    ['AUTH_PASSWORD_MIN_LENGTH', '7'],
    ['AUTH_PIN_MIN_LENGTH', '3'],
    ['AUTH_ARGON2_MEMORY_KIB', '4096'],
    ['AUTH_ARGON2_TIME', '1'],
    ['AUTH_LOG_LEVEL', 'loud'],
    ['AUTH_WEBAUTHN_ORIGINS', 'https://home.example/path'],
  ])('names %s=%s with an example of a good value', (name, value) => {
    const errors = errorsOf({ [name]: value })
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(new RegExp(`^${name}: `))
    expect(errors[0]).toMatch(/for example [A-Z0-9_]+=\S+/)
  })

  it('names the bad entry of a CIDR list', () => {
    expect(errorsOf({ AUTH_QUICK_LOGIN_NETWORKS: '192.168.1.0/24,10.0.0.300/8' })[0]).toContain(
      '"10.0.0.300/8"',
    )
  })

  // Regression: ipaddr.js read `192.168.010.0/24` as 192.168.8.0/24 and `3232235796` as an
  // address; `0.0.0.0/0` and `::ffff:0:0/96` (which let 8.8.8.8 count as inside) were taken.
  it.each([
    ['AUTH_QUICK_LOGIN_NETWORKS', '192.168.010.0/24', 'canonical form'],
    ['AUTH_QUICK_LOGIN_NETWORKS', '3232235796', 'canonical form'],
    ['AUTH_TRUST_PROXY', '0x7f.1', 'canonical form'],
    ['AUTH_METRICS_NETWORKS', '127.000.0.1/32', 'canonical form'],
    ['AUTH_QUICK_LOGIN_NETWORKS', '0.0.0.0/0', 'covers every address'],
    ['AUTH_QUICK_LOGIN_NETWORKS', '::/0', 'covers every address'],
    ['AUTH_QUICK_LOGIN_NETWORKS', '::ffff:0:0/96', 'covers every address'],
    ['AUTH_TRUST_PROXY', '0.0.0.0/0', 'covers every address'],
    ['AUTH_TRUST_PROXY', '::ffff:0.0.0.0/96', 'covers every address'],
  ])('refuses %s=%s (%s), naming the variable', (name, value, why) => {
    const errors = errorsOf({ [name]: value })
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(new RegExp(`^${name}: "${value.replace(/\./g, '\\.')}" `))
    expect(errors[0]).toContain(why)
  })

  it('lets the metrics networks be open to every address, on purpose', () => {
    const result = loadConfig({ AUTH_METRICS_NETWORKS: '0.0.0.0/0,::/0' }, noFiles)
    expect(result.ok).toBe(true)
  })

  it('reports every problem at once', () => {
    expect(
      errorsOf({ AUTH_PORT: 'x', AUTH_SIGNING_ALG: 'none', AUTH_LOG_LEVEL: 'x' }),
    ).toHaveLength(3)
  })

  it('honours PORT when AUTH_PORT is unset', () => {
    const result = loadConfig({ PORT: '8080' }, noFiles)
    expect(result.ok && result.config.port).toBe(8080)
  })

  it('reads a secret from AUTH_SECRET_FILE without its trailing newline', () => {
    const secret = strongSecret()
    const result = loadConfig({ AUTH_SECRET_FILE: '/run/secrets/auth' }, (path) =>
      path === '/run/secrets/auth' ? `${secret}\n` : noFiles(path),
    )
    expect(result.ok && result.config.givenSecret).toBe(secret)
  })

  it('refuses AUTH_SECRET and AUTH_SECRET_FILE together', () => {
    const secret = strongSecret()
    const errors = errorsOf({ AUTH_SECRET: secret, AUTH_SECRET_FILE: '/x' }, () => secret)
    expect(errors).toEqual([expect.stringMatching(/^AUTH_SECRET: set either/)])
  })

  it('parses IPv4 and IPv6 networks', () => {
    const result = loadConfig({ AUTH_QUICK_LOGIN_NETWORKS: '192.168.1.0/24, fd00::/8' }, noFiles)
    expect(
      result.ok && result.config.quickLoginNetworks.map(([a, p]) => `${a.toString()}/${p}`),
    ).toEqual(['192.168.1.0/24', 'fd00::/8'])
  })
})

// Regression (issue 14): AUTH_REFRESH_TOKEN_TTL=12h alone stopped the start, because the
// default idle TTL of 7 d was longer than the absolute lifetime.
describe('AUTH_REFRESH_IDLE_TTL', () => {
  const ttls = (env: Env) => {
    const result = loadConfig(env, noFiles)
    if (!result.ok) return result.errors
    return [result.config.refreshTokenTTLSeconds, result.config.refreshIdleTTLSeconds]
  }

  it('defaults to the absolute lifetime when that is shorter than 7 d', () => {
    expect(ttls({ AUTH_REFRESH_TOKEN_TTL: '12h' })).toEqual([12 * 3600, 12 * 3600])
    expect(ttls({ AUTH_REFRESH_TOKEN_TTL: '7d' })).toEqual([7 * 86_400, 7 * 86_400])
    expect(ttls({ AUTH_REFRESH_TOKEN_TTL: '90d' })).toEqual([90 * 86_400, 7 * 86_400])
    expect(ttls({ AUTH_REFRESH_TOKEN_TTL: '12h', AUTH_REFRESH_IDLE_TTL: '1h' })).toEqual([
      12 * 3600,
      3600,
    ])
  })

  it('refuses an explicit idle TTL longer than the absolute lifetime', () => {
    expect(ttls({ AUTH_REFRESH_TOKEN_TTL: '12h', AUTH_REFRESH_IDLE_TTL: '7d' })).toEqual([
      expect.stringMatching(
        /^AUTH_REFRESH_IDLE_TTL: must not be longer than AUTH_REFRESH_TOKEN_TTL/,
      ),
    ])
  })

  it('names only the bad absolute lifetime, not the idle TTL derived from it', () => {
    expect(ttls({ AUTH_REFRESH_TOKEN_TTL: 'soon' })).toEqual([
      expect.stringMatching(/^AUTH_REFRESH_TOKEN_TTL: /),
    ])
  })
})

// The login throttling test runs with a small address limit; the default is shown here.
it('counts 100 failed logins a day per address by default (API §6), settable', () => {
  const limitOf = (env: Env) => {
    const result = loadConfig(env, noFiles)
    return result.ok ? result.config.limits.addressFailuresPerDay : result.errors
  }
  expect(limitOf({})).toBe(100)
  expect(limitOf({ AUTH_LIMIT_ADDRESS_FAILURES_PER_DAY: '12' })).toBe(12)
})

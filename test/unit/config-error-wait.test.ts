import { describe, expect, it } from 'vitest'
import { loadConfig, readConfigErrorMode } from '../../src/config.js'
import { listenAddress, readinessMessage } from '../../src/config-error-wait.js'

const noFiles = () => {
  throw Object.assign(new Error('no files here'), { code: 'ENOENT' })
}

describe('AUTH_ON_CONFIG_ERROR', () => {
  it('is exit by default and accepts exit or wait', () => {
    expect(readConfigErrorMode({})).toBe('exit')
    expect(readConfigErrorMode({ AUTH_ON_CONFIG_ERROR: ' wait ' })).toBe('wait')
    expect(readConfigErrorMode({ AUTH_ON_CONFIG_ERROR: 'exit' })).toBe('exit')
    expect(readConfigErrorMode({ AUTH_ON_CONFIG_ERROR: 'restart' })).toBeNull()
  })

  it('is readable while another variable is bad, and is itself validated', () => {
    const env = { AUTH_ON_CONFIG_ERROR: 'wait', AUTH_ACCESS_TOKEN_TTL: '24h' }
    expect(loadConfig(env, noFiles).ok).toBe(false)
    expect(readConfigErrorMode(env)).toBe('wait')
    const bad = loadConfig({ AUTH_ON_CONFIG_ERROR: 'loop' }, noFiles)
    expect(bad.ok ? [] : bad.errors).toEqual([
      'AUTH_ON_CONFIG_ERROR: must be exit or wait, for example AUTH_ON_CONFIG_ERROR=wait',
    ])
  })
})

describe('readinessMessage (public /readyz text)', () => {
  it('names each variable once and never a path or a value', () => {
    const message = readinessMessage([
      'AUTH_SECRET_FILE: cannot read /run/secrets/auth_secret (EACCES): it belongs to uid 0',
      'AUTH_PORT: must be a whole number from 1 to 65535, for example AUTH_PORT=3100',
      'AUTH_PORT: again',
    ])
    expect(message).toContain('AUTH_SECRET_FILE, AUTH_PORT')
    expect(message).not.toContain('/run/secrets')
    expect(message).not.toContain('3100')
  })
})

describe('listenAddress while waiting', () => {
  it.each([
    [{}, { host: '127.0.0.1', port: 3100 }],
    [
      { AUTH_HOST: '0.0.0.0', AUTH_PORT: '3100' },
      { host: '0.0.0.0', port: 3100 },
    ],
    [
      { AUTH_PORT: 'http', PORT: '8080' },
      { host: '127.0.0.1', port: 8080 },
    ],
    [
      { AUTH_PORT: '70000', PORT: '0' },
      { host: '127.0.0.1', port: 3100 },
    ],
    [
      { AUTH_HOST: ' ', AUTH_PORT: ' 3101 ' },
      { host: '127.0.0.1', port: 3101 },
    ],
  ])('%o → %o', (env, expected) => {
    expect(listenAddress(env)).toEqual(expected)
  })
})

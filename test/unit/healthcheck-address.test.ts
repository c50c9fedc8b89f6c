import { describe, expect, it } from 'vitest'
import { readinessURL } from '../../src/healthcheck-address.js'

describe('readinessURL (the HEALTHCHECK target)', () => {
  it.each([
    [{}, 'http://127.0.0.1:3100/readyz'],
    [{ AUTH_HOST: '0.0.0.0', AUTH_PORT: '3100' }, 'http://127.0.0.1:3100/readyz'],
    [{ AUTH_HOST: '::' }, 'http://127.0.0.1:3100/readyz'],
    [{ AUTH_HOST: '192.168.1.20', AUTH_PORT: '8080' }, 'http://192.168.1.20:8080/readyz'],
    [{ AUTH_HOST: 'fd00::20' }, 'http://[fd00::20]:3100/readyz'],
    [{ AUTH_HOST: '::1', PORT: '4000' }, 'http://[::1]:4000/readyz'],
    [{ AUTH_HOST: 'localhost', AUTH_PORT: '3101', PORT: '4000' }, 'http://localhost:3101/readyz'],
  ])('%o → %s', (env, url) => {
    expect(readinessURL(env)).toBe(url)
  })
})

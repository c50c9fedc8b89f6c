import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { packageRoot } from '../../src/package-root.js'
import {
  composeProblems,
  dockerfileProblems,
  dockerInstructions,
} from '../helpers/deployment-rules.js'

// No Docker engine runs here, so the image and compose file are checked by reading them.
const read = (path: string) => readFileSync(join(packageRoot(), path), 'utf8')

describe('Dockerfile', () => {
  it('has none of the old problems', () => {
    expect(dockerfileProblems(read('Dockerfile'))).toEqual([])
  })

  it('would catch every old pattern', () => {
    expect(dockerfileProblems(read('test/fixtures/old/Dockerfile'))).toEqual([
      'not multi-stage',
      'runtime image is not slim',
      'TLS verification turned off',
      'dev dependencies installed in the runtime stage',
      'runtime does not copy from the build stage',
      'runs as root',
      'no HEALTHCHECK',
      'no /data volume',
      'does not listen on 0.0.0.0',
      'does not expose 3100',
      'shell-form entry point (signals do not reach node)',
      'npm as PID 1',
      'no init as PID 1',
      'a secret baked into a layer',
    ])
  })

  it('copies what the runtime needs: the build, production modules, migrations, the healthcheck', () => {
    const copies = dockerInstructions(read('Dockerfile'))
      .filter((i) => i.keyword === 'COPY')
      .map((i) => i.args)
    expect(copies).toContain('--from=build /app/node_modules ./node_modules')
    expect(copies).toContain('--from=build /app/dist/src ./dist/src')
    expect(copies).toContain('--from=build /app/dist/ui ./dist/ui') // the web UI's script and styles
    expect(copies).toContain('migrations ./migrations')
    expect(existsSync(join(packageRoot(), 'src/healthcheck.ts'))).toBe(true)
    expect(read('Dockerfile')).toContain('npm prune --omit=dev')
  })

  it('keeps build context small and secret-free (.dockerignore)', () => {
    const ignored = read('.dockerignore').split('\n')
    for (const entry of ['node_modules', '.git', 'data', 'secrets', '.env'])
      expect(ignored).toContain(entry)
  })
})

describe('compose.example.yml', () => {
  it('has none of the old problems', () => {
    expect(composeProblems(read('compose.example.yml'))).toEqual([])
  })

  it('would catch every old pattern', () => {
    expect(composeProblems(read('test/fixtures/old/compose.yml'))).toEqual([
      'auth healthcheck has no start_period',
      'auth healthcheck needs curl/wget',
      'api does not wait for a healthy auth',
      'secret inline in the compose file',
      'secret not from a Docker secret',
      'no Docker secret declared',
      'no named volume for /data',
      'api lacks the JWKS URL',
      'api issuer differs from auth',
      'api lacks the audience',
      'quick-login networks not shown',
      'trusted proxy not shown',
    ])
  })
})

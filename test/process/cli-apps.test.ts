import { join } from 'node:path'
import { decodeJwt } from 'jose'
import { describe, expect, it } from 'vitest'
import type { TokenResponse } from '../../src/http/views.js'
import { createTestApp } from '../helpers/app.js'
import { addUser, login } from '../helpers/fixtures.js'
import { runCLI } from '../helpers/process.js'
import { strongSecret } from '../helpers/secrets.js'
import { tempDir } from '../helpers/temp-dir.js'

function box(extra: Record<string, string> = {}) {
  const cwd = tempDir()
  const env = { AUTH_SECRET: strongSecret(), AUTH_DATA_DIR: join(cwd, 'data'), ...extra }
  return { env, cli: (args: string[]) => runCLI(args, env, cwd) }
}

const line = (value: unknown) => `${JSON.stringify(value)}\n`

describe('hail-mary-auth app add|list|remove', () => {
  it('prints exactly one JSON line per kind of app, the secret only for a confidential one', async () => {
    const { cli } = box({ AUTH_ISSUER: 'https://auth.home.arpa' })
    expect(await cli(['group', 'add', 'parents', '--description', 'Grown-ups'])).toEqual({
      code: 0,
      output: line({ name: 'parents', description: 'Grown-ups' }),
    })
    const proxied = await cli([
      'app',
      'add',
      'jellyfin',
      '--domain',
      'media.home.arpa',
      '--allow-pin',
    ])
    expect(proxied).toEqual({ code: 0, output: line({ name: 'jellyfin' }) })
    const pub = await cli([
      'app',
      'add',
      'tablet',
      '--public',
      '--redirect-uri',
      'http://localhost:8080/cb',
    ])
    expect(pub).toEqual({ code: 0, output: line({ name: 'tablet', client_id: 'tablet' }) })
    const confidential = await cli([
      'app',
      'add',
      'paperless',
      '--redirect-uri',
      'https://docs.home.arpa/cb',
      '--redirect-uri',
      'https://docs.home.arpa/cb2',
      '--post-logout-redirect-uri',
      'https://docs.home.arpa/',
      '--id-token-alg',
      'ES256',
      '--groups',
      'parents',
      '--require-mfa',
    ])
    expect(confidential.code).toBe(0)
    expect(confidential.output.split('\n')).toHaveLength(2)
    const printed = JSON.parse(confidential.output) as Record<string, string>
    expect(Object.keys(printed)).toEqual(['name', 'client_id', 'client_secret'])
    expect(printed).toMatchObject({ name: 'paperless', client_id: 'paperless' })
    expect(printed.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/)

    const listed = await cli(['app', 'list'])
    expect(listed.code).toBe(0)
    const apps = listed.output
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(apps.map((a) => a.name)).toEqual(['jellyfin', 'paperless', 'tablet'])
    expect(apps[1]).toMatchObject({
      redirect_uris: ['https://docs.home.arpa/cb', 'https://docs.home.arpa/cb2'],
      id_token_alg: 'ES256',
      groups: ['parents'],
      require_mfa: true,
      allow_pin: false,
    })
    expect(listed.output).not.toContain(printed.client_secret)

    // A group an app names cannot go; once the app is gone, it can.
    expect((await cli(['group', 'remove', 'parents'])).code).toBe(1)
    expect(await cli(['app', 'remove', 'paperless'])).toEqual({
      code: 0,
      output: 'removed app paperless\n',
    })
    expect((await cli(['group', 'remove', 'parents'])).code).toBe(0)
    expect((await cli(['group', 'list'])).output).toBe('')
  }, 120_000)

  it('exits 64 on usage errors, 1 on refusals, 78 on configuration errors', async () => {
    const { cli, env } = box({ AUTH_ISSUER: 'https://auth.home.arpa' })
    const cases: [string[], number][] = [
      [['app'], 64],
      [['app', 'add'], 64],
      [['app', 'add', 'a', 'b'], 64],
      [['app', 'add', 'a', '--bogus'], 64],
      [['app', 'add', 'a', '--id-token-alg', 'HS256'], 64],
      [['app', 'add', 'a', '--redirect-uri', 'http://docs.home.arpa/cb'], 64],
      [['app', 'add', 'a', '--public', '--no-pkce', '--redirect-uri', 'https://a.example/cb'], 64],
      [['app', 'add', 'Bad Name'], 64],
      [['app', 'add', 'a', '--groups', 'nobody'], 64],
      [['app', 'remove', 'nobody'], 1],
      [['group', 'add', 'Bad'], 64],
      [['group', 'remove', 'nobody'], 1],
      [['user', 'set-groups', 'nobody', 'kids'], 1],
      [['user', 'set-groups', 'only-one-arg'], 64],
    ]
    // The database first (one migration), then the refusals side by side: each is a process.
    expect((await cli(['app', 'add', 'first'])).code).toBe(0)
    const results = await Promise.all(cases.map(([args]) => cli(args)))
    expect(results.map((r) => r.code)).toEqual(cases.map(([, code]) => code))
    for (const result of results) expect(result.output.trim().split('\n')).toHaveLength(1)
    expect((await cli(['app', 'add', 'first'])).code).toBe(1)
    const broken = await runCLI(['app', 'list'], { ...env, AUTH_ISSUER: 'not a url' }, tempDir())
    expect(broken.code).toBe(78)
  }, 120_000)

  it('takes effect at once in a service running on the same data directory', async () => {
    const { cli, env } = box()
    const t = await createTestApp({ dataDir: env.AUTH_DATA_DIR, secret: env.AUTH_SECRET })
    try {
      await addUser(t, 'alice', { role: 'admin' })
      const bob = await addUser(t, 'bob')
      const admin = (await login(t, 'alice')).access_token
      const tokens = await login(t, 'bob')
      expect(decodeJwt(tokens.access_token).groups).toEqual([])

      expect((await cli(['group', 'add', 'kids'])).code).toBe(0)
      expect(await cli(['user', 'set-groups', 'bob', 'kids'])).toEqual({
        code: 0,
        output: line({ username: 'bob', groups: ['kids'] }),
      })
      const refreshed = await t.call('POST', '/v1/token/refresh', {
        json: { refresh_token: tokens.refresh_token },
      })
      const next = (await refreshed.json()) as TokenResponse
      expect(decodeJwt(next.access_token).groups).toEqual(['kids'])
      expect(t.services.groups.namesOf(bob.id)).toEqual(['kids'])

      const added = await cli([
        'app',
        'add',
        'immich',
        '--redirect-uri',
        'https://photos.home.arpa/cb',
      ])
      const { client_secret } = JSON.parse(added.output) as { client_secret: string }
      const app = t.services.apps.findByClientId('immich')
      expect(app && t.services.apps.verifySecret(app, client_secret)).toBe(true)
      const listed = await t.call('GET', '/v1/admin/apps/immich', { token: admin })
      expect(listed.status).toBe(200)

      expect((await cli(['app', 'remove', 'immich'])).code).toBe(0)
      expect(t.services.apps.findByClientId('immich')).toBeNull()
      expect((await t.call('GET', '/v1/admin/apps/immich', { token: admin })).status).toBe(404)
    } finally {
      t.close()
    }
  }, 120_000)
})

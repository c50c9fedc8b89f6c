import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { send } from '../helpers/live-server.js'
import { freePort, startProcess } from '../helpers/process.js'
import { strongSecret } from '../helpers/secrets.js'
import { tempDir } from '../helpers/temp-dir.js'
import { imageLayout, runImageCLI } from './image-layout.js'

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url))
const lines = (output: string) => output.trim().split('\n')

// Review of issue 17: the commands of API §8 through the bundled CLI (dist/server/cli.js) of an
// image layout (production modules only, no dist/src), from a working directory that is not
// the app's; then the server it prepared, with the lazily read bcrypt and tldts.
describe('the bundled CLI in the image layout', () => {
  it('runs the commands of API §8 with their exit codes, and the server signs in an imported bcrypt user', async () => {
    const app = imageLayout()
    const port = await freePort()
    const env = {
      AUTH_SECRET: strongSecret(),
      AUTH_DATA_DIR: join(tempDir(), 'data'),
      AUTH_ISSUER: `http://auth.home.example:${port}`,
      AUTH_TRUST_PROXY: '10.0.0.1/32',
    }
    const cli = (...args: string[]) => runImageCLI(app, args, env)

    expect(await cli('migrate')).toMatchObject({ code: 0 })
    expect(await cli('user', 'import', fixture('hail-mary-users.json'))).toEqual({
      code: 0,
      output: 'imported 4 user(s)\n',
    })
    expect(await cli('group', 'add', 'family')).toMatchObject({ code: 0 })
    expect(await cli('user', 'set-groups', 'dad', 'family')).toMatchObject({ code: 0 })
    const client = await cli('app', 'add', 'immich', '--redirect-uri', 'https://i.home.example/cb')
    expect(JSON.parse(client.output)).toEqual({
      name: 'immich',
      client_id: 'immich',
      client_secret: expect.any(String),
    })
    expect(await cli('app', 'add', 'wiki', '--domain', 'wiki.home.example')).toEqual({
      code: 0,
      output: '{"name":"wiki"}\n',
    })
    expect(lines((await cli('app', 'list')).output)).toHaveLength(2)
    expect(await cli('keys', 'rotate')).toMatchObject({ code: 0 })
    expect(lines((await cli('keys', 'list')).output)).toHaveLength(2)
    const backup = join(tempDir(), 'backup.db')
    expect(await cli('backup', backup)).toMatchObject({ code: 0 })
    expect(await cli('restore', backup)).toMatchObject({ code: 0 })
    for (const usage of [['--help'], ['user'], ['backup'], ['app', 'add']])
      expect((await cli(...usage)).code).toBe(64)
    const publicSuffix = await runImageCLI(app, ['check-config'], {
      ...env,
      AUTH_COOKIE_DOMAIN: 'duckdns.org',
    })
    expect(publicSuffix.code).toBe(78)
    expect(publicSuffix.output).toContain('is a public suffix')

    const server = startProcess(
      { ...env, AUTH_COOKIE_DOMAIN: 'home.example' },
      { cwd: tempDir(), root: app, port },
    )
    try {
      await server.waitForLog('ready')
      const dad = await send(server.url, 'POST', '/v1/login/password', {
        username: 'dad',
        password: 'old hail mary password dad',
      })
      expect(dad.status).toBe(200)
    } finally {
      server.child.kill('SIGTERM')
    }
    expect(await server.exited).toEqual({ code: 0, signal: null })
  })
})

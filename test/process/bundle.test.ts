import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { listFileText, prebuiltListPath } from '../../src/common-words.js'
import { PASSWORD } from '../helpers/fixtures.js'
import { send } from '../helpers/live-server.js'
import { startImageServer } from '../review-17b/image-layout.js'

describe('the bundle (dist/server/main.js, what `npm start` and the image run)', () => {
  it('serves from the image layout without dist/src: ready, a sign-in, the lazily loaded pages and OIDC provider, exit 0 on SIGTERM', async () => {
    const server = await startImageServer()
    try {
      await server.waitForLog('ready')
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200)
      const signIn = await send(server.url, 'POST', '/v1/login/password', {
        username: 'owner',
        password: PASSWORD,
      })
      expect(signIn.status).toBe(200)
      expect(signIn.body.access_token).toEqual(expect.any(String))
      const page = await fetch(`${server.url}/ui/sign-in`)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('<form')
      const discovery = await fetch(`${server.url}/.well-known/openid-configuration`)
      expect(discovery.status).toBe(200)
      expect(((await discovery.json()) as { jwks_uri: string }).jwks_uri).toMatch(/jwks/)
    } finally {
      server.child.kill('SIGTERM')
    }
    expect(await server.exited).toEqual({ code: 0, signal: null })
  })
})

describe("the bundle's common-word lists (dist/server/common-words)", () => {
  it('are the lists the rules of src/common-words.ts make from the package', () => {
    for (const name of ['passwords', 'words'] as const) {
      expect(readFileSync(prebuiltListPath(name), 'utf8')).toBe(listFileText(name))
    }
  })
})
